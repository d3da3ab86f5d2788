"""Pictures: grids of samples from the image checkpoints, one family or all three side by side."""
import time
from dataclasses import dataclass, field

import torch
from PIL import Image

from .. import hub
from ..data import DATASETS as ALL_DATASETS
from ..data.image import DATASETS
from .checks import (FAMILY_TITLES, BadRequest, check_checkpoint, check_count, check_dataset, check_family, check_label,
                     check_seed, check_steps, class_names)
from .render import png_bytes, png_text, row, to_grid

GRID_SCALE = 2


@dataclass
class ImageResult:
    checkpoint: str
    image: Image.Image            # the grid, each pixel GRID_SCALE x GRID_SCALE
    png: bytes                    # the grid as PNG, with provenance in its text chunks
    labels: list = field(default_factory=list)
    ms: float = 0.0

    @property
    def title(self) -> str:
        return f"{FAMILY_TITLES[hub.describe(self.checkpoint).family]} · {self.ms:.0f} ms"


def _draw(checkpoint, n, seed, label, steps, class_names, progress):
    """(samples (n, C, H, W) in [0, 1], labels (n,), provenance dict for the file's metadata, with
    the Gibbs steps run for an RBM): the same arguments give the same samples."""
    label = check_label(label, class_names)
    described = hub.describe(checkpoint)
    if label is not None and not described.conditional:
        raise BadRequest(f"{checkpoint} is unconditional: it can't be asked for a class; ask for 'any'.")
    options = described.sampler_options(steps=steps or None)
    generator = torch.Generator().manual_seed(seed)
    with torch.inference_mode():
        labels = (torch.randint(len(class_names), (n,), generator=generator) if label is None
                  else torch.full((n,), label, dtype=torch.long))
        x = hub.generator(checkpoint).sample(n, generator, labels, callback=progress, **options)
        steps = options.get("steps")
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
    x, labels, text = _draw(checkpoint, n, seed, label, steps, class_names(checkpoint), progress)
    image = to_grid(x, scale=GRID_SCALE)
    ms = (time.perf_counter() - t0) * 1000
    return ImageResult(checkpoint, image, png_bytes(image, text), labels.tolist(), ms)



def default_gibbs_steps(dataset: str = "mnist") -> int:
    """The Gibbs sweeps a data set's RBM runs when not told otherwise (its description's sampler)."""
    dataset = dataset if dataset in ALL_DATASETS else check_dataset(dataset)
    return hub.describe(hub.find(dataset, "rbm")).sampler["steps"]



def compare_families(dataset, family, n=16, seed=0, label="any", steps=None, progress=None) -> list[ImageResult]:
    """What the Image tab shows: one family's grid, or all three on the same seed and labels."""
    dataset, families = check_comparison(dataset, family, n, seed, label, steps)
    return [generate_images(hub.find(dataset, f), n, seed, label, steps, progress) for f in families]


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
    canvas = row([r.image for r in results])
    first = results[0]
    text = png_text(first.png)
    text["checkpoint"] = ",".join(r.checkpoint for r in results)
    text["weights_sha256"] = ",".join(hub.weights_sha256(r.checkpoint) for r in results)
    return png_bytes(canvas, text)


