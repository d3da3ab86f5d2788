"""Walks in latent space: the path maths, the studio's walk on bundled checkpoints, its refusals, the CLI."""
import io
import subprocess
import sys

import pytest
import torch
from PIL import Image

from genapp import hub, studio
from genapp.studio.render import png_text, wav_metadata
from genapp.models.latent import path, slerp
from genapp.models.rbm import RBM

from conftest import ROOT


def test_paths_run_from_end_to_end_and_slerp_keeps_the_norm():
    a, b = torch.tensor([3.0, 0.0]), torch.tensor([0.0, 3.0])
    for spherical in (False, True):
        p = path(a, b, 5, spherical)
        assert p.shape == (5, 2) and torch.allclose(p[0], a) and torch.allclose(p[-1], b, atol=1e-6)
    assert torch.allclose(path(a, b, 3)[1], torch.tensor([1.5, 1.5]))          # the straight line dips
    assert torch.allclose(path(a, b, 7, True).norm(dim=1), torch.full((7,), 3.0), atol=1e-5)
    assert torch.allclose(slerp(a, b, torch.tensor([[0.5]]))[0], torch.tensor([3.0, 3.0]) / 2 ** 0.5, atol=1e-5)


def test_rbm_decode_of_encode_is_its_reconstruction():
    model = RBM(sample_shape=(1, 4, 4), num_hidden=6, num_classes=3)
    x, y = torch.rand(5, 1, 4, 4), torch.tensor([0, 1, 2, 0, 1])
    assert torch.allclose(model.decode(model.encode(x, y)), model.reconstruct(x, y))
    soft = torch.nn.functional.one_hot(y, 3).float()                          # class weights = the labels
    assert torch.allclose(model.encode(x, soft), model.encode(x, y))


@pytest.mark.parametrize("name", ["vae-mnist", "gan-mnist", "rbm-mnist"])
def test_walk_same_arguments_same_bytes_and_a_verdict_per_step(name):
    a = studio.walk(name, 1, 2, 6, True, "3", "8")
    b = studio.walk(name, 1, 2, 6, True, "3", "8")
    assert a.gif == b.gif and a.png == b.png
    assert len(a.recognised) == len(a.confidence) == 6 and all(0 <= p <= 1 for p in a.confidence)
    gif = Image.open(io.BytesIO(a.gif))
    assert gif.n_frames == 2 * 6 - 2                                            # there and back
    meta = png_text(a.png)
    assert meta["checkpoint"] == name and meta["from_label"] == "3" and meta["to_label"] == "8"
    assert a.gif != studio.walk(name, 1, 3, 6, True, "3", "8").gif


def test_a_walk_between_classes_starts_in_one_and_ends_in_the_other():
    r = studio.walk("gan-mnist", 1, 2, 8, True, "3", "8")
    assert r.recognised[0] == "3" and r.recognised[-1] == "8"
    fixed = studio.walk("gan-mnist", 1, 2, 8, True, "5", "5")
    assert set(fixed.recognised) == {"5"}


@pytest.mark.parametrize("kwargs, words", [
    (dict(steps=1), "from 2 to 32"), (dict(steps=33), "from 2 to 32"), (dict(steps="many"), "not a number"),
    (dict(spherical="yes"), "true or false"), (dict(from_seed=-1), "out of range"),
    (dict(to_label="giraffe"), "Pick a class"),
])
def test_bad_walks_get_a_sentence(kwargs, words):
    with pytest.raises(studio.BadRequest, match=words):
        studio.walk("vae-mnist", **kwargs)
    with pytest.raises(studio.BadRequest, match=words):
        studio.check_walk("vae-mnist", **kwargs)


def test_text_checkpoints_do_not_walk_yet_and_unknown_names_are_refused():
    with pytest.raises(studio.BadRequest, match="does not walk yet"):
        studio.walk("vae-names")
    with pytest.raises(studio.BadRequest, match="no checkpoint named"):
        studio.walk("vae-nothing")


def test_cli_interpolate_writes_the_film_the_tab_shows(tmp_path):
    out = tmp_path / "walk.gif"
    run = subprocess.run([sys.executable, "-m", "genapp", "interpolate", "vae-mnist", "--from", "1", "--to", "2",
                          "--steps", "8", "--slerp", "--out", str(out)], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    assert out.read_bytes() == studio.walk("vae-mnist", 1, 2, 8, True).gif


def test_a_seed_point_decodes_and_its_bookmark_restores_the_same_picture():
    point = studio.seed_point("vae-mnist", 3, "7")
    assert len(point.z) == hub.load("vae-mnist").latent_dim and point.label == "7" and point.seed == 3
    picture = studio.decode_point(point.checkpoint, point.z, point.label).picture
    restored = studio.restore(studio.bookmark(point))
    assert restored == point
    again = studio.decode_point(restored.checkpoint, restored.z, restored.label).picture
    assert again.tobytes() == picture.tobytes()
    moved = studio.decode_point("vae-mnist", [3.0] + point.z[1:], "7").picture
    assert moved.tobytes() != picture.tobytes()


@pytest.mark.parametrize("edit, words", [
    (lambda b: b"not json at all", "not JSON"),
    (lambda b: b'{"checkpoint": "vae-mnist"}', "not a genapp bookmark"),
    (lambda b: b.replace(b'"vae-mnist"', b'"gan-mnist"'), "other weights"),
    (lambda b: b.replace(b'"vae-mnist"', b'"rbm-mnist"'), "no Gaussian latent"),
    (lambda b: b.replace(b'"vae-mnist"', b'"../../etc"'), "not a checkpoint name"),
    (lambda b: b.replace(b'"label": "7"', b'"label": "seven"'), "Pick a class"),
    (lambda b: b.replace(b'"latent": [', b'"latent": [1e9, '), "out of range|list of 32"),
    (lambda b: b + b" " * 100_000, "small JSON"),
])
def test_a_bad_or_edited_bookmark_is_refused_with_a_reason(edit, words):
    data = studio.bookmark(studio.seed_point("vae-mnist", 3, "7"))
    with pytest.raises(studio.BadRequest, match=words):
        studio.restore(edit(data))


def test_slider_values_out_of_range_are_refused():
    with pytest.raises(studio.BadRequest, match="from -6 to 6"):
        studio.decode_point("gan-mnist", [7.0] * 64, "3")
    with pytest.raises(studio.BadRequest, match="list of 64"):
        studio.decode_point("gan-mnist", [0.0] * 8, "3")
    with pytest.raises(studio.BadRequest, match="Pick a class for the point"):
        studio.decode_point("gan-mnist", [0.0] * 64, "any")


def test_the_2d_map_shows_the_test_codes_and_a_click_decodes_that_point():
    assert studio.map_checkpoints()[0] == "vae2d-mnist"
    m = studio.latent_map("vae2d-mnist")
    assert m.points == 2000 and m.manifold.size == (15 * 28, 15 * 28)
    centre = studio.pixel_to_latent(studio.latent_map_module.MAP_SIZE / 2, studio.latent_map_module.MAP_SIZE / 2)
    assert centre == (0.0, 0.0)
    a = studio.decode_map_point("vae2d-mnist", 1.0, -1.0)
    assert a.tobytes() == studio.decode_map_point("vae2d-mnist", 1.0, -1.0).tobytes()
    assert a.tobytes() != studio.decode_map_point("vae2d-mnist", -1.0, 1.0).tobytes()
    with pytest.raises(studio.BadRequest, match="Click inside the map"):
        studio.pixel_to_latent(-5, 10)
    with pytest.raises(studio.BadRequest, match="2-D latent checkpoint"):
        studio.latent_map("vae-mnist")


def _drawing(digit=7):
    """A test digit as a person would draw it: dark ink on a white 280 x 280 canvas, with alpha."""
    from genapp.data.image import DATASETS, load_arrays
    import numpy as np
    images, labels = load_arrays("mnist", DATASETS["mnist"].default_dir, "test")
    ink = np.kron(images[list(labels).index(digit)], np.ones((10, 10), np.uint8))
    rgba = np.zeros((280, 280, 4), np.uint8)
    rgba[..., 3] = ink                                                     # black strokes, transparent paper
    return rgba


@pytest.mark.parametrize("name", ["vae-mnist", "gan-mnist", "rbm-mnist"])
def test_a_drawing_is_placed_in_latent_space_and_rebuilt(name):
    calls = []
    e = studio.encode_picture(name, _drawing(7), "any", progress=lambda done, total: calls.append((done, total)))
    assert e.label == 7 and e.error < 0.05 and e.seen.size == (224, 224)
    if name.startswith("gan-"):
        assert calls[-1] == (200, 200) and len(calls) == 200 and e.vae_error is not None
        assert e.error < e.vae_error            # optimisation fits one picture closer than one encoder pass
    again = studio.encode_picture(name, _drawing(7), "7")
    assert torch.equal(again.z, e.z)


def test_uploaded_files_of_any_format_give_the_same_input_and_bad_ones_a_sentence():
    import numpy as np
    from genapp.studio.pictures import to_model_input
    rgba = _drawing(3)
    white = Image.new("RGBA", (280, 280), "white")
    picture = Image.alpha_composite(white, Image.fromarray(rgba)).convert("RGB")
    for fmt in ("PNG", "JPEG", "WEBP"):
        buffer = io.BytesIO()
        picture.save(buffer, format=fmt, quality=95)
        x = to_model_input(buffer.getvalue())
        assert x.shape == (1, 1, 28, 28) and (x - to_model_input(rgba)).abs().mean() < 0.03
    with pytest.raises(studio.BadRequest, match="blank"):
        to_model_input(np.full((100, 100, 3), 255, np.uint8))
    with pytest.raises(studio.BadRequest, match="not a picture"):
        to_model_input(b"%PDF-1.4 not an image")
    with pytest.raises(studio.BadRequest, match="up to 10 MB"):
        to_model_input(b"\x89PNG" + bytes(11_000_000))
    with pytest.raises(studio.BadRequest, match="Draw a digit"):
        to_model_input(None)


def test_walk_from_a_drawing_to_a_seed():
    encoded, r = studio.walk_from_picture("gan-mnist", _drawing(7), "any", 2, "8", 6)
    assert r.recognised[0] == "7" and r.recognised[-1] == "8"
    assert png_text(r.png)["from_picture_sha256"] == encoded.fingerprint


def test_cli_interpolate_from_a_picture_file(tmp_path):
    picture = tmp_path / "seven.png"
    Image.fromarray(_drawing(7)).save(picture)
    out = tmp_path / "walk.gif"
    run = subprocess.run([sys.executable, "-m", "genapp", "interpolate", "vae-mnist", "--from", str(picture),
                          "--to", "2", "--steps", "6", "--out", str(out)], cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "reconstruction error" in run.stdout and out.read_bytes()[:6] == b"GIF89a"
    bad = subprocess.run([sys.executable, "-m", "genapp", "interpolate", "vae-mnist", "--from", str(tmp_path / "no.png"),
                          "--to", "2", "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert bad.returncode != 0 and "cannot read" in bad.stderr
    three = tmp_path / "three.png"
    Image.fromarray(_drawing(3)).save(three)
    both = subprocess.run([sys.executable, "-m", "genapp", "interpolate", "gan-mnist", "--from", str(picture),
                           "--to", str(three), "--steps", "5", "--out", str(out)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert both.returncode == 0, both.stderr
    assert "7 -> " in both.stdout and both.stdout.rstrip().endswith("3")


def test_a_sound_walk_gives_one_wav_a_clip_per_step_and_the_same_bytes_again():
    from genapp.data import audio
    r = studio.walk("vae-fsdd", 1, 2, 5, True, "3", "8")
    assert r.sample_rate == audio.FSDD.sample_rate and len(r.clips) == 5
    assert len(r.pcm) == 5 * audio.FSDD.clip_samples + 4 * int(0.1 * audio.FSDD.sample_rate)
    assert r.wav == studio.walk("vae-fsdd", 1, 2, 5, True, "3", "8").wav
    assert wav_metadata(r.wav)["checkpoint"] == "vae-fsdd"
    assert r.recognised[0] == "3" and r.recognised[-1] == "8"


def test_a_recording_at_any_rate_and_channel_count_lands_like_the_training_clip():
    import numpy as np
    import soundfile as sf
    from genapp.data import DATASETS
    from genapp.studio.clips import resample
    to_model_input = lambda clip: studio.clips.to_model_input(clip, DATASETS["fsdd"].sound)
    data, rate = sf.read(f"{DATASETS['fsdd'].default_dir}/7_jackson_0.wav", dtype="float32")
    up = resample(data.astype(np.float64), rate, 44100)
    take = np.concatenate([np.zeros(20000), up, np.zeros(30000)])
    buffer = io.BytesIO()
    sf.write(buffer, np.stack([take, take], 1), 44100, format="FLAC")
    x = to_model_input(buffer.getvalue())
    assert x.shape == (1, 1, 64, 64)
    assert (x - to_model_input((rate, (data * 32767).astype(np.int16)))).abs().mean() < 0.05
    for name in ("vae-fsdd", "gan-fsdd", "rbm-fsdd"):
        assert studio.encode_picture(name, buffer.getvalue()).label == 7
    for bad, words in [(b"RIFF....WAVEjunk", "not a sound"), ((8000, np.zeros(8000, np.int16)), "silent"),
                       ((8000, np.ones(8000 * 31, np.int16)), "longest taken is 30 s"), ((7, np.ones(10)), "sample rate"),
                       (None, "Record a clip")]:
        with pytest.raises(studio.BadRequest, match=words):
            to_model_input(bad)


@pytest.mark.parametrize("name", ["gan-names", "rbm-names"])
def test_a_names_walk_starts_and_ends_at_the_typed_names(name):
    w = studio.walk_names(name, 1, 2, 6, True, "emma", "Oliver")
    assert w.names[0] == "emma" and len(w.names) == 6
    # the GAN's inversion spells the name back exactly; the RBM's one up-down pass nearly ("aliver")
    assert sum(a != b for a, b in zip(w.names[-1], "oliver")) <= (0 if name == "gan-names" else 1)
    assert w.seen[0] and w.nats_per_char[0] < 3
    assert w.names == studio.walk_names(name, 1, 2, 6, True, "emma", "Oliver").names


def test_a_names_walk_from_seeds_and_the_vaes_collapsed_code():
    w = studio.walk_names("vae-names", 1, 2, 5, False)
    assert len(w.names) == 5 and all(set(n) <= set("abcdefghijklmnopqrstuvwxyz") for n in w.names)
    assert w.text == "".join(n + "\n" for n in w.names)


@pytest.mark.parametrize("typed, words", [("x" * 100_000, "at most 15 letters"), ("jo-ann", "outside the vocabulary"),
                                          ("   ", "at least one letter"), (42, "Type a name")])
def test_typed_names_the_vocabulary_cannot_spell_get_a_sentence(typed, words):
    with pytest.raises(studio.BadRequest, match=words):
        studio.walk_names("rbm-names", 1, 2, 5, True, typed, "")


def test_cli_interpolate_names_and_sound(tmp_path):
    out = tmp_path / "names.txt"
    run = subprocess.run([sys.executable, "-m", "genapp", "interpolate", "gan-names", "--from", "emma", "--to", "oliver",
                          "--steps", "5", "--slerp", "--out", str(out)], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    assert out.read_text() == studio.walk_names("gan-names", 0, 0, 5, True, "emma", "oliver").text
    wav = tmp_path / "walk.wav"
    run = subprocess.run([sys.executable, "-m", "genapp", "interpolate", "vae-fsdd", "--from", "1", "--to", "2",
                          "--steps", "4", "--out", str(wav)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert wav.read_bytes() == studio.walk("vae-fsdd", 1, 2, 4, False).wav



@pytest.mark.parametrize("name, label", [("gan-fsdd", "4"), ("vae-names", ""), ("gan-names", "")])
def test_sound_and_text_points_decode_and_their_bookmarks_restore(name, label):
    point = studio.seed_point(name, 5, label or "any")
    view = studio.decode_point(name, point.z, point.label)
    if name.endswith("-fsdd"):
        assert view.sound[0] == 8000 and len(view.sound[1]) == 8000 and view.picture is not None
    else:
        assert view.picture is None and set(view.name) <= set("abcdefghijklmnopqrstuvwxyz")
    restored = studio.restore(studio.bookmark(point))
    assert restored == point
    again = studio.decode_point(name, restored.z, restored.label)
    assert (again.name, again.sound is None or again.sound[1].tobytes()) == (view.name, view.sound is None or view.sound[1].tobytes())


def test_a_walk_from_one_drawing_to_another():
    encoded, r = studio.walk_from_picture("gan-mnist", _drawing(7), "any", 0, "any", 6, True, to_picture=_drawing(3))
    assert r.recognised[0] == "7" and r.recognised[-1] == "3"
    assert "to_picture_sha256" in png_text(r.png)
    with pytest.raises(studio.BadRequest, match="blank"):
        import numpy as np
        studio.walk_from_picture("gan-mnist", _drawing(7), to_picture=np.full((40, 40), 255, np.uint8))


def test_a_model_first_loaded_inside_inference_mode_can_still_be_inverted():
    from genapp import hub
    hub.load.cache_clear()
    with torch.inference_mode():                      # e.g. the Text tab's first request loads gan-names
        studio.generate_names("gan-names", 3, 0)
    assert studio.walk_names("gan-names", 0, 0, 3, True, "emma", "oliver").names[0] == "emma"
