"""Samples of a picture or sound generator: the checked request that the Image and Audio tabs send
(and the Copying panel, which draws the very samples they showed), and the one draw they share."""
from dataclasses import dataclass

import torch

from .. import hub
from ..data import DATASETS
from .checks import (BadRequest, check_checkpoint, check_clip_count, check_count, check_family, check_sample_label,
                     check_seed, check_steps, checkpoint_dataset, class_names)

COUNTS = {"image": check_count, "audio": check_clip_count}   # how many samples a tab may ask for


@dataclass(frozen=True)
class SampleRequest:
    """Samples asked for, every value checked once and already what the models take."""
    checkpoints: tuple            # one per family asked for, all of one data set
    n: int
    seed: int
    label: int | tuple | None     # the class index; None: 'any', the seed draws each sample's class; a tuple of
                                  # class indices (an emoji's group): the seed draws each sample's among them
    steps: int | None             # an RBM's Gibbs sweeps; None: its own default
    swap: str = ""                # a factor of the label (an emoji's "style") whose value each sample takes the
                                  # next of, after the seed drew the labels: the same latent points otherwise

    @property
    def dataset(self) -> str:
        return hub.describe(self.checkpoints[0]).dataset

    @property
    def families(self) -> tuple:
        return tuple(hub.describe(c).family for c in self.checkpoints)


def sample_request(checkpoint, n, seed, label, steps, modality="image") -> SampleRequest:
    """One checkpoint's samples (generate_images, generate_audio), or BadRequest."""
    checkpoint = check_checkpoint(checkpoint, modality)
    n, seed, steps = COUNTS[modality](n), check_seed(seed), check_steps(steps)
    return request_of((checkpoint,), n, seed, check_sample_label(label, checkpoint_dataset(checkpoint)), steps)


def comparison_request(dataset: str, family, n, seed, label, steps, modality="image") -> SampleRequest:
    """One family's samples of a (checked) data set, or all three on the same seed and labels."""
    families = check_family(family)
    n, seed, steps = COUNTS[modality](n), check_seed(seed), check_steps(steps)
    index = check_sample_label(label, dataset)
    return request_of(tuple(hub.find(dataset, f) for f in families), n, seed, index, steps)


def request_of(checkpoints, n, seed, label, steps) -> SampleRequest:
    """The request of checked values, once the class (an index, or None) suits every checkpoint."""
    for checkpoint in checkpoints:
        if label is not None and not hub.describe(checkpoint).conditional:
            raise BadRequest(f"{checkpoint} is unconditional: it can't be asked for a class; ask for 'any'.")
    return SampleRequest(checkpoints, n, seed, label, steps)


def draw(checkpoint: str, request: SampleRequest, progress=None):
    """(samples (n, C, H, W) in [0, 1], labels (n,), provenance dict for the file's metadata, with
    the Gibbs steps run for an RBM) of one of the request's checkpoints: the same request gives the
    same samples. progress(done, total) hears a long sampler (an RBM's Gibbs chain)."""
    classes, n, label = class_names(checkpoint), request.n, request.label
    options = hub.describe(checkpoint).sampler_options(steps=request.steps or None)
    generator = torch.Generator().manual_seed(request.seed)
    with torch.inference_mode():
        if label is None:
            labels = torch.randint(len(classes), (n,), generator=generator)
        elif isinstance(label, tuple):
            labels = torch.tensor(label)[torch.randint(len(label), (n,), generator=generator)]
        else:
            labels = torch.full((n,), label, dtype=torch.long)
        if request.swap:
            labels = swapped(labels, DATASETS[request.dataset].factors, request.swap)
        x = hub.generator(checkpoint).sample(n, generator, labels, callback=progress, **options)
        steps = options.get("steps")
    text = {"software": "genapp", "checkpoint": checkpoint, "weights_sha256": hub.weights_sha256(checkpoint),
            "seed": request.seed, "n": n, "label": "any" if label is None else " | ".join(classes[i] for i in label) if isinstance(label, tuple)
            else classes[label],
            "labels": " ".join(map(str, labels.tolist()))}
    if steps is not None:
        text["gibbs_steps"] = steps
    if request.swap:
        text["swapped"] = request.swap
    return x, labels, text


def swapped(labels, factors: tuple, name: str):
    """Class indices (B,) with the value of the factor `name` moved to its next (an emoji's style: OpenMoji
    <-> Noto), every other factor kept; factors as a Dataset's ((name, values), ...)."""
    later = 1
    for factor, values in reversed(factors):
        if factor == name:
            value = labels // later % len(values)
            return labels + ((value + 1) % len(values) - value) * later
        later *= len(values)
    raise ValueError(f"no factor {name!r} in {[f for f, _ in factors]}")
