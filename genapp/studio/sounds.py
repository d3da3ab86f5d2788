"""Sound: one-second clips of a spoken digit from the audio checkpoints, as PCM, WAV and spectrograms."""
import io
import time
import zipfile
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from .. import hub
from ..data import audio
from .checks import check_checkpoint, check_clip_count, check_family, check_label, check_seed, check_steps
from .images import GRID_SCALE, _draw
from .render import to_grid, wav_bytes

@dataclass
class AudioResult:
    checkpoint: str
    sample_rate: int
    pcm: np.ndarray               # (samples,) int16: the clips in a row, short silences between
    wav: bytes                    # the same as a WAV, with provenance in its INFO chunk
    spectrograms: Image.Image     # the clips' log-mel pictures side by side, low pitches at the bottom
    labels: list = field(default_factory=list)
    ms: float = 0.0


def generate_audio(checkpoint, n=4, seed=0, label="any", steps=None, progress=None) -> AudioResult:
    """n one-second clips of a spoken digit from `checkpoint`: its log-mel pictures turned into sound
    by Griffin-Lim. The same arguments give the same WAV bytes."""
    checkpoint, n = check_checkpoint(checkpoint, "audio"), check_clip_count(n)
    seed, steps = check_seed(seed), check_steps(steps)
    t0 = time.perf_counter()
    x, labels, text = _draw(checkpoint, n, seed, label, steps, audio.DATASET.class_names, progress)
    pcm = audio.pcm16(audio.waveform(x))
    ms = (time.perf_counter() - t0) * 1000
    return AudioResult(checkpoint, audio.SAMPLE_RATE, pcm, wav_bytes(pcm, text),
                       to_grid(x.flip(2), scale=GRID_SCALE, columns=n), labels.tolist(), ms)


def compare_sounds(family, n=4, seed=0, label="any", steps=None, progress=None) -> list[AudioResult]:
    """What the Audio tab shows: one family's clips, or all three on the same seed and digits."""
    families = check_sound_comparison(family, n, seed, label, steps)
    return [generate_audio(hub.find(audio.DATASET.name, f), n, seed, label, steps, progress) for f in families]


def check_sound_comparison(family, n=4, seed=0, label="any", steps=None) -> tuple:
    """Every check of compare_sounds, without generating: the families, or BadRequest."""
    families = check_family(family)
    check_clip_count(n), check_seed(seed), check_steps(steps)
    check_label(label, audio.DATASET.class_names)
    return families


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

