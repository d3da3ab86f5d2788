"""Step-wise trainers of tiny models on 2-D toy points (genapp.data.toy), for watching a family learn
on the CPU: each trainer owns its model and optimiser, `train(n)` runs n updates, `sample(n, g)`
draws (n, 2) points. The families are the app's own classes in small configurations:

- GAN: Generator and Discriminator with body_type "mlp", the discriminator *without* spectral
  normalization, trained with the non-saturating loss of Goodfellow et al. 2014 (bce_d_loss,
  bce_g_loss): the plain ("vanilla") GAN, prone to mode collapse. PacGAN (Lin et al. 2018, "PacGAN: The power of two samples
  in generative adversarial networks") changes one thing: the discriminator judges packs of `pack`
  samples concatenated, all real or all fake, so a generator that repeats itself is easy to catch.
- VAE: body_type "mlp", a Gaussian p(x | z), loss the negative ELBO (models.vae).
- RBM: a Gaussian-Bernoulli RBM (visible_type "gaussian"): a mixture of 2^H Gaussians of unit
  variance whose means are b + W'h, trained by PCD (Tieleman 2008) like the app's RBMs.
"""
import torch

from ..data.toy import LIMIT, Toy
from ..models.gan import Discriminator, Generator, bce_d_loss, bce_g_loss
from ..models.rbm import RBM
from ..models.vae import VAE

BATCH = 128
DEFAULT_LR = {"gan": 1e-3, "pacgan": 1e-3, "vae": 3e-3, "rbm": 3e-3}
PACK = 2                       # PacGAN2: two samples per pack (Lin et al. 2018 use 2 to 4)
RBM_UNIT = 0.25                # data units per unit of an RBM visible unit: the spread of each of its Gaussians
RBM_GIBBS = 100                # sweeps of a fresh chain before its point is shown


# helpers

def update(optimizer, loss) -> float:
    """One gradient step on `loss`; its value, for the loss curve."""
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    return loss.item()


# trainers

class ToyGAN:
    """A GAN on 2-D points; pack=1 is the vanilla GAN, pack > 1 PacGAN."""
    losses = ("D loss", "G loss")

    def __init__(self, toy: Toy, lr: float, generator: torch.Generator, pack: int = 1, hidden: int = 64,
                 latent_dim: int = 16):
        self.toy, self.g, self.pack = toy, generator, pack
        self.G = Generator(sample_shape=(2,), latent_dim=latent_dim, num_classes=0, body_type="mlp", hidden=hidden)
        self.D = Discriminator(sample_shape=(2 * pack,), num_classes=0, hidden=hidden, body_type="mlp", spectral=False)
        self.opt_g = torch.optim.Adam(self.G.parameters(), lr=lr, betas=(0.5, 0.999))
        self.opt_d = torch.optim.Adam(self.D.parameters(), lr=lr, betas=(0.5, 0.999))

    def score(self, x):
        return self.D(x.reshape(-1, 2 * self.pack))              # (B, 2) -> (B / pack, 2 * pack) -> (B / pack,)

    def train(self, n: int) -> list[tuple[float, float]]:
        history = []
        for _ in range(n):
            x = self.toy.sample(BATCH, self.g)
            fake = self.G(torch.randn((BATCH, self.G.latent_dim), generator=self.g))
            # (1) Update D: real packs towards 1, fake packs towards 0
            d_loss = update(self.opt_d, bce_d_loss(self.score(x), self.score(fake.detach())))
            # (2) Update G: make D call fresh fakes real
            g_loss = update(self.opt_g, bce_g_loss(self.score(fake)))
            history.append((d_loss, g_loss))
        return history

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        return self.G.sample(n, generator)


class ToyVAE:
    """A VAE with a 2-D latent space on 2-D points; its samples are the decoder's means."""
    losses = ("-ELBO (KL warmed up)",)

    def __init__(self, toy: Toy, lr: float, generator: torch.Generator, hidden: int = 64, latent_dim: int = 2,
                 kl_warmup: int = 500):
        self.toy, self.g, self.kl_warmup, self.steps = toy, generator, kl_warmup, 0
        self.model = VAE(sample_shape=(2,), latent_dim=latent_dim, num_classes=0, hidden=hidden, body_type="mlp")
        self.opt = torch.optim.Adam(self.model.parameters(), lr=lr)

    def train(self, n: int) -> list[tuple[float]]:
        history = []
        for _ in range(n):
            self.steps += 1
            _, rec, kl = self.model(self.toy.sample(BATCH, self.g), generator=self.g)
            # KL warm-up (Bowman et al. 2016): without it the decoder learns one broad Gaussian and ignores z
            history.append((update(self.opt, (rec + min(1.0, self.steps / self.kl_warmup) * kl).mean()),))
        return history

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        return self.model.sample(n, generator)


class ToyRBM:
    """A Gaussian-Bernoulli RBM on 2-D points. The RBM's visible units see the canvas mapped to the unit
    square, standardized so one visible unit is RBM_UNIT data units: its Gaussians of unit variance
    are then narrow enough to draw a ring. Shown points are visible means after RBM_GIBBS sweeps of
    fresh chains (RBM.sample), as the app shows an RBM's pictures."""
    losses = ("F(data) - F(model)",)

    def __init__(self, toy: Toy, lr: float, generator: torch.Generator, hidden: int = 16):
        self.toy, self.g = toy, generator
        self.model = RBM(sample_shape=(2,), num_hidden=hidden, num_classes=0, visible_type="gaussian")
        with torch.no_grad():
            self.model.visible_offset.fill_(0.5)                       # the canvas's centre
            self.model.visible_scale.fill_(RBM_UNIT / (2 * LIMIT))
        self.opt = torch.optim.SGD(self.model.parameters(), lr=lr, momentum=0.5)
        self.chains = self.visible(toy.sample(BATCH, generator))     # persistent chains, (BATCH, 2)

    def visible(self, x):
        return self.model.to_visible((x + LIMIT) / (2 * LIMIT))        # canvas -> unit square -> standardized

    def train(self, n: int) -> list[tuple[float]]:
        history = []
        for _ in range(n):
            v = self.visible(self.toy.sample(BATCH, self.g))
            with torch.no_grad():
                self.chains = self.model.gibbs_step(self.chains, None, self.g)[0]
            history.append((update(self.opt, self.model(v, None, self.chains, None)),))
        return history

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        unit = self.model.sample(n, generator, steps=RBM_GIBBS)           # (n, 2) in the unit square
        return unit * 2 * LIMIT - LIMIT


def make_trainer(family: str, toy: Toy, lr: float, seed: int, **options):
    """family: "gan" (vanilla), "pacgan", "vae" or "rbm"; the seed fixes the weights and every draw."""
    g = torch.Generator().manual_seed(seed)
    with torch.random.fork_rng():           # nn.Module initialises from the global RNG: seed it, then restore it
        torch.manual_seed(seed)
        if family in ("gan", "pacgan"):
            return ToyGAN(toy, lr, g, pack=PACK if family == "pacgan" else 1, **options)
        return {"vae": ToyVAE, "rbm": ToyRBM}[family](toy, lr, g, **options)
