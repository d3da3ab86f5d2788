"""Names from a text checkpoint, whatever its family: the one path that the studio, the evaluation and
the benchmarks share, so they measure what people see."""
import torch

from . import hub


@torch.no_grad()
def sample_names(checkpoint: str, n: int, generator: torch.Generator, temperature: float = 1.0,
                 steps: int | None = None, callback=None) -> list[str]:
    """n texts (names, lines) from a text checkpoint, with the sampler options it has (its description lists them):
    a letter `temperature` (VAE), `steps` Gibbs sweeps (RBM; its default when None), callback(step, steps)
    after each. A GAN's codes come out spelled by its autoencoder (hub.generator)."""
    described = hub.describe(checkpoint)
    options = described.sampler_options(temperature=temperature, steps=steps)
    return described.alphabet.decode(hub.generator(checkpoint).sample(n, generator, callback=callback, **options))


@torch.no_grad()
def sample_replies(checkpoint: str, line: str, n: int, generator: torch.Generator,
                   temperature: float | None = None) -> list[str]:
    """n replies to a line from a reply checkpoint (a conditional VAE): n draws of z from p(z | line), each
    decoded character by character at `temperature` (None: the checkpoint's own, its description's sampler)."""
    described = hub.describe(checkpoint)
    context = described.alphabet.rows([line]).expand(n, -1, -1)
    options = described.sampler_options(temperature=temperature)
    return described.alphabet.decode(hub.generator(checkpoint).sample(n, generator, context, **options))
