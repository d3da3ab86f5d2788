"""Checkpoint names -> loaded models, through huggingface_hub.

By default a name resolves to the bundled folder `checkpoints/<name>` (offline: no network is
touched). With GENAPP_HUB_REPO_PREFIX set (e.g. `someone/genapp-`), it resolves to the Hub repo
`<prefix><name>`, downloaded by `huggingface_hub.snapshot_download` (HF_ENDPOINT picks the server).
Weights are safetensors only; nothing is ever unpickled. Loaded models are cached per process and
must never be mutated by a request.
"""
import functools
import hashlib
import json
import os
import re
import reprlib
from pathlib import Path

import torch
from huggingface_hub import snapshot_download

CHECKPOINTS = Path(__file__).resolve().parent.parent / "checkpoints"
# \Z, not $: $ also matches before a final newline, and "vae-mnist\n" is no name
NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")          # no slashes, dots or path escapes
PREFIX = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]*\Z")       # "owner/" plus an optional name prefix
WEIGHTS = "diffusion_pytorch_model.safetensors"


class UnknownCheckpoint(ValueError):
    pass


def _model_classes():
    from .eval.classifier import Classifier
    from .eval.language_model import CharLM
    from .models.gan import Discriminator, Generator
    from .models.rbm import RBM
    from .models.vae import VAE
    return {cls.__name__: cls for cls in (VAE, Generator, Discriminator, RBM, Classifier, CharLM)}


def bundled() -> list[str]:
    """Names of the checkpoints shipped in checkpoints/."""
    return sorted(p.parent.name for p in CHECKPOINTS.glob("*/config.json"))


def check_name(name: str) -> str:
    if not isinstance(name, str) or not NAME.match(name):
        raise UnknownCheckpoint(f"{reprlib.repr(name)} is not a checkpoint name (lower-case words joined by '-')")
    return name


@functools.cache
def resolve(name: str) -> Path:
    """Local folder holding the checkpoint `name`, downloading it from the Hub if so configured."""
    check_name(name)
    prefix = os.environ.get("GENAPP_HUB_REPO_PREFIX", "")
    if prefix:
        if not PREFIX.match(prefix):
            raise UnknownCheckpoint(f"GENAPP_HUB_REPO_PREFIX {prefix!r} is not of the form 'owner/' or 'owner/prefix'")
        return Path(snapshot_download(repo_id=prefix + name, allow_patterns=["*.json", "*.safetensors", "*.md"]))
    folder = CHECKPOINTS / name
    if not (folder / "config.json").is_file():
        raise UnknownCheckpoint(f"no checkpoint named {reprlib.repr(name)}; bundled: {', '.join(bundled())}")
    return folder


@functools.cache
def load(name: str, subfolder: str = ""):
    """The model of checkpoint `name` (its `subfolder`, e.g. "discriminator"), in eval mode, on the CPU,
    for inference only: its batch norms are folded into their convolutions (models.nets.fold_batch_norms),
    so its state dict is not the checkpoint's and it is never saved back."""
    from .models.nets import fold_batch_norms
    folder = resolve(name) / subfolder
    config = json.loads((folder / "config.json").read_text())
    cls = _model_classes().get(config.get("_class_name"))
    if cls is None:
        raise UnknownCheckpoint(f"{name}: config.json names no genapp model class")
    # loaded models are cached and shared: made outside inference mode even when the first request
    # that needs one runs inside it, so a later request may still take gradients through it (GAN inversion)
    with torch.inference_mode(False):
        model = fold_batch_norms(cls.from_pretrained(folder, use_safetensors=True, low_cpu_mem_usage=False).eval())
        # channels-last lets oneDNN run the transposed convolutions: 2x faster decoding on the CPU
        return model.to(memory_format=torch.channels_last)


@functools.cache
def weights_sha256(name: str, subfolder: str = "") -> str:
    """sha256 of the checkpoint's weights file: what a generated file records for provenance."""
    return hashlib.sha256((resolve(name) / subfolder / WEIGHTS).read_bytes()).hexdigest()
