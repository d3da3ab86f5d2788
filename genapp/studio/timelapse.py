"""Watch it train, on real data: a checkpoint's recipe trained again with its weights saved at a few steps
(hub time-lapses, `python -m genapp train NAME --snapshots K`). The same seed's samples decoded by each
snapshot (the same latent points for a VAE and a GAN, the same chain's start for an RBM), beside FD-eval,
precision and recall measured at each snapshot (`eval NAME --timelapse`): quality and diversity as
training goes."""
from dataclasses import dataclass

import torch
from PIL import Image

from .. import hub
from ..card import read_metrics
from ..models.generative import Generative
from .checks import check_seed, integer, one_of
from .render import to_grid

SAMPLES = 16
NAMES = {"fd_eval": "FD-eval", "precision": "precision", "recall": "recall", "class_agreement": "class agreement"}


@dataclass
class TimelapseFrame:
    checkpoint: str
    step: int
    steps: list                   # every snapshot's step
    grid: Image.Image
    quality: list                 # (step, value, metric) rows: FD-eval at each measured step
    diversity: list               # (step, value, metric) rows: precision and recall
    caption: str


def timelapse_checkpoints() -> list[str]:
    return hub.timelapses()


def timelapse_steps(checkpoint) -> list[int]:
    """The training steps of a checkpoint's snapshots, earliest first (what the slider spans)."""
    return _record(checkpoint)[1]["steps"]


def _record(checkpoint) -> tuple[str, dict]:
    checkpoint = one_of(checkpoint, timelapse_checkpoints(), "a checkpoint with a time-lapse")
    return checkpoint, hub.timelapse(checkpoint)


@torch.inference_mode()
def timelapse_frame(checkpoint, index, seed=0) -> TimelapseFrame:
    """Snapshot `index` (0: the earliest) of the checkpoint's time-lapse: 16 samples of `seed` (classes 0, 1,
    2, ... in turn where it takes a class), and the measured curves with this step marked."""
    checkpoint, record = _record(checkpoint)
    index, seed = integer(index, "The snapshot", 0, len(record["steps"]) - 1), check_seed(seed)
    described = hub.describe(checkpoint)
    step = record["steps"][index]
    classes = len(described.class_names)
    labels = torch.arange(SAMPLES) % classes if described.conditional and classes else None
    snapshot = hub.load_snapshot(checkpoint, step)
    x = Generative(snapshot).sample(SAMPLES, torch.Generator().manual_seed(seed), labels, **described.sampler_options())
    measured = record.get("measured", {})
    quality = [(int(s), m["fd_eval"], "FD-eval") for s, m in measured.items() if "fd_eval" in m]
    diversity = [(int(s), m[k], name) for s, m in measured.items()
                 for k, name in (("precision", "precision"), ("recall", "recall")) if k in m]
    here = measured.get(str(step), {})
    final = read_metrics(hub.resolve(checkpoint)).get("eval", {})
    figures = (", ".join(f"{NAMES[k]} {v:g}" for k, v in here.items()) if here else
               "not measured yet (`python -m genapp eval " + checkpoint + " --timelapse --write-card`)")
    bundled = ", ".join(f"{NAMES[k]} {final[k]['value']:g}" for k in ("fd_eval", "precision", "recall")
                        if k in final)
    caption = (f"**{checkpoint} at step {step:,} of {record['total_steps']:,}** (snapshot {index + 1} of "
               f"{len(record['steps'])}): {figures}. The run: `{record['command']}` ({record['device']}); "
               + (f"the bundled {checkpoint} is what this run made: {bundled}." if hub.timelapse_is_own_run(checkpoint)
                  else f"the bundled {checkpoint}, trained by the same recipe in another run: {bundled}.")
               + (" Its snapshots draw from N(0, I): each class's own prior is fitted after the last step."
                  if getattr(snapshot.config, "class_prior", False) else ""))
    return TimelapseFrame(checkpoint, step, record["steps"], to_grid(x, scale=3, columns=8), quality, diversity,
                          caption)
