"""Sound: one-second clips of a spoken digit from the audio checkpoints, as PCM, WAV and spectrograms."""
import io
import time
import zipfile
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from .. import hub
from ..data import audio
from .images import GRID_SCALE
from .render import to_grid, wav_bytes
from .samples import SampleRequest, comparison_request, draw, sample_request

@dataclass
class AudioResult:
    checkpoint: str
    sample_rate: int
    pcm: np.ndarray               # (samples,) int16: the clips in a row, short silences between
    wav: bytes                    # the same as a WAV, with provenance in its INFO chunk
    spectrograms: Image.Image     # the clips' log-mel pictures side by side, low pitches at the bottom
    labels: list = field(default_factory=list)
    ms: float = 0.0


def run_sounds(request: SampleRequest, progress=None) -> list[AudioResult]:
    """n one-second clips of a spoken digit per checkpoint of a checked request: its log-mel pictures
    turned into sound by Griffin-Lim. The same request gives the same WAV bytes."""
    results = []
    for checkpoint in request.checkpoints:
        t0 = time.perf_counter()
        x, labels, text = draw(checkpoint, request, progress)
        sound = hub.describe(checkpoint).sound
        pcm = sound.pcm16(sound.waveform(x))
        ms = (time.perf_counter() - t0) * 1000
        results.append(AudioResult(checkpoint, sound.sample_rate, pcm, wav_bytes(pcm, text, sound.sample_rate),
                                   to_grid(x.flip(2), scale=GRID_SCALE, columns=request.n), labels.tolist(), ms))
    return results


def generate_audio(checkpoint, n=4, seed=0, label="any", steps=None, progress=None) -> AudioResult:
    """n one-second clips of a spoken digit from `checkpoint`. The same arguments give the same WAV bytes."""
    return run_sounds(sample_request(checkpoint, n, seed, label, steps, "audio"), progress)[0]


def compare_sounds(family, n=4, seed=0, label="any", steps=None, progress=None) -> list[AudioResult]:
    """What the Audio tab shows: one family's clips, or all three on the same seed and digits."""
    return run_sounds(sound_comparison(family, n, seed, label, steps), progress)


def sound_comparison(family, n=4, seed=0, label="any", steps=None) -> SampleRequest:
    """The checked request of compare_sounds, or BadRequest."""
    return comparison_request(audio.DATASET.name, family, n, seed, label, steps, "audio")


def check_sound_comparison(family, n=4, seed=0, label="any", steps=None) -> tuple:
    """Every check of compare_sounds, without generating: the families, or BadRequest."""
    return sound_comparison(family, n, seed, label, steps).families


def sounds_zip(results: list[AudioResult]) -> bytes:
    """One WAV, or a zip of one WAV per family when there are several."""
    if len(results) == 1:
        return results[0].wav
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for r in results:
            info = zipfile.ZipInfo(f"{r.checkpoint}.wav", date_time=(2026, 1, 1, 0, 0, 0))   # fixed: same bytes
            z.writestr(info, r.wav)
    return buffer.getvalue()

