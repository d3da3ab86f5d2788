"""Names as symbol rows, and the three families configured for text: shapes, masks, seeds, round trips."""
import math

import pytest
import torch

from genapp.data import text
from genapp.data.text import NAMES
from genapp.models.gan import Discriminator, Generator
from genapp.models.nets import categorical_log_likelihood, symbol_mask
from genapp.models.rbm import RBM
from genapp.models.vae import VAE, iwae_nll

SHAPE = (NAMES.max_length, NAMES.vocab_size)


def tiny_vae():
    return VAE(sample_shape=SHAPE, latent_dim=3, num_classes=0, hidden=16, embed_dim=4, body_type="gru").eval()


def test_names_encode_decode_round_trip_with_end_and_padding():
    ids = NAMES.encode(["ava", "Zoe"])
    assert ids.shape == (2, NAMES.max_length)
    assert ids[0, :4].tolist() == [NAMES.vocabulary.index(c) for c in "ava"] + [text.END_ID]
    assert (ids[0, 4:] == text.PAD_ID).all()
    assert NAMES.decode(NAMES.one_hot(ids)) == ["ava", "zoe"]
    assert text.characters(["ava", "zoe"]) == 8


@pytest.mark.parametrize("bad, words", [("", "at least one letter"), ("a" * 16, "at most 15"),
                                        ("jo-ann", "outside the vocabulary")])
def test_names_outside_the_vocabulary_are_refused_with_a_reason(bad, words):
    with pytest.raises(ValueError, match=words):
        NAMES.encode([bad])


def test_a_row_that_never_ends_is_cut_to_a_name_that_encodes_again():
    row = torch.full((1, NAMES.max_length), NAMES.vocabulary.index("a"))
    (name,) = NAMES.decode(row)
    assert name == "a" * NAMES.max_symbols and NAMES.encode([name]).shape == (1, NAMES.max_length)


def test_split_is_a_fixed_tenth_disjoint_from_training():
    names = [f"n{'a' * (i % 9)}{chr(97 + i % 26)}" for i in range(200)]
    test, train = text.split_names(names, "test"), text.split_names(names, "train")
    assert len(test) == 20 and len(train) == 180 and test == text.split_names(names, "test")
    assert sorted(test + train) == sorted(names)


def test_likelihood_counts_letters_and_the_end_symbol_not_padding():
    x = NAMES.one_hot(NAMES.encode(["ab", "abcd"]))
    assert symbol_mask(x, text.END_ID).sum(1).tolist() == [3, 5]
    logits = torch.zeros(2, *SHAPE)                              # uniform over the vocabulary
    ll = categorical_log_likelihood(logits, x, text.END_ID)
    assert torch.allclose(ll, -torch.tensor([3.0, 5.0]) * math.log(NAMES.vocab_size))


def test_text_vae_samples_one_hot_rows_reproducibly_and_decodes_greedily():
    model = tiny_vae()
    a = model.sample(6, torch.Generator().manual_seed(1), temperature=0.7)
    b = model.sample(6, torch.Generator().manual_seed(1), temperature=0.7)
    assert a.shape == (6, *SHAPE) and torch.equal(a, b) and (a.sum(-1) == 1).all()
    z = torch.randn(3, 3)
    assert torch.equal(model.decode(z), model.decode(z))
    x = NAMES.one_hot(NAMES.encode(["ann", "bo"]))
    loss, rec, kl = model(x)
    assert loss.shape == (2,) and (rec > 0).all() and (kl >= 0).all()
    bound = iwae_nll(model, x, k=8, batch=4, generator=torch.Generator().manual_seed(0))
    assert bound.shape == (2,) and torch.isfinite(bound).all()


def test_text_vae_learns_names():
    torch.manual_seed(0)
    model = tiny_vae().train()
    x = NAMES.one_hot(NAMES.encode(["anna", "bob", "cara", "dan"] * 8))
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    first = model(x)[0].mean().item()
    for _ in range(60):
        loss = model(x)[0].mean()
        opt.zero_grad(), loss.backward(), opt.step()
    assert loss.item() < 0.5 * first


def test_categorical_rbm_draws_one_symbol_per_position():
    model = RBM(sample_shape=SHAPE, num_hidden=8, num_classes=0, visible_type="categorical", default_steps=3)
    s = model.sample(5, torch.Generator().manual_seed(2))
    assert s.shape == (5, *SHAPE) and (s.sum(-1) == 1).all()
    assert torch.equal(s, model.sample(5, torch.Generator().manual_seed(2)))
    assert len(NAMES.decode(s)) == 5


def test_gaussian_rbm_standardizes_and_restores_pictures():
    model = RBM(sample_shape=(1, 4, 4), num_hidden=5, num_classes=2, visible_type="gaussian")
    model.visible_offset.fill_(0.3), model.visible_scale.fill_(0.2)
    x = torch.rand(3, 1, 4, 4)
    assert torch.allclose(model.to_data(model.to_visible(x)), x, atol=1e-6)
    s = model.sample(4, torch.Generator().manual_seed(0), torch.tensor([0, 1, 0, 1]), steps=2)
    assert s.shape == (4, 1, 4, 4) and 0 <= s.min() and s.max() <= 1


def test_code_gan_generates_codes_its_discriminator_scores(tmp_path):
    G = Generator(sample_shape=(6,), latent_dim=4, num_classes=0, body_type="mlp", hidden=16, decoder="autoencoder")
    D = Discriminator(sample_shape=(6,), num_classes=0, hidden=16, body_type="mlp")
    codes = G.sample(5, torch.Generator().manual_seed(0))
    assert codes.shape == (5, 6) and D(codes).shape == (5,)
    G.save_pretrained(tmp_path, safe_serialization=True)
    again = Generator.from_pretrained(tmp_path)
    assert again.config.decoder == "autoencoder"
    assert torch.equal(again.sample(5, torch.Generator().manual_seed(0)), codes)
