"""Instrument notes: every General MIDI program of ten instrument families played at 37 pitches (C3 to
C6, three octaves) and four velocities, rendered from the FluidR3 Mono GM soundfont (Frank Wen and
contributors, MIT; Debian's `fluidr3mono-gm-soundfont`) by TinySoundFont (`tinysoundfont` on PyPI).
Each note is one second at 16 kHz: pressed at 0 s, let go at 0.75 s, its release heard to the end.

Rendering is deterministic and fast (about 3 s for all 11,840 notes), so the soundfont itself is the
data set's file: nothing rendered is stored. A label is one of 370 classes, an instrument family and
a pitch (class = family x 37 + pitch), so a model conditioned on the class is told both.
"""
from pathlib import Path

import numpy as np
import torch

from .audio import Sound
from .dataset import Dataset

SOUNDFONT = "FluidR3Mono_GM.sf3"
DEFAULT_DIR = "/usr/share/sounds/sf3"
LICENCE = "MIT, FluidR3 Mono GM soundfont (Frank Wen and contributors), rendered by TinySoundFont"
# name -> the General MIDI family (programs 8g to 8g + 7); GM's ensemble, synth pad, effects,
# ethnic, percussive and sound-effect families are left out (pads and ensembles are strings again)
FAMILIES = {"piano": 0, "mallets": 1, "organ": 2, "guitar": 3, "bass": 4, "strings": 5, "brass": 7,
            "reed": 8, "pipe": 9, "synth-lead": 10}
LOWEST, HIGHEST = 48, 84                      # MIDI keys C3 and C6
NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
PITCHES = tuple(f"{NAMES[k % 12]}{k // 12 - 1}" for k in range(LOWEST, HIGHEST + 1))
TRAIN_VELOCITIES, TEST_VELOCITIES = (48, 80, 112), (96,)
PRESSED_S = 0.75
# 16 kHz, 1 s; 128 bands equally spaced in log frequency from 40 Hz (an octave is 16.9 bands: a
# pitch is a row, and a pitch change moves the whole picture up or down); 64 ms windows, 64 hops;
# picture 1 = +45 dB band power (the loudest note: +42.1)
NOTES = Sound(sample_rate=16000, n_fft=1024, hop=250, bands=128, frames=64, scale="log", low_hz=40.0,
              top_db=45.0, gap=0.1, align="onset")


def class_index(family: str, pitch: str) -> int:
    return list(FAMILIES).index(family) * len(PITCHES) + PITCHES.index(pitch)


def render(folder: str | Path, programs, keys, velocities, sound: Sound = NOTES) -> np.ndarray:
    """(len(programs) x len(keys) x len(velocities), samples) float32 notes, in that nested order,
    each peak-normalised to sound.peak (mono: the mean of the synthesiser's two channels)."""
    import tinysoundfont                        # only where notes are rendered: the app serves without it
    if not (Path(folder) / SOUNDFONT).is_file():
        raise FileNotFoundError(f"no {SOUNDFONT} in {folder}: apt-get install fluidr3mono-gm-soundfont")
    synth = tinysoundfont.Synth(samplerate=sound.sample_rate)
    font = synth.sfload(str(Path(folder) / SOUNDFONT))
    pressed = round(PRESSED_S * sound.sample_rate)
    notes = []
    for program in programs:
        synth.program_select(0, font, 0, program)
        for key in keys:
            for velocity in velocities:
                synth.noteon(0, key, velocity)
                held = np.frombuffer(synth.generate(pressed), dtype=np.float32)
                synth.noteoff(0, key)
                released = np.frombuffer(synth.generate(sound.clip_samples - pressed), dtype=np.float32)
                synth.sounds_off(0)
                synth.generate(sound.sample_rate // 10)          # let the voice die before the next note
                wave = np.concatenate([held, released]).reshape(-1, 2).mean(1)
                notes.append(wave * (sound.peak / max(np.abs(wave).max(), 1e-6)))
    return np.stack(notes).astype(np.float32)


def read_notes(folder: str | Path, split: str):
    """(waves (N, 16000) float32 tensor, classes (N,) int64) of a split: the training velocities'
    notes or the test velocity's, every program and pitch in both."""
    assert split in ("train", "test"), f"split must be train or test, got {split!r}"
    velocities = TRAIN_VELOCITIES if split == "train" else TEST_VELOCITIES
    programs = [8 * g + p for g in FAMILIES.values() for p in range(8)]
    waves = render(folder, programs, range(LOWEST, HIGHEST + 1), velocities)
    family = np.repeat(np.arange(len(FAMILIES)), 8 * len(PITCHES) * len(velocities))
    pitch = np.tile(np.repeat(np.arange(len(PITCHES)), len(velocities)), 8 * len(FAMILIES))
    return torch.from_numpy(waves), torch.from_numpy(family * len(PITCHES) + pitch)


def write_notes(out: str | Path, folder: str | Path | None = None) -> int:
    """Every note of both splits as a 16-bit WAV file named `{family}_{program}_{pitch}_v{velocity}.wav`
    (e.g. `brass_57_C4_v96.wav`) in `out`, for listening and publishing; -> how many."""
    import soundfile as sf
    out, folder = Path(out), Path(folder or DEFAULT_DIR)
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for family, g in FAMILIES.items():
        for program in range(8 * g, 8 * g + 8):
            waves = render(folder, [program], range(LOWEST, HIGHEST + 1), TRAIN_VELOCITIES + TEST_VELOCITIES)
            names = [(p, v) for p in PITCHES for v in TRAIN_VELOCITIES + TEST_VELOCITIES]
            for wave, (pitch, velocity) in zip(waves, names):
                sf.write(out / f"{family}_{program}_{pitch}_v{velocity}.wav", wave, NOTES.sample_rate, "PCM_16")
                count += 1
    return count


DATASET = Dataset(
    "notes", "Instrument notes", tuple(f"{f} {p}" for f in FAMILIES for p in PITCHES), DEFAULT_DIR, LICENCE,
    modality="audio", sound=NOTES, read=read_notes, factors=(("instrument", tuple(FAMILIES)), ("pitch", PITCHES)),
    subfolder="notes", files=(SOUNDFONT,),
    checkpoints=("vae-notes", "gan-notes", "rbm-notes", "eval-notes"), validation=888, yardstick=740,
    walk_ends=(class_index("brass", "C4"), class_index("strings", "C4")),      # a timbre morph at one pitch
    split="10 General MIDI instrument families x their 8 programs x 37 pitches (C3 to C6) x 4 velocities, "
          "rendered at 16 kHz. Velocities 48, 80 and 112 are the training set (8,880 notes; a fixed random 888 "
          "of them for validation during training), velocity 96 the test set (2,960): every program and pitch "
          "is in both, so the test asks whether a model hears an instrument and a pitch at a loudness it never "
          "heard, not whether it can invent a program (10 MB models can't be asked to). Each note is "
          "peak-normalised and seen as a 128 x 64 log-frequency picture (`genapp/data/notes.py`)",
    source=f"`{SOUNDFONT}` of Debian's `fluidr3mono-gm-soundfont` 2.315-7 (MIT), rendered note by note with "
           "`tinysoundfont` 0.3.7: `python -m genapp data notes --out DIR` writes the notes as WAV files")
