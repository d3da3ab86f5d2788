"""Samples of a checkpoint by name where a family needs more than `model.sample`: names from the text
checkpoints (the GAN's codes spelled out by its autoencoder). The one path that the studio, the
evaluation and the benchmarks share, so they measure what people see."""
import torch

from . import hub
from .data import text


@torch.no_grad()
def sample_names(checkpoint: str, n: int, generator: torch.Generator, temperature: float = 1.0,
                 steps: int | None = None, callback=None) -> list[str]:
    """n names from a text checkpoint. VAE: z from the prior, letters drawn at `temperature`. GAN:
    codes from the generator, spelled by the autoencoder's likeliest letters (all the variety comes
    from the GAN). RBM: `steps` Gibbs sweeps (its default when None), callback(step, steps) after each."""
    family = checkpoint.split("-")[0]
    model = hub.load(checkpoint)
    if family == "vae":
        rows = model.sample(n, generator, temperature=temperature)
    elif family == "gan":
        rows = hub.load(checkpoint, model.config.decoder).decode(model.sample(n, generator))
    else:
        rows = model.sample(n, generator, steps=steps, callback=callback)
    return text.decode(rows)
