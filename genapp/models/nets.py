"""Body nets shared by the families: small conv nets for one-channel pictures (28x28 images and
64x64 log-mel spectrograms), GRUs for character rows, MLPs for latent codes. A family picks its
bodies by configuration; nothing here knows which family uses it.

Sizes are chosen for serving on 2 CPU cores: a 64-image grid must decode in a few milliseconds.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.fusion import fuse_conv_bn_eval
from torch.nn.utils.parametrizations import spectral_norm

# helpers

def label_embedding(num_classes: int, dim: int, factors: tuple = ()) -> nn.Module | None:
    """One learned vector per class (or, for a label of several factors, per value of each factor,
    summed: FactoredEmbedding); None for an unconditional model."""
    if num_classes == 0:
        return None
    return FactoredEmbedding(factors, dim) if factors else nn.Embedding(num_classes, dim)


class FactoredEmbedding(nn.Module):
    """A label of several factors (an instrument and a pitch) as the sum of one learned vector per
    factor value: each pitch's vector learns from the notes of every instrument (240 notes), where one
    vector per class would learn from that class's 24. `weight` is the (classes, dim) table, as
    nn.Embedding's, so class weights (a point between classes) mix it the same way."""

    def __init__(self, factors: tuple, dim: int):
        super().__init__()
        self.factors = tuple(factors)
        self.tables = nn.ModuleList(nn.Embedding(k, dim) for k in self.factors)

    def forward(self, labels):
        return sum(table(value) for table, value in zip(self.tables, factor_values(labels, self.factors)))

    @property
    def weight(self):
        return self(torch.arange(math.prod(self.factors), device=self.tables[0].weight.device))


def embed_labels(embedding: nn.Embedding, labels):
    """Class indices (B,) -> their vectors; class weights (B, num_classes), floats summing to 1 ->
    the weighted mix of the vectors (a point between classes, for walks in latent space)."""
    return labels @ embedding.weight if labels.is_floating_point() else embedding(labels)


def factor_values(labels, factors: tuple) -> list:
    """Class indices (B,) of a label that combines several factors (an instrument and a pitch; the
    last factor varies fastest) -> each factor's value, (B,) per factor."""
    values, rest = [], labels
    for k in reversed(factors):
        values.insert(0, rest % k)
        rest = rest // k
    return values


def fold_batch_norms(model: nn.Module) -> nn.Module:
    """For inference (eval mode): fold each batch norm that follows a convolution in an nn.Sequential
    into the convolution's weights and bias, and put an Identity in its place. The same function up
    to rounding, with one pass over the activations fewer (a quarter of the evaluator's time on the
    CPU). The folded model's state dict no longer matches its checkpoint's."""
    for seq in [m for m in model.modules() if isinstance(m, nn.Sequential)]:
        for i in range(1, len(seq)):
            conv, norm = seq[i - 1], seq[i]
            if isinstance(norm, nn.BatchNorm2d) and isinstance(conv, (nn.Conv2d, nn.ConvTranspose2d)):
                seq[i - 1] = fuse_conv_bn_eval(conv, norm, transpose=isinstance(conv, nn.ConvTranspose2d))
                seq[i] = nn.Identity()
    return model


# classes

class ConvEncoder(nn.Module):
    """(B, C, H, W) picture -> (B, out_features). Two stride-2 convs, H and W divisible by 4."""

    def __init__(self, *, sample_shape, channels=(32, 64), out_features=256, spectral=False,
                 activation="relu"):
        super().__init__()
        c, h, w = sample_shape
        assert h % 4 == 0 and w % 4 == 0, f"sample height and width must divide by 4, got {h}x{w}"
        wrap = spectral_norm if spectral else (lambda m: m)
        act = nn.LeakyReLU(0.2) if activation == "leaky" else nn.ReLU()
        c1, c2 = channels
        self.net = nn.Sequential(
            wrap(nn.Conv2d(c, c1, 4, 2, 1)), act,           # (B, c1, H/2, W/2)
            wrap(nn.Conv2d(c1, c2, 4, 2, 1)), act,          # (B, c2, H/4, W/4)
            nn.Flatten(),
            wrap(nn.Linear(c2 * (h // 4) * (w // 4), out_features)), act,
        )

    def forward(self, x):
        return self.net(x)


class ConvDecoder(nn.Module):
    """(B, in_features) -> (B, C, H, W) logits. Linear to a (c1, H/4, W/4) map, two 2x up-convs. The
    ReLUs work in place: no fresh buffer per layer (a fifth of the decoding time at large batches)."""

    def __init__(self, *, sample_shape, in_features, channels=(64, 32), batch_norm=False):
        super().__init__()
        c, h, w = sample_shape
        assert h % 4 == 0 and w % 4 == 0, f"sample height and width must divide by 4, got {h}x{w}"
        c1, c2 = channels
        norm = (lambda n: nn.BatchNorm2d(n)) if batch_norm else (lambda n: nn.Identity())
        self.net = nn.Sequential(
            nn.Linear(in_features, c1 * (h // 4) * (w // 4)),
            nn.Unflatten(1, (c1, h // 4, w // 4)), norm(c1), nn.ReLU(inplace=True),
            nn.ConvTranspose2d(c1, c2, 4, 2, 1), norm(c2), nn.ReLU(inplace=True),          # (B, c2, H/2, W/2)
            nn.ConvTranspose2d(c2, c2 // 2, 4, 2, 1), norm(c2 // 2), nn.ReLU(inplace=True),  # (B, c2/2, H, W)
            nn.Conv2d(c2 // 2, c, 3, 1, 1),                                      # (B, C, H, W) logits
        )

    def forward(self, h):
        return self.net(h)


# character sequences: rows (B, T, V) one-hot over a vocabulary of V symbols

def symbol_mask(x, end_symbol: int):
    """(B, T) float: 1 at the positions a row's likelihood counts (up to and including its first
    end symbol), 0 at the padding after it."""
    ended = x[..., end_symbol].cumsum(1) - x[..., end_symbol]     # end symbols strictly before t
    return (ended == 0).float()


def categorical_log_likelihood(logits, x, end_symbol: int):
    """(B,) log p(x) of one-hot rows under per-position logits (B, T, V), padding excluded."""
    return ((F.log_softmax(logits, -1) * x).sum(-1) * symbol_mask(x, end_symbol)).sum(1)


def state_at_end(states, x, end_symbol: int):
    """(B, T, H) states of a GRU that read one-hot rows x (B, T, V) -> (B, H): each row's state just after
    its first end symbol (its last state if it has none), not after the padding that follows."""
    ends = x[..., end_symbol] > 0
    last = torch.full_like(ends[:, 0], x.shape[1] - 1, dtype=torch.long)
    return states[torch.arange(len(x), device=x.device), torch.where(ends.any(1), ends.float().argmax(1), last)]


class TextEncoder(nn.Module):
    """(B, T, V) one-hot rows -> (B, out_features): a GRU reads the row; the summary is its last state
    (summary "last"), or its state at the row's end symbol (summary "end": a short row's summary is then not
    washed out by the padding after it)."""

    def __init__(self, *, sample_shape, embed_dim=32, hidden=256, out_features=256, summary="last", end_symbol=1):
        super().__init__()
        _, vocab = sample_shape
        assert summary in ("last", "end"), f"summary must be last or end, not {summary!r}"
        self.summary, self.end_symbol = summary, end_symbol
        self.embed = nn.Linear(vocab, embed_dim, bias=False)      # one-hot @ table: an embedding
        self.gru = nn.GRU(embed_dim, hidden, batch_first=True)
        self.out = nn.Sequential(nn.Linear(hidden, out_features), nn.ReLU())

    def forward(self, x):
        return self.read(x)[0]

    def read(self, x):
        """(B, T, V) one-hot rows -> the summary (B, out_features) and the GRU's state just before each
        symbol (B, T, hidden), zeros before the first: the keys a CopyHead points at the row's places with."""
        states, h = self.gru(self.embed(x))
        summary = self.out(h[-1] if self.summary == "last" else state_at_end(states, x, self.end_symbol))
        return summary, F.pad(states[:, :-1], (0, 0, 1, 0))


def preceding(rows, order: int, first):
    """(B, T, V) one-hot rows -> (B, T, order, V): at each place the `order` symbols before it, nearest first;
    `first` (1, V) stands just before the row (its start symbol), zeros before that."""
    b, t, v = rows.shape
    padded = torch.cat([rows.new_zeros(b, order - 1, v), first.expand(b, 1, v), rows], 1)     # (B, T + order, V)
    return torch.stack([padded[:, order - 1 - d:order - 1 - d + t] for d in range(order)], 2)


class CopyHead(nn.Module):
    """The pointer-generator (See et al. 2017, "Get To The Point", eq. 9), at the level of characters: a
    text written in answer to a context row may copy from it. Each output state attends over the context's
    places and a gate mixes the symbols there, p_copy, with the model's own prediction: log((1 - g) p_model +
    g p_copy). A place's score is learned (the output state against the reader's state before the place and
    the `order` symbols from it on: a name can be found by how it starts) plus a match model's (as in PPM
    compression): how many of the symbols just written equal the ones before the place, so that a word of the
    context, once begun, is copied on from the first step of training, not after its alignment is learned."""

    def __init__(self, *, hidden, key_features, vocab, end_symbol=1, order=3, symbol_features=16):
        super().__init__()
        self.order, self.end_symbol = order, end_symbol
        self.ahead = nn.Linear(vocab, symbol_features, bias=False)
        keys = key_features + order * symbol_features
        self.query = nn.Linear(hidden, keys, bias=False)
        nn.init.normal_(self.query.weight, std=0.1 / hidden ** 0.5)     # at first the match model points
        self.match = nn.Parameter(torch.full((order,), 2.0))              # nats per symbol matched
        self.gate = nn.Linear(hidden + keys + 1, 1)
        nn.init.constant_(self.gate.bias, -3.0)          # starts as the model alone: g = 0.05

    def forward(self, h, logits, keys, context, written):
        """h (B, T, H) states, logits (B, T, V) of the model's own prediction, keys (B, L, K) the reader's
        states before each place, context (B, L, V) one-hot rows (padding, symbol 0, never pointed at), written
        (B, T, order, V) the symbols before each output place, nearest first -> (B, T, V) log-probabilities."""
        start = context.new_zeros(1, context.shape[-1])
        start[0, self.end_symbol] = 1.0                   # the end symbol stands before the line, as before a reply
        coming = torch.stack([F.pad(context[:, d:], (0, 0, 0, d)) for d in range(self.order)], 2)   # (B, L, o, V)
        keys = torch.cat([keys, self.ahead(coming).flatten(2)], -1)                                  # (B, L, K')
        before = preceding(context, self.order, start)
        matched = sum(w * written[:, :, d] @ before[:, :, d].transpose(1, 2) for d, w in enumerate(self.match))
        scores = self.query(h) @ keys.transpose(1, 2) / keys.shape[-1] ** 0.5 + matched            # (B, T, L)
        pad = context[:, None, :, 0] > 0
        attention = scores.masked_fill(pad, float("-inf")).softmax(-1)
        p_copy = attention @ context                                                                 # (B, T, V)
        best = matched.masked_fill(pad, 0.0).amax(-1, keepdim=True)
        gate = self.gate(torch.cat([h, attention @ keys, best], -1))                                 # (B, T, 1)
        return torch.logaddexp(F.logsigmoid(-gate) + logits.log_softmax(-1),
                               F.logsigmoid(gate) + p_copy.clamp_min(1e-12).log())


class TextDecoder(nn.Module):
    """(B, in_features) code -> symbol logits (B, T, V), one symbol at a time: the code sets the GRU's
    first state and is fed beside every input symbol (Bowman et al. 2016, "Generating Sentences from
    a Continuous Space"). The first input is the start symbol, which is the end symbol. With copy_features,
    it may also copy from a context row it is given as memory, (keys (B, L, copy_features), the row's
    one-hot symbols (B, L, V)): a CopyHead, and its outputs are log-probabilities."""

    def __init__(self, *, sample_shape, in_features, embed_dim=32, hidden=256, end_symbol=1, copy_features=0):
        super().__init__()
        self.length, self.vocab = sample_shape
        self.end_symbol = end_symbol
        self.embed = nn.Linear(self.vocab, embed_dim, bias=False)
        self.init = nn.Linear(in_features, hidden)
        self.gru = nn.GRU(embed_dim + in_features, hidden, batch_first=True)
        self.out = nn.Linear(hidden, self.vocab)
        self.pointer = CopyHead(hidden=hidden, key_features=copy_features, vocab=self.vocab,
                                end_symbol=end_symbol) if copy_features else None

    def predict(self, out, memory=None, written=None):
        """GRU outputs (B, T, hidden) -> (B, T, V) logits (log-probabilities where it copies from memory, given
        the symbols written before each place, (B, T, order, V))."""
        logits = self.out(out)
        return logits if memory is None else self.pointer(out, logits, *memory, written)

    def start(self, n, device):
        return F.one_hot(torch.full((n, 1), self.end_symbol, device=device), self.vocab).float()

    def forward(self, code, x, memory=None):
        """Teacher forcing: logits of x's symbols, each given the code and x's symbols before it
        (x may have some input symbols zeroed: word dropout), and the memory it copies from."""
        inputs = torch.cat([self.start(len(x), x.device), x[:, :-1]], 1)           # (B, T, V)
        cond = code.unsqueeze(1).expand(-1, self.length, -1)
        out, _ = self.gru(torch.cat([self.embed(inputs), cond], -1), torch.tanh(self.init(code)).unsqueeze(0))
        written = None if memory is None else preceding(x, self.pointer.order, self.start(1, x.device)[0])
        return self.predict(out, memory, written)

    def generate(self, code, generator=None, temperature: float | None = 1.0, memory=None):
        """(B, T, V) one-hot rows drawn symbol by symbol at `temperature`; None picks the likeliest
        symbol each time (greedy). After the end symbol the row is padding (symbol 0)."""
        n = len(code)
        h = torch.tanh(self.init(code)).unsqueeze(0)
        symbol, rows = self.start(n, code.device), []
        done = torch.zeros(n, dtype=torch.bool, device=code.device)
        written = None if memory is None else \
            torch.cat([symbol, symbol.new_zeros(n, self.pointer.order - 1, self.vocab)], 1)   # (n, order, V), nearest first
        for _ in range(self.length):
            out, h = self.gru(torch.cat([self.embed(symbol), code.unsqueeze(1)], -1), h)
            logits = self.predict(out, memory, None if memory is None else written.unsqueeze(1))[:, 0]
            if temperature is None:
                idx = logits.argmax(1)
            else:
                idx = torch.multinomial(F.softmax(logits / temperature, 1), 1, generator=generator).squeeze(1)
            idx = torch.where(done, torch.zeros_like(idx), idx)
            done = done | (idx == self.end_symbol)
            symbol = F.one_hot(idx, self.vocab).float().unsqueeze(1)
            if memory is not None:
                written = torch.cat([symbol, written[:, :-1]], 1)
            rows.append(symbol)
        return torch.cat(rows, 1)


class MLP(nn.Module):
    """(B, in_features) -> (B, out_features): `depth` hidden layers (two unless asked), for codes of a latent
    space and 2-D points."""

    def __init__(self, in_features, out_features, hidden=256, spectral=False, activation="relu", depth=2):
        super().__init__()
        wrap = spectral_norm if spectral else (lambda m: m)
        act = (lambda: nn.LeakyReLU(0.2)) if activation == "leaky" else nn.ReLU
        layers = [wrap(nn.Linear(in_features, hidden)), act()]
        for _ in range(depth - 1):
            layers += [wrap(nn.Linear(hidden, hidden)), act()]
        self.net = nn.Sequential(*layers, wrap(nn.Linear(hidden, out_features)))

    def forward(self, x):
        return self.net(x)
