"""Shakespeare's lines: the data set (split by position, replies), its alphabet, and its checkpoints' lines
from the command line as the Text tab gives them."""
import subprocess
import sys

import pytest
import torch

from conftest import ROOT
from genapp import hub, studio
from genapp.data import DATASETS, lines, load_tensors

FOLDER = hub.data_folder("lines")


def test_the_test_split_is_the_later_part_of_the_file_and_replies_change_speaker():
    train, test = lines.split_speeches(FOLDER, "train"), lines.split_speeches(FOLDER, "test")
    assert max(first for first, _, _ in train) < min(first for first, _, _ in test)      # by position
    train_lines, test_lines = lines.read_lines(FOLDER, "train"), lines.read_lines(FOLDER, "test")
    assert len(train_lines) > 20_000 and 2_000 < len(test_lines) < 3_000
    assert all(not line.endswith(":") or " " in line for line in train_lines[:200])       # no speakers' names
    replies = lines.read_replies(FOLDER, "test")
    said = {s[2][-1]: s for s in test}
    assert len(replies) > 500 and all(line in said for line, _ in replies[:50])
    first = test[:2]                                          # the first pair: one speech's end, the next's start
    assert first[0][1] != first[1][1] and replies[0] == (first[0][2][-1], first[1][2][0])


def test_rows_spell_every_line_back_and_bad_lines_get_a_sentence():
    alphabet = DATASETS["lines"].alphabet
    some = lines.read_lines(FOLDER, "test")[:50]
    assert alphabet.decode(alphabet.rows(some)) == some
    x, y = load_tensors("lines", FOLDER, "test")
    assert x.shape == (len(lines.read_lines(FOLDER, "test")), 64, 66) and torch.equal(x.sum(-1), torch.ones(x.shape[:2]))
    assert not y.any()
    for bad, said in [("", "a line needs at least one character"), ("x" * 100_000, "lines have at most 63 characters"),
                      ("Hello {world}", "'{}' is outside the vocabulary"), ("Быть или не быть", "outside the vocabulary"),
                      (7, "a line must be text")]:
        with pytest.raises(ValueError, match=said):
            alphabet.check(bad)
    with pytest.raises(ValueError, match="names use only the letters a-z"):       # names keep their own sentence
        DATASETS["names"].alphabet.check("Anne-Marie")


def test_generate_writes_the_lines_the_text_tab_shows(tmp_path):
    out = tmp_path / "lines.txt"
    run = subprocess.run([sys.executable, "-m", "genapp", "generate", "vae-lines", "--n", "6", "--seed", "3",
                          "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    shown = studio.compare_names("vae", 6, 3, 1.0, None, "lines")[0]
    assert out.read_text() == shown.text and len(shown.names) == 6
    assert sum(shown.seen) <= 1                               # new lines, not the training lines recalled


def test_is_it_copying_finds_the_nearest_training_lines_by_edit_distance():
    from genapp.studio.copying import _names, edit_distances, nearest_training
    r = nearest_training("vae-lines", 3, position=2, k=3)
    train = lines.read_lines(FOLDER, "train")
    assert r.unit == "line" and r.name and [nb.name for nb in r.neighbours] == [train[nb.index] for nb in r.neighbours]
    assert [nb.distance for nb in r.neighbours] == sorted(nb.distance for nb in r.neighbours)
    assert "real unseen lines" in r.verdict and "characters inserted" in r.measure
    data = _names(FOLDER, "lines")
    assert edit_distances(train[5], data)[5] == 0 and edit_distances("Speak, speek.", data).min() == 1


def test_a_line_is_a_latent_point_moved_by_hand_and_saved_as_a_bookmark():
    point = studio.seed_point("vae-lines", 5)
    line = studio.decode_point("vae-lines", point.z, "").name
    assert line and len(line) <= 63 and line in studio.walk_names("vae-lines", 5, 6, 2).names[:1]
    moved = [v + 2.0 for v in point.z]                    # every slider pushed far
    assert studio.decode_point("vae-lines", moved, "").name != line
    back = studio.restore(studio.bookmark(point))
    assert back.checkpoint == "vae-lines" and studio.decode_point("vae-lines", back.z, "").name == line
