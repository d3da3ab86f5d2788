"""A bundled checkpoint served by a Hub stand-in on 127.0.0.1 downloads through huggingface_hub and
generates exactly the bytes the bundled folder does."""
import shutil

import pytest

from genapp import hub, studio
from hub_standin import HubStandIn


@pytest.mark.parametrize("name", ["gan-mnist", "rbm-fashion"])
def test_download_from_hub_stand_in_generates_the_same_bytes(name, tmp_path, monkeypatch, hub_prefix):
    bundled = studio.generate_images(name, n=8, seed=11, label="3", steps=10).png
    repo = tmp_path / "repo"
    shutil.copytree(hub.CHECKPOINTS / name, repo)
    with HubStandIn({f"someone/genapp-{name}": repo}) as server, \
            server.patch_huggingface_hub(cache_dir=tmp_path / "hf-cache"):
        monkeypatch.setenv("GENAPP_HUB_REPO_PREFIX", "someone/genapp-")
        hub_prefix()                                       # forget the bundled folder
        folder = hub.resolve(name)
        downloaded = studio.generate_images(name, n=8, seed=11, label="3", steps=10).png
    assert str(folder).startswith(str(tmp_path / "hf-cache"))
    assert any(r.startswith(f"GET /someone/genapp-{name}/resolve/") for r in server.requests)
    assert downloaded == bundled


def test_unknown_hub_repo_is_a_clear_refusal(tmp_path, monkeypatch, hub_prefix):
    with HubStandIn({}) as server, server.patch_huggingface_hub(cache_dir=tmp_path / "hf-cache"):
        monkeypatch.setenv("GENAPP_HUB_REPO_PREFIX", "someone/genapp-")
        with pytest.raises(Exception, match="genapp-vae-mnist"):
            hub.resolve("vae-mnist")


def test_bad_prefix_is_refused(monkeypatch, hub_prefix):
    monkeypatch.setenv("GENAPP_HUB_REPO_PREFIX", "../../etc")
    with pytest.raises(hub.UnknownCheckpoint, match="GENAPP_HUB_REPO_PREFIX"):
        hub.resolve("vae-mnist")
