"""Restricted Boltzmann machine (Smolensky 1986; Hinton 2002) with binary hidden units, visible
units of a configurable type, and optional softmax label units in the joint model, as in the top
level of Hinton, Osindero & Teh 2006 ("A fast learning algorithm for deep belief nets"):

    E(v, y, h) = -b.v - d.y - c.h - h'Wv - h'Uy,     y one-hot over num_classes.

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

VISIBLE_TYPES = ("bernoulli",)


class RBM(ModelMixin, ConfigMixin):
    """Parameters:
        sample_shape: shape of one visible sample, e.g. (1, 28, 28); flattened inside.
        num_hidden: binary hidden units.
        num_classes: softmax label units joined to the hidden layer; 0 for none.
        visible_type: "bernoulli" (units in {0, 1}; pictures show their means).
        default_steps: Gibbs sweeps that `sample` runs when not told otherwise.

    Buffer `class_base_rates` (num_classes, num_visible): each class's mean visible vector in the
    training data, set by training; the Gibbs chains for a class start from draws of it.
    """

    @register_to_config
    def __init__(self, sample_shape: tuple = (1, 28, 28), num_hidden: int = 500, num_classes: int = 10,
                 visible_type: str = "bernoulli", default_steps: int = 100):
        super().__init__()
        assert visible_type in VISIBLE_TYPES, f"visible_type must be one of {VISIBLE_TYPES}"
        num_visible = int(torch.tensor(sample_shape).prod())
        self.W = nn.Parameter(torch.randn(num_hidden, num_visible) * 0.01)
        self.b = nn.Parameter(torch.zeros(num_visible))            # visible bias
        self.c = nn.Parameter(torch.zeros(num_hidden))             # hidden bias
        self.U = nn.Parameter(torch.randn(num_hidden, max(num_classes, 1)) * 0.01)
        self.d = nn.Parameter(torch.zeros(max(num_classes, 1)))    # label bias
        self.register_buffer("class_base_rates", torch.full((max(num_classes, 1), num_visible), 0.5))

    # conditionals (v is flat: (B, num_visible); y one-hot (B, num_classes) or None)

    def hidden_input(self, v, y=None):
        x = F.linear(v, self.W, self.c)                            # (B, num_hidden)
        return x if y is None or self.config.num_classes == 0 else x + y @ self.U.T

    def visible_mean(self, h):
        return torch.sigmoid(F.linear(h, self.W.T, self.b))        # (B, num_visible) in [0, 1]

    def label_logits(self, h):
        return F.linear(h, self.U.T, self.d)                       # (B, num_classes)

    def free_energy(self, v, y=None):
        """F(v, y) = -b.v - d.y - sum_j softplus(c_j + W_j v + U_j y), so p(v, y) ∝ exp(-F)
        (Hinton 2010, "A Practical Guide to Training RBMs", eq. 11)."""
        fe = -v @ self.b - F.softplus(self.hidden_input(v, y)).sum(1)
        return fe if y is None or self.config.num_classes == 0 else fe - y @ self.d

    def label_log_probs(self, v):
        """log p(y | v) for every class, exact: p(y | v) ∝ exp(-F(v, y)) (Larochelle & Bengio 2008)."""
        x = F.linear(v, self.W, self.c).unsqueeze(1) + self.U.T.unsqueeze(0)   # (B, num_classes, num_hidden)
        return F.log_softmax(self.d + F.softplus(x).sum(2), 1)

    def one_hot(self, labels):
        return None if labels is None else F.one_hot(labels, self.config.num_classes).float()

    def gibbs_step(self, v, y, generator=None, clamp_labels=True):
        """One block-Gibbs sweep; returns new (v sample, y, visible mean)."""
        h = torch.bernoulli(torch.sigmoid(self.hidden_input(v, y)), generator=generator)
        if self.config.num_classes > 0 and not clamp_labels:
            idx = torch.multinomial(F.softmax(self.label_logits(h), 1), 1, generator=generator)
            y = F.one_hot(idx.squeeze(1), self.config.num_classes).float()
        mean = self.visible_mean(h)
        return torch.bernoulli(mean, generator=generator), y, mean

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
    def reconstruct(self, x, labels=None):
        """(B, C, H, W) in [0, 1] -> mean of v after one up-down pass through p(h | v, y)."""
        v = x.flatten(1)
        h = torch.sigmoid(self.hidden_input(v, self.one_hot(labels)))
        return self.visible_mean(h).view_as(x)

    @torch.no_grad()
    def start_means(self, labels):
        """Mean of the chains' first visible state: the class's base rates when there are label
        units, else the base rates that the visible biases encode."""
        if self.config.num_classes == 0:
            return torch.sigmoid(self.b).expand(len(labels), -1)
        return self.class_base_rates[labels]

    @torch.no_grad()
    def sample(self, n, generator=None, labels=None, steps=None, callback=None):
        """n samples (n, C, H, W) in [0, 1] after `steps` Gibbs sweeps from the class's base rates.
        With labels the label units are clamped; without, a class is drawn uniformly for the start
        and the label units are then sampled too. callback(step, steps) is called after each sweep
        (for progress bars)."""
        steps = self.config.default_steps if steps is None else steps
        clamp = labels is not None
        if labels is None:
            labels = torch.randint(max(self.config.num_classes, 1), (n,), generator=generator)
        mean = self.start_means(labels)
        v = torch.bernoulli(mean, generator=generator)
        y = self.one_hot(labels) if self.config.num_classes > 0 else None
        for step in range(steps):
            v, y, mean = self.gibbs_step(v, y, generator, clamp_labels=clamp)
            if callback is not None:
                callback(step + 1, steps)
        return mean.reshape(n, *self.config.sample_shape)
