"""Mode collapse, counted: 1,000 unconditional samples of a checkpoint, each named by the evaluator,
and their class histogram beside the one the evaluator sees in real test data (Metz et al. 2017 count
modes the same way). A class-conditional model is sampled as the model it is, p(x) = sum_y p(y) p(x|y),
with y drawn uniformly; a collapsed GAN (gan-mnist-collapsed) has no labels to lean on."""
import reprlib
import time
from dataclasses import dataclass

import torch
from PIL import Image

from .. import hub
from ..card import read_metrics
from ..data import DATASETS
from ..eval.sample_metrics import class_histogram, class_kl, classes_covered
from .checks import BadRequest, integer, check_seed, generators
from .render import histogram_chart, to_grid

SAMPLES = 1000
SHOWN = 64                 # samples shown as a grid
BATCH = 250
MIN_SHARE = 0.01           # a class counts as covered when it holds at least 1% of the samples


@dataclass
class Coverage:
    checkpoint: str
    class_names: list[str]
    shares: list[float]          # of the samples, per class, summing to 1
    data_shares: list[float]     # of real test data, as the same evaluator sees it (from its card)
    covered: int                 # classes holding at least MIN_SHARE of the samples
    kl: float                    # KL(samples || data) in nats, log 10 = 2.303 for total collapse
    samples: Image.Image         # the first SHOWN samples
    chart: Image.Image           # the two histograms
    ms: float


def collapse_checkpoints() -> list[str]:
    """Every bundled picture or sound generator, the collapsed specimen included."""
    return [n for m in ("image", "audio") for n in generators(m, variants=True)]


def check_collapse(checkpoint, seed=0, n=SAMPLES) -> tuple[str, int, int]:
    if checkpoint not in collapse_checkpoints():
        raise BadRequest(f"Pick one of {', '.join(collapse_checkpoints())}; got {reprlib.repr(checkpoint)}.")
    return checkpoint, check_seed(seed), integer(n, "The number of samples", 100, 2000)


@torch.inference_mode()
def mode_collapse(checkpoint="gan-mnist-collapsed", seed=0, n=SAMPLES, progress=None) -> Coverage:
    """Draw n samples of `checkpoint` (labels uniform if it has any), let the evaluator name each, and
    compare the class shares with real data's. progress(done, total) is called after each batch."""
    checkpoint, seed, n = check_collapse(checkpoint, seed, n)
    described = hub.describe(checkpoint)
    dataset, evaluator = DATASETS[described.dataset], described.evaluator
    model, clf = hub.generator(checkpoint), hub.load(evaluator)
    t0 = time.perf_counter()
    generator = torch.Generator().manual_seed(seed)
    k = len(dataset.class_names)
    labels = torch.randint(k, (n,), generator=generator) if described.conditional else None
    batches, predicted = [], []
    for i in range(0, n, BATCH):                # in batches: a progress bar, and a bounded memory
        x = model.sample(min(BATCH, n - i), generator, None if labels is None else labels[i:i + BATCH])
        batches.append(x[:SHOWN - sum(len(b) for b in batches)])              # (B, 1, H, W) in [0, 1]
        predicted.append(clf(x).argmax(1))
        if progress:
            progress(i + len(x), n)
    x = torch.cat(batches)
    hist = class_histogram(torch.cat(predicted), k)
    ms = (time.perf_counter() - t0) * 1000
    data = torch.tensor(read_metrics(hub.resolve(evaluator))["eval"]["test_accuracy"]["test_class_shares"],
                        dtype=torch.float64)
    data = data / data.sum()                                                  # rounded on the card
    shown = x.flip(2) if dataset.modality == "audio" else x                  # low pitches at the bottom
    shares = [round(v, 4) for v in hist.tolist()]
    return Coverage(checkpoint, list(dataset.class_names), shares, [round(v, 4) for v in data.tolist()],
                    classes_covered(hist, MIN_SHARE), round(class_kl(hist, data), 3),
                    to_grid(shown, scale=2 if dataset.modality == "image" else 1),
                    chart(dataset, hist, data, f"{checkpoint}: {n} samples named by {evaluator}"), round(ms, 1))


def chart(dataset, hist, data, title: str) -> Image.Image:
    """The class histogram beside real data's; for a label of several factors (an instrument and a
    pitch), one histogram per factor, of the shares summed over the others (370 bars say nothing)."""
    if not dataset.factors:
        return histogram_chart(dataset.class_names, hist.tolist(), data.tolist(), title, MIN_SHARE)
    sizes = [len(values) for _, values in dataset.factors]
    charts = []
    for axis, (name, values) in enumerate(dataset.factors):
        others = tuple(i for i in range(len(sizes)) if i != axis)
        marginal = lambda shares: shares.view(*sizes).sum(others).tolist()
        charts.append(histogram_chart([v[:7] for v in values], marginal(hist), marginal(data),
                                      f"{title}, by {name}", MIN_SHARE,
                                      width=max(520, 22 * len(values))))
    canvas = Image.new("RGB", (max(c.width for c in charts), sum(c.height for c in charts)), "white")
    for i, c in enumerate(charts):
        canvas.paste(c, (0, sum(d.height for d in charts[:i])))
    return canvas
