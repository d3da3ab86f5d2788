"""Limits of the families, measured while you watch: the inverse-mapping duel (the same picture placed
in latent space by each family, side by side) and the compute cost of every generator."""
import time
from dataclasses import dataclass

import torch
from torch.utils.flop_counter import FlopCounterMode

from .. import hub
from ..card import read_metrics
from ..data import DATASETS
from ..sampling import sample_names
from .checks import FAMILIES, BadRequest, check_checkpoint, check_dataset, generators

QUALITY_STEPS = (1, 2, 5, 10, 25, 50, 100, 200, 500)
QUALITY_CHAINS = 200
from .latent_encode import Encoded, encode_picture


def inverse_duel(dataset, picture, label="any", progress=None) -> list[Encoded]:
    """The same picture placed by the data set's VAE (one encoder pass), GAN (inversion by
    optimisation) and RBM (hidden probabilities): reconstructions, errors and wall times."""
    dataset = check_dataset(dataset)
    return [encode_picture(hub.find(dataset, family), picture, label, progress=progress) for family in FAMILIES]


@dataclass
class Cost:
    checkpoint: str
    parameters: int
    mflops_per_sample: float      # of one sample, Gibbs sweeps included, as torch's FLOP counter sees them
                                  # (matrix products and convolutions; fused GRU kernels may escape it)
    ms_per_sample: float          # measured now: a batch of 16, divided by 16
    training_seconds: float | None
    training_device: str


@torch.inference_mode()
def compute_costs(repeats: int = 3, batch: int = 16) -> list[Cost]:
    """Every bundled generator of pictures, sound or names: its size, its FLOPs and time per sample
    (the best of `repeats` batches of `batch`), and what its training cost (from its card)."""
    rows = []
    for name in [n for m in ("image", "audio", "text") for n in generators(m)]:
        described, model = hub.describe(name), hub.generator(name)
        labels = torch.zeros(batch, dtype=torch.long) if described.conditional else None
        if described.modality == "text":      # names: spelled out (a text GAN's codes through its decoder)
            draw = lambda n, g, name=name: sample_names(name, n, g)
        else:
            draw = lambda n, g, model=model, labels=labels: model.sample(n, g, None if labels is None else labels[:n])
        with FlopCounterMode(display=False) as counter:
            draw(1, torch.Generator().manual_seed(0))
        times = []
        for seed in range(repeats):
            t0 = time.perf_counter()
            draw(batch, torch.Generator().manual_seed(seed))
            times.append((time.perf_counter() - t0) * 1000 / batch)
        training = read_metrics(hub.resolve(name)).get("training", {})
        # a text GAN's autoencoder counts too: it spells the codes out
        parameters = sum(p.numel() for net in (model.model, model.decoder) if net is not None for p in net.parameters())
        rows.append(Cost(name, parameters, round(counter.get_total_flops() / 1e6, 2), round(min(times), 3),
                         training.get("seconds"), training.get("device", "")))
    return rows


def chain_checkpoints() -> list[str]:
    """The picture generators sampled by a Gibbs chain (the RBMs), in the data sets' registry order."""
    return [c.name for dataset in DATASETS for c in hub.serving(dataset)
            if c.name in generators("image") and "steps" in c.sampler]


@torch.inference_mode()
def rbm_quality_by_steps(checkpoint="rbm-mnist", seed=0) -> list[tuple[int, float, float]]:
    """(Gibbs sweeps, share of samples the evaluator recognises as the class asked for, elapsed ms) after
    each of QUALITY_STEPS sweeps of QUALITY_CHAINS chains (20 per class): more compute, better
    samples, up to a point."""
    checkpoint = check_checkpoint(checkpoint)
    chains = chain_checkpoints()
    if checkpoint not in chains:
        raise BadRequest(f"{checkpoint} is not an RBM; pick one of {', '.join(chains)}.")
    model = hub.load(checkpoint)
    clf = hub.load(hub.describe(checkpoint).evaluator)
    k = model.config.num_classes
    labels = torch.arange(k).repeat_interleave(QUALITY_CHAINS // k)
    rows, t0 = [], time.perf_counter()
    for step, means in enumerate(model.chain(labels, QUALITY_STEPS[-1], torch.Generator().manual_seed(seed)), 1):
        if step in QUALITY_STEPS:
            agreement = (clf(means).argmax(1) == labels).float().mean().item()
            rows.append((step, round(agreement, 3), round((time.perf_counter() - t0) * 1000, 1)))
    return rows
