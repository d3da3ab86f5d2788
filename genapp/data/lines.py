"""Text data: lines of Shakespeare (../shared/data/tinyshakespeare/input.txt, public domain, from
karpathy/char-rnn), and replies: a speech's last line and the next speaker's first line.

The file is a run of speeches, each a speaker's name and a colon on a line of its own, then the speech's
lines, then a blank line. A *line* is one line of a speech: 25,076 of them, none longer than 63
characters. The symbols are characters, not words: the file has 64 distinct characters and over 12,000
distinct words, so a one-hot row is 64 x 66 (every family reads it as it reads names, the RBM with one
softmax per position), a small net can learn it, and no word a student types is outside the vocabulary.
Split by position, not at random: the speeches of the file's first 90% train, those of its last 10%
(the later plays, unseen) test, so a "new" line is new to the models, not a neighbour of one they saw.

Replies (data set "replies"): a speech's last line and the next speaker's first line, the same split: 6,233
training pairs, 814 test. Its examples are (line, reply) pairs: the reply is what a model generates, the line
what it is conditioned on."""
from pathlib import Path

from .dataset import Dataset
from .text import Alphabet

DEFAULT_DIR = "../shared/data/tinyshakespeare"
FILE = "input.txt"
CHARACTERS = " !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"   # the file's, newline aside
LINES = Alphabet(CHARACTERS, 63, "line", "character", "the letters, space, the digit 3 and ! $ & ' , - . : ; ?",
                 end="\n")                               # the end symbol: a line's end; 63: the file's longest
TEST_FRACTION = 0.10


def speeches(data_dir: str | Path = DEFAULT_DIR) -> list[tuple[int, str, list[str]]]:
    """The file's speeches in order: (its first line's number, the speaker, its lines)."""
    out, block, first = [], [], 0
    lines = (Path(data_dir) / FILE).read_text().split("\n")
    for number, line in enumerate(lines + [""]):
        if line.strip():
            if not block:
                first = number
            block.append(line.strip())
            continue
        if len(block) >= 2 and block[0].endswith(":"):       # a speaker's name, then what they say
            out.append((first, block[0][:-1], block[1:]))
        block = []
    return out


def split_speeches(data_dir: str | Path, split: str):
    """The speeches of the split: those starting in the file's first 90% of lines (train) or after (test)."""
    assert split in ("train", "test"), f"split must be train or test, got {split!r}"
    all_speeches = speeches(data_dir)
    cut = (1 - TEST_FRACTION) * all_speeches[-1][0]
    return [s for s in all_speeches if (s[0] < cut) == (split == "train")]


def read_lines(data_dir: str | Path = DEFAULT_DIR, split: str = "train") -> list[str]:
    """Every line of every speech of the split, in the file's order."""
    return [line for _, _, said in split_speeches(data_dir, split) for line in said]


def read_replies(data_dir: str | Path = DEFAULT_DIR, split: str = "train") -> list[tuple[str, str]]:
    """(line, reply) pairs of the split: a speech's last line and the next speech's first line, where the
    next speech is another speaker's."""
    said = split_speeches(data_dir, split)
    return [(a[2][-1], b[2][0]) for a, b in zip(said, said[1:]) if a[1] != b[1]]


DATASET = Dataset(
    "lines", "Shakespeare's lines (tiny Shakespeare)", (), DEFAULT_DIR,
    "public domain; input.txt of karpathy/char-rnn (tiny Shakespeare, 40,000 lines of the plays)",
    modality="text", subfolder="lines", files=(FILE,), read=read_lines, alphabet=LINES, yardstick=100,
    checkpoints=("vae-lines", "gan-lines", "rbm-lines", "eval-lines"),
    split="the lines of the speeches in the file's first 90% train, those of its last 10% (the later plays) "
          "test: by position, not at random. Each line is a row of 64 symbols, its characters, an end "
          "symbol and padding (`genapp/data/lines.py`)",
    source="`input.txt` of karpathy/char-rnn (tiny Shakespeare): speeches of several plays, each a speaker's "
           "name and its lines; a line is one line of a speech")

REPLIES = Dataset(
    "replies", "Replies in Shakespeare (a line, the next speaker's first line)", (), DEFAULT_DIR,
    DATASET.licence, modality="text", subfolder="lines", files=(FILE,), read=read_replies, alphabet=LINES,
    yardstick=100, validation=500, checkpoints=("vae-replies", "eval-replies"),
    split="the (line, reply) pairs of the speeches in the file's first 90% train, those of its last 10% test, "
          "as for the lines; a pair is a speech's last line and the next speech's first line where the speaker "
          "changes. The reply is generated, the line read (`genapp/data/lines.py`)",
    source=DATASET.source + "; a pair is one speaker's last line and the next speaker's first")
