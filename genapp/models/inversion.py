"""Finding a GAN's latent for a given picture (inversion by optimisation): a GAN has no encoder, so
z is searched for by gradient descent on the pixel error of G(z), Zhu et al. 2016 ("Generative Visual
Manipulation on the Natural Image Manifold"), with a small pull towards the prior so z stays where
the generator was trained."""
import torch
import torch.nn.functional as F


def invert(generator, x, labels=None, steps: int = 200, lr: float = 0.1, prior_weight: float = 1e-3,
           callback=None, losses: list | None = None):
    """z (B, latent_dim) minimising mean((G(z, y) - x)^2) + prior_weight * mean(z^2), from z = 0
    (the prior's centre: deterministic), Adam. callback(step, steps) after each step; the pixel error
    of each step is appended to `losses` when one is given (to plot the search)."""
    z = torch.zeros((len(x), generator.latent_dim), requires_grad=True)
    opt = torch.optim.Adam([z], lr=lr)
    for step in range(steps):
        error = F.mse_loss(generator.decode(z, labels), x)
        if losses is not None:
            losses.append(error.item())
        loss = error + prior_weight * z.pow(2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if callback is not None:
            callback(step + 1, steps)
    return z.detach()
