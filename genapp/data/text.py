"""Text data as rows of symbols, whatever the data set: US baby names here (../shared/data/names/names.txt,
from karpathy/makemore, MIT), Shakespeare's lines in data/lines.py. A data set's Alphabet says which
symbols its texts use and how long one may be.

A text is a row of max_length symbols: its symbols, then the end symbol, then padding. The nets take
the rows one-hot, (N, max_length, vocab_size) floats in {0, 1}, so every family reads text as it reads
pictures (an RBM's categorical visible units, one softmax per position, are exactly this). The end
symbol is also the start symbol a decoder reads before the first one (makemore's convention: '.').
Likelihoods count the symbols and the end symbol, never the padding: nats per character are
total nats / (symbols + 1), as in makemore.

The vocabulary is fixed in code, not read from the file, so a Space without the data can decode.
"""
import hashlib
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from .dataset import Dataset

PAD_ID, END_ID = 0, 1                         # in every alphabet: index 0 pad, 1 start/end, then the symbols


@dataclass(frozen=True)
class Alphabet:
    """How a data set's texts become rows of symbol ids. unit, symbol_word and described name them in
    error messages ("names use only the letters a-z")."""
    symbols: str                  # what a text may contain, in vocabulary order
    max_symbols: int              # the longest text
    unit: str                     # what one text is called: "name", "line"
    symbol_word: str              # what one symbol is called: "letter", "character"
    described: str                # the symbols in words
    lower: bool = False           # texts are lower-cased first (names)
    end: str = "."                # the end (and start) symbol, outside `symbols`
    pad: str = "_"

    @property
    def vocabulary(self) -> str:
        return self.pad + self.end + self.symbols

    @property
    def vocab_size(self) -> int:
        return len(self.vocabulary)

    @property
    def max_length(self) -> int:
        """A row: the symbols and the end symbol."""
        return self.max_symbols + 1

    @property
    def shape(self) -> tuple:
        return (self.max_length, self.vocab_size)

    def check(self, text: str) -> str:
        """A text the vocabulary can spell (lower-cased where the alphabet is), or ValueError saying why not."""
        if not isinstance(text, str):
            raise ValueError(f"a {self.unit} must be text, not {type(text).__name__}")
        cleaned = text.strip().lower() if self.lower else text.strip()
        if not cleaned:
            raise ValueError(f"a {self.unit} needs at least one {self.symbol_word}")
        if len(cleaned) > self.max_symbols:
            raise ValueError(f"{self.unit}s have at most {self.max_symbols} {self.symbol_word}s; "
                             f"{cleaned[:20]!r}... has {len(cleaned)}")
        outside = sorted(set(cleaned) - set(self.symbols))
        if outside:
            raise ValueError(f"{self.unit}s use only {self.described}; {''.join(outside)!r} is outside the vocabulary")
        return cleaned

    def encode(self, texts: list[str]) -> torch.Tensor:
        """Texts -> (N, max_length) int64 symbol ids: symbols, the end symbol, then padding."""
        index = {c: i for i, c in enumerate(self.vocabulary)}
        rows = np.full((len(texts), self.max_length), PAD_ID, np.int64)
        for i, t in enumerate(texts):
            t = self.check(t)
            rows[i, :len(t)] = [index[c] for c in t]
            rows[i, len(t)] = END_ID
        return torch.from_numpy(rows)

    def one_hot(self, ids: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.one_hot(ids, self.vocab_size).float()

    def rows(self, texts: list[str]) -> torch.Tensor:
        """Texts -> (N, max_length, vocab_size) one-hot rows, as the nets take them."""
        return self.one_hot(self.encode(texts))

    def decode(self, ids: torch.Tensor) -> list[str]:
        """(N, max_length) ids, or (N, max_length, vocab_size) one-hot rows -> texts: the symbols before the
        first end or pad symbol (a generated row may end early, or never: then it is cut at max_symbols,
        so every text decoded can be encoded again)."""
        if ids.dim() == 3:
            ids = ids.argmax(-1)
        texts = []
        for row in ids.tolist():
            symbols = []
            for i in row:
                if i in (PAD_ID, END_ID):
                    break
                symbols.append(self.vocabulary[i])
            texts.append("".join(symbols[:self.max_symbols]))
        return texts


def characters(texts: list[str]) -> int:
    """What nats per character divide by: symbols plus one end symbol per text."""
    return sum(len(t) + 1 for t in texts)


# names

DEFAULT_DIR = "../shared/data/names"
LETTERS = "abcdefghijklmnopqrstuvwxyz"
NAMES = Alphabet(LETTERS, 15, "name", "letter", "the letters a-z", lower=True)   # 15: the file's longest
TEST_FRACTION, SPLIT_SEED = 0.10, 1234


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


DATASET = Dataset(
    "names", "US baby names (SSA 2018)", (), DEFAULT_DIR,
    "MIT, names.txt from karpathy/makemore (US Social Security Administration names, 2018)",
    modality="text", subfolder="names", files=("names.txt",), read=load_names, alphabet=NAMES,
    checkpoints=("vae-names", "gan-names", "rbm-names", "eval-names"), yardstick=500,
    split="32,032 names; a fixed 10% (3,203, a seeded shuffle) is the test split, the other 28,829 training (a "
          "fixed random 1,000 of them for validation during training). Each name is a row of 16 symbols, its "
          "letters, an end symbol and padding (`genapp/data/text.py`)",
    source="`names.txt` of karpathy/makemore: 32,032 US baby names (Social Security Administration, 2018), lower "
           "case, one per line")


def load_tensors(dataset: Dataset, data_dir, split: str = "train", device="cpu"):
    """(x, y) as the nets take them: x (N, max_length, vocab_size) one-hot rows, y (N,) zeros (texts have
    no classes); for a data set of (prompt, text) pairs (replies), x the texts' rows and y the prompts'."""
    texts = dataset.read(data_dir, split)
    if texts and isinstance(texts[0], tuple):
        prompts, texts = zip(*texts)
        return dataset.alphabet.rows(list(texts)).to(device), dataset.alphabet.rows(list(prompts)).to(device)
    x = dataset.alphabet.rows(texts)
    return x.to(device), torch.zeros(len(x), dtype=torch.long, device=device)


def name_hash(name: str) -> int:
    """64-bit fingerprint of a name (blake2b), as a signed int64: the evaluator ships the training
    names' fingerprints, not the names, to tell a new name from a copied one."""
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)
