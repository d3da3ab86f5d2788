"""Text: invented names, or Shakespeare's lines, from the text checkpoints, each marked new or in the
training data."""
import time
from dataclasses import dataclass

import torch

from .. import hub
from ..card import read_metrics
from ..data import DATASETS
from ..sampling import sample_names
from .checks import BadRequest, integer, number, check_checkpoint, check_family, check_seed, check_steps, one_of

MAX_NAMES = 50
TEMPERATURES = (0.1, 2.0)


@dataclass
class NamesResult:
    checkpoint: str
    names: list
    seen: list                    # True where the name is in the training data
    temperature: float | None     # the VAE's letter temperature; None for the GAN and the RBM
    steps: int | None             # the RBM's Gibbs steps
    ms: float = 0.0

    @property
    def text(self) -> str:
        """The names, one per line: what `generate --out names.txt` writes."""
        return "".join(f"{n}\n" for n in self.names)

    @property
    def novelty(self) -> float:
        return sum(not s for s in self.seen) / len(self.seen)


def check_name_count(n) -> int:
    return integer(n, "The number of names", 1, MAX_NAMES)


def check_temperature(t) -> float:
    return number(t, "The temperature", *TEMPERATURES)


@dataclass(frozen=True)
class NamesRequest:
    """Names asked for, every value checked once."""
    checkpoints: tuple            # one per family asked for
    n: int
    seed: int
    temperature: float            # the VAE's letter temperature (the GAN and the RBM have none)
    steps: int | None             # the RBM's Gibbs sweeps; None: its own default

    @property
    def families(self) -> tuple:
        return tuple(hub.describe(c).family for c in self.checkpoints)


def names_request(checkpoint, n=20, seed=0, temperature=1.0, steps=None) -> NamesRequest:
    """One text checkpoint's names (generate_names), or BadRequest."""
    checkpoint, n, seed = check_checkpoint(checkpoint, "text"), check_name_count(n), check_seed(seed)
    return NamesRequest((checkpoint,), n, seed, check_temperature(temperature), check_steps(steps))


def text_datasets() -> list[str]:
    """The text data sets that generators serve, in the menu's order (names, then Shakespeare's lines; replies,
    whose one generator answers a line, have a panel of their own)."""
    return [d for d, data in DATASETS.items() if data.modality == "text" and any(c.generates for c in hub.serving(d))]


def check_text_dataset(dataset) -> str:
    return one_of(dataset, text_datasets(), "a text data set")


def names_comparison(family, n=20, seed=0, temperature=1.0, steps=None, dataset="names") -> NamesRequest:
    """The checked request of compare_names, or BadRequest. A family the data set has no checkpoint of is
    left out of "all", and named when asked for alone."""
    families, dataset = check_family(family), check_text_dataset(dataset)
    n, seed, temperature, steps = check_name_count(n), check_seed(seed), check_temperature(temperature), check_steps(steps)
    serving = [c.name for f in families for c in hub.serving(dataset, f)]
    if not serving:
        have = [c.family.upper() for c in hub.serving(dataset) if c.generates]
        raise BadRequest(f"{DATASETS[dataset].title} has no {family.upper()} checkpoint yet; pick {', '.join(have)} "
                         "or all.")
    return NamesRequest(tuple(serving), n, seed, temperature, steps)


def run_names(request: NamesRequest, progress=None) -> list[NamesResult]:
    """n names per checkpoint of a checked request, each marked new or seen in training; the same request
    gives the same names. temperature applies to the VAE's letters, steps to the RBM's Gibbs chain."""
    results = []
    for checkpoint in request.checkpoints:
        described = hub.describe(checkpoint)
        options = described.sampler_options(temperature=request.temperature, steps=request.steps or None)
        t0 = time.perf_counter()
        with torch.inference_mode():
            names = sample_names(checkpoint, request.n, torch.Generator().manual_seed(request.seed),
                                 request.temperature, request.steps, progress)
        results.append(NamesResult(checkpoint, names, hub.load(described.evaluator).seen(names),
                                   options.get("temperature"), options.get("steps"), (time.perf_counter() - t0) * 1000))
    return results


def generate_names(checkpoint, n=20, seed=0, temperature=1.0, steps=None, progress=None) -> NamesResult:
    """n names from a text checkpoint, each marked new or seen in training; the same arguments give
    the same names. temperature applies to the VAE's letters, steps to the RBM's Gibbs chain."""
    return run_names(names_request(checkpoint, n, seed, temperature, steps), progress)[0]


def check_names_comparison(family, n=20, seed=0, temperature=1.0, steps=None, dataset="names") -> tuple:
    """Every check of compare_names, without generating: the families, or BadRequest."""
    return names_comparison(family, n, seed, temperature, steps, dataset).families


def compare_names(family, n=20, seed=0, temperature=1.0, steps=None, dataset="names", progress=None) -> list[NamesResult]:
    """What the Text tab shows: one family's names (or lines), or all three on the same seed."""
    return run_names(names_comparison(family, n, seed, temperature, steps, dataset), progress)


def kl_per_char(checkpoint: str = "vae-names") -> float | None:
    """The VAE's measured KL(q(z|x) || p(z)) per character on test names (from its card's figures)."""
    figure = read_metrics(hub.resolve(checkpoint)).get("eval", {}).get("kl_per_char")
    return None if figure is None else figure["value"]
