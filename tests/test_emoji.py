"""Colour emoji: Unicode's list and groups, two fonts' drawings of each emoji, a split by emoji, and the
pictures as the nets take them."""
import subprocess
import sys

import numpy as np
import pytest
import torch

from conftest import ROOT
from genapp.data import DATASETS, emoji, load_tensors
from genapp.models.nets import factor_values

FOLDER = emoji.DATASET.default_dir
needs_fonts = pytest.mark.skipif(not all(emoji.source(emoji.Path(FOLDER), f).is_file()
                                         for f in (emoji.EMOJI_TEST, emoji.NOTO)),
                                 reason="no Noto Color Emoji or Unicode emoji list (the README's test command "
                                        "installs fonts-noto-color-emoji and unicode-data)")


@needs_fonts
def test_the_list_is_unicode_s_fully_qualified_emoji_by_group_without_skin_tones():
    listed = emoji.emoji_list(emoji.source(emoji.Path(FOLDER), emoji.EMOJI_TEST))
    groups = dict(listed)
    assert groups["😀"] == "smileys-emotion" and groups["🐶"] == "animals-nature" and groups["🇫🇷"] == "flags"
    assert groups["🍕"] == "food-drink" and groups["⚽"] == "activities" and groups["❤️"] == "smileys-emotion"
    assert "👍🏽" not in groups and "👍" in groups                                # skin tones left out
    assert {g for _, g in listed} == set(emoji.GROUPS)                           # Component left out


@needs_fonts
def test_each_emoji_is_drawn_in_both_styles_and_the_test_emoji_are_never_trained_on():
    rows = emoji.catalogue(FOLDER)
    x, y = emoji.read_emoji(FOLDER, "train")
    x_test, y_test = emoji.read_emoji(FOLDER, "test")
    assert x.shape[1:] == (emoji.SIZE, emoji.SIZE, 3) and x.dtype == np.uint8
    assert len(x) + len(x_test) == 2 * len(rows) and len(x_test) == 2 * sum(t for *_, t in rows)
    group, style = factor_values(torch.from_numpy(y.astype(np.int64)), (9, 2))
    assert torch.equal(torch.bincount(style), torch.full((2,), len(x) // 2))     # every emoji in both styles
    assert torch.bincount(group, minlength=9).min() > 50                          # every group is there
    tested = {e for e, _, t in rows if t}
    assert len(tested) > 150 and not tested & {e for e, _, t in rows if not t}


@needs_fonts
def test_a_picture_is_the_glyph_in_colour_on_white_the_same_every_time():
    a = emoji.draw("🍕", emoji.source(emoji.Path(FOLDER), emoji.NOTO))
    b = emoji.draw("🍕", emoji.source(emoji.Path(FOLDER), emoji.NOTO))
    assert np.array_equal(a, b) and (a[0, 0] == 255).all() and (a[-1, -1] == 255).all()
    channels = a.reshape(-1, 3).astype(int)
    assert (channels.max(1) - channels.min(1)).max() > 100                      # colour, not grey
    assert not np.array_equal(a, emoji.draw("🍕", emoji.openmoji_font()))      # the two styles differ


@needs_fonts
def test_the_nets_take_emoji_as_rgb_tensors_and_the_data_command_writes_every_picture(tmp_path):
    x, y = load_tensors("emoji", FOLDER, "test")
    assert x.shape[1:] == (3, emoji.SIZE, emoji.SIZE) and 0 <= x.min() and x.max() <= 1 and y.max() < 18
    assert DATASETS["emoji"].class_names[int(y[0])].split() == [emoji.GROUPS[int(y[0]) // 2], emoji.STYLES[int(y[0]) % 2]]
    done = subprocess.run([sys.executable, "-m", "genapp", "data", "emoji", "--out", str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    written = sorted(tmp_path.glob("*/*.png"))
    assert f"{len(written)} emoji as PNG files" in done.stdout and len(list(tmp_path.glob("test/*.png"))) == len(x)
