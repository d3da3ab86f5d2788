"""Variational autoencoder (Kingma & Welling 2014, "Auto-Encoding Variational Bayes"), optionally
class-conditional (Sohn et al. 2015, "Learning Structured Output Representation using Deep
Conditional Generative Models"): q(z | x, y) is a diagonal Gaussian, p(z) = N(0, I), and p(x | z, y)
a Bernoulli per pixel.

Bernoulli on dynamically binarized pixels is the convention of the MNIST likelihood literature
(Salakhutdinov & Murray 2008; Burda et al. 2016), so the test NLL in nats is comparable with
published numbers. Pictures shown to people are the Bernoulli means, not binary draws.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.modeling_utils import ModelMixin

from .nets import ConvDecoder, ConvEncoder, label_embedding

# helpers

def negative_elbo(logits, x, mu, logvar):
    """-ELBO per example in nats: Bernoulli reconstruction NLL + KL(q(z|x) || N(0, I)).
    Kingma & Welling 2014, eq. 10 (the KL in closed form, appendix B)."""
    rec = F.binary_cross_entropy_with_logits(logits, x, reduction="none").flatten(1).sum(1)
    kl = -0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(1)
    return rec + kl, rec, kl


def iwae_nll(model, x, labels=None, k=1000, batch=250, generator=None):
    """Test NLL by importance weighting with k samples from q (Burda et al. 2016, eq. 8), nats per
    example: -log (1/k) sum_i p(x, z_i) / q(z_i | x). An upper bound on -log p(x) that tightens as k grows."""
    mu, logvar = model.encode(x, labels)
    std = (0.5 * logvar).exp()
    log_w = []
    for start in range(0, k, batch):
        kk = min(batch, k - start)
        eps = torch.randn((kk, *mu.shape), generator=generator, device=mu.device)
        z = mu + std * eps                                                # (kk, B, D)
        logits = model.decode_logits(z.flatten(0, 1), None if labels is None else labels.repeat(kk))
        log_px = -F.binary_cross_entropy_with_logits(
            logits, x.repeat(kk, 1, 1, 1), reduction="none").flatten(1).sum(1).view(kk, -1)
        log_pz = (-0.5 * (z.pow(2) + math.log(2 * math.pi))).sum(-1)
        log_qz = (-0.5 * (eps.pow(2) + math.log(2 * math.pi)) - 0.5 * logvar).sum(-1)
        log_w.append(log_px + log_pz - log_qz)
    log_w = torch.cat(log_w)                                              # (k, B)
    return -(torch.logsumexp(log_w, 0) - math.log(k))


# model

class VAE(ModelMixin, ConfigMixin):
    """Convolutional VAE.

    Parameters:
        sample_shape: (channels, height, width) of one sample; height and width divisible by 4.
        latent_dim: size of z.
        num_classes: number of class labels to condition on; 0 for an unconditional model.
        hidden: width of the encoder's last layer and of the label embedding's input to it.
        enc_channels, dec_channels: conv widths of the encoder and decoder.
    """

    @register_to_config
    def __init__(self, sample_shape: tuple = (1, 28, 28), latent_dim: int = 16, num_classes: int = 10,
                 hidden: int = 256, enc_channels: tuple = (32, 64), dec_channels: tuple = (64, 32),
                 label_dim: int = 16):
        super().__init__()
        self.encoder = ConvEncoder(sample_shape=sample_shape, channels=enc_channels, out_features=hidden)
        self.label_emb = label_embedding(num_classes, label_dim)
        cond = label_dim if num_classes > 0 else 0
        self.to_posterior = nn.Linear(hidden + cond, 2 * latent_dim)
        self.decoder = ConvDecoder(sample_shape=sample_shape, in_features=latent_dim + cond,
                                   channels=dec_channels)

    @property
    def latent_dim(self) -> int:
        return self.config.latent_dim

    def _with_label(self, h, labels):
        if self.label_emb is None:
            return h
        assert labels is not None, "this VAE is class-conditional: pass labels"
        return torch.cat([h, self.label_emb(labels)], 1)

    def encode(self, x, labels=None):
        """(B, C, H, W) in [0, 1] -> mean and log-variance of q(z | x, y), each (B, latent_dim)."""
        mu, logvar = self.to_posterior(self._with_label(self.encoder(x), labels)).chunk(2, 1)
        return mu, logvar.clamp(-12, 8)

    def decode_logits(self, z, labels=None):
        return self.decoder(self._with_label(z, labels))

    def decode(self, z, labels=None):
        """(B, latent_dim) -> (B, C, H, W) Bernoulli means in [0, 1]."""
        return torch.sigmoid(self.decode_logits(z, labels))

    def forward(self, x, labels=None, generator=None):
        """-ELBO per example of x (B, C, H, W) in {0, 1}; returns (loss, reconstruction nll, kl)."""
        mu, logvar = self.encode(x, labels)
        eps = torch.randn(mu.shape, generator=generator, device=mu.device)
        z = mu + (0.5 * logvar).exp() * eps                    # reparameterization trick
        return negative_elbo(self.decode_logits(z, labels), x, mu, logvar)

    @torch.no_grad()
    def sample(self, n, generator=None, labels=None):
        """n samples (n, C, H, W) in [0, 1]; z drawn from p(z) with the given torch.Generator."""
        z = torch.randn((n, self.latent_dim), generator=generator, device=self.device)
        return self.decode(z, labels)
