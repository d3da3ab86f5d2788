"""Data augmentation at the seam: the figures `python -m genapp augment --write-card` stored beside each
generator's card, and a live re-run of its quick version (one seed). The re-run is the command itself in
a child process: what the panel shows is what the command prints, and its single torch thread does not
change the thread count of the app's other requests."""
import json
import subprocess
import sys
import time
from dataclasses import dataclass

from .. import hub
from ..eval.augment import FILE, GENERATORS, cell
from .checks import BadRequest
from .copying import missing_data, data_folder

COMMAND = "python -m genapp augment --write-card"
QUICK = ["-m", "genapp", "augment", "--quick", "--json"]
TIMEOUT_S = 300


@dataclass
class AugmentRow:
    generator: str
    real_only: str                # "mean ± sd" of test accuracy
    with_generated: str
    change: float                 # with_generated - real_only, in accuracy (0.05 = 5 points)
    more_real: str                # the yardstick: as many real digits instead of generated ones


@dataclass
class AugmentTable:
    rows: list
    command: str                  # the command that printed these figures
    settings: dict
    seconds: float = 0.0


def _cell(s: dict) -> str:
    """The command's "mean ± sd" of test accuracy; one seed has no spread to show."""
    return f"{s['mean']:.3f}" if len(s["per_seed"]) == 1 else cell(s)


def _rows(results: dict) -> list[AugmentRow]:
    return [AugmentRow(g, _cell(r["real_only"]), _cell(r["with_generated"]),
                       round(r["with_generated"]["mean"] - r["real_only"]["mean"], 4), _cell(r["more_real"]))
            for g, r in results.items()]


def stored_augmentation() -> AugmentTable | None:
    """The figures on the cards (None when the command has not written them yet)."""
    results = {}
    for g in GENERATORS:
        path = hub.resolve(g) / FILE
        if path.exists():
            results[g] = json.loads(path.read_text())
    if not results:
        return None
    first = next(iter(results.values()))
    return AugmentTable(_rows(results), first["command"], first["settings"], first["seconds"])


def rerun_augmentation(progress=None) -> AugmentTable:
    """`python -m genapp augment --quick` (seed 0 only) run now; progress(done, total) per classifier trained."""
    folder = data_folder("mnist")
    if not (folder / "mnist10k.npz").exists():
        raise missing_data("mnist", folder)
    command, t0 = [sys.executable, *QUICK, "--data", str(folder)], time.perf_counter()
    child = subprocess.Popen(command, cwd=hub.CHECKPOINTS.parent, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
    for line in child.stderr:            # "  classifier 3/5 | 12 s"
        words = line.split()
        if progress and words[:1] == ["classifier"]:
            done, total = map(int, words[1].split("/"))
            progress(done, total)
    out = child.stdout.read()
    if child.wait(TIMEOUT_S) != 0:
        raise BadRequest("The re-run failed on the server; run `python -m genapp augment --quick` yourself to see why.")
    results = json.loads(out)
    return AugmentTable(_rows(results), "python -m genapp augment --quick", next(iter(results.values()))["settings"],
                        round(time.perf_counter() - t0, 1))
