"""Generative adversarial network (Goodfellow et al. 2014) in the DCGAN shape (Radford et al. 2016),
trained with the recipe that made GANs stable enough to teach with:
- hinge loss (Lim & Ye 2017; Miyato et al. 2018),
- spectral normalization of every discriminator layer (Miyato et al. 2018, "Spectral Normalization
  for Generative Adversarial Networks"),
- label conditioning by a projection discriminator (Miyato & Koyama 2018, "cGANs with Projection
  Discriminator") and a label embedding concatenated to z in the generator; for a label of several
  factors (an instrument and a pitch) optionally also an auxiliary classifier of each factor in the
  discriminator, whose cross-entropy both nets minimise (AC-GAN, Odena et al. 2017; GANSynth,
  Engel et al. 2019, made its notes' pitch this way),
- an exponential moving average of the generator's weights (Yazici et al. 2019), which is what is
  shipped and sampled.

For text the GAN works in a latent space (Donahue & Rumshisky 2018, "Adversarial Text Generation
without Reinforcement Learning"; Zhao et al. 2018, ARAE): letters are discrete, so no gradient flows
from a discriminator through the choice of a letter. An autoencoder's codes are continuous: body_type
"mlp" generates codes, the discriminator judges codes, and the autoencoder's decoder spells them out.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.modeling_utils import ModelMixin
from torch.nn.utils.parametrizations import spectral_norm

from .inversion import invert
from .nets import MLP, ConvDecoder, ConvEncoder, embed_labels, factor_values, label_embedding

BODIES = ("conv", "mlp")

# losses

def hinge_d_loss(real_scores, fake_scores):
    """Discriminator hinge loss, mean over the batch (Lim & Ye 2017, eq. 6)."""
    return F.relu(1 - real_scores).mean() + F.relu(1 + fake_scores).mean()


def hinge_g_loss(fake_scores):
    """Generator loss of the hinge GAN: -D(G(z)) (Miyato et al. 2018, eq. 17)."""
    return -fake_scores.mean()


def bce_d_loss(real_scores, fake_scores):
    """The original discriminator loss, -log D(x) - log(1 - D(G(z))) with D = sigmoid(score)
    (Goodfellow et al. 2014, eq. 1), mean over the batch."""
    return F.softplus(-real_scores).mean() + F.softplus(fake_scores).mean()


def bce_g_loss(fake_scores):
    """The non-saturating generator loss -log D(G(z)) (Goodfellow et al. 2014, section 3)."""
    return F.softplus(-fake_scores).mean()


LOSSES = {"hinge": (hinge_d_loss, hinge_g_loss), "bce": (bce_d_loss, bce_g_loss)}


# models

class Generator(ModelMixin, ConfigMixin):
    """z (and a class label) -> picture in [0, 1] (body_type "conv"), or a code vector (body_type "mlp").

    Parameters:
        sample_shape: (channels, height, width) of one picture, height and width divisible by 4;
            (code size,) for body_type "mlp".
        latent_dim: size of z ~ N(0, I).
        num_classes: labels to condition on; 0 for an unconditional generator.
        channels: widths of the two up-convolutions (batch-normalized, as in DCGAN).
        body_type: "conv" or "mlp"; hidden, depth: the MLP's width and hidden layers.
        decoder: for codes, the checkpoint subfolder holding the autoencoder that spells them out.
        label_factors: for a label of several factors (an instrument and a pitch), each one's number of
            values: the label's vector is the sum of one per factor value (nets.FactoredEmbedding).
    """

    @register_to_config
    def __init__(self, sample_shape: tuple = (1, 28, 28), latent_dim: int = 64, num_classes: int = 10,
                 channels: tuple = (128, 64), label_dim: int = 16, body_type: str = "conv", hidden: int = 256,
                 decoder: str = "", label_factors: tuple = (), depth: int = 2):
        super().__init__()
        assert body_type in BODIES, f"body_type must be one of {BODIES}"
        self.label_emb = label_embedding(num_classes, label_dim, tuple(label_factors))
        cond = label_dim if num_classes > 0 else 0
        if body_type == "mlp":
            self.body = MLP(latent_dim + cond, sample_shape[0], hidden, depth=depth)
        else:
            self.body = ConvDecoder(sample_shape=sample_shape, in_features=latent_dim + cond,
                                    channels=channels, batch_norm=True)

    @property
    def latent_dim(self) -> int:
        return self.config.latent_dim

    def decode(self, z, labels=None):
        """(B, latent_dim) -> (B, C, H, W) in [0, 1], or (B, code size) codes."""
        if self.label_emb is not None:
            assert labels is not None, "this generator is class-conditional: pass labels"
            z = torch.cat([z, embed_labels(self.label_emb, labels)], 1)
        out = self.body(z)
        return out if self.config.body_type == "mlp" else torch.sigmoid(out)

    def forward(self, z, labels=None):
        return self.decode(z, labels)

    def draw_latent(self, n, generator=None, labels=None):
        """n points of latent space as sampling draws them: z ~ N(0, I), (n, latent_dim)."""
        return torch.randn((n, self.latent_dim), generator=generator, device=self.device)

    def encode(self, x, labels=None, callback=None, steps: int = 200, losses: list | None = None):
        """Data (B, *sample_shape) -> the z whose decode is nearest it. A GAN has no encoder: found by
        gradient descent (models.inversion.invert), callback(step, steps) after each of its steps."""
        return invert(self, x, labels, steps=steps, callback=callback, losses=losses)

    @torch.no_grad()
    def sample(self, n, generator=None, labels=None, callback=None):
        """n samples from z ~ N(0, I) drawn with the given torch.Generator. One pass: callback is not called."""
        z = self.draw_latent(n, generator, labels)
        return self.decode(z, labels)


class Discriminator(ModelMixin, ConfigMixin):
    """Picture in [0, 1] or code (and its label) -> realness score (B,), unbounded (hinge loss).

    Parameters:
        sample_shape: as the generator's.
        num_classes: labels; the score adds <embed(y), features> (projection discriminator).
        channels, hidden: conv widths and feature size.
        body_type: "conv" (pictures) or "mlp" (codes); depth: the MLP's hidden layers.
        spectral: spectrally normalize every layer (False only for the deliberately collapsing recipe).
        label_factors: the label's factors (an instrument and a pitch): the projection is the sum of one
            vector per factor value.
        auxiliary: also classify each factor of the label from the features (AC-GAN): forward's with_logits.
    """

    @register_to_config
    def __init__(self, sample_shape: tuple = (1, 28, 28), num_classes: int = 10,
                 channels: tuple = (64, 128), hidden: int = 256, body_type: str = "conv", spectral: bool = True,
                 label_factors: tuple = (), auxiliary: bool = False, depth: int = 2):
        super().__init__()
        assert body_type in BODIES, f"body_type must be one of {BODIES}"
        if body_type == "mlp":
            self.features = nn.Sequential(MLP(sample_shape[0], hidden, hidden, spectral=spectral, activation="leaky",
                                              depth=depth), nn.LeakyReLU(0.2))
        else:
            self.features = ConvEncoder(sample_shape=sample_shape, channels=channels, out_features=hidden,
                                        spectral=spectral, activation="leaky")
        wrap = spectral_norm if spectral else (lambda m: m)
        self.score = wrap(nn.Linear(hidden, 1))
        self.factors = tuple(label_factors) or ((num_classes,) if num_classes > 0 else ())
        if label_factors:
            self.projection = nn.ModuleList(wrap(nn.Embedding(k, hidden)) for k in label_factors)
        else:
            self.projection = wrap(nn.Embedding(num_classes, hidden)) if num_classes > 0 else None
        self.classifiers = nn.ModuleList([nn.Linear(hidden, k) for k in self.factors] if auxiliary else [])

    def project(self, labels):
        """The label's projection vector (B, hidden): one learned vector per class, or the sum of one per
        factor value."""
        if isinstance(self.projection, nn.ModuleList):
            return sum(table(v) for table, v in zip(self.projection, factor_values(labels, self.factors)))
        return self.projection(labels)

    def forward(self, x, labels=None, with_logits=False):
        """Realness scores (B,); with_logits: and the auxiliary classifiers' logits, one (B, values) per
        factor of the label (none without auxiliary classifiers)."""
        h = self.features(x if self.config.body_type == "mlp" else x * 2 - 1)   # (B, hidden); pictures centred on 0
        score = self.score(h).squeeze(1)
        if self.projection is not None:
            score = score + (self.project(labels) * h).sum(1)
        if with_logits:
            return score, [head(h) for head in self.classifiers]
        return score
