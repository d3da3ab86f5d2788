"""A small stand-in for the Hugging Face Hub HTTP API, for tests.

It serves local folders as Hub *model* and *dataset* repos on 127.0.0.1 (random free port), well
enough that the real ``huggingface_hub.snapshot_download`` / ``hf_hub_download`` / ``HfApi.model_info``
(checked against huggingface_hub 2.4.0) download from it, and ``HfApi.create_repo`` / ``upload_folder``
/ ``create_commit`` upload to it (see Uploads below). Standard library only.

A dataset repo is named ``datasets/{repo_id}`` here (in the constructor's ``repos``, in ``uploads``
and in ``requests``), the way the Hub's URLs name it; everything below holds for both kinds, with
``/api/datasets/`` in place of ``/api/models/`` and ``/datasets/{repo_id}/resolve/`` for files.

Endpoints served (``{repo_id}`` may contain a ``/``, e.g. ``someone/genapp-vae-mnist``)::

    GET       /api/models/{repo_id}                              repo info (default branch)
    GET       /api/models/{repo_id}/revision/{revision}          repo info: id, sha, siblings, ...
    GET       /api/models/{repo_id}/tree/{revision}[/{path}]     tree listing (?recursive=true)
    HEAD/GET  /{repo_id}/resolve/{revision}/{filename}           file metadata / content
    POST      /api/repos/create                                  create a model repo (``create_repo``)
    POST      /api/validate-yaml                                 README.md check (``upload_folder``)
    POST      /api/models/{repo_id}/preupload/{revision}         upload mode of each file
    POST      /api/models/{repo_id}/commit/{revision}            NDJSON commit: header + file lines

What huggingface_hub 2.4.0 needs from them (read from its source):

* ``snapshot_download`` calls repo info to turn ``main`` into a commit sha (``sha``), then the tree
  listing of that commit (``recursive=true``), then, per file, ``hf_hub_download`` at the commit
  sha: a ``HEAD`` on ``/resolve/`` for the metadata and a ``GET`` for the bytes.
* The ``HEAD`` answer must carry ``X-Repo-Commit`` (else ``FileMetadataError``) and an ``ETag``
  (or ``X-Linked-Etag``); the size comes from ``X-Linked-Size`` or ``Content-Length``. No Xet
  headers (``X-Xet-Hash``, ...) are sent, so the client uses plain HTTP even though ``hf_xet`` is
  installed, and the tree listing has no ``xetHash`` so no ``HEAD`` call is ever skipped.
* As on the Hub, small files get the git blob sha1 as ``ETag``; "LFS" files (weights suffixes such
  as ``.safetensors``/``.bin``/``.pt``, or >= 10 MiB) get ``X-Linked-Etag`` = sha256 and
  ``X-Linked-Size``, and carry ``lfs`` metadata in the tree listing. Files are always served
  directly (HTTP 200, no redirect to a CDN).
* Errors carry ``X-Error-Code`` like the Hub, which ``hf_raise_for_status`` maps to exceptions:
  unknown repo -> 404 ``RepoNotFound`` (``RepositoryNotFoundError``), unknown revision -> 404
  ``RevisionNotFound`` (``RevisionNotFoundError``), missing file -> 404 ``EntryNotFound``
  (``RemoteEntryNotFoundError``, with ``X-Repo-Commit`` so the client caches the miss).

Uploads (``HfApi.create_repo`` + ``upload_folder``, checked against huggingface_hub 2.4.0). A
repo created through the API is a new folder under ``uploads`` (``<uploads>/<owner>/<name>``),
served afterwards like any other; folders passed to the constructor stay read-only (a commit to
one is refused with 403), so a test never writes into a source tree. ``preupload`` answers
``uploadMode: "regular"`` for every file (with the git blob sha1 of the stored copy as ``oid``,
so an unchanged file is skipped client-side, as on the Hub): the client then sends each file
base64-encoded inside the NDJSON commit instead of going through LFS/Xet storage, which the
stand-in does not speak (an ``lfsFile`` line is refused with 400). Regular uploads suit small
files (the real Hub keeps them to a few MB; genapp's largest file is 8.7 MB, fine here). With ``token=...`` every
write needs ``Authorization: Bearer <token>`` (else 401), as the Hub needs a write token.

Accepted revisions: ``main`` and the repo's commit sha, a fixed 40-hex sha1 derived from the
folder's file paths and contents (it changes when the folder changes).

Making the client use it
------------------------
``HF_ENDPOINT`` is read *once*, when ``huggingface_hub.constants`` is imported, into
``constants.ENDPOINT`` and ``constants.HUGGINGFACE_CO_URL_TEMPLATE``; setting the environment
variable afterwards has no effect in that process. Three ways work:

1. ``with hub.patch_huggingface_hub(): ...`` (in-process, recommended): patches those two
   constants (both are read at call time by ``HfApi()`` and ``hf_hub_url``) and the endpoint of the
   module-level ``huggingface_hub.hf_api.api`` singleton (behind ``huggingface_hub.model_info``,
   ``repo_info``, ``resolve_revision``, ... which diffusers uses: it was fixed at import), forces online mode,
   disables telemetry (otherwise the client may fetch ``/api/agent-harnesses``) and the implicit
   token (so no real credential is sent), sets the matching environment variables for
   subprocesses, and restores everything on exit.
2. Pass ``endpoint=hub.url`` to ``snapshot_download`` / ``hf_hub_download`` / ``HfApi``.
3. Start a subprocess with ``HF_ENDPOINT=hub.url`` in its environment (see ``hub.env()``).

Example::

    with HubStandIn({"someone/genapp-vae-mnist": folder}) as hub, hub.patch_huggingface_hub():
        path = snapshot_download(repo_id="someone/genapp-vae-mnist", cache_dir=tmp_path / "hf-cache")
    assert any(r.startswith("GET /api/models/someone/genapp-vae-mnist/") for r in hub.requests)
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import http.server
import json
import os
import pathlib
import shutil
import sys
import tempfile
import threading
from typing import Iterator
from urllib.parse import parse_qs, quote, unquote, urlsplit

__all__ = ["HubStandIn"]

# Suffixes that the Hub's default .gitattributes stores with LFS.
_LFS_SUFFIXES = (
    ".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".h5", ".msgpack", ".onnx", ".npy", ".npz",
    ".pkl", ".pickle", ".joblib", ".model", ".ot", ".tflite", ".arrow", ".parquet", ".zip",
    ".gz", ".tar", ".7z", ".bz2", ".xz", ".zst", ".tgz", ".wasm", ".gguf",
)
_LFS_MIN_SIZE = 10 * 1024 * 1024
_SKIPPED_DIRS = {".git"}
_LAST_MODIFIED = "2024-01-01T00:00:00.000Z"


def _git_blob_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _safe_segment(part: str) -> bool:
    """One piece of a repo id or repo path that cannot escape its folder."""
    return isinstance(part, str) and part not in ("", ".", "..", ".git") and not set(part) & set("/\\\0")


class _File:
    __slots__ = ("path", "disk_path", "size", "blob_id", "lfs_sha256", "lfs_pointer_size")

    def __init__(self, path: str, disk_path: pathlib.Path):
        data = disk_path.read_bytes()
        self.path = path
        self.disk_path = disk_path
        self.size = len(data)
        self.lfs_sha256: str | None = None
        self.lfs_pointer_size: int | None = None
        if path.lower().endswith(_LFS_SUFFIXES) or self.size >= _LFS_MIN_SIZE:
            self.lfs_sha256 = hashlib.sha256(data).hexdigest()
            pointer = (
                f"version https://git-lfs.github.com/spec/v1\noid sha256:{self.lfs_sha256}\nsize {self.size}\n"
            ).encode()
            self.lfs_pointer_size = len(pointer)
            self.blob_id = _git_blob_sha1(pointer)  # git stores the pointer file
        else:
            self.blob_id = _git_blob_sha1(data)

    @property
    def etag(self) -> str:
        return self.lfs_sha256 or self.blob_id


class _Snapshot:
    """Files of one repo folder, read at one point in time, with the derived commit sha."""

    def __init__(self, folder: pathlib.Path):
        files: dict[str, _File] = {}
        for root, dirs, names in os.walk(folder, followlinks=True):
            rel_root = pathlib.Path(root).relative_to(folder)
            dirs[:] = sorted(
                d
                for d in dirs
                if d not in _SKIPPED_DIRS and (rel_root.parts, d) != ((), ".cache")  # local_dir metadata
            )
            for name in sorted(names):
                disk_path = pathlib.Path(root) / name
                if not disk_path.is_file():
                    continue
                path = (rel_root / name).as_posix()
                files[path] = _File(path, disk_path)
        self.files = dict(sorted(files.items()))
        digest = hashlib.sha1()
        for path, f in self.files.items():
            digest.update(f"{path}\0{f.blob_id}\0{f.size}\n".encode())
        self.sha = digest.hexdigest()

    def folders(self) -> list[str]:
        out: set[str] = set()
        for path in self.files:
            parts = path.split("/")[:-1]
            for i in range(1, len(parts) + 1):
                out.add("/".join(parts[:i]))
        return sorted(out)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    standin: "HubStandIn"


class _Handler(http.server.BaseHTTPRequestHandler):
    # HTTP/1.0: one request per connection, so no keep-alive connection outlives the server.
    protocol_version = "HTTP/1.0"
    server: _Server
    server_version = "HubStandIn/1.0"

    def log_message(self, format: str, *args) -> None:  # silence stderr logging
        pass

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    def do_POST(self) -> None:
        self._dispatch("POST")

    # --- helpers -----------------------------------------------------------------------------

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None,
              content_type: str = "application/json; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)

    def _json(self, status: int, payload, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(payload).encode(), headers)

    def _error(self, status: int, code: str | None, message: str, headers: dict[str, str] | None = None) -> None:
        hdrs = dict(headers or {})
        if code is not None:
            hdrs["X-Error-Code"] = code
        hdrs["X-Error-Message"] = message
        self._json(status, {"error": message}, hdrs)

    def _repo_not_found(self) -> None:
        self._error(404, "RepoNotFound", "Repository not found")

    # --- routing -----------------------------------------------------------------------------

    def _dispatch(self, method: str) -> None:
        standin = self.server.standin
        standin._record(f"{method} {self.path}")
        try:
            split = urlsplit(self.path)
            path = split.path
            query = parse_qs(split.query)
            if path.startswith("/api/models/") and method in ("GET", "HEAD"):
                self._api_models(path[len("/api/models/"):], query)
            elif path.startswith("/api/datasets/") and method in ("GET", "HEAD"):
                self._api_models("datasets/" + path[len("/api/datasets/"):], query)
            elif "/resolve/" in path and method in ("GET", "HEAD"):
                self._resolve(path)
            elif method == "POST" and path == "/api/repos/create":
                self._create_repo()
            elif method == "POST" and path == "/api/validate-yaml":
                self._json(200, {"errors": [], "warnings": []})
            elif method == "POST" and path.startswith("/api/models/"):
                self._write(path[len("/api/models/"):])
            elif method == "POST" and path.startswith("/api/datasets/"):
                self._write("datasets/" + path[len("/api/datasets/"):])
            else:
                self._error(404, None, "Not Found")
        except (BrokenPipeError, ConnectionResetError):
            pass
        except Exception as exc:  # pragma: no cover - surfaced to the client as a 500
            try:
                self._error(500, None, f"HubStandIn error: {type(exc).__name__}: {exc}")
            except Exception:
                pass

    def _find_repo(self, rest: str) -> tuple[str, str] | None:
        """Match the longest known repo_id prefixing the raw URL piece `rest`; returns (repo_id, raw remainder)."""
        for repo_id in sorted(list(self.server.standin._repos), key=len, reverse=True):
            if unquote(rest) == repo_id:
                return repo_id, ""
            if rest.startswith(repo_id + "/"):
                return repo_id, rest[len(repo_id) + 1:]
        return None

    def _resolve_revision(self, repo_id: str, snapshot: _Snapshot, revision: str) -> bool:
        if revision in ("main", snapshot.sha):
            return True
        self._error(404, "RevisionNotFound", f"Invalid rev id: {revision}")
        return False

    def _api_models(self, rest: str, query: dict[str, list[str]]) -> None:
        found = self._find_repo(rest)
        if found is None:
            return self._repo_not_found()
        repo_id, remainder = found
        snapshot = self.server.standin._snapshot(repo_id)
        if remainder == "":
            return self._model_info(repo_id, snapshot, query)
        kind, _, tail = remainder.partition("/")
        if kind == "revision" and tail:
            if self._resolve_revision(repo_id, snapshot, unquote(tail)):
                self._model_info(repo_id, snapshot, query)
            return
        if kind == "tree" and tail:
            revision, _, sub = tail.partition("/")
            if self._resolve_revision(repo_id, snapshot, unquote(revision)):
                self._tree(snapshot, unquote(sub).strip("/"), query)
            return
        self._error(404, None, "Not Found")

    def _model_info(self, repo_id: str, snapshot: _Snapshot, query: dict[str, list[str]]) -> None:
        with_blobs = query.get("blobs", ["false"])[-1].lower() in ("1", "true")
        siblings = []
        for f in snapshot.files.values():
            sibling: dict = {"rfilename": f.path}
            if with_blobs:
                sibling["size"] = f.size
                sibling["blobId"] = f.blob_id
                if f.lfs_sha256 is not None:
                    sibling["lfs"] = {"size": f.size, "sha256": f.lfs_sha256, "pointerSize": f.lfs_pointer_size}
            siblings.append(sibling)
        repo_id = repo_id.removeprefix("datasets/")
        author = repo_id.split("/")[0] if "/" in repo_id else None
        self._json(
            200,
            {
                "_id": snapshot.sha[:24],
                "id": repo_id,
                "modelId": repo_id,
                "author": author,
                "sha": snapshot.sha,
                "lastModified": _LAST_MODIFIED,
                "createdAt": _LAST_MODIFIED,
                "private": False,
                "disabled": False,
                "gated": False,
                "downloads": 0,
                "likes": 0,
                "tags": [],
                "siblings": siblings,
                "spaces": [],
                "usedStorage": sum(f.size for f in snapshot.files.values()),
            },
        )

    def _tree(self, snapshot: _Snapshot, sub: str, query: dict[str, list[str]]) -> None:
        recursive = query.get("recursive", ["false"])[-1].lower() in ("1", "true")
        prefix = sub + "/" if sub else ""
        folders = snapshot.folders()
        if sub and sub not in folders:
            return self._error(404, "EntryNotFound", f"{sub} does not exist on \"main\"",
                               {"X-Repo-Commit": snapshot.sha})

        def wanted(path: str) -> bool:
            if not path.startswith(prefix):
                return False
            return recursive or "/" not in path[len(prefix):]

        entries: list[dict] = []
        for folder in folders:
            if wanted(folder):
                entries.append({"type": "directory", "oid": hashlib.sha1(folder.encode()).hexdigest(),
                                "size": 0, "path": folder})
        for f in snapshot.files.values():
            if wanted(f.path):
                entry: dict = {"type": "file", "oid": f.blob_id, "size": f.size, "path": f.path}
                if f.lfs_sha256 is not None:
                    entry["lfs"] = {"oid": f.lfs_sha256, "size": f.size, "pointerSize": f.lfs_pointer_size}
                entries.append(entry)
        self._json(200, entries)

    # --- uploads -------------------------------------------------------------------------------

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _authorized(self) -> bool:
        token = self.server.standin.token
        if token is None or self.headers.get("Authorization") == f"Bearer {token}":
            return True
        self._error(401, None, "Invalid credentials in Authorization header")
        return False

    def _create_repo(self) -> None:
        payload = json.loads(self._body() or b"{}")
        if not self._authorized():
            return
        kind = payload.get("type", "model")
        if kind not in ("model", "dataset"):
            return self._error(400, None, "HubStandIn serves model and dataset repos only")
        name, owner = payload.get("name"), payload.get("organization")
        if not owner or not name or not all(_safe_segment(x) for x in (owner, name)):
            return self._error(400, None, f"Invalid repo name: {owner}/{name}")
        repo_id = f"{owner}/{name}"
        key = repo_id if kind == "model" else f"datasets/{repo_id}"
        url = f"{self.server.standin.url}/{key}"
        if not self.server.standin._create(key):
            return self._json(409, {"error": f"You already created this {kind} repo", "url": url},
                              {"X-Error-Message": f"You already created this {kind} repo"})
        self._json(200, {"url": url, "name": repo_id, "id": repo_id})

    def _write(self, rest: str) -> None:
        """preupload / commit of a repo created through the API."""
        body = self._body()
        found = self._find_repo(rest)
        if found is None:
            return self._repo_not_found()
        if not self._authorized():
            return
        repo_id, remainder = found
        kind, _, revision = remainder.partition("/")
        if kind not in ("preupload", "commit") or not revision:
            return self._error(404, None, "Not Found")
        standin = self.server.standin
        if repo_id not in standin._writable:
            return self._error(403, None, f"{repo_id} is read-only in HubStandIn (not created through the API)")
        with standin._write_lock:
            snapshot = standin._snapshot(repo_id)
            if not self._resolve_revision(repo_id, snapshot, unquote(revision)):
                return
            if kind == "preupload":
                return self._preupload(snapshot, json.loads(body))
            self._commit(repo_id, snapshot, body)

    def _preupload(self, snapshot: _Snapshot, payload: dict) -> None:
        files = []
        for item in payload.get("files", []):
            stored = snapshot.files.get(item.get("path"))
            oid = _git_blob_sha1(stored.disk_path.read_bytes()) if stored is not None else None
            files.append({"path": item["path"], "uploadMode": "regular", "shouldIgnore": False, "oid": oid})
        self._json(200, {"files": files, "commitOid": snapshot.sha})

    def _commit(self, repo_id: str, snapshot: _Snapshot, body: bytes) -> None:
        lines = [json.loads(line) for line in body.splitlines() if line.strip()]
        if not lines or lines[0].get("key") != "header":
            return self._error(400, None, "a commit starts with a header line")
        parent = lines[0].get("value", {}).get("parentCommit")
        if parent is not None and parent != snapshot.sha:
            return self._error(412, None, f"parentCommit {parent} is not the head of main")
        writes: dict[str, bytes] = {}
        deletes: list[str] = []
        for item in lines[1:]:
            key, value = item.get("key"), item.get("value") or {}
            path = value.get("path", "")
            if not all(_safe_segment(part) for part in path.split("/")):
                return self._error(400, None, f"Invalid path in repo: {path!r}")
            if key == "file" and value.get("encoding") == "base64":
                writes[path] = base64.b64decode(value.get("content", ""), validate=True)
            elif key in ("deletedFile", "deletedFolder"):
                deletes.append(path)
            else:  # lfsFile: the stand-in asked for regular uploads only
                return self._error(400, None, f"HubStandIn accepts base64 file lines only, not {key!r}")
        folder = self.server.standin._repos[repo_id]
        for path in deletes:
            target = folder / path
            shutil.rmtree(target) if target.is_dir() else target.unlink(missing_ok=True)
        for path, data in writes.items():
            target = folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, partial = tempfile.mkstemp(dir=self.server.standin.uploads)  # outside every repo folder
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(partial, target)  # a download never sees half a file
        sha = self.server.standin._snapshot(repo_id).sha
        self._json(200, {"success": True, "commitOid": sha,
                         "commitUrl": f"{self.server.standin.url}/{repo_id}/commit/{sha}", "hookOutput": ""})

    def _resolve(self, path: str) -> None:
        repo_part, _, rest = path.lstrip("/").partition("/resolve/")
        for prefix in ("spaces/", "kernels/"):
            if repo_part.startswith(prefix):  # only model and dataset repos are served
                return self._repo_not_found()
        found = self._find_repo(repo_part)
        if found is None or found[1] != "":
            return self._repo_not_found()
        repo_id = found[0]
        revision, _, filename = rest.partition("/")
        revision, filename = unquote(revision), unquote(filename)
        snapshot = self.server.standin._snapshot(repo_id)
        if not self._resolve_revision(repo_id, snapshot, revision):
            return
        f = snapshot.files.get(filename)
        if f is None:
            return self._error(404, "EntryNotFound", "Entry not found", {"X-Repo-Commit": snapshot.sha})

        headers = {
            "X-Repo-Commit": snapshot.sha,
            "ETag": f'"{f.blob_id}"',
            "Accept-Ranges": "bytes",
            "Content-Disposition": f"inline; filename*=UTF-8''{quote(f.path.rsplit('/', 1)[-1])}",
            "Cache-Control": "no-cache",
        }
        if f.lfs_sha256 is not None:
            headers["X-Linked-Etag"] = f'"{f.lfs_sha256}"'
            headers["X-Linked-Size"] = str(f.size)
        data = f.disk_path.read_bytes()
        status = 200
        range_header = self.headers.get("Range")
        if range_header and range_header.startswith("bytes="):
            start_s, _, end_s = range_header[len("bytes="):].split(",")[0].partition("-")
            try:
                if start_s:
                    start, end = int(start_s), (int(end_s) if end_s else len(data) - 1)
                else:  # suffix range: last N bytes
                    start, end = max(len(data) - int(end_s), 0), len(data) - 1
            except ValueError:
                start, end = 0, len(data) - 1
            end = min(end, len(data) - 1)
            if start >= len(data) or start > end:
                return self._send(416, b"", {"Content-Range": f"bytes */{len(data)}", **headers})
            headers["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
            data, status = data[start:end + 1], 206
        self._send(status, data, headers, content_type="application/octet-stream")


class HubStandIn:
    """Serves local folders as Hub model and dataset repos on 127.0.0.1 (a random free port).

    ``repos`` maps a repo id (``"someone/genapp-vae-mnist"``, or ``"datasets/someone/genapp-mnist"``
    for a dataset repo) to a local folder (read-only). Files
    are read on each request, so the folder may be filled after the server started. Repos created
    through the API live in ``uploads/<owner>/<name>`` (default: a temporary folder removed by
    ``stop()``); ``token``, if given, is the write token uploads must present.

    Attributes:
        url: ``"http://127.0.0.1:PORT"`` (available after ``__enter__``).
        requests: ``"METHOD path"`` (path as sent, query string included) of every request served.
    """

    def __init__(self, repos: dict[str, pathlib.Path], uploads: str | os.PathLike | None = None,
                 token: str | None = None):
        self._repos = {str(repo_id): pathlib.Path(folder) for repo_id, folder in repos.items()}
        self.uploads = pathlib.Path(uploads) if uploads is not None else None
        self.token = token
        self._writable: set[str] = set()
        self._temporary: tempfile.TemporaryDirectory | None = None
        self._write_lock = threading.Lock()
        self.requests: list[str] = []
        self.url: str = ""
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[tuple, _Snapshot]] = {}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- server lifecycle --------------------------------------------------------------------

    def __enter__(self) -> "HubStandIn":
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def start(self) -> None:
        if self._server is not None:
            return
        server = _Server(("127.0.0.1", 0), _Handler)
        server.standin = self
        self._server = server
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="HubStandIn", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None
        if self._temporary is not None:
            self._temporary.cleanup()
            self._temporary = None

    # --- pointing huggingface_hub at it ------------------------------------------------------

    def env(self) -> dict[str, str]:
        """Environment variables that make a *fresh* process (subprocess) use this stand-in."""
        no_proxy = ",".join(filter(None, [os.environ.get("NO_PROXY") or os.environ.get("no_proxy"),
                                          "127.0.0.1", "localhost"]))
        return {
            "HF_ENDPOINT": self.url,
            "HF_HUB_OFFLINE": "0",
            "TRANSFORMERS_OFFLINE": "0",
            "HF_HUB_DISABLE_TELEMETRY": "1",
            "DISABLE_TELEMETRY": "1",
            "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1",
            "HF_HUB_DISABLE_UPDATE_CHECK": "1",
            "NO_PROXY": no_proxy,
            "no_proxy": no_proxy,
        }

    @contextlib.contextmanager
    def patch_huggingface_hub(self, cache_dir: str | os.PathLike | None = None) -> Iterator["HubStandIn"]:
        """Point the already-imported (or to-be-imported) huggingface_hub at this stand-in, in-process.

        Sets the variables of ``env()`` in ``os.environ`` and patches the values
        ``huggingface_hub.constants`` froze at import time: ``ENDPOINT``,
        ``HUGGINGFACE_CO_URL_TEMPLATE``, ``HF_HUB_OFFLINE`` (False), ``HF_HUB_DISABLE_TELEMETRY``
        (True), ``HF_HUB_DISABLE_IMPLICIT_TOKEN`` (True) and, if ``cache_dir`` is given,
        ``HF_HUB_CACHE`` (+ env ``HF_HUB_CACHE``); plus ``huggingface_hub.hf_api.api.endpoint``
        (the ``HfApi()`` singleton behind ``huggingface_hub.model_info``/``repo_info``/
        ``resolve_revision``/..., which diffusers' ``from_pretrained(repo_id)`` uses). The shared HTTP
        client is closed on entry and exit so it is rebuilt with the current proxy settings.
        Everything is restored on exit.

        Not patched: copies other libraries took at import time with ``from huggingface_hub.constants
        import X`` (e.g. ``diffusers.loaders.lora_base.HF_HUB_OFFLINE``,
        ``diffusers.utils.hub_utils.HF_HUB_OFFLINE``: only affect LoRA loading without
        ``weight_name`` and the user-agent string), nor ``HfApi`` objects created before entering.
        """
        if not self.url:
            raise RuntimeError("HubStandIn is not started; use it as a context manager first")
        import huggingface_hub.constants as constants  # imported here: the module itself is stdlib-only
        import huggingface_hub.hf_api as hf_api
        from huggingface_hub.utils import _http

        new_env = self.env()
        if cache_dir is not None:
            new_env["HF_HUB_CACHE"] = str(cache_dir)
        new_consts = {
            "ENDPOINT": self.url,
            "HUGGINGFACE_CO_URL_TEMPLATE": self.url + "/{repo_id}/resolve/{revision}/{filename}",
            "HF_HUB_OFFLINE": False,
            "HF_HUB_DISABLE_TELEMETRY": True,
            "HF_HUB_DISABLE_IMPLICIT_TOKEN": True,
        }
        if cache_dir is not None:
            new_consts["HF_HUB_CACHE"] = str(cache_dir)

        _missing = object()
        old_env = {k: os.environ.get(k) for k in new_env}
        old_consts = {k: getattr(constants, k, _missing) for k in new_consts}
        # `huggingface_hub.model_info`, `repo_info`, `resolve_revision`, `list_repo_tree`, ... are bound
        # methods of the module-level `hf_api.api = HfApi()`, whose endpoint was fixed at import time.
        old_api_endpoint = hf_api.api.endpoint
        try:
            os.environ.update(new_env)
            for key, value in new_consts.items():
                setattr(constants, key, value)
            hf_api.api.endpoint = self.url
            _http.close_session()
            yield self
        finally:
            hf_api.api.endpoint = old_api_endpoint
            for key, value in old_consts.items():
                if value is _missing:
                    delattr(constants, key)
                else:
                    setattr(constants, key, value)
            for key, value in old_env.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
            _http.close_session()

    # --- internals ---------------------------------------------------------------------------

    def _create(self, repo_id: str) -> bool:
        """Register a new, empty, writable repo; False if the id is taken."""
        with self._lock:
            if repo_id in self._repos:
                return False
            if self.uploads is None:
                self._temporary = tempfile.TemporaryDirectory(prefix="hub-standin-")
                self.uploads = pathlib.Path(self._temporary.name)
            folder = self.uploads / repo_id
            folder.mkdir(parents=True, exist_ok=True)
            self._repos[repo_id] = folder
            self._writable.add(repo_id)
            return True

    def _record(self, line: str) -> None:
        with self._lock:
            self.requests.append(line)

    def _snapshot(self, repo_id: str) -> _Snapshot:
        folder = self._repos[repo_id]
        stamp = tuple(
            (str(p), st.st_size, st.st_mtime_ns)
            for p in sorted(folder.rglob("*"))
            if p.is_file() and (st := p.stat())
        )
        with self._lock:
            cached = self._cache.get(repo_id)
            if cached is not None and cached[0] == stamp:
                return cached[1]
        snapshot = _Snapshot(folder)
        with self._lock:
            self._cache[repo_id] = (stamp, snapshot)
        return snapshot


if __name__ == "__main__":  # manual use: python hub_standin.py REPO_ID=FOLDER ...
    pairs = dict(arg.split("=", 1) for arg in sys.argv[1:])
    with HubStandIn({k: pathlib.Path(v) for k, v in pairs.items()}) as _hub:
        print(f"HF_ENDPOINT={_hub.url}", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
