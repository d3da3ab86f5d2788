"""Walks in latent space (pictures and sound): two endpoints from seeds, a straight or spherical path
between them, every step decoded and scored by the evaluator, shown as a captioned strip and an
animated GIF; for sound the strip is of spectrograms (pitch up) and the walk is also one WAV, a clip
per step."""
import reprlib
import time
from dataclasses import astuple, dataclass, field

import torch
import torch.nn.functional as F
from PIL import Image

from .. import hub
from ..models.latent import path
from .checks import BadRequest, integer, check_label, check_seed, class_names, generators
from .render import captioned_strip, film, png_bytes, wav_bytes

MODALITIES = ("image", "audio")   # what walks so far

MIN_PATH_STEPS, MAX_PATH_STEPS = 2, 32


@dataclass
class WalkResult:
    checkpoint: str
    strip: Image.Image            # the steps left to right, each captioned with the evaluator's verdict
    png: bytes                    # the strip as PNG, provenance in its text chunks
    gif: bytes                    # the walk there and back, looping
    recognised: list = field(default_factory=list)   # the evaluator's class name at each step
    confidence: list = field(default_factory=list)   # its probability for that class: the realism score
    ms: float = 0.0
    sample_rate: int | None = None                   # sound: the walk as int16 PCM, a clip per step
    pcm: object = None
    clips: list = field(default_factory=list)        # sound: each step's clip (int16), to play alone
    wav: bytes = b""


def check_path_steps(steps) -> int:
    return integer(steps, "The number of steps", MIN_PATH_STEPS, MAX_PATH_STEPS)


def check_spherical(spherical) -> bool:
    if not isinstance(spherical, bool):
        raise BadRequest(f"'spherical' must be true or false, not {reprlib.repr(spherical)}.")
    return spherical


def endpoint(model, seed, label, num_classes):
    """(latent (D,), class index) of a seed: the point its sampler draws (a VAE's or GAN's z from the
    prior, the hidden probabilities of the RBM sample the seed gives)."""
    g = torch.Generator().manual_seed(seed)
    label = int(torch.randint(num_classes, (1,), generator=g)) if label is None else label
    return model.draw_latent(1, g, torch.tensor([label]))[0], label


def walkers() -> list[str]:
    """The checkpoints that walk: image and sound generators."""
    return [n for m in MODALITIES for n in generators(m)]


def check_walker(checkpoint) -> str:
    """An image or sound generator's name, or BadRequest naming the ones that walk."""
    try:
        hub.resolve(hub.check_name(checkpoint))
    except hub.UnknownCheckpoint as e:
        raise BadRequest(str(e)) from None
    if checkpoint not in walkers():
        raise BadRequest(f"{checkpoint} does not walk yet; pick one of {', '.join(walkers())}.")
    return checkpoint


@dataclass(frozen=True)
class WalkRequest:
    """A walk between two seeds' points, every value checked once."""
    checkpoint: str
    from_seed: int
    to_seed: int
    steps: int
    spherical: bool
    from_label: int | None        # a class index; None: the seed picks the class
    to_label: int | None


def walk_request(checkpoint, from_seed=0, to_seed=1, steps=16, spherical=False, from_label="any",
                 to_label="any") -> WalkRequest:
    """The checked request of walk, or BadRequest."""
    checkpoint, steps, spherical = check_walker(checkpoint), check_path_steps(steps), check_spherical(spherical)
    classes = class_names(checkpoint)
    return WalkRequest(checkpoint, check_seed(from_seed), check_seed(to_seed), steps, spherical,
                       check_label(from_label, classes), check_label(to_label, classes))


def check_walk(checkpoint, from_seed=0, to_seed=1, steps=16, spherical=False, from_label="any", to_label="any"):
    """Every check of walk, without walking: (checkpoint, from_seed, to_seed, steps, spherical, from
    class index or None, to class index or None), or BadRequest."""
    return astuple(walk_request(checkpoint, from_seed, to_seed, steps, spherical, from_label, to_label))


def walk(checkpoint, from_seed=0, to_seed=1, steps=16, spherical=False, from_label="any", to_label="any") -> WalkResult:
    """Decode `steps` points from the latent of `from_seed` to that of `to_seed`. Each end's class is
    its label ('any': the seed picks); where the two differ, the class weights are walked too
    (VAE, GAN). The same arguments give the same bytes."""
    return run_walk(walk_request(checkpoint, from_seed, to_seed, steps, spherical, from_label, to_label))


def run_walk(request: WalkRequest) -> WalkResult:
    """The walk of a checked request, between its two seeds' points."""
    classes = class_names(request.checkpoint)
    model = hub.generator(request.checkpoint)
    t0 = time.perf_counter()
    with torch.inference_mode():
        a, label_a = endpoint(model, request.from_seed, request.from_label, len(classes))
        b, label_b = endpoint(model, request.to_seed, request.to_label, len(classes))
    return walk_between(request.checkpoint, a, label_a, b, label_b, request.steps, request.spherical, t0,
                        {"from_seed": request.from_seed, "to_seed": request.to_seed})


def walk_between(checkpoint, a, label_a, b, label_b, steps, spherical, t0, provenance) -> WalkResult:
    """The walk itself, between two checked latents a and b (D,) with class indices."""
    described = hub.describe(checkpoint)
    classes = class_names(checkpoint)
    model = hub.generator(checkpoint)
    with torch.inference_mode():
        latents = path(a, b, steps, spherical)
        one_hot = F.one_hot(torch.tensor([label_a, label_b]), len(classes)).float()
        weights = path(one_hot[0], one_hot[1], steps)                    # fixed when the labels agree
        x = model.decode(latents, weights)        # (an RBM's hidden probabilities carry their class already)
        probs = hub.load(described.evaluator)(x).softmax(1)
        confidence, recognised = probs.max(1)
    names = [classes[i] for i in recognised.tolist()]
    sound = described.modality == "audio"
    strip = captioned_strip(x.flip(2) if sound else x, names, confidence.tolist())
    text = {"software": "genapp", "checkpoint": checkpoint, "weights_sha256": hub.weights_sha256(checkpoint),
            **provenance, "steps": steps, "path": "slerp" if spherical else "linear",
            "from_label": classes[label_a], "to_label": classes[label_b]}
    gif = film(x.flip(2) if sound else x)
    extra = {}
    if sound:
        with torch.inference_mode():
            waves = described.sound.waveform(x)
        pcm = described.sound.pcm16(waves, gap=0.1)
        extra = dict(sample_rate=described.sound.sample_rate, pcm=pcm,
                     clips=[described.sound.pcm16(w[None]) for w in waves],
                     wav=wav_bytes(pcm, text, described.sound.sample_rate))
    ms = (time.perf_counter() - t0) * 1000
    return WalkResult(checkpoint, strip, png_bytes(strip, text), gif, names,
                      [round(p, 4) for p in confidence.tolist()], ms, **extra)
