"""The Uses tab at the seam: denoising, compression and inpainting by the VAE and the RBM, measured."""
import io
import math

import numpy as np
import pytest
import torch
from PIL import Image

from genapp import hub, studio
from genapp.studio import compress, denoise, inpaint, uses

from test_latent import _drawing


def _psnr(rows):
    return dict(rows)


@pytest.mark.parametrize("kind, strength", [("gaussian", 0.3), ("salt-pepper", 0.2)])
def test_told_the_noise_the_vae_and_the_rbm_raise_psnr_by_several_db(kind, strength):
    r = denoise.denoise("mnist", kind, strength, seed=0, label="3")
    psnr = _psnr(r.rows)
    noisy = psnr[denoise.ROWS["noisy"]]
    assert psnr[denoise.ROWS["vae told"]] > noisy + 5          # measured: +8.3 dB (gaussian), +10.4 dB (salt)
    assert psnr[denoise.ROWS["rbm told"]] > noisy + 4          # measured: +6.2 dB, +8.9 dB
    assert r.source == "gan-mnist sample, seed 0, class 3" and r.clean.size == (224, 224)


def test_denoising_is_reproducible_from_its_seed_and_a_drawing_works_too():
    a, b = denoise.denoise("mnist", "gaussian", 0.3, 5), denoise.denoise("mnist", "gaussian", 0.3, 5)
    assert all(x.tobytes() == y.tobytes() for x, y in zip((a.noisy, a.vae, a.rbm), (b.noisy, b.vae, b.rbm)))
    assert a.rows == b.rows
    assert denoise.denoise("mnist", "gaussian", 0.3, 6).noisy.tobytes() != a.noisy.tobytes()
    mine = denoise.denoise("mnist", "salt-pepper", 0.2, 0, picture=_drawing(7))
    assert mine.source == "your picture" and _psnr(mine.rows)[denoise.ROWS["rbm told"]] > _psnr(mine.rows)[
        denoise.ROWS["noisy"]]


def test_gaussian_quantiser_bins_are_equally_likely_and_decode_to_their_means():
    z = torch.randn(200_000, 1, generator=torch.Generator().manual_seed(0))
    index, values = compress.quantise(z, 3, "gaussian")
    share = torch.bincount(index.flatten(), minlength=8).float() / len(z)
    assert torch.allclose(share, torch.full((8,), 1 / 8), atol=0.005)
    one_bit = compress.quantise(torch.tensor([[-0.1, 0.1]]), 1, "gaussian")[1]
    assert torch.allclose(one_bit, torch.tensor([[-1, 1]]) * math.sqrt(2 / math.pi))   # E|z| of N(0, 1)
    for b in (1, 4, 8):
        centre = compress.quantise(torch.zeros(1, 1), b, "uniform")[1]
        assert centre.abs().item() <= 3 / 2 ** b


@pytest.mark.parametrize("quantiser", compress.QUANTISERS)
def test_more_bits_more_psnr_and_bits_per_image_count_the_label(quantiser):
    r = compress.compress("mnist", 0, "3", quantiser=quantiser)
    vae = hub.load("vae-mnist")
    assert [row[0] for row in r.rows] == [*compress.BITS, compress.FLOAT_BITS]
    for b, bits, png, ratio, _ in r.rows:
        assert bits == pytest.approx(vae.latent_dim * b + math.log2(10), abs=0.01)
        assert png % 8 == 0 and ratio == pytest.approx(png / bits, abs=0.1)
    psnr = [row[4] for row in r.rows]
    assert all(later >= earlier - 0.3 for earlier, later in zip(psnr, psnr[1:]))      # monotone, within 0.3 dB
    assert psnr[-2] > psnr[0] + 3 and psnr[-1] == pytest.approx(psnr[-2], abs=0.3)
    assert r.strip.size == (10 * 29 * 4 + 4, 29 * 4 + 4)


def test_inpainting_keeps_the_uncovered_pixels_exactly_and_beats_grey():
    x = uses.curve_pictures("mnist", 10, "gan")
    g = torch.Generator().manual_seed(0)
    for region in ("bottom", "random"):
        known = inpaint.known_mask(region, x.shape, g)
        rbm_x, frames = inpaint.rbm_fill(hub.load("rbm-mnist"), x, known, 30, g)
        vae_x = inpaint.vae_fill(hub.load("vae-mnist"), x, known)
        grey = torch.where(known, x, torch.full_like(x, 0.5))
        for fill in (rbm_x, vae_x):
            assert torch.equal(fill[known], x[known])
            assert inpaint.covered_error(fill, x, known).mean() < 0.6 * inpaint.covered_error(grey, x, known).mean()
        assert sorted(frames)[-1] == 30 and len(frames) <= inpaint.FRAMES
    r = inpaint.inpaint("mnist", "centre", 3, "any", sweeps=40)
    assert r.covered_pixels == 14 * 14 and r.frame_sweeps[-1] == 40
    again = inpaint.inpaint("mnist", "centre", 3, "any", sweeps=40)
    assert again.rbm.tobytes() == r.rbm.tobytes() and again.rows == r.rows


def _png(size, colour="white"):
    buffer = io.BytesIO()
    Image.new("L", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("call, words", [
    (lambda: denoise.denoise(strength=0), "from 0.01 to 1.0"),
    (lambda: denoise.denoise(strength="loud"), "not a number"),
    (lambda: denoise.denoise(kind="salt-pepper", strength=0.95), "from 0.01 to 0.9"),
    (lambda: denoise.denoise(kind="blur"), "kind of noise"),
    (lambda: denoise.denoise(seed=-1), "seed"),
    (lambda: denoise.denoise(label="giraffe"), "Pick a class"),
    (lambda: compress.compress(dataset="fsdd"), "data set"),
    (lambda: compress.compress(quantiser="jpeg"), "quantiser"),
    (lambda: inpaint.inpaint(region="middle"), "region"),
    (lambda: inpaint.inpaint(sweeps=5000), "from 1 to 1,000"),
    (lambda: inpaint.inpaint(picture=np.full((100, 100, 3), 255, np.uint8)), "blank"),
    (lambda: compress.compress(picture=b"%PDF-1.4 not an image"), "not a picture"),
    (lambda: denoise.denoise(picture=_png((6000, 6000))), "million"),
    (lambda: denoise.denoise(picture=_png((5000, 5000))), "blank"),          # large but allowed: read, then refused
])
def test_bad_requests_get_a_sentence(call, words):
    with pytest.raises(studio.BadRequest, match=words):
        call()


def test_the_uses_endpoints_through_the_launched_app(client):
    clean, noisy, vae, rbm, table, caption = client.predict(
        "mnist", "gan", 0, "3", None, None, "gaussian", 0.3, True, api_name="/denoise")
    rows = {row[0]: row[1] for row in table["data"]}
    assert rows[denoise.ROWS["vae told"]] > rows[denoise.ROWS["noisy"]] + 5
    strip, table, _ = client.predict("mnist", "gan", 0, "3", None, None, "gaussian", api_name="/compress")
    assert len(table["data"]) == 9
    *_, table, _ = client.predict("mnist", "gan", 0, "3", None, None, "bottom", 30, None, api_name="/inpaint")
    assert len(table["data"]) == 4
    with pytest.raises(Exception, match="from 0.01 to 0.9"):          # the slider allows 1.0; the studio says no
        client.predict("mnist", "gan", 0, "3", None, None, "salt-pepper", 0.95, True, api_name="/denoise")
    with pytest.raises(Exception, match="Draw a digit"):                # 'my drawing' with an empty canvas
        client.predict("mnist", "mine", 0, "3", None, None, "bottom", 30, None, api_name="/inpaint")
    with pytest.raises(Exception, match="Paint over part"):            # 'what you paint' with nothing painted
        client.predict("mnist", "gan", 0, "3", None, None, "painted", 30, None, api_name="/inpaint")


def test_a_painted_cover_is_a_cover_like_any_other():
    paint = np.zeros((280, 280, 4), np.uint8)
    paint[140:, :, 3] = 255                                             # the bottom half, painted
    painted = inpaint.inpaint("mnist", "painted", 0, "3", None, 40, paint=[paint])
    preset = inpaint.inpaint("mnist", "bottom", 0, "3", None, 40)
    assert painted.covered_pixels == preset.covered_pixels == 392 and painted.rows == preset.rows
    assert inpaint.canvas_picture("mnist", 0, "3").size == (280, 280)
    with pytest.raises(studio.BadRequest, match="Paint over part"):
        inpaint.inpaint("mnist", "painted", 0, "3", None, 40, paint=[np.zeros((280, 280, 4), np.uint8)])
    with pytest.raises(studio.BadRequest, match="whole picture"):
        inpaint.inpaint("mnist", "painted", 0, "3", None, 40, paint=[np.full((280, 280, 4), 255, np.uint8)])
