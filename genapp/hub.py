"""Checkpoint names -> loaded models, and data set names -> folders of their files, through huggingface_hub.

By default a checkpoint name resolves to the bundled folder `checkpoints/<name>` (offline: no network
is touched). With GENAPP_HUB_REPO_PREFIX set (e.g. `someone/genapp-`), it resolves to the Hub model
repo `<prefix><name>`, downloaded by `huggingface_hub.snapshot_download` (HF_ENDPOINT picks the server).
Weights are safetensors only; nothing is ever unpickled. Loaded models are cached per process and
must never be mutated by a request.

Training data never ships with the app. A data set's folder is $GENAPP_DATA_DIR/<its subfolder> if that
is set; else, with GENAPP_HUB_REPO_PREFIX set (as on the Space), the Hub *dataset* repo `<prefix><data
set>` that `python -m genapp publish --datasets` made, downloaded on first use into the Hugging Face
cache; else the registry's default folder (`../shared/data/...`, Debian's /usr/share/datasets/...).
"""
import contextlib
import functools
import hashlib
import json
import os
import re
import reprlib
import shutil
import tarfile
import tempfile
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

import torch
from huggingface_hub import snapshot_download
from tqdm.auto import tqdm

from .data import DATASETS
from .models.generative import Generative

CHECKPOINTS = Path(__file__).resolve().parent.parent / "checkpoints"
# \Z, not $: $ also matches before a final newline, and "vae-mnist\n" is no name
NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")          # no slashes, dots or path escapes
PREFIX = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]*\Z")       # "owner/" plus an optional name prefix
WEIGHTS = "diffusion_pytorch_model.safetensors"
PREFIX_ENV, DATA_DIR_ENV = "GENAPP_HUB_REPO_PREFIX", "GENAPP_DATA_DIR"
ROOT = CHECKPOINTS.parent


class UnknownCheckpoint(ValueError):
    pass


# what a checkpoint is: read from its own config.json, never parsed out of its name

DESCRIPTION = "_genapp"     # the key of config.json holding it (a leading _: diffusers' from_pretrained skips it)
GENERATORS = ("vae", "gan", "rbm")


@dataclass(frozen=True)
class Checkpoint:
    """What a checkpoint says of itself (`python -m genapp train` writes it beside the model's config).

    family: vae | gan | rbm, or classifier | lm | dual for an evaluator (dual: the replies' scorer). dataset: a key of data.DATASETS.
    modality: image | audio | text. class_names: the classes it is conditioned on (() if unconditional).
    latent: "gaussian" (a point of N(0, I): VAE, GAN) or "binary" (an RBM's hidden units), "" for none;
    latent_dim its size. sampler: the options its sample() takes beyond (n, generator, labels, callback),
    with their defaults (an RBM's Gibbs steps). evaluator: the checkpoint that scores its samples.
    specimen: what it was made to show ("map": a 2-D latent, "collapsed": mode collapse), "" for its
    family's main checkpoint of the data set. decoder: its subfolder that turns its codes into data."""
    name: str
    family: str
    dataset: str
    modality: str
    class_names: tuple = ()
    latent: str = ""
    latent_dim: int = 0
    sampler: dict = field(default_factory=dict)
    evaluator: str = ""
    specimen: str = ""
    decoder: str = ""

    @property
    def sound(self):
        """How its data set's clips are pictures (data.audio.Sound); None for pictures and text."""
        return DATASETS[self.dataset].sound

    @property
    def alphabet(self):
        """How its data set's texts are rows of symbols (data.text.Alphabet); None for pictures and sound."""
        return DATASETS[self.dataset].alphabet

    @property
    def shape(self) -> tuple:
        """(channels, height, width) of its data set's pictures (grey 28 x 28, colour 32 x 32)."""
        return DATASETS[self.dataset].shape

    @property
    def conditional(self) -> bool:
        return bool(self.class_names)

    @property
    def generates(self) -> bool:
        return self.family in GENERATORS

    def sampler_options(self, **given) -> dict:
        """Its sampler's options, each given value that is not None in place of the default (a value
        for an option it does not have is left out: a VAE has no Gibbs steps)."""
        return {k: default if given.get(k) is None else given[k] for k, default in self.sampler.items()}


def _model_classes():
    from .models.classifier import Classifier
    from .models.dual_encoder import DualEncoder
    from .models.language_model import CharLM
    from .models.gan import Discriminator, Generator
    from .models.rbm import RBM
    from .models.vae import VAE
    return {cls.__name__: cls for cls in (VAE, Generator, Discriminator, RBM, Classifier, CharLM, DualEncoder)}


def bundled() -> list[str]:
    """Names of the checkpoints shipped in checkpoints/, read once per process (menus and checks ask often)."""
    return list(_bundled(CHECKPOINTS))


@functools.cache
def _bundled(folder: Path) -> tuple:
    return tuple(sorted(p.parent.name for p in folder.glob("*/config.json")))


def check_name(name: str) -> str:
    if not isinstance(name, str) or not NAME.match(name):
        raise UnknownCheckpoint(f"{reprlib.repr(name)} is not a checkpoint name (lower-case words joined by '-')")
    return name


def hub_prefix() -> str:
    """GENAPP_HUB_REPO_PREFIX, checked; '' when it is not set (everything is local)."""
    prefix = os.environ.get(PREFIX_ENV, "")
    if prefix and not PREFIX.match(prefix):
        raise UnknownCheckpoint(f"{PREFIX_ENV} {prefix!r} is not of the form 'owner/' or 'owner/prefix'")
    return prefix


@functools.cache
def resolve(name: str) -> Path:
    """Local folder holding the checkpoint `name`, downloading it from the Hub if so configured."""
    check_name(name)
    prefix = hub_prefix()
    if prefix:
        return Path(snapshot_download(repo_id=prefix + name, allow_patterns=["*.json", "*.safetensors", "*.md"]))
    folder = CHECKPOINTS / name
    if not (folder / "config.json").is_file():
        raise UnknownCheckpoint(f"no checkpoint named {reprlib.repr(name)}; bundled: {', '.join(bundled())}")
    return folder


@functools.cache
def describe(name: str) -> Checkpoint:
    """The checkpoint's description of itself (its config.json's _genapp record), read once."""
    config = json.loads((resolve(name) / "config.json").read_text())
    if DESCRIPTION not in config:
        raise UnknownCheckpoint(f"{name}: its config.json does not describe it (no {DESCRIPTION!r}): it was saved "
                                f"before checkpoints described themselves; `python -m genapp train {name}` writes "
                                f"it again, and `python -m genapp publish` sends the bundled one to the Hub")
    record = config[DESCRIPTION]
    return Checkpoint(name=name, **{**record, "class_names": tuple(record.get("class_names", ()))})


def serving(dataset: str, family: str | None = None, specimen: str = "") -> list[Checkpoint]:
    """The bundled checkpoints that the data set's registry entry names, as they describe themselves:
    those of one family if given, and the main ones (no specimen) unless a specimen is asked for."""
    have = set(bundled())
    names = [n for n in DATASETS[dataset].checkpoints if n in have]
    return [c for c in map(describe, names) if (family is None or c.family == family) and c.specimen == specimen]


def find(dataset: str, family: str, specimen: str = "") -> str:
    """The name of the one checkpoint of `family` serving `dataset` (its main one, or the specimen)."""
    found = serving(dataset, family, specimen)
    if not found:
        raise UnknownCheckpoint(f"no {family}{f' {specimen}' if specimen else ''} checkpoint serves {dataset}")
    return found[0].name


@functools.cache
def evaluator(dataset: str) -> str:
    """The name of the checkpoint that scores a data set's samples (the one serving it that generates nothing)."""
    found = [c.name for c in map(describe, DATASETS[dataset].checkpoints) if not c.generates]
    if not found:
        raise UnknownCheckpoint(f"no evaluator checkpoint serves {dataset}")
    return found[0]


@functools.cache
def generator(name: str) -> Generative:
    """The one surface of a generator checkpoint (models.generative.Generative): its model, with the
    model that spells its codes out where it has one (a text GAN's autoencoder)."""
    record = describe(name)
    return Generative(load(name), load(name, record.decoder) if record.decoder else None)


@functools.cache
def load(name: str, subfolder: str = ""):
    """The model of checkpoint `name` (its `subfolder`, e.g. "discriminator"), in eval mode, on the CPU,
    for inference only: its batch norms are folded into their convolutions (models.nets.fold_batch_norms),
    so its state dict is not the checkpoint's and it is never saved back."""
    return _load_folder(resolve(name) / subfolder, name)


@contextlib.contextmanager
def _quiet(quiet: bool):
    """diffusers' log below errors while loading, if quiet."""
    from diffusers.utils import logging
    level = logging.get_verbosity()
    if quiet:
        logging.set_verbosity_error()
    try:
        yield
    finally:
        logging.set_verbosity(level)


def _load_folder(folder: Path, name: str, partial: bool = False):
    """partial: the folder may hold only some of the model's weights (a VAE's time-lapse snapshot keeps
    no encoder): the rest are left as initialised, without diffusers' warning."""
    from .models.nets import fold_batch_norms
    config = json.loads((folder / "config.json").read_text())
    cls = _model_classes().get(config.get("_class_name"))
    if cls is None:
        raise UnknownCheckpoint(f"{name}: config.json names no genapp model class")
    # loaded models are cached and shared: made outside inference mode even when the first request
    # that needs one runs inside it, so a later request may still take gradients through it (GAN inversion)
    with torch.inference_mode(False), _quiet(partial):
        model = fold_batch_norms(cls.from_pretrained(folder, use_safetensors=True, low_cpu_mem_usage=False,
                                                       torch_dtype=torch.float32).eval())
        # channels-last lets oneDNN run the transposed convolutions: 2x faster decoding on the CPU
        return model.to(memory_format=torch.channels_last)


# time-lapses: a checkpoint's recipe trained again with its weights saved at a few steps (train --snapshots),
# each snapshot a model folder step-NNNNNN/ of the repo `<name>-timelapse`, beside the checkpoint's own
# (bundled: checkpoints/<name>-timelapse/; on the Hub: <prefix><name>-timelapse), with timelapse.json

TIMELAPSE = "timelapse.json"


def timelapse_folder(name: str) -> Path:
    """Local folder of checkpoint `name`'s time-lapse, downloaded from the Hub if so configured."""
    check_name(name)
    prefix = hub_prefix()
    if prefix:
        return Path(snapshot_download(repo_id=f"{prefix}{name}-timelapse",
                                      allow_patterns=["*.json", "*.safetensors", "*.md"]))
    folder = CHECKPOINTS / f"{name}-timelapse"
    if not (folder / TIMELAPSE).is_file():
        raise UnknownCheckpoint(f"{name} has no time-lapse; bundled: {', '.join(timelapses()) or 'none'}")
    return folder


def timelapses() -> list[str]:
    """The checkpoints whose time-lapse is bundled."""
    return sorted(p.parent.name.removesuffix("-timelapse") for p in CHECKPOINTS.glob(f"*-timelapse/{TIMELAPSE}"))


def timelapse(name: str) -> dict:
    """A time-lapse's record: its steps, the run that made it, and (once eval --timelapse ran) what was
    measured at each step."""
    return json.loads((timelapse_folder(name) / TIMELAPSE).read_text())


def timelapse_is_own_run(name: str) -> bool:
    """Whether checkpoint `name`'s time-lapse was kept by the very run that made the checkpoint (the same
    command in both records), not by a second run of its recipe."""
    training = json.loads((resolve(name) / "metrics.json").read_text()).get("training", {})
    return training.get("command") == timelapse(name)["command"]


@functools.cache
def load_snapshot(name: str, step: int):
    """The model of checkpoint `name`'s time-lapse at training step `step`, as load() gives models."""
    folder = timelapse_folder(name) / f"step-{int(step):06d}"
    if not (folder / "config.json").is_file():
        raise UnknownCheckpoint(f"{name}'s time-lapse has no snapshot at step {step}")
    return _load_folder(folder, f"{name} at step {step}", partial=True)


@functools.cache
def weights_sha256(name: str, subfolder: str = "") -> str:
    """sha256 of the checkpoint's weights file: what a generated file records for provenance."""
    return hashlib.sha256((resolve(name) / subfolder / WEIGHTS).read_bytes()).hexdigest()


# training data

class DataUnavailable(FileNotFoundError):
    """A data set's files are neither in a local folder nor downloadable; the message says where it looked."""


def data_folder(dataset: str, progress=None) -> Path:
    """The folder holding `dataset`'s files (see the module's docstring for the order), downloading its
    Hub dataset repo on first use when GENAPP_HUB_REPO_PREFIX is set. `progress(done, total)` hears
    the download's bytes. The folder may still lack the files: the loader says so (an OSError)."""
    prefix = hub_prefix()
    if prefix and not os.environ.get(DATA_DIR_ENV):
        return _downloaded(prefix + dataset, DATASETS[dataset], progress)
    return local_data_folder(dataset)


def local_data_folder(dataset: str) -> Path:
    """$GENAPP_DATA_DIR/<its subfolder> if that is set, else the registry's default folder (a relative
    default is taken from the repository's root, not the current folder). Never the Hub."""
    data = DATASETS[dataset]
    root = os.environ.get(DATA_DIR_ENV)
    if root:
        return Path(root) / data.subfolder
    folder = Path(data.default_dir)
    return folder if folder.is_absolute() else (ROOT / folder).resolve()


_DOWNLOADED: dict[str, Path] = {}     # repo id -> snapshot folder, once per process: no request asks the Hub again


def _downloaded(repo_id: str, data, progress) -> Path:
    if repo_id not in _DOWNLOADED:
        try:
            folder = Path(snapshot_download(
                repo_id=repo_id, repo_type="dataset", allow_patterns=[data.archive] if data.archive else list(data.files),
                tqdm_class=None if progress is None else _reporting(progress)))
        except Exception as e:      # no such repo, no network, a refused token: all mean "not here"
            raise DataUnavailable(f"could not download the dataset repo {repo_id} "
                                  f"({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''})") from e
        _DOWNLOADED[repo_id] = _unpacked(folder / data.archive, data.files) if data.archive else folder
    return _DOWNLOADED[repo_id]


def _unpacked(archive: Path, patterns: tuple) -> Path:
    """The folder beside a downloaded tar holding its files, unpacked once (into a temporary folder renamed
    into place, so a second process never reads it half written). Only plain files whose names match the
    data set's patterns are written: no path in the archive can reach outside that folder."""
    folder = archive.with_suffix("")
    if not folder.is_dir():
        partial = Path(tempfile.mkdtemp(dir=archive.parent, prefix=".unpacking-"))
        with tarfile.open(archive) as tar:
            for member in tar:
                if member.isfile() and "/" not in member.name and any(fnmatch(member.name, p) for p in patterns):
                    (partial / member.name).write_bytes(tar.extractfile(member).read())
        try:
            os.rename(partial, folder)
        except OSError:             # another process unpacked it first
            shutil.rmtree(partial)
    return folder


def _reporting(progress):
    """A tqdm class for snapshot_download whose byte counts go to progress(done, total)."""
    class Reporting(tqdm):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **{**kwargs, "disable": False, "file": open(os.devnull, "w")})

        def update(self, n=1):
            super().update(n)
            if self.unit == "B" and self.total:
                progress(min(self.n, self.total), self.total)

        def close(self):
            super().close()
            self.fp.close()
    return Reporting
