"""The 2-D latent map (images): a VAE with a 2-dimensional latent, its test images' codes as a scatter
coloured by class, the decoded manifold grid (Kingma & Welling 2014, figure 4), and the picture of any
point a person clicks."""
import json
from dataclasses import dataclass

import torch
from PIL import Image, ImageDraw, ImageFont

from .. import hub
from ..data import DATASETS
from .checks import BadRequest, class_names, one_of
from .latent_point import check_latent
from .render import one_picture, to_grid

MAP_SIZE, MAP_MARGIN = 440, 10    # scatter pixels (square), and the border inside it
MAP_RANGE = 3.0                   # the scatter shows z in [-3, 3] on both axes
GRID_POINTS = 15                  # the manifold grid: 15 x 15 decodes
PALETTE = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
           (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207)]   # Tableau 10


@dataclass
class LatentMap:
    checkpoint: str
    scatter: Image.Image          # codes of test images, one colour per class, legend below
    manifold: Image.Image         # decodes of a grid of z at the Gaussian's quantiles
    points: int                   # how many test images the scatter shows


def map_checkpoints() -> list[str]:
    """The 2-D latent checkpoints (the "map" specimens) in the data sets' registry order: MNIST first, the
    figure people know."""
    return [c.name for dataset in DATASETS for c in hub.serving(dataset, specimen="map")]


def check_map_checkpoint(name) -> str:
    return one_of(name, map_checkpoints(), "a 2-D latent checkpoint")


def _to_pixel(z1, z2):
    span = MAP_SIZE - 2 * MAP_MARGIN
    return (MAP_MARGIN + (z1 + MAP_RANGE) / (2 * MAP_RANGE) * span,
            MAP_MARGIN + (MAP_RANGE - z2) / (2 * MAP_RANGE) * span)


def pixel_to_latent(px, py) -> tuple[float, float]:
    """Where a click on the scatter (pixels from its top left) lies in latent space."""
    try:
        px, py = float(px), float(py)
    except (TypeError, ValueError):
        raise BadRequest("Click a point of the map.") from None
    span = MAP_SIZE - 2 * MAP_MARGIN
    if not (0 <= px <= MAP_SIZE and 0 <= py <= MAP_SIZE):
        raise BadRequest("Click inside the map (the square above the legend).")
    z1 = (px - MAP_MARGIN) / span * 2 * MAP_RANGE - MAP_RANGE
    z2 = MAP_RANGE - (py - MAP_MARGIN) / span * 2 * MAP_RANGE
    return round(z1, 3), round(z2, 3)


def latent_map(checkpoint) -> LatentMap:
    checkpoint = check_map_checkpoint(checkpoint)
    classes = class_names(checkpoint)
    path = hub.resolve(checkpoint) / "latent_map.json"
    if not path.is_file():
        raise BadRequest(f"{checkpoint} has no latent_map.json yet: run `python -m genapp eval {checkpoint} --write-card`.")
    saved = json.loads(path.read_text())
    legend_rows = (len(classes) + 4) // 5
    scatter = Image.new("RGB", (MAP_SIZE, MAP_SIZE + 18 * legend_rows + 6), (255, 255, 255))
    draw, font = ImageDraw.Draw(scatter), ImageFont.load_default(size=12)
    for v in (-MAP_RANGE, 0, MAP_RANGE):                            # axes through 0, the frame
        x, y = _to_pixel(v, v)
        draw.line([(x, MAP_MARGIN), (x, MAP_SIZE - MAP_MARGIN)], fill=(225, 225, 225))
        draw.line([(MAP_MARGIN, y), (MAP_SIZE - MAP_MARGIN, y)], fill=(225, 225, 225))
    for (z1, z2), label in zip(saved["z"], saved["label"]):
        x, y = _to_pixel(z1, z2)
        draw.ellipse([x - 1.5, y - 1.5, x + 1.5, y + 1.5], fill=PALETTE[label % len(PALETTE)])
    for k, name in enumerate(classes):
        r, c = divmod(k, 5)
        x, y = 8 + c * (MAP_SIZE // 5), MAP_SIZE + 4 + 18 * r
        draw.rectangle([x, y + 3, x + 9, y + 12], fill=PALETTE[k])
        draw.text((x + 13, y), name[:11], fill=(30, 30, 30), font=font)
    q = torch.distributions.Normal(0.0, 1.0).icdf(torch.linspace(0.05, 0.95, GRID_POINTS))
    z = torch.stack(torch.meshgrid(q, q.flip(0), indexing="xy"), -1).reshape(-1, 2)   # rows: z2 high to low
    with torch.inference_mode():
        manifold = to_grid(hub.load(checkpoint).decode(z), scale=1, pad=0, columns=GRID_POINTS)
    return LatentMap(checkpoint, scatter, manifold, len(saved["z"]))


def decode_map_point(checkpoint, z1, z2) -> Image.Image:
    """The picture at (z1, z2) of a 2-D latent checkpoint."""
    checkpoint = check_map_checkpoint(checkpoint)
    z = check_latent([z1, z2], 2)
    with torch.inference_mode():
        x = hub.load(checkpoint).decode(torch.tensor([z]))
    return one_picture(x, "image")
