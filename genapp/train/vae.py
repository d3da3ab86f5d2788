"""Training loop of the VAE: minimise the negative ELBO on dynamically binarized data (pictures) or
one-hot rows (text). For text, recipe.options guard against posterior collapse (Bowman et al. 2016):
kl_warmup (steps over which the KL's weight rises linearly from 0 to kl_weight) and word_dropout
(the share of the decoder's input symbols hidden from it, so it must lean on z); kl_weight below 1
trains a beta-VAE, near-deterministic codes for an autoencoder. free_bits (Kingma et al. 2016, "Improved
Variational Inference with Inverse Autoregressive Flow"): each latent dimension's KL, averaged over the
minibatch, counts in the loss as at least that many nats, so that the decoder gains nothing from a dimension
that says less: a character decoder good enough to write lines alone (KL 0.04 nats per character without it)
must then carry each line's gist in z.

binarization (pictures): "sampled", a fresh Bernoulli draw of every pixel each time it is seen
(dynamic binarization, the likelihood literature's convention); or "expected", the same loss averaged
over every possible draw, in closed form: the encoder reads the grey picture and the reconstruction
term is the Bernoulli cross-entropy against the grey values, since E_b[-log p(b | z)] with
b ~ Bernoulli(x) is exactly that. Same objective in expectation, without the draw's noise in the
gradients or in what the encoder sees; on Fashion-MNIST its samples keep detail (a coat's opening, a
sandal's straps) that the sampled draws blur away. "none": the values as they are (8-bit colour under the
"logistic" likelihood, which is a distribution over those values).

auxiliary (pictures of a conditional VAE), a weight: a classifier trained alongside on the real training
pictures names the decoder's picture for a latent and a label (both shifted by up to 2 pixels, so that
the decoder cannot please it with a pattern at one exact place), and its cross-entropy against that
label, times the weight, joins the loss (CVAE-GAN, Bao et al. 2017, without its discriminator; AC-GAN's
auxiliary classifier, Odena et al. 2017): a decoder whose z already says the class cannot then ignore
the label it is given. auxiliary_latent: which latents, "prior" (z ~ N(0, I),
where sampling draws) or "swap" (the posterior draws of the minibatch's other examples, so that the label,
not the z, decides the class). auxiliary_blur, a width in pixels (0: none): the classifier sees every
picture, real or decoded, through a Gaussian blur of that standard deviation, a low-pass, so that the
decoder can please it only with shapes and colours, not with fine stripes and dot grids (which it drew
at weight 3,000 without it). auxiliary_picture: what the classifier reads of the decoder, "shown" (the
picture as drawn, each pixel its likeliest colour, gradients straight through) or "expected" (each
pixel's expected colour). The classifier is used in training only; it is not saved.

adversarial (pictures of a conditional VAE), a weight: the rest of CVAE-GAN (Bao et al. 2017) and of
VAE/GAN (Larsen et al. 2016): a projection discriminator (models/gan.py's, spectrally normalized, sized by
options["discriminator"]) learns with the hinge loss to tell the real training pictures from the decoder's
pictures of the auxiliary latents, each given its label, and the decoder is trained to raise its score,
times the weight: samples that look like emoji of their group, not only like its blur. Both see every
picture through options["diffaugment"] (GAN training on few pictures, train/diffaugment.py); D's Adam has
betas (0, 0.9) and learning rate options["d_lr"] (2e-4). The discriminator is not saved.

bag_of_words (text), a weight: the bag-of-words loss of Zhao et al. 2017 (kgCVAE), their remedy for a
decoder that writes well without z: from the code the decoder reads (z drawn from q and the condition) a
head predicts, all at once and in no order, the words of the text (hashed into bag_of_words_buckets, 4,096;
the dual encoder's hashing of words and punctuation marks), and their negative log-likelihood, times the
weight, joins the loss. z must then say which words come, and the prior p(z | line) of a reply VAE learns which
words a line's reply holds. The head is used in training only; it is not saved."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from ..data import DATASETS
from ..models.classifier import Classifier
from ..models.dual_encoder import feature_ids, symbol_tables
from ..models.gan import Discriminator, hinge_d_loss, hinge_g_loss
from ..models.nets import MLP
from ..models.vae import VAE, fit_class_prior
from .classifier import random_shift
from .diffaugment import diff_augment
from .loop import Best, Log, binarize, minibatch, to_device

# the auxiliary classifier: wider than the evaluators (32, 64), a judge of its own, never the evaluator
AUXILIARY_CLASSIFIER = dict(channels=(64, 64), feature_dim=128)


@torch.no_grad()
def validation_elbo(model, x, y, generator, kl_weight=1.0, binarization="sampled"):
    """Mean reconstruction NLL + kl_weight x KL on validation data: the -ELBO when kl_weight is 1."""
    model.eval()
    seen = (lambda x: binarize(x, generator)) if binarization == "sampled" else (lambda x: x)
    parts = [model(seen(x[i:i + 500]), y[i:i + 500], generator=None)[1:] for i in range(0, len(x), 500)]
    model.train()
    return torch.cat([rec + kl_weight * kl for rec, kl in parts]).mean().item()


def gaussian_blur(x, sigma: float):
    """Each channel of (B, C, H, W) pictures blurred by a Gaussian of standard deviation sigma pixels (its
    kernel 2 * ceil(2 sigma) + 1 wide, edges repeated); sigma 0 leaves them as they are."""
    if not sigma:
        return x
    half = math.ceil(2 * sigma)
    taps = torch.exp(-0.5 * (torch.arange(-half, half + 1, dtype=x.dtype, device=x.device) / sigma) ** 2)
    taps = taps / taps.sum()
    c = x.shape[1]
    x = F.pad(x, (half, half, half, half), mode="replicate")
    x = F.conv2d(x, taps.view(1, 1, 1, -1).expand(c, 1, 1, -1), groups=c)
    return F.conv2d(x, taps.view(1, 1, -1, 1).expand(c, 1, -1, 1), groups=c)


def auxiliary_latents(model, kind, x, y, generator):
    """(B, latent_dim) latents whose pictures, given the labels y, the auxiliary classifier must name as y:
    "prior", z ~ N(0, I); "swap", a posterior draw of each example's neighbour in the minibatch."""
    if kind == "prior":
        return to_device(torch.randn((len(x), model.latent_dim), generator=generator), x.device)
    assert kind == "swap", f"auxiliary_latent must be prior or swap, not {kind!r}"
    with torch.no_grad():
        mu, logvar = model.posterior(x.roll(1, 0), y.roll(1, 0))
    return mu + (0.5 * logvar).exp() * to_device(torch.randn(mu.shape, generator=generator), x.device)


class BagOfWords(nn.Module):
    """The bag-of-words head (Zhao et al. 2017): a code (B, code_dim) -> logits over `buckets` hashed words;
    forward(code, rows) is the (B,) negative log-likelihood of the words and marks of one-hot rows, summed."""

    def __init__(self, code_dim: int, vocabulary: str, buckets: int = 4096, hidden: int = 512):
        super().__init__()
        self.buckets, self.net = buckets, MLP(code_dim, buckets, hidden, depth=1)
        for name, table in zip(("fold", "letters", "marks"), symbol_tables(vocabulary)):
            self.register_buffer(name, table, persistent=False)

    def forward(self, code, rows):
        words, mask = feature_ids(rows.argmax(-1), self.fold, self.letters, self.marks, (), self.buckets)
        log_p = F.log_softmax(self.net(code), -1).gather(1, words)
        return -(log_p * mask).sum(1)


def fit(recipe, split, device, generator, steps, snapshot=lambda step, model: None):
    """snapshot(step, model): called after each step (a time-lapse keeps some)."""
    model = VAE(sample_shape=tuple(split.x.shape[1:]), **recipe.model).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=recipe.lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    log, best = Log(steps), Best(model)
    kl_weight, warmup = recipe.options.get("kl_weight", 1.0), recipe.options.get("kl_warmup", 0)
    dropout, free_bits = recipe.options.get("word_dropout", 0.0), recipe.options.get("free_bits", 0.0)
    binarization = recipe.options.get("binarization", "sampled")
    assert binarization in ("sampled", "expected", "none"), \
        f"binarization must be sampled, expected or none, not {binarization!r}"
    what = "-ELBO" if kl_weight == 1 else f"reconstruction + {kl_weight} KL"
    auxiliary, latent_kind = recipe.options.get("auxiliary", 0.0), recipe.options.get("auxiliary_latent", "prior")
    blur, pixels = recipe.options.get("auxiliary_blur", 0.0), recipe.options.get("auxiliary_picture", "shown")
    assert pixels in ("shown", "expected"), f"auxiliary_picture must be shown or expected, not {pixels!r}"
    if auxiliary:
        assert model.config.num_classes > 0 and model.config.body_type == "conv", "auxiliary: a conditional picture VAE"
        clf = Classifier(sample_shape=tuple(split.x.shape[1:]), num_classes=model.config.num_classes,
                         factors=tuple(model.config.label_factors), **AUXILIARY_CLASSIFIER).to(device)
        opt_clf = torch.optim.Adam(clf.parameters(), lr=recipe.lr)
    adversarial = recipe.options.get("adversarial", 0.0)
    if adversarial:
        assert model.config.num_classes > 0 and model.config.body_type == "conv", "adversarial: a conditional picture VAE"
        D = Discriminator(sample_shape=tuple(split.x.shape[1:]), num_classes=model.config.num_classes,
                          label_factors=tuple(model.config.label_factors),
                          **recipe.options.get("discriminator", {})).to(device)
        opt_d = torch.optim.Adam(D.parameters(), lr=recipe.options.get("d_lr", 2e-4), betas=(0.0, 0.9))
        policy = tuple(recipe.options.get("diffaugment", ()))
        seen = (lambda x: diff_augment(x, policy, generator)) if policy else (lambda x: x)
    bag_weight = recipe.options.get("bag_of_words", 0.0)
    if bag_weight:
        assert model.is_text, "bag_of_words: a text VAE"
        bag = BagOfWords(model.code_dim, DATASETS[recipe.dataset].alphabet.vocabulary,
                         recipe.options.get("bag_of_words_buckets", 4096)).to(device)
        opt.add_param_group({"params": list(bag.parameters())})
    for step in range(1, steps + 1):
        x, y = minibatch(split, recipe.batch_size, generator)
        if binarization == "sampled":
            x = binarize(x, generator)
        hidden = None
        if dropout:   # zeroed one-hot inputs: the decoder sees "some symbol" there
            hidden = x * (torch.rand(x.shape[:2], generator=generator) >= dropout).to(x.device).unsqueeze(-1)
        _, rec, kl_dims, code = model(x, y, decoder_input=hidden, with_code=True, kl_per_dim=True)
        kl = kl_dims.sum(1)
        # free bits: each dimension's KL, averaged over the batch, counts as at least free_bits nats
        kl_term = kl_dims.mean(0).clamp_min(free_bits).sum() if free_bits else kl.mean()
        loss = rec.mean() + kl_weight * min(1.0, step / warmup if warmup else 1.0) * kl_term
        extra_log, shown = {}, None
        if bag_weight:
            bag_loss = bag(code, x).mean()
            loss = loss + bag_weight * bag_loss
            extra_log = {"bow": bag_loss.detach()}
        if auxiliary:
            # (a) the classifier learns to name the real training pictures
            clf.train()
            clf_loss = F.cross_entropy(clf(gaussian_blur(random_shift(x, generator), blur)), y)
            opt_clf.zero_grad(set_to_none=True)
            clf_loss.backward()
            opt_clf.step()
            # (b) the decoder's picture for a latent and the label y must be named y (the classifier is
            # not stepped by this: its gradients are cleared before (a) next step)
            clf.eval()
            shown = model.picture(auxiliary_latents(model, latent_kind, x, y, generator), y, pixels)
            aux_loss = F.cross_entropy(clf(gaussian_blur(random_shift(shown, generator), blur)), y)  # as the real ones
            loss = loss + auxiliary * aux_loss
            extra_log = {"aux": aux_loss.detach()}
        if adversarial:
            # (c) D learns to tell the real pictures from the decoder's, each with its label; (d) the decoder
            # raises D's score of its pictures (D's gradients from (d) are cleared before (c) next step)
            if shown is None:
                shown = model.picture(auxiliary_latents(model, latent_kind, x, y, generator), y, pixels)
            d_loss = hinge_d_loss(D(seen(x), y), D(seen(shown.detach()), y))
            opt_d.zero_grad(set_to_none=True)
            d_loss.backward()
            opt_d.step()
            adv_loss = hinge_g_loss(D(seen(shown), y))
            loss = loss + adversarial * adv_loss
            extra_log |= {"d_loss": d_loss.detach(), "adv": adv_loss.detach()}
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        log.step(step, loss=loss.detach(), rec=rec.mean().detach(), kl=kl.mean().detach(), **extra_log)
        snapshot(step, model)
        if step % recipe.eval_every == 0 or step == steps:
            val = validation_elbo(model, split.x_val, split.y_val, generator, kl_weight, binarization)
            best.update(val, step)
            print(f"step {step} | validation {what} {val:.2f} nats (best {best.loss:.2f} at {best.step})")
    key = "validation_neg_elbo_nats" if kl_weight == 1 else f"validation_rec_plus_{kl_weight}_kl_nats"
    model, metrics = best.restore().eval(), {key: round(best.loss, 2), "best_step": best.step}
    if model.config.class_prior:        # where each class's training examples landed becomes its prior
        fit_class_prior(model, binarize(split.x, generator) if binarization == "sampled" else split.x, split.y)
        metrics["validation_neg_elbo_class_prior_nats"] = round(
            validation_elbo(model, split.x_val, split.y_val, generator, 1.0, binarization), 2)
        print(f"class prior fitted | validation -ELBO {metrics['validation_neg_elbo_class_prior_nats']:.2f} nats")
        model.eval()
    return {"": model}, metrics
