"""One point of a VAE's or GAN's latent space (pictures, sound or names): from a seed, moved
dimension by dimension, decoded, and saved as a bookmark (a small JSON) that restores the exact output."""
import json
import math
import reprlib
import time
from dataclasses import dataclass

import torch
from PIL import Image

from .. import hub
from .checks import BadRequest, check_label, check_seed, class_names, generators
from .render import one_picture

SLIDER_DIMS = 8                   # dimensions a person moves by hand
LATENT_BOUND = 6.0                # a coordinate beyond this is 6 standard deviations out: refused
MAX_BOOKMARK_BYTES = 100_000
BOOKMARK_VERSION = 1


@dataclass
class Point:
    checkpoint: str
    z: list                       # the whole latent vector
    label: str                    # class name ("" where the data set has no classes)
    seed: int | None = None       # where it started, if from a seed


@dataclass
class PointView:
    """What a point looks like: a picture (or spectrogram), for sound also the clip, for text the name."""
    picture: Image.Image | None
    sound: tuple | None           # (sample rate, int16 samples)
    name: str | None
    ms: float


def point_checkpoints() -> list[str]:
    """The generators whose latent points can be moved by hand: those with a Gaussian latent."""
    return [n for m in ("image", "audio", "text") for n in generators(m) if hub.describe(n).latent == "gaussian"]


def check_point_checkpoint(name) -> str:
    try:
        hub.resolve(hub.check_name(name))
    except hub.UnknownCheckpoint as e:
        raise BadRequest(str(e)) from None
    if hub.describe(name).latent == "binary":
        raise BadRequest(f"{name} has no Gaussian latent to move by hand (its hidden units are 0/1 switches); "
                         "pick a VAE or GAN checkpoint.")
    if name not in point_checkpoints():
        raise BadRequest(f"{name} has no latent point to show; pick one of {', '.join(point_checkpoints())}.")
    return name


def _class_index(checkpoint, label):
    """The class to decode for: an index for conditional checkpoints, None where there are no classes."""
    classes = class_names(checkpoint)
    if not classes:
        return None
    index = check_label(label, classes)
    if index is None:
        raise BadRequest("Pick a class for the point: a latent point is decoded for one class.")
    return index


def check_latent(z, size: int) -> list:
    if not isinstance(z, (list, tuple)) or len(z) != size:
        raise BadRequest(f"The latent point must be a list of {size} numbers.")
    out = []
    for v in z:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise BadRequest(f"Every latent coordinate must be a number; {reprlib.repr(v)} is not.")
        if abs(v) > LATENT_BOUND:
            raise BadRequest(f"Latent coordinates must be from -{LATENT_BOUND:g} to {LATENT_BOUND:g}; "
                             f"{reprlib.repr(v)} is out of range.")
        out.append(float(v))
    return out


def seed_point(checkpoint, seed=0, label="any") -> Point:
    """The latent point a seed gives (the first draw of its generator), and its class ('any': the seed
    picks, as the Image tab does)."""
    checkpoint, seed = check_point_checkpoint(checkpoint), check_seed(seed)
    classes = class_names(checkpoint)
    g = torch.Generator().manual_seed(seed)
    name = ""
    if classes:
        index = check_label(label, classes)
        index = int(torch.randint(len(classes), (1,), generator=g)) if index is None else index
        name = classes[index]
    z = hub.generator(checkpoint).draw_latent(1, g)[0]
    return Point(checkpoint, [round(v, 4) for v in z.tolist()], name, seed)


def decode_point(checkpoint, z, label) -> PointView:
    """What one latent point decodes to, and how long it took: what a slider move shows."""
    checkpoint = check_point_checkpoint(checkpoint)
    model = hub.generator(checkpoint)
    z = check_latent(z, model.latent_dim)
    index = _class_index(checkpoint, label)
    described = hub.describe(checkpoint)
    modality, sound = described.modality, described.sound
    t0 = time.perf_counter()
    with torch.inference_mode():
        labels = None if index is None else torch.tensor([index])
        x = model.decode(torch.tensor([z]), labels)
        if modality == "text":
            return PointView(None, None, described.alphabet.decode(x)[0], (time.perf_counter() - t0) * 1000)
        clip = (sound.sample_rate, sound.pcm16(sound.waveform(x))) if modality == "audio" else None
    return PointView(one_picture(x, modality), clip, None, (time.perf_counter() - t0) * 1000)


def bookmark(point: Point) -> bytes:
    """The JSON a teacher saves: checkpoint, weights sha256, latent vector, class, seed."""
    return (json.dumps({"genapp_bookmark": BOOKMARK_VERSION, "checkpoint": point.checkpoint,
                        "weights_sha256": hub.weights_sha256(point.checkpoint), "latent": point.z,
                        "label": point.label, "seed": point.seed}, indent=1) + "\n").encode()


def restore(data) -> Point:
    """A bookmark's point, after checking everything in it: that it is a genapp bookmark, that its
    checkpoint is here with the very same weights, and that its latent fits that checkpoint."""
    if isinstance(data, str):
        data = data.encode()
    if not isinstance(data, bytes) or len(data) > MAX_BOOKMARK_BYTES:
        raise BadRequest(f"A bookmark is a small JSON file (at most {MAX_BOOKMARK_BYTES // 1000} KB).")
    try:
        saved = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BadRequest("This file is not a bookmark: it is not JSON.") from None
    if not isinstance(saved, dict) or saved.get("genapp_bookmark") != BOOKMARK_VERSION:
        raise BadRequest("This JSON is not a genapp bookmark (saved with 'Save point').")
    checkpoint = check_point_checkpoint(saved.get("checkpoint"))
    if saved.get("weights_sha256") != hub.weights_sha256(checkpoint):
        raise BadRequest(f"This bookmark was saved from other weights of {checkpoint} (its sha256 differs), "
                         "so it would not show the same picture.")
    z = check_latent(saved.get("latent"), hub.load(checkpoint).latent_dim)
    classes = class_names(checkpoint)
    index = check_label(saved.get("label"), classes) if classes else None
    if classes and index is None:
        raise BadRequest("This bookmark names no class.")
    label = classes[index] if classes else ""
    seed = saved.get("seed")
    return Point(checkpoint, z, label, None if seed is None else check_seed(seed))
