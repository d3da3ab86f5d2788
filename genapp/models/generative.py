"""One surface for every generator, whatever its family: what the studio calls without asking which it holds.

    sample(n, generator, labels=None, callback=None, **options) -> data
    encode(x, labels=None, callback=None, **options)            -> a point in latent space
    decode(z, labels=None)                                       -> data
    draw_latent(n, generator, labels=None)                       -> the points sample() decodes
    seed_points(seed, labels)                                    -> one seed's point for each label
    latent_dim

Each family's model class has these methods itself (models/vae.py: encode is the posterior's mean;
models/rbm.py: the hidden units' probabilities; models/gan.py: an inversion by gradient descent, with
progress). This class adds only what a checkpoint of two models needs: a GAN of a text autoencoder's codes
(models/gan.py, body_type "mlp") generates codes, and its autoencoder spells them out, so a name goes in
through the autoencoder's encoder and comes out through its decoder. Like diffusers' autoencoders, which
give every caller the same encode/decode, whatever is inside."""
import torch


class Generative:
    def __init__(self, model, decoder=None):
        self.model = model          # a VAE, a GAN's Generator or an RBM (eval mode, shared: never mutated)
        self.decoder = decoder      # the model turning the model's outputs (codes) into data, if any

    @property
    def latent_dim(self) -> int:
        return self.model.latent_dim

    def sample(self, n: int, generator: torch.Generator | None = None, labels=None, callback=None, **options):
        """n samples as data: pictures (n, C, H, W) in [0, 1], log-mel pictures, or one-hot rows of text.
        options: the family's sampler options (the checkpoint's description lists them: Gibbs steps,
        a letter temperature); callback(step, steps) hears a long sampler's progress."""
        x = self.model.sample(n, generator, labels, callback=callback, **options)
        return x if self.decoder is None else self.decoder.decode(x)

    def encode(self, x, labels=None, callback=None, **options):
        """Data -> its point in latent space (B, latent_dim); options: the family's (an inversion's steps)."""
        if self.decoder is not None:
            x = self.decoder.encode(x)          # data -> the code the model generates
        return self.model.encode(x, labels, callback=callback, **options)

    def draw_latent(self, n: int, generator: torch.Generator | None = None, labels=None):
        """n points of latent space as the sampler draws them (a seed's point): (n, latent_dim)."""
        return self.model.draw_latent(n, generator, labels)

    def seed_points(self, seed: int, labels):
        """Each label's point for one seed, (len(labels), latent_dim): row i is draw_latent(1, a generator
        seeded `seed`, labels[i:i + 1]), where a walk or a tune starts for that class. A family that draws
        them all in one batch says how (an RBM: its chains side by side, models/rbm.py); the others draw
        them one by one (a VAE's or GAN's z is one randn, the same for every label)."""
        together = getattr(self.model, "seed_points", None)
        if together is not None:
            return together(seed, labels)
        return torch.cat([self.draw_latent(1, torch.Generator().manual_seed(seed), labels[i:i + 1])
                          for i in range(len(labels))])

    def decode(self, z, labels=None):
        """Points in latent space (B, latent_dim) -> data."""
        x = self.model.decode(z, labels)
        return x if self.decoder is None else self.decoder.decode(x)
