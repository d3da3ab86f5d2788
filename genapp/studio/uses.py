"""What the Uses tab starts from and measures with: one clean picture (a GAN sample of a seed and class,
so the tab works with no data on a Space, or a person's drawing or upload), PSNR, and the label a
class-conditional VAE is given when nobody says which (the label whose ELBO is highest)."""
import math
from dataclasses import dataclass

import torch

from .. import hub
from ..data import DATASETS, load_tensors
from ..models.vae import kl_divergence
from .checks import check_dataset, check_label, check_seed, one_of
from .pictures import to_model_input

SOURCES = ("gan", "test")          # where a measured curve's pictures come from


@dataclass
class Source:
    x: torch.Tensor               # (1, 1, 28, 28) in [0, 1], the clean picture
    what: str                     # e.g. "gan-mnist sample, seed 0, class 3"


def source_picture(dataset="mnist", seed=0, label="any", picture=None) -> Source:
    """A person's picture (drawing, upload bytes, array) if given, else the data set's GAN sample of
    `seed` and `label` ('any': the seed picks the class)."""
    dataset, seed = check_dataset(dataset), check_seed(seed)
    classes = DATASETS[dataset].class_names
    index = check_label(label, classes)
    if picture is not None:
        return Source(to_model_input(picture), "your picture")
    g = torch.Generator().manual_seed(seed)
    index = int(torch.randint(len(classes), (1,), generator=g)) if index is None else index
    gan = hub.find(dataset, "gan")
    with torch.inference_mode():
        x = hub.load(gan).sample(1, g, torch.tensor([index]))
    return Source(x, f"{gan} sample, seed {seed}, class {classes[index]}")


def curve_pictures(dataset, n=200, source="gan", data_dir=None, seed=0) -> torch.Tensor:
    """n pictures (n, 1, 28, 28) for a measured curve, an equal share of each class: the test split's
    first of each class (source "test", needs the data), or GAN samples of one seed ("gan")."""
    dataset = check_dataset(dataset)
    one_of(source, SOURCES, "where the pictures come from")
    k = len(DATASETS[dataset].class_names)
    if source == "test":
        x, y = load_tensors(dataset, data_dir or hub.data_folder(dataset), "test")
        return torch.cat([x[y == c][:math.ceil(n / k)] for c in range(k)])[:n]
    labels = torch.arange(k).repeat_interleave(math.ceil(n / k))[:n]
    with torch.inference_mode():
        return hub.load(hub.find(dataset, "gan")).sample(n, torch.Generator().manual_seed(seed), labels)


def psnr(estimate, clean) -> torch.Tensor:
    """Peak signal-to-noise ratio in dB per picture, pixels in [0, 1]: 10 log10(1 / mean squared error)."""
    mse = (estimate - clean).pow(2).flatten(1).mean(1)
    return 10 * torch.log10(1 / mse.clamp_min(1e-10))


@torch.inference_mode()
def vae_labels(vae, x) -> torch.Tensor:
    """(B,) the label under which x's ELBO (at the posterior mean) is highest: the class a
    class-conditional VAE itself would pick (Sohn et al. 2015 use the same score to classify)."""
    k, b = vae.config.num_classes, len(x)
    if k == 0:
        return None
    xs, labels = x.repeat(k, 1, 1, 1), torch.arange(k).repeat_interleave(b)
    mu, logvar = vae.posterior(xs, labels)
    elbo = vae.log_likelihood(vae.decode_logits(mu, labels), xs) - kl_divergence(mu, logvar)
    return elbo.view(k, b).argmax(0)
