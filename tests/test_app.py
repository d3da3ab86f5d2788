"""The app launched for real (python app.py) and driven through gradio_client, as the API's users do."""
from pathlib import Path

import pytest
from gradio_client import handle_file

from genapp import hub, studio
from genapp.studio.render import png_text, wav_metadata
from conftest import ROOT


def test_generate_image_returns_a_gallery_and_a_png_with_provenance(client):
    gallery, png_path = client.predict("mnist", "all", "3", 9, 77, 20, api_name="/generate_image")
    assert len(gallery) == 3
    assert [item["caption"].split(" ·")[0] for item in gallery] == ["VAE", "GAN", "RBM"]
    text = png_text(open(png_path, "rb").read())
    assert text["checkpoint"] == "vae-mnist,gan-mnist,rbm-mnist" and text["seed"] == "77"
    assert text["label"] == "3"


def test_same_request_same_bytes_through_http(client):
    a = client.predict("fashion", "gan", "Sneaker", 16, 5, 200, api_name="/generate_image")[1]
    b = client.predict("fashion", "gan", "Sneaker", 16, 5, 200, api_name="/generate_image")[1]
    assert open(a, "rb").read() == open(b, "rb").read()


@pytest.mark.parametrize("args, words", [
    (("mnist", "vae", "any", 0, 1, 10), "from 1 to 64"),
    (("mnist", "vae", "any", "abc", 1, 10), "not a number"),
    (("mnist", "vae", "any", 10_000, 1, 10), "from 1 to 64"),
    (("mnist", "vae", "dog", 4, 1, 10), "Pick a class"),
    (("mnist", "rbm", "any", 4, 2**64, 10), "seed"),
    (("mnist", "rbm", "any", 4, 1, 10**9), "Gibbs steps"),
    (("cifar", "vae", "any", 4, 1, 10), "Pick a data set"),
    (("mnist", "diffusion", "any", 4, 1, 10), "Pick a family"),
])
def test_bad_request_gets_a_sentence_then_a_good_one_succeeds(client, args, words):
    with pytest.raises(Exception, match=words):
        client.predict(*args, api_name="/generate_image")
    gallery, _ = client.predict("mnist", "vae", "any", 4, 1, 10, api_name="/generate_image")
    assert len(gallery) == 1


def test_class_menu_follows_the_data_set(client):
    menu = client.predict("fashion", "any", api_name="/image_classes")
    assert menu is not None


def test_generate_audio_plays_each_family_and_downloads_a_zip_with_provenance(client):
    import zipfile

    import soundfile as sf

    from genapp.data import audio
    *slots, download = client.predict("all", "7", 2, 3, 20, api_name="/generate_audio")
    players, spectrograms = slots[0::2], slots[1::2]
    for path in players:                          # three players, each two 1-s clips and a gap
        pcm, rate = sf.read(path, dtype="int16")
        assert rate == audio.FSDD.sample_rate and len(pcm) == 2 * audio.FSDD.clip_samples + int(0.25 * audio.FSDD.sample_rate)
    assert all(Path(p).is_file() for p in spectrograms)
    with zipfile.ZipFile(download) as z:
        assert sorted(z.namelist()) == ["gan-fsdd.wav", "rbm-fsdd.wav", "vae-fsdd.wav"]
        meta = wav_metadata(z.read("rbm-fsdd.wav"))
    assert meta["seed"] == "3" and meta["labels"] == "7 7" and meta["gibbs_steps"] == "20"
    with pytest.raises(Exception, match="from 1 to 8"):
        client.predict("gan", "7", 9, 0, 20, api_name="/generate_audio")
    *_, single = client.predict("gan", "7", 1, 0, 20, api_name="/generate_audio")
    assert wav_metadata(Path(single).read_bytes())["checkpoint"] == "gan-fsdd"


def test_generate_text_lists_each_familys_names_marked_and_downloads_them(client):
    *slots, download = client.predict("all", 8, 4, 1.0, 30, api_name="/generate_text")
    for slot in slots:
        names = [(entry["token"], entry["class_or_confidence"]) for entry in slot["value"]]
        assert len(names) == 8
        assert {mark for _, mark in names} <= {"new", "in the training data"}
    listing = Path(download).read_text()
    assert "# vae-names, seed 4" in listing and "# rbm-names, seed 4" in listing
    with pytest.raises(Exception, match="from 0.1 to 2.0"):
        client.predict("vae", 8, 4, 9.0, 30, api_name="/generate_text")
    *_, again = client.predict("all", 8, 4, 1.0, 30, api_name="/generate_text")
    assert Path(again).read_text() == listing


def test_generate_text_writes_shakespeare_lines_from_each_family(client):
    vae, gan, rbm, download = client.predict("all", 5, 3, 1.0, 30, "lines", api_name="/generate_text")
    lines = [entry["token"] for entry in vae["value"]]
    assert len(lines) == 5 and all(len(line) <= 63 for line in lines)
    assert sum(" " in line for line in lines) >= 4                    # words, not names
    assert len(gan["value"]) == 5 and len(rbm["value"]) == 5
    listing = Path(download).read_text()
    assert all(f"# {f}-lines, seed 3" in listing for f in ("vae", "gan", "rbm")) and lines[0] in listing
    with pytest.raises(Exception, match="Pick a text data set"):
        client.predict("vae", 5, 3, 1.0, 30, "poems", api_name="/generate_text")


def test_reply_endpoint_lists_five_scored_replies(client):
    table, caption = client.predict("When will he be here?", 5, 1, api_name="/reply")
    rows = table["data"]
    assert len(rows) == 5 and all(row[2] in ("new", "seen") for row in rows)
    assert [row[0] for row in rows] == [r or "(ends at once)" for r in studio.reply("When will he be here?", 5, 1).replies]
    assert "distinct** of 5 replies" in caption
    with pytest.raises(Exception, match="Type a line to reply to"):
        client.predict("", 5, 1, api_name="/reply")


def test_interpolate_endpoint_returns_the_strip_the_film_and_downloads(client):
    strip, film, summary, png, gif, sound, *_ = client.predict("vae-mnist", 1, 2, "3", "8", 8, True,
                                                               api_name="/interpolate")
    assert sound is None                          # pictures have no sound
    assert Path(strip).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and Path(film).read_bytes()[:6] == b"GIF89a"
    assert "8 steps" in summary and "3" in summary
    assert Path(gif).read_bytes() == Path(film).read_bytes()
    with pytest.raises(Exception, match="from 2 to 32"):
        client.predict("vae-mnist", 1, 2, "3", "8", 64, True, api_name="/interpolate")


def test_every_picture_the_app_draws_is_sent_as_lossless_png(client):
    # (films are GIF files, shown as they are)
    shown = [c for c in client.config["components"]
             if c["type"] in ("image", "gallery") and c["props"].get("type") != "filepath"]
    assert len(shown) > 30
    assert {c["props"].get("format") for c in shown} == {"png"}, \
        [c["props"].get("label") for c in shown if c["props"].get("format") != "png"]


def test_latent_point_and_map_endpoints(client):
    import json
    picture, sound, note, saved, *sliders = client.predict("vae-mnist", 3, "7", api_name="/seed_point")
    z = json.loads(Path(saved).read_text())["latent"]
    assert Path(picture).is_file() and "Decoded in" in note and len(z) == hub.load("vae-mnist").latent_dim
    assert [s["value"] for s in sliders] == z[:8]
    checkpoint, label, _, _, note, _, *restored = client.predict(handle_file(saved), api_name="/restore_bookmark")
    assert (checkpoint["value"], label["value"]) == ("vae-mnist", "7") and "Restored" in note
    assert [s["value"] for s in restored] == z[:8]
    scatter, manifold, caption = client.predict("vae2d-fashion", api_name="/latent_map")
    assert Path(scatter).is_file() and "2,000 test images" in caption
    assert Path(client.predict("vae2d-mnist", 0.5, -0.5, api_name="/decode_map_point")).is_file()
    with pytest.raises(Exception, match="from -6 to 6"):
        client.predict("vae2d-mnist", 9.0, 0.0, api_name="/decode_map_point")


def test_encode_picture_endpoint_inverts_the_gan_and_refuses_a_blank_drawing(client, tmp_path):
    from PIL import Image
    blank = tmp_path / "blank.png"
    Image.new("RGB", (200, 200), "white").save(blank)
    with pytest.raises(Exception, match="blank"):
        client.predict("gan-mnist", "any", None, handle_file(str(blank)), api_name="/encode_picture")
    digit = tmp_path / "digit.png"
    Image.new("RGB", (200, 200), "white").save(digit)
    from PIL import ImageDraw
    img = Image.open(digit); ImageDraw.Draw(img).line([(40, 40), (160, 40), (80, 170)], fill="black", width=18)
    img.save(digit)
    seen, rebuilt, found = client.predict("gan-mnist", "7", None, handle_file(str(digit)), api_name="/encode_picture")
    assert Path(seen).is_file() and Path(rebuilt).is_file() and "inversion" in found and "VAE" in found


def test_a_sound_walk_plays_and_a_recording_is_placed_in_latent_space(client, tmp_path):
    import numpy as np
    import soundfile as sf
    strip, film, summary, png, gif, sound, step, step_sound = client.predict(
        "gan-fsdd", 1, 2, "3", "8", 4, True, api_name="/interpolate")
    pcm, rate = sf.read(sound, dtype="int16")
    assert rate == 8000 and len(pcm) == 4 * 8000 + 3 * 800 and Path(step_sound).is_file()
    take = tmp_path / "seven.wav"
    data, rate = sf.read(ROOT.parent / "shared/data/fsdd/recordings/7_jackson_0.wav", dtype="float32")
    sf.write(take, np.stack([data, data], 1), rate)                      # stereo: averaged on the way in
    seen, heard, rebuilt, rebuilt_sound, found = client.predict("vae-fsdd", "any", handle_file(str(take)),
                                                                api_name="/encode_recording")
    assert "class 7" in found and Path(heard).is_file()
    silent = tmp_path / "silent.wav"
    sf.write(silent, np.zeros(8000, np.float32), 8000)
    with pytest.raises(Exception, match="silent"):
        client.predict("vae-fsdd", "any", handle_file(str(silent)), api_name="/encode_recording")


def test_walk_names_endpoint_lists_the_names_and_refuses_what_it_cannot_spell(client):
    table, summary, listing = client.predict("gan-names", "emma", 1, "oliver", 2, 5, True, api_name="/walk_names")
    names = [row[1] for row in table["data"]]
    assert names[0] == "emma" and names[-1] == "oliver" and Path(listing).read_text().split() == names
    with pytest.raises(Exception, match="outside the vocabulary"):
        client.predict("rbm-names", "zoë", 1, "", 2, 5, True, api_name="/walk_names")


def test_a_names_point_by_hand_through_http(client):
    picture, sound, note, saved, *sliders = client.predict("gan-names", 4, "", api_name="/seed_point")
    assert picture is None and sound is None and note.startswith("**")


def test_walk_from_one_uploaded_picture_to_another(client, tmp_path):
    from PIL import Image, ImageDraw
    paths = []
    for name, line in [("seven.png", [(40, 40), (160, 40), (80, 170)]), ("one.png", [(100, 30), (100, 170)])]:
        img = Image.new("RGB", (200, 200), "white")
        ImageDraw.Draw(img).line(line, fill="black", width=18)
        img.save(tmp_path / name)
        paths.append(handle_file(str(tmp_path / name)))
    seen, rebuilt, found, strip, film = client.predict("vae-mnist", "7", None, paths[0], 0, "1", 5, True, paths[1],
                                                       api_name="/walk_from_picture")
    assert Path(strip).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and Path(film).read_bytes()[:6] == b"GIF89a"


def test_limits_endpoints_race_three_families_and_measure_costs(client, tmp_path):
    from PIL import Image, ImageDraw
    img = Image.new("RGB", (200, 200), "white")
    ImageDraw.Draw(img).line([(100, 30), (100, 170)], fill="black", width=18)
    img.save(tmp_path / "one.png")
    seen, vae, gan, rbm, table, curve = client.predict("mnist", "any", None, handle_file(str(tmp_path / "one.png")),
                                                       api_name="/inverse_duel")
    assert [row[0] for row in table["data"]] == ["vae-mnist", "gan-mnist", "rbm-mnist"]
    costs, ms_bars, flop_bars = client.predict(api_name="/compute_costs")
    assert "rbm-fsdd" in [row[0] for row in costs["data"]]
    assert all(row[0] in str(ms_bars) for row in costs["data"])         # a bar per checkpoint


def test_gibbs_chain_endpoint(client):
    strip, film, caption = client.predict("mnist", "3", 0, 50, 1.0, api_name="/gibbs_chain")
    assert Path(film).read_bytes()[:6] == b"GIF89a" and "of 50 sweeps shown" in caption
    with pytest.raises(Exception, match="from 0.5 to 2.0"):
        client.predict("mnist", "3", 0, 50, 9.0, api_name="/gibbs_chain")


def test_rbm_quality_endpoint(client):
    plot, table = client.predict("rbm-mnist", api_name="/rbm_quality_by_steps")
    assert [row[0] for row in table["data"]][:3] == [1, 2, 5]


def test_mode_collapse_through_the_app_counts_classes_and_refuses_unknown_checkpoints(client):
    chart, grid, chart2, grid2, table = client.predict("gan-mnist-collapsed", "gan-mnist", 0, api_name="/mode_collapse")
    rows = {row[0]: row[1] for row in table["data"]}
    assert int(rows["gan-mnist-collapsed"].split()[0]) <= 4 and rows["gan-mnist"] == "10 of 10"
    assert all(Path(p).stat().st_size > 0 for p in (chart, grid, chart2, grid2))
    with pytest.raises(Exception, match="Pick one of"):
        client.predict("gan-nope", "gan-mnist", 0, api_name="/mode_collapse")


def test_a_toy_run_streams_frames_through_the_app_and_bad_settings_get_a_sentence(client):
    job = client.submit("gan", "ring", 0.001, 200, 0, 50, "", None, api_name="/toy_start")
    frames = job.result() and job.outputs()
    assert len(frames) >= 4                                  # one frame per 50 steps, streamed
    picture, curve, caption = frames[-1]                    # the run id stays in the session's state
    assert "200" in caption and Path(picture).stat().st_size > 0
    with pytest.raises(Exception, match="[Ll]earning rate must be from"):
        client.predict("gan", "ring", 5.0, 200, 0, 50, "", None, api_name="/toy_start")


def test_nearest_training_example_through_the_app(client):
    *_, verdict = client.predict("gan-mnist", 0, "any", 1, 16, api_name="/nearest_training")
    assert "training" in verdict
    with pytest.raises(Exception, match="seed"):
        client.predict("gan-mnist", -3, "any", 1, 16, api_name="/nearest_training")
