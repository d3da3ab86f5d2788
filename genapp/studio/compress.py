"""The VAE as a lossy compressor: a picture's code is the posterior mean of q(z | x, y), each of its
latent_dim numbers quantised to B bits, plus the class label (a class-conditional VAE's decoder needs
it: log2(num_classes) bits more). Bits per image against the PNG of the 8-bit picture (grey or RGB), and
PSNR of the decoded picture against the original.

Two quantisers over the prior N(0, 1), which the encoder was trained to match:
- "gaussian" (the default): 2^B bins of equal prior probability, edges at Φ^-1(k / 2^B), each decoded
  to its bin's centroid under N(0, 1). A fixed-length code spends B bits whatever the value, so
  equally likely bins use every bit fully, and the centroid is the least-squares value of a bin
  (Lloyd 1982; Max 1960).
- "uniform": 2^B equal bins over [-3, 3] (the prior's ±3σ), decoded to their midpoints; at few bits
  most levels sit in the tails where few codes fall."""
import io
import math
import time
from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image

from .. import hub
from .checks import check_dataset, one_of
from .render import to_grid
from .uses import curve_pictures, psnr, source_picture, vae_labels

QUANTISERS = ("gaussian", "uniform")
BITS = tuple(range(1, 9))
FLOAT_BITS = 32                   # the unquantised code, as float32
UNIFORM_RANGE = 3.0


def check_quantiser(quantiser) -> str:
    return one_of(quantiser, QUANTISERS, "a quantiser")


def quantise(z, bits: int, quantiser="gaussian"):
    """Each coordinate of z (B, D) to one of 2^bits levels and back: (indices, decoded values)."""
    levels = 2 ** bits
    if quantiser == "uniform":
        width = 2 * UNIFORM_RANGE / levels
        index = ((z + UNIFORM_RANGE) / width).floor().clamp(0, levels - 1)
        return index.long(), -UNIFORM_RANGE + (index + 0.5) * width
    index = (torch.special.ndtr(z) * levels).floor().clamp(0, levels - 1)
    lo, hi = torch.special.ndtri(index / levels), torch.special.ndtri((index + 1) / levels)
    density = lambda t: torch.exp(-0.5 * t * t) / math.sqrt(2 * math.pi)      # 0 at ±inf, as it should
    return index.long(), (density(lo) - density(hi)) * levels     # E[z | lo < z < hi] under N(0, 1)


def label_bits(vae) -> float:
    return math.log2(vae.config.num_classes) if vae.config.num_classes > 1 else 0.0


def png_bits(x) -> int:
    """Bits of the PNG (Pillow, optimize=True) of one picture (1, C, H, W) in [0, 1], as 8-bit grey (C = 1)
    or 8-bit RGB (C = 3)."""
    buffer = io.BytesIO()
    pixels = (x.reshape(x.shape[-3:]).permute(1, 2, 0).clamp(0, 1) * 255).round().to(torch.uint8).numpy()
    Image.fromarray(np.ascontiguousarray(pixels.squeeze(2) if pixels.shape[2] == 1 else pixels)).save(
        buffer, format="PNG", optimize=True)
    return 8 * len(buffer.getvalue())


def _decoded(vae, x, quantiser):
    """{bits: (B, C, H, W) decoded} for each of BITS and FLOAT_BITS (the code unquantised)."""
    with torch.inference_mode():
        labels = vae_labels(vae, x)                   # the sender sees the clean picture: it picks the label
        mu = vae.encode(x, labels)
        out = {b: vae.decode(quantise(mu, b, quantiser)[1], labels) for b in BITS}
        out[FLOAT_BITS] = vae.decode(mu, labels)
    return out


@dataclass
class Compressed:
    source: str
    strip: object                 # PIL: the original, then decoded at 1 ... 8 bits and unquantised
    rows: list                    # (bits per dim, bits per image, PNG bits, ratio, PSNR dB)
    latent_dim: int
    label_bits: float
    ms: float


def compress(dataset="mnist", seed=0, label="any", picture=None, quantiser="gaussian") -> Compressed:
    """The source picture through the data set's VAE at every bit depth."""
    quantiser = check_quantiser(quantiser)
    source = source_picture(dataset, seed, label, picture)
    vae = hub.load(hub.find(dataset, "vae"))
    t0 = time.perf_counter()
    decoded = _decoded(vae, source.x, quantiser)
    png, extra = png_bits(source.x), label_bits(vae)
    rows = []
    for b, x in decoded.items():
        bits = vae.latent_dim * b + extra
        rows.append((b, round(bits, 2), png, round(png / bits, 1), round(float(psnr(x, source.x)), 2)))
    strip = to_grid(torch.cat([source.x, *decoded.values()]), scale=4, columns=len(decoded) + 1)
    return Compressed(source.what, strip, rows, vae.latent_dim, round(extra, 2), (time.perf_counter() - t0) * 1000)


def compress_curve(dataset="mnist", n=200, source="gan", data_dir=None, seed=0) -> list[tuple]:
    """Over n pictures: rows (bits per dim, bits per image, mean PNG bits, mean PSNR gaussian, mean PSNR
    uniform)."""
    dataset = check_dataset(dataset)
    x = curve_pictures(dataset, n, source, data_dir, seed)
    vae = hub.load(hub.find(dataset, "vae"))
    png = sum(png_bits(p) for p in x) / len(x)
    by = {q: _decoded(vae, x, q) for q in QUANTISERS}
    return [(b, round(vae.latent_dim * b + label_bits(vae), 2), round(png), *(round(float(psnr(by[q][b], x).mean()), 2)
                                                                             for q in QUANTISERS))
            for b in (*BITS, FLOAT_BITS)]
