"""A time-lapse measured (python -m genapp eval NAME --timelapse): each snapshot's samples scored as eval
scores the checkpoint's (sample_metrics: the same test classes, seed and evaluator), so quality (FD-eval,
precision, class agreement) and diversity (recall) can be read as training goes. --write-card puts the
figures into the time-lapse's timelapse.json, which the Watch it train tab shows."""
import json
import time

import torch
from huggingface_hub import ModelCard, ModelCardData
from safetensors import safe_open

from .. import hub
from ..data import DATASETS
from .reference import reference
from .run import sample_metrics

KEPT = ("fd_eval", "precision", "recall", "class_agreement")


def measure(name: str, data_dir=None, progress=print) -> dict:
    """{step: {metric: value}} for each snapshot of checkpoint `name`'s time-lapse."""
    described, record = hub.describe(name), hub.timelapse(name)
    ref = reference(described.dataset, data_dir)
    measured = {}
    for step in record["steps"]:
        t0 = time.perf_counter()
        m = sample_metrics(hub.load_snapshot(name, step), described.family, ref)
        measured[str(step)] = {k: m[k]["value"] for k in KEPT if k in m}
        progress(f"{name} step {step}: " + ", ".join(f"{k} {v:g}" for k, v in measured[str(step)].items())
                 + f" ({time.perf_counter() - t0:.0f} s)")
    return measured


def main(names, data_dir=None, write_card=False):
    torch.set_num_threads(2)
    for name in names:
        measured = measure(name, data_dir)
        record = hub.timelapse(name)
        print(f"\n{name}: {len(measured)} snapshots of {record['command']}")
        print("  ".join(k.rjust(10) for k in ("step",) + KEPT))
        for step, m in measured.items():
            print("  ".join([step.rjust(10)] + [f"{m[k]:g}".rjust(10) if k in m else "".rjust(10) for k in KEPT]))
        if write_card:
            record |= {"measured": measured, "eval_command": f"python -m genapp eval {name} --timelapse --write-card"}
            (hub.timelapse_folder(name) / hub.TIMELAPSE).write_text(json.dumps(record, indent=2) + "\n")
            card(name, record)
            print(f"written into {hub.timelapse_folder(name) / hub.TIMELAPSE} and its README.md")


def _has_encoder(name: str, step: int) -> bool:
    """Whether a snapshot holds an encoder's weights (a VAE's, kept before snapshots kept only what draws)."""
    with safe_open(hub.timelapse_folder(name) / f"step-{step:06d}" / hub.WEIGHTS, "pt") as f:
        return any(k.startswith("encoder.") for k in f.keys())


def card(name: str, record: dict):
    """The time-lapse repo's model card: what it is, the run that made it, and what eval measured at each step."""
    described = hub.describe(name)
    data = ModelCardData(license=DATASETS[described.dataset].hub_licence, library_name="genapp",
                         tags=["genapp", "time-lapse", described.family], datasets=[f"genapp/{described.dataset}"])
    rows = "\n".join(f"| {step} | " + " | ".join(f"{m[k]:g}" if k in m else "" for k in KEPT) + " |"
                     for step, m in record["measured"].items())
    text = (f"# {name}-timelapse\n\nThe weights of a training run of `{name}`'s recipe at {len(record['steps'])} of its "
            f"{record['total_steps']:,} steps (float16), for genapp's Watch it train tab: the same seed decoded at each "
            f"step. Made by `{record['command']}` on {record['device']} in {record['seconds']:.0f} s (seed "
            f"{record['seed']}, torch {record['torch']}); "
            + (f"the run that made the checkpoint `{name}`." if hub.timelapse_is_own_run(name) else
               f"a run of the same recipe as the checkpoint `{name}`, not the run that made it.")
            + (" Its snapshots keep the weights that draw (decoder, label embedding, prior), not the encoder."
               if not _has_encoder(name, record["steps"][0]) else "")
            + f"\n\n## Measured at each step\n\nPrinted and written here by `{record['eval_command']}` "
            f"(the test split; the same samples, seed and evaluator as the checkpoint's card).\n\n"
            f"| step | {' | '.join(KEPT)} |\n|{' --- |' * (len(KEPT) + 1)}\n{rows}\n")
    ModelCard(f"---\n{data.to_yaml()}\n---\n\n{text}").save(hub.timelapse_folder(name) / "README.md")
