"""Differentiable augmentation for GANs trained on few pictures (Zhao et al. 2020, "Differentiable
Augmentation for Data-Efficient GAN Training"): the discriminator sees every picture, real or fake,
randomly shifted and recoloured, and the generator's gradient flows back through the same change, so
a discriminator that sees only 3,000 emoji cannot learn them by heart. The paper's translation and
colour ops, written in torch (kornia has such ops; the GPU machine installs only what it carries)."""
import torch
import torch.nn.functional as F


def _uniform(x, generator, low, high):
    """One draw per picture, (B, 1, 1, 1), on x's device."""
    return (torch.rand((len(x), 1, 1, 1), generator=generator) * (high - low) + low).to(x.device)


def colour(x, generator):
    """Brightness + U(-0.5, 0.5) / 4 (pictures in [0, 1]), saturation x U(0, 2) (colour pictures),
    contrast x U(0.5, 1.5), each picture its own."""
    x = x + _uniform(x, generator, -0.5, 0.5) / 4
    if x.shape[1] == 3:
        mean = x.mean(1, keepdim=True)
        x = (x - mean) * _uniform(x, generator, 0.0, 2.0) + mean
    mean = x.mean((1, 2, 3), keepdim=True)
    return (x - mean) * _uniform(x, generator, 0.5, 1.5) + mean


def translation(x, generator, ratio: float = 0.125, vertical: bool = True):
    """A shift of up to `ratio` of the side each way, whole pixels, the edge pixels repeated into the
    gap (the emoji's white background stays white); vertical False: sideways only."""
    b, _, h, w = x.shape
    sides = torch.tensor([w, h if vertical else 0])
    shift = ((torch.rand((b, 2), generator=generator) * 2 - 1) * ratio * sides).round()
    theta = torch.zeros(b, 2, 3)
    theta[:, 0, 0] = theta[:, 1, 1] = 1
    theta[:, :, 2] = shift / torch.tensor([w / 2, h / 2])                 # pixels -> grid units
    grid = F.affine_grid(theta.to(x.device), list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode="nearest", padding_mode="border", align_corners=False)


def time_shift(x, generator):
    """A spectrogram picture shifted in time only (columns), up to an eighth of its length each way: a
    shift in frequency (rows) would change the note's pitch, which is its label."""
    return translation(x, generator, vertical=False)


OPS = {"colour": colour, "translation": translation, "time_shift": time_shift}


def diff_augment(x, policy: tuple, generator):
    """x (B, C, H, W) in [0, 1] through each op of `policy` (names of OPS) in turn."""
    for name in policy:
        x = OPS[name](x, generator)
    return x
