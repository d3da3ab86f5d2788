"""Time-lapses: train --snapshots keeps a run's weights at a few steps beside its folder; eval --timelapse
measures each; the Watch it train tab's slider shows the same seed at each step."""
import json

import pytest
import torch

from genapp import hub
from genapp.eval import timelapse as measure_timelapse
from genapp.studio import BadRequest
from genapp.studio import timelapse
from genapp.train import train
from genapp.train.loop import Snapshots


def test_snapshots_are_log_spaced_from_step_100_to_the_last():
    at = Snapshots(15_000, 6).at
    assert at == [100, 272, 742, 2021, 5506, 15000]                     # each about 2.72 times the one before
    assert all(2.6 < b / a < 2.8 for a, b in zip(at, at[1:]))
    assert Snapshots(20_000, 2).at == [100, 20_000] and Snapshots(500, 1).at == [500] and Snapshots(500).at == []
    kept = Snapshots(300, 3)
    model = torch.nn.Linear(2, 2)
    for step in range(1, 301):
        kept(step, model)
    assert sorted(kept.kept) == kept.at == [100, 173, 300] and kept.kept[100] is not model


@pytest.fixture(scope="module")
def bundled_with_a_timelapse(tmp_path_factory):
    """The bundled checkpoints, and beside them a 3-snapshot time-lapse of gan-mnist's recipe (150 steps)."""
    folder = tmp_path_factory.mktemp("checkpoints")
    for name in hub.bundled():
        (folder / name).symlink_to(hub.CHECKPOINTS / name)
    run = tmp_path_factory.mktemp("run") / "gan-mnist"
    train("gan-mnist", steps=150, out=run, snapshots=3)
    (folder / "gan-mnist-timelapse").symlink_to(run.parent / "gan-mnist-timelapse")
    return folder


@pytest.fixture
def with_timelapse(bundled_with_a_timelapse, monkeypatch):
    monkeypatch.setattr(hub, "CHECKPOINTS", bundled_with_a_timelapse)
    hub.load_snapshot.cache_clear()
    yield
    hub.load_snapshot.cache_clear()


def test_a_run_with_snapshots_saves_them_in_float16_beside_its_folder(bundled_with_a_timelapse):
    folder = bundled_with_a_timelapse / "gan-mnist-timelapse"
    record = json.loads((folder / "timelapse.json").read_text())
    assert record["steps"] == [100, 122, 150] and record["total_steps"] == 150 and record["storage"] == "float16"
    assert sorted(p.name for p in folder.glob("step-*")) == ["step-000100", "step-000122", "step-000150"]
    weights = (folder / "step-000150" / hub.WEIGHTS).stat().st_size
    assert weights < 0.55 * (hub.CHECKPOINTS / "gan-mnist" / hub.WEIGHTS).stat().st_size        # half of float32
    with pytest.raises(ValueError, match="generates nothing"):
        train("eval-mnist", steps=10, snapshots=2)


def test_each_snapshot_is_measured_and_the_tab_shows_the_same_seed_at_each_step(with_timelapse, capsys):
    assert timelapse.timelapse_checkpoints() == ["gan-mnist"]
    measure_timelapse.main(["gan-mnist"], write_card=True)
    out = capsys.readouterr().out
    measured = hub.timelapse("gan-mnist")["measured"]
    assert set(measured) == {"100", "122", "150"} and all(0 <= m["precision"] <= 1 and m["fd_eval"] > 0
                                                         for m in measured.values())
    assert f"{measured['150']['fd_eval']:g}" in out and "written into" in out
    first, last = timelapse.timelapse_frame("gan-mnist", 0, 5), timelapse.timelapse_frame("gan-mnist", 2, 5)
    assert (first.step, last.step) == (100, 150) and first.grid.size == last.grid.size
    assert first.grid.tobytes() != last.grid.tobytes()                        # the same seed, another step
    assert timelapse.timelapse_frame("gan-mnist", 2, 5).grid.tobytes() == last.grid.tobytes()   # reproducible
    assert [r[0] for r in last.quality] == [100, 122, 150] and {r[2] for r in last.diversity} == {"precision", "recall"}
    assert "step 150 of 150" in last.caption and "train gan-mnist" in last.caption
    for bad in [("gan-mnist", 3, 0), ("gan-mnist", -1, 0), ("vae-mnist", 0, 0), ("gan-mnist", 0, -2), ("gan-mnist", "x", 0)]:
        with pytest.raises(BadRequest):
            timelapse.timelapse_frame(*bad)


def test_a_timelapse_is_published_beside_its_checkpoint_and_loads_back_from_the_hub(
        with_timelapse, tmp_path, monkeypatch, hub_prefix):
    from hub_standin import HubStandIn
    from genapp import publish
    shown = timelapse.timelapse_frame("gan-mnist", 1, 3).grid.tobytes()
    uploads = tmp_path / "uploads"
    with HubStandIn({}, uploads=uploads, token="hf_standin_write_token") as server, \
            server.patch_huggingface_hub(cache_dir=tmp_path / "hf-cache"):
        monkeypatch.setenv("HF_TOKEN", "hf_standin_write_token")
        repos = publish.publish("someone/genapp-", ["gan-mnist"])
        assert repos == ["someone/genapp-gan-mnist", "someone/genapp-gan-mnist-timelapse"]
        assert (uploads / repos[1] / "step-000122" / hub.WEIGHTS).is_file()
        monkeypatch.setenv("GENAPP_HUB_REPO_PREFIX", "someone/genapp-")
        hub_prefix()
        hub.load_snapshot.cache_clear()
        assert hub.timelapse_folder("gan-mnist").is_relative_to(tmp_path / "hf-cache")
        assert timelapse.timelapse_frame("gan-mnist", 1, 3).grid.tobytes() == shown


@pytest.mark.parametrize("name", hub.timelapses())
def test_a_bundled_timelapse_is_a_small_measured_model_repo(name):
    from huggingface_hub import ModelCard
    from genapp.publish import files
    folder = hub.CHECKPOINTS / f"{name}-timelapse"
    listing = dict(files(folder))
    assert sum(listing.values()) < 10_000_000, f"{name}-timelapse: {sum(listing.values()) / 1e6:.1f} MB"
    record = hub.timelapse(name)
    from genapp.train.recipes import RECIPES
    assert record["checkpoint"] == name and record["steps"][-1] == record["total_steps"] == RECIPES[name].steps
    assert set(record["measured"]) == {str(s) for s in record["steps"]}           # every snapshot measured
    for step in record["steps"]:
        assert {f"step-{step:06d}/config.json", f"step-{step:06d}/{hub.WEIGHTS}"} <= set(listing)
    card = ModelCard.load(folder / "README.md")
    assert card.data.license and str(record["measured"][str(record["steps"][-1])]["fd_eval"]) in card.text


def test_a_vae_snapshot_keeps_the_weights_that_draw_and_draws_as_the_run_did(tmp_path, monkeypatch, caplog):
    from safetensors import safe_open
    run = tmp_path / "vae-mnist"
    train("vae-mnist", steps=100, out=run, snapshots=1)      # one snapshot, at the last step: the run's own weights
    step = tmp_path / "vae-mnist-timelapse" / "step-000100"
    with safe_open(step / hub.WEIGHTS, "pt") as f:
        kept = set(f.keys())
    with safe_open(run / hub.WEIGHTS, "pt") as f:
        whole = set(f.keys())
    assert kept < whole and not any(k.startswith(("encoder.", "to_posterior.")) for k in kept)
    assert {k for k in whole - kept if not k.startswith(("encoder.", "to_posterior."))} == set()
    assert (step / hub.WEIGHTS).stat().st_size < 0.5 * (run / hub.WEIGHTS).stat().st_size
    monkeypatch.setattr(hub, "CHECKPOINTS", tmp_path)
    hub.load_snapshot.cache_clear(), hub.resolve.cache_clear()
    try:
        snapshot = hub.load_snapshot("vae-mnist", 100)
        assert hub.timelapse_is_own_run("vae-mnist")
    finally:
        hub.load_snapshot.cache_clear(), hub.resolve.cache_clear()
    assert "newly initialized" not in caplog.text
    z = torch.randn(4, snapshot.latent_dim, generator=torch.Generator().manual_seed(0))
    labels = torch.tensor([0, 1, 2, 3])
    run_model = hub._load_folder(run, "the run")
    assert torch.allclose(snapshot.decode(z, labels), run_model.decode(z, labels), atol=2e-2)   # float16 weights


def test_the_tab_says_whether_a_timelapse_is_the_bundled_checkpoints_own_run():
    own = [n for n in hub.timelapses() if hub.timelapse_is_own_run(n)]
    assert "vae-emoji" in own and "vae-mnist" not in own
    assert "is what this run made" in timelapse.timelapse_frame("vae-emoji", 0, 1).caption
    assert "in another run" in timelapse.timelapse_frame("vae-mnist", 0, 1).caption
