"""Training loop of the GAN: hinge loss, Adam(0, 0.9), one D step per G step, EMA generator.
recipe.options may undo each of these (loss "bce", betas, ema False, an unnormalized discriminator):
the deliberately collapsing recipe gan-mnist-collapsed does. options["diffaugment"]: names of
train/diffaugment.py's ops, applied to everything D sees (few pictures). options["auxiliary"], a weight: the
discriminator also classifies each factor of the label (AC-GAN, Odena et al. 2017), learning from real
examples, and the generator is trained to make its fakes classified as the label asked for.
options["d_lr"]: D's learning rate, if not G's (the two time-scale update rule, Heusel et al. 2017).
options["ema_decay"]: the shipped EMA's decay (0.999); options["extra_ema"]: more decays, kept alongside
in the same run and saved as subfolders ema-<decay> (one run, several candidates: the EMAs do not
change the run); options["snapshots"]: steps at which every EMA and D are also saved, as subfolders
step-<N>/... (the learning rate is constant, so step N of a longer run is the end of an N-step run).
Ctrl-C (SIGINT) stops training and keeps what it has, saved as usual.
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
from .loop import Log, Split, minibatch, to_device

EMA_DECAY = 0.999


@torch.no_grad()
def ema_update(ema, model, decay=EMA_DECAY):
    """ema <- decay * ema + (1 - decay) * model, every parameter in one call (a small net's step is
    otherwise a launch per tensor); batch-norm statistics copied."""
    torch._foreach_lerp_(list(ema.parameters()), list(model.parameters()), 1 - decay)
    torch._foreach_copy_(list(ema.buffers()), list(model.buffers()))


@torch.no_grad()
def codes(autoencoder, x, batch=2000):
    """The posterior means of x: where the autoencoder puts each training example."""
    return torch.cat([autoencoder.encode(x[i:i + batch]) for i in range(0, len(x), batch)])


def cross_entropy(logits: list, values: list):
    """The auxiliary classifiers' loss: the sum over the label's factors of each one's cross-entropy."""
    return sum(F.cross_entropy(l, v) for l, v in zip(logits, values))


def fit(recipe, split, device, generator, steps, snapshot=lambda step, model: None):
    """snapshot(step, model): called after each step with what would be shipped (a time-lapse keeps some)."""
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
    return fit_gan(recipe, split, device, generator, steps, snapshot=snapshot)


def fit_gan(recipe, split, device, generator, steps, decoder="", snapshot=lambda step, model: None):
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
    # decay -> G's moving average; the first is shipped, the others are candidates saved beside it
    decays = [options.get("ema_decay", EMA_DECAY), *options.get("extra_ema", ())] if use_ema else []
    emas = {decay: copy.deepcopy(G).eval() for decay in decays}
    opt_g = torch.optim.Adam(G.parameters(), lr=recipe.lr, betas=betas)
    opt_d = torch.optim.Adam(D.parameters(), lr=options.get("d_lr", recipe.lr), betas=betas)
    log, snapshots, kept = Log(steps), set(options.get("snapshots", ())), {}
    cond = num_classes > 0
    step, metrics = 0, {}
    try:
        for step in range(1, steps + 1):
            x, y = minibatch(split, recipe.batch_size, generator)
            y = y if cond else None
            z = to_device(torch.randn((len(x), G.latent_dim), generator=generator), device)
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
            for decay, G_ema in emas.items():
                ema_update(G_ema, G, decay)
            log.step(step, d_loss=d_loss.detach(), g_loss=g_loss.detach())
            snapshot(step, emas[decays[0]] if use_ema else G)          # what would be shipped, for a time-lapse
            if step in snapshots:
                kept |= {f"step-{step}/ema-{decay}": copy.deepcopy(G_ema).cpu() for decay, G_ema in emas.items()}
                kept[f"step-{step}/discriminator"] = copy.deepcopy(D).cpu().eval()
                metrics.setdefault("snapshot_seconds", {})[step] = round(log.seconds, 1)
    except KeyboardInterrupt:             # Ctrl-C: keep the weights as they are after the last whole step
        step -= 1
        metrics["stopped_at_step"] = step
        print(f"stopped after step {step} of {steps}: saving what was trained", flush=True)
    shipped = emas[decays[0]] if use_ema else G.eval()
    extra = {f"ema-{decay}": G_ema for decay, G_ema in list(emas.items())[1:]}
    return {"": shipped, "discriminator": D.eval()} | extra | kept, metrics
