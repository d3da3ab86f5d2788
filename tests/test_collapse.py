"""Mode collapse, counted: the deliberately collapsed GAN against the healthy one, and the plain GAN
recipe that made it."""
import json

import pytest
import torch

from genapp import studio
from genapp.models.gan import Discriminator, Generator, bce_d_loss, bce_g_loss

from test_train import train


def test_the_collapsed_gan_covers_at_most_four_classes_and_the_healthy_one_all_ten():
    collapsed, healthy = studio.mode_collapse("gan-mnist-collapsed"), studio.mode_collapse("gan-mnist")
    assert collapsed.covered <= 4 and collapsed.kl > 1.5            # log 10 = 2.30 is total collapse
    assert healthy.covered == 10 and healthy.kl < 0.1
    for r in (collapsed, healthy):
        assert sum(r.shares) == pytest.approx(1, abs=1e-3) and sum(r.data_shares) == pytest.approx(1, abs=1e-3)
        assert r.samples.size == (8 * 29 * 2 + 2, 8 * 29 * 2 + 2) and r.chart.size == (520, 260)


def test_the_same_seed_gives_the_same_histogram_and_samples_and_sound_is_counted_too():
    a, b = studio.mode_collapse("vae-mnist", 5, n=200), studio.mode_collapse("vae-mnist", 5, n=200)
    assert a.shares == b.shares and a.samples.tobytes() == b.samples.tobytes()
    assert a.shares != studio.mode_collapse("vae-mnist", 6, n=200).shares
    sound = studio.mode_collapse("gan-fsdd", n=100)
    assert sound.class_names[0] == "0" and sound.covered >= 8


@pytest.mark.parametrize("kwargs, words", [(dict(checkpoint="gan-nope"), "Pick one of"),
                                           (dict(checkpoint="vae-names"), "Pick one of"),
                                           (dict(n=10**6), "from 100 to 2,000"), (dict(n="lots"), "not"),
                                           (dict(seed=-1), "seed")])
def test_bad_collapse_requests_get_a_sentence(kwargs, words):
    with pytest.raises(studio.BadRequest, match=words):
        studio.mode_collapse(**kwargs)


def test_the_collapsed_recipe_trains_the_plain_gan(tmp_path):
    run = train("gan-mnist-collapsed", "--steps", "3", "--out", str(tmp_path))
    assert run.returncode == 0, run.stderr[-2000:]
    options = json.loads((tmp_path / "metrics.json").read_text())["training"]["options"]
    assert options == {"loss": "bce", "betas": [0.5, 0.999], "ema": False, "discriminator": {"spectral": False}}
    D = Discriminator.from_pretrained(tmp_path / "discriminator")
    assert not any("parametrizations" in k for k in D.state_dict())           # no spectral norm
    assert Generator.from_pretrained(tmp_path).latent_dim == 1


def test_the_original_gan_losses():
    # D(x) = sigmoid(score): a confident, right discriminator pays almost nothing, a fooled one log 2 per term
    big = torch.full((4,), 20.0)
    assert bce_d_loss(big, -big).item() == pytest.approx(0, abs=1e-6)
    assert bce_d_loss(torch.zeros(4), torch.zeros(4)).item() == pytest.approx(2 * torch.log(torch.tensor(2.0)).item())
    assert bce_g_loss(-big).item() == pytest.approx(20, abs=1e-6)              # non-saturating: steep when D wins


def test_the_collapsed_gan_draws_grids_like_any_generator_but_takes_no_class():
    grid = studio.generate_images("gan-mnist-collapsed", 16, seed=0)
    assert grid.png == studio.generate_images("gan-mnist-collapsed", 16, seed=0).png
    with pytest.raises(studio.BadRequest, match="unconditional"):
        studio.generate_images("gan-mnist-collapsed", 16, seed=0, label="7")
