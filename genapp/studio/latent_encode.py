"""A person's picture or clip placed in a model's latent space, each family its own way: the VAE's
encoder in one pass, the GAN by optimisation (inversion, with progress), the RBM through its hidden
units' probabilities; then walked from, to a seed's point."""
import hashlib
import time
from dataclasses import dataclass

import torch

from .. import hub
from .checks import integer, check_label, check_seed, class_names, generators
from .latent import WalkResult, endpoint, check_path_steps, check_spherical, check_walker, walk_between
from .render import one_picture
from . import clips, pictures

INVERSION_STEPS = 200
MAX_INVERSION_STEPS = 2000
METHODS = {"vae": "the encoder's mean of q(z|x), one pass",
           "gan": "optimisation of z (inversion)", "rbm": "the hidden units' probabilities p(h|v)"}


@dataclass
class Encoded:
    checkpoint: str
    z: torch.Tensor               # (D,) the latent found
    label: int                    # the class it was encoded with
    seen: object                  # PIL: the picture the model was given (28 x 28 grey, 32 x 32 colour)
    reconstruction: object        # PIL: the latent decoded again
    error: float                  # mean squared error per pixel between the two
    ms: float
    method: str
    vae_error: float | None       # for a GAN: the same data set's VAE's error on the same picture
    fingerprint: str              # sha256 of the model input, for the walk's provenance
    losses: list = None                               # GAN: the pixel error at each inversion step
    sample_rate: int | None = None                    # sound: the clip as given, and as rebuilt
    heard: object = None
    rebuilt_sound: object = None


def _front_end(checkpoint, sample):
    """The checkpoint, checked, and the sample as it takes it: a picture for image checkpoints, a
    clip for sound checkpoints."""
    check_walker(checkpoint)                     # known, and an image or sound generator
    described = hub.describe(checkpoint)
    sound = described.sound
    if sound is None:
        return checkpoint, pictures.to_model_input(sample, described.shape)
    return checkpoint, clips.to_model_input(sample, sound)


@dataclass(frozen=True)
class EncodeRequest:
    """A picture (or clip) to place in a checkpoint's latent space, every value checked once."""
    checkpoint: str
    x: torch.Tensor               # (1, 1, H, W) in [0, 1]: the picture, or the clip's log-mel picture
    label: int | None             # its class index; None: the evaluator names it
    steps: int                    # the GAN's optimisation steps


def encode_request(checkpoint, picture, label="any", steps=INVERSION_STEPS) -> EncodeRequest:
    """The checked request of encode_picture: the picture (or clip) readable, not blank or silent, not
    too large; or BadRequest."""
    steps = integer(steps, "The number of inversion steps", 1, MAX_INVERSION_STEPS)
    checkpoint, x = _front_end(checkpoint, picture)
    return EncodeRequest(checkpoint, x, check_label(label, class_names(checkpoint)), steps)


def check_picture(checkpoint, picture, label="any") -> EncodeRequest:
    """Every check of encode_picture, without encoding: the checkpoint, the class and the picture (or
    clip, for a sound checkpoint): readable, not blank or silent, not too large; or BadRequest."""
    return encode_request(checkpoint, picture, label)


def encode_picture(checkpoint, picture, label="any", steps=INVERSION_STEPS, progress=None) -> Encoded:
    """Place a picture (image checkpoints) or a clip (sound checkpoints: file bytes or (rate, samples))
    in `checkpoint`'s latent space. label 'any': the evaluator names its class (conditional models
    need one). steps: the GAN's optimisation steps; progress(done, total)."""
    return run_encode(encode_request(checkpoint, picture, label, steps), progress)


def run_encode(request: EncodeRequest, progress=None) -> Encoded:
    """Place a checked request's picture in its checkpoint's latent space."""
    checkpoint, x, index, steps = request.checkpoint, request.x, request.label, request.steps
    described = hub.describe(checkpoint)
    model = hub.generator(checkpoint)
    t0 = time.perf_counter()
    with torch.inference_mode():
        if index is None:
            index = int(hub.load(described.evaluator)(x).argmax(1))
    y = torch.tensor([index])
    losses = []                                 # filled by an iterative encoder (the GAN's inversion)
    z = model.encode(x, y, callback=progress, steps=steps, losses=losses)
    with torch.inference_mode():
        rebuilt = model.decode(z, y)
    ms = (time.perf_counter() - t0) * 1000
    error = float((rebuilt - x).pow(2).mean())
    vae_error = None
    one_pass = hub.serving(described.dataset, "vae") if losses else []
    if one_pass:                                # a search: compare with one encoder pass on the same picture
        with torch.inference_mode():
            vae = hub.generator(one_pass[0].name)
            vae_error = float((vae.decode(vae.encode(x, y), y) - x).pow(2).mean())
    modality = described.modality
    extra = {}
    if modality == "audio":
        with torch.inference_mode():
            sound = described.sound
            extra = dict(sample_rate=sound.sample_rate, heard=sound.pcm16(sound.waveform(x)),
                         rebuilt_sound=sound.pcm16(sound.waveform(rebuilt)))
    return Encoded(checkpoint, z[0].detach(), index, one_picture(x, modality), one_picture(rebuilt, modality), error,
                   ms, METHODS[described.family], vae_error, hashlib.sha256(x.numpy().tobytes()).hexdigest()[:16],
                   [round(v, 6) for v in losses], **extra)


def walk_from_picture(checkpoint, picture, label="any", to_seed=1, to_label="any", steps=16, spherical=True,
                      progress=None, to_picture=None) -> tuple[Encoded, WalkResult]:
    """Encode a picture (or clip), then walk from its latent to `to_seed`'s, or, when `to_picture`
    is given, to where that second picture (or clip) lands (its class: `to_label`, or recognised)."""
    steps, to_seed, spherical = check_path_steps(steps), check_seed(to_seed), check_spherical(spherical)
    end = None if to_picture is None else encode_request(checkpoint, to_picture, to_label)   # refused before
    start = encode_request(checkpoint, picture, label)                          # the first (slow) inversion
    classes = class_names(start.checkpoint)
    to_index = check_label(to_label, classes) if end is None else None
    encoded = run_encode(start, progress)
    if end is not None:
        reached = run_encode(end, progress)
        b, label_b, provenance = reached.z, reached.label, {"to_picture_sha256": reached.fingerprint}
    else:
        model = hub.generator(encoded.checkpoint)
        with torch.inference_mode():
            b, label_b = endpoint(model, to_seed, to_index, len(classes))
        provenance = {"to_seed": to_seed}
    result = walk_between(encoded.checkpoint, encoded.z, encoded.label, b, label_b, steps, spherical,
                          time.perf_counter(), {"from_picture_sha256": encoded.fingerprint, **provenance})
    return encoded, result
