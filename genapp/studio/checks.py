"""Every argument check of the studio: plain values a person (or the API) sends, each turned into
what the models take, or a BadRequest whose message is written for that person."""
import math
import reprlib

import torch

from .. import hub
from ..data import DATASETS as ALL_DATASETS
from ..models.nets import factor_values

DATASETS = {name: d for name, d in ALL_DATASETS.items() if d.modality == "image"}    # the picture data sets

FAMILIES = hub.GENERATORS         # what a Family menu offers, in this order
SAMPLED_SPECIMENS = ("collapsed",)  # specimens that the panels made for them sample (a "map" VAE has its own tab)
FAMILY_TITLES = {"vae": "VAE", "gan": "GAN", "rbm": "RBM"}
MAX_IMAGES = 64
MAX_CLIPS = 8
MAX_SEED = 2**63 - 1
MAX_GIBBS_STEPS = 2000


MAX_UPLOAD_BYTES = 10_000_000     # an uploaded picture, clip or bookmark file (app.py tells Gradio the same)


class BadRequest(ValueError):
    """An argument a person can fix; the message is written for them."""


# argument checks

def integer(value, what: str, low: int, high: int) -> int:
    """A whole number in [low, high] (an int, a whole float, or a string of either), or a BadRequest
    saying which and why."""
    if isinstance(value, bool):
        raise BadRequest(f"{what} must be a whole number from {low:,} to {high:,}, not {reprlib.repr(value)}.")
    if isinstance(value, str):
        value = value.strip()
    try:
        got = float(value) if not isinstance(value, int) else value
    except (TypeError, ValueError):
        raise BadRequest(f"{what} must be a whole number from {low:,} to {high:,}; "
                         f"{reprlib.repr(value)} is not a number.") from None
    if isinstance(got, float):
        if not math.isfinite(got) or got != int(got):
            raise BadRequest(f"{what} must be a whole number from {low:,} to {high:,}, not {reprlib.repr(value)}.")
        if isinstance(value, str) and value.lstrip("+-").isdigit():
            got = int(value)             # exact, even past 2**53
        got = int(got)
    if not low <= got <= high:
        raise BadRequest(f"{what} must be from {low:,} to {high:,}; {got:,} is out of range.")
    return got


def number(value, what: str, low: float, high: float) -> float:
    """A finite number in [low, high], or a BadRequest saying which and why."""
    try:
        got = float(value)
    except (TypeError, ValueError):
        raise BadRequest(f"{what} must be a number from {low} to {high}; "
                         f"{reprlib.repr(value)} is not a number.") from None
    if isinstance(value, bool) or not math.isfinite(got) or not low <= got <= high:
        raise BadRequest(f"{what} must be from {low} to {high}; {reprlib.repr(value)} is out of range.")
    return got


def check_count(n) -> int:
    return integer(n, "The number of images", 1, MAX_IMAGES)


def check_seed(seed) -> int:
    return integer(seed, "The seed", 0, MAX_SEED)


def check_steps(steps) -> int | None:
    return None if steps is None else integer(steps, "The number of Gibbs steps", 1, MAX_GIBBS_STEPS)


def one_of(value, choices, what: str):
    """value, if it is one of `choices`; else BadRequest "Pick {what}: a, b; 'x' is not one of them."
    (what was sent quoted short)."""
    if value not in choices:
        raise BadRequest(f"Pick {what}: {', '.join(choices)}; {reprlib.repr(value)} is not one of them.")
    return value


def check_dataset(dataset) -> str:
    return one_of(dataset, DATASETS, "a data set")


def class_choices(dataset: str) -> list[str]:
    """What a class menu offers: 'any' and the data set's class names (pictures or sound)."""
    if dataset in ALL_DATASETS:                  # names have no classes: just "any"
        return ["any", *ALL_DATASETS[dataset].class_names]
    return ["any", *DATASETS[check_dataset(dataset)].class_names]


def walk_ends(checkpoint: str) -> tuple:
    """The two class names a walk between classes of this checkpoint opens on (its data set's walk_ends)."""
    data = ALL_DATASETS[checkpoint_dataset(checkpoint)]
    return tuple(data.class_names[i] for i in data.walk_ends)


def check_label(label, class_names) -> int | None:
    """'any' -> None; a class name (any case) or index -> its index."""
    if label is None or (isinstance(label, str) and label.strip().lower() in ("", "any")):
        return None
    lowered = [c.lower() for c in class_names]
    if isinstance(label, str) and label.strip().lower() in lowered:
        return lowered.index(label.strip().lower())
    try:
        return integer(label, "The class", 0, len(class_names) - 1)
    except BadRequest:
        raise BadRequest(f"Pick a class: 'any', 0-{len(class_names) - 1} or one of "
                         f"{', '.join(class_names)}; {reprlib.repr(label)} is not one of them.") from None


def factor_choices(dataset: str) -> list[str]:
    """The values of each factor of a label of several (an emoji's groups and styles), that a sample
    request takes as well as a class; [] for a data set whose classes have no factors."""
    return [str(v) for _, values in ALL_DATASETS[dataset].factors for v in values]


def sample_choices(dataset: str) -> list[str]:
    """What the Image tab's class menu offers: 'any', then the factors' values (an emoji's groups: any
    style), then the classes."""
    dataset = check_dataset(dataset)
    return ["any", *factor_choices(dataset), *class_choices(dataset)[1:]]


def check_sample_label(label, dataset: str) -> int | tuple | None:
    """check_label's answer, or for a value of one factor of the label (an emoji's group
    'animals-nature', a note's instrument 'piano') the indices of the classes that have it, a tuple:
    the seed then draws each sample's class among them."""
    data = ALL_DATASETS[dataset]
    key = label.strip().lower() if isinstance(label, str) else None
    of_class = factor_values(torch.arange(len(data.class_names)), tuple(len(v) for _, v in data.factors))
    for (_, values), value_of_class in zip(data.factors, of_class):
        lowered = [str(v).lower() for v in values]
        if key in lowered:
            return tuple(torch.nonzero(value_of_class == lowered.index(key)).flatten().tolist())
    try:
        return check_label(label, data.class_names)
    except BadRequest as e:
        if not data.factors:
            raise
        named = "; ".join(f"a {name}: {', '.join(map(str, values))}" for name, values in data.factors)
        raise BadRequest(f"{e} Or name one part of it ({named}).") from None


def checkpoint_dataset(name: str) -> str:
    """The data set a checkpoint learned from, as it says itself."""
    return hub.describe(name).dataset


def family_of(name: str) -> str:
    """A checkpoint's family (vae, gan, rbm; classifier, lm), as it says itself: for titles and layout."""
    return hub.describe(name).family


def class_names(name: str) -> tuple:
    """The class names of the data set a checkpoint learned from: what its labels and its evaluator's
    verdicts are (an unconditional checkpoint's samples still get a class from the evaluator)."""
    return ALL_DATASETS[checkpoint_dataset(name)].class_names


def generators(modality: str, variants: bool = False) -> list[str]:
    """The bundled generator checkpoints of a modality ("image", "audio" or "text"), in bundled order.
    With variants=True also the specimens made to be sampled (gan-mnist-collapsed), which only the
    panels made for them list."""
    described = (hub.describe(n) for n in hub.bundled())
    return [c.name for c in described if c.generates and c.modality == modality
            and (not c.specimen or (variants and c.specimen in SAMPLED_SPECIMENS))]


def check_checkpoint(name, modality: str = "image") -> str:
    """A generator's checkpoint name of the given modality (each modality has its own tab)."""
    try:
        hub.resolve(hub.check_name(name))
    except hub.UnknownCheckpoint as e:
        raise BadRequest(str(e)) from None
    if name not in generators(modality, variants=True):
        what = {"image": "an image generator", "audio": "a sound generator", "text": "a text generator"}[modality]
        raise BadRequest(f"{name} is not {what}; pick one of {', '.join(generators(modality))}.")
    return name


def check_family(family) -> tuple:
    """'all' or one family -> the families to run."""
    if family != "all" and family not in FAMILIES:
        raise BadRequest(f"Pick a family: {', '.join(FAMILIES)} or all; {reprlib.repr(family)} is not one of them.")
    return FAMILIES if family == "all" else (family,)


def check_clip_count(n) -> int:
    return integer(n, "The number of clips", 1, MAX_CLIPS)

