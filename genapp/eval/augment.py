"""`python -m genapp augment`: can generated digits stand in for labelled ones? A small classifier is
trained on 100 real training digits (10 per class) alone, then on the same 100 plus 1,000
class-conditional samples of a generator (100 per class), with the same seed, steps and net; both are
scored on the test split. Over several seeds: mean ± standard deviation. The comparison of
generative data augmentation (Antoniou et al. 2017, "Data Augmentation Generative Adversarial
Networks"; Ravuri & Vinyals 2019, "Classification Accuracy Score for Conditional Generative Models").

Read it with care: the generators learned from all 8,000 labelled training digits, so their samples
carry knowledge of far more than 100 digits; the question answered is "how much of what a generator
learned does a classifier get back from its samples?", not "does a generator make data from nothing?".
`--write-card` writes the figures into augment.json beside the generator's card and a section into
its README.md, so every number shown comes from this command.
"""
import json
import shlex
import statistics
import sys
import time

import torch
import torch.nn.functional as F

from .. import hub
# the card renders augment.json; studio/augment.py reads FILE and cell from here
from ..card import AUGMENT_FILE as FILE, mean_sd as cell, write_card as render_card
from ..data import DATASETS, load_tensors
from ..models.classifier import Classifier
from ..train.classifier import accuracy
from ..train.recipes import RECIPES

GENERATORS = ("vae-mnist", "gan-mnist", "rbm-mnist")
CLASSIFIER = dict(channels=(8, 16), feature_dim=32, dropout=0.3)   # the evaluator's net, 4x narrower: CPU-fast
STEPS, BATCH, LR = 300, 32, 3e-3


# helpers

def pick_real(labels, per_class: int, seed: int) -> torch.Tensor:
    """Indices of per_class training examples of each class, chosen by the seed."""
    g = torch.Generator().manual_seed(seed)
    return torch.cat([(labels == c).nonzero()[:, 0][torch.randperm(int((labels == c).sum()), generator=g)[:per_class]]
                      for c in range(int(labels.max()) + 1)])


@torch.inference_mode()
def generate(checkpoint: str, per_class: int, seed: int):
    """(x (10 per_class, 1, 28, 28) in [0, 1], y): per_class samples of each class, as the Image tab draws them."""
    model = hub.load(checkpoint)
    y = torch.arange(model.config.num_classes).repeat_interleave(per_class)
    return model.sample(len(y), torch.Generator().manual_seed(seed), y).contiguous(), y


def fit(x, y, seed: int, steps: int = STEPS):
    """A small evaluator-style CNN trained from scratch on (x, y): AdamW, one-cycle schedule, no augmentation
    (so that generated samples are the only addition). The seed fixes its initial weights and minibatches."""
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    model = Classifier(sample_shape=tuple(x.shape[1:]), num_classes=int(y.max()) + 1, **CLASSIFIER)
    opt = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=5e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=LR, total_steps=steps)
    for _ in range(steps):
        i = torch.randint(len(x), (BATCH,), generator=g)
        loss = F.cross_entropy(model(x[i]), y[i])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        schedule.step()
    return model.eval()


def summary(values) -> dict:
    return {"mean": round(statistics.fmean(values), 4),
            "std": round(statistics.stdev(values), 4) if len(values) > 1 else 0.0,
            "per_seed": [round(v, 4) for v in values]}


# the experiment

def run(generators=GENERATORS, real: int = 100, generated: int = 1000, seeds: int = 5, steps: int = STEPS,
        data_dir=None, progress=None) -> dict:
    """{generator: {"real_only": summary, "with_generated": summary, "more_real": summary, "settings": ...}}
    for seeds 0..seeds-1. more_real is the yardstick: the same 100 plus as many *real* digits as generated
    ones (they include the 100). progress(done, total) after each classifier trained."""
    datasets = {RECIPES[g].dataset for g in generators}
    assert len(datasets) == 1, f"generators of one data set at a time, got {sorted(datasets)}"
    dataset = datasets.pop()
    classes = len(DATASETS[dataset].class_names)
    assert real % classes == 0 and generated % classes == 0, f"counts must split evenly into {classes} classes"
    data_dir = data_dir or hub.data_folder(dataset)
    x_train, y_train = load_tensors(dataset, data_dir, "train")
    x_test, y_test = load_tensors(dataset, data_dir, "test")
    done, total = 0, seeds * (2 + len(generators))
    base, more, mixed = [], [], {g: [] for g in generators}
    for seed in range(seeds):
        # the first real // classes of each class's shuffled list, then as many more real ones as generated
        idx = pick_real(y_train, (real + generated) // classes, seed).view(classes, -1)
        x, y = x_train[idx[:, :real // classes].flatten()], y_train[idx[:, :real // classes].flatten()]
        base.append(accuracy(fit(x, y, seed, steps), x_test, y_test))
        more.append(accuracy(fit(x_train[idx.flatten()], y_train[idx.flatten()], seed, steps), x_test, y_test))
        done += 2
        progress and progress(done, total)
        for g in generators:
            gx, gy = generate(g, generated // classes, seed)
            mixed[g].append(accuracy(fit(torch.cat([x, gx]), torch.cat([y, gy]), seed, steps), x_test, y_test))
            done += 1
            progress and progress(done, total)
    settings = {"dataset": dataset, "real": real, "generated": generated, "seeds": seeds, "steps": steps,
                "batch_size": BATCH, "lr": LR, "classifier": CLASSIFIER, "test_examples": len(x_test)}
    return {g: {"real_only": summary(base), "with_generated": summary(mixed[g]), "more_real": summary(more),
                "settings": settings} for g in generators}


# output

def table(results: dict) -> str:
    first = next(iter(results.values()))["settings"]
    head = ("generator", f"{first['real']} real only", f"{first['real']} real + {first['generated']:,} generated",
            "change", f"{first['real']} real + {first['generated']:,} more real")
    rows = [(g, cell(r["real_only"]), cell(r["with_generated"]),
             f"{r['with_generated']['mean'] - r['real_only']['mean']:+.3f}", cell(r["more_real"]))
            for g, r in results.items()]
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(5)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in [head, *rows])


def write_card(name: str, figures: dict):
    """augment.json beside the checkpoint, and the card re-rendered with its section."""
    folder = hub.resolve(name)
    (folder / FILE).write_text(json.dumps(figures, indent=2) + "\n")
    render_card(folder)


def main(generators=GENERATORS, real=100, generated=1000, seeds=5, steps=STEPS, data_dir=None, quick=False,
         write=False, as_json=False):
    if quick and write:
        sys.exit("error: --quick figures do not go on cards; run without --quick to write them")
    unknown = [g for g in generators if g not in RECIPES or RECIPES[g].family not in ("vae", "gan", "rbm")
               or RECIPES[g].model.get("num_classes", 0) == 0 or DATASETS[RECIPES[g].dataset].modality != "image"]
    if unknown:
        sys.exit(f"error: {', '.join(unknown)}: augment needs class-conditional image generators, e.g. "
                 f"{', '.join(GENERATORS)}")
    # one thread: these nets are too small to gain from two, and a second thread that has to wait for a
    # busy core made each classifier 10-20x slower on a shared machine; one also keeps the sums' order fixed
    torch.set_num_threads(1)
    seeds = 1 if quick else seeds
    print(f"augment: {real} real digits alone, then with {generated:,} generated; {seeds} seed(s), "
          f"{steps} steps each", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    try:
        results = run(generators, real, generated, seeds, steps, data_dir,
                      lambda done, total: print(f"  classifier {done}/{total} | {time.perf_counter() - t0:.0f} s",
                                                file=sys.stderr, flush=True))
    except FileNotFoundError as e:
        sys.exit(f"error: the training data is not there ({e.filename}); point --data at it")
    seconds = time.perf_counter() - t0
    if as_json:
        print(json.dumps(results, indent=2))
    else:
        print(table(results))
        print(f"test accuracy on {next(iter(results.values()))['settings']['test_examples']:,} test images, "
              f"mean ± sd over {seeds} seed(s); {seconds:.0f} s")
    if write:
        command = "python -m genapp augment " + " ".join(shlex.quote(a) for a in sys.argv[2:]) \
            if sys.argv[1:2] == ["augment"] else "python -m genapp augment"
        for g, figures in results.items():
            write_card(g, figures | {"command": command.rstrip(), "seconds": round(seconds, 1),
                                     "device": f"CPU, {torch.get_num_threads()} thread", "torch": torch.__version__})
        print("cards written: " + ", ".join(results))
    return results
