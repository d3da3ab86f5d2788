"""An RBM's Gibbs chain, watched sweep by sweep: frames of the visible means, as a strip and a film."""
import time
from dataclasses import dataclass

import torch

from .. import hub
from ..data import DATASETS
from .checks import integer, number, check_dataset, check_label, check_seed
from .render import film, to_grid

MAX_CHAIN_STEPS = 1000
FRAMES = 16                        # sweeps shown, spread evenly (log-spaced) over the chain
TEMPERATURES = (0.5, 2.0)


@dataclass
class GibbsFilm:
    checkpoint: str
    strip: object                  # PIL: the shown sweeps left to right, 4 chains down
    gif: bytes
    shown_steps: list              # which sweep each column is
    ms: float


def check_temperature(t) -> float:
    return number(t, "The temperature", *TEMPERATURES)


def gibbs_film(dataset="mnist", label="3", seed=0, steps=200, temperature=1.0, chains=4) -> GibbsFilm:
    """`chains` RBM chains for a class, `steps` sweeps at `temperature`; FRAMES of them shown,
    log-spaced (sweeps 1, 2, 3, 5, ... steps), because a chain changes fast first, then slowly."""
    dataset, seed = check_dataset(dataset), check_seed(seed)
    steps = integer(steps, "The number of Gibbs steps", 1, MAX_CHAIN_STEPS)
    temperature = check_temperature(temperature)
    classes = DATASETS[dataset].class_names
    index = check_label(label, classes)
    checkpoint = hub.find(dataset, "rbm")
    model, g = hub.load(checkpoint), torch.Generator().manual_seed(seed)
    labels = (torch.randint(len(classes), (chains,), generator=g) if index is None
              else torch.full((chains,), index, dtype=torch.long))
    shown = sorted({max(1, round(steps ** (i / (FRAMES - 1)))) for i in range(FRAMES)})
    t0 = time.perf_counter()
    frames = []
    for step, means in enumerate(model.chain(labels, steps, g, temperature), start=1):
        if step in shown:
            frames.append(means)
    ms = (time.perf_counter() - t0) * 1000
    grid = torch.stack(frames, 1).flatten(0, 1)                        # chain-major: one row per chain
    strip = to_grid(grid, scale=2, columns=len(shown))
    return GibbsFilm(checkpoint, strip, film(torch.stack(frames)[:, 0]), shown, ms)
