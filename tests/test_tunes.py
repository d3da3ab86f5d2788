"""Tunes without models: note names, typed tunes and their refusals, the built-in tunes, the melody
laid out in samples, and the piano roll."""
import time

import numpy as np
import pytest

from genapp.studio.checks import BadRequest
from genapp.studio.tunes import (HIGHEST, LOWEST, MAX_NOTES, TUNES, assemble, check_bpm, durations, gradient,
                                 midi_of, note_name, parse_tune, piano_roll)


# note names

def test_note_names_and_midi_numbers_round_trip_over_all_of_midi():
    assert [midi_of(n) for n in ("C4", "C#4", "Db4", "B3", "c4", "bb3", "A4", "C-1", "G9")] == \
        [60, 61, 61, 59, 60, 58, 69, 0, 127]
    assert (note_name(60), note_name(61), note_name(LOWEST), note_name(HIGHEST)) == ("C4", "C#4", "C3", "C6")
    assert all(midi_of(note_name(m)) == m for m in range(128))


@pytest.mark.parametrize("name", ["H9", "C", "C#", "4", "C10", "Cx4", "", "C4:2"])
def test_what_is_not_a_note_name_gets_a_sentence(name):
    with pytest.raises(BadRequest, match=f"^'{name}' is not a note name: write a letter A to G, an optional # or b, "
                                         r"and an octave, like C4 or F#3\.$"):
        midi_of(name)


def test_names_past_midi_and_numbers_past_midi_are_refused():
    with pytest.raises(BadRequest, match="outside MIDI's notes, C-1 to G9"):
        midi_of("G#9")
    with pytest.raises(BadRequest, match="outside MIDI's notes"):
        midi_of("Cb-1")
    for bad in (128, -1, 60.0, True, "60"):
        with pytest.raises(BadRequest, match="A MIDI note is a whole number from 0 to 127"):
            note_name(bad)


# typed tunes

def test_a_typed_tune_parses_to_pitches_and_beats():
    tune = parse_tune("C4 E4 G4 C5:2")
    assert tune.notes == ((60, 1.0), (64, 1.0), (67, 1.0), (72, 2.0))
    assert tune.total_beats == 5 and tune.pitches == (60, 64, 67, 72)


def test_commas_rests_fractions_and_accidentals():
    tune = parse_tune(" d4:1/2, R  rest:0.5,Bb3:2 ,f#4 ")
    assert tune.notes == ((62, 0.5), (None, 1.0), (None, 0.5), (58, 2.0), (66, 1.0))
    assert tune.pitches == (62, 58, 66) and tune.total_beats == 5
    assert str(tune) == "D4:0.5 R R:0.5 A#3:2 F#4"
    assert parse_tune(str(tune)) == tune


@pytest.mark.parametrize("text, sentence", [
    ("", "Type a tune: note names like C4 E4 G4 C5:2."),
    ("  , \n", "Type a tune: note names like C4 E4 G4 C5:2."),
    ("C4 H9 E4", "'H9' is not a note name: write a letter A to G, an optional # or b, and an octave, like C4 or F#3."),
    ("C4 g7", "G7 is above the highest note the models learned, C6."),
    ("C#6", "C#6 is above the highest note the models learned, C6."),
    ("B2:2", "B2 is below the lowest note the models learned, C3."),
    ("C4:0", "In 'C4:0', the length must be a number of beats from 1/8 to 8, like :2, :0.5 or :1/2."),
    ("C4:-1", "In 'C4:-1', the length must be a number of beats from 1/8 to 8, like :2, :0.5 or :1/2."),
    ("C4:two", "In 'C4:two', the length must be"),
    ("C4:", "In 'C4:', the length must be"),
    ("C4:1/0", "In 'C4:1/0', the length must be"),
    ("C4:nan", "In 'C4:nan', the length must be"),
    ("C4:9", "In 'C4:9', the length must be"),
    ("C4:1/16", "In 'C4:1/16', the length must be"),
    ("R R:2 rest", "A tune needs at least one note, not only rests."),
    (None, "A tune is text, note names like C4 E4 G4 C5:2, not None."),
    (60, "A tune is text, note names like C4 E4 G4 C5:2, not 60."),
])
def test_each_bad_tune_gets_its_sentence(text, sentence):
    with pytest.raises(BadRequest) as refused:
        parse_tune(text)
    assert str(refused.value).startswith(sentence)


def test_the_longest_tune_passes_and_a_huge_one_is_refused_fast_without_echoing_it():
    assert len(parse_tune(" ".join(["C4"] * MAX_NOTES)).notes) == MAX_NOTES
    huge = " ".join(["C4:1/2", "R"] * 5000)
    start = time.perf_counter()
    with pytest.raises(BadRequest) as refused:
        parse_tune(huge)
    assert time.perf_counter() - start < 0.05
    assert str(refused.value) == "A tune can have at most 64 notes and rests; this one has more."
    with pytest.raises(BadRequest) as refused:                 # one enormous token: quoted short
        parse_tune("Q" * 1_000_000)
    assert len(str(refused.value)) < 200


def test_a_narrower_range_is_the_one_checked():
    assert parse_tune("C4", low=60, high=60).pitches == (60,)
    with pytest.raises(BadRequest, match="^D4 is above the highest note the models learned, C4.$"):
        parse_tune("C4 D4", low=60, high=60)


@pytest.mark.parametrize("title", TUNES)
def test_every_built_in_tune_parses_inside_the_models_range(title):
    tune = parse_tune(TUNES[title])
    assert 12 <= len(tune.notes) <= 40
    assert LOWEST <= min(tune.pitches) and max(tune.pitches) <= HIGHEST


def test_built_in_tunes_are_the_melodies_they_name():
    ode, old = parse_tune(TUNES["Ode to Joy (Beethoven)"]), parse_tune(TUNES["Old Hundredth (Genevan Psalter, 1551)"])
    assert str(ode).startswith("F#4 F#4 G4 A4 A4 G4 F#4 E4 D4 D4 E4 F#4 F#4:1.5 E4:0.5 E4:2")
    assert ode.total_beats == 32                                   # eight bars of 4/4
    assert old.total_beats == 40 and [old.notes[i][1] for i in (0, 7, 8, 15, 16, 23, 24, 31)] == [2] * 8
    assert str(old).split()[-8:] == ["D5:2", "B4", "G4", "A4", "C5", "B4", "A4", "G4:2"]
    assert parse_tune(TUNES["Frère Jacques (folk round)"]).total_beats == 32


# the melody

def test_durations_and_tempo():
    assert durations(parse_tune("C4 E4:2 R:1/2"), 120) == [0.5, 1.0, 0.25]
    assert check_bpm(120) == 120 and check_bpm("90") == 90
    for bad in (20, 300, "fast", None):
        with pytest.raises(BadRequest, match="The tempo"):
            check_bpm(bad)


def test_assemble_places_each_note_at_its_onset_and_fades_it_where_it_is_cut():
    sr, bpm = 1000, 120                                                # a beat is 500 samples
    tune = parse_tune("C4 R E4:2 G4:1/2")
    waves = np.ones((3, 800), np.float32) * np.array([[1], [2], [3]], np.float32)
    melody = assemble(waves, tune, bpm, sr, fade_s=0.03)
    assert melody.dtype == np.float32 and melody.shape == (2250,)      # 4.5 beats, no ring past the end
    # C4: beats 0-1, cut at 500 samples, fading over the last 30
    assert melody[0] == 1 and melody[469] == 1 and melody[499] == 0 and 0 < melody[485] < 1
    assert np.all(np.diff(melody[470:500]) < 0)
    assert np.all(melody[500:1000] == 0)                               # the rest
    # E4: beats 2-4 (1000 samples) but its wave is 800: it ends with the wave, faded too
    assert melody[1000] == 2 and melody[1769] == 2 and melody[1799] == 0 and np.all(melody[1800:2000] == 0)
    # G4: half a beat from beat 4, ending the tune at zero
    assert melody[2000] == 3 and melody[-1] == 0


def test_assemble_needs_one_wave_per_pitched_note():
    with pytest.raises(ValueError, match="one wave per pitched note"):
        assemble(np.zeros((2, 100)), parse_tune("C4 R E4 G4"), 120, 1000)


def test_onsets_do_not_drift_on_a_long_tune():
    tune = parse_tune(" ".join(["C4:1/3"] * 63 + ["C4"]))
    melody = assemble(np.ones((64, 16000)), tune, 97, 16000)
    assert len(melody) == round(tune.total_beats * 60 / 97 * 16000)


# the piano roll

def test_the_roll_grows_with_the_tune_and_its_range():
    short, long = piano_roll(parse_tune("C4 E4")), piano_roll(parse_tune("C4 E4 " + "G4:8 " * 4))
    assert short.mode == "RGB" and short.size[0] >= 320 and long.size[0] > short.size[0] + 1000
    assert long.size[0] == 34 + 34 * 40 + 8                           # margin, 34 beats of 40 px, padding
    wide = piano_roll(parse_tune("C3 C6"))
    assert wide.size[1] - short.size[1] == (41 - 13) * 12      # rows A#2..D6 against an octave, A#3..C5
    assert piano_roll(parse_tune("C4"), low=LOWEST, high=HIGHEST).size[1] == 8 + 37 * 12 + 18


def test_each_note_is_drawn_in_its_colour_at_its_place():
    tune = parse_tune("C4 R E4:2")
    red, green = (220, 40, 40), (40, 180, 60)
    image = piano_roll(tune, bpm=120, colours=[red, green])
    top = 68                                  # rows 58..66 (two to spare) widened to an octave: 56..68
    row_middle = lambda midi: 8 + (top - midi) * 12 + 6
    assert image.size[1] == 8 + 13 * 12 + 18
    assert image.getpixel((34 + 20, row_middle(60))) == red           # C4 in beat 1
    assert image.getpixel((34 + 3 * 40, row_middle(64))) == green     # E4 across beats 3 and 4
    assert image.getpixel((34 + 60, row_middle(60))) != red           # the rest
    plain = piano_roll(tune)
    assert plain.getpixel((34 + 20, row_middle(60))) == plain.getpixel((34 + 3 * 40, row_middle(64)))
    with pytest.raises(ValueError, match="one colour per pitched note"):
        piano_roll(tune, colours=[red])


def test_a_gradient_runs_from_one_colour_to_the_other():
    assert gradient((0, 0, 0), (100, 200, 40), 3) == [(0, 0, 0), (50, 100, 20), (100, 200, 40)]
    assert gradient((1, 2, 3), (9, 9, 9), 1) == [(1, 2, 3)]
