"""Inpainting: part of a picture covered, then filled in by the RBM (block Gibbs with the uncovered
visible units clamped: samples of p(covered | uncovered), averaged over the second half of the sweeps
for a posterior-mean estimate) and by the VAE (encode, decode, paste the known pixels back, repeat).
Scored by the error on the covered pixels alone, against leaving them grey or black."""
import time
from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image

from .. import hub
from ..data import DATASETS
from .checks import BadRequest, integer, check_dataset, one_of
from .pictures import open_picture
from .render import one_picture, to_grid
from .uses import curve_pictures, source_picture, vae_labels

REGIONS = {"top": "top half", "bottom": "bottom half", "left": "left half", "right": "right half",
           "centre": "centre square (14 x 14)", "random": "random half of the pixels", "painted": "what you paint"}
PAINTED_SHARE = 0.25               # a pixel is covered when paint lies on a quarter of its area
MAX_SWEEPS = 1000
VAE_ROUNDS = 20
FRAMES = 8                         # RBM sweeps shown as it runs, log-spaced
COVER_GREY = 0.5                   # how a covered pixel is shown, and the 'leave it grey' baseline
# the VAE's first guess for a covered pixel is the data set's background (0.087 covered-pixel error vs
# 0.114 from grey, bottom half, 50 MNIST test digits)


def check_region(region) -> str:
    return one_of(region, REGIONS, "a region to cover")


def check_sweeps(sweeps) -> int:
    return integer(sweeps, "The number of Gibbs sweeps", 1, MAX_SWEEPS)


def painted_mask(paint, size: tuple = (28, 28)) -> torch.Tensor:
    """Paint over a picture (the editor's layers: RGBA arrays or pictures of any size, painted where
    alpha > 0) -> bool (1, 1, *size), True where the pixel is left uncovered."""
    layers = paint if isinstance(paint, (list, tuple)) else [paint]
    alpha = None
    for layer in layers:
        if layer is None:
            continue
        image = open_picture(layer)
        a = np.asarray(image.convert("RGBA").getchannel("A").resize(size[::-1], Image.BOX), dtype=np.float32) / 255
        alpha = a if alpha is None else np.maximum(alpha, a)
    covered = torch.from_numpy(alpha >= PAINTED_SHARE) if alpha is not None else torch.zeros(size, dtype=torch.bool)
    if not covered.any():
        raise BadRequest("Paint over part of the picture first: press 'Put the picture on the canvas', "
                         "then paint what to cover.")
    if covered.all():
        raise BadRequest("You painted over the whole picture: leave some of it for the models to go on.")
    return ~covered.view(1, 1, *size)


def known_mask(region, shape, generator, paint=None) -> torch.Tensor:
    """bool, `shape` (B, C, H, W): True where the pixel (all its channels) is left uncovered."""
    if region == "painted":
        return painted_mask(paint, shape[-2:]).expand(shape).clone()
    known = torch.ones(shape, dtype=torch.bool)
    h, w = shape[-2:]
    if region == "top":
        known[..., : h // 2, :] = False
    elif region == "bottom":
        known[..., h // 2:, :] = False
    elif region == "left":
        known[..., : w // 2] = False
    elif region == "right":
        known[..., w // 2:] = False
    elif region == "centre":
        known[..., h // 4: h - h // 4, w // 4: w - w // 4] = False
    else:
        known = (torch.rand((shape[0], 1, *shape[2:]), generator=generator) >= 0.5).expand(shape).clone()
    return known


def rbm_fill(rbm, x, known, sweeps, generator):
    """(fill (B, 1, 28, 28): the mean of the visible means over the second half of the sweeps,
    frames: the means after FRAMES log-spaced sweeps, {sweep: (B, 1, 28, 28)})."""
    shown = {max(1, round(sweeps ** (i / (FRAMES - 1)))) for i in range(FRAMES)}
    total, count, frames = torch.zeros_like(x), 0, {}
    for sweep, mean in enumerate(rbm.fill_in(x, known, sweeps, generator), start=1):
        if sweep > sweeps // 2:
            total, count = total + mean, count + 1
        if sweep in shown:
            frames[sweep] = mean
    return torch.where(known, x, total / count), frames     # the known pixels exactly, not a float average


@torch.inference_mode()
def vae_fill(vae, x, known, rounds=VAE_ROUNDS, background: float = 0.0):
    """Covered pixels start as background; each round: the label of highest ELBO, encode, decode the
    posterior mean, paste the known pixels back."""
    filled = torch.where(known, x, torch.full_like(x, background))
    for _ in range(rounds):
        labels = vae_labels(vae, filled)
        filled = torch.where(known, x, vae.decode(vae.encode(filled, labels), labels))
    return filled


def covered_error(estimate, x, known) -> torch.Tensor:
    """(B,) mean squared error over each picture's covered pixels."""
    covered = (~known).float()
    return ((estimate - x).pow(2) * covered).flatten(1).sum(1) / covered.flatten(1).sum(1).clamp_min(1)


def _filled(dataset, x, region, sweeps, generator, paint=None) -> tuple[dict, dict, torch.Tensor]:
    known = known_mask(region, x.shape, generator, paint)
    rbm_x, frames = rbm_fill(hub.load(hub.find(dataset, "rbm")), x, known, sweeps, generator)
    background = DATASETS[dataset].background
    fills = {"grey": torch.where(known, x, torch.full_like(x, COVER_GREY)),
             "background": torch.where(known, x, torch.full_like(x, background)),
             "rbm": rbm_x, "vae": vae_fill(hub.load(hub.find(dataset, "vae")), x, known, background=background)}
    return fills, frames, known


ROWS = {"grey": "left grey (0.5)", "background": "left {} (background)", "rbm": "RBM fill (Gibbs, clamped)",
        "vae": f"VAE fill ({VAE_ROUNDS} rounds of encode, decode, paste)"}


def row_names(dataset: str) -> dict:
    """ROWS, the background named for the data set: black (ink on black) or white (the emoji)."""
    colour = "white" if DATASETS[dataset].background == 1 else "black"
    return {key: what.format(colour) for key, what in ROWS.items()}


@dataclass
class Inpainted:
    source: str
    clean: object                 # PIL pictures, each 224 x 224
    covered: object               # the covered pixels shown grey
    rbm: object
    vae: object
    frames: object                # PIL: the RBM's fill after sweeps `frame_sweeps`, left to right
    frame_sweeps: list
    rows: list                    # (what, covered-pixel mean squared error)
    covered_pixels: int
    ms: float


def inpaint(dataset="mnist", region="bottom", seed=0, label="any", picture=None, sweeps=200, paint=None) -> Inpainted:
    """Cover `region` of the source picture (a random half: seeded; "painted": what `paint` covers)
    and fill it in with the RBM and the VAE."""
    region, sweeps = check_region(region), check_sweeps(sweeps)
    source = source_picture(dataset, seed, label, picture)
    if region == "painted":
        painted_mask(paint, source.x.shape[-2:])              # refused before any work
    t0 = time.perf_counter()
    fills, frames, known = _filled(dataset, source.x, region, sweeps, torch.Generator().manual_seed(seed), paint)
    names = row_names(dataset)
    rows = [(names[key], round(float(covered_error(fills[key], source.x, known)), 4)) for key in ROWS]
    strip = to_grid(torch.cat(list(frames.values())), scale=4, columns=len(frames))
    show = lambda x: one_picture(x, "image")
    return Inpainted(source.what, show(source.x), show(fills["grey"]), show(fills["rbm"]), show(fills["vae"]), strip,
                     sorted(frames), rows, int((~known).sum()), (time.perf_counter() - t0) * 1000)


def canvas_picture(dataset="mnist", seed=0, label="any", picture=None, size=280) -> Image.Image:
    """The source picture, large and in colour, for a person to paint the cover on."""
    source = source_picture(dataset, seed, label, picture)
    return to_grid(source.x, scale=size // source.x.shape[-1], pad=0).convert("RGB")


def inpaint_curve(dataset="mnist", n=200, source="gan", data_dir=None, seed=0, sweeps=200) -> list[tuple]:
    """Over n pictures, per region: rows (region, covered-pixel MSE left grey, left as background, RBM, VAE)."""
    dataset, sweeps = check_dataset(dataset), check_sweeps(sweeps)
    x = curve_pictures(dataset, n, source, data_dir, seed)
    rows = []
    for region in [r for r in REGIONS if r != "painted"]:
        fills, _, known = _filled(dataset, x, region, sweeps, torch.Generator().manual_seed(seed))
        rows.append((region, *(round(float(covered_error(fills[k], x, known).mean()), 4) for k in ROWS)))
    return rows
