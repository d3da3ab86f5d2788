"""The seam between models and UI: plain values in (checkpoint names, counts, seeds, labels), plain
values out (PIL pictures, PNG bytes, numbers). Every argument is checked here, so the UI, the API,
the CLI and the benchmarks share one path and one set of messages."""
import io
import math
import os
import time
import zipfile
from dataclasses import dataclass, field

import numpy as np
import torch
from PIL import Image

from . import hub
from .data import DATASETS as ALL_DATASETS, audio
from .data.image import DATASETS, png_bytes, png_text, to_grid

FAMILIES = ("vae", "gan", "rbm")
FAMILY_TITLES = {"vae": "VAE", "gan": "GAN", "rbm": "RBM"}
MAX_IMAGES = 64
MAX_CLIPS = 8
MAX_SEED = 2**63 - 1
MAX_GIBBS_STEPS = 2000
GRID_SCALE = 2


class BadRequest(ValueError):
    """An argument a person can fix; the message is written for them."""


# argument checks

def _integer(value, what: str, low: int, high: int) -> int:
    if isinstance(value, bool):
        raise BadRequest(f"{what} must be a whole number from {low:,} to {high:,}, not {value!r}.")
    if isinstance(value, str):
        value = value.strip()
    try:
        number = float(value) if not isinstance(value, int) else value
    except (TypeError, ValueError):
        raise BadRequest(f"{what} must be a whole number from {low:,} to {high:,}; {value!r} is not a number.") from None
    if isinstance(number, float):
        if not math.isfinite(number) or number != int(number):
            raise BadRequest(f"{what} must be a whole number from {low:,} to {high:,}, not {value!r}.")
        if isinstance(value, str) and value.lstrip("+-").isdigit():
            number = int(value)          # exact, even past 2**53
        number = int(number)
    if not low <= number <= high:
        raise BadRequest(f"{what} must be from {low:,} to {high:,}; {number:,} is out of range.")
    return number


def check_count(n) -> int:
    return _integer(n, "The number of images", 1, MAX_IMAGES)


def check_seed(seed) -> int:
    return _integer(seed, "The seed", 0, MAX_SEED)


def check_steps(steps) -> int | None:
    return None if steps is None else _integer(steps, "The number of Gibbs steps", 1, MAX_GIBBS_STEPS)


def check_dataset(dataset) -> str:
    if dataset not in DATASETS:
        raise BadRequest(f"Pick a data set: {', '.join(DATASETS)}; {dataset!r} is not one of them.")
    return dataset


def class_choices(dataset: str) -> list[str]:
    """What the class menu offers: 'any' and the data set's class names."""
    return ["any", *DATASETS[check_dataset(dataset)].class_names]


def check_label(label, class_names) -> int | None:
    """'any' -> None; a class name (any case) or index -> its index."""
    if label is None or (isinstance(label, str) and label.strip().lower() in ("", "any")):
        return None
    lowered = [c.lower() for c in class_names]
    if isinstance(label, str) and label.strip().lower() in lowered:
        return lowered.index(label.strip().lower())
    try:
        return _integer(label, "The class", 0, len(class_names) - 1)
    except BadRequest:
        raise BadRequest(f"Pick a class: 'any', 0-{len(class_names) - 1} or one of "
                         f"{', '.join(class_names)}; {label!r} is not one of them.") from None


def checkpoint_dataset(name: str) -> str:
    return name.split("-")[1]


def generators(modality: str) -> list[str]:
    """The bundled generator checkpoints of a modality ("image" or "audio"), in bundled order."""
    return [n for n in hub.bundled() if n.split("-")[0] in FAMILIES and checkpoint_dataset(n) in ALL_DATASETS
            and ALL_DATASETS[checkpoint_dataset(n)].modality == modality]


def check_checkpoint(name, modality: str = "image") -> str:
    """A generator's checkpoint name of the given modality (each modality has its own tab)."""
    try:
        hub.resolve(hub.check_name(name))
    except hub.UnknownCheckpoint as e:
        raise BadRequest(str(e)) from None
    if name not in generators(modality):
        what = "an image generator" if modality == "image" else "a sound generator"
        raise BadRequest(f"{name} is not {what}; pick one of {', '.join(generators(modality))}.")
    return name


def check_family(family) -> tuple:
    """'all' or one family -> the families to run."""
    if family != "all" and family not in FAMILIES:
        raise BadRequest(f"Pick a family: {', '.join(FAMILIES)} or all; {family!r} is not one of them.")
    return FAMILIES if family == "all" else (family,)


def check_clip_count(n) -> int:
    return _integer(n, "The number of clips", 1, MAX_CLIPS)


# generation

@dataclass
class ImageResult:
    checkpoint: str
    image: Image.Image            # the grid, each pixel GRID_SCALE x GRID_SCALE
    png: bytes                    # the grid as PNG, with provenance in its text chunks
    labels: list = field(default_factory=list)
    ms: float = 0.0

    @property
    def title(self) -> str:
        return f"{FAMILY_TITLES.get(self.checkpoint.split('-')[0], self.checkpoint)} · {self.ms:.0f} ms"


def _draw(checkpoint, n, seed, label, steps, class_names, progress):
    """(samples (n, C, H, W) in [0, 1], labels (n,), provenance dict for the file's metadata, with
    the Gibbs steps run for an RBM): the same arguments give the same samples."""
    label = check_label(label, class_names)
    model = hub.load(checkpoint)
    generator = torch.Generator().manual_seed(seed)
    with torch.inference_mode():
        labels = (torch.randint(len(class_names), (n,), generator=generator) if label is None
                  else torch.full((n,), label, dtype=torch.long))
        if checkpoint.startswith("rbm-"):
            steps = steps or model.config.default_steps
            x = model.sample(n, generator, labels, steps=steps, callback=progress)
        else:
            steps = None
            x = model.sample(n, generator, labels)
    text = {"software": "genapp", "checkpoint": checkpoint, "weights_sha256": hub.weights_sha256(checkpoint),
            "seed": seed, "n": n, "label": "any" if label is None else class_names[label],
            "labels": " ".join(map(str, labels.tolist()))}
    if steps is not None:
        text["gibbs_steps"] = steps
    return x, labels, text


def generate_images(checkpoint, n=16, seed=0, label="any", steps=None, progress=None) -> ImageResult:
    """A grid of n samples of `checkpoint`; the same arguments give the same PNG bytes.
    progress(done, total) is called during Gibbs sampling (RBM)."""
    checkpoint, n, seed, steps = check_checkpoint(checkpoint), check_count(n), check_seed(seed), check_steps(steps)
    t0 = time.perf_counter()
    x, labels, text = _draw(checkpoint, n, seed, label, steps,
                            DATASETS[checkpoint_dataset(checkpoint)].class_names, progress)
    image = to_grid(x, scale=GRID_SCALE)
    ms = (time.perf_counter() - t0) * 1000
    return ImageResult(checkpoint, image, png_bytes(image, text), labels.tolist(), ms)


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
    return AudioResult(checkpoint, audio.SAMPLE_RATE, pcm, audio.wav_bytes(pcm, text),
                       to_grid(x.flip(2), scale=GRID_SCALE, columns=n), labels.tolist(), ms)


def compare_sounds(family, n=4, seed=0, label="any", steps=None, progress=None) -> list[AudioResult]:
    """What the Audio tab shows: one family's clips, or all three on the same seed and digits."""
    families = check_sound_comparison(family, n, seed, label, steps)
    return [generate_audio(f"{f}-{audio.DATASET.name}", n, seed, label, steps, progress) for f in families]


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


def default_gibbs_steps(dataset: str = "mnist") -> int:
    """The Gibbs sweeps an RBM checkpoint runs when not told otherwise (its config's choice)."""
    return hub.load(f"rbm-{check_dataset(dataset)}").config.default_steps


def compare_families(dataset, family, n=16, seed=0, label="any", steps=None, progress=None) -> list[ImageResult]:
    """What the Image tab shows: one family's grid, or all three on the same seed and labels."""
    dataset, families = check_comparison(dataset, family, n, seed, label, steps)
    return [generate_images(f"{f}-{dataset}", n, seed, label, steps, progress) for f in families]


def check_comparison(dataset, family, n=16, seed=0, label="any", steps=None) -> tuple[str, tuple]:
    """Every check of compare_families, without generating: (dataset, families) or BadRequest."""
    dataset, families = check_dataset(dataset), check_family(family)
    check_count(n), check_seed(seed), check_steps(steps)
    check_label(label, DATASETS[dataset].class_names)
    return dataset, families


def side_by_side(results: list[ImageResult]) -> bytes:
    """One PNG of several grids left to right, its text chunks naming every checkpoint in order."""
    if len(results) == 1:
        return results[0].png
    gap = 12
    width = sum(r.image.width for r in results) + gap * (len(results) - 1)
    canvas = Image.new("L", (width, max(r.image.height for r in results)), 255)
    x = 0
    for r in results:
        canvas.paste(r.image, (x, 0))
        x += r.image.width + gap
    first = results[0]
    text = png_text(first.png)
    text["checkpoint"] = ",".join(r.checkpoint for r in results)
    text["weights_sha256"] = ",".join(hub.weights_sha256(r.checkpoint) for r in results)
    return png_bytes(canvas, text)


# serving

def warm_up(threads: int | None = None):
    """Load every bundled generator once and fix torch's thread count, before serving.
    Two threads, one per core of a free Space (GENAPP_TORCH_THREADS overrides)."""
    torch.set_num_threads(threads or int(os.environ.get("GENAPP_TORCH_THREADS", "2")))
    for name in hub.bundled():
        if name.split("-")[0] in FAMILIES:
            hub.load(name)
