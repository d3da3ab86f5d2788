"""Walks between two points of a latent space, the same for every family (a VAE's or GAN's z, an
RBM's hidden probabilities)."""
import torch


def slerp(a, b, t):
    """Spherical interpolation (Shoemake 1985), as White 2016 ("Sampling Generative Networks")
    recommends for Gaussian latents: a straight line between two draws of N(0, I) passes through
    points of unusually small norm, which the model rarely saw; the arc keeps the norm typical."""
    a_n, b_n = a / a.norm(dim=-1, keepdim=True), b / b.norm(dim=-1, keepdim=True)
    omega = torch.acos((a_n * b_n).sum(-1, keepdim=True).clamp(-1 + 1e-7, 1 - 1e-7))
    so = torch.sin(omega)
    return torch.sin((1 - t) * omega) / so * a + torch.sin(t * omega) / so * b


def path(a, b, steps: int, spherical: bool = False):
    """steps points from a to b (both included): (steps, D) for a and b of shape (D,)."""
    t = torch.linspace(0, 1, steps, dtype=a.dtype).unsqueeze(1)
    return slerp(a, b, t) if spherical else torch.lerp(a.expand(steps, -1), b.expand(steps, -1), t)
