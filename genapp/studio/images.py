"""Pictures: grids of samples from the image checkpoints, one family or all three side by side."""
import dataclasses
import time
from dataclasses import dataclass, field

from PIL import Image

from .. import hub
from ..data import DATASETS as ALL_DATASETS
from .checks import FAMILY_TITLES, BadRequest, check_dataset
from .render import png_bytes, png_text, row, to_grid
from .samples import SampleRequest, comparison_request, draw, sample_request

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


def run_images(request: SampleRequest, progress=None) -> list[ImageResult]:
    """A grid of samples per checkpoint of a checked request, all on its seed and labels; the same
    request gives the same PNG bytes. progress(done, total) is called during Gibbs sampling (RBM)."""
    results = []
    for checkpoint in request.checkpoints:
        t0 = time.perf_counter()
        x, labels, text = draw(checkpoint, request, progress)
        image = to_grid(x, scale=GRID_SCALE)
        ms = (time.perf_counter() - t0) * 1000
        results.append(ImageResult(checkpoint, image, png_bytes(image, text), labels.tolist(), ms))
    return results


def generate_images(checkpoint, n=16, seed=0, label="any", steps=None, progress=None) -> ImageResult:
    """A grid of n samples of `checkpoint`; the same arguments give the same PNG bytes.
    progress(done, total) is called during Gibbs sampling (RBM)."""
    return run_images(sample_request(checkpoint, n, seed, label, steps), progress)[0]


def compare_families(dataset, family, n=16, seed=0, label="any", steps=None, progress=None) -> list[ImageResult]:
    """What the Image tab shows: one family's grid, or all three on the same seed and labels."""
    return run_images(image_comparison(dataset, family, n, seed, label, steps), progress)


def image_comparison(dataset, family, n=16, seed=0, label="any", steps=None) -> SampleRequest:
    """The checked request of compare_families, or BadRequest."""
    return comparison_request(check_dataset(dataset), family, n, seed, label, steps, "image")


def check_comparison(dataset, family, n=16, seed=0, label="any", steps=None) -> tuple[str, tuple]:
    """Every check of compare_families, without generating: (dataset, families) or BadRequest."""
    request = image_comparison(dataset, family, n, seed, label, steps)
    return request.dataset, request.families


def default_gibbs_steps(dataset: str = "mnist") -> int:
    """The Gibbs sweeps a data set's RBM runs when not told otherwise (its description's sampler)."""
    dataset = dataset if dataset in ALL_DATASETS else check_dataset(dataset)
    return hub.describe(hub.find(dataset, "rbm")).sampler["steps"]


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


SWAPPED = "style"          # the factor "the same picture in the other style" swaps


def can_restyle(dataset: str) -> bool:
    """Whether the data set's label has a drawing style to swap (the emoji's)."""
    return dataset in ALL_DATASETS and SWAPPED in [name for name, _ in ALL_DATASETS[dataset].factors]


def check_restyle(dataset, family, n=16, seed=0, label="any", steps=None) -> SampleRequest:
    """The Image tab's request with its drawing style swapped, or BadRequest for a data set without styles."""
    request = image_comparison(dataset, family, n, seed, label, steps)
    if not can_restyle(request.dataset):
        raise BadRequest(f"{ALL_DATASETS[request.dataset].title} has no drawing style to swap; the emoji do "
                         "(OpenMoji and Noto).")
    return request


def restyle(dataset, family, n=16, seed=0, label="any", steps=None, progress=None) -> list[ImageResult]:
    """The same emoji in the other style: each family's grid of the request (as Generate draws it) beside the
    grid of the same seed with every sample's style swapped, so the same latent points (the VAE's and the
    GAN's z; the RBM's chains on the same noise) with the other style's label."""
    request = check_restyle(dataset, family, n, seed, label, steps)
    results = []
    swapped = dataclasses.replace(request, swap=SWAPPED)
    for drawn, other in zip(run_images(request, progress), run_images(swapped, progress)):
        image = row([drawn.image, other.image])
        results.append(ImageResult(drawn.checkpoint, image, png_bytes(image, png_text(other.png)), other.labels,
                                   drawn.ms + other.ms))
    return results
