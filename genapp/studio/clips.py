"""A person's sound (an uploaded or recorded clip: any rate, length, channels or format soundfile
reads) turned into what a sound checkpoint takes: a clip of its data set's rate and length (a spoken
digit: one second at 8 kHz; a note: one second at 16 kHz), the sound placed as theirs were (centred, or
from its onset)
and peak-normalised as the training clips were, as the data set's spectrogram picture."""
import io
import reprlib

import numpy as np
import soundfile as sf
import torch

from ..data.audio import Sound
from .checks import MAX_UPLOAD_BYTES, BadRequest

MAX_SECONDS = 30
SILENCE = 0.05                    # below this share of the peak, samples at either end are trimmed


def resample(wave: np.ndarray, rate: int, target: int) -> np.ndarray:
    """Band-limited resampling by the FFT: keep (or zero-pad) the spectrum up to the new Nyquist."""
    if rate == target:
        return wave
    n = max(1, round(len(wave) * target / rate))
    spectrum = np.fft.rfft(wave)
    out = np.zeros(n // 2 + 1, complex)
    keep = min(len(out), len(spectrum))
    out[:keep] = spectrum[:keep]
    return np.fft.irfft(out, n) * (n / len(wave))


def read_clip(clip) -> tuple[int, np.ndarray]:
    """bytes of a sound file, or (sample rate, samples) as gr.Audio gives -> (rate, float mono)."""
    if isinstance(clip, (bytes, bytearray)):
        if len(clip) > MAX_UPLOAD_BYTES:
            raise BadRequest(f"That file is {len(clip) / 1e6:.0f} MB; sound files up to "
                             f"{MAX_UPLOAD_BYTES // 1_000_000} MB are accepted.")
        try:
            data, rate = sf.read(io.BytesIO(clip), dtype="float32", always_2d=True)
        except (sf.LibsndfileError, RuntimeError, TypeError, ValueError):
            raise BadRequest("That file is not a sound soundfile can read (WAV, FLAC, OGG, MP3...).") from None
    elif isinstance(clip, (tuple, list)) and len(clip) == 2:
        rate, data = clip
        data = np.asarray(data)
        if data.dtype.kind == "i":
            data = data.astype(np.float32) / np.iinfo(data.dtype).max
        data = data.astype(np.float32).reshape(len(data), -1) if data.size else data
    else:
        raise BadRequest("Record a clip or upload a sound file first.")
    if not isinstance(rate, (int, np.integer)) or not 1000 <= int(rate) <= 384_000:
        raise BadRequest(f"A sample rate of {reprlib.repr(rate)} Hz is not one a sound file has.")
    if data.size == 0:
        raise BadRequest("The clip is empty.")
    if len(data) > MAX_SECONDS * rate:
        raise BadRequest(f"The clip is {len(data) / rate:.0f} s long; the longest taken is {MAX_SECONDS} s.")
    return int(rate), data.mean(1) if data.ndim == 2 else data


def to_model_input(clip, sound: Sound) -> torch.Tensor:
    """Any clip -> (1, *sound.shape) picture in [0, 1], as the training clips were made."""
    rate, wave = read_clip(clip)
    wave = resample(wave.astype(np.float64), rate, sound.sample_rate)
    peak = np.abs(wave).max()
    if not np.isfinite(peak) or peak < 1e-3:
        raise BadRequest("The clip is silent: record (or upload) someone saying a digit, or a note played.")
    loud = np.flatnonzero(np.abs(wave) > SILENCE * peak)
    wave = wave[loud[0]:loud[-1] + 1]                                  # trim the silence at both ends
    wave = sound.fixed_length(wave * (sound.peak / peak)).astype(np.float32)
    return sound.spectrogram(torch.from_numpy(wave)[None])
