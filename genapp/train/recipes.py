"""One recipe per checkpoint name: which family, which data, the model's config and the optimiser's
settings. `python -m genapp train <name>` reads it; the model card prints it."""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Recipe:
    name: str
    family: str                 # vae | gan | rbm | classifier
    dataset: str                # mnist | fashion
    model: dict = field(default_factory=dict)     # kwargs of the model class (JSON-friendly)
    steps: int = 10_000
    batch_size: int = 128
    lr: float = 1e-3
    eval_every: int = 1000
    options: dict = field(default_factory=dict)   # family-specific training settings
    notes: str = ""


def _image_recipes(dataset: str, *, vae_steps: int, gan_steps: int, rbm_steps: int, clf_steps: int,
                   rbm_options: dict):
    return [
        Recipe(f"vae-{dataset}", "vae", dataset, dict(latent_dim=16, num_classes=10), steps=vae_steps,
               batch_size=128, lr=1e-3,
               notes="Adam, cosine-decayed learning rate; pixels dynamically binarized (a fresh "
                     "Bernoulli draw of each pixel every time it is seen)."),
        Recipe(f"gan-{dataset}", "gan", dataset, dict(latent_dim=64, num_classes=10), steps=gan_steps,
               batch_size=64, lr=2e-4,
               notes="Hinge loss, spectral norm in D, projection discriminator, Adam(0.0, 0.9), "
                     "one D step per G step, EMA of G's weights with decay 0.999 (the EMA is shipped)."),
        Recipe(f"rbm-{dataset}", "rbm", dataset, dict(num_hidden=500, num_classes=10), steps=rbm_steps,
               batch_size=100, lr=0.01,
               options=rbm_options,
               notes="PCD-1 (num_chains persistent chains, labels free in them) plus discriminative_weight x "
                     "-log p(y|v), the hybrid RBM of Larochelle & Bengio 2008, so that a clamped label steers "
                     "the chain; SGD with momentum 0.9 and weight_decay, learning rate decayed linearly to 0; "
                     "pixels dynamically binarized; options below."),
        Recipe(f"eval-{dataset}", "classifier", dataset, dict(num_classes=10), steps=clf_steps,
               batch_size=128, lr=2e-3,
               notes="AdamW, one-cycle learning rate, random shifts of up to 2 pixels."),
    ]


# 64 x 64 log-mel pictures of 2,700 clips: narrower nets than for images keep each checkpoint under
# 10 MB (a Space needs no LFS) and fit the smaller data set
AUDIO_RECIPES = [
    Recipe("vae-fsdd", "vae", "fsdd", dict(latent_dim=32, num_classes=10, hidden=128, enc_channels=(16, 32),
                                           dec_channels=(32, 16)), steps=10_000, batch_size=64, lr=1e-3,
           notes="Adam, cosine-decayed learning rate; the picture's values in [0, 1] dynamically binarized, "
                 "as for the images (a Bernoulli on a [0, 1] scaling of the log-mel power)."),
    Recipe("gan-fsdd", "gan", "fsdd", dict(latent_dim=64, num_classes=10, channels=(64, 32)), steps=10_000,
           batch_size=64, lr=2e-4, options=dict(discriminator=dict(channels=(32, 32), hidden=64)),
           notes="Hinge loss, spectral norm in D, projection discriminator, Adam(0.0, 0.9), one D step per "
                 "G step, EMA of G's weights with decay 0.999 (the EMA is shipped)."),
    Recipe("rbm-fsdd", "rbm", "fsdd", dict(num_hidden=500, num_classes=10), steps=20_000, batch_size=100, lr=0.01,
           options=dict(num_chains=100, discriminative_weight=1.0, weight_decay=1e-4),
           notes="Bernoulli visible units on a [0, 1] scaling of the log-mel power (dynamically binarized): "
                 "the same RBM as for pictures, so the family is written once. PCD-1 plus the hybrid "
                 "discriminative term; SGD with momentum 0.9, learning rate decayed linearly to 0."),
    Recipe("eval-fsdd", "classifier", "fsdd", dict(num_classes=10), steps=3000, batch_size=64, lr=2e-3,
           notes="AdamW, one-cycle learning rate, random shifts of up to 2 pixels (16 ms in time, "
                 "a mel band or two in pitch)."),
]

RECIPES = {r.name: r for r in
           _image_recipes("mnist", vae_steps=20_000, gan_steps=15_000, rbm_steps=30_000, clf_steps=8_000,
                            # 8,000 digits overfit: more weight decay and chains, a lighter label term
                            # (AIS log-likelihood +1.2 nats over the fashion settings, at 10,000 x 20)
                            rbm_options=dict(num_chains=500, discriminative_weight=0.3, weight_decay=1e-3))
           + _image_recipes("fashion", vae_steps=20_000, gan_steps=20_000, rbm_steps=20_000, clf_steps=10_000,
                              rbm_options=dict(num_chains=100, discriminative_weight=1.0, weight_decay=1e-4))
           + AUDIO_RECIPES}
