"""The evaluator for text: a character-level GRU language model (Cho et al. 2014) trained on the
real training names and shipped as `checkpoints/eval-names`. As makemore's RNN/GRU models (Karpathy,
MIT) it reads the start symbol '.' and then the letters, and predicts each next symbol; a name's
negative log-likelihood counts its letters and its end symbol, never the padding (see data/text.py).
It also carries 64-bit fingerprints of the training names, to tell a new name from a copied one.

(A conditional version, p(reply | line), was the replies' scorer until it was found to learn the training pairs
by heart and tell a real reply's own line from a random one no better than chance on unseen plays; the replies
are scored by a dual encoder now: models/dual_encoder.py.)"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.modeling_utils import ModelMixin

from ..data import text


class CharLM(ModelMixin, ConfigMixin):
    """Parameters:
        vocab_size, max_length: the one-hot rows' shape (text.NAMES.vocab_size, text.NAMES.max_length).
        embed_dim: size of a symbol's embedding; hidden, layers: the GRU's width and depth.
        num_training_names: size of the `training_hashes` buffer (set by `remember`).
    """

    @register_to_config
    def __init__(self, vocab_size: int = text.NAMES.vocab_size, max_length: int = text.NAMES.max_length,
                 embed_dim: int = 32, hidden: int = 256, layers: int = 1, dropout: float = 0.0,
                 num_training_names: int = 0):
        super().__init__()
        self.embed = nn.Linear(vocab_size, embed_dim, bias=False)      # one-hot rows in: a lookup table
        self.gru = nn.GRU(embed_dim, hidden, layers, batch_first=True, dropout=dropout if layers > 1 else 0.0)
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(hidden, vocab_size)
        self.register_buffer("training_hashes", torch.zeros(num_training_names, dtype=torch.long))

    def logits(self, x):
        """(B, T, V) one-hot rows -> (B, T, V) logits of each symbol given the ones before it (the
        start symbol, then the row shifted right: teacher forcing)."""
        start = F.one_hot(torch.full_like(x[:, :1, 0], text.END_ID, dtype=torch.long), x.shape[-1]).to(x)
        h, _ = self.gru(self.embed(torch.cat([start, x[:, :-1]], 1)))
        return self.head(self.drop(h))

    def forward(self, x):
        """(B, T, V) one-hot rows -> (B,) negative log-likelihood in nats of each row: its symbols up to
        and including the first end symbol (all of them if it has none)."""
        ids = x.argmax(-1)
        nll = F.cross_entropy(self.logits(x).transpose(1, 2), ids, reduction="none")   # (B, T)
        end = (ids == text.END_ID).long()
        counted = (end.cumsum(1) - end) == 0          # no end symbol strictly before the position
        return (nll * counted).sum(1)

    @torch.no_grad()
    def nll_per_char(self, names: list[str], alphabet: text.Alphabet, batch: int = 4096) -> float:
        """Nats per character of a list of texts spelled in `alphabet` (makemore's test loss): total
        nats / (symbols + 1)."""
        device = self.head.weight.device
        total = sum(self(alphabet.rows(names[i:i + batch]).to(device)).sum().item()
                    for i in range(0, len(names), batch))
        return total / text.characters(names)

    @torch.no_grad()
    def text_nats(self, texts: list[str], alphabet: text.Alphabet, batch: int = 1024) -> torch.Tensor:
        """(N,) each text's nats per character."""
        device = self.head.weight.device
        nats, counted = [], []
        for i in range(0, len(texts), batch):
            x = alphabet.rows(texts[i:i + batch]).to(device)
            nats.append(self(x).cpu())
            counted.append(x.argmax(-1).ne(text.PAD_ID).sum(1).cpu())     # symbols and the end symbol
        return torch.cat(nats) / torch.cat(counted)

    def scores(self, texts: list[str], alphabet: text.Alphabet) -> list[float | None]:
        """Each text's nats per character, to 3 places, as the app shows them; None for one with no symbol (a
        generated text may end before its first)."""
        spelled = [t for t in texts if t.strip()]
        per_char = iter(self.text_nats(spelled, alphabet).tolist() if spelled else [])
        return [round(next(per_char), 3) if t.strip() else None for t in texts]

    def remember(self, names: list[str]):
        """Store the fingerprints of the training names (sorted, distinct) and their count in the config."""
        hashes = torch.unique(torch.tensor([text.name_hash(n) for n in names], dtype=torch.long))
        self.training_hashes = hashes.to(self.training_hashes.device)
        self.register_to_config(num_training_names=len(hashes))
        return self

    def seen(self, names: list[str]) -> list[bool]:
        """Whether each name is one of the training names (by its 64-bit fingerprint)."""
        if len(self.training_hashes) == 0:
            return [False] * len(names)
        h = torch.tensor([text.name_hash(n) for n in names], dtype=torch.long, device=self.training_hashes.device)
        idx = torch.searchsorted(self.training_hashes, h).clamp_max(len(self.training_hashes) - 1)
        return (self.training_hashes[idx] == h).tolist()
