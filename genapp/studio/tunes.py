"""Tunes for the Melody panel, with no model in sight: note names <-> MIDI numbers, a typed tune
(`C4 E4 G4 C5:2`) parsed and checked, the built-in tunes, one generated note per pitched note laid end to
end at a tempo, and the tune's piano roll.

A tune's text: note names (a letter A to G, an optional # or b, an octave: C4 is MIDI 60, middle C) or
rests (R or rest), each with an optional length in beats (:2, :0.5, :1/2; one beat if none), separated by
spaces or commas."""
import math
import re
import reprlib
from dataclasses import dataclass
from itertools import accumulate

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ..data import notes
from .checks import BadRequest, number

LOWEST, HIGHEST = notes.LOWEST, notes.HIGHEST   # C3..C6: the pitches the instrument models learned (37)
MAX_NOTES = 64                    # notes and rests in one tune
MIN_BEATS, MAX_BEATS = 0.125, 8   # one note's length; under 1/8 beat a note is a click (and 5 px in the roll)
MIN_BPM, MAX_BPM = 40, 240

LETTERS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
SHARP_NAMES = notes.NAMES
ACCIDENTALS = {"": 0, "#": 1, "♯": 1, "b": -1, "♭": -1}
NOTE_NAME = re.compile(r"([A-Ga-g])([#♯b♭]?)(-1|[0-9])")
RESTS = ("r", "rest")
HOW_TO_NAME = "write a letter A to G, an optional # or b, and an octave, like C4 or F#3"
HOW_TO_LENGTH = "a number of beats from 1/8 to 8, like :2, :0.5 or :1/2"

# Public domain melodies, every note inside C3..C6.
TUNES = {
    # the finale of the Ninth Symphony (1824), in its key, D major
    "Ode to Joy (Beethoven)":
        "F#4 F#4 G4 A4 A4 G4 F#4 E4 D4 D4 E4 F#4 F#4:1.5 E4:0.5 E4:2 "
        "F#4 F#4 G4 A4 A4 G4 F#4 E4 D4 D4 E4 F#4 E4:1.5 D4:0.5 D4:2",
    "Frère Jacques (folk round)":
        "C4 D4 E4 C4 C4 D4 E4 C4 E4 F4 G4:2 E4 F4 G4:2 "
        "G4:0.5 A4:0.5 G4:0.5 F4:0.5 E4 C4 G4:0.5 A4:0.5 G4:0.5 F4:0.5 E4 C4 C4 G3 C4:2 C4 G3 C4:2",
    # Louis Bourgeois's tune for Psalm 134 (the Doxology's), in G as English hymnals print it: each line
    # opens and closes on a half note
    "Old Hundredth (Genevan Psalter, 1551)":
        "G4:2 G4 F#4 E4 D4 G4 A4 B4:2 B4:2 B4 B4 A4 G4 C5 B4 A4:2 "
        "G4:2 A4 B4 A4 G4 E4 F#4 G4:2 D5:2 B4 G4 A4 C5 B4 A4 G4:2",
    # the instrument over the models' whole range, to hear its timbre change with pitch
    "C major arpeggio, C3 to C6 and back":
        "C3 E3 G3 C4 E4 G4 C5 E5 G5 C6:2 G5 E5 C5 G4 E4 C4 G3 E3 C3:2",
}


# note names

def midi_of(name) -> int:
    """A note name -> its MIDI number: 'C4' -> 60, 'C#4' and 'Db4' -> 61, 'B3' -> 59 (any case of letter)."""
    found = NOTE_NAME.fullmatch(name.strip()) if isinstance(name, str) else None
    if found is None:
        raise BadRequest(f"{reprlib.repr(name)} is not a note name: {HOW_TO_NAME}.")
    letter, accidental, octave = found.groups()
    midi = 12 * (int(octave) + 1) + LETTERS[letter.upper()] + ACCIDENTALS[accidental]
    if not 0 <= midi <= 127:                                   # Cb-1 and G#9 name no MIDI note
        raise BadRequest(f"{reprlib.repr(name)} is outside MIDI's notes, C-1 to G9.")
    return midi


def note_name(midi: int) -> str:
    """A MIDI number -> its name, with sharps: 60 -> 'C4', 61 -> 'C#4'."""
    if isinstance(midi, bool) or not isinstance(midi, (int, np.integer)) or not 0 <= midi <= 127:
        raise BadRequest(f"A MIDI note is a whole number from 0 to 127, not {reprlib.repr(midi)}.")
    octave, pitch = divmod(int(midi), 12)
    return f"{SHARP_NAMES[pitch]}{octave - 1}"


# tunes

@dataclass(frozen=True)
class Tune:
    """A checked tune: (MIDI pitch, or None for a rest; length in beats) per note, in order."""
    notes: tuple[tuple[int | None, float], ...]

    @property
    def total_beats(self) -> float:
        return sum(beats for _, beats in self.notes)

    @property
    def pitches(self) -> tuple[int, ...]:
        """The pitched notes in order: what the models generate, one wave each."""
        return tuple(midi for midi, _ in self.notes if midi is not None)

    def __str__(self) -> str:
        """The tune as text parse_tune reads back: 'C4 E4 G4 C5:2'."""
        return " ".join(("R" if midi is None else note_name(midi)) + ("" if beats == 1 else f":{beats:g}")
                        for midi, beats in self.notes)


def _beats(length: str, token: str) -> float:
    """'2', '0.5' or '1/2' -> beats, in [MIN_BEATS, MAX_BEATS]."""
    try:
        top, _, bottom = length.partition("/")
        beats = float(top) / float(bottom) if bottom else float(top)
    except (ValueError, ZeroDivisionError):
        beats = math.nan
    if not MIN_BEATS <= beats <= MAX_BEATS:                    # nan fails too
        raise BadRequest(f"In {reprlib.repr(token)}, the length must be {HOW_TO_LENGTH}.")
    return beats


def _note(token: str, low: int, high: int) -> tuple[int | None, float]:
    name, colon, length = token.partition(":")
    beats = _beats(length, token) if colon else 1.0
    if name.lower() in RESTS:
        return None, beats
    midi = midi_of(name)
    shown = name[0].upper() + name[1:]
    if midi < low:
        raise BadRequest(f"{shown} is below the lowest note the models learned, {note_name(low)}.")
    if midi > high:
        raise BadRequest(f"{shown} is above the highest note the models learned, {note_name(high)}.")
    return midi, beats


def parse_tune(text, low: int = LOWEST, high: int = HIGHEST) -> Tune:
    """Typed text ('C4 E4 G4 C5:2', 'D4:1/2, R, A3:2') -> a Tune, its notes inside [low, high] (MIDI),
    or a BadRequest saying what to change."""
    if not isinstance(text, str):
        raise BadRequest(f"A tune is text, note names like C4 E4 G4 C5:2, not {reprlib.repr(text)}.")
    # read no further than one token past the limit: a huge paste is refused as fast as a short one
    tokens = []
    for found in re.finditer(r"[^\s,]+", text):
        if len(tokens) == MAX_NOTES:
            raise BadRequest(f"A tune can have at most {MAX_NOTES} notes and rests; this one has more.")
        tokens.append(found.group())
    if not tokens:
        raise BadRequest("Type a tune: note names like C4 E4 G4 C5:2.")
    notes = tuple(_note(token, low, high) for token in tokens)
    if all(midi is None for midi, _ in notes):
        raise BadRequest("A tune needs at least one note, not only rests.")
    return Tune(notes)


def check_bpm(bpm) -> float:
    return number(bpm, "The tempo (beats per minute)", MIN_BPM, MAX_BPM)


# the melody

def durations(tune: Tune, bpm: float) -> list[float]:
    """Seconds per note (rests too), at a checked tempo."""
    return [beats * 60 / bpm for _, beats in tune.notes]


def _starts(tune: Tune) -> list[float]:
    """Each note's start in beats, then the tune's end."""
    return list(accumulate((beats for _, beats in tune.notes), initial=0.0))


def assemble(waves: np.ndarray, tune: Tune, bpm: float, sample_rate: int, fade_s: float = 0.03) -> np.ndarray:
    """One generated wave per pitched note (P, samples), in the tune's order -> the melody, float32 (T,),
    T = the tune's length at `bpm`. Each note starts at its onset and lasts its length or its wave's,
    whichever is shorter, fading linearly to zero over its last `fade_s` seconds; rests are silence.
    Notes don't overlap, and the last one is cut at the tune's end."""
    waves = np.asarray(waves)
    if waves.ndim != 2 or len(waves) != len(tune.pitches):
        raise ValueError(f"assemble needs one wave per pitched note, ({len(tune.pitches)}, samples); got {waves.shape}")
    # rounded from each start's time, not summed from rounded lengths: no error builds up along a long tune
    onsets = [round(beats * 60 / bpm * sample_rate) for beats in _starts(tune)]
    melody = np.zeros(onsets[-1], np.float32)
    pitched = (i for i, (midi, _) in enumerate(tune.notes) if midi is not None)
    for wave, i in zip(waves, pitched):
        start, n = onsets[i], min(onsets[i + 1] - onsets[i], waves.shape[1])
        fade = min(n, max(1, round(fade_s * sample_rate)))
        # fade where the next note cuts it and also where the wave itself ends: a generated wave need
        # not end at silence, and a jump to zero clicks as loudly as a cut
        melody[start:start + n] = wave[:n]
        melody[start + n - fade:start + n] *= np.linspace(1, 0, fade, dtype=np.float32)
    return melody


# the piano roll

BEAT_PX, ROW_PX, MIN_WIDTH = 40, 12, 320
LABEL_PX, PAD_PX, AXIS_PX = 34, 8, 18               # left margin (C labels), right and top padding, time axis
NOTE_COLOUR = (59, 125, 216)
WHITE_ROW, BLACK_ROW = (250, 250, 252), (228, 231, 237)
BLACK_KEYS = {1, 3, 6, 8, 10}                       # pitch classes of C#, D#, F#, G#, A#


def gradient(start: tuple, end: tuple, n: int) -> list[tuple[int, int, int]]:
    """n RGB colours from start to end: the notes' colours as the timbre morphs from one instrument to another."""
    return [tuple(round(a + (b - a) * i / max(1, n - 1)) for a, b in zip(start, end)) for i in range(n)]


def _shade(colour: tuple, by: float) -> tuple[int, int, int]:
    return tuple(round(c * by) for c in colour)


def piano_roll(tune: Tune, bpm: float | None = None, low: int | None = None, high: int | None = None,
               colours: list | None = None) -> Image.Image:
    """The tune as an RGB piano roll: time across (BEAT_PX per beat), pitch up (ROW_PX per semitone), black
    keys' rows shaded, a line and a label at each C. Rows span the tune's notes with two semitones to spare,
    at least an octave, widened to `low`/`high` if given. One colour per pitched note (`colours`, RGB),
    or one for all. With `bpm`, the time axis is in seconds; without, in beats."""
    pitches = tune.pitches
    colours = list(colours) if colours is not None else [NOTE_COLOUR] * len(pitches)
    if len(colours) != len(pitches):
        raise ValueError(f"piano_roll needs one colour per pitched note ({len(pitches)}); got {len(colours)}")
    bottom, top = min(pitches) - 2, max(pitches) + 2
    if low is not None:
        bottom = min(bottom, low)
    if high is not None:
        top = max(top, high)
    spare = max(0, 12 - (top - bottom))                          # an octave at least, so a C is labelled
    bottom, top = max(0, bottom - spare // 2), min(127, top + spare - spare // 2)
    rows = top - bottom + 1
    roll_w = max(MIN_WIDTH - LABEL_PX - PAD_PX, math.ceil(tune.total_beats * BEAT_PX))
    width, height = LABEL_PX + roll_w + PAD_PX, PAD_PX + rows * ROW_PX + AXIS_PX
    image = Image.new("RGB", (width, height), "white")
    draw, font = ImageDraw.Draw(image), ImageFont.load_default(size=11)
    x_of = lambda beats: LABEL_PX + beats * BEAT_PX
    y_of = lambda midi: PAD_PX + (top - midi) * ROW_PX                # the row's top edge
    right, floor = LABEL_PX + roll_w, PAD_PX + rows * ROW_PX

    for midi in range(bottom, top + 1):
        draw.rectangle([LABEL_PX, y_of(midi), right - 1, y_of(midi) + ROW_PX - 1],
                       fill=BLACK_ROW if midi % 12 in BLACK_KEYS else WHITE_ROW)
    for beat in range(math.ceil(tune.total_beats) + 1):
        if x_of(beat) < right:
            draw.line([(x_of(beat), PAD_PX), (x_of(beat), floor - 1)],
                      fill=(214, 218, 226) if beat % 4 else (180, 186, 198))      # darker each four beats
    for midi in range(bottom, top + 1):
        if midi % 12 == 0:                                            # a line under each C, and its name
            y = y_of(midi) + ROW_PX
            draw.line([(LABEL_PX - 4, y), (right - 1, y)], fill=(120, 128, 142))
            draw.text((LABEL_PX - 6, y_of(midi) + ROW_PX / 2), note_name(midi), fill=(60, 64, 72), font=font,
                      anchor="rm")

    placed = [(midi, start, length) for (midi, length), start in zip(tune.notes, _starts(tune)) if midi is not None]
    for (midi, start, length), colour in zip(placed, colours):
        box = [x_of(start) + 1, y_of(midi) + 1, x_of(start + length) - 2, y_of(midi) + ROW_PX - 2]
        draw.rounded_rectangle(box, radius=3, fill=tuple(colour), outline=_shade(colour, 0.7))

    draw.rectangle([LABEL_PX, PAD_PX, right - 1, floor - 1], outline=(160, 166, 178))
    if bpm:                                                           # a tick each second
        seconds = tune.total_beats * 60 / bpm
        step = 1 if seconds <= 20 else 5
        ticks = [(t * bpm / 60, f"{t} s") for t in range(0, math.floor(seconds) + 1, step)]
    else:                                                             # a tick each four beats
        ticks = [(b, f"beat {b + 1}" if b == 0 else str(b + 1)) for b in range(0, math.ceil(tune.total_beats), 4)]
    for beat, label in ticks:
        draw.line([(x_of(beat), floor), (x_of(beat), floor + 3)], fill=(120, 128, 142))
        fits = x_of(beat) + 2 + draw.textlength(label, font=font) <= width
        draw.text((x_of(beat) + 2 if fits else x_of(beat) - 2, floor + 4), label, fill=(60, 64, 72), font=font,
                  anchor="la" if fits else "ra")
    return image
