"""`python -m genapp publish` uploads a bundled checkpoint through the real huggingface_hub client to a
Hub stand-in on 127.0.0.1; the repo holds the same bytes, and loading it back through genapp's Hub
path generates the same picture as the bundled folder."""
import pytest

from genapp import cli, hub, publish, studio
from hub_standin import HubStandIn
from test_hub_standin import no_real_network  # noqa: F401  (autouse: any connection off 127.0.0.1 fails)

NAME = "vae-mnist"
TOKEN = "hf_standin_write_token"


def _files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_publish_uploads_byte_for_byte_and_loads_back_the_same(tmp_path, monkeypatch, capsys, hub_prefix):
    bundled = studio.generate_images(NAME, n=8, seed=5, label="4").png
    uploads = tmp_path / "uploads"
    with HubStandIn({}, uploads=uploads, token=TOKEN) as server, \
            server.patch_huggingface_hub(cache_dir=tmp_path / "hf-cache"):
        monkeypatch.setenv("HF_TOKEN", TOKEN)              # the stand-in answers 401 to any other token
        cli.main(["publish", "--repo-prefix", "someone/genapp-", "--only", NAME])
        repo = f"someone/genapp-{NAME}"
        assert _files(uploads / repo) == _files(hub.CHECKPOINTS / NAME)
        commits = [r for r in server.requests if r.startswith(f"POST /api/models/{repo}/commit/main")]
        assert "POST /api/repos/create" in server.requests and len(commits) == 1
        # its time-lapse beside it, where one is bundled
        timelapse = NAME in hub.timelapses()
        if timelapse:
            assert _files(uploads / f"{repo}-timelapse") == _files(hub.CHECKPOINTS / f"{NAME}-timelapse")
        sent = [r for r in server.requests if "/commit/" in r and r.startswith("POST")]
        assert len(sent) == 1 + timelapse

        # publishing again sends nothing: preupload reports every file unchanged
        publish.publish("someone/genapp-", [NAME])
        assert len([r for r in server.requests if "/commit/" in r and r.startswith("POST")]) == len(sent)

        monkeypatch.setenv("GENAPP_HUB_REPO_PREFIX", "someone/genapp-")
        hub_prefix()                                       # forget the bundled folder
        folder = hub.resolve(NAME)
        downloaded = studio.generate_images(NAME, n=8, seed=5, label="4").png
    assert folder.is_relative_to(tmp_path / "hf-cache")
    assert f"{server.url}/{repo}/commit/" in capsys.readouterr().out
    assert downloaded == bundled


def test_publish_without_the_right_token_is_refused(tmp_path, monkeypatch):
    with HubStandIn({}, uploads=tmp_path, token=TOKEN) as server, server.patch_huggingface_hub():
        monkeypatch.setenv("HF_TOKEN", "hf_wrong")
        with pytest.raises(SystemExit, match="error: .*401"):
            cli.main(["publish", "--repo-prefix", "someone/genapp-", "--only", NAME])
    assert not any("/commit/" in r for r in server.requests)


def test_dry_run_lists_files_and_sizes_without_network(capsys, monkeypatch):
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")   # nothing listens there: any request would fail
    assert publish.publish("owner/genapp-", ["vae-names", "rbm-names"], dry_run=True) == \
        ["owner/genapp-vae-names", "owner/genapp-rbm-names"]
    out = capsys.readouterr().out
    for name in ("vae-names", "rbm-names"):
        assert f"owner/genapp-{name}: " in out
        for path, data in _files(hub.CHECKPOINTS / name).items():
            assert path in out
    assert "config.json" in out and "diffusion_pytorch_model.safetensors" in out and "MB" in out
    assert "would upload 2 checkpoints" in out


@pytest.mark.parametrize("argv, message", [
    (["--repo-prefix", "../etc", "--dry-run"], "not of the form"),
    (["--repo-prefix", "owner/genapp-", "--only", "vae-nope", "--dry-run"], "no bundled checkpoint named vae-nope"),
])
def test_bad_arguments_are_refused_before_anything_is_sent(argv, message):
    with pytest.raises(SystemExit, match=message):
        cli.main(["publish", *argv])
