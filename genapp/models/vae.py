"""Variational autoencoder (Kingma & Welling 2014, "Auto-Encoding Variational Bayes"), optionally
class-conditional (Sohn et al. 2015, "Learning Structured Output Representation using Deep
Conditional Generative Models"): q(z | x, y) is a diagonal Gaussian, p(z) = N(0, I) (or, with
class_prior, a Gaussian per class fitted after training, see fit_class_prior), and p(x | z, y)
a Bernoulli per pixel, or, for character rows (body_type "gru"), a categorical per symbol read left to
right by a GRU decoder that also sees z: the sentence VAE of Bowman et al. 2016; or, for real-valued
vectors such as 2-D toy points (body_type "mlp"), a diagonal Gaussian whose mean and log-variance an
MLP decoder gives (Kingma & Welling 2014, appendix C.2).

Bernoulli on dynamically binarized pixels is the convention of the MNIST likelihood literature
(Salakhutdinov & Murray 2008; Burda et al. 2016), so the test NLL in nats is comparable with
published numbers. Pictures shown to people are the Bernoulli means, not binary draws. For colour
pictures (likelihood "logistic") each 8-bit channel value has a discretized logistic distribution, a
mean and a scale per pixel and channel (PixelCNN++, Salimans et al. 2017, without the mixture): the
colour-image literature's likelihood, whose NLL is read in bits per dimension; "logistic_mixture" gives
each pixel K of them, weighted (PixelCNN++'s mixture), and shows each pixel's likeliest component.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.modeling_utils import ModelMixin

from .nets import (MLP, ConvDecoder, ConvEncoder, TextDecoder, TextEncoder, categorical_log_likelihood,
                   embed_labels, label_embedding)

BODIES = ("conv", "gru", "mlp")

# helpers

LIKELIHOODS = ("bernoulli", "logistic", "logistic_mixture")
BINS = 255                       # an 8-bit channel: values k / 255, k = 0..255


def logistic_bin_log_probs(mean, log_scale, x):
    """Elementwise log-probability of 8-bit values x in [0, 1] (k / 255) under a logistic of `mean` and
    exp(`log_scale`) discretized to bins of width 1/255, the end bins taking the tails (Salimans et al.
    2017, eq. 2)."""
    inv_scale = torch.exp(-log_scale)
    upper = torch.sigmoid((x + 0.5 / BINS - mean) * inv_scale)
    lower = torch.sigmoid((x - 0.5 / BINS - mean) * inv_scale)
    upper = torch.where(x > 1 - 0.5 / BINS, torch.ones_like(upper), upper)   # 255: everything above
    lower = torch.where(x < 0.5 / BINS, torch.zeros_like(lower), lower)      # 0: everything below
    return torch.log((upper - lower).clamp_min(1e-12))


def discretized_logistic_log_likelihood(mean, log_scale, x):
    """(B,) log p(x) in nats of 8-bit pictures x, each channel value one discretized logistic."""
    return logistic_bin_log_probs(mean, log_scale, x).flatten(1).sum(1)


def logistic_mixture_log_likelihood(logits, means, log_scales, x):
    """(B,) log p(x) in nats of 8-bit pictures x (B, C, H, W) under a mixture of K discretized logistics
    per pixel (PixelCNN++'s, Salimans et al. 2017, without its channel coupling): a pixel's components
    have weights softmax(logits) (B, K, H, W) shared by its channels, and a mean and log-scale per channel
    (B, K, C, H, W)."""
    per_component = logistic_bin_log_probs(means, log_scales, x.unsqueeze(1)).sum(2) + logits.log_softmax(1)
    return torch.logsumexp(per_component, 1).flatten(1).sum(1)


def bits_per_dimension(nll_nats, dimensions: int):
    """An NLL in nats per example -> bits per dimension (channel value), the colour-image literature's unit."""
    return nll_nats / (dimensions * math.log(2))


def kl_divergence(mu, logvar, prior_mean=0.0, prior_logvar=0.0, per_dim=False):
    """KL(q(z|x) || p(z)) per example (B,), or with per_dim each latent dimension's (B, latent_dim), in closed
    form, between diagonal Gaussians; p(z) = N(0, I) unless a prior's mean and log-variance are given (Kingma &
    Welling 2014, appendix B)."""
    prior_logvar = torch.as_tensor(prior_logvar, dtype=mu.dtype, device=mu.device)
    kl = 0.5 * (prior_logvar - logvar + (logvar.exp() + (mu - prior_mean).pow(2)) / prior_logvar.exp() - 1)
    return kl if per_dim else kl.sum(1)


def gaussian_log_density(z, mean=0.0, logvar=0.0):
    """(..., D) -> (...) log N(z; mean, diag exp(logvar)) in nats."""
    logvar = torch.as_tensor(logvar, dtype=z.dtype, device=z.device)
    return (-0.5 * ((z - mean).pow(2) / logvar.exp() + logvar + math.log(2 * math.pi))).sum(-1)


def iwae_nll(model, x, labels=None, k=1000, batch=250, generator=None, encoder_input=None):
    """Test NLL by importance weighting with k samples from q (Burda et al. 2016, eq. 8), nats per
    example: -log (1/k) sum_i p(x, z_i) / q(z_i | x). An upper bound on -log p(x) that tightens as k grows.
    encoder_input: what the encoder reads, if not x (the grey picture of a binarized x); any q gives a bound."""
    mu, logvar = model.posterior(x if encoder_input is None else encoder_input, labels)
    std = (0.5 * logvar).exp()
    log_w = []
    for start in range(0, k, batch):
        kk = min(batch, k - start)
        eps = torch.randn((kk, *mu.shape), generator=generator, device=mu.device)
        z = mu + std * eps                                                # (kk, B, D)
        xs, ys = (None if t is None else t.repeat(kk, *[1] * (t.dim() - 1)) for t in (x, labels))
        logits = model.decode_logits(z.flatten(0, 1), ys, xs)
        log_px = model.log_likelihood(logits, xs).view(kk, -1)
        log_pz = model.log_prior(z, labels)
        log_qz = (-0.5 * (eps.pow(2) + math.log(2 * math.pi)) - 0.5 * logvar).sum(-1)
        log_w.append(log_px + log_pz - log_qz)
    log_w = torch.cat(log_w)                                              # (k, B)
    return -(torch.logsumexp(log_w, 0) - math.log(k))


def gaussian_parameters(out):
    """An "mlp" decoder's output (B, 2D) -> mean (B, D) and log-variance (B, D), the variance kept
    from collapsing onto a single point (which would make the likelihood infinite)."""
    mean, logvar = out.chunk(2, 1)
    return mean, logvar.clamp(-10, 6)


def mixture_parameters(out, channels: int, components: int):
    """A "logistic_mixture" decoder's output (B, K (1 + 2C), H, W) -> component logits (B, K, H, W), means
    in [0, 1] and log-scales (B, K, C, H, W)."""
    k = components
    logits, rest = out[:, :k], out[:, k:].unflatten(1, (2, k, channels))
    return logits, torch.sigmoid(rest[:, 0]), rest[:, 1].clamp(math.log(0.1 / BINS), 2)


def mixture_mode(logits, means):
    """Each pixel's picture as shown: the means of its likeliest component (B, C, H, W): one of the
    colours the pixel may have, not a blend of them (a blend of white and ink is the VAE's blur)."""
    best = logits.argmax(1)[:, None, None].expand(-1, 1, means.shape[2], -1, -1)      # (B, 1, C, H, W)
    return means.gather(1, best)[:, 0]


def mixture_expected(logits, means):
    """Each pixel's expected colour (B, C, H, W): the components' means weighted by softmax(logits)."""
    return (logits.softmax(1).unsqueeze(2) * means).sum(1)


def mixture_mode_straight_through(logits, means):
    """mixture_mode forward; backward, the gradient of the pixel's expected colour, the components' means
    weighted by softmax(logits) (the straight-through estimator, Bengio et al. 2013): a loss on the picture
    as shown reaches every component's weight and colour, which the argmax alone would not pass on."""
    expected = mixture_expected(logits, means)
    return mixture_mode(logits, means) + expected - expected.detach()


def logistic_parameters(out):
    """A "logistic" decoder's output (B, 2C, H, W) -> each channel value's mean in [0, 1] and log-scale
    (B, C, H, W), the scale kept above a tenth of a bin (below it the likelihood stops changing)."""
    mean, log_scale = out.chunk(2, 1)
    return torch.sigmoid(mean), log_scale.clamp(math.log(0.1 / BINS), 2)


# model

class VAE(ModelMixin, ConfigMixin):
    """Parameters:
        sample_shape: (channels, height, width) of a picture, height and width divisible by 4
            (body_type "conv"); (length, vocabulary) of a one-hot row of symbols (body_type "gru");
            (size,) of a real vector (body_type "mlp").
        latent_dim: size of z.
        num_classes: number of class labels to condition on; 0 for an unconditional model.
        hidden: width of the encoder's last layer (and of the GRUs).
        body_type: "conv" (pictures, Bernoulli pixels), "gru" (symbol rows, categorical symbols) or
            "mlp" (real vectors, Gaussian with a mean and log-variance per coordinate).
        enc_channels, dec_channels: conv widths of the encoder and decoder (conv).
        embed_dim, end_symbol: symbol embedding size and the end (and start) symbol's index (gru).
        label_factors: for a label of several factors (an instrument and a pitch), each one's number of
            values: the label's vector is the sum of one per factor value (nets.FactoredEmbedding).
        likelihood: of a conv picture's pixels: "bernoulli" (grey ink), "logistic" (8-bit colour
            channels, a discretized logistic each: the decoder gives a mean and a log-scale per channel), or
            "logistic_mixture" (mixture_components of them per pixel, weighted, see
            logistic_mixture_log_likelihood).
        mixture_components: the mixture's K.
        class_prior: p(z | y) a diagonal Gaussian per class, N(0, I) until fit_class_prior measures where
            the class's training examples land (a conditional model only).
        context_shape: (length, vocabulary) of a one-hot row of text that the model is conditioned on
            instead of a class (a line it replies to; num_classes 0): a GRU reads it into a label_dim
            vector, and p(z | context) is a Gaussian that a prior network gives from that vector, learned
            with the rest (the conditional VAE of Zhao et al. 2017, "Learning Discourse-level Diversity for
            Neural Dialog Models using Conditional Variational Autoencoders"). The `labels` of every method
            are then the context rows (B, length, vocabulary).
        text_summary: what a text encoder (gru) keeps of a row: its GRU's "last" state, or its state at the
            row's "end" symbol (nets.TextEncoder).
        copy: a text decoder replying to a context may also copy the context's characters (nets.CopyHead, the
            pointer-generator of See et al. 2017 with a match model): it points at a place in the line, so a
            reply can take up a name or a word of its line, as real replies do, where a decoder that reads the
            line as one vector spelled none out.
    """

    @register_to_config
    def __init__(self, sample_shape: tuple = (1, 28, 28), latent_dim: int = 16, num_classes: int = 10,
                 hidden: int = 256, enc_channels: tuple = (32, 64), dec_channels: tuple = (64, 32),
                 label_dim: int = 16, body_type: str = "conv", embed_dim: int = 32, end_symbol: int = 1,
                 label_factors: tuple = (), likelihood: str = "bernoulli", class_prior: bool = False,
                 mixture_components: int = 3, context_shape: tuple = (),
                 text_summary: str = "last", copy: bool = False):
        super().__init__()
        assert num_classes > 0 or not class_prior, "a class prior needs classes"
        assert not (context_shape and num_classes), "a model is conditioned on classes or on a context, not both"
        assert body_type in BODIES, f"body_type must be one of {BODIES}"
        assert likelihood in LIKELIHOODS, f"likelihood must be one of {LIKELIHOODS}"
        assert not copy or (context_shape and body_type == "gru"), "only a text decoder replying to a context copies"
        self.label_emb = label_embedding(num_classes, label_dim, tuple(label_factors))
        cond = label_dim if num_classes > 0 or context_shape else 0
        if context_shape:   # a line read into a vector; the prior network: that vector -> p(z | context)
            self.context_encoder = TextEncoder(sample_shape=tuple(context_shape), embed_dim=embed_dim, hidden=hidden,
                                               out_features=label_dim, summary=text_summary, end_symbol=end_symbol)
            self.to_prior = nn.Sequential(nn.Linear(label_dim, hidden), nn.Tanh(), nn.Linear(hidden, 2 * latent_dim))
        self.to_posterior = nn.Linear(hidden + cond, 2 * latent_dim)
        if body_type == "gru":
            self.encoder = TextEncoder(sample_shape=sample_shape, embed_dim=embed_dim, hidden=hidden,
                                       out_features=hidden, summary=text_summary, end_symbol=end_symbol)
            self.decoder = TextDecoder(sample_shape=sample_shape, in_features=latent_dim + cond,
                                       embed_dim=embed_dim, hidden=hidden, end_symbol=end_symbol,
                                       copy_features=hidden if copy else 0)
        elif body_type == "mlp":
            self.encoder = nn.Sequential(MLP(sample_shape[0], hidden, hidden), nn.ReLU())
            self.decoder = MLP(latent_dim + cond, 2 * sample_shape[0], hidden)   # mean, log-variance
        else:
            self.encoder = ConvEncoder(sample_shape=sample_shape, channels=enc_channels, out_features=hidden)
            c, h, w = sample_shape
            out = ({"logistic": 2 * c, "logistic_mixture": mixture_components * (1 + 2 * c)}.get(likelihood, c), h, w)
            self.decoder = ConvDecoder(sample_shape=out, in_features=latent_dim + cond, channels=dec_channels)
        if class_prior:     # saved with the weights; N(0, I) for every class until fitted
            self.register_buffer("prior_mean", torch.zeros(num_classes, latent_dim))
            self.register_buffer("prior_logvar", torch.zeros(num_classes, latent_dim))

    @property
    def latent_dim(self) -> int:
        return self.config.latent_dim

    @property
    def code_dim(self) -> int:
        """The width of the code the decoder reads: z and the condition's vector, if it has one."""
        conditioned = self.config.num_classes > 0 or bool(self.config.context_shape)
        return self.latent_dim + (self.config.label_dim if conditioned else 0)

    def condition(self, labels):
        """What the encoder, decoder and prior read of the condition: (B, label_dim), or None."""
        if self.config.context_shape:
            assert labels is not None and labels.dim() == 3, "this VAE replies to a context: pass its one-hot rows"
            return self.context_encoder(labels)
        if self.label_emb is None:
            return None
        assert labels is not None, "this VAE is class-conditional: pass labels"
        return embed_labels(self.label_emb, labels)

    def read_condition(self, labels):
        """The condition read once, for the posterior, the prior and the decoder together: (its vector
        (B, label_dim) or None, and what a copying text decoder points into or None: the context encoder's
        states before each of the context's symbols and the context rows). A context row is read by one pass
        of its encoder, not one for each of them (half a reply VAE's training step)."""
        if not self.config.copy:
            return self.condition(labels), None
        assert labels is not None and labels.dim() == 3, "this VAE replies to a context: pass its one-hot rows"
        summary, keys = self.context_encoder.read(labels)
        return summary, (keys, labels)

    def _with_label(self, h, labels, condition=None):
        condition = self.condition(labels) if condition is None else condition
        return h if condition is None else torch.cat([h, condition], 1)

    @property
    def is_text(self) -> bool:
        return self.config.body_type == "gru"

    def drawing_state_dict(self) -> dict:
        """The weights that draw (the decoder, the label's embedding, the prior), not those that read a sample
        (the encoder, q(z | x)): what a time-lapse snapshot keeps, about half a picture VAE's weights."""
        return {k: v for k, v in self.state_dict().items() if not k.startswith(("encoder.", "to_posterior."))}

    def posterior(self, x, labels=None, read=None):
        """A sample (B, *sample_shape) -> mean and log-variance of q(z | x, y), each (B, latent_dim). read: the
        condition as read_condition gave it, if it was read already."""
        condition = None if read is None else read[0]
        mu, logvar = self.to_posterior(self._with_label(self.encoder(x), labels, condition)).chunk(2, 1)
        return mu, logvar.clamp(-12, 8)

    @torch.no_grad()
    def encode(self, x, labels=None, callback=None, steps=None, losses=None):
        """A sample (B, *sample_shape) -> its point in latent space: the posterior's mean (B, latent_dim),
        as a coordinate of the class's prior (see place). One pass: the arguments of an iterative encoder
        (callback, steps, losses: every family's encode takes them) are not used."""
        mean, logvar = self.prior(labels)
        return (self.posterior(x, labels)[0] - mean) / (0.5 * torch.as_tensor(logvar, device=x.device)).exp()

    def prior(self, labels=None, read=None):
        """Mean and log-variance of p(z | y), (B, latent_dim) each, or (0.0, 0.0): N(0, I). Labels as class
        weights (a point between classes, nets.embed_labels) mix the classes' means and log-variances.
        Given a context (context_shape), the prior network's Gaussian for it (read: as read_condition gave it)."""
        if self.config.context_shape:
            mean, logvar = self.to_prior(self.condition(labels) if read is None else read[0]).chunk(2, 1)
            return mean, logvar.clamp(-12, 8)
        if not self.config.class_prior:
            return 0.0, 0.0
        if labels.is_floating_point():
            return labels @ self.prior_mean, labels @ self.prior_logvar
        return self.prior_mean[labels], self.prior_logvar[labels]

    def log_prior(self, z, labels=None):
        """(..., B, latent_dim) -> (..., B) log p(z | y) in nats."""
        return gaussian_log_density(z, *self.prior(labels))

    def place(self, u, labels=None, read=None):
        """A latent point as the app shows it, a standard normal coordinate u, -> z = mean + std * u of the
        class's prior (z = u under N(0, I)): one point is each class's own place, so sliders, walks and a
        style swap read the same for every prior."""
        mean, logvar = self.prior(labels, read)
        return mean + (0.5 * torch.as_tensor(logvar, device=u.device)).exp() * u

    def draw_latent(self, n, generator=None, labels=None):
        """n points of latent space as sampling draws them: u ~ N(0, I), (n, latent_dim); decode places
        each in its class's prior."""
        return torch.randn((n, self.latent_dim), generator=generator, device=self.device)

    def _mixture(self, out):
        return mixture_parameters(out, self.config.sample_shape[0], self.config.mixture_components)

    def decode_logits(self, z, labels=None, x=None, read=None):
        """Logits of p(x | z, y); a text decoder reads x's symbols before each one (teacher forcing). read: the
        condition as read_condition gave it, if it was read already."""
        condition, memory = self.read_condition(labels) if read is None else read
        code = self._with_label(z, labels, condition)
        return self.decoder(code, x, memory) if self.is_text else self.decoder(code)

    def log_likelihood(self, logits, x):
        """(B,) log p(x | z) in nats: Bernoulli pixels, discretized logistic colour channels, Gaussian
        vectors, or categorical symbols up to the row's end."""
        if self.is_text:
            return categorical_log_likelihood(logits, x, self.config.end_symbol)
        if self.config.body_type == "mlp":
            mean, logvar = gaussian_parameters(logits)
            return -0.5 * ((x - mean).pow(2) / logvar.exp() + logvar + math.log(2 * math.pi)).sum(1)
        if self.config.likelihood == "logistic":
            return discretized_logistic_log_likelihood(*logistic_parameters(logits), x)
        if self.config.likelihood == "logistic_mixture":
            return logistic_mixture_log_likelihood(*self._mixture(logits), x)
        return -F.binary_cross_entropy_with_logits(logits, x, reduction="none").flatten(1).sum(1)

    def picture(self, z, labels=None, pixels: str = "shown"):
        """(B, latent_dim) latents z (not placed: see place) -> the picture decode shows (B, C, H, W), with
        gradients, for a loss on what is shown (train/vae.py's auxiliary classifier); a mixture's through
        mixture_mode_straight_through, or with pixels "expected" each pixel's expected colour (the
        components' means weighted by their probabilities). Pictures (body_type "conv") only."""
        assert self.config.body_type == "conv", "picture is for pictures"
        logits = self.decode_logits(z, labels)
        if self.config.likelihood == "logistic":
            return logistic_parameters(logits)[0]
        if self.config.likelihood == "logistic_mixture":
            weights, means = self._mixture(logits)[:2]
            if pixels == "expected":
                return mixture_expected(weights, means)
            return mixture_mode_straight_through(weights, means)
        return torch.sigmoid(logits)

    def decode(self, u, labels=None):
        """(B, latent_dim) points (see place) -> (B, C, H, W) Bernoulli (or logistic) means in [0, 1], or
        (B, T, V) one-hot rows of the likeliest symbols (greedy), so a code always gives the same output."""
        if self.is_text:
            condition, memory = read = self.read_condition(labels)
            z = self.place(u, labels, read)
            return self.decoder.generate(self._with_label(z, labels, condition), temperature=None, memory=memory)
        z = self.place(u, labels)
        if self.config.body_type == "mlp":
            return gaussian_parameters(self.decode_logits(z, labels))[0]
        if self.config.likelihood == "logistic":
            return logistic_parameters(self.decode_logits(z, labels))[0]
        if self.config.likelihood == "logistic_mixture":
            logits, means, _ = self._mixture(self.decode_logits(z, labels))
            return mixture_mode(logits, means)
        return torch.sigmoid(self.decode_logits(z, labels))

    def forward(self, x, labels=None, generator=None, decoder_input=None, encoder_input=None, with_code=False,
                kl_per_dim=False):
        """-ELBO per example of x (pictures in {0, 1}, or one-hot rows), Kingma & Welling 2014 eq. 10;
        returns (loss, reconstruction nll, kl), and with_code the code the decoder read (z drawn from q and
        the condition, (B, latent_dim + label_dim)) after them; kl_per_dim: kl of each latent dimension,
        (B, latent_dim). decoder_input: what a text decoder reads
        instead of x (x with symbols dropped: word dropout, Bowman et al. 2016); encoder_input: what the
        encoder reads instead of x (the grey picture of a binarized x)."""
        read = self.read_condition(labels)
        mu, logvar = self.posterior(x if encoder_input is None else encoder_input, labels, read)
        eps = torch.randn(mu.shape, generator=generator, device=mu.device)
        z = mu + (0.5 * logvar).exp() * eps                    # reparameterization trick
        logits = self.decode_logits(z, labels, x if decoder_input is None else decoder_input, read)
        rec, kl = -self.log_likelihood(logits, x), kl_divergence(mu, logvar, *self.prior(labels, read), per_dim=True)
        out = rec + kl.sum(1), rec, kl if kl_per_dim else kl.sum(1)
        return (*out, self._with_label(z, labels, read[0])) if with_code else out

    @torch.no_grad()
    def sample(self, n, generator=None, labels=None, temperature: float = 1.0, callback=None):
        """n samples; z drawn from p(z | y) with the given torch.Generator. Pictures (n, C, H, W) in
        [0, 1] (the Bernoulli means); text (n, T, V) one-hot rows, each symbol drawn at `temperature`.
        One decoder pass: callback is not called."""
        u = self.draw_latent(n, generator, labels)
        if self.is_text:
            condition, memory = read = self.read_condition(labels)
            return self.decoder.generate(self._with_label(self.place(u, labels, read), labels, condition), generator,
                                         temperature, memory)
        return self.decode(u, labels)


@torch.no_grad()
def fit_class_prior(model, x, labels, batch=500):
    """Ex-post density estimation (Ghosh et al. 2020, "From Variational to Deterministic Autoencoders";
    Dai & Wipf 2019, "Diagnosing and Enhancing VAE Models"): the prior N(0, I) that training used leaves
    holes where no training example's posterior lies, and a conditional decoder whose z already says the
    class half ignores the label it is given. Here each class's prior becomes the Gaussian with the mean
    and variance of that class's aggregate posterior, (1/N) sum_i q(z | x_i, y), so a sample's z lies
    where the class's training examples did. Sets the model's class prior in place."""
    mus, variances = [], []
    for i in range(0, len(x), batch):
        mu, logvar = model.posterior(x[i:i + batch], labels[i:i + batch])
        mus.append(mu)
        variances.append(logvar.exp())
    mu, var = torch.cat(mus), torch.cat(variances)
    for c in range(model.config.num_classes):
        mine = labels == c
        assert mine.any(), f"class {c} has no training examples"
        m = mu[mine].mean(0)
        spread = mu[mine].var(0, unbiased=False) + var[mine].mean(0)   # the mixture's variance
        model.prior_mean[c] = m
        model.prior_logvar[c] = spread.log()
