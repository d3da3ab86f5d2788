"""The three families and the evaluator on tiny configs: shapes, Hub round trips, seeds, learning."""
import pytest
import torch
import torch.nn.functional as F

from genapp.models.classifier import Classifier
from genapp.models.gan import Discriminator, Generator, hinge_d_loss, hinge_g_loss
from genapp.models.nets import fold_batch_norms
from genapp.models.rbm import RBM
from genapp.models.vae import (VAE, discretized_logistic_log_likelihood, fit_class_prior, gaussian_log_density, iwae_nll,
                               kl_divergence, logistic_mixture_log_likelihood, mixture_mode)

SHAPE = (1, 8, 8)
TINY = {
    "vae": lambda: VAE(sample_shape=SHAPE, latent_dim=3, num_classes=4, hidden=16, enc_channels=(4, 8),
                       dec_channels=(8, 4), label_dim=2),
    "gan": lambda: Generator(sample_shape=SHAPE, latent_dim=3, num_classes=4, channels=(8, 4), label_dim=2),
    "rbm": lambda: RBM(sample_shape=SHAPE, num_hidden=6, num_classes=4, default_steps=3),
}


@pytest.mark.parametrize("family", TINY)
def test_sample_shape_range_and_seed(family):
    model = TINY[family]().eval()
    labels = torch.tensor([0, 1, 2, 3, 0])
    a = model.sample(5, torch.Generator().manual_seed(7), labels)
    b = model.sample(5, torch.Generator().manual_seed(7), labels)
    c = model.sample(5, torch.Generator().manual_seed(8), labels)
    assert a.shape == (5, *SHAPE)
    assert 0 <= a.min() and a.max() <= 1
    assert torch.equal(a, b) and not torch.equal(a, c)


@pytest.mark.parametrize("family", TINY)
def test_save_pretrained_from_pretrained_round_trip(family, tmp_path):
    model = TINY[family]().eval()
    model.save_pretrained(tmp_path, safe_serialization=True)
    assert (tmp_path / "diffusion_pytorch_model.safetensors").exists()
    assert not list(tmp_path.glob("*.bin"))
    loaded = type(model).from_pretrained(tmp_path, low_cpu_mem_usage=False).eval()
    public = lambda config: {k: list(v) if isinstance(v, tuple) else v for k, v in config.items() if not k.startswith('_')}
    assert public(loaded.config) == public(model.config)
    labels = torch.tensor([1, 3])
    assert torch.equal(model.sample(2, torch.Generator().manual_seed(1), labels),
                       loaded.sample(2, torch.Generator().manual_seed(1), labels))


def _toy_batch(n=32):
    g = torch.Generator().manual_seed(0)
    y = torch.arange(n) % 4
    x = torch.zeros(n, *SHAPE)
    for i in range(n):                      # class k lights up row pair k
        x[i, 0, 2 * y[i]: 2 * y[i] + 2] = 1
    return (torch.rand(x.shape, generator=g) < x * 0.9 + 0.05).float(), y


def test_vae_negative_elbo_decreases():
    torch.manual_seed(0)
    model, (x, y) = TINY["vae"](), _toy_batch()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    losses = []
    for _ in range(30):
        loss = model(x, y, torch.Generator().manual_seed(0))[0].mean()
        opt.zero_grad(); loss.backward(); opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.8 * losses[0]


def test_iwae_bound_is_tighter_than_elbo():
    torch.manual_seed(0)
    model, (x, y) = TINY["vae"]().eval(), _toy_batch(8)
    with torch.no_grad():
        elbo = torch.stack([model(x, y, torch.Generator().manual_seed(s))[0] for s in range(200)]).mean(0)
        iwae = iwae_nll(model, x, y, k=200, generator=torch.Generator().manual_seed(0))
    assert (iwae <= elbo + 1e-3).all()


def _trained_vae_with_class_prior():
    torch.manual_seed(0)
    model, (x, y) = VAE(sample_shape=SHAPE, latent_dim=3, num_classes=4, hidden=16, enc_channels=(4, 8),
                        dec_channels=(8, 4), label_dim=2, class_prior=True), _toy_batch()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(30):
        loss = model(x, y, torch.Generator().manual_seed(0))[0].mean()
        opt.zero_grad(); loss.backward(); opt.step()
    return model.eval(), x, y


def test_class_prior_is_each_class_aggregate_posterior_and_a_point_is_placed_in_its_class():
    model, x, y = _trained_vae_with_class_prior()
    labels = torch.tensor([1, 2])
    before = model.sample(2, torch.Generator().manual_seed(5), labels)
    with torch.no_grad():
        fit_class_prior(model, x, y)
        mu, logvar = model.posterior(x, y)
    for c in range(4):              # the moments of the mixture (1/N) sum_i q(z | x_i) over the class's examples
        mine = y == c
        torch.testing.assert_close(model.prior_mean[c], mu[mine].mean(0))
        torch.testing.assert_close(model.prior_logvar[c].exp(), mu[mine].var(0, unbiased=False)
                                   + logvar[mine].exp().mean(0))
    u = model.draw_latent(2, torch.Generator().manual_seed(5), labels)     # the point: a standard normal draw
    assert torch.equal(u, torch.randn(2, 3, generator=torch.Generator().manual_seed(5)))
    z = model.prior_mean[labels] + (0.5 * model.prior_logvar[labels]).exp() * u
    after = model.sample(2, torch.Generator().manual_seed(5), labels)
    assert not torch.allclose(before, after)
    with torch.no_grad():
        torch.testing.assert_close(after, torch.sigmoid(model.decode_logits(z, labels)))
        torch.testing.assert_close(model.place(model.encode(x, y), y), mu)    # encode: the posterior's mean


def test_kl_to_a_class_prior_is_the_monte_carlo_difference_of_log_densities():
    g = torch.Generator().manual_seed(0)
    mu, logvar, pm, plv = (torch.randn(1, 3, generator=g) for _ in range(4))
    z = mu + (0.5 * logvar).exp() * torch.randn(200_000, 3, generator=g)
    estimate = (gaussian_log_density(z, mu, logvar) - gaussian_log_density(z, pm, plv)).mean()
    assert abs(kl_divergence(mu, logvar, pm, plv).item() - estimate.item()) < 0.05
    assert kl_divergence(mu, logvar, mu, logvar).abs().max() < 1e-6


def test_class_prior_survives_save_and_load_and_sets_the_likelihood_bound(tmp_path):
    model, x, y = _trained_vae_with_class_prior()
    with torch.no_grad():
        before = iwae_nll(model, x[:4], y[:4], k=50, generator=torch.Generator().manual_seed(0))
        fit_class_prior(model, x, y)
        after = iwae_nll(model, x[:4], y[:4], k=50, generator=torch.Generator().manual_seed(0))
    assert not torch.allclose(before, after)          # the bound is of the model with its fitted prior
    model.save_pretrained(tmp_path, safe_serialization=True)
    loaded = VAE.from_pretrained(tmp_path, low_cpu_mem_usage=False).eval()
    assert torch.equal(loaded.prior_mean, model.prior_mean) and torch.equal(loaded.prior_logvar, model.prior_logvar)
    labels = torch.tensor([0, 3])
    assert torch.equal(model.sample(2, torch.Generator().manual_seed(1), labels),
                       loaded.sample(2, torch.Generator().manual_seed(1), labels))


def test_a_logistic_mixture_is_a_distribution_over_8_bit_values_and_shows_its_likeliest_colour():
    g = torch.Generator().manual_seed(0)
    logits, means = torch.randn(1, 3, 1, 1, generator=g), torch.rand(1, 3, 1, 1, 1, generator=g)
    log_scales = torch.full((1, 3, 1, 1, 1), -3.0)
    values = torch.arange(256.0).view(256, 1, 1, 1) / 255                       # every value of one channel
    total = sum(logistic_mixture_log_likelihood(logits, means, log_scales, v[None]).exp() for v in values)
    assert abs(total.item() - 1) < 1e-4
    one = logistic_mixture_log_likelihood(torch.zeros(1, 1, 1, 1), means[:, :1], log_scales[:, :1], values[100][None])
    torch.testing.assert_close(one, discretized_logistic_log_likelihood(means[:, 0], log_scales[:, 0], values[100][None]))
    assert mixture_mode(logits, means).item() == means[0, logits[0, :, 0, 0].argmax(), 0, 0, 0].item()


def test_gan_discriminator_learns_and_generator_follows():
    torch.manual_seed(0)
    G, D = TINY["gan"](), Discriminator(sample_shape=SHAPE, num_classes=4, channels=(4, 8), hidden=16)
    x, y = _toy_batch()
    z = torch.randn(len(x), 3, generator=torch.Generator().manual_seed(1))
    opt_d = torch.optim.Adam(D.parameters(), lr=1e-2, betas=(0.0, 0.9))
    first = hinge_d_loss(D(x, y), D(G(z, y).detach(), y)).item()
    for _ in range(30):
        loss = hinge_d_loss(D(x, y), D(G(z, y).detach(), y))
        opt_d.zero_grad(); loss.backward(); opt_d.step()
    assert loss.item() < first
    opt_g = torch.optim.Adam(G.parameters(), lr=1e-2, betas=(0.0, 0.9))
    g_first = hinge_g_loss(D(G(z, y), y)).item()
    for _ in range(20):
        g_loss = hinge_g_loss(D(G(z, y), y))
        opt_g.zero_grad(); g_loss.backward(); opt_g.step()
    assert g_loss.item() < g_first


def test_rbm_free_energy_and_label_posterior_are_exact():
    torch.manual_seed(0)
    model = TINY["rbm"]()
    v = torch.bernoulli(torch.full((3, 64), 0.5))
    y = F.one_hot(torch.tensor([0, 1, 2]), 4).float()
    # F(v, y) = -log sum_h exp(-E(v, y, h)), by enumerating all 2^6 hidden states
    h = torch.tensor([[(i >> j) & 1 for j in range(6)] for i in range(64)]).float()
    energy = -(v @ model.b + y @ model.d)[:, None] - h @ model.c - (h @ model.W @ v.T).T - (h @ model.U @ y.T).T
    assert torch.allclose(model.free_energy(v, y), -torch.logsumexp(-energy, 1), atol=1e-4)
    log_p = model.label_log_probs(v)
    assert torch.allclose(log_p.exp().sum(1), torch.ones(3), atol=1e-5)


def test_rbm_pcd_raises_data_likelihood_relative_to_chains():
    torch.manual_seed(0)
    model, (x, y) = TINY["rbm"](), _toy_batch()
    v, y1 = x.flatten(1), F.one_hot(y, 4).float()
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    chains_v, chains_y = torch.bernoulli(torch.full_like(v, 0.5)), y1.clone()
    gen = torch.Generator().manual_seed(0)
    log_p_y = []
    for _ in range(200):
        with torch.no_grad():
            chains_v, chains_y, _ = model.gibbs_step(chains_v, chains_y, gen, clamp_labels=False)
        loss = model.hybrid_loss(v, y1, chains_v, chains_y)
        opt.zero_grad(); loss.backward(); opt.step()
        log_p_y.append((model.label_log_probs(v) * y1).sum(1).mean().item())
    assert log_p_y[-1] > log_p_y[0] + 0.5          # labels became predictable from pixels
    with torch.no_grad():                           # and reconstructions improved over the start
        assert (model.reconstruct(x, y) - x).pow(2).mean() < 0.2


def test_rbm_sampling_reads_a_copy_of_w_that_follows_every_change_to_w():
    model, v, h = TINY["rbm"](), torch.rand(3, 64), torch.rand(3, 6)
    for _ in range(3):
        with torch.no_grad():                       # sampling: the (visible, hidden) copy of W
            up = model.hidden_input(v)
            model.visible_mean(h)
            model.W.add_(0.5)                       # an in-place change, as an optimiser step makes
        with torch.no_grad():
            assert torch.allclose(model.hidden_input(v), v @ model.W.T + model.c, atol=1e-5)
            assert torch.allclose(model.visible_mean(h), torch.sigmoid(h @ model.W + model.b), atol=1e-5)
            assert not torch.allclose(model.hidden_input(v), up)
        assert torch.allclose(model.hidden_input(v), v @ model.W.T + model.c, atol=1e-5)   # with gradients


@pytest.mark.parametrize("visible_type", ["bernoulli", "gaussian", "categorical"])
def test_rbm_seed_points_are_each_labels_point_drawn_alone_bit_for_bit(visible_type):
    """One batch of chains side by side gives each label the very point a chain of its own reaches."""
    model = RBM(sample_shape=(1, 4, 32), num_hidden=40, num_classes=5, visible_type=visible_type,
                default_steps=20).eval()
    labels = torch.tensor([3, 0, 4, 3])
    with torch.inference_mode():
        together = model.seed_points(11, labels)
        alone = [model.draw_latent(1, torch.Generator().manual_seed(11), labels[i:i + 1]) for i in range(4)]
    assert torch.equal(together, torch.cat(alone))
    assert not torch.equal(together[0], together[1])


def test_rbm_progress_callback_counts_steps():
    model, seen = TINY["rbm"](), []
    model.sample(2, torch.Generator().manual_seed(0), torch.tensor([0, 1]), steps=5,
                 callback=lambda done, total: seen.append((done, total)))
    assert seen == [(i, 5) for i in range(1, 6)]


def test_rbm_chains_start_from_the_requested_class_base_rates():
    model = TINY["rbm"]()
    with torch.no_grad():   # class 0 all ink, class 1 blank, so the start says which class was used
        model.class_base_rates.zero_()
        model.class_base_rates[0] = 1.0
    g = torch.Generator().manual_seed(0)
    assert torch.equal(model.sample(3, g, torch.tensor([0, 1, 0]), steps=0).flatten(1).mean(1),
                       torch.tensor([1.0, 0.0, 1.0]))
    # and the buffer is part of the saved weights, so a reloaded model starts where it did
    assert "class_base_rates" in model.state_dict()


def test_classifier_shapes_and_features():
    clf = Classifier(sample_shape=SHAPE, num_classes=4, channels=(4, 8), feature_dim=16).eval()
    x = torch.rand(5, *SHAPE)
    assert clf(x).shape == (5, 4) and clf.features(x).shape == (5, 16)


def test_vae_expected_binarization_is_the_mean_loss_over_binarized_draws():
    """The "expected" binarization (genapp/train/vae.py) trains on the grey picture: its reconstruction
    term equals the average of the sampled binarization's over every draw of the pixels."""
    torch.manual_seed(0)
    model, (x, y) = TINY["vae"]().eval(), _toy_batch()
    x = torch.rand_like(x)                                             # grey values in [0, 1]
    same_z = lambda: torch.Generator().manual_seed(3)                  # one z per picture for every draw
    with torch.no_grad():
        _, expected, _ = model(x, y, same_z())
        draws = torch.stack([model(torch.bernoulli(x), y, same_z(), encoder_input=x)[1] for _ in range(4000)])
    assert torch.allclose(draws.mean(0), expected, rtol=0.002)
    assert not torch.allclose(draws[0], expected, rtol=0.002)          # one draw on its own is not


@pytest.mark.parametrize("make", [lambda: Classifier(), lambda: Generator(num_classes=10)])
def test_folding_batch_norms_keeps_the_function_and_drops_the_norms(make):
    torch.manual_seed(0)
    model = make()
    with torch.no_grad():                       # trained-looking statistics, not the identity ones
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-1, 1), m.running_var.uniform_(0.5, 2), m.weight.uniform_(0.5, 2)
                m.bias.uniform_(-1, 1)
    model.eval()
    x = torch.rand(8, 1, 28, 28) if isinstance(model, Classifier) else torch.randn(8, model.latent_dim)
    labels = None if isinstance(model, Classifier) else torch.arange(8)
    run = (lambda m: m(x)) if labels is None else (lambda m: m(x, labels))
    with torch.no_grad():
        before = run(model)
        folded = fold_batch_norms(model)
        after = run(folded)
    convs_followed_by_norm = [seq for seq in folded.modules() if isinstance(seq, torch.nn.Sequential)
                              and any(isinstance(a, (torch.nn.Conv2d, torch.nn.ConvTranspose2d))
                                      and isinstance(b, torch.nn.BatchNorm2d) for a, b in zip(seq, seq[1:]))]
    assert convs_followed_by_norm == []
    assert torch.allclose(before, after, atol=1e-4, rtol=1e-4)
