"""Training loop of the GAN: hinge loss, Adam(0, 0.9), one D step per G step, EMA generator.
recipe.options may undo each of these (loss "bce", betas, ema False, an unnormalized discriminator):
the deliberately collapsing recipe gan-mnist-collapsed does. options["diffaugment"]: names of
train/diffaugment.py's ops, applied to everything D sees (few pictures). options["auxiliary"], a weight: the
discriminator also classifies each factor of the label (AC-GAN, Odena et al. 2017), learning from real
examples, and the generator is trained to make its fakes classified as the label asked for.
With recipe.options["autoencoder"] (text), two stages as in Donahue & Rumshisky 2018: first an
autoencoder (a VAE of the recipe's settings, low KL weight), then the GAN on its codes."""
import copy
import dataclasses

import torch
import torch.nn.functional as F

from ..models.gan import LOSSES, Discriminator, Generator
from ..models.nets import factor_values
from . import vae
from .diffaugment import diff_augment
from .loop import Log, Split, minibatch

EMA_DECAY = 0.999


@torch.no_grad()
def ema_update(ema, model, decay=EMA_DECAY):
    for p_ema, p in zip(ema.parameters(), model.parameters()):
        p_ema.lerp_(p, 1 - decay)
    for b_ema, b in zip(ema.buffers(), model.buffers()):   # batch-norm statistics: copied
        b_ema.copy_(b)


@torch.no_grad()
def codes(autoencoder, x, batch=2000):
    """The posterior means of x: where the autoencoder puts each training example."""
    return torch.cat([autoencoder.encode(x[i:i + batch]) for i in range(0, len(x), batch)])


def cross_entropy(logits: list, values: list):
    """The auxiliary classifiers' loss: the sum over the label's factors of each one's cross-entropy."""
    return sum(F.cross_entropy(l, v) for l, v in zip(logits, values))


def fit(recipe, split, device, generator, steps):
    if "autoencoder" in recipe.options:
        settings = recipe.options["autoencoder"]   # model, steps, lr, batch_size, options of the VAE
        ae_recipe = dataclasses.replace(recipe, family="vae", model=settings["model"], lr=settings["lr"],
                                        batch_size=settings["batch_size"], options=settings["options"])
        print(f"stage 1: autoencoder, {settings['steps']} steps")
        autoencoder = vae.fit(ae_recipe, split, device, generator, settings["steps"])[0][""]
        code_split = Split(codes(autoencoder, split.x), split.y, codes(autoencoder, split.x_val), split.y_val)
        print(f"stage 2: GAN on {code_split.x.shape[1]}-dimensional codes, {steps} steps")
        models, metrics = fit_gan(recipe, code_split, device, generator, steps, decoder="autoencoder")
        return models | {"autoencoder": autoencoder}, metrics
    return fit_gan(recipe, split, device, generator, steps)


def fit_gan(recipe, split, device, generator, steps, decoder=""):
    shape = tuple(split.x.shape[1:])
    num_classes = recipe.model.get("num_classes", 10)
    G = Generator(sample_shape=shape, decoder=decoder, **recipe.model).to(device)
    options = recipe.options
    auxiliary = options.get("auxiliary", 0.0)
    policy = tuple(options.get("diffaugment", ()))     # what D sees, real or fake, shifted and recoloured
    seen = (lambda x: diff_augment(x, policy, generator)) if policy else (lambda x: x)
    # recipe.options may size the discriminator (its config is saved in discriminator/config.json)
    D = Discriminator(sample_shape=shape, num_classes=num_classes, label_factors=recipe.model.get("label_factors", ()),
                      auxiliary=auxiliary > 0, **options.get("discriminator", {})).to(device)
    d_loss_fn, g_loss_fn = LOSSES[options.get("loss", "hinge")]
    betas = tuple(options.get("betas", (0.0, 0.9)))
    use_ema = options.get("ema", True)
    G_ema = copy.deepcopy(G).eval() if use_ema else None
    opt_g = torch.optim.Adam(G.parameters(), lr=recipe.lr, betas=betas)
    opt_d = torch.optim.Adam(D.parameters(), lr=recipe.lr, betas=betas)
    log = Log(steps)
    cond = num_classes > 0
    for step in range(1, steps + 1):
        x, y = minibatch(split, recipe.batch_size, generator)
        y = y if cond else None
        z = torch.randn((len(x), G.latent_dim), generator=generator).to(device)
        # (1) Update D: push real scores up and fake scores down
        fake = G(z, y)
        # AC-GAN (auxiliary > 0): D also names the real examples' labels, G makes its fakes named as asked;
        # without classifiers the logits are [] and their cross-entropy 0
        values = factor_values(y, D.factors) if auxiliary else []
        (real_scores, real_logits), (fake_scores, _) = D(seen(x), y, with_logits=True), D(seen(fake.detach()), y, with_logits=True)
        d_loss = d_loss_fn(real_scores, fake_scores) + auxiliary * cross_entropy(real_logits, values)
        opt_d.zero_grad(set_to_none=True)
        d_loss.backward()
        opt_d.step()
        # (2) Update G: raise D's score of fresh fakes
        fake_scores, fake_logits = D(seen(fake), y, with_logits=True)
        g_loss = g_loss_fn(fake_scores) + auxiliary * cross_entropy(fake_logits, values)
        opt_g.zero_grad(set_to_none=True)
        g_loss.backward()
        opt_g.step()
        if use_ema:
            ema_update(G_ema, G)
        log.step(step, d_loss=d_loss.detach(), g_loss=g_loss.detach())
    return {"": G_ema if use_ema else G.eval(), "discriminator": D.eval()}, {}
