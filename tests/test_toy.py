"""Watch it train: tiny models on 2-D toy points, trained in a worker process, frame by frame."""
import ast
import time
from pathlib import Path

import pytest
import torch

from genapp import runs
from genapp.cli import main as cli_main
from genapp.data.toy import coverage, toy
from genapp.studio import BadRequest
from genapp.studio import toy as studio_toy


def test_toy_distributions_and_their_coverage_of_perfect_and_collapsed_samples(generator):
    ring = toy("ring")
    x = ring.sample(4000, generator)
    assert x.shape == (4000, 2) and ring.num_modes == 8 and toy("grid").num_modes == 25
    assert torch.allclose(x.norm(dim=1).mean(), torch.tensor(2.0), atol=0.01)
    modes, quality = coverage(ring, x)
    assert modes == set(range(8)) and quality > 0.99
    collapsed = ring.centers[[0, 3]].repeat(500, 1)                   # every sample on two modes
    assert coverage(ring, collapsed) == ({0, 3}, 1.0)
    assert coverage(toy("points", [(1, 1), (-2, 3)]), torch.tensor([[1.0, 1.02]] * 10))[0] == {0}


def test_same_seed_same_frames_and_the_loss_curve_grows():
    a = list(studio_toy.train_toy("vae", "moons", 3e-3, 120, 7, 40))
    b = list(studio_toy.train_toy("vae", "moons", 3e-3, 120, 7, 40))
    assert [f.step for f in a] == [40, 80, 120] and a[-1].done
    assert [f.picture.tobytes() for f in a] == [f.picture.tobytes() for f in b]
    assert len(a[0].rows) == 8 and len(a[-1].rows) == 24                 # a point per 10 steps, reconstruction and KL
    assert "Step 120 of 120" in a[-1].caption and "moons covered" in a[-1].caption


def test_pacgan_covers_more_ring_modes_than_the_vanilla_gan_after_2000_steps():
    """Seed 0, default settings: the vanilla GAN settles on half the ring (sharply); PacGAN spreads over
    more of it. Measured 4/8 against 6/8."""
    last = list(studio_toy.train_toy("gan-vs-pacgan", "ring", None, 2000, 0, 500))[-1]
    assert last.covered["gan"] <= 5 and last.covered["pacgan"] > last.covered["gan"]
    assert last.picture.size == (2 * studio_toy.PANEL, studio_toy.PANEL)
    assert {s for _, _, s in last.rows} == {"vanilla GAN: D loss", "vanilla GAN: G loss", "PacGAN: D loss",
                                            "PacGAN: G loss"}


def test_stop_pauses_a_run_and_step_goes_on_from_where_it_stopped():
    frames = studio_toy.train_toy("rbm", "grid", None, 5000, 0, 20)
    first = next(frames)
    assert first.step == 20
    assert "Stopped at step 20" in studio_toy.stop(first.run_id)
    t0 = time.perf_counter()
    assert list(frames) == []                                          # the stream ends at once
    assert time.perf_counter() - t0 < 1
    more = list(studio_toy.step_toy(first.run_id, 40, 20, "rbm", "grid", None, 0))
    assert [f.step for f in more] == [40, 60] and more[-1].run_id == first.run_id
    studio_toy.close(first.run_id)
    assert first.run_id not in runs.RUNS


def test_two_students_train_at_once_each_with_a_run_of_their_own():
    alice = studio_toy.train_toy("gan", "ring", None, 200, 0, 50)
    bob = studio_toy.train_toy("gan", "ring", None, 200, 0, 50)
    a1, b1 = next(alice), next(bob)                                    # interleaved, as two browsers would
    assert a1.run_id != b1.run_id and a1.picture.tobytes() == b1.picture.tobytes()   # same seed, same frame
    studio_toy.stop(a1.run_id)                                         # Alice stops; Bob trains on
    assert list(alice) == []
    assert [f.step for f in bob] == [100, 150, 200]
    for run_id in (a1.run_id, b1.run_id):
        studio_toy.close(run_id)


@pytest.mark.parametrize("kwargs, words", [
    (dict(family="wgan"), "Pick a model"), (dict(data="spiral"), "Pick the data"),
    (dict(lr=0), "learning rate must be from"), (dict(lr="fast"), "not a number"), (dict(lr=float("nan")), "out of range"),
    (dict(steps=0), "from 1 to 5,000"), (dict(steps=10**6), "from 1 to 5,000"), (dict(steps=2.5), "whole number"),
    (dict(every=0), "from 1 to 500"), (dict(seed=-1), "seed"), (dict(loss="wgan"), "Pick a GAN loss"),
    (dict(optimizer="rmsprop"), "Pick an optimiser"), (dict(width=1000), "must be from 4 to 256"),
    (dict(overlays="yes"), "Overlays are on"), (dict(beta=-1), "beta must be from 0.0 to 4.0"),
    (dict(beta=float("inf")), "beta must be"), (dict(sampler="cd10"), "Pick the RBM.s negative phase"),
    (dict(data="points", points="1, 2; 3"), "'x, y' pairs"), (dict(data="points", points=""), "from 1 to 32"),
    (dict(data="points", points="9, 0"), "between -4.5 and 4.5")])
def test_bad_arguments_get_a_sentence_before_any_worker_starts(kwargs, words):
    alive = len(runs.RUNS)
    with pytest.raises(BadRequest, match=words):
        next(studio_toy.train_toy(**kwargs))
    assert len(runs.RUNS) == alive


def test_a_click_on_the_canvas_places_a_point():
    assert studio_toy.canvas_point(0, 0) == (-5.0, 5.0)
    assert studio_toy.canvas_point(studio_toy.PANEL - 1, studio_toy.PANEL - 1) == (5.0, -5.0)
    assert studio_toy.points_picture("1, 1; -2, 3").size == (studio_toy.PANEL, studio_toy.PANEL)


def test_cli_writes_a_gif_of_the_run(tmp_path, capsys):
    out = tmp_path / "run.gif"
    cli_main(["toy", "--family", "gan", "--data", "ring", "--steps", "100", "--every", "50", "--out", str(out)])
    assert out.read_bytes()[:6] == b"GIF89a"
    assert "100 steps in" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="Pick the data"):
        cli_main(["toy", "--data", "spiral", "--out", str(out)])


def test_the_run_supervisor_imports_nothing_of_genapp():
    """genapp.runs sits under every layer that starts runs: the work comes from the module it spawns."""
    tree = ast.parse(Path(runs.__file__).read_text())
    modules = ["." * n.level + (n.module or "") for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    modules += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert modules and not [m for m in modules if m.startswith(("genapp", "."))]


# what each family does inside (the overlays)

def _trainer(family, **options):
    from genapp.train.toy import make_trainer
    return make_trainer(family, toy("ring"), {"vae": 3e-3, "rbm": 3e-3}.get(family, 1e-3), 0, **options)


@pytest.mark.parametrize("loss", ["bce", "minimax", "hinge", "lsgan"])
def test_stepping_d_alone_moves_its_beliefs_and_g_alone_moves_the_fakes(loss):
    gan = _trainer("gan", loss=loss)
    gan.train(20)
    before = gan.overlay()
    heat = torch.tensor(before["heat"])
    assert heat.shape == (48, 48) and 0 <= heat.min() and heat.max() <= 1
    gan.train(20, phase="d")
    after_d = gan.overlay()
    assert after_d["grid"] == before["grid"] and after_d["heat"] != before["heat"]      # G untouched
    gan.train(20, phase="g")
    after_g = gan.overlay()
    assert after_g["heat"] == after_d["heat"]                            # D untouched
    assert after_g["grid"] != after_d["grid"] and len(after_g["grid"]) == 18 and len(after_g["grid"][0]) == 25


def test_a_fake_point_moved_along_its_arrow_lowers_the_generators_loss():
    gan = _trainer("gan")
    gan.train(50)
    arrows = torch.tensor(gan.overlay()["arrows"])                    # x, y, push x, push y
    fake, push = arrows[:, :2], arrows[:, 2:]
    with torch.no_grad():
        loss = lambda x: gan.g_loss(gan.score(x)).item()
        assert loss(fake + 0.05 * push / push.norm()) < loss(fake) < loss(fake - 0.05 * push / push.norm())


def test_the_vaes_posteriors_swell_towards_the_prior_as_beta_grows():
    spread = {}
    for beta in (0.1, 3.0):
        vae = _trainer("vae")
        history = vae.train(700, beta=beta)
        assert len(history[0]) == 2                                     # reconstruction and KL, apart
        posteriors = vae.overlay()["posteriors"]
        spread[beta] = sum(sum(p["std"]) for p in posteriors) / len(posteriors)
        kl = sum(h[1] for h in history[-100:]) / 100
        spread[f"kl {beta}"] = kl
    assert spread[3.0] > 2 * spread[0.1] and spread["kl 3.0"] < spread["kl 0.1"]       # towards collapse


def test_the_rbms_density_is_high_on_the_ring_and_its_chain_walks_the_canvas():
    rbm = _trainer("rbm")
    rbm.train(600)
    inside = rbm.overlay()
    heat = torch.tensor(inside["heat"])
    cell = lambda x, y: heat[int((5 - y) / 10 * 48), int((x + 5) / 10 * 48)]
    on_modes = torch.stack([cell(x, y) for x, y in toy("ring").centers.tolist()])
    assert heat.max() == 1 and on_modes.mean() > 5 * heat.mean()       # its mass lies on the ring's modes
    assert cell(0, 0) < 0.5 * on_modes.mean() and cell(4.5, 4.5) < 0.01  # not in the hole, nor the corners
    assert len(inside["path"]) == 40 and len(inside["chains"]) == 128
    assert all(abs(v) <= 5 for p in inside["path"] for v in p)


def test_all_three_side_by_side_with_their_insides_and_beta_changed_midway():
    frames = studio_toy.train_toy("all", "ring", None, 200, 0, 100, overlays=True)
    first = next(frames)
    assert first.picture.size == (3 * studio_toy.PANEL, studio_toy.PANEL)
    assert "KL weight is now 3 " in studio_toy.set_beta(first.run_id, 3)
    with pytest.raises(BadRequest, match="beta must be"):
        studio_toy.set_beta(first.run_id, 40)
    last = list(frames)[-1]
    series = {s for _, _, s in last.rows}
    assert {"VAE: reconstruction", "VAE: KL", "vanilla GAN: D loss", "RBM: F(data) - F(model)"} <= series
    plain = studio_toy.run_to_end("all", "ring", None, 100, 0, 100)[-1].picture
    assert plain.tobytes() != first.picture.tobytes()                   # the overlays are drawn
    more = list(studio_toy.step_toy(last.run_id, 10, 10, "all", "ring", None, 0, "", None, overlays=True, phase="d"))
    assert more[-1].step == 210
    studio_toy.close(last.run_id)


def test_cli_writes_the_three_families_with_overlays(tmp_path, capsys):
    out = tmp_path / "run.gif"
    cli_main(["toy", "--family", "all", "--data", "ring", "--steps", "100", "--every", "50", "--overlays",
              "--out", str(out)])
    assert out.read_bytes()[:6] == b"GIF89a" and "RBM: modes covered" in capsys.readouterr().out
    from PIL import Image
    assert Image.open(out).size == (3 * studio_toy.PANEL, studio_toy.PANEL)


def test_cd1s_negative_phase_stays_by_the_data_and_pcds_wanders():
    """CD-1 draws its negative samples one sweep from the training points, PCD from chains that persist:
    CD-1's phases agree sooner (a smaller gap, W's gradient), though the model is no better for it."""
    gap, far = {}, {}
    for sampler in ("pcd", "cd1"):
        rbm = _trainer("rbm", sampler=sampler)
        history = rbm.train(800)
        gap[sampler] = sum(h[1] for h in history[-200:]) / 200
        chains = torch.tensor(rbm.overlay()["chains"])
        centres = toy("ring").centers
        far[sampler] = torch.cdist(chains, centres).min(1).values.mean().item()
        assert rbm.overlay()["note"].endswith("(CD-1)" if sampler == "cd1" else "(PCD)")
    assert gap["cd1"] < gap["pcd"] and far["cd1"] < far["pcd"]


def test_the_generators_learning_rate_is_a_multiple_of_the_discriminators_and_depth_adds_layers():
    gan = _trainer("gan", g_lr_scale=3.0, optimizer_name="sgd", depth=4)
    linear = lambda net: sum(isinstance(m, torch.nn.Linear) for m in net.modules())
    assert linear(gan.G) == 5 and linear(gan.D) == 6                  # 4 hidden layers, and D's score
    assert isinstance(gan.opt_g, torch.optim.SGD)
    assert gan.opt_g.param_groups[0]["lr"] == pytest.approx(3 * gan.opt_d.param_groups[0]["lr"])
    with pytest.raises(BadRequest, match="must be from 0.1 to 10"):
        next(studio_toy.train_toy("gan", g_lr_scale=50))
