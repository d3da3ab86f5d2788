"""The Uses tab's curves measured over many pictures, as text tables (python -m genapp uses ...)."""
import reprlib
import time

from . import compress, denoise, inpaint
from .checks import BadRequest


def _table(header, rows) -> str:
    widths = [max(len(str(v)) for v in column) for column in zip(header, *rows)]
    line = lambda values: "  ".join(str(v).rjust(w) for v, w in zip(values, widths))
    return "\n".join([line(header), *map(line, rows)])


def report(use, dataset="mnist", n=200, source="test", data_dir=None, noise="gaussian", seed=0) -> str:
    """One use's table: denoise (mean PSNR dB by noise strength), compress (mean PSNR dB by bits per
    dimension, both quantisers) or inpaint (mean squared error on the covered pixels, by region)."""
    t0 = time.perf_counter()
    if use == "denoise":
        header = ["strength", "noisy", "VAE", "VAE told", "RBM", "RBM told"]
        rows = denoise.denoise_curve(dataset, noise, None, n, source, data_dir, seed)
        title = f"denoise: mean PSNR (dB) of {n} {source} pictures of {dataset}, {noise} noise"
    elif use == "compress":
        header = ["bits/dim", "bits/image", "PNG bits", "PSNR gaussian", "PSNR uniform"]
        rows = compress.compress_curve(dataset, n, source, data_dir, seed)
        title = (f"compress: vae-{dataset}, mean PSNR (dB) of {n} {source} pictures; bits/image include the label's "
                 f"log2(10); bits/dim 32 is the unquantised float32 code")
    elif use == "inpaint":
        header = ["region", "grey", "background", "RBM", "VAE"]
        rows = inpaint.inpaint_curve(dataset, n, source, data_dir, seed)
        title = f"inpaint: mean squared error on the covered pixels of {n} {source} pictures of {dataset}"
    else:
        raise BadRequest(f"Pick a use: denoise, compress or inpaint; {reprlib.repr(use)} is not one of them.")
    return f"{title}\n{_table(header, rows)}\n({time.perf_counter() - t0:.0f} s, seed {seed})"
