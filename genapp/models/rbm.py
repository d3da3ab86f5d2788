"""Restricted Boltzmann machine (Smolensky 1986; Hinton 2002) with binary hidden units, visible
units of a configurable type, and optional softmax label units in the joint model, as in the top
level of Hinton, Osindero & Teh 2006 ("A fast learning algorithm for deep belief nets"):

    E(v, y, h) = -b.v - d.y - c.h - h'Wv - h'Uy,     y one-hot over num_classes,

with -b.v replaced by |v - b|^2 / 2 for gaussian visible units of unit variance (Welling et al. 2005;
Hinton 2010, section 13.2) and v one-hot per position for categorical (softmax) visible units.

Trained by persistent contrastive divergence (Tieleman 2008): the negative phase comes from
persistent Gibbs chains, which gives far better likelihoods than CD-1 (Salakhutdinov & Murray 2008).
Sampled by block Gibbs, h | v, y then v | h (and y | h when the label is free), for `steps` sweeps,
starting from the requested class's base rates (its mean training picture): from a blank start the
chain needs thousands of sweeps to find the class, because an RBM's Gibbs chain mixes slowly.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.modeling_utils import ModelMixin

from .nets import factor_values

VISIBLE_TYPES = ("bernoulli", "gaussian", "categorical")


def bernoulli(p, generator=None, each_alone: bool = False):
    """A {0, 1} draw of each entry, 1 with probability p: uniform noise below p. On the CPU these are
    torch.bernoulli's very draws from the same generator, at half its cost (2.4 against 5.6 ms for
    500 x 784 here). each_alone: every row is compared with the same row of noise, the one a batch
    of one would draw."""
    shape = (1, *p.shape[1:]) if each_alone else p.shape
    return (torch.rand(shape, generator=generator, device=p.device, dtype=p.dtype) < p).to(p.dtype)


def product(bias, x, w, each_alone: bool = False):
    """bias + x @ w, (B, out). each_alone: row by row (a batch of one-row products), so that every row's
    sums are those of a batch of one, bit for bit: a product of several rows sums in another order
    (MKL, float32: up to 5e-5 apart on rbm-notes), and a chain of Gibbs draws may then take another step."""
    if not each_alone:
        return torch.addmm(bias, x, w)
    return torch.baddbmm(bias.expand(len(x), 1, -1), x[:, None], w.expand(len(x), -1, -1))[:, 0]


def sigmoid(x, each_alone: bool = False):
    """torch.sigmoid; each_alone: row by row, every row's values those of a batch of one (alone, a row's
    last few values are left over by the vectorised loop and rounded another way)."""
    return torch.stack([torch.sigmoid(row) for row in x]) if each_alone else torch.sigmoid(x)


class RBM(ModelMixin, ConfigMixin):
    """Parameters:
        sample_shape: shape of one visible sample, e.g. (1, 28, 28); flattened inside.
        num_hidden: binary hidden units.
        num_classes: softmax label units joined to the hidden layer; 0 for none.
        visible_type: "bernoulli" (units in {0, 1}; pictures show their means), "gaussian" (real
            units of unit variance on data standardized per pixel, Hinton 2010 section 13.2; pictures
            show their means, un-standardized), or "categorical" (one softmax over the last axis of
            sample_shape per position, e.g. a character per place in a name; samples are one-hot).
        default_steps: Gibbs sweeps that `sample` runs when not told otherwise.
        label_factors: for a label that combines several factors (an instrument and a pitch), each
            one's number of values; then a class's mean example is stored as the overall mean plus
            each of its factor values' differences from it (a few rows, not one per class).

    Buffers, set by training: `class_base_rates` (num_classes, num_visible), each class's mean
    training example, where the Gibbs chains for a class start (with label_factors: 1 + the factors'
    values rows, see class_means); for gaussian units `visible_offset` and
    `visible_scale` (num_visible), the per-pixel mean and spread that standardize the data.
    """

    @register_to_config
    def __init__(self, sample_shape: tuple = (1, 28, 28), num_hidden: int = 500, num_classes: int = 10,
                 visible_type: str = "bernoulli", default_steps: int = 100, label_factors: tuple = ()):
        super().__init__()
        assert visible_type in VISIBLE_TYPES, f"visible_type must be one of {VISIBLE_TYPES}"
        num_visible = int(torch.tensor(sample_shape).prod())
        self.W = nn.Parameter(torch.randn(num_hidden, num_visible) * 0.01)
        self.b = nn.Parameter(torch.zeros(num_visible))            # visible bias
        self.c = nn.Parameter(torch.zeros(num_hidden))             # hidden bias
        self.U = nn.Parameter(torch.randn(num_hidden, max(num_classes, 1)) * 0.01)
        self.d = nn.Parameter(torch.zeros(max(num_classes, 1)))    # label bias
        rows = 1 + sum(label_factors) if label_factors else max(num_classes, 1)
        self.register_buffer("class_base_rates", torch.full((rows, num_visible), 0.5))
        if visible_type == "gaussian":
            self.register_buffer("visible_offset", torch.zeros(num_visible))
            self.register_buffer("visible_scale", torch.ones(num_visible))

    # visible units of each type (v is flat: (B, num_visible))

    def to_visible(self, x):
        """Data (B, *sample_shape) -> flat visible values (standardized for gaussian units)."""
        v = x.flatten(1)
        return (v - self.visible_offset) / self.visible_scale if self.config.visible_type == "gaussian" else v

    def to_data(self, v):
        """Flat visible values -> data (B, *sample_shape)."""
        if self.config.visible_type == "gaussian":
            v = (v * self.visible_scale + self.visible_offset).clamp(0, 1)
        return v.reshape(len(v), *self.config.sample_shape)

    def sample_visible(self, mean, generator=None, each_alone: bool = False):
        """A draw of the visible units given their means; each_alone: every row on the noise of one row
        (bernoulli and gaussian units: a categorical draw has no shared form)."""
        kind = self.config.visible_type
        if kind == "gaussian":
            shape = (1, *mean.shape[1:]) if each_alone else mean.shape
            return mean + torch.randn(shape, generator=generator, device=mean.device)
        if kind == "categorical":
            assert not each_alone, "categorical units draw each row on noise of its own"
            probs = mean.reshape(-1, self.config.sample_shape[-1])
            idx = torch.multinomial(probs, 1, generator=generator).squeeze(1)
            return F.one_hot(idx, probs.shape[1]).to(mean.dtype).reshape(mean.shape)
        return bernoulli(mean, generator, each_alone)

    # conditionals (v is flat: (B, num_visible); y one-hot (B, num_classes) or None)

    def _visible_by_hidden(self):
        """W laid out (num_visible, num_hidden) and contiguous, when no gradient is wanted (sampling);
        else None. With a few chains at a time a product is bound by reading W, and both directions
        read this layout faster than W's own (rbm-fsdd, 16 chains: 14.5 -> 10.6 ms per sample, 2 cores).
        Rebuilt whenever W changes; not kept for a W made under inference mode, which has no version
        counter to tell."""
        if (torch.is_grad_enabled() and self.W.requires_grad) or self.W.is_inference():
            return None
        key = (self.W.data_ptr(), self.W._version)
        if getattr(self, "_wvh_key", None) != key:
            self._wvh, self._wvh_key = self.W.detach().T.contiguous(), key
        return self._wvh

    def hidden_input(self, v, y=None, each_alone: bool = False):
        wvh = self._visible_by_hidden()
        x = product(self.c, v, self.W.T if wvh is None else wvh, each_alone)        # (B, num_hidden)
        return x if y is None or self.config.num_classes == 0 else x + y @ self.U.T

    def visible_input(self, h, each_alone: bool = False):
        wvh = self._visible_by_hidden()
        return product(self.b, h, self.W if wvh is None else wvh.T, each_alone)     # (B, num_visible)

    def visible_mean(self, h, temperature: float = 1.0, each_alone: bool = False):
        """E[v | h], (B, num_visible): probabilities (bernoulli, categorical) or real means (gaussian).
        temperature divides the energy of bernoulli units (the others are left as they are)."""
        x = self.visible_input(h, each_alone)
        kind = self.config.visible_type
        if kind == "gaussian":
            return x
        if kind == "categorical":
            return F.softmax(x.reshape(len(x), -1, self.config.sample_shape[-1]), -1).reshape_as(x)
        return sigmoid(x / temperature, each_alone)

    def label_logits(self, h):
        return F.linear(h, self.U.T, self.d)                       # (B, num_classes)

    def free_energy(self, v, y=None):
        """F(v, y) = -b.v - d.y - sum_j softplus(c_j + W_j v + U_j y), so p(v, y) ∝ exp(-F)
        (Hinton 2010, "A Practical Guide to Training RBMs", eq. 11)."""
        visible = 0.5 * (v - self.b).pow(2).sum(1) if self.config.visible_type == "gaussian" else -v @ self.b
        fe = visible - F.softplus(self.hidden_input(v, y)).sum(1)
        return fe if y is None or self.config.num_classes == 0 else fe - y @ self.d

    def label_log_probs(self, v):
        """log p(y | v) for every class, exact: p(y | v) ∝ exp(-F(v, y)) (Larochelle & Bengio 2008)."""
        x = self.hidden_input(v).unsqueeze(1) + self.U.T.unsqueeze(0)           # (B, num_classes, num_hidden)
        return F.log_softmax(self.d + F.softplus(x).sum(2), 1)

    def one_hot(self, labels):
        return None if labels is None or self.config.num_classes == 0 else F.one_hot(labels, self.config.num_classes).float()

    def gibbs_step(self, v, y, generator=None, clamp_labels=True, temperature: float = 1.0,
                   each_alone: bool = False):
        """One block-Gibbs sweep, energies divided by `temperature`; returns new (v sample, y, visible mean).
        each_alone: every chain (row) computed as it would be alone, see seed_points."""
        h = bernoulli(sigmoid(self.hidden_input(v, y, each_alone) / temperature, each_alone), generator, each_alone)
        if self.config.num_classes > 0 and not clamp_labels:
            assert not each_alone, "a free label is drawn for each chain on noise of its own"
            idx = torch.multinomial(F.softmax(self.label_logits(h), 1), 1, generator=generator)
            y = F.one_hot(idx.squeeze(1), self.config.num_classes).float()
        mean = self.visible_mean(h, temperature, each_alone)
        return self.sample_visible(mean, generator, each_alone), y, mean

    def forward(self, v, y_data, v_model, y_model):
        """PCD surrogate loss: mean F(data) - mean F(model samples); its gradient is the
        log-likelihood gradient estimate (positive minus negative phase statistics)."""
        return self.free_energy(v, y_data).mean() - self.free_energy(v_model, y_model).mean()

    def hybrid_loss(self, v, y_data, v_model, y_model, alpha=1.0):
        """PCD loss plus alpha * -log p(y | v): the hybrid generative-discriminative RBM of
        Larochelle & Bengio 2008. The discriminative term makes the label units drive the hidden
        units strongly, so clamping a label steers the Gibbs chain to that class."""
        loss = self(v, y_data, v_model, y_model)
        if self.config.num_classes > 0 and alpha > 0:
            loss = loss - alpha * (self.label_log_probs(v) * y_data).sum(1).mean()
        return loss

    @torch.no_grad()
    def encode(self, x, labels=None, callback=None, steps=None, losses=None):
        """Data (B, *sample_shape) -> its latent code: the hidden units' probabilities p(h = 1 | v, y),
        (B, num_hidden). labels may be class indices or class weights (rows summing to 1). One pass: the
        arguments of an iterative encoder (callback, steps, losses: every family's encode takes them)
        are not used."""
        y = labels.float() if labels is not None and labels.is_floating_point() else self.one_hot(labels)
        return torch.sigmoid(self.hidden_input(self.to_visible(x), y))

    @property
    def latent_dim(self) -> int:
        return self.config.num_hidden

    def draw_latent(self, n, generator=None, labels=None):
        """n points of latent space as sampling reaches them: the hidden probabilities of n samples."""
        return self.encode(self.sample(n, generator, labels), labels)

    @torch.no_grad()
    def seed_points(self, seed: int, labels):
        """Each label's point for one seed (len(labels), num_hidden): row i is, bit for bit, the point
        draw_latent(1, a generator seeded `seed`, labels[i:i + 1]) reaches. The chains run side by side in
        one batch, each alone in all but the cost (each_alone): every chain draws the noise a chain of its
        own would draw (one row, for all), and each row's products and sigmoids are made row by row. A tune's 4
        distinct notes on rbm-notes, 100 sweeps: 110 -> 80 ms (1 thread; products of all rows at once,
        57 ms, but a chain then sometimes takes another step). Categorical units draw each row on noise
        of its own: there the chains run one after another."""
        if self.config.visible_type == "categorical":
            return torch.cat([self.draw_latent(1, torch.Generator().manual_seed(seed), labels[i:i + 1])
                              for i in range(len(labels))])
        x = self.sample(len(labels), torch.Generator().manual_seed(seed), labels, each_alone=True)
        return sigmoid(self.hidden_input(self.to_visible(x), self.one_hot(labels), each_alone=True), each_alone=True)

    @torch.no_grad()
    def decode(self, h, labels=None):
        """Hidden probabilities (B, num_hidden) -> data (B, *sample_shape): the visible means (mean field).
        The labels are already in h (encode read them): taken, as every family's decode takes them, and unused."""
        return self.to_data(self.visible_mean(h))

    @torch.no_grad()
    def reconstruct(self, x, labels=None):
        """(B, *sample_shape) data -> mean of v after one up-down pass through p(h | v, y)."""
        return self.decode(self.encode(x, labels))

    @torch.no_grad()
    def start_means(self, labels):
        """Mean of the chains' first visible state: the class's mean example when there are label
        units, else the base rates that the visible biases encode (gaussian: the data's mean)."""
        if self.config.num_classes > 0:
            return self.to_visible(self.class_means(labels))
        kind = self.config.visible_type
        if kind == "gaussian":
            return self.b.expand(len(labels), -1)
        if kind == "categorical":
            return self.visible_mean(torch.zeros(len(labels), self.config.num_hidden, device=self.device))
        return torch.sigmoid(self.b).expand(len(labels), -1)

    def class_means(self, labels):
        """(B, num_visible) each label's mean training example: stored per class, or, with label
        factors, the overall mean plus each factor value's difference from it."""
        factors = self.config.label_factors
        if not factors:
            return self.class_base_rates[labels]
        means, first = self.class_base_rates[0].expand(len(labels), -1), 1
        for k, value in zip(factors, factor_values(labels, factors)):
            means = means + self.class_base_rates[first + value]
            first += k
        return means

    def start(self, labels, generator=None, each_alone: bool = False):
        """The chains' first state (v, y, mean): a draw of the start means (their values, for
        gaussian units), the labels one-hot (None without label units), and the means themselves."""
        mean = self.start_means(labels)
        v = mean if self.config.visible_type == "gaussian" else self.sample_visible(mean, generator, each_alone)
        return v, self.one_hot(labels), mean

    @torch.no_grad()
    def sample(self, n, generator=None, labels=None, steps=None, callback=None, each_alone: bool = False):
        """n samples (n, *sample_shape) after `steps` Gibbs sweeps from the class's base rates: the
        visible means in [0, 1] (pictures), or the last one-hot draw (categorical units).
        With labels the label units are clamped; without, a class is drawn uniformly for the start
        and the label units are then sampled too. callback(step, steps) is called after each sweep
        (for progress bars). each_alone: every chain computed as it would be alone (see seed_points)."""
        steps = self.config.default_steps if steps is None else steps
        clamp = labels is not None
        if labels is None:
            labels = torch.randint(max(self.config.num_classes, 1), (n,), generator=generator)
        v, y, mean = self.start(labels, generator, each_alone)      # steps = 0 returns the start means
        for step in range(steps):
            v, y, mean = self.gibbs_step(v, y, generator, clamp_labels=clamp, each_alone=each_alone)
            if callback is not None:
                callback(step + 1, steps)
        return self.to_data(v if self.config.visible_type == "categorical" else mean)

    @torch.no_grad()
    def chain(self, labels, steps: int, generator=None, temperature: float = 1.0):
        """One Gibbs chain per label, from the class's base rates, with the label units clamped, at
        `temperature` (energies divided by it: above 1 every unit is less sure and pictures turn to
        noise, below 1 the chain settles). Yields the visible means (B, *sample_shape) after each
        sweep, so the chain can be watched."""
        v, y, _ = self.start(labels, generator)
        for _ in range(steps):
            v, y, mean = self.gibbs_step(v, y, generator, temperature=temperature)
            yield self.to_data(mean)

    @torch.no_grad()
    def denoise(self, x, evidence, passes: int = 10):
        """Mean-field posterior of the clean picture given a noisy one x (B, *sample_shape), the RBM the
        prior and the noise model the likelihood (Bayes' rule). Each pass: h = p(h | v, y), y = p(y | v)
        (the label units free), then v from h and the noise's evidence (B, *sample_shape) per unit:
        bernoulli units, log p(x_i | v_i = 1) - log p(x_i | v_i = 0), and v <- sigmoid(W'h + b + evidence);
        gaussian units, the precision of x_i's noise in standardized units (1 / its variance), and v <- the
        mean of N(W'h + b, 1) times N(x_i, 1 / evidence): (W'h + b + evidence * x_i) / (1 + evidence).
        Evidence 0 with passes=1 is one up-down pass of x through the model."""
        assert self.config.visible_type in ("bernoulli", "gaussian"), "mean-field denoising needs real-valued units"
        gaussian = self.config.visible_type == "gaussian"
        seen, evidence = self.to_visible(x), evidence.flatten(1)
        v = seen
        for _ in range(passes):
            y = self.label_log_probs(v).exp() if self.config.num_classes > 0 else None
            h = torch.sigmoid(self.hidden_input(v, y))
            v = ((self.visible_input(h) + evidence * seen) / (1 + evidence) if gaussian
                 else torch.sigmoid(self.visible_input(h) + evidence))
        return self.to_data(v)

    @torch.no_grad()
    def fill_in(self, x, known, steps: int, generator=None):
        """Inpainting: block Gibbs with the visible units where `known` (bool, like x) is True clamped
        to x's values and the label units free; the others start at the visible biases' base rates.
        Yields the visible means (B, *sample_shape), known pixels pasted in, after each sweep."""
        known, clamped = known.flatten(1), x.flatten(1)
        v = torch.where(known, clamped, torch.sigmoid(self.b).expand_as(clamped))
        y = self.label_log_probs(v).exp() if self.config.num_classes > 0 else None
        for _ in range(steps):
            v, y, mean = self.gibbs_step(v, y, generator, clamp_labels=False)
            v = torch.where(known, clamped, v)
            yield self.to_data(torch.where(known, clamped, mean))
