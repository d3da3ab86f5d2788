"""Denoising with a generative model: noise of a chosen strength added to a clean picture, then
cleaned by the VAE and the RBM, each two ways. Not told the noise: the noisy picture goes through
the model as if it were clean (VAE: encode, decode the posterior mean; RBM: one mean-field up-down
pass). Told the noise: the model is the prior and the noise model the likelihood, and the clean
picture is the posterior's mode or mean (Bayes' rule): the VAE searches for the (z, label) that
maximises log p(noisy | decode(z)) + log p(z); the RBM adds the noise's evidence for each pixel to
its visible units' input over a few mean-field passes. Scored by PSNR against the clean picture."""
import math
import time
from dataclasses import dataclass

import torch

from .. import hub
from .checks import number, check_dataset, one_of
from .render import one_picture
from .uses import curve_pictures, psnr, source_picture, vae_labels

NOISES = {"gaussian": (0.01, 1.0), "salt-pepper": (0.01, 0.9)}     # strength: std σ, or fraction p
CURVE_STRENGTHS = {"gaussian": (0.1, 0.2, 0.3, 0.5, 0.8), "salt-pepper": (0.05, 0.1, 0.2, 0.3, 0.5)}
VAE_STEPS = 50                    # Adam steps on z, from the encoder's mean
RBM_PASSES = 10


def check_kind(kind) -> str:
    return one_of(kind, NOISES, "a kind of noise")


def check_noise(kind, strength) -> tuple[str, float]:
    kind = check_kind(kind)
    what = "The noise's standard deviation σ" if kind == "gaussian" else "The share of pixels hit (p)"
    return kind, number(strength, what, *NOISES[kind])


# the noise and its likelihood

def add_noise(x, kind, strength, generator):
    """Gaussian: x + σε, clipped to [0, 1]. Salt and pepper: each pixel, with probability p,
    replaced by black or white (one coin each)."""
    if kind == "gaussian":
        return (x + strength * torch.randn(x.shape, generator=generator)).clamp(0, 1)
    hit = torch.rand(x.shape, generator=generator) < strength
    salt = (torch.rand(x.shape, generator=generator) < 0.5).to(x.dtype)
    return torch.where(hit, salt, x)


def noise_log_odds(noisy, kind, strength):
    """log p(noisy_i | clean_i = 1) - log p(noisy_i | clean_i = 0) for a black-or-white clean pixel.
    Gaussian: ((n - 0)^2 - (n - 1)^2) / 2σ^2 (the clipping ignored). Salt and pepper: a pixel keeps
    its value with probability 1 - p/2, so white says 'white' with odds (1 - p/2) / (p/2)."""
    if kind == "gaussian":
        return (2 * noisy - 1) / (2 * strength ** 2)
    return (2 * noisy - 1) * math.log((1 - strength / 2) / (strength / 2))


def noise_precision(rbm, noisy, kind, strength):
    """For real-valued (gaussian) visible units: 1 / the noise's variance per unit, in the RBM's
    standardized units (a pixel of spread s moves by σ / s). Salt and pepper taken as a Gaussian of
    its variance: a pixel of value c hit with probability p moves by p ((1 - c)^2 + c^2) / 2 on
    average, p / 3 over c uniform in [0, 1]."""
    variance = strength ** 2 if kind == "gaussian" else strength / 3
    return (rbm.visible_scale.pow(2) / variance).expand(len(noisy), -1).reshape(noisy.shape)


def noise_nll(mean, noisy, kind, strength):
    """-log p(noisy | clean = mean) per picture, nats: Gaussian pixels (up to a constant), or for salt
    and pepper a Bernoulli pixel of mean (1 - p) * mean + p / 2, the VAE's own pixel likelihood."""
    if kind == "gaussian":
        return (mean - noisy).pow(2).flatten(1).sum(1) / (2 * strength ** 2)
    q = (1 - strength) * mean + strength / 2
    return -(noisy * q.log() + (1 - noisy) * (1 - q).log()).flatten(1).sum(1)


# the cleaners: (B, C, H, W) noisy -> (B, C, H, W) clean estimate

def vae_clean(vae, noisy, kind=None, strength=None):
    """Not told (kind None): the posterior mean decoded, under the label of highest ELBO. Told: the
    mode of p(z, y | noisy), every label searched at once by VAE_STEPS Adam steps from the
    encoder's mean; the label whose optimum is best wins."""
    if kind is None:
        with torch.inference_mode():
            labels = vae_labels(vae, noisy)
            return vae.decode(vae.encode(noisy, labels), labels)
    k, b = max(vae.config.num_classes, 1), len(noisy)
    xs = noisy.repeat(k, 1, 1, 1)
    labels = torch.arange(k).repeat_interleave(b) if vae.config.num_classes else None
    with torch.no_grad():
        z = vae.encode(xs, labels).clone()
    z.requires_grad_(True)
    opt = torch.optim.Adam([z], lr=0.1)
    objective = lambda z: noise_nll(vae.decode(z, labels), xs, kind, strength) + 0.5 * z.pow(2).sum(1)
    with torch.enable_grad():
        for _ in range(VAE_STEPS):
            z.grad, = torch.autograd.grad(objective(z).sum(), [z])     # the model's weights get no .grad
            opt.step()
    with torch.no_grad():
        best = objective(z).view(k, b).argmin(0)
        return vae.decode(z, labels).view(k, b, *noisy.shape[1:])[best, torch.arange(b)]


def rbm_clean(rbm, noisy, kind=None, strength=None):
    """Not told: one mean-field up-down pass. Told: RBM_PASSES passes with the noise's evidence (log-odds
    for binary pixels, the noise's precision for real-valued ones)."""
    if kind is None:
        return rbm.denoise(noisy, torch.zeros_like(noisy), passes=1)
    if rbm.config.visible_type == "gaussian":
        evidence = noise_precision(rbm, noisy, kind, strength)
    else:
        evidence = noise_log_odds(noisy, kind, strength)
    return rbm.denoise(noisy, evidence, passes=RBM_PASSES)


def _cleaned(dataset, x, kind, strength, generator) -> dict:
    """Every picture of one run: {'noisy', 'vae', 'vae told', 'rbm', 'rbm told'} -> (B, C, H, W)."""
    vae, rbm = hub.load(hub.find(dataset, "vae")), hub.load(hub.find(dataset, "rbm"))
    noisy = add_noise(x, kind, strength, generator)
    return {"noisy": noisy, "vae": vae_clean(vae, noisy), "vae told": vae_clean(vae, noisy, kind, strength),
            "rbm": rbm_clean(rbm, noisy), "rbm told": rbm_clean(rbm, noisy, kind, strength)}


ROWS = {"noisy": "noisy (nothing done)", "vae": "VAE, not told the noise: encode, decode",
        "vae told": f"VAE, told the noise: best (z, class), {VAE_STEPS} steps",
        "rbm": "RBM, not told the noise: one up-down pass",
        "rbm told": f"RBM, told the noise: {RBM_PASSES} mean-field passes"}


@dataclass
class Denoised:
    source: str
    clean: object                 # PIL pictures, each 224 x 224
    noisy: object
    vae: object                   # the VAE's and RBM's cleaned pictures (told or not, as asked)
    rbm: object
    rows: list                    # (what, PSNR dB) for the noisy picture and each cleaner, both ways
    ms: float


def denoise(dataset="mnist", kind="gaussian", strength=0.3, seed=0, label="any", picture=None,
            told=True) -> Denoised:
    """Noise of `kind` and `strength` (seeded by `seed`) on the source picture, cleaned by the VAE and
    the RBM; the pictures shown are the ones told the noise when `told`, and every way is scored."""
    kind, strength = check_noise(kind, strength)
    source = source_picture(dataset, seed, label, picture)
    t0 = time.perf_counter()
    out = _cleaned(dataset, source.x, kind, strength, torch.Generator().manual_seed(seed))
    rows = [(ROWS[key], round(float(psnr(out[key], source.x)), 2)) for key in ROWS]
    shown = {key: one_picture(value, "image") for key, value in out.items()}
    suffix = " told" if told else ""
    return Denoised(source.what, one_picture(source.x, "image"), shown["noisy"], shown["vae" + suffix],
                    shown["rbm" + suffix], rows, (time.perf_counter() - t0) * 1000)


def denoise_curve(dataset="mnist", kind="gaussian", strengths=None, n=200, source="gan", data_dir=None,
                  seed=0) -> list[tuple]:
    """Mean PSNR (dB) over n pictures at each strength: rows (strength, noisy, vae, vae told, rbm,
    rbm told). The same arguments give the same numbers."""
    dataset, kind = check_dataset(dataset), check_kind(kind)
    strengths = [check_noise(kind, s)[1] for s in (strengths or CURVE_STRENGTHS[kind])]
    x = curve_pictures(dataset, n, source, data_dir, seed)
    rows = []
    for strength in strengths:
        out = _cleaned(dataset, x, kind, strength, torch.Generator().manual_seed(seed))
        rows.append((strength, *(round(float(psnr(out[key], x).mean()), 2) for key in ROWS)))
    return rows
