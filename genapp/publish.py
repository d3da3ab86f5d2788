"""Publish the bundled checkpoints to the Hugging Face Hub, one model repo per folder.

`python -m genapp publish --repo-prefix owner/genapp-` uploads `checkpoints/<name>` to the model repo
`owner/genapp-<name>` (created if missing) with huggingface_hub's `create_repo` and `upload_folder`;
`GENAPP_HUB_REPO_PREFIX=owner/genapp-` then makes the app load them from there (genapp/hub.py).
HF_ENDPOINT picks the server and HF_TOKEN (or `hf auth login`) the account; `--dry-run` lists what
would be sent, files and sizes, and touches no network.
"""
import os
import reprlib
import time
from pathlib import Path

from huggingface_hub import HfApi
from huggingface_hub.utils import DEFAULT_IGNORE_PATTERNS, filter_repo_objects

from . import hub


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.1f} kB"


def files(folder: Path) -> list[tuple[str, int]]:
    """(path in the repo, bytes) of each file `upload_folder` sends from `folder`, with its default ignores."""
    paths = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    kept = filter_repo_objects(paths, ignore_patterns=DEFAULT_IGNORE_PATTERNS)
    return [(p, (folder / p).stat().st_size) for p in kept]


def publish(prefix: str, names: list[str] | None = None, dry_run: bool = False) -> list[str]:
    """Upload each named bundled checkpoint (default: all) to the repo `<prefix><name>`; the repo ids.

    Raises ValueError for a malformed prefix or an unknown name, before anything is sent.
    """
    if not hub.PREFIX.match(prefix):
        raise ValueError(f"--repo-prefix {reprlib.repr(prefix)} is not of the form 'owner/' or 'owner/prefix'")
    names = names or hub.bundled()
    unknown = [n for n in names if n not in hub.bundled()]
    if unknown:
        raise ValueError(f"no bundled checkpoint named {', '.join(unknown)}; bundled: {', '.join(hub.bundled())}")
    # HfApi() froze HF_ENDPOINT when huggingface_hub was imported; read it now so a late setting counts
    api = HfApi(endpoint=os.environ.get("HF_ENDPOINT") or None)
    total = 0
    for name in names:
        repo_id, folder = prefix + name, hub.CHECKPOINTS / name
        listing = files(folder)
        size = sum(n for _, n in listing)
        total += size
        print(f"{repo_id}: {len(listing)} files, {_size(size)}")
        width = max(len(path) for path, _ in listing)
        for path, n in listing:
            print(f"  {path:<{width}}  {_size(n):>8}")
        if dry_run:
            continue
        t0 = time.perf_counter()
        # token=True: a write needs a token even where implicit tokens are off; HF_TOKEN or `hf auth login`
        api.create_repo(repo_id, repo_type="model", exist_ok=True, token=True)
        commit = api.upload_folder(repo_id=repo_id, folder_path=folder, repo_type="model", token=True,
                                   commit_message=f"Upload genapp checkpoint {name}")
        print(f"  -> {commit.commit_url} ({time.perf_counter() - t0:.1f} s)")
    what = "would upload" if dry_run else "uploaded"
    print(f"{what} {len(names)} checkpoint{'s' * (len(names) != 1)}, {_size(total)}"
          + (" (dry run: nothing sent)" if dry_run else ""))
    return [prefix + name for name in names]
