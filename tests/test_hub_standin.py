"""The Hub stand-in (tests/hub_standin.py) works with the real huggingface_hub client, offline."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from hub_standin import HubStandIn  # noqa: E402

import huggingface_hub  # noqa: E402
import huggingface_hub.constants as hf_constants  # noqa: E402
import torch  # noqa: E402
from diffusers import ConfigMixin, ModelMixin  # noqa: E402
from diffusers.configuration_utils import register_to_config  # noqa: E402
from huggingface_hub.errors import RepositoryNotFoundError  # noqa: E402

REPO_ID = "someone/genapp-vae-mnist"


class ToyNet(ModelMixin, ConfigMixin):
    @register_to_config
    def __init__(self, width: int = 4, depth: int = 2):
        super().__init__()
        self.layers = torch.nn.ModuleList(torch.nn.Linear(width, width) for _ in range(depth))

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


_LOCAL_HOSTS = {"127.0.0.1", "::1", "localhost"}


@pytest.fixture(autouse=True)
def no_real_network(monkeypatch):
    """Online mode, no telemetry, and any connection/DNS lookup off 127.0.0.1 fails the test."""
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_ENDPOINT", "HF_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    monkeypatch.setenv("HF_HUB_DISABLE_IMPLICIT_TOKEN", "1")
    monkeypatch.setenv("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    # the env vars above were frozen into huggingface_hub.constants at import: patch the copies too
    monkeypatch.setattr(hf_constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(hf_constants, "HF_HUB_DISABLE_TELEMETRY", True)
    monkeypatch.setattr(hf_constants, "HF_HUB_DISABLE_IMPLICIT_TOKEN", True)

    real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def guarded_connect(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in _LOCAL_HOSTS:
            raise AssertionError(f"test tried to reach the real network: {address!r}")
        return real_connect(sock, address)

    def guarded_getaddrinfo(host, *args, **kwargs):
        if host not in _LOCAL_HOSTS and host is not None:
            raise AssertionError(f"test tried to resolve a real host name: {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)


def _make_repo(folder: Path) -> None:
    torch.manual_seed(0)
    ToyNet(width=4, depth=2).save_pretrained(folder)
    ToyNet(width=3, depth=1).save_pretrained(folder / "discriminator")
    (folder / "README.md").write_text("---\nlibrary_name: diffusers\n---\n# toy model\n")
    (folder / "notes").mkdir()
    (folder / "notes" / "deep.txt").write_bytes(b"\x00binary\xffbytes\n" * 3)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_snapshot_download_through_standin(tmp_path):
    repo = tmp_path / "repo"
    _make_repo(repo)
    cache = tmp_path / "hf-cache"
    expected = _files(repo)
    assert {"config.json", "README.md", "discriminator/config.json", "notes/deep.txt"} <= set(expected)

    with HubStandIn({REPO_ID: repo}) as hub, hub.patch_huggingface_hub():
        assert hub.url.startswith("http://127.0.0.1:")
        assert os.environ["HF_ENDPOINT"] == hub.url and hf_constants.ENDPOINT == hub.url
        assert hf_constants.HF_HUB_OFFLINE is False
        local = Path(huggingface_hub.snapshot_download(repo_id=REPO_ID, cache_dir=cache))

        # second call: answered from the cache, but still asks the stand-in for the current commit
        n_before = len(hub.requests)
        assert Path(huggingface_hub.snapshot_download(repo_id=REPO_ID, cache_dir=cache)) == local
        assert len(hub.requests) > n_before

    assert local.is_relative_to(cache)
    assert _files(local) == expected  # byte-identical, subfolders included, nothing extra

    sha = local.name
    assert len(sha) == 40 and all(c in "0123456789abcdef" for c in sha)
    assert (cache / "models--someone--genapp-vae-mnist" / "refs" / "main").read_text() == sha

    # what the client asked for (paths as sent, query strings included)
    reqs = hub.requests
    assert f"GET /api/models/{REPO_ID}/revision/main" in reqs
    assert any(r.startswith(f"GET /api/models/{REPO_ID}/tree/{sha}?") and "recursive=true" in r for r in reqs)
    for name in expected:
        assert f"HEAD /{REPO_ID}/resolve/{sha}/{name}" in reqs
        assert f"GET /{REPO_ID}/resolve/{sha}/{name}" in reqs

    # the weights file got LFS treatment: its cache blob is named after its sha256, as on the Hub
    import hashlib

    weights = next(n for n in expected if n.endswith(".safetensors") and "/" not in n)
    blob = (local / weights).resolve()
    assert blob.name == hashlib.sha256(expected[weights]).hexdigest()

    # NB: load subfolders by path; diffusers' `from_pretrained(local_dir, subfolder=...)` picks a
    # root-level weights file first when both exist (diffusers quirk, unrelated to the stand-in).
    for sub in ("", "discriminator"):
        _assert_same_weights(ToyNet.from_pretrained(repo / sub), ToyNet.from_pretrained(local / sub))

    # everything was restored
    assert "HF_ENDPOINT" not in os.environ
    assert hf_constants.ENDPOINT != hub.url
    assert huggingface_hub.hf_api.api.endpoint != hub.url


def _assert_same_weights(m1, m2):
    a, b = m1.state_dict(), m2.state_dict()
    assert a.keys() == b.keys() and len(a) > 0
    for key in a:
        assert torch.equal(a[key], b[key]), key


def test_diffusers_from_pretrained_repo_id_through_standin(tmp_path):
    """diffusers' own Hub path (hf_hub_download per file, subfolder=) also works against the stand-in."""
    repo = tmp_path / "repo"
    _make_repo(repo)
    with HubStandIn({REPO_ID: repo}) as hub, hub.patch_huggingface_hub():
        root = ToyNet.from_pretrained(REPO_ID, cache_dir=tmp_path / "c")
        disc = ToyNet.from_pretrained(REPO_ID, subfolder="discriminator", cache_dir=tmp_path / "c")
    assert any("/resolve/" in r for r in hub.requests)
    _assert_same_weights(root, ToyNet.from_pretrained(repo))
    _assert_same_weights(disc, ToyNet.from_pretrained(repo / "discriminator"))
    assert disc.config.width == 3


def test_unknown_repo_raises_repository_not_found(tmp_path):
    repo = tmp_path / "repo"
    _make_repo(repo)
    with HubStandIn({REPO_ID: repo}) as hub, hub.patch_huggingface_hub():
        with pytest.raises(RepositoryNotFoundError):
            huggingface_hub.snapshot_download(repo_id="someone/does-not-exist", cache_dir=tmp_path / "c")
        with pytest.raises(RepositoryNotFoundError):
            huggingface_hub.hf_hub_download("nobody/nothing", "config.json", cache_dir=tmp_path / "c")
        # known repo, missing file / revision: the Hub's other 404 flavours
        with pytest.raises(huggingface_hub.errors.EntryNotFoundError):
            huggingface_hub.hf_hub_download(REPO_ID, "missing.bin", cache_dir=tmp_path / "c")
        with pytest.raises(huggingface_hub.errors.RevisionNotFoundError):
            huggingface_hub.snapshot_download(repo_id=REPO_ID, revision="no-such-branch", cache_dir=tmp_path / "c")
    assert "GET /api/models/someone/does-not-exist/revision/main" in hub.requests
    assert not (tmp_path / "c" / "models--someone--does-not-exist" / "snapshots").exists()


def test_endpoint_argument_without_patching(tmp_path):
    repo = tmp_path / "repo"
    _make_repo(repo)
    with HubStandIn({REPO_ID: repo}) as hub:
        info = huggingface_hub.HfApi(endpoint=hub.url).model_info(REPO_ID, token=False)
        assert info.id == REPO_ID and len(info.sha) == 40
        assert {s.rfilename for s in info.siblings} == set(_files(repo))
        local = huggingface_hub.hf_hub_download(
            REPO_ID, "discriminator/config.json", cache_dir=tmp_path / "c", endpoint=hub.url, token=False
        )
    assert Path(local).read_bytes() == (repo / "discriminator" / "config.json").read_bytes()


def test_hf_endpoint_env_in_subprocess(tmp_path):
    """HF_ENDPOINT works as-is when set before huggingface_hub is imported (here: in a child process)."""
    repo = tmp_path / "repo"
    (repo / "sub").mkdir(parents=True)
    (repo / "config.json").write_text(json.dumps({"a": 1}))
    (repo / "sub" / "x.txt").write_text("hello")
    code = (
        "import sys, huggingface_hub as h;"
        "print(h.snapshot_download(repo_id=sys.argv[1], cache_dir=sys.argv[2]))"
    )
    with HubStandIn({REPO_ID: repo}) as hub:
        env = {**os.environ, **hub.env()}
        out = subprocess.run(
            [sys.executable, "-c", code, REPO_ID, str(tmp_path / "c")],
            env=env, capture_output=True, text=True, timeout=60,
        )
    assert out.returncode == 0, out.stderr
    local = Path(out.stdout.strip().splitlines()[-1])
    assert _files(local) == _files(repo)
    assert any(r.startswith("GET /api/models/") for r in hub.requests)


def test_uploads_create_new_repos_and_leave_served_folders_alone(tmp_path):
    """create_repo + upload_folder write into uploads/<owner>/<name>; a folder passed in stays read-only."""
    import urllib.error
    import urllib.request

    from huggingface_hub.errors import HfHubHTTPError

    repo = tmp_path / "repo"
    _make_repo(repo)
    before = _files(repo)
    with HubStandIn({REPO_ID: repo}, uploads=tmp_path / "up") as hub, hub.patch_huggingface_hub():
        api = huggingface_hub.HfApi()
        url = api.create_repo("someone/new", token="hf_x")
        assert url == f"{hub.url}/someone/new"
        assert api.create_repo("someone/new", exist_ok=True, token="hf_x") == url   # 409 + url, as on the Hub
        commit = api.upload_folder(repo_id="someone/new", folder_path=repo, token="hf_x")
        assert _files(tmp_path / "up" / "someone" / "new") == before
        assert commit.oid == api.model_info("someone/new").sha

        with pytest.raises(HfHubHTTPError, match="403"):
            api.upload_file(path_or_fileobj=b"x", path_in_repo="x.txt", repo_id=REPO_ID, token="hf_x")
        escape = (b'{"key": "header", "value": {"summary": "s"}}\n'
                  b'{"key": "file", "value": {"path": "../evil", "content": "eA==", "encoding": "base64"}}\n')
        request = urllib.request.Request(f"{hub.url}/api/models/someone/new/commit/main", data=escape, method="POST")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request)
        assert refused.value.code == 400
    assert _files(repo) == before and not (tmp_path / "up" / "someone" / "evil").exists()
