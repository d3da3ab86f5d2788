"""Training data from the Hub, like the checkpoints: `publish --datasets` uploads a data set's files and
its dataset card through the real huggingface_hub client to the Hub stand-in on 127.0.0.1, and a fresh
process with GENAPP_HUB_REPO_PREFIX set (as on the Space) downloads them on first use and finds the
same nearest training examples as the local folder gives."""
import io
import json
import os
import subprocess
import sys
import tarfile

import pytest
from huggingface_hub import DatasetCard

from genapp import cli, hub, publish, studio
from genapp.studio import copying
from genapp.data import DATASETS
from hub_standin import HubStandIn
from test_hub_standin import no_real_network  # noqa: F401  (autouse: any connection off 127.0.0.1 fails)

from conftest import ROOT

TOKEN = "hf_standin_write_token"
PREFIX = "someone/genapp-"

# a fresh process: the copying panel's answer for one GAN sample, the progress it heard, where the data came from
FRESH = """
import json
from genapp import hub
from genapp.studio import copying
heard = []
r = copying.nearest_training("gan-mnist", seed=3, label="7", position=2, k=5, progress=lambda d, t: heard.append((d, t)))
print(json.dumps({"neighbours": [[n.index, n.distance] for n in r.neighbours], "verdict": r.verdict,
                  "heard": heard[-1] if heard else None, "folder": str(hub.data_folder("mnist"))}))
"""


def _fresh_process(env: dict) -> dict:
    env = {k: v for k, v in os.environ.items() if k != hub.DATA_DIR_ENV} | env
    done = subprocess.run([sys.executable, "-c", FRESH], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_published_data_set_is_downloaded_by_a_fresh_process_and_gives_the_same_neighbours(tmp_path, monkeypatch):
    local = copying.nearest_training("gan-mnist", seed=3, label="7", position=2, k=5)
    checkpoints = {PREFIX + name: hub.CHECKPOINTS / name for name in hub.bundled()}   # the Space loads these too
    with HubStandIn(checkpoints, uploads=tmp_path / "uploads", token=TOKEN) as server, \
            server.patch_huggingface_hub(cache_dir=tmp_path / "hf-cache"):
        monkeypatch.setenv("HF_TOKEN", TOKEN)
        cli.main(["publish", "--repo-prefix", PREFIX, "--datasets", "--only", "mnist", "names"])
        for name in ("mnist", "names"):
            repo = tmp_path / "uploads" / "datasets" / (PREFIX + name)
            for pattern in DATASETS[name].files:             # the very files the loader reads, byte for byte
                for path in hub.local_data_folder(name).glob(pattern):
                    assert (repo / path.name).read_bytes() == path.read_bytes()
            card = DatasetCard.load(repo / "README.md")
            assert card.data.license == "mit" and DATASETS[name].split in card.text
            assert f"[`{PREFIX}vae-{name}`]" in card.text  # the checkpoints trained on it
        assert "POST /api/repos/create" in server.requests
        assert sum(r.startswith(f"POST /api/datasets/{PREFIX}mnist/commit/main") for r in server.requests) == 1

        env = server.env() | {"HF_HUB_CACHE": str(tmp_path / "fresh-cache"), hub.PREFIX_ENV: PREFIX}
        first = _fresh_process(env)
        downloads = [r for r in server.requests if r.startswith(f"GET /datasets/{PREFIX}mnist/resolve/")]
        again = _fresh_process(env)                          # cached: nothing is downloaded a second time
        assert [r for r in server.requests if r.startswith(f"GET /datasets/{PREFIX}mnist/resolve/")] == downloads

    assert len(downloads) == 1 and downloads[0].endswith("/mnist10k.npz")
    assert first["folder"].startswith(str(tmp_path / "fresh-cache")) and again["folder"] == first["folder"]
    assert first["neighbours"] == [[n.index, n.distance] for n in local.neighbours] == again["neighbours"]
    assert first["verdict"] == local.verdict
    size = (hub.local_data_folder("mnist") / "mnist10k.npz").stat().st_size
    assert first["heard"] == [size, size] and again["heard"] is None     # the bar ends full; no bar when cached


def test_a_missing_dataset_repo_is_a_sentence_naming_it(tmp_path, monkeypatch, hub_prefix):
    monkeypatch.delenv(hub.DATA_DIR_ENV, raising=False)
    with HubStandIn({}) as server, server.patch_huggingface_hub(cache_dir=tmp_path / "hf-cache"):
        monkeypatch.setenv(hub.PREFIX_ENV, "nobody/genapp-")
        with pytest.raises(studio.BadRequest, match="could not download the dataset repo nobody/genapp-names"):
            copying.data_folder("names")
    assert any(r.startswith("GET /api/datasets/nobody/genapp-names") for r in server.requests)


def test_a_local_data_dir_wins_over_the_hub(tmp_path, monkeypatch, hub_prefix):
    monkeypatch.setenv(hub.PREFIX_ENV, PREFIX)
    monkeypatch.setenv(hub.DATA_DIR_ENV, str(tmp_path))
    assert hub.data_folder("fsdd") == tmp_path / "fsdd" / "recordings"    # nothing asked of any server


def test_dry_run_lists_each_dataset_repo_with_its_files_and_sizes(capsys, monkeypatch):
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")   # nothing listens there: any request would fail
    assert publish.publish_datasets("owner/genapp-", ["mnist", "fsdd", "names"], dry_run=True) == \
        ["owner/genapp-mnist", "owner/genapp-fsdd", "owner/genapp-names"]
    out = capsys.readouterr().out
    assert "owner/genapp-mnist (dataset): 2 files, 1.6 MB" in out and "mnist10k.npz" in out
    assert "owner/genapp-fsdd (dataset): 3001 files" in out and "(3,000 files)" in out
    assert "names.txt" in out and "README.md (dataset card)" in out
    assert "would upload 3 data sets" in out and "dry run: nothing sent" in out


@pytest.mark.parametrize("argv, message", [
    (["--only", "cifar"], "no data set named cifar"),
    (["--repo-prefix", "../etc"], "not of the form"),
])
def test_bad_dataset_arguments_are_refused_before_anything_is_sent(argv, message):
    with pytest.raises(SystemExit, match=message):
        cli.main(["publish", "--repo-prefix", "owner/genapp-", "--datasets", "--dry-run", *argv])


def test_a_data_set_missing_from_its_folder_is_refused_before_any_upload(tmp_path, monkeypatch):
    monkeypatch.setenv(hub.DATA_DIR_ENV, str(tmp_path))        # an empty folder: no data set in it
    with HubStandIn({}, token=TOKEN) as server, server.patch_huggingface_hub():
        monkeypatch.setenv("HF_TOKEN", TOKEN)
        with pytest.raises(SystemExit, match="MNIST digits: no file mnist10k.npz in"):
            cli.main(["publish", "--repo-prefix", PREFIX, "--datasets"])
    assert server.requests == []


def test_thousands_of_small_files_travel_as_one_tar_and_come_back_byte_for_byte(tmp_path, monkeypatch, hub_prefix):
    local = copying.nearest_training("gan-fsdd", seed=0, label="7", position=1, k=3)
    recordings = sorted(hub.local_data_folder("fsdd").glob("*.wav"))
    with HubStandIn({}, uploads=tmp_path / "uploads", token=TOKEN) as server, \
            server.patch_huggingface_hub(cache_dir=tmp_path / "hf-cache"):
        monkeypatch.setenv("HF_TOKEN", TOKEN)
        publish.publish_datasets(PREFIX, ["fsdd"])
        publish.publish_datasets(PREFIX, ["fsdd"])          # the same tar, byte for byte: nothing is sent again
        assert sum("/commit/" in r and r.startswith("POST") for r in server.requests) == 1
        monkeypatch.setenv(hub.PREFIX_ENV, PREFIX)
        monkeypatch.delenv(hub.DATA_DIR_ENV, raising=False)
        folder = hub.data_folder("fsdd")
        downloaded = copying.nearest_training("gan-fsdd", seed=0, label="7", position=1, k=3)
    gets = [r for r in server.requests if r.startswith("GET") and "/resolve/" in r]
    assert len(gets) == 1 and gets[0].startswith(f"GET /datasets/{PREFIX}fsdd/") and gets[0].endswith("/recordings.tar")
    assert folder.is_relative_to(tmp_path / "hf-cache")
    assert sorted(p.name for p in folder.iterdir()) == [p.name for p in recordings]
    assert all((folder / p.name).read_bytes() == p.read_bytes() for p in recordings[::97])
    assert [(n.index, n.distance) for n in downloaded.neighbours] == [(n.index, n.distance) for n in local.neighbours]


def test_unpacking_writes_only_the_data_sets_own_plain_files(tmp_path):
    archive = tmp_path / "recordings.tar"
    with tarfile.open(archive, "w") as tar:
        for name, data in [("0_a_1.wav", b"ok"), ("../escape.wav", b"no"), ("sub/deep.wav", b"no"), ("note.txt", b"no")]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("link.wav")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(link)
    folder = hub._unpacked(archive, ("*.wav",))
    assert folder == tmp_path / "recordings" and [p.name for p in folder.iterdir()] == ["0_a_1.wav"]
    assert not (tmp_path / "escape.wav").exists() and hub._unpacked(archive, ("*.wav",)) == folder
