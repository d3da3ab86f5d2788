"""Sound as pictures: a clip of fixed length turned into a log-frequency power picture the image nets
take as one channel (values in [0, 1]), and back into sound with Griffin-Lim. A data set of sound names
its `Sound`: the Free Spoken Digit Dataset (Jakobovski et al., CC BY-SA 4.0), cut to one-second clips
at 8 kHz, is seen on the mel scale (FSDD below); instrument notes (data/notes.py) at 16 kHz on a scale
of their own.

Spectrograms and Griffin-Lim are torch's own stft/istft: no extra dependency (torchaudio's wheels
are pinned to other torch versions; librosa brings numba and scipy) and it runs where the models
run. WAV files are read (and, in studio/render.py, written) only through soundfile.
"""
import math
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import soundfile as sf
import torch

from .dataset import Dataset


# the pictures

def hz_to_mel(f):
    """The HTK mel scale, mel = 2595 log10(1 + f / 700) (O'Shaughnessy 1987)."""
    return 2595 * np.log10(1 + np.asarray(f, dtype=np.float64) / 700)


def mel_to_hz(m):
    return 700 * (10 ** (np.asarray(m, dtype=np.float64) / 2595) - 1)


def filterbank(edges_hz, n_fft: int, sample_rate: int) -> torch.Tensor:
    """(len(edges) - 2, n_fft // 2 + 1) triangular filters, filter i rising from edges[i] to a peak of
    1 at edges[i + 1] and falling to edges[i + 2]."""
    edges = torch.as_tensor(edges_hz, dtype=torch.float64)
    freqs = torch.linspace(0, sample_rate / 2, n_fft // 2 + 1, dtype=torch.float64)
    lower, centre, upper = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rising, falling = (freqs - lower) / (centre - lower), (upper - freqs) / (upper - centre)
    return torch.clamp(torch.minimum(rising, falling), min=0).float()


# Griffin-Lim's iterations: 16, not 32, halves the vocoder's time for what a listener gets unchanged. 300 samples
# of each sound generator, the evaluator's agreement with what was asked after the vocoder at 16 / 32 / 64
# iterations (`python -m genapp bench --vocoder`): rbm-notes pitch 0.990 / 0.990 / 0.990, instrument 0.370 /
# 0.383 / 0.383; vae-notes pitch 0.667 / 0.663 / 0.663, instrument 0.350 / 0.343 / 0.337; gan-notes pitch 0.417 /
# 0.417 / 0.413; spoken digits vae-fsdd 0.987 / 0.990 / 0.987, gan-fsdd 0.967 / 0.967 / 0.967, rbm-fsdd 0.920 /
# 0.920 / 0.920: all within the samples' noise (one standard error: 0.028 at 0.37). What it costs: spectral
# convergence (|||STFT| - target|| / ||target||) 0.199 -> 0.224 on rbm-notes, 0.176 -> 0.196 on vae-fsdd.
GRIFFIN_LIM_ITERATIONS = 16


@dataclass(frozen=True)
class Sound:
    """How a data set's clips are pictures: `bands` filters (equally spaced on the mel scale from 0 Hz
    to Nyquist, or on a log scale of frequency from `low_hz`, as a piano's keys are) by `frames` STFT
    hops of `clip` seconds at `sample_rate`; every clip's largest sample is `peak`; a picture's 1 is
    `top_db` decibels of band power and its 0 is `range_db` below."""
    sample_rate: int
    n_fft: int
    hop: int
    bands: int
    frames: int
    scale: str = "mel"          # mel | log
    low_hz: float = 0.0         # the lowest filter's lower edge (log scale)
    peak: float = 0.5
    top_db: float = 40.0
    range_db: float = 80.0
    gap: float = 0.25           # seconds of silence between clips played in a row
    align: str = "centre"       # where a clip sits in its fixed length: centre | onset (a note starts at 0)

    @property
    def clip_samples(self) -> int:
        return self.hop * self.frames

    @property
    def shape(self) -> tuple:
        return (1, self.bands, self.frames)

    @cached_property
    def filters(self) -> torch.Tensor:
        """(bands, n_fft // 2 + 1) triangular filters, low frequencies first."""
        nyquist = self.sample_rate / 2
        if self.scale == "mel":
            edges = mel_to_hz(np.linspace(0, hz_to_mel(nyquist), self.bands + 2))
        else:
            edges = np.geomspace(self.low_hz, nyquist, self.bands + 2)
        return filterbank(edges, self.n_fft, self.sample_rate)

    @cached_property
    def inverse(self) -> torch.Tensor:
        return torch.linalg.pinv(self.filters)

    def fixed_length(self, wave: np.ndarray, n: int | None = None) -> np.ndarray:
        """Centre a clip in n samples (a clip's length by default): pad with silence on both sides, or
        cut both ends; or, aligned at the onset, keep its first n samples, padded at the end."""
        n = self.clip_samples if n is None else n
        if self.align == "onset":
            return np.pad(wave[:n], (0, max(0, n - len(wave))))
        if len(wave) >= n:
            start = (len(wave) - n) // 2
            return wave[start:start + n]
        left = (n - len(wave)) // 2
        return np.pad(wave, (left, n - len(wave) - left))

    def stft(self, wave):
        return torch.stft(wave, self.n_fft, self.hop, window=torch.hann_window(self.n_fft, device=wave.device),
                          center=True, return_complex=True)

    def spectrogram(self, wave: torch.Tensor) -> torch.Tensor:
        """(B, clip_samples) -> (B, 1, bands, frames) log band power in [0, 1] (range_db decibels below
        top_db; low frequencies in row 0). The STFT's last frame, centred on the clip's end, is dropped."""
        power = self.stft(wave).abs().pow(2)[..., :self.frames]           # (B, n_fft/2 + 1, frames)
        db = 10 * torch.log10(self.filters.to(power.device) @ power + 1e-10)   # (B, bands, frames)
        return ((db - self.top_db + self.range_db) / self.range_db).clamp(0, 1).unsqueeze(1)

    def griffin_lim(self, magnitude: torch.Tensor, iterations: int = GRIFFIN_LIM_ITERATIONS,
                    momentum: float = 0.99) -> torch.Tensor:
        """(B, n_fft/2 + 1, frames) STFT magnitudes -> (B, clip_samples) waveform whose STFT magnitude
        approaches them: Griffin & Lim 1984, with the momentum of Perraudin et al. 2013 ("A fast
        Griffin-Lim algorithm"). Starts from zero phase, so it is deterministic."""
        window = torch.hann_window(self.n_fft, device=magnitude.device)
        istft = lambda s: torch.istft(s, self.n_fft, self.hop, window=window, center=True,
                                      length=self.clip_samples)
        angles = torch.ones_like(magnitude, dtype=torch.complex64)
        previous = torch.zeros_like(angles)
        for _ in range(iterations):
            rebuilt = self.stft(istft(magnitude * angles))
            accelerated = rebuilt - previous * (momentum / (1 + momentum))
            angles = torch.sgn(accelerated)          # z / |z|, 0 where z is: one op, 30% quicker than a division
            previous = rebuilt
        return istft(magnitude * angles)

    def waveform(self, picture: torch.Tensor, iterations: int = GRIFFIN_LIM_ITERATIONS) -> torch.Tensor:
        """(B, 1, bands, frames) in [0, 1] -> (B, clip_samples) in [-1, 1]: undo the decibel scaling,
        map band power back to linear frequencies with the filters' pseudo-inverse, then Griffin-Lim.
        The phase is reconstructed, not generated: that is what makes the sound a little robotic."""
        db = picture.squeeze(1) * self.range_db + self.top_db - self.range_db
        band_power = 10 ** (db / 10)                                      # (B, bands, frames)
        power = (self.inverse.to(band_power.device) @ band_power).clamp(min=0)
        magnitude = torch.cat([power, power[..., -1:]], -1).sqrt()        # the dropped last frame, repeated
        return self.griffin_lim(magnitude, iterations).clamp(-1, 1)

    def pcm16(self, waves: torch.Tensor, gap: float | None = None) -> np.ndarray:
        """(B, samples) in [-1, 1] -> (samples,) int16: the clips in a row, `gap` seconds of silence
        between (the Sound's own gap by default)."""
        silence = torch.zeros(int((self.gap if gap is None else gap) * self.sample_rate))
        parts = [p for w in waves for p in (w, silence)][:-1]
        return (torch.cat(parts).clamp(-1, 1) * 32767).round().short().numpy()


# spoken digits: 64 ms windows (finer bins: no empty low mel filter), 64 hops a second; picture 1 =
# +40 dB mel power (the loudest training clip: +34.5), 0 = -40 dB
FSDD = Sound(sample_rate=8000, n_fft=512, hop=125, bands=64, frames=64)
DEFAULT_DIR = "../shared/data/fsdd/recordings"
LICENCE = "CC BY-SA 4.0, Free Spoken Digit Dataset (Jakobovski et al.)"
FILE = re.compile(r"(\d)_([a-z]+)_(\d+)\.wav")
# loading

def load_clips(data_dir: str | Path = DEFAULT_DIR, split: str = "train"):
    """(waves (N, FSDD.clip_samples) float32 peak-normalised to FSDD.peak, digits (N,) int64, speakers list) of
    the official split: takes 0-4 of every speaker and digit are the test set, takes 5-49 training.
    Recordings differ in loudness by ~30 dB between speakers; normalising lets models spend
    their capacity on what was said, not on how loudly."""
    assert split in ("train", "test"), f"split must be train or test, got {split!r}"
    waves, digits, speakers = [], [], []
    for path in sorted(Path(data_dir).glob("*.wav")):
        match = FILE.fullmatch(path.name)
        if match is None or (int(match[3]) < 5) != (split == "test"):
            continue
        wave, rate = sf.read(path, dtype="float32", always_2d=True)
        assert rate == FSDD.sample_rate, f"{path.name}: {rate} Hz, expected {FSDD.sample_rate}"
        wave = wave.mean(1)
        waves.append(FSDD.fixed_length(wave * (FSDD.peak / max(np.abs(wave).max(), 1e-4))))
        digits.append(int(match[1]))
        speakers.append(match[2])
    assert waves, f"no FSDD recordings in {data_dir}"
    return torch.from_numpy(np.stack(waves)).float(), torch.tensor(digits), speakers


def read_clips(data_dir: str | Path, split: str):
    """(waves, digits) of a split: what the data set's registry entry reads."""
    return load_clips(data_dir, split)[:2]


DATASET = Dataset(
    "fsdd", "Free Spoken Digit Dataset", tuple(str(i) for i in range(10)), DEFAULT_DIR, LICENCE,
    modality="audio", hub_licence="cc-by-sa-4.0", sound=FSDD, read=read_clips,     # share-alike: what is built on it too
    # 3,000 files fetched one by one took 416 s from the Hub stand-in (a HEAD and a GET each); one tar, seconds
    subfolder="fsdd/recordings", files=("*.wav",), archive="recordings.tar",
    checkpoints=("vae-fsdd", "gan-fsdd", "rbm-fsdd", "eval-fsdd"), validation=300, yardstick=300,
    split="3,000 recordings (6 speakers x 10 digits x 50 takes) at 8 kHz, official split: takes 0-4 are the test "
          "set (300 clips), takes 5-49 training (2,700; a fixed random 300 of them for validation during "
          "training). Each clip is centred in 1 s, peak-normalised, and seen as a 64 x 64 log-mel picture "
          "(`genapp/data/audio.py`)",
    source="the Free Spoken Digit Dataset's `recordings/` (Jakobovski et al., git tag at commit 26eb9aa): mono "
           "8 kHz WAV files named `{digit}_{speaker}_{take}.wav`")
