"""Two-dimensional toy distributions for watching a model learn: a ring of 8 Gaussians and a 5x5 grid
of Gaussians (the mode-collapse tests of Metz et al. 2017, "Unrolled Generative Adversarial Networks",
and Lin et al. 2018, "PacGAN"), two interleaving moons, and Gaussians around points a person places.

Each distribution comes with reference points: where its modes are (a mode of the moons is a whole
moon, traced by many points) and how far a good sample may lie from them (3 standard deviations).
Points are (N, 2) float tensors, all within the square [-LIMIT, LIMIT]^2.
"""
import math
from dataclasses import dataclass

import torch

LIMIT = 5.0            # the canvas: every distribution lies well inside [-5, 5]^2
MODE_STD = 0.05        # spread of each Gaussian of the ring, the grid and placed points
MOON_NOISE = 0.1       # spread around each moon's curve
MAX_POINTS = 32        # points a person may place


@dataclass(frozen=True)
class Toy:
    name: str
    centers: torch.Tensor      # (K, 2) reference points
    modes: torch.Tensor        # (K,) the mode each reference point belongs to
    std: float                 # spread around a reference point
    num_modes: int

    def sample(self, n: int, generator=None) -> torch.Tensor:
        """(n, 2) points: a mode's reference point drawn at random (moons: uniformly along the curve), plus
        Gaussian noise of `std`."""
        idx = torch.randint(len(self.centers), (n,), generator=generator)
        return self.centers[idx] + self.std * torch.randn((n, 2), generator=generator)


def ring(modes: int = 8, radius: float = 2.0) -> Toy:
    angle = torch.arange(modes) * 2 * math.pi / modes
    centers = radius * torch.stack([angle.cos(), angle.sin()], 1)
    return Toy("ring", centers, torch.arange(modes), MODE_STD, modes)


def grid(side: int = 5, spacing: float = 2.0) -> Toy:
    axis = (torch.arange(side) - (side - 1) / 2) * spacing              # -4, -2, 0, 2, 4
    centers = torch.cartesian_prod(axis, axis)
    return Toy("grid", centers, torch.arange(side * side), MODE_STD, side * side)


def moons(points_per_moon: int = 256, scale: float = 2.0) -> Toy:
    """The two half circles of scikit-learn's make_moons, scaled and centred on the origin."""
    t = torch.linspace(0, math.pi, points_per_moon)
    upper = torch.stack([t.cos(), t.sin()], 1)
    lower = torch.stack([1 - t.cos(), 0.5 - t.sin()], 1)
    centers = (torch.cat([upper, lower]) - torch.tensor([0.5, 0.25])) * scale
    return Toy("moons", centers, torch.arange(2).repeat_interleave(points_per_moon), MOON_NOISE, 2)


def placed(points) -> Toy:
    """A Gaussian around each placed (x, y) point, all equally likely."""
    centers = torch.tensor(points, dtype=torch.float32).reshape(-1, 2)
    return Toy("points", centers, torch.arange(len(centers)), MODE_STD, len(centers))


TOYS = {"ring": ring, "grid": grid, "moons": moons}


def toy(name: str, points=None) -> Toy:
    """A toy distribution by name: "ring", "grid", "moons", or "points" (with `points`, a list of (x, y))."""
    return placed(points) if name == "points" else TOYS[name]()


@torch.no_grad()
def coverage(toy: Toy, samples: torch.Tensor, share: float = 0.25) -> tuple[set, float]:
    """(the modes covered, the share of high-quality samples). A sample is of high quality if it lies
    within 3 standard deviations of a reference point (Srivastava et al. 2017, VEEGAN; Lin et al. 2018);
    a mode is covered if its high-quality samples are at least `share` of its fair share (1/K) of all."""
    dist, nearest = torch.cdist(samples, toy.centers).min(1)                # (N,), (N,)
    good = dist <= 3 * toy.std
    counts = torch.bincount(toy.modes[nearest[good]], minlength=toy.num_modes)
    covered = (counts >= share * len(samples) / toy.num_modes).nonzero().flatten()
    return set(covered.tolist()), good.float().mean().item()
