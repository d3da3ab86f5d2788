"""Publish the bundled checkpoints (one model repo per folder) and the data sets they learned from
(one dataset repo each) to the Hugging Face Hub.

`python -m genapp publish --repo-prefix owner/genapp-` uploads `checkpoints/<name>` to the model repo
`owner/genapp-<name>` (created if missing) with huggingface_hub's `create_repo` and `create_commit`;
with `--datasets` it uploads each data set's files, exactly those its loader reads from the local
folder, to the dataset repo `owner/genapp-<data set>` with a dataset card (`card.dataset_card`); a data
set of thousands of small files (FSDD) goes as one tar of them (`Dataset.archive`), unpacked on download.
`GENAPP_HUB_REPO_PREFIX=owner/genapp-` then makes the app load both from there (genapp/hub.py).
HF_ENDPOINT picks the server and HF_TOKEN (or `hf auth login`) the account; `--dry-run` lists what
would be sent, files and sizes, and touches no network.
"""
import io
import os
import reprlib
import tarfile
import time
from pathlib import Path

from huggingface_hub import CommitOperationAdd, HfApi
from huggingface_hub.utils import DEFAULT_IGNORE_PATTERNS, filter_repo_objects

from . import hub
from .card import dataset_card
from .data import DATASETS

GROUPED = 20        # a pattern matching more files than this is listed as one row (FSDD: 3,000 WAVs)


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.1f} kB"


def files(folder: Path) -> list[tuple[str, int]]:
    """(path in the repo, bytes) of each file `upload_folder` sends from `folder`, with its default ignores."""
    paths = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    kept = filter_repo_objects(paths, ignore_patterns=DEFAULT_IGNORE_PATTERNS)
    return [(p, (folder / p).stat().st_size) for p in kept]


def dataset_files(dataset: str, folder: Path) -> list[list[tuple[str, int]]]:
    """For each of the data set's file patterns, (path, bytes) of the files matching it in `folder`.
    Raises ValueError where a pattern matches nothing: a data set is published whole or not at all."""
    found = []
    for pattern in DATASETS[dataset].files:
        matched = sorted((p.name, p.stat().st_size) for p in folder.glob(pattern) if p.is_file())
        if not matched:
            raise ValueError(f"{DATASETS[dataset].title}: no file {pattern} in {folder}; install the data set there, "
                             f"or set {hub.DATA_DIR_ENV}")
        found.append(matched)
    return found


def _check(prefix: str, names, known: list[str], what: str) -> list[str]:
    if not hub.PREFIX.match(prefix):
        raise ValueError(f"--repo-prefix {reprlib.repr(prefix)} is not of the form 'owner/' or 'owner/prefix'")
    names = names or known
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"no {what} named {', '.join(unknown)}; {what}s: {', '.join(known)}")
    return names


def _print_listing(repo_id: str, rows: list[tuple[str, int, int]]):
    """rows: (file or pattern, files, bytes)."""
    print(f"{repo_id}: {sum(r[1] for r in rows)} files, {_size(sum(r[2] for r in rows))}")
    width = max(len(what) for what, _, _ in rows)
    for what, n, size in rows:
        print(f"  {what:<{width}}  {_size(size):>8}" + (f"  ({n:,} files)" if n > 1 else ""))


def _upload(prefix: str, plans: list, repo_type: str, noun: str, dry_run: bool) -> list[str]:
    """Create each repo `<prefix><name>` (if missing) and send its files in one commit, printing what goes.
    plans: (name, rows to list: (file or pattern, files, bytes), files: (path in the repo, local path or bytes)).
    A file the repo already holds unchanged is not sent again (create_commit skips it)."""
    # HfApi() froze HF_ENDPOINT when huggingface_hub was imported; read it now so a late setting counts
    api, total = HfApi(endpoint=os.environ.get("HF_ENDPOINT") or None), 0
    for name, rows, sources in plans:
        repo_id = prefix + name
        total += sum(r[2] for r in rows)
        _print_listing(repo_id + ("" if repo_type == "model" else f" ({repo_type})"), rows)
        if dry_run:
            continue
        t0 = time.perf_counter()
        # token=True: a write needs a token even where implicit tokens are off; HF_TOKEN or `hf auth login`
        api.create_repo(repo_id, repo_type=repo_type, exist_ok=True, token=True)
        commit = api.create_commit(repo_id, [CommitOperationAdd(path, source) for path, source in sources],
                                   repo_type=repo_type, token=True, commit_message=f"Upload genapp {noun} {name}")
        print(f"  -> {commit.commit_url} ({time.perf_counter() - t0:.1f} s)")
    what = "would upload" if dry_run else "uploaded"
    print(f"{what} {len(plans)} {noun}{'s' * (len(plans) != 1)}, {_size(total)}"
          + (" (dry run: nothing sent)" if dry_run else ""))
    return [prefix + name for name, _, _ in plans]


def publish(prefix: str, names: list[str] | None = None, dry_run: bool = False) -> list[str]:
    """Upload each named bundled checkpoint (default: all) to the model repo `<prefix><name>`, and its
    time-lapse, where one is bundled, to `<prefix><name>-timelapse`; the repo ids.

    Raises ValueError for a malformed prefix or an unknown name, before anything is sent.
    """
    plans = []
    for name in _check(prefix, names, hub.bundled(), "bundled checkpoint"):
        for repo in [name] + [f"{name}-timelapse"] * (name in hub.timelapses()):
            folder = hub.CHECKPOINTS / repo
            listing = files(folder)
            plans.append((repo, [(path, 1, n) for path, n in listing], [(path, folder / path) for path, _ in listing]))
    return _upload(prefix, plans, "model", "checkpoint", dry_run)


def publish_datasets(prefix: str, names: list[str] | None = None, dry_run: bool = False) -> list[str]:
    """Upload each named data set (default: all) from its local folder to the dataset repo `<prefix><name>`,
    its files and a dataset card in one commit; the repo ids. Every folder is checked before anything is sent."""
    names = _check(prefix, names, list(DATASETS), "data set")
    found = {name: dataset_files(name, hub.local_data_folder(name)) for name in names}   # ValueError first
    plans = []
    for name in names:
        data, folder = DATASETS[name], hub.local_data_folder(name)
        paths = [path for group in found[name] for path, _ in group]
        if data.archive:
            packed = tar_bytes(folder, paths)
            rows = [(f"{data.archive} ({', '.join(data.files)})", len(paths), len(packed))]
            sources = [(data.archive, packed)]
        else:
            rows = [row for pattern, group in zip(data.files, found[name])
                    for row in ([(path, 1, n) for path, n in group] if len(group) <= GROUPED
                                else [(pattern, len(group), sum(n for _, n in group))])]
            sources = [(path, folder / path) for path in paths]
        card = str(dataset_card(name, rows, prefix)).encode()
        plans.append((name, rows + [("README.md (dataset card)", 1, len(card))], sources + [("README.md", card)]))
    return _upload(prefix, plans, "dataset", "data set", dry_run)


def tar_bytes(folder: Path, paths: list[str]) -> bytes:
    """An uncompressed tar of the files, byte for byte, the same bytes for the same files (no times, owners or
    modes of this machine), so publishing again sends nothing."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for path in paths:
            info = tarfile.TarInfo(path)
            info.size, info.mode = (folder / path).stat().st_size, 0o644
            with (folder / path).open("rb") as f:
                tar.addfile(info, f)
    return out.getvalue()
