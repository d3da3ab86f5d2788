"""Data augmentation: 100 real digits alone, then with 1,000 generated; the command prints both test
accuracies, its quick run is seed 0 of the full one, and the card shows only what the command wrote."""
import json
import subprocess
import sys

import pytest
import torch

from genapp import card, studio
from genapp.eval import augment
from genapp.studio import augment as seam

from conftest import ROOT


def test_real_digits_are_picked_evenly_and_the_larger_pick_contains_the_smaller():
    labels = torch.arange(10).repeat_interleave(50)[torch.randperm(500, generator=torch.Generator().manual_seed(1))]
    small, large = augment.pick_real(labels, 3, seed=7), augment.pick_real(labels, 20, seed=7)
    assert torch.equal(torch.bincount(labels[small]), torch.full((10,), 3))
    assert torch.equal(large.view(10, 20)[:, :3].flatten(), small)           # the 100 are inside the 1,100
    assert not torch.equal(small, augment.pick_real(labels, 3, seed=8))


def test_generated_digits_come_100_per_class_and_the_same_seed_gives_the_same_digits():
    x, y = augment.generate("gan-mnist", 5, seed=0)
    assert x.shape == (50, 1, 28, 28) and torch.equal(y, torch.arange(10).repeat_interleave(5))
    assert 0 <= x.min() and x.max() <= 1 and torch.equal(x, augment.generate("gan-mnist", 5, seed=0)[0])


def test_quick_run_prints_both_accuracies_for_each_generator():
    run = subprocess.run([sys.executable, "-m", "genapp", "augment", "--quick", "--generator", "gan-mnist"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    head, row = run.stdout.splitlines()[:2]
    assert "100 real only" in head and "100 real + 1,000 generated" in head and "more real" in head
    cells = row.split()
    assert cells[0] == "gan-mnist"
    only, generated, more = float(cells[1]), float(cells[4]), float(cells[8])
    assert 0.5 < only < 1 and 0.5 < generated < 1 and 0.5 < more < 1
    assert cells[7] == f"{generated - only:+.3f}" or abs(float(cells[7]) - (generated - only)) <= 0.0011
    assert "classifier 3/3" in run.stderr                    # progress, one line per classifier trained


def test_quick_figures_do_not_go_on_cards_and_unknown_generators_are_refused():
    for args, words in ((["--quick", "--write-card"], "do not go on cards"),
                        (["--generator", "gan-names"], "class-conditional image generators")):
        run = subprocess.run([sys.executable, "-m", "genapp", "augment", *args], cwd=ROOT, capture_output=True,
                             text=True, timeout=120)
        assert run.returncode != 0 and words in run.stderr and "Traceback" not in run.stderr


def test_the_card_section_shows_exactly_the_stored_figures(tmp_path):
    figures = {"real_only": augment.summary([0.8, 0.82]), "with_generated": augment.summary([0.9, 0.94]),
               "more_real": augment.summary([0.95, 0.95]), "command": "python -m genapp augment --seeds 2",
               "seconds": 12.3, "device": "CPU, 1 thread", "torch": torch.__version__,
               "settings": {"dataset": "mnist", "real": 100, "generated": 1000, "seeds": 2, "steps": 300,
                            "batch_size": 32, "lr": 0.003, "classifier": augment.CLASSIFIER, "test_examples": 2000}}
    (tmp_path / augment.FILE).write_text(json.dumps(figures))
    text = "\n".join(card.augmentation_lines(tmp_path))
    assert "| 0.810 ± 0.014 | 0.920 ± 0.028 | 0.950 ± 0.000 |" in text
    assert "`python -m genapp augment --seeds 2`" in text and card.augmentation_lines(tmp_path / "nowhere") == []


def test_the_panel_reads_the_cards_and_the_live_rerun_needs_the_data(tmp_path, monkeypatch):
    stored = seam.stored_augmentation()
    if stored is not None:                                  # written by `augment --write-card`
        assert [r.generator for r in stored.rows] == list(augment.GENERATORS)
        assert stored.command.startswith("python -m genapp augment") and stored.settings["real"] == 100
    monkeypatch.setenv("GENAPP_DATA_DIR", str(tmp_path))
    with pytest.raises(studio.BadRequest, match="not on this server"):
        seam.rerun_augmentation()


def test_the_quick_run_reproduces_seed_0_of_the_figures_on_the_card():
    stored = ROOT / "checkpoints" / "gan-mnist" / augment.FILE
    if not stored.exists():
        pytest.skip("augment --write-card has not been run")
    card = json.loads(stored.read_text())
    run = subprocess.run([sys.executable, "-m", "genapp", "augment", "--quick", "--json", "--generator", "gan-mnist"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300, check=True)
    now = json.loads(run.stdout)["gan-mnist"]
    # one thread: the same sums in the same order, so the same figure on the CPU that wrote the card; another
    # kind of CPU (AVX-512 FP16 here) rounds a training's long sums otherwise: a few test images either way
    for key in ("real_only", "with_generated", "more_real"):
        assert now[key]["per_seed"][0] == pytest.approx(card[key]["per_seed"][0], abs=0.005)
