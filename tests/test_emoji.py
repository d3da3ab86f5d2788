"""Colour emoji: Unicode's list and groups, two fonts' drawings of each emoji, a split by emoji, and the
pictures as the nets take them."""
import subprocess
import sys

import numpy as np
import pytest
import torch

from conftest import ROOT
from genapp import hub
from genapp.data import DATASETS, emoji, load_tensors
from genapp.models.nets import factor_values

FOLDER = emoji.DATASET.default_dir
needs_fonts = pytest.mark.skipif(not all(emoji.source(emoji.Path(FOLDER), f).is_file()
                                         for f in (emoji.EMOJI_TEST, emoji.NOTO)),
                                 reason="no Noto Color Emoji or Unicode emoji list (the README's test command "
                                        "installs fonts-noto-color-emoji and unicode-data)")


@needs_fonts
def test_the_list_is_unicode_s_fully_qualified_emoji_by_group_without_skin_tones():
    listed = emoji.emoji_list(emoji.source(emoji.Path(FOLDER), emoji.EMOJI_TEST))
    groups = dict(listed)
    assert groups["😀"] == "smileys-emotion" and groups["🐶"] == "animals-nature" and groups["🇫🇷"] == "flags"
    assert groups["🍕"] == "food-drink" and groups["⚽"] == "activities" and groups["❤️"] == "smileys-emotion"
    assert "👍🏽" not in groups and "👍" in groups                                # skin tones left out
    assert {g for _, g in listed} == set(emoji.GROUPS)                           # Component left out


@needs_fonts
def test_each_emoji_is_drawn_in_both_styles_and_the_test_emoji_are_never_trained_on():
    rows = emoji.catalogue(FOLDER)
    x, y = emoji.read_emoji(FOLDER, "train")
    x_test, y_test = emoji.read_emoji(FOLDER, "test")
    assert x.shape[1:] == (emoji.SIZE, emoji.SIZE, 3) and x.dtype == np.uint8
    assert len(x) + len(x_test) == 2 * len(rows) and len(x_test) == 2 * sum(t for *_, t in rows)
    group, style = factor_values(torch.from_numpy(y.astype(np.int64)), (9, 2))
    assert torch.equal(torch.bincount(style), torch.full((2,), len(x) // 2))     # every emoji in both styles
    assert torch.bincount(group, minlength=9).min() > 50                          # every group is there
    tested = {e for e, _, t in rows if t}
    assert len(tested) > 150 and not tested & {e for e, _, t in rows if not t}


@needs_fonts
def test_a_picture_is_the_glyph_in_colour_on_white_the_same_every_time():
    a = emoji.draw("🍕", emoji.source(emoji.Path(FOLDER), emoji.NOTO))
    b = emoji.draw("🍕", emoji.source(emoji.Path(FOLDER), emoji.NOTO))
    assert np.array_equal(a, b) and (a[0, 0] == 255).all() and (a[-1, -1] == 255).all()
    channels = a.reshape(-1, 3).astype(int)
    assert (channels.max(1) - channels.min(1)).max() > 100                      # colour, not grey
    assert not np.array_equal(a, emoji.draw("🍕", emoji.openmoji_font()))      # the two styles differ


@needs_fonts
def test_the_nets_take_emoji_as_rgb_tensors_and_the_data_command_writes_every_picture(tmp_path):
    x, y = load_tensors("emoji", FOLDER, "test")
    assert x.shape[1:] == (3, emoji.SIZE, emoji.SIZE) and 0 <= x.min() and x.max() <= 1 and y.max() < 18
    assert DATASETS["emoji"].class_names[int(y[0])].split() == [emoji.GROUPS[int(y[0]) // 2], emoji.STYLES[int(y[0]) % 2]]
    done = subprocess.run([sys.executable, "-m", "genapp", "data", "emoji", "--out", str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    written = sorted(tmp_path.glob("*/*.png"))
    assert f"{len(written)} emoji as PNG files" in done.stdout and len(list(tmp_path.glob("test/*.png"))) == len(x)


def test_the_studio_draws_colour_samples_in_colour_grids_strips_and_films():
    from PIL import Image
    from genapp.studio import render
    x = torch.zeros(3, 3, 4, 4)
    x[0, 0], x[1, 1], x[2] = 1.0, 1.0, 0.5                               # red, green, grey
    grid = render.to_grid(x, scale=2, pad=1, columns=3)
    assert grid.mode == "RGB" and grid.size == (3 * 5 * 2 + 2, 5 * 2 + 2)
    assert grid.getpixel((2, 2)) == (255, 0, 0) and grid.getpixel((12, 2)) == (0, 255, 0)
    assert grid.getpixel((22, 2)) == (128, 128, 128) and grid.getpixel((0, 0)) == (40, 40, 40)
    grey = render.to_grid(x[:, :1], scale=1, pad=0)
    assert grey.mode == "L" and grey.getpixel((0, 0)) == 255                # one channel stays greyscale
    strip = render.captioned_strip(x, ["red", "green", "grey"], [0.95, 0.6, 0.2])
    assert strip.getpixel((6, 6)) == (255, 0, 0)
    frames = Image.open(__import__("io").BytesIO(render.film(x, scale=2)))
    assert frames.n_frames == 4 and frames.convert("RGB").getpixel((0, 0)) == (255, 0, 0)   # there and back
    assert render.row([grey, grid]).mode == "RGB"


def test_a_colour_vae_s_likelihood_is_a_distribution_over_the_256_values_of_each_channel():
    from genapp.models.vae import VAE, bits_per_dimension, discretized_logistic_log_likelihood
    values = torch.arange(256.0) / 255                                   # every value one channel can take
    for mean, log_scale in [(0.5, -3.0), (0.02, -5.0), (0.99, -1.0), (0.3, -7.0)]:
        p = discretized_logistic_log_likelihood(torch.full((256, 1), mean), torch.full((256, 1), log_scale),
                                                values[:, None]).exp()
        assert abs(p.sum().item() - 1) < 1e-4                            # the end bins take the tails
        if log_scale <= -3:                                              # a narrow one peaks at its mean
            assert p.argmax().item() == round(mean * 255)
    torch.manual_seed(0)
    vae = VAE(sample_shape=(3, 8, 8), latent_dim=4, num_classes=18, hidden=16, enc_channels=(4, 8),
              dec_channels=(8, 4), label_dim=4, label_factors=(9, 2), likelihood="logistic")
    x, y = (torch.randint(0, 256, (6, 3, 8, 8)) / 255).float(), torch.arange(6)
    loss, rec, kl = vae(x, y, generator=torch.Generator().manual_seed(1))
    assert loss.shape == (6,) and (rec > 0).all() and (kl >= 0).all()
    assert 0 < bits_per_dimension(rec.mean(), 3 * 8 * 8) < 12                # an untrained model: a few bits
    sample = vae.sample(5, torch.Generator().manual_seed(2), torch.arange(5))
    assert sample.shape == (5, 3, 8, 8) and 0 <= sample.min() and sample.max() <= 1


# every image feature, in colour, on the bundled emoji checkpoints

def _is_colour(picture) -> bool:
    channels = np.asarray(picture.convert("RGB")).reshape(-1, 3).astype(int)
    return picture.mode == "RGB" and (channels.max(1) - channels.min(1)).max() > 60


def _upload(rgb=(220, 40, 40)) -> bytes:
    """A photo-like upload: a red disc on a light grey 300 x 200 background with a transparent corner."""
    from PIL import Image, ImageDraw
    picture = Image.new("RGBA", (300, 200), (235, 235, 235, 255))
    ImageDraw.Draw(picture).ellipse((110, 40, 230, 160), fill=(*rgb, 255))
    picture.putpixel((0, 0), (0, 0, 0, 0))
    buffer = __import__("io").BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()


def test_an_uploaded_colour_picture_becomes_a_32_pixel_rgb_picture_on_white_and_a_blank_one_a_sentence():
    from genapp.studio import pictures
    from genapp.studio.checks import BadRequest
    x = pictures.to_model_input(_upload(), (3, 32, 32))
    assert x.shape == (1, 3, 32, 32) and x.min() >= 0 and x.max() <= 1
    middle, corner = x[0, :, 16, 16], x[0, :, 0, 0]
    assert middle[0] > 0.8 and middle[1] < 0.3 and middle[2] < 0.3             # the red disc in the middle
    assert corner.min() > 0.85                                                  # the light background kept light
    assert pictures.to_model_input(_upload(), (1, 28, 28)).shape == (1, 1, 28, 28)   # a grey checkpoint's input
    from PIL import Image
    with pytest.raises(BadRequest, match="blank"):
        pictures.to_model_input(Image.new("RGB", (64, 64), "white"), (3, 32, 32))


def test_a_group_names_the_classes_of_its_styles_and_an_unknown_label_lists_groups_and_styles():
    from genapp import studio
    from genapp.studio.checks import BadRequest, check_sample_label
    assert check_sample_label("animals-nature", "emoji") == (4, 5)
    assert check_sample_label("Noto", "emoji") == tuple(range(1, 18, 2))
    assert check_sample_label("flags openmoji", "emoji") == 16 and check_sample_label("any", "emoji") is None
    assert check_sample_label("piano", "notes") == tuple(range(37))             # a note's instrument, any pitch
    with pytest.raises(BadRequest, match="a group: smileys-emotion.*a style: openmoji, noto"):
        check_sample_label("H9", "emoji")
    assert studio.sample_choices("emoji")[:3] == ["any", "smileys-emotion", "people-body"]
    assert "flags noto" in studio.sample_choices("emoji") and studio.sample_choices("mnist") == studio.class_choices("mnist")


def test_the_command_line_writes_the_ui_s_rgb_png_of_a_group(tmp_path):
    from PIL import Image
    from genapp import studio
    out = tmp_path / "a.png"
    subprocess.run([sys.executable, "-m", "genapp", "generate", "gan-emoji", "--n", "16", "--seed", "7", "--label",
                    "animals-nature", "--out", str(out)], cwd=ROOT, check=True, capture_output=True)
    result = studio.compare_families("emoji", "gan", n=16, seed=7, label="animals-nature")[0]
    picture = Image.open(out)
    assert out.read_bytes() == result.png and _is_colour(picture)
    assert set(result.labels) <= {4, 5} and len(set(result.labels)) == 2          # the seed picks the style
    assert picture.info["label"] == "animals-nature openmoji | animals-nature noto"


def test_side_by_side_walks_points_and_bookmarks_are_in_colour():
    from genapp import studio
    results = studio.compare_families("emoji", "all", n=4, seed=3, label="food-drink noto")
    assert [r.checkpoint for r in results] == ["vae-emoji", "gan-emoji", "rbm-emoji"]
    assert all(_is_colour(r.image) for r in results)
    walk = studio.walk("gan-emoji", 0, 1, 6, False, "animals-nature noto", "food-drink noto")
    assert _is_colour(walk.strip) and len(walk.recognised) == 6
    point = studio.seed_point("vae-emoji", 3, "flags noto")
    assert studio.restore(studio.bookmark(point)).z == point.z
    assert _is_colour(studio.decode_point("vae-emoji", point.z, "flags noto").picture)


@pytest.mark.parametrize("family", ["vae", "gan", "rbm"])
def test_an_uploaded_picture_is_placed_in_each_family_s_latent_space_in_colour(family):
    from genapp import studio
    encoded = studio.encode_picture(f"{family}-emoji", _upload(), steps=30)
    assert _is_colour(encoded.seen) and encoded.reconstruction.mode == "RGB"


@needs_fonts
def test_collapse_nearest_duel_and_gibbs_work_on_colour_pictures():
    from genapp import studio
    coverage = studio.mode_collapse("gan-emoji", 0, 300)
    assert coverage.chart.mode == "RGB"
    from genapp.studio.copying import nearest_training
    copy = nearest_training("gan-emoji", 0, "any", 1)
    assert _is_colour(copy.picture) and "32 x 32 RGB pixels" in copy.measure
    duel = studio.inverse_duel("emoji", _upload())
    assert [e.checkpoint for e in duel] == ["vae-emoji", "gan-emoji", "rbm-emoji"] and all(_is_colour(e.seen) for e in duel)
    film = studio.gibbs_film("emoji", "animals-nature noto", 0, 20)
    assert film.checkpoint == "rbm-emoji" and _is_colour(film.strip)


def test_denoising_compression_and_inpainting_work_on_colour_pictures():
    from genapp.studio import compress, denoise, inpaint
    cleaned = denoise.denoise("emoji", "gaussian", 0.3, 0, "smileys-emotion noto")
    psnr = dict(cleaned.rows)
    assert _is_colour(cleaned.rbm) and _is_colour(cleaned.vae)
    # the gaussian RBM told the noise's variance cleans it: better than the noisy picture and than not told
    assert psnr[denoise.ROWS["rbm told"]] > psnr[denoise.ROWS["noisy"]]
    assert psnr[denoise.ROWS["rbm told"]] > psnr[denoise.ROWS["rbm"]] - 0.5
    squeezed = compress.compress("emoji", 0, "smileys-emotion noto")
    assert squeezed.latent_dim == hub.load("vae-emoji").latent_dim and _is_colour(squeezed.strip)
    png = squeezed.rows[0][2]
    assert png > 3 * 8 * 100 and all(bits < png for _, bits, *_ in squeezed.rows[:-1])   # an RGB PNG's bits
    filled = inpaint.inpaint("emoji", "bottom", 0, "smileys-emotion noto", sweeps=30)
    assert _is_colour(filled.rbm) and _is_colour(filled.vae) and filled.covered_pixels == 3 * 16 * 32
    errors = dict(filled.rows)
    # the emoji's background is white: left white, the covered half is far nearer than left black would be
    assert "left white (background)" in errors and errors["RBM fill (Gibbs, clamped)"] < errors["left grey (0.5)"]
    half = inpaint.known_mask("random", (2, 3, 32, 32), torch.Generator().manual_seed(0))
    assert torch.equal(half[:, 0], half[:, 2]) and 0.4 < half.float().mean() < 0.6    # a pixel's channels alike
    from PIL import Image
    paint = Image.new("RGBA", (320, 320), (0, 0, 0, 0))
    paint.paste((255, 0, 0, 255), (0, 0, 160, 320))                                 # the left half painted
    canvas = inpaint.canvas_picture("emoji", 0, "smileys-emotion noto")
    painted = inpaint.inpaint("emoji", "painted", 0, "smileys-emotion noto", sweeps=10, paint=paint)
    assert canvas.size == (256, 256) and painted.covered_pixels == 3 * 32 * 16       # 8 px a pixel


def test_the_same_emoji_in_the_other_style_keeps_each_sample_s_group_and_latent_point():
    from genapp import studio
    from genapp.studio.checks import BadRequest
    from genapp.studio.samples import swapped
    labels = torch.tensor([0, 1, 4, 5, 17])
    assert swapped(labels, DATASETS["emoji"].factors, "style").tolist() == [1, 0, 5, 4, 16]
    assert swapped(labels, DATASETS["emoji"].factors, "group").tolist() == [2, 3, 6, 7, 1]
    drawn = studio.compare_families("emoji", "gan", n=6, seed=3, label="any")[0]
    both = studio.restyle("emoji", "gan", n=6, seed=3, label="any")[0]
    assert both.labels == [c ^ 1 for c in drawn.labels]                       # style swapped, group kept
    left = both.image.crop((0, 0, *drawn.image.size))
    assert left.tobytes() == drawn.image.tobytes()                            # beside the grid Generate draws
    assert both.image.width > 2 * drawn.image.width - 20
    # the same latent points: a GAN sample and its restyled twin decode the same z
    from genapp import hub
    g = hub.load("gan-emoji")
    z = g.draw_latent(1, torch.Generator().manual_seed(0))
    a, b = g.decode(z, torch.tensor([4])), g.decode(z, torch.tensor([5]))
    assert (a - b).abs().mean() > 0.02                                        # the style label matters
    assert studio.can_restyle("emoji") and not studio.can_restyle("mnist")
    with pytest.raises(BadRequest, match="no drawing style"):
        studio.restyle("mnist", "gan")
