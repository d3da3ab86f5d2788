"""`python -m genapp train`: a few steps of a real recipe write a loadable Hub folder and its card."""
import json
import subprocess
import sys

from conftest import ROOT
from genapp.models.rbm import RBM


def train(*args):
    return subprocess.run([sys.executable, "-m", "genapp", "train", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_a_short_run_writes_a_checkpoint_with_its_command_and_options(tmp_path):
    run = train("rbm-mnist", "--steps", "20", "--out", str(tmp_path), "--option", "weight_decay=0.002")
    assert run.returncode == 0, run.stderr[-2000:]
    model = RBM.from_pretrained(tmp_path)
    # the chains' starting points are the training digits' class means: a 1 has less ink than a 0
    assert model.class_base_rates.shape == (10, 784)
    assert model.class_base_rates[1].sum() < model.class_base_rates[0].sum()
    training = json.loads((tmp_path / "metrics.json").read_text())["training"]
    assert training["options"]["weight_decay"] == 0.002 and training["steps"] == 20
    card = (tmp_path / "README.md").read_text()
    assert "--option weight_decay=0.002" in card and '"weight_decay": 0.002' in card


def test_an_unknown_training_option_is_refused(tmp_path):
    run = train("rbm-mnist", "--steps", "2", "--out", str(tmp_path), "--option", "learning_rate=1")
    assert run.returncode != 0 and "no training option learning_rate" in run.stderr


def test_a_family_option_the_recipe_leaves_unset_is_taken(tmp_path):
    run = train("gan-mnist", "--steps", "2", "--out", str(tmp_path), "--option", 'diffaugment=["translation"]')
    assert run.returncode == 0, run.stderr[-2000:]
    assert json.loads((tmp_path / "metrics.json").read_text())["training"]["options"]["diffaugment"] == ["translation"]


def test_every_recipe_option_is_one_its_family_reads():
    from genapp.train import FAMILY_OPTIONS
    from genapp.train.recipes import RECIPES
    for recipe in RECIPES.values():
        assert set(recipe.options) <= FAMILY_OPTIONS[recipe.family], recipe.name


def test_float16_storage_halves_the_weights_file_and_loads_back_as_float32(tmp_path):
    import torch
    from genapp.models.gan import Generator
    for storage in ("float32", "float16"):
        run = train("gan-mnist", "--steps", "2", "--out", str(tmp_path / storage), "--storage", storage)
        assert run.returncode == 0, run.stderr[-2000:]
    weights = lambda storage: (tmp_path / storage / "diffusion_pytorch_model.safetensors").stat().st_size
    assert 0.45 < weights("float16") / weights("float32") < 0.55
    assert "Weights stored as float16" in (tmp_path / "float16" / "README.md").read_text()
    loaded = Generator.from_pretrained(tmp_path / "float16", torch_dtype=torch.float32)
    same = Generator.from_pretrained(tmp_path / "float32")
    assert all(p.dtype == torch.float32 for p in loaded.parameters())
    # the same training run: float16 is float32 rounded
    assert all(torch.equal(a, b.half().float()) for a, b in zip(loaded.parameters(), same.parameters()))


def test_diffaugment_shifts_by_whole_pixels_recolours_each_picture_and_lets_the_gradient_through():
    import torch
    from genapp.train.diffaugment import colour, diff_augment, translation
    x = torch.rand(8, 3, 32, 32, requires_grad=True)
    shifted = translation(x, torch.Generator().manual_seed(0))
    for i in range(8):             # each picture is its own moved by whole pixels (edges repeated), at most 4 each way
        assert any(torch.equal(shifted[i, :, 8:24, 8:24], x[i, :, 8 + dy:24 + dy, 8 + dx:24 + dx])
                   for dy in range(-4, 5) for dx in range(-4, 5))
    assert not torch.equal(shifted, x)
    recoloured = colour(x, torch.Generator().manual_seed(1))
    assert not torch.allclose(recoloured[0] - x[0], recoloured[1] - x[1])      # each picture its own change
    out = diff_augment(x, ("translation", "colour"), torch.Generator().manual_seed(2))
    out.sum().backward()
    assert out.shape == x.shape and x.grad is not None and x.grad.abs().sum() > 0
    again = diff_augment(x.detach(), ("translation", "colour"), torch.Generator().manual_seed(2))
    assert torch.equal(again, out.detach())                                    # seeded: reproducible


def test_extra_emas_and_snapshots_are_saved_beside_the_shipped_ema_and_leave_it_as_it_was(tmp_path):
    import torch
    from genapp.models.gan import Generator
    extra = ("--option", "extra_ema=[0.99]", "--option", "snapshots=[2]", "--option", "d_lr=4e-4")
    for name, options in (("plain", ("--option", "d_lr=4e-4")), ("extra", extra)):
        run = train("gan-mnist", "--steps", "3", "--out", str(tmp_path / name), *options)
        assert run.returncode == 0, run.stderr[-2000:]
    for sub in ("ema-0.99", "step-2/ema-0.999", "step-2/ema-0.99", "step-2/discriminator"):
        assert (tmp_path / "extra" / sub / "config.json").is_file(), sub
    shipped, plain = (Generator.from_pretrained(tmp_path / name) for name in ("extra", "plain"))
    assert all(torch.equal(a, b) for a, b in zip(shipped.parameters(), plain.parameters()))
    other = Generator.from_pretrained(tmp_path / "extra" / "ema-0.99")
    assert not all(torch.equal(a, b) for a, b in zip(shipped.parameters(), other.parameters()))


def test_the_auxiliary_classifier_trains_the_decoder_through_the_picture_it_shows_and_is_not_saved():
    import dataclasses
    import torch
    from genapp.models.vae import mixture_mode, mixture_mode_straight_through
    from genapp.train import vae
    from genapp.train.loop import Split
    from genapp.train.recipes import RECIPES
    logits, means = torch.randn(2, 3, 4, 4, requires_grad=True), torch.rand(2, 3, 3, 4, 4, requires_grad=True)
    shown = mixture_mode_straight_through(logits, means)
    assert torch.allclose(shown, mixture_mode(logits, means))          # what decode shows ...
    shown.sum().backward()
    assert logits.grad.abs().sum() > 0 and means.grad.abs().sum() > 0  # ... and a gradient to every component
    recipe = dataclasses.replace(RECIPES["vae-emoji"], batch_size=8, eval_every=2,
                                 model=RECIPES["vae-emoji"].model | dict(latent_dim=4, hidden=16, enc_channels=(4, 4),
                                                                         dec_channels=(4, 4)))
    x = torch.randint(0, 256, (40, 3, 32, 32)) / 255
    y = torch.arange(40) % 18
    models, _ = vae.fit(recipe, Split(x, y, x[:8], y[:8]), "cpu", torch.Generator().manual_seed(0), 2)
    assert list(models) == [""] and recipe.options["auxiliary"] > 0


def test_free_bits_keep_a_text_vae_from_writing_without_z():
    """train/vae.py's free_bits (Kingma et al. 2016): each latent dimension's KL counts as at least that many
    nats, so a decoder that could write alone gains nothing from a dimension that says less: z carries more."""
    import dataclasses
    import torch
    from genapp.data import load_tensors
    from genapp.models.vae import kl_divergence
    from genapp.train import vae
    from genapp.train.loop import Split
    from genapp.train.recipes import RECIPES
    from genapp import hub
    x, y = load_tensors("names", hub.data_folder("names"), "test")
    split = Split(x[:2000], y[:2000], x[2000:2200], y[2000:2200])
    kls = {}
    for free_bits in (0.0, 1.0):
        recipe = dataclasses.replace(RECIPES["vae-names"], batch_size=64, eval_every=100,
                                     model=RECIPES["vae-names"].model | dict(latent_dim=4, hidden=32, embed_dim=8),
                                     options=dict(word_dropout=0.25, free_bits=free_bits))
        model = vae.fit(recipe, split, "cpu", torch.Generator().manual_seed(0), 200)[0][""]
        with torch.no_grad():
            kls[free_bits] = kl_divergence(*model.posterior(split.x_val), per_dim=True).mean(0)
    assert kls[0.0].sum() < 0.5 * kls[1.0].sum() and kls[1.0].min() > 0.5, kls
