"""Spoken digits as pictures: the Free Spoken Digit Dataset (Jakobovski et al., CC BY-SA 4.0) cut to
one-second clips at 8 kHz, turned into log-mel spectrograms the image nets take as one-channel
pictures (SHAPE = (1, 64, 64), values in [0, 1]), and back into sound with Griffin-Lim.

Spectrograms and Griffin-Lim are torch's own stft/istft: no extra dependency (torchaudio's wheels
are pinned to other torch versions; librosa brings numba and scipy) and it runs where the models
run. WAV files are read (and, in studio/render.py, written) only through soundfile.
"""
import math
import re
from pathlib import Path

import numpy as np
import soundfile as sf
import torch

from .dataset import Dataset

DEFAULT_DIR = "../shared/data/fsdd/recordings"
LICENCE = "CC BY-SA 4.0, Free Spoken Digit Dataset (Jakobovski et al.)"
SAMPLE_RATE = 8000
CLIP_SAMPLES = SAMPLE_RATE          # one second
N_FFT, HOP = 512, 125               # 64 ms windows (finer bins: no empty low mel filter), 64 hops a second
N_MELS, FRAMES = 64, 64
SHAPE = (1, N_MELS, FRAMES)
PEAK = 0.5                          # every clip's largest sample after loading
TOP_DB, RANGE_DB = 40.0, 80.0       # picture 1 = +40 dB mel power (the loudest training clip: +34.5), 0 = -40 dB
FILE = re.compile(r"(\d)_([a-z]+)_(\d+)\.wav")
DATASET = Dataset(
    "fsdd", "Free Spoken Digit Dataset", tuple(str(i) for i in range(10)), DEFAULT_DIR, LICENCE,
    modality="audio", hub_licence="cc-by-sa-4.0",     # share-alike: what is built on it too
    # 3,000 files fetched one by one took 416 s from the Hub stand-in (a HEAD and a GET each); one tar, seconds
    subfolder="fsdd/recordings", files=("*.wav",), archive="recordings.tar",
    checkpoints=("vae-fsdd", "gan-fsdd", "rbm-fsdd", "eval-fsdd"), validation=300, yardstick=300,
    split="3,000 recordings (6 speakers x 10 digits x 50 takes) at 8 kHz, official split: takes 0-4 are the test "
          "set (300 clips), takes 5-49 training (2,700; a fixed random 300 of them for validation during "
          "training). Each clip is centred in 1 s, peak-normalised, and seen as a 64 x 64 log-mel picture "
          "(`genapp/data/audio.py`)",
    source="the Free Spoken Digit Dataset's `recordings/` (Jakobovski et al., git tag at commit 26eb9aa): mono "
           "8 kHz WAV files named `{digit}_{speaker}_{take}.wav`")


# loading

def fixed_length(wave: np.ndarray, n: int = CLIP_SAMPLES) -> np.ndarray:
    """Centre a clip in n samples: pad with silence on both sides, or cut both ends."""
    if len(wave) >= n:
        start = (len(wave) - n) // 2
        return wave[start:start + n]
    left = (n - len(wave)) // 2
    return np.pad(wave, (left, n - len(wave) - left))


def load_clips(data_dir: str | Path = DEFAULT_DIR, split: str = "train"):
    """(waves (N, CLIP_SAMPLES) float32 peak-normalised to PEAK, digits (N,) int64, speakers list) of
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
        assert rate == SAMPLE_RATE, f"{path.name}: {rate} Hz, expected {SAMPLE_RATE}"
        wave = wave.mean(1)
        waves.append(fixed_length(wave * (PEAK / max(np.abs(wave).max(), 1e-4))))
        digits.append(int(match[1]))
        speakers.append(match[2])
    assert waves, f"no FSDD recordings in {data_dir}"
    return torch.from_numpy(np.stack(waves)).float(), torch.tensor(digits), speakers


def load_tensors(data_dir: str | Path = DEFAULT_DIR, split: str = "train", device="cpu"):
    """(x, y) as the nets take them: x (N, 1, N_MELS, FRAMES) log-mel pictures in [0, 1], y (N,) digits."""
    waves, digits, _ = load_clips(data_dir, split)
    return spectrogram(waves).to(device), digits.to(device)


# spectrograms

def mel_filterbank(n_mels: int = N_MELS, n_fft: int = N_FFT, sample_rate: int = SAMPLE_RATE) -> torch.Tensor:
    """(n_mels, n_fft // 2 + 1) triangular filters equally spaced on the HTK mel scale,
    mel = 2595 log10(1 + f / 700) (O'Shaughnessy 1987), from 0 Hz to Nyquist, each peaking at 1."""
    mel = lambda f: 2595 * math.log10(1 + f / 700)
    edges = 700 * (10 ** (torch.linspace(0, mel(sample_rate / 2), n_mels + 2, dtype=torch.float64) / 2595) - 1)
    freqs = torch.linspace(0, sample_rate / 2, n_fft // 2 + 1, dtype=torch.float64)
    lower, centre, upper = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rising, falling = (freqs - lower) / (centre - lower), (upper - freqs) / (upper - centre)
    return torch.clamp(torch.minimum(rising, falling), min=0).float()


def _stft(wave):
    return torch.stft(wave, N_FFT, HOP, window=torch.hann_window(N_FFT), center=True, return_complex=True)


def spectrogram(wave: torch.Tensor) -> torch.Tensor:
    """(B, CLIP_SAMPLES) -> (B, 1, N_MELS, FRAMES) log-mel power in [0, 1] (RANGE_DB decibels below
    TOP_DB; low frequencies in row 0). The STFT's last frame, centred on the clip's end, is dropped."""
    power = _stft(wave).abs().pow(2)[..., :FRAMES]                  # (B, n_fft/2 + 1, FRAMES)
    db = 10 * torch.log10(mel_filterbank() @ power + 1e-10)           # (B, N_MELS, FRAMES)
    return ((db - TOP_DB + RANGE_DB) / RANGE_DB).clamp(0, 1).unsqueeze(1)


def griffin_lim(magnitude: torch.Tensor, iterations: int = 32, momentum: float = 0.99) -> torch.Tensor:
    """(B, n_fft/2 + 1, frames) STFT magnitudes -> (B, CLIP_SAMPLES) waveform whose STFT magnitude
    approaches them: Griffin & Lim 1984, with the momentum of Perraudin et al. 2013 ("A fast
    Griffin-Lim algorithm"). Starts from zero phase, so it is deterministic."""
    window = torch.hann_window(N_FFT)
    istft = lambda s: torch.istft(s, N_FFT, HOP, window=window, center=True, length=CLIP_SAMPLES)
    angles = torch.ones_like(magnitude, dtype=torch.complex64)
    previous = torch.zeros_like(angles)
    for _ in range(iterations):
        rebuilt = _stft(istft(magnitude * angles))
        accelerated = rebuilt - previous * (momentum / (1 + momentum))
        angles = accelerated / accelerated.abs().clamp(min=1e-8)
        previous = rebuilt
    return istft(magnitude * angles)


def waveform(picture: torch.Tensor, iterations: int = 32) -> torch.Tensor:
    """(B, 1, N_MELS, FRAMES) in [0, 1] -> (B, CLIP_SAMPLES) in [-1, 1]: undo the decibel scaling,
    map mel power back to linear frequencies with the filterbank's pseudo-inverse, then Griffin-Lim.
    The phase is reconstructed, not generated: that is what makes the sound a little robotic."""
    db = picture.squeeze(1) * RANGE_DB + TOP_DB - RANGE_DB
    mel_power = 10 ** (db / 10)                                       # (B, N_MELS, FRAMES)
    power = (torch.linalg.pinv(mel_filterbank()) @ mel_power).clamp(min=0)
    magnitude = torch.cat([power, power[..., -1:]], -1).sqrt()        # the dropped last frame, repeated
    return griffin_lim(magnitude, iterations).clamp(-1, 1)


# sound out

def pcm16(waves: torch.Tensor, gap: float = 0.25) -> np.ndarray:
    """(B, samples) in [-1, 1] -> (samples,) int16: the clips in a row, `gap` seconds of silence between."""
    silence = torch.zeros(int(gap * SAMPLE_RATE))
    parts = [p for w in waves for p in (w, silence)][:-1]
    return (torch.cat(parts).clamp(-1, 1) * 32767).round().short().numpy()
