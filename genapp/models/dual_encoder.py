"""The replies' scorer: a dual encoder (Henderson et al. 2017, "Efficient Natural Language Response
Suggestion for Smart Reply"; Henderson et al. 2020, "ConveRT"), the standard model of response selection. One
tower reads a line, the other a reply; the reply fits the line as well as their vectors point the same way.
Trained contrastively (InfoNCE, van den Oord et al. 2018): in a minibatch each line must pick its own reply
out of everyone else's, and each reply its own line.

Each tower averages the embeddings of the text's features, fastText's (Bojanowski et al. 2017): its words
and their character n-grams, lower-cased, hashed into a table of `buckets` rows; and each punctuation mark.
Both towers share the table and differ by one linear map each, started as the identity: before any
training the score is already a cosine of shared words and word pieces, which is most of what a reply
shares with its line (a name taken up, a word echoed: "Of Mantua." / "Of Mantua, sir."), and what the
conditional language model this replaced did not learn from 6,233 pairs (it learned them by heart: 85% of
training replies scored better given their own line, 50% of test replies). A reply's fit is then a number
that a reply given another line can be compared with: `scores(lines, replies)`.

Its features are computed from the one-hot rows that every text model here reads, so the towers take
rows, not strings."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.modeling_utils import ModelMixin

from ..data import text

MODULUS, BASE = 2_147_483_647, 1_000_003        # a polynomial hash of symbol ids, kept below 2^31

# helpers


def rolling_hash(h, symbols):
    """One more symbol (ids, any shape) into polynomial hashes h of the same shape."""
    return (h * BASE + symbols + 1) % MODULUS


def symbol_tables(vocabulary: str):
    """What feature_ids needs of a vocabulary (its symbols in id order), (V,) tensors: each symbol's lower-case
    symbol (fold), which symbols are word symbols (letters and the apostrophe), which punctuation marks."""
    fold = [vocabulary.index(c.lower()) if c.lower() in vocabulary else i for i, c in enumerate(vocabulary)]
    symbols = [i > text.END_ID and c for i, c in enumerate(vocabulary)]     # pad and end: no symbol
    return (torch.tensor(fold), torch.tensor([bool(c) and (c.isalpha() or c == "'") for c in symbols]),
            torch.tensor([bool(c) and not (c.isalpha() or c in "' ") for c in symbols]))


def feature_ids(ids, fold, letters, marks, ngrams: tuple, buckets: int):
    """(B, T) symbol ids of rows -> (B, F) hashed feature ids and (B, F) their mask: the words (runs of
    letters), the character n-grams of each word marked at both ends ('<lo', 'lor', ..., 'rd>'), and the
    punctuation marks, all lower-cased. fold: each symbol's lower-case symbol; letters, marks: which symbols
    are word symbols, which punctuation marks (V,). Padding, spaces and the end symbol give no feature."""
    ids = fold[ids]
    word = letters[ids]                                                     # (B, T)
    boundary = torch.full_like(ids[:, :1], text.END_ID)
    marked = torch.cat([boundary, torch.where(word, ids, text.END_ID), boundary], 1)   # (B, T + 2) '<', '>'
    inside = F.pad(word, (1, 1))                                            # (B, T + 2) a letter there
    feats, masks = [], []
    for n in ngrams:       # an n-gram with letters at its inner places; either end a letter or a boundary
        span = marked.shape[1] - n + 1
        h, ok = torch.zeros_like(marked[:, :span]), torch.ones_like(inside[:, :span])
        for k in range(n):
            h = rolling_hash(h, marked[:, k:k + span])
            if 0 < k < n - 1:
                ok = ok & inside[:, k:k + span]
        feats.append(h * 8 + n)
        masks.append(ok)
    h, words = torch.zeros_like(ids[:, 0]), []
    for t in range(ids.shape[1]):         # each word's hash, complete at its last letter
        h = torch.where(word[:, t], rolling_hash(h, ids[:, t]), 0)
        words.append(h)
    feats.append(torch.stack(words, 1) * 8)
    masks.append(word & ~F.pad(word[:, 1:], (0, 1)))                        # a word's last letter
    feats.append(ids * 8 + 1)             # a punctuation mark, as itself
    masks.append(marks[ids])
    return torch.cat(feats, 1) % buckets, torch.cat(masks, 1)


# model

class DualEncoder(ModelMixin, ConfigMixin):
    """Parameters:
        vocabulary: the symbols of the rows it reads, in id order (data.text.Alphabet.vocabulary): which are
            letters, and each one's lower case.
        buckets: rows of the hashed feature table; dim: their width and the towers'.
        ngrams: the lengths of a word's character n-grams that are features.
        dropout: the share of a text's features dropped while training.
        length_buckets: a text's length, in that many buckets of the row, is a vector added to its bag (0: not):
            long lines of prose are answered in prose, short lines of verse in verse.
    """

    @register_to_config
    def __init__(self, vocabulary: str = text.NAMES.vocabulary, buckets: int = 16384, dim: int = 128,
                 ngrams: tuple = (3, 4, 5), dropout: float = 0.0, length_buckets: int = 0):
        super().__init__()
        assert min(ngrams) >= 3, "a word's n-grams are 3 symbols or longer (shorter are its letters and marks)"
        for name, table in zip(("fold", "letters", "marks"), symbol_tables(vocabulary)):
            self.register_buffer(name, table, persistent=False)
        self.table = nn.Embedding(buckets, dim)
        nn.init.normal_(self.table.weight, std=dim ** -0.5)        # random rows are nearly orthogonal
        self.drop = nn.Dropout(dropout)
        self.lengths = nn.Embedding(length_buckets, dim) if length_buckets else None
        if length_buckets:          # learned from nothing: at first the score is the words' alone
            nn.init.zeros_(self.lengths.weight)
        self.line_tower, self.reply_tower = nn.Linear(dim, dim), nn.Linear(dim, dim)
        for tower in (self.line_tower, self.reply_tower):          # started as the identity: shared words score
            nn.init.eye_(tower.weight)
            nn.init.zeros_(tower.bias)
        self.log_scale = nn.Parameter(torch.tensor(2.3))            # the cosine's temperature, learned (CLIP)

    def bag(self, rows):
        """(B, T, V) one-hot rows -> (B, dim): the mean of their features' embeddings."""
        feats, mask = feature_ids(rows.argmax(-1), self.fold, self.letters, self.marks, tuple(self.config.ngrams),
                                  self.config.buckets)
        kept = self.drop(mask.float())          # dropout of whole features while training
        bag = (self.table(feats) * kept.unsqueeze(-1)).sum(1) / kept.sum(1, keepdim=True).clamp_min(1)
        if self.lengths is None:
            return bag
        length = rows.argmax(-1).gt(text.END_ID).sum(1)                     # (B,) symbols before the end
        return bag + self.lengths(length * self.config.length_buckets // rows.shape[1])

    def embed_lines(self, rows):
        return F.normalize(self.line_tower(self.bag(rows)), dim=-1)

    def embed_replies(self, rows):
        return F.normalize(self.reply_tower(self.bag(rows)), dim=-1)

    def forward(self, lines, replies):
        """(B, T, V) rows of lines and of replies -> (B, B) logits: entry (i, j) how well reply j fits line i."""
        return self.log_scale.exp() * self.embed_lines(lines) @ self.embed_replies(replies).T

    @torch.no_grad()
    def scores(self, lines: list[str], replies: list[str], alphabet: text.Alphabet, batch: int = 1024) -> torch.Tensor:
        """(N,) how well each reply fits the line beside it: the cosine of their towers' vectors, in [-1, 1]."""
        device = self.table.weight.device
        out = []
        for i in range(0, len(lines), batch):
            a, b = (alphabet.rows(t[i:i + batch]).to(device) for t in (lines, replies))
            out.append((self.embed_lines(a) * self.embed_replies(b)).sum(-1).cpu())
        return torch.cat(out)
