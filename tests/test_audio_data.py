"""Spoken digits: the official FSDD split, spectrogram pictures, Griffin-Lim, WAV bytes and metadata."""
import io
import subprocess
import sys

import pytest
import soundfile as sf
import torch

from conftest import ROOT
from genapp import studio
from genapp.data import audio
from genapp.studio.render import wav_bytes, wav_metadata

DATA = ROOT.parent / "shared" / "data" / "fsdd" / "recordings"


@pytest.fixture(scope="module")
def test_clips():
    return audio.load_clips(DATA, "test")


def test_official_split_and_fixed_length_clips(test_clips):
    waves, digits, speakers = test_clips
    assert waves.shape == (300, audio.FSDD.clip_samples) and waves.dtype == torch.float32
    assert torch.equal(torch.bincount(digits), torch.full((10,), 30))      # 6 speakers x takes 0-4
    assert len(set(speakers)) == 6
    assert waves.abs().amax(1).sub(audio.FSDD.peak).abs().max() < 1e-6           # peak-normalised
    train, _, _ = audio.load_clips(DATA, "train")
    assert len(train) == 2700


def test_fixed_length_centres_short_and_long_clips():
    short = audio.FSDD.fixed_length(torch.ones(4).numpy(), 8)
    assert short.tolist() == [0, 0, 1, 1, 1, 1, 0, 0]
    assert audio.FSDD.fixed_length(torch.arange(10.).numpy(), 4).tolist() == [3, 4, 5, 6]


def test_mel_filterbank_is_triangles_that_cover_the_band():
    fb = audio.FSDD.filters
    assert fb.shape == (audio.FSDD.bands, audio.FSDD.n_fft // 2 + 1) and fb.min() >= 0
    assert (fb.amax(1) > 0.5).all()                   # every filter reaches near its peak of 1 on the grid
    peaks = fb.argmax(1)
    assert (peaks[1:] >= peaks[:-1]).all()            # ordered from low to high frequencies


def test_spectrogram_is_a_picture_and_griffin_lim_brings_it_back(test_clips):
    waves = test_clips[0][::30]                        # one clip of each digit
    picture = audio.FSDD.spectrogram(waves)
    assert picture.shape == (10, *audio.FSDD.shape) and picture.min() >= 0 and picture.max() <= 1
    assert picture.max() < 1                          # the decibel range leaves headroom: nothing clips
    rebuilt = audio.FSDD.spectrogram(audio.FSDD.waveform(picture))
    assert (rebuilt - picture).abs().mean() < 0.03    # phase was reconstructed, the spectrogram survives
    silence = audio.FSDD.spectrogram(torch.zeros(1, audio.FSDD.clip_samples))
    assert silence.max() == 0


def test_wav_bytes_are_reproducible_and_carry_their_provenance(test_clips):
    waves = audio.FSDD.waveform(audio.FSDD.spectrogram(test_clips[0][:3]))
    data = wav_bytes(audio.FSDD.pcm16(waves), {"checkpoint": "vae-fsdd", "seed": 7}, 8000)
    assert data == wav_bytes(audio.FSDD.pcm16(audio.FSDD.waveform(audio.FSDD.spectrogram(test_clips[0][:3]))),
                                   {"checkpoint": "vae-fsdd", "seed": 7}, 8000)
    assert data[:4] == b"RIFF" and wav_metadata(data) == {"checkpoint": "vae-fsdd", "seed": "7"}
    n_samples = 3 * audio.FSDD.clip_samples + 2 * int(0.25 * audio.FSDD.sample_rate)

    pcm, rate = sf.read(io.BytesIO(data), dtype="int16")
    assert rate == audio.FSDD.sample_rate and len(pcm) == n_samples


def test_generate_audio_gives_the_same_wav_from_the_cli_and_the_seam(tmp_path):


    out = tmp_path / "seven.wav"
    subprocess.run([sys.executable, "-m", "genapp", "generate", "vae-fsdd", "--n", "3", "--seed", "1", "--label", "7",
                    "--out", str(out)], cwd=ROOT, check=True, capture_output=True)
    result = studio.generate_audio("vae-fsdd", n=3, seed=1, label="7")
    assert out.read_bytes() == result.wav
    meta = wav_metadata(result.wav)
    assert meta["checkpoint"] == "vae-fsdd" and meta["seed"] == "1" and meta["labels"] == "7 7 7"
    assert result.sample_rate == 8000 and result.pcm.dtype.name == "int16"
    assert len(result.pcm) == 3 * audio.FSDD.clip_samples + 2 * int(0.25 * audio.FSDD.sample_rate)


@pytest.mark.parametrize("kwargs, words", [
    (dict(n=0), "from 1 to 8"), (dict(n=9), "from 1 to 8"), (dict(label=10), "Pick a class"),
    (dict(seed=-1), "out of range"), (dict(name="gan-mnist"), "not a sound generator"),
])
def test_bad_audio_requests_get_a_sentence(kwargs, words):

    args = dict(name="gan-fsdd", n=2, seed=0, label="any") | kwargs
    with pytest.raises(studio.BadRequest, match=words):
        studio.generate_audio(args.pop("name"), **args)
