"""Instrument notes and melodies: a note asked for by instrument family and pitch (the Audio tab's
Instrument notes, `generate --instrument --pitch`), and a tune played by one generated instrument, or by
one that morphs into another across the tune (the Melody panel, `python -m genapp melody`)."""
import time
from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image

from .. import hub
from ..data import DATASETS
from .checks import BadRequest, check_seed, class_names, one_of
from .images import GRID_SCALE
from .latent import check_walker
from .render import to_grid, wav_bytes
from .samples import SampleRequest, comparison_request, sample_request
from .sounds import AudioResult, run_sounds
from .tunes import Tune, assemble, check_bpm, gradient, midi_of, note_name, parse_tune, piano_roll

DATASET = "notes"
DEFAULT_BPM = 100
COLOURS = ((59, 125, 216), (216, 75, 59))      # the piano roll's first instrument, and the one it morphs into


# labels

def instruments() -> tuple:
    return dict(DATASETS[DATASET].factors)["instrument"]


def check_instrument(instrument) -> str:
    return one_of(instrument, instruments(), "an instrument")


def pitches() -> tuple:
    return dict(DATASETS[DATASET].factors)["pitch"]


def check_pitch(pitch) -> str:
    """A note name the models learned ('C4', 'Db4' -> 'C#4'), or BadRequest."""
    name = note_name(midi_of(pitch))
    if name not in pitches():
        low, high = pitches()[0], pitches()[-1]
        raise BadRequest(f"{name} is outside the pitches the models learned, {low} to {high}.")
    return name


def note_label(instrument, pitch) -> str:
    """The class name of an instrument family and a pitch: 'brass C4'."""
    return f"{check_instrument(instrument)} {check_pitch(pitch)}"


# notes

def notes_request(family, instrument, pitch, n=4, seed=0, steps=None) -> SampleRequest:
    return comparison_request(DATASET, family, n, seed, note_label(instrument, pitch), steps, "audio")


def compare_notes(family, instrument="piano", pitch="C4", n=4, seed=0, steps=None, progress=None) -> list[AudioResult]:
    """What the Audio tab's Instrument notes show: one family's notes, or all three on the same seed."""
    return run_sounds(notes_request(family, instrument, pitch, n, seed, steps), progress)


def generate_notes(checkpoint, instrument="piano", pitch="C4", n=4, seed=0, steps=None, progress=None) -> AudioResult:
    """n one-second notes of an instrument family at a pitch from `checkpoint`; the same arguments
    give the same WAV bytes (`python -m genapp generate gan-notes --instrument brass --pitch C4`)."""
    return run_sounds(sample_request(checkpoint, n, seed, note_label(instrument, pitch), steps, "audio"), progress)[0]


# melodies

@dataclass(frozen=True)
class MelodyRequest:
    """A tune for one checkpoint to play, every value checked once."""
    checkpoint: str
    tune: Tune
    instrument: str
    to_instrument: str | None     # None: the timbre holds; else it morphs into this one across the tune
    seed: int
    bpm: float


@dataclass
class Melody:
    checkpoint: str
    sample_rate: int
    pcm: np.ndarray               # (samples,) int16: the tune
    wav: bytes                    # the same, with provenance
    piano_roll: Image.Image       # the tune's notes, coloured by instrument (a morph: from one colour to the other)
    spectrograms: Image.Image     # each generated note's picture, left to right, low pitches at the bottom
    ms: float = 0.0


def melody_request(checkpoint, tune, instrument="piano", to_instrument=None, seed=0, bpm=DEFAULT_BPM) -> MelodyRequest:
    checkpoint = check_walker(checkpoint)
    if hub.describe(checkpoint).dataset != DATASET:
        raise BadRequest(f"{checkpoint} did not learn instrument notes; pick one of "
                         f"{', '.join(c.name for c in hub.serving(DATASET) if c.generates and not c.specimen)}.")
    to_instrument = None if to_instrument in (None, "", "none", instrument) else check_instrument(to_instrument)
    return MelodyRequest(checkpoint, parse_tune(tune), check_instrument(instrument), to_instrument,
                         check_seed(seed), check_bpm(bpm))


def run_melody(request: MelodyRequest) -> Melody:
    """The tune's notes decoded from one point of latent space: the seed's point for each pitch (a VAE's
    or GAN's z is the same for every note, so the timbre holds; an RBM's is the hidden state its chain
    reaches for that note), the label picking instrument and pitch. A morph mixes the two instruments'
    labels (and latent points), note by note from the first to the last. The same request gives the
    same WAV bytes."""
    t0 = time.perf_counter()
    model, names = hub.generator(request.checkpoint), class_names(request.checkpoint)
    pitches = [note_name(m) for m in request.tune.pitches]
    start = [names.index(f"{request.instrument} {p}") for p in pitches]
    end = [names.index(f"{request.to_instrument or request.instrument} {p}") for p in pitches]
    mix = torch.linspace(0, 1, len(pitches)) if request.to_instrument and len(pitches) > 1 else torch.zeros(len(pitches))
    with torch.inference_mode():
        classes = sorted(set(start + end))
        points = dict(zip(classes, model.seed_points(request.seed, torch.tensor(classes))))
        z = torch.stack([(1 - t) * points[a] + t * points[b] for a, b, t in zip(start, end, mix.tolist())])
        one_hot = lambda classes: torch.nn.functional.one_hot(torch.tensor(classes), len(names)).float()
        x = model.decode(z, (1 - mix[:, None]) * one_hot(start) + mix[:, None] * one_hot(end))
        sound = hub.describe(request.checkpoint).sound
        # a pitch played again is the same picture: through the vocoder once (Ode to Joy's 30 notes: 6 pitches)
        distinct, again = torch.unique(x, dim=0, return_inverse=True)
        waves = sound.waveform(distinct)[again].numpy()
    song = assemble(waves, request.tune, request.bpm, sound.sample_rate)
    pcm = (np.clip(song, -1, 1) * 32767).round().astype(np.int16)
    text = {"software": "genapp", "checkpoint": request.checkpoint,
            "weights_sha256": hub.weights_sha256(request.checkpoint), "seed": request.seed,
            "tune": str(request.tune), "bpm": f"{request.bpm:g}", "instrument": request.instrument,
            **({"to_instrument": request.to_instrument} if request.to_instrument else {})}
    colours = gradient(COLOURS[0], COLOURS[1] if request.to_instrument else COLOURS[0], len(pitches))
    return Melody(request.checkpoint, sound.sample_rate, pcm, wav_bytes(pcm, text, sound.sample_rate),
                  piano_roll(request.tune, request.bpm, colours=colours),
                  to_grid(x.flip(2), scale=GRID_SCALE, columns=len(pitches)), (time.perf_counter() - t0) * 1000)


def play_melody(checkpoint, tune, instrument="piano", to_instrument=None, seed=0, bpm=DEFAULT_BPM) -> Melody:
    """A tune ("C4 E4 G4 C5:2") played by one generated instrument, or morphing into another."""
    return run_melody(melody_request(checkpoint, tune, instrument, to_instrument, seed, bpm))
