"""Step-wise trainers of tiny models on 2-D toy points (genapp.data.toy), for watching a family learn
on the CPU: each trainer owns its model and optimiser, `train(n)` runs n updates, `sample(n, g)`
draws (n, 2) points. The families are the app's own classes in small configurations:

- GAN: Generator and Discriminator with body_type "mlp", the discriminator *without* spectral
  normalization, trained by default with the non-saturating loss of Goodfellow et al. 2014 (bce_d_loss,
  bce_g_loss): the plain ("vanilla") GAN, prone to mode collapse. Or the minimax loss of the same paper
  (G minimises log(1 - D(G(z))), whose gradient vanishes where D is sure), the hinge loss, or least
  squares (Mao et al. 2017); Adam or plain SGD; D and G can be stepped alone. PacGAN (Lin et al. 2018, "PacGAN: The power of two samples
  in generative adversarial networks") changes one thing: the discriminator judges packs of `pack`
  samples concatenated, all real or all fake, so a generator that repeats itself is easy to catch.
- VAE: body_type "mlp", a Gaussian p(x | z), loss reconstruction + beta KL (beta 1: the negative ELBO),
  beta changeable between steps.
- RBM: a Gaussian-Bernoulli RBM (visible_type "gaussian"): a mixture of 2^H Gaussians of unit
  variance whose means are b + W'h, trained by PCD (Tieleman 2008) like the app's RBMs.

Each trainer's `overlay()` says what its family does inside, as plain values for a picture (GAN Lab,
Kahng et al. 2019, shows the first for GANs): the GAN's discriminator over the plane, its generator's
image of a grid of latent points and the push on each fake point; the VAE's decoder's image of the
prior's grid and its posteriors of a few data points in latent space; the RBM's free energy over the
plane, one Gibbs chain's path and its persistent chains (the negative phase).
"""
import torch
import torch.nn.functional as F

from ..data.toy import LIMIT, Toy
from ..models.gan import Discriminator, Generator, bce_d_loss, bce_g_loss, hinge_d_loss, hinge_g_loss
from ..models.rbm import RBM
from ..models.vae import VAE

BATCH = 128
DEFAULT_LR = {"gan": 1e-3, "pacgan": 1e-3, "vae": 3e-3, "rbm": 3e-3}
PACK = 2                       # PacGAN2: two samples per pack (Lin et al. 2018 use 2 to 4)
RBM_UNIT = 0.25                # data units per unit of an RBM visible unit: the spread of each of its Gaussians
RBM_GIBBS = 100                # sweeps of a fresh chain before its point is shown
HEAT = 48                      # overlays: a heatmap's cells per side of the canvas
GRID_LINES, GRID_POINTS, GRID_SPAN = 9, 25, 2.0     # a latent grid: lines each way, points a line, +-span
ARROWS = 48                    # fake points whose push is drawn
POSTERIORS = 6                 # data points whose posterior the VAE's view draws
CHAIN = 40                     # Gibbs sweeps of the chain whose path the RBM's view draws
PHASES = ("both", "d", "g")    # a GAN step: D then G, D alone, G alone
RBM_SAMPLERS = ("pcd", "cd1")
OPTIMIZERS = ("adam", "sgd")


def minimax_g_loss(fake_scores):
    """The minimax generator loss log(1 - D(G(z))) (Goodfellow et al. 2014, eq. 1), mean over the batch:
    flat where D is sure a fake is fake, so G learns little early on."""
    return -F.softplus(fake_scores).mean()


def ls_d_loss(real_scores, fake_scores):
    """Least-squares discriminator loss (Mao et al. 2017, eq. 9 with a=0, b=c=1)."""
    return 0.5 * ((real_scores - 1).pow(2).mean() + fake_scores.pow(2).mean())


def ls_g_loss(fake_scores):
    return 0.5 * (fake_scores - 1).pow(2).mean()


# name: (D's loss, G's loss, D's belief that a point is real in [0, 1] from its score)
GAN_LOSSES = {"bce": (bce_d_loss, bce_g_loss, torch.sigmoid), "minimax": (bce_d_loss, minimax_g_loss, torch.sigmoid),
              "hinge": (hinge_d_loss, hinge_g_loss, lambda s: ((s + 1) / 2).clamp(0, 1)),
              "lsgan": (ls_d_loss, ls_g_loss, lambda s: s.clamp(0, 1))}


def plane(cells: int = HEAT) -> torch.Tensor:
    """(cells * cells, 2) centres of a cells x cells grid over the canvas, row by row from the top left."""
    ticks = (torch.arange(cells) + 0.5) / cells * 2 * LIMIT - LIMIT
    y, x = torch.meshgrid(ticks.flip(0), ticks, indexing="ij")
    return torch.stack([x.flatten(), y.flatten()], 1)


def latent_grid(lines: int = GRID_LINES, points: int = GRID_POINTS, span: float = GRID_SPAN) -> torch.Tensor:
    """(2 * lines, points, 2) points of a regular grid of a 2-D latent plane: `lines` lines each way."""
    at, along = torch.linspace(-span, span, lines), torch.linspace(-span, span, points)
    across = torch.stack([along.expand(lines, -1), at[:, None].expand(-1, points)], -1)
    return torch.cat([across, across.flip(-1)])


def optimizer(name: str, params, lr: float, betas=(0.5, 0.999)):
    """Adam fused into one kernel over all parameters (the toy's nets are small: a per-tensor Adam step was
    about a third of a frame's training time in Python and dispatch), or plain SGD."""
    return torch.optim.Adam(params, lr=lr, betas=betas, fused=True) if name == "adam" else torch.optim.SGD(params, lr=lr)


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
                 latent_dim: int = 16, loss: str = "bce", optimizer_name: str = "adam", g_lr_scale: float = 1.0,
                 depth: int = 2):
        self.toy, self.g, self.pack = toy, generator, pack
        self.d_loss, self.g_loss, self.belief = GAN_LOSSES[loss]
        self.G = Generator(sample_shape=(2,), latent_dim=latent_dim, num_classes=0, body_type="mlp", hidden=hidden,
                           depth=depth)
        self.D = Discriminator(sample_shape=(2 * pack,), num_classes=0, hidden=hidden, body_type="mlp", spectral=False,
                               depth=depth)
        self.opt_g = optimizer(optimizer_name, self.G.parameters(), lr * g_lr_scale)
        self.opt_d = optimizer(optimizer_name, self.D.parameters(), lr)
        self.shown_z = torch.randn((ARROWS, latent_dim), generator=torch.Generator().manual_seed(7))
        self.last = (float("nan"), float("nan"))

    def score(self, x):
        return self.D(x.reshape(-1, 2 * self.pack))              # (B, 2) -> (B / pack, 2 * pack) -> (B / pack,)

    def train(self, n: int, phase: str = "both", **_) -> list[tuple[float, float]]:
        """n steps; phase "d" or "g" steps only that player (the other's loss is still measured)."""
        history = []
        for _ in range(n):
            x = self.toy.sample(BATCH, self.g)
            fake = self.G(torch.randn((BATCH, self.G.latent_dim), generator=self.g))
            # (1) Update D: real packs towards 1, fake packs towards 0
            d_loss = self.d_loss(self.score(x), self.score(fake.detach()))
            d_loss = update(self.opt_d, d_loss) if phase != "g" else d_loss.item()
            # (2) Update G: make D call fresh fakes real
            g_loss = self.g_loss(self.score(fake))
            g_loss = update(self.opt_g, g_loss) if phase != "d" else g_loss.item()
            history.append((d_loss, g_loss))
        return history

    def overlay(self) -> dict:
        """What D believes of each place of the canvas (HEAT x HEAT, 1: real), G's image of a grid of two
        latent coordinates (the rest 0), and ARROWS fake points with the step G's loss pushes each along."""
        with torch.no_grad():
            places = plane()
            belief = self.belief(self.score(places.repeat_interleave(self.pack, 0)))
            z = torch.zeros((2 * GRID_LINES * GRID_POINTS, self.G.latent_dim))
            z[:, :2] = latent_grid().reshape(-1, 2)
            grid = self.G(z).reshape(2 * GRID_LINES, GRID_POINTS, 2)
            fake = self.G(self.shown_z)
        with torch.enable_grad():                                   # also when asked under no_grad
            fake.requires_grad_(True)
            push = -torch.autograd.grad(self.g_loss(self.score(fake.repeat_interleave(self.pack, 0))), fake)[0]
        return {"heat": belief.reshape(HEAT, HEAT).tolist(), "heat_kind": "belief", "grid": grid.tolist(),
                "arrows": torch.cat([fake.detach(), push], 1).tolist()}

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        return self.G.sample(n, generator)


class ToyVAE:
    """A VAE with a 2-D latent space on 2-D points; its samples are the decoder's means."""
    losses = ("reconstruction", "KL")

    def __init__(self, toy: Toy, lr: float, generator: torch.Generator, hidden: int = 64, latent_dim: int = 2,
                 kl_warmup: int = 500, optimizer_name: str = "adam"):
        self.toy, self.g, self.kl_warmup, self.steps = toy, generator, kl_warmup, 0
        self.model = VAE(sample_shape=(2,), latent_dim=latent_dim, num_classes=0, hidden=hidden, body_type="mlp")
        self.opt = optimizer(optimizer_name, self.model.parameters(), lr, betas=(0.9, 0.999))
        self.shown = toy.sample(POSTERIORS, torch.Generator().manual_seed(7))

    def train(self, n: int, beta: float = 1.0, **_) -> list[tuple[float, float]]:
        """n steps of reconstruction + beta KL (the KL's weight warmed up from 0 over the first steps)."""
        history = []
        for _ in range(n):
            self.steps += 1
            _, rec, kl = self.model(self.toy.sample(BATCH, self.g), generator=self.g)
            # KL warm-up (Bowman et al. 2016): without it the decoder learns one broad Gaussian and ignores z
            update(self.opt, (rec + beta * min(1.0, self.steps / self.kl_warmup) * kl).mean())
            history.append((rec.mean().item(), kl.mean().item()))
        return history

    def overlay(self) -> dict:
        """The decoder's means over a grid of the prior's plane (+-2 standard deviations), and for POSTERIORS
        data points their posterior in latent space (mean, standard deviation) and where it decodes."""
        with torch.no_grad():
            grid = self.model.decode(latent_grid().reshape(-1, 2)).reshape(2 * GRID_LINES, GRID_POINTS, 2)
            mu, logvar = self.model.posterior(self.shown)
            decoded = self.model.decode(mu)
        return {"grid": grid.tolist(), "posteriors": [
            dict(point=p, mean=m, std=s, decoded=d) for p, m, s, d in
            zip(self.shown.tolist(), mu.tolist(), (0.5 * logvar).exp().tolist(), decoded.tolist())]}

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        return self.model.sample(n, generator)


class ToyRBM:
    """A Gaussian-Bernoulli RBM on 2-D points. The RBM's visible units see the canvas mapped to the unit
    square, standardized so one visible unit is RBM_UNIT data units: its Gaussians of unit variance
    are then narrow enough to draw a ring. Shown points are visible means after RBM_GIBBS sweeps of
    fresh chains (RBM.sample), as the app shows an RBM's pictures.

    sampler: where the negative phase's samples come from: "pcd", persistent chains that wander the whole
    model (Tieleman 2008), or "cd1", one Gibbs sweep from each training point (Hinton 2002), which never
    visits a mode the model invents far from the data, so never unlearns it: spurious modes."""
    losses = ("F(data) - F(model)", "phase gap |<vh>data - <vh>model|")

    def __init__(self, toy: Toy, lr: float, generator: torch.Generator, hidden: int = 16, sampler: str = "pcd"):
        assert sampler in RBM_SAMPLERS, f"sampler must be one of {RBM_SAMPLERS}"
        self.toy, self.g, self.sampler = toy, generator, sampler
        self.model = RBM(sample_shape=(2,), num_hidden=hidden, num_classes=0, visible_type="gaussian")
        with torch.no_grad():
            self.model.visible_offset.fill_(0.5)                       # the canvas's centre
            self.model.visible_scale.fill_(RBM_UNIT / (2 * LIMIT))
        self.opt = torch.optim.SGD(self.model.parameters(), lr=lr, momentum=0.5)
        self.chains = self.visible(toy.sample(BATCH, generator))     # persistent chains, (BATCH, 2)
        self.chain_start = self.visible(torch.zeros(1, 2))

    def visible(self, x):
        return self.model.to_visible((x + LIMIT) / (2 * LIMIT))        # canvas -> unit square -> standardized

    def canvas(self, v):
        """Standardized visible values -> canvas points (the inverse of visible)."""
        return (v * self.model.visible_scale + self.model.visible_offset) * 2 * LIMIT - LIMIT

    def overlay(self) -> dict:
        """exp(-F) over the canvas, scaled to a peak of 1 (the model's density up to its partition function),
        the path of one chain (its visible means, CHAIN sweeps from the centre) and the persistent chains that
        the negative phase averages over."""
        with torch.no_grad():
            energy = self.model.free_energy(self.visible(plane()))
            density = (energy.min() - energy).exp()
            v, path, g = self.chain_start, [], torch.Generator().manual_seed(7)
            for _ in range(CHAIN):
                v, _, mean = self.model.gibbs_step(v, None, g)
                path.append(self.canvas(mean)[0].tolist())
        return {"heat": density.reshape(HEAT, HEAT).tolist(), "heat_kind": "density", "path": path,
                "chains": self.canvas(self.chains).tolist(),
                "note": "x: negative phase, " + ("one sweep from the data (CD-1)" if self.sampler == "cd1"
                                                 else "persistent chains (PCD)")}

    def phase(self, v):
        """The mean of v h' over a batch (h's probabilities given v), (visible, hidden): the statistic whose
        difference between the positive (data) and negative (model) phases is W's gradient."""
        return v.T @ torch.sigmoid(self.model.hidden_input(v)) / len(v)

    def train(self, n: int, **_) -> list[tuple[float, float]]:
        history = []
        for _ in range(n):
            v = self.visible(self.toy.sample(BATCH, self.g))
            with torch.no_grad():
                start = v if self.sampler == "cd1" else self.chains
                self.chains = self.model.gibbs_step(start, None, self.g)[0]
                gap = (self.phase(v) - self.phase(self.chains)).norm().item()
            history.append((update(self.opt, self.model(v, None, self.chains, None)), gap))
        return history

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        unit = self.model.sample(n, generator, steps=RBM_GIBBS)           # (n, 2) in the unit square
        return unit * 2 * LIMIT - LIMIT


def make_trainer(family: str, toy: Toy, lr: float, seed: int, loss: str = "bce", optimizer_name: str = "adam",
                 width: int = 64, sampler: str = "pcd", g_lr_scale: float = 1.0, depth: int = 2):
    """family: "gan" (vanilla), "pacgan", "vae" or "rbm"; the seed fixes the weights and every draw. loss and
    width are the GAN's (its two nets' hidden width); optimizer_name the GAN's and the VAE's (the RBM's is SGD
    with momentum, as the app's RBMs); sampler the RBM's negative phase ("pcd" or "cd1"); g_lr_scale the GAN's
    generator's learning rate over its discriminator's; depth the GAN's nets' hidden layers."""
    g = torch.Generator().manual_seed(seed)
    with torch.random.fork_rng():           # nn.Module initialises from the global RNG: seed it, then restore it
        torch.manual_seed(seed)
        if family in ("gan", "pacgan"):
            return ToyGAN(toy, lr, g, pack=PACK if family == "pacgan" else 1, hidden=width, loss=loss,
                          optimizer_name=optimizer_name, g_lr_scale=g_lr_scale, depth=depth)
        if family == "vae":
            return ToyVAE(toy, lr, g, optimizer_name=optimizer_name)
        return ToyRBM(toy, lr, g, sampler=sampler)
