"""`python -m genapp eval <name|all>`: measure checkpoints on the test split, print a table and
write the figures into each checkpoint's metrics.json and model card."""
import time

import torch

from .. import hub
from ..card import read_metrics, write_metrics
from ..data.image import DATASETS, load_tensors
from ..models.vae import negative_elbo
from ..train.loop import binarize
from ..train.recipes import RECIPES
from .metrics import accuracy, class_agreement, free_energy_gap

SAMPLES_PER_CLASS = 100        # 1,000 samples per generator
SEED = 0


def _metric(name, value, digits=4):
    return {"name": name, "value": round(float(value), digits)}


def evaluate(name: str, data_dir: str | None, quick: bool = False) -> dict:
    recipe = RECIPES[name]
    data_dir = data_dir or DATASETS[recipe.dataset].default_dir
    x, y = load_tensors(recipe.dataset, data_dir, "test")
    if quick:
        x, y = x[:500], y[:500]
    model = hub.load(name)
    generator = torch.Generator().manual_seed(SEED)
    out = {}
    with torch.inference_mode():
        if recipe.family == "classifier":
            return {"test_accuracy": _metric("Test accuracy", accuracy(model, x, y))}
        if recipe.family == "vae":
            nelbo = torch.cat([model(binarize(x[i:i + 500], generator), y[i:i + 500], generator)[0]
                               for i in range(0, len(x), 500)])
            out["test_neg_elbo"] = _metric("Test negative ELBO (nats, dynamically binarized, 1 sample)", nelbo.mean(), 2)
        if recipe.family == "rbm":
            out["test_reconstruction_mse"] = _metric(
                "Test reconstruction error (mean squared error per pixel, one up-down pass)",
                (model.reconstruct(x, y) - x).pow(2).mean(), 5)
            x_train, y_train = load_tensors(recipe.dataset, data_dir, "train")
            out["free_energy_gap"] = _metric("Free-energy gap, test minus train (nats)",
                                             free_energy_gap(model, x_train, y_train, x, y), 2)
        per_class = 10 if quick else SAMPLES_PER_CLASS
        labels = torch.arange(10).repeat_interleave(per_class)
        t0 = time.perf_counter()
        samples = model.sample(len(labels), generator, labels)
        seconds = time.perf_counter() - t0
        clf = hub.load(f"eval-{recipe.dataset}")
        extra = f", {model.config.default_steps} Gibbs steps" if recipe.family == "rbm" else ""
        out["class_agreement"] = _metric(f"Class agreement: requested class recognised by eval-{recipe.dataset} "
                                         f"({len(labels)} samples{extra})", class_agreement(clf, samples, labels))
        print(f"  ({len(labels)} samples in {seconds:.1f} s)")
        if recipe.family == "rbm":    # more Gibbs sweeps, better samples: the same seed at 5x the steps
            steps = 5 * model.config.default_steps
            samples = model.sample(len(labels), torch.Generator().manual_seed(SEED), labels, steps=steps)
            out["class_agreement_long_chain"] = _metric(
                f"Class agreement as above, {steps} Gibbs steps", class_agreement(clf, samples, labels))
    return out


def main(names, data_dir=None, quick=False):
    if names == ["all"]:
        names = [n for n in RECIPES if n.startswith("eval-")] + [n for n in RECIPES if not n.startswith("eval-")]
    torch.set_num_threads(2)
    rows = []
    for name in names:
        print(f"{name} ...", flush=True)
        measured = evaluate(name, data_dir, quick)
        rows += [(name, m["name"], m["value"]) for m in measured.values()]
        if not quick:
            folder = hub.resolve(name)
            metrics = read_metrics(folder)
            metrics["eval"] = measured
            write_metrics(folder, metrics)
    width = max(len(r[1]) for r in rows)
    print(f"\n{'checkpoint':<14} {'metric':<{width}} value")
    for name, metric, value in rows:
        print(f"{name:<14} {metric:<{width}} {value}")
