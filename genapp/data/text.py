"""Text data: US baby names (../shared/data/names/names.txt, from karpathy/makemore, MIT) as
character sequences.

A name is a row of MAX_LENGTH symbols: its letters, then the end symbol '.', then padding '_'. The
nets take the rows one-hot, (N, MAX_LENGTH, VOCAB_SIZE) floats in {0, 1}, so every family reads
text as it reads pictures (an RBM's categorical visible units, one softmax per position, are exactly
this). '.' is also the start symbol a decoder reads before the first letter (makemore's convention).
Likelihoods count the letters and the end symbol, never the padding: nats per character are
total nats / (letters + 1), as in makemore.

The vocabulary is fixed in code, not read from the file, so a Space without the data can decode.
"""
import hashlib
import random
from pathlib import Path

import numpy as np
import torch

from .dataset import Dataset

DEFAULT_DIR = "../shared/data/names"
PAD, END = "_", "."
LETTERS = "abcdefghijklmnopqrstuvwxyz"
VOCABULARY = PAD + END + LETTERS              # index 0 pad, 1 start/end, then the letters
VOCAB_SIZE = len(VOCABULARY)
PAD_ID, END_ID = 0, 1
MAX_LETTERS = 15                              # the longest name in the file
MAX_LENGTH = MAX_LETTERS + 1                  # letters and the end symbol
SHAPE = (MAX_LENGTH, VOCAB_SIZE)
TEST_FRACTION, SPLIT_SEED = 0.10, 1234
DATASET = Dataset(
    "names", "US baby names (SSA 2018)", (), DEFAULT_DIR,
    "MIT, names.txt from karpathy/makemore (US Social Security Administration names, 2018)",
    modality="text", subfolder="names", files=("names.txt",),
    checkpoints=("vae-names", "gan-names", "rbm-names", "eval-names"), yardstick=500,
    split="32,032 names; a fixed 10% (3,203, a seeded shuffle) is the test split, the other 28,829 training (a "
          "fixed random 1,000 of them for validation during training). Each name is a row of 16 symbols, its "
          "letters, an end symbol and padding (`genapp/data/text.py`)",
    source="`names.txt` of karpathy/makemore: 32,032 US baby names (Social Security Administration, 2018), lower "
           "case, one per line")


# loading

def read_names(data_dir: str | Path = DEFAULT_DIR) -> list[str]:
    names = [line.strip().lower() for line in (Path(data_dir) / "names.txt").read_text().splitlines()]
    return [n for n in names if n]


def split_names(names: list[str], split: str) -> list[str]:
    """A fixed 10% of the file (a seeded shuffle, not its last lines: the file is sorted by
    popularity) is the test split, the rest training."""
    assert split in ("train", "test"), f"split must be train or test, got {split!r}"
    order = list(range(len(names)))
    random.Random(SPLIT_SEED).shuffle(order)
    n_test = round(TEST_FRACTION * len(names))
    keep = order[:n_test] if split == "test" else order[n_test:]
    return [names[i] for i in sorted(keep)]


def load_names(data_dir: str | Path = DEFAULT_DIR, split: str = "train") -> list[str]:
    return split_names(read_names(data_dir), split)


def load_tensors(data_dir: str | Path = DEFAULT_DIR, split: str = "train", device="cpu"):
    """(x, y) as the nets take them: x (N, MAX_LENGTH, VOCAB_SIZE) one-hot rows, y (N,) zeros
    (names have no classes)."""
    x = one_hot(encode(load_names(data_dir, split)))
    return x.to(device), torch.zeros(len(x), dtype=torch.long, device=device)


# symbols <-> tensors

def check_text(name: str) -> str:
    """A name the vocabulary can spell, lower-cased, or ValueError saying why not."""
    lowered = name.strip().lower()
    if not lowered:
        raise ValueError("a name needs at least one letter")
    if len(lowered) > MAX_LETTERS:
        raise ValueError(f"names have at most {MAX_LETTERS} letters; {lowered[:20]!r}... has {len(lowered)}")
    outside = sorted(set(lowered) - set(LETTERS))
    if outside:
        raise ValueError(f"names use only the letters a-z; {''.join(outside)!r} is outside the vocabulary")
    return lowered


def encode(names: list[str]) -> torch.Tensor:
    """Names -> (N, MAX_LENGTH) int64 symbol ids: letters, '.', then '_' padding."""
    rows = np.full((len(names), MAX_LENGTH), PAD_ID, np.int64)
    for i, name in enumerate(names):
        name = check_text(name)
        rows[i, :len(name)] = [VOCABULARY.index(c) for c in name]
        rows[i, len(name)] = END_ID
    return torch.from_numpy(rows)


def one_hot(ids: torch.Tensor) -> torch.Tensor:
    return torch.nn.functional.one_hot(ids, VOCAB_SIZE).float()


def decode(ids: torch.Tensor) -> list[str]:
    """(N, MAX_LENGTH) ids, or (N, MAX_LENGTH, VOCAB_SIZE) one-hot rows -> names: the letters before
    the first end or pad symbol (a generated row may end early, or never: then it is cut at
    MAX_LETTERS letters, so every name decoded can be encoded again)."""
    if ids.dim() == 3:
        ids = ids.argmax(-1)
    names = []
    for row in ids.tolist():
        letters = []
        for i in row:
            if i in (PAD_ID, END_ID):
                break
            letters.append(VOCABULARY[i])
        names.append("".join(letters[:MAX_LETTERS]))
    return names


def characters(names: list[str]) -> int:
    """What nats per character divide by: letters plus one end symbol per name."""
    return sum(len(n) + 1 for n in names)


def name_hash(name: str) -> int:
    """64-bit fingerprint of a name (blake2b), as a signed int64: the evaluator ships the training
    names' fingerprints, not the names, to tell a new name from a copied one."""
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)
