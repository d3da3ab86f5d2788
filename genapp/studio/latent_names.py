"""Walks in a text checkpoint's latent space: from a typed name or line (or a seed) to another, the texts
decoded along the path, each scored by the data set's evaluator (nats per character) and marked new or seen
(the homotopy of Bowman et al. 2016)."""
import time
from dataclasses import astuple, dataclass, field

import torch

from .. import hub
from ..models.latent import path
from .checks import BadRequest, check_checkpoint, check_seed
from .latent import check_path_steps, check_spherical


@dataclass
class NamesWalk:
    checkpoint: str
    names: list = field(default_factory=list)          # the name at each step
    nats_per_char: list = field(default_factory=list)  # eval-names' surprise at it: lower is more name-like
    seen: list = field(default_factory=list)           # in the training data?
    ms: float = 0.0

    @property
    def text(self) -> str:
        return "".join(f"{n}\n" for n in self.names)


def check_typed_name(name, alphabet) -> str:
    if not isinstance(name, str):
        raise BadRequest(f"Type a {alphabet.unit}, or leave the box empty to start from the seed.")
    try:
        return alphabet.check(name)
    except ValueError as e:
        raise BadRequest(f"That {alphabet.unit} can't be placed: {e}.") from None


def _latent(model, alphabet, seed, name, steps_to_invert=200):
    """The latent of a typed name or line (where its encoder puts it: a GAN's by inversion of its code), or
    of a seed (the point its sampler draws first: the prior's z, an RBM's sample's hidden units)."""
    if name:
        return model.encode(alphabet.rows([name]), steps=steps_to_invert)[0]
    with torch.no_grad():
        return model.draw_latent(1, torch.Generator().manual_seed(seed))[0]


@dataclass(frozen=True)
class NamesWalkRequest:
    """A walk between two names (typed, or a seed's point), every value checked once."""
    checkpoint: str
    from_seed: int
    to_seed: int
    steps: int
    spherical: bool
    from_name: str                # "": start from from_seed's point
    to_name: str


def names_walk_request(checkpoint, from_seed=0, to_seed=1, steps=8, spherical=True, from_name="",
                       to_name="") -> NamesWalkRequest:
    """The checked request of walk_names, or BadRequest."""
    checkpoint = check_checkpoint(checkpoint, "text")
    from_seed, to_seed, steps = check_seed(from_seed), check_seed(to_seed), check_path_steps(steps)
    spherical, alphabet = check_spherical(spherical), hub.describe(checkpoint).alphabet
    from_name = check_typed_name(from_name, alphabet) if from_name else ""
    to_name = check_typed_name(to_name, alphabet) if to_name else ""
    return NamesWalkRequest(checkpoint, from_seed, to_seed, steps, spherical, from_name, to_name)


def check_walk_names(checkpoint, from_seed=0, to_seed=1, steps=8, spherical=True, from_name="", to_name=""):
    """Every check of walk_names, without walking: the checked arguments in order, or BadRequest."""
    return astuple(names_walk_request(checkpoint, from_seed, to_seed, steps, spherical, from_name, to_name))


def walk_names(checkpoint, from_seed=0, to_seed=1, steps=8, spherical=True, from_name="", to_name="") -> NamesWalk:
    """The names along the path from one end to the other; an end is its typed name when one is given,
    else its seed's point."""
    return run_names_walk(names_walk_request(checkpoint, from_seed, to_seed, steps, spherical, from_name, to_name))


def run_names_walk(request: NamesWalkRequest) -> NamesWalk:
    """The names along a checked request's path."""
    checkpoint, steps, spherical = request.checkpoint, request.steps, request.spherical
    model, alphabet = hub.generator(checkpoint), hub.describe(checkpoint).alphabet
    t0 = time.perf_counter()
    a = _latent(model, alphabet, request.from_seed, request.from_name)
    b = _latent(model, alphabet, request.to_seed, request.to_name)
    with torch.inference_mode():                # rows of symbols: decode takes each row's likeliest
        names = alphabet.decode(model.decode(path(a.detach(), b.detach(), steps, spherical)))
    lm = hub.load(hub.describe(checkpoint).evaluator)
    return NamesWalk(checkpoint, names, lm.scores(names, alphabet), lm.seen(names), (time.perf_counter() - t0) * 1000)
