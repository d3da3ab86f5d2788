"""`python -m genapp eval`: its tables and JSON, and the bundled cards' figures reproduced by a quick run."""
import json
import subprocess
import sys

import pytest
import torch

from conftest import ROOT
from huggingface_hub import ModelCard

from genapp.card import read_metrics
from genapp.eval.run import difference_estimate

MNIST_GENERATORS = ["vae-mnist", "gan-mnist", "rbm-mnist"]
TEXT = ["eval-names", "vae-names", "gan-names", "rbm-names", "eval-lines", "vae-lines", "gan-lines", "eval-replies",
        "vae-replies"]
LATENT_MAP = ["vae2d-mnist"]


def run_eval(*args):
    return subprocess.run([sys.executable, "-m", "genapp", "eval", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def quick_figures():
    run = run_eval("eval-mnist", "eval-fsdd", *MNIST_GENERATORS, *TEXT, *LATENT_MAP, "--quick", "--json")
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout)


@pytest.mark.timeout(900)     # the first of these also pays for the module's quick eval run (minutes)
@pytest.mark.parametrize("name", ["eval-mnist", "eval-fsdd"] + MNIST_GENERATORS + TEXT + LATENT_MAP)
def test_quick_eval_reproduces_the_card_within_its_stated_tolerance(quick_figures, name):
    card = read_metrics(ROOT / "checkpoints" / name)["eval"]
    # the card's YAML, read by huggingface_hub as the Hub reads it, holds every measured number
    index = ModelCard.load(ROOT / "checkpoints" / name / "README.md").data.to_dict()["model-index"]
    on_card = {m["type"]: m["value"] for m in index[0]["results"][0]["metrics"]}
    assert on_card == {key: figure["value"] for key, figure in card.items()}
    for key, figure in card.items():
        if figure.get("full_only"):
            continue
        quick = quick_figures[name][key]["value"]
        # FD-eval is a difference of large traces: on another kind of CPU (AVX-512 FP16) the covariances'
        # rounding moves it by a few parts in 10^4 (rbm-mnist: 120.857 against the card's 120.825)
        slack = 5e-4 * abs(figure["value"]) if key == "fd_eval" else 0.0
        assert abs(quick - figure["value"]) <= figure["tolerance"] + slack, \
            f"{name} {key}: quick run gave {quick}, the card says {figure['value']} ± {figure['tolerance']}"


def test_every_generator_is_measured_on_every_metric_with_a_real_data_reference(quick_figures):
    for name in MNIST_GENERATORS:
        figures = quick_figures[name]
        for key in ("fd_eval", "precision", "recall", "class_agreement", "classes_covered", "class_kl",
                    "nearest_train_distance"):
            assert "reference" in figures[key], f"{name} {key} has no real-data reference"
        assert len(figures["class_kl"]["histogram"]) == 10
    assert "iwae_nll" in quick_figures["vae-mnist"] and "ais_log_likelihood" in quick_figures["rbm-mnist"]
    # the real-data floor is a floor: samples are never closer to the test set than training images are
    for name in MNIST_GENERATORS:
        assert quick_figures[name]["fd_eval"]["value"] >= quick_figures[name]["fd_eval"]["reference"]


def test_eval_prints_a_table_per_checkpoint_and_refuses_quick_cards():
    run = run_eval("eval-mnist", "--quick")
    assert run.returncode == 0 and "metric" in run.stdout and "real data" in run.stdout
    assert "Test accuracy" in run.stdout
    run = run_eval("eval-mnist", "--quick", "--write-card")
    assert run.returncode != 0 and "do not go on cards" in run.stderr
    run = run_eval("vae-cifar")
    assert run.returncode != 0 and "no recipe named vae-cifar" in run.stderr


def test_the_difference_estimate_is_unbiased_and_as_tight_as_the_difference_is_steady():
    g = torch.Generator().manual_seed(0)
    exact = 100 + 50 * torch.randn(2000, generator=g, dtype=torch.float64)   # a figure that varies a lot
    # a control that differs by a constant: ten items give the mean over all of them exactly
    idx = torch.randperm(2000, generator=g)[:10]
    value, error, sd = difference_estimate(exact - 5, exact[idx], idx)
    assert value == pytest.approx(exact.mean().item()) and error == pytest.approx(0, abs=1e-9)
    # a control off by a few units of noise: over many subsets of 50 the estimates centre on the true
    # mean, their scatter is what the standard error says, and far below the plain subset mean's
    control = exact - 5 + 3 * torch.randn(2000, generator=g, dtype=torch.float64)
    picks = [torch.randperm(2000, generator=g)[:50] for _ in range(2000)]
    estimates = torch.tensor([difference_estimate(control, exact[i], i)[0] for i in picks])
    errors = torch.tensor([difference_estimate(control, exact[i], i)[1] for i in picks])
    plain = torch.stack([exact[i].mean() for i in picks])
    assert abs(estimates.mean() - exact.mean()) < 4 * estimates.std() / 2000 ** 0.5
    assert estimates.std().item() == pytest.approx(errors.mean().item(), rel=0.1)
    assert estimates.std() < plain.std() / 10
