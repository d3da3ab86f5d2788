"""Values the UI never sends, sent to the launched app (python app.py) through gradio_client: every
named endpoint answers each with a sentence a person can act on (not a traceback, not a bare
'Error'), and the next good call, from another client, still succeeds. Then the app's surface: no
file outside its folders is served, uploads over 10 MB are refused, nothing in genapp/ unpickles,
and checkpoint names and Hub repo ids are checked against a pattern."""
import ast
import io
import json
import math
import re
import urllib.error
import urllib.request
import uuid

import numpy as np
import pytest
import soundfile as sf
from gradio_client import handle_file
from PIL import Image, ImageDraw

from conftest import ROOT
from genapp import hub
from genapp.bench import loopback_client

NAN, INF = float("nan"), float("inf")
BIG = 10**12
ESCAPES = ("../../etc/passwd", "gan-mnist/../x")

# words of the answers: the app's own sentences (ui/common.py words a menu's own refusal)
CHOICES = r"must be one of '.*'; .* is not\."
CHECKPOINT = "not a checkpoint name|" + CHOICES
SEED = r"seed must be (a whole number )?from 0|seed .*must be (a number )?\(?0 or more"
NOT_A_NUMBER = "is not a number|must be a number"
CLASS = "Pick a class|" + CHOICES
PICTURE = "not a picture Pillow can read"
SOUND = "not a sound soundfile can read"
TOO_BIG = "exceeds the maximum file size"

# endpoint -> (a good call's arguments, cheap, by name; [(bad overrides, words of the answer), ...]);
# "{name}" in a value stands for handle_file(name), one of the files _write_files makes
TABLE = {
    "/generate_image": (dict(dataset="mnist", family="vae", label="any", n=1, seed=0, steps=1), [
        (dict(n=-1), "number of images must be from 1 to 64"),
        (dict(n=0), "from 1 to 64"),
        (dict(n=BIG), "from 1 to 64"),
        (dict(n=NAN), "number of images must be a whole number"),
        (dict(n="many"), NOT_A_NUMBER),
        (dict(n=[1]), NOT_A_NUMBER),
        (dict(n=None), NOT_A_NUMBER),
        (dict(n=2.5), "whole number"),
        (dict(seed=-5), SEED),
        (dict(seed=2**70), "seed must be from 0"),
        (dict(seed=INF), SEED),
        (dict(seed="ten"), NOT_A_NUMBER),
        (dict(steps=0), "Gibbs steps must be from 1"),
        (dict(steps=NAN), "Gibbs steps"),
        (dict(dataset=ESCAPES[0]), "Pick a data set"),
        (dict(dataset="x" * 100_000), "Pick a data set"),
        (dict(n="9" * 100_000), NOT_A_NUMBER + "|from 1 to 64"),
        (dict(family=7), "Pick a family"),
        (dict(label=3.5), CLASS),
    ]),
    "/generate_image_other_style": (dict(dataset="emoji", family="gan", label="any", n=1, seed=0, steps=1), [
        (dict(dataset="mnist"), "MNIST digits has no drawing style to swap"),
        (dict(dataset=ESCAPES[0]), "Pick a data set"),
        (dict(n=BIG), "from 1 to 64"),
        (dict(seed=-5), SEED),
        (dict(label="H9"), "a group: smileys-emotion"),
        (dict(family=7), "Pick a family"),
    ]),
    "/image_classes": (dict(dataset="mnist", current="any"), [
        (dict(dataset=ESCAPES[0]), "Pick a data set"),
        (dict(dataset=7), "Pick a data set"),
        (dict(dataset=None), "Pick a data set"),
    ]),
    "/generate_audio": (dict(family="gan", label="7", n=1, seed=0, steps=1), [
        (dict(n=0), "number of clips must be from 1 to 8"),
        (dict(n=BIG), "from 1 to 8"),
        (dict(n="two"), NOT_A_NUMBER),
        (dict(seed=NAN), SEED),
        (dict(seed=-1), SEED),
        (dict(steps=-1), "Gibbs steps"),
        (dict(label="eleven"), CLASS),
        (dict(family=None), "Pick a family"),
    ]),
    "/generate_notes": (dict(family="gan", instrument="brass", pitch="C4", n=1, seed=0, steps=1), [
        (dict(pitch="H9"), "not a note name"),
        (dict(pitch="C9"), "outside the pitches"),
        (dict(pitch=""), "not a note name"),
        (dict(pitch=None), "not a note name"),
        (dict(instrument="kazoo"), "Pick an instrument"),
        (dict(instrument=None), "Pick an instrument"),
        (dict(n=9), "number of clips must be from 1 to 8"),
        (dict(seed=-1), SEED),
        (dict(steps=0), "Gibbs steps"),
        (dict(family="x" * 100_000), "Pick a family"),
    ]),
    "/play_melody": (dict(checkpoint="gan-notes", tune="C4 E4 G4 C5:2", instrument="strings", to_instrument="none",
                          seed=0, bpm=100), [
        (dict(tune=""), "Type a tune"),
        (dict(tune="H9"), "not a note name"),
        (dict(tune="C4 " * 10_000), "at most 64"),
        (dict(tune="C4:0"), "length must be"),
        (dict(tune=None), "A tune is text"),
        (dict(tune="R R"), "at least one note"),
        (dict(instrument="kazoo"), "Pick an instrument"),
        (dict(to_instrument="kazoo"), "Pick an instrument"),
        (dict(bpm=0), "must be from 40"),
        (dict(bpm=NAN), "must be from 40|must be a number"),
        (dict(seed=2**70), "seed must be from 0"),
        (dict(checkpoint="gan-fsdd"), "did not learn instrument notes"),
        (dict(checkpoint=ESCAPES[0]), CHECKPOINT),
    ]),
    "/generate_text": (dict(family="vae", n=1, seed=0, temperature=1.0, steps=1, dataset="names"), [
        (dict(n=0), "number of names must be from 1"),
        (dict(n=BIG), "number of names must be from 1"),
        (dict(temperature=NAN), "temperature must be"),
        (dict(temperature=-1.0), "temperature must be from 0.1 to 2.0"),
        (dict(temperature="hot"), NOT_A_NUMBER),
        (dict(seed=2**70), SEED),
        (dict(steps=0), "Gibbs steps"),
        (dict(family="gpt"), "Pick a family"),
        (dict(dataset="poems"), "Pick a text data set"),
        (dict(dataset=["lines"]), "Pick a text data set"),
        (dict(dataset="replies"), "Pick a text data set"),
    ]),
    "/reply": (dict(line="When will he be here?", n=5, seed=0, temperature=0.8), [
        (dict(line=""), "Type a line to reply to"),
        (dict(line="x" * 100_000), "at most 63 characters"),
        (dict(line="Быть или не быть"), "outside the vocabulary"),
        (dict(line="Hello {world}"), "outside the vocabulary"),
        (dict(line=None), "Type a line"),
        (dict(n=0), "number of replies must be from 1 to 20"),
        (dict(n=BIG), "number of replies must be from 1 to 20"),
        (dict(n="many"), NOT_A_NUMBER),
        (dict(seed=2**70), SEED),
        (dict(temperature=NAN), "temperature must be"),
        (dict(temperature=0.0), "temperature must be from 0.1 to 2.0"),
        (dict(temperature="hot"), NOT_A_NUMBER),
    ]),
    "/encode_picture": (dict(checkpoint="vae-mnist", label="any", sketch=None, upload="{digit.png}"), [
        (dict(checkpoint=ESCAPES[0]), CHECKPOINT),
        (dict(checkpoint=ESCAPES[1]), CHECKPOINT),
        (dict(checkpoint="vae-fsdd"), CHECKPOINT),
        (dict(label="dog"), CLASS),
        (dict(upload="{text.png}"), PICTURE),
        (dict(upload="{big.png}"), TOO_BIG),
        (dict(upload=None), "Draw a digit or upload a picture first"),
    ]),
    "/walk_from_picture": (dict(checkpoint="vae-mnist", label="any", sketch=None, upload="{digit.png}", to_seed=0,
                                to_label="any", steps=2, spherical=True, to_upload=None), [
        (dict(to_seed=-1), SEED),
        (dict(to_seed="x"), NOT_A_NUMBER),
        (dict(to_seed=NAN, upload=None), NOT_A_NUMBER),
        (dict(steps=1000), "Steps must be from 2 to 32"),
        (dict(steps=None), NOT_A_NUMBER),
        (dict(spherical="yes"), "must be true or false"),
        (dict(to_upload="{text.png}"), PICTURE),
        (dict(upload="{big.png}"), TOO_BIG),
        (dict(checkpoint=ESCAPES[1]), CHECKPOINT),
    ]),
    "/encode_recording": (dict(checkpoint="vae-fsdd", label="any", recording="{tone.wav}"), [
        (dict(recording="{truncated.wav}"), SOUND),
        (dict(recording="{empty.wav}"), SOUND),
        (dict(recording="{text.png}"), SOUND),
        (dict(recording="{big.png}"), TOO_BIG),
        (dict(recording=None), "Record a clip or upload a sound file first"),
        (dict(checkpoint=ESCAPES[0]), CHECKPOINT),
        (dict(checkpoint="vae-mnist"), CHECKPOINT),
        (dict(label=-1), CLASS),
    ]),
    "/walk_from_recording": (dict(checkpoint="vae-fsdd", label="any", recording="{tone.wav}", to_seed=0, to_label="3",
                                  steps=2, to_recording=None), [
        (dict(recording="{truncated.wav}"), SOUND),
        (dict(to_recording="{empty.wav}"), SOUND),
        (dict(to_seed=NAN, recording=None), NOT_A_NUMBER),
        (dict(to_seed="far"), NOT_A_NUMBER),
        (dict(steps=-3), "Steps must be from 2 to 32"),
        (dict(checkpoint=ESCAPES[1]), CHECKPOINT),
    ]),
    "/walk_names": (dict(checkpoint="vae-names", from_name="emma", from_seed=1, to_name="", to_seed=2, steps=2,
                         spherical=True), [
        (dict(from_name="x" * 100_000), "names have at most 15 letters"),
        (dict(to_name="e" * 100_000), "names have at most 15 letters"),
        (dict(from_name="", to_name="", from_seed=-1), SEED),
        (dict(to_seed=NAN), SEED),
        (dict(from_name=5), "Type a name, or leave the box empty"),
        (dict(from_name="zoë"), "outside the vocabulary"),
        (dict(checkpoint=ESCAPES[0]), CHECKPOINT),
        (dict(checkpoint=ESCAPES[1]), CHECKPOINT),
        (dict(checkpoint="vae-mnist"), "is not a text generator"),
        (dict(steps="many"), NOT_A_NUMBER),
        (dict(spherical="no"), "must be true or false"),
        (dict(checkpoint="vae-lines", from_name="   "), "a line needs at least one character"),
        (dict(checkpoint="vae-lines", from_name="x" * 100_000), "lines have at most 63 characters"),
        (dict(checkpoint="vae-lines", from_name="Sigh {no more}"), "'{}' is outside the vocabulary"),
        (dict(checkpoint="vae-lines", to_name="Быть или не быть"), "outside the vocabulary"),
        (dict(checkpoint="vae-lines", from_name=7), "Type a line, or leave the box empty"),
    ]),
    "/seed_point": (dict(checkpoint="vae-mnist", seed=0, label="7"), [
        (dict(checkpoint=ESCAPES[0]), CHECKPOINT),
        (dict(checkpoint=ESCAPES[1]), CHECKPOINT),
        (dict(checkpoint=None), CHECKPOINT),
        (dict(checkpoint="rbm-mnist"), "pick a VAE or GAN checkpoint"),
        (dict(seed=NAN), SEED),
        (dict(seed=-1), SEED),
        (dict(label="cat"), CLASS),
    ]),
    "/restore_bookmark": (dict(path="{bookmark.json}"), [
        (dict(path="{escape.json}"), CHECKPOINT + "|Pick"),
        (dict(path="{nan.json}"), "must be a number"),
        (dict(path="{notjson.json}"), "not a bookmark: it is not JSON"),
        (dict(path="{text.png}"), "Invalid file type"),
        (dict(path="{big.png}"), TOO_BIG),
        (dict(path=None), "Choose a bookmark file"),
    ]),
    "/latent_map": (dict(checkpoint="vae2d-mnist"), [
        (dict(checkpoint=ESCAPES[0]), "Pick a 2-D latent checkpoint"),
        (dict(checkpoint="vae-mnist"), "Pick a 2-D latent checkpoint"),
        (dict(checkpoint=3), "Pick a 2-D latent checkpoint"),
    ]),
    "/decode_map_point": (dict(checkpoint="vae2d-mnist", z1=0.5, z2=-0.5), [
        (dict(z1=NAN), "must be a number"),
        (dict(z2=INF), "must be a number"),
        (dict(z1=9.0), "from -6 to 6"),
        (dict(z1="left"), "must be a number"),
        (dict(z1=None), "must be a number"),
        (dict(checkpoint=ESCAPES[1]), "Pick a 2-D latent checkpoint"),
    ]),
    "/interpolate": (dict(checkpoint="vae-mnist", from_seed=0, to_seed=1, from_label="3", to_label="8", steps=2,
                          spherical=True), [
        (dict(steps=1), "number of steps must be from 2 to 32"),
        (dict(steps=BIG), "number of steps must be from 2 to 32"),
        (dict(from_seed=-1), SEED),
        (dict(to_seed=NAN), SEED),
        (dict(checkpoint=ESCAPES[0]), CHECKPOINT),
        (dict(checkpoint=ESCAPES[1]), CHECKPOINT),
        (dict(checkpoint="vae-names"), "does not walk yet|pick one of"),
        (dict(from_label="dog"), CLASS),
        (dict(spherical=[1]), "must be true or false"),
    ]),
    "/mode_collapse": (dict(left="gan-mnist", right="gan-mnist", seed=0), [
        (dict(left=ESCAPES[0]), "Pick one of"),
        (dict(right=ESCAPES[1]), "Pick one of"),
        (dict(left="vae-names"), "Pick one of"),
        (dict(seed=NAN), SEED),
        (dict(seed="x"), NOT_A_NUMBER),
    ]),
    "/inverse_duel": (dict(dataset="mnist", label="any", sketch=None, upload="{digit.png}"), [
        (dict(dataset=ESCAPES[0]), CHOICES),
        (dict(label=99), CLASS),
        (dict(upload="{text.png}"), PICTURE),
        (dict(upload="{big.png}"), TOO_BIG),
        (dict(upload=None), "Draw a digit or upload a picture first"),
    ]),
    "/gibbs_chain": (dict(dataset="mnist", label="3", seed=0, steps=2, temperature=1.0), [
        (dict(steps=0), "Gibbs steps must be from 1"),
        (dict(steps=NAN), "Gibbs steps"),
        (dict(steps=BIG), "Gibbs steps must be from 1"),
        (dict(temperature=INF), "temperature must be"),
        (dict(temperature="x"), NOT_A_NUMBER),
        (dict(seed=-1), SEED),
        (dict(dataset="cifar"), "Pick a data set"),
        (dict(label="dog"), CLASS),
    ]),
    "/rbm_quality_by_steps": (dict(checkpoint="rbm-mnist"), [
        (dict(checkpoint=ESCAPES[0]), CHECKPOINT),
        (dict(checkpoint=ESCAPES[1]), CHECKPOINT),
        (dict(checkpoint="vae-mnist"), "is not an RBM"),
        (dict(checkpoint=None), CHECKPOINT),
    ]),
    "/nearest_training": (dict(checkpoint="vae-mnist", seed=0, label="any", position=1, n=1), [
        (dict(position=0), "position must be from 1 to 1"),
        (dict(position=2), "position must be from 1 to 1"),
        (dict(n=NAN), "must be a whole number"),
        (dict(n=BIG), "from 1 to 64"),
        (dict(seed="x"), NOT_A_NUMBER),
        (dict(checkpoint=ESCAPES[1]), CHECKPOINT),
    ]),
    "/denoise": (dict(dataset="mnist", source="gan", seed=0, label="any", sketch=None, upload=None, kind="gaussian",
                      strength=0.3, told=False), [
        (dict(strength=NAN), NOT_A_NUMBER),
        (dict(strength=-1), "must be from 0.01 to 1"),
        (dict(strength=1e9), "must be from 0.01 to 1"),
        (dict(strength="x"), NOT_A_NUMBER),
        (dict(kind="fire"), CHOICES),
        (dict(dataset=ESCAPES[0]), CHOICES),
        (dict(source="mine"), "Draw a digit or upload a picture first"),
        (dict(source="mine", upload="{text.png}"), PICTURE),
        (dict(seed=-1), SEED),
    ]),
    "/compress": (dict(dataset="mnist", source="gan", seed=0, label="any", sketch=None, upload=None,
                       quantiser="gaussian"), [
        (dict(quantiser="zip"), CHOICES),
        (dict(seed=NAN), NOT_A_NUMBER),
        (dict(seed="x"), NOT_A_NUMBER),
        (dict(source="theirs"), CHOICES),
        (dict(source="mine", upload="{big.png}"), TOO_BIG),
    ]),
    "/inpaint": (dict(dataset="mnist", source="gan", seed=0, label="any", sketch=None, upload=None, region="bottom",
                      sweeps=1, editor=None), [
        (dict(sweeps=0), "sweeps must be from 1 to"),
        (dict(sweeps=NAN), NOT_A_NUMBER),
        (dict(sweeps=BIG), "sweeps must be from 1 to"),
        (dict(region=ESCAPES[0]), CHOICES),
        (dict(region="painted"), "Paint over part of the picture first"),
        (dict(seed="x"), NOT_A_NUMBER),
        (dict(label="dog"), CLASS),
    ]),
    "/toy_points_picture": (dict(points="0, 0; 1, 1"), [
        (dict(points="x" * 100_000), "Write your points as 'x, y' pairs"),
        (dict(points="nan, nan"), "Keep every point between"),
        (dict(points="1e308, 1e308"), "Keep every point between"),
        (dict(points="1, 2, 3"), "Write your points as 'x, y' pairs"),
        (dict(points=5), "Write your points as 'x, y' pairs"),
    ]),
    "/toy_start": (dict(family="vae", data="ring", lr=0.001, steps=100, seed=0, every=50, points="",
                        loss="bce", optimizer="adam", width=64, overlays=True, beta=1.0, sampler="pcd", g_lr_scale=1.0, depth=2), [
        (dict(lr=NAN), NOT_A_NUMBER),
        (dict(lr=-1), "Learning rate must be from"),
        (dict(lr="fast"), NOT_A_NUMBER),
        (dict(steps=-100), "Training steps must be from 100"),
        (dict(steps=BIG), "Training steps must be from 100"),
        (dict(every=0), "must be from 1 to 500"),
        (dict(seed=-1), SEED),
        (dict(family="x"), CHOICES),
        (dict(data=ESCAPES[0]), CHOICES),
        (dict(data="points", points="garbage"), "Write your points"),
        (dict(loss="wgan"), CHOICES),
        (dict(optimizer=ESCAPES[0]), CHOICES),
        (dict(width=BIG), "must be from 4 to 256"),
        (dict(width=NAN), NOT_A_NUMBER),
        (dict(overlays="maybe"), "Overlays are on"),
        (dict(beta=-1), "must be from 0(.0)? to 4(.0)?"),
        (dict(beta=INF), "must be from 0|must be a number"),
        (dict(sampler="cd10"), CHOICES),
        (dict(g_lr_scale=0), "must be from 0.1 to 10"),
    ]),
    "/toy_step": (dict(family="vae", data="ring", lr=0.001, seed=0, every=50, points="",
                       loss="bce", optimizer="adam", width=64, overlays=True, beta=1.0, sampler="pcd", g_lr_scale=1.0, depth=2), [
        (dict(lr=NAN), NOT_A_NUMBER),
        (dict(every=-1), "must be from 1 to 500"),
        (dict(every=BIG), "must be from 1 to 500"),
        (dict(seed="x"), NOT_A_NUMBER),
        (dict(family=None), "Pick a model"),
        (dict(beta=99), "must be from 0(.0)? to 4(.0)?"),
    ]),
    "/toy_step_d": (dict(family="gan", data="ring", lr=0.001, seed=0, every=50, points="",
                         loss="bce", optimizer="adam", width=64, overlays=True, beta=1.0, sampler="pcd", g_lr_scale=1.0, depth=2), [
        (dict(every=0), "must be from 1 to 500"),
        (dict(width=2), "must be from 4 to 256"),
    ]),
    "/toy_step_g": (dict(family="gan", data="ring", lr=0.001, seed=0, every=50, points="",
                         loss="bce", optimizer="adam", width=64, overlays=True, beta=1.0, sampler="pcd", g_lr_scale=1.0, depth=2), [
        (dict(g_lr_scale=99), "must be from 0.1 to 10"),
        (dict(depth=0), "must be from 1 to 6"),
        (dict(overlays="no"), "Overlays are on"),
    ]),
    "/toy_beta": (dict(beta=1.0), [
        (dict(beta=-0.5), "must be from 0(.0)? to 4(.0)?"),
        (dict(beta="high"), NOT_A_NUMBER),
    ]),
    "/toy_gif": (dict(family="vae", data="ring", lr=0.001, steps=100, seed=0, every=50, points="",
                      loss="bce", optimizer="adam", width=64, overlays=True, beta=1.0, sampler="pcd", g_lr_scale=1.0, depth=2), [
        (dict(lr=INF), NOT_A_NUMBER),
        (dict(steps=NAN), NOT_A_NUMBER),
        (dict(steps=BIG), "Training steps must be from 100"),
        (dict(every=0), "must be from 1 to 500"),
        (dict(family=ESCAPES[0]), CHOICES),
        (dict(loss=7), CHOICES),
    ]),
    "/room_open": (dict(dataset="mnist", families=["vae", "gan"]), [
        (dict(dataset="poems"), CHOICES),
        (dict(families=["vae", "transformer"]), CHOICES),
        (dict(families=[]), "Pick one or more families"),
    ]),
    "/room_join": (dict(code="ZZZZ-ZZZZ", name="ann"), [
        (dict(code="abc"), "8 letters and digits"),
        (dict(code="ZZZZ-ZZZZ"), "No room has the code ZZZZZZZZ"),
        (dict(code=""), "8 letters and digits"),
        (dict(code="Z" * 100_000), "8 letters and digits"),
    ]),
    "/quiz_next": (dict(code="ZZZZ-ZZZZ", token="0" * 32), [
        (dict(code="ZZZZ-ZZZZ"), "No room has the code"),
        (dict(code="!!!"), "8 letters and digits"),
    ]),
    "/quiz_answer": (dict(code="ZZZZ-ZZZZ", token="0" * 32, qid="1", answer="real"), [
        (dict(answer="maybe"), "Pick real or generated"),
        (dict(code="ZZZZ-ZZZZ"), "No room has the code"),
    ]),
    "/room_results": (dict(code="ZZZZ-ZZZZ", key="0" * 32), [
        (dict(code="ZZZZ-ZZZZ"), "No room has the code"),
        (dict(code=None), "Type the room's code"),
    ]),
    "/timelapse_frame": (dict(checkpoint="vae-mnist", index=1, seed=0), [
        (dict(checkpoint="vae-fsdd"), "Pick a checkpoint with a time-lapse"),
        (dict(checkpoint=ESCAPES[0]), "Pick a checkpoint with a time-lapse"),
        (dict(index=99), "The snapshot must be from 0 to 3; 99 is out of range"),
        (dict(index=-1), "The snapshot must be from 0 to 3"),
        (dict(index=NAN), NOT_A_NUMBER + "|must be a whole number"),
        (dict(seed=-1), "The seed must be"),
    ]),
    "/room_polls": (dict(code="ZZZZ-ZZZZ", key="0" * 32), [
        (dict(code="ZZZZ-ZZZZ"), "No room has the code"),
        (dict(key=None), "No room has the code"),
        (dict(code=["ZZZZZZZZ"]), "8 letters and digits"),
    ]),
    "/poll_answer": (dict(code="ZZZZ-ZZZZ", token="0" * 32, poll="collapse", answer="recall"), [
        (dict(poll="favourite colour"), "Pick a question"),
        (dict(answer="maybe"), "Pick one of the answers to"),
        (dict(answer=None), "Pick an answer first"),
        (dict(poll=None), "Pick a question"),
        (dict(poll="denoise", answer="recall"), "Pick one of the answers to"),
        (dict(code="ZZZZ-ZZZZ"), "No room has the code"),
        (dict(token=ESCAPES[0]), "No room has the code"),
    ]),
    # these take no input at all (an extra argument is dropped by Gradio): nothing to send wrong
    "/compute_costs": (dict(), []),
    "/augment_quick": (dict(), []),
    "/toy_stop": (dict(), []),
}

# one cheap good call per group of endpoints (a tab or a section), made from another client after the
# bad ones; /augment_quick trains five classifiers (about a minute), so its group is left out
GOOD_CALLS = ["/generate_image", "/generate_image_other_style", "/generate_audio", "/generate_notes", "/play_melody", "/generate_text", "/reply", "/interpolate", "/encode_picture",
              "/encode_recording", "/walk_names", "/restore_bookmark", "/decode_map_point", "/gibbs_chain",
              "/nearest_training", "/compress", "/toy_points_picture", "/toy_stop", "/timelapse_frame"]


# helpers

def _write_files(folder):
    img = Image.new("RGB", (200, 200), "white")
    ImageDraw.Draw(img).line([(100, 30), (100, 170)], fill="black", width=18)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    t = np.arange(8000) / 8000
    wav = io.BytesIO()
    sf.write(wav, (0.5 * np.sin(2 * np.pi * 440 * t) * np.hanning(8000)).astype(np.float32), 8000, format="WAV")
    from genapp import studio                                     # a real bookmark, then two tampered ones
    point = studio.seed_point("vae-mnist", 3, "7")
    saved = json.loads(studio.bookmark(point))
    data = {
        "digit.png": buf.getvalue(), "text.png": b"hello, I am not a picture\n",
        "big.png": b"\x89PNG" + bytes(50_000_000),                   # over the app's 10 MB limit
        "tone.wav": wav.getvalue(), "truncated.wav": wav.getvalue()[:30], "empty.wav": b"",
        "bookmark.json": json.dumps(saved).encode(), "notjson.json": b"{'this': is not json",
        "escape.json": json.dumps(dict(saved, checkpoint=ESCAPES[0])).encode(),
        "nan.json": json.dumps(dict(saved, latent=[NAN] * len(saved["latent"]))).encode(),   # json writes NaN
    }
    for name, content in data.items():
        (folder / name).write_bytes(content)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad-input")
    _write_files(folder)
    return folder


@pytest.fixture(scope="module")
def api(client):
    return client.view_api(return_format="dict", print_info=False)["named_endpoints"]


def _arguments(kwargs, files):
    return {k: handle_file(str(files / v[1:-1])) if isinstance(v, str) and re.fullmatch(r"\{[\w.]+\}", v) else v
            for k, v in kwargs.items()}


def _non_finite(kwargs) -> bool:
    return any(isinstance(v, float) and not math.isfinite(v) for v in kwargs.values())


def _raw_call(src: str, api_name: str, parameters: list, kwargs: dict) -> str:
    """Call through plain HTTP, for what gradio_client cannot send (NaN, inf: not JSON, but Python's
    json reads them, as the server does); the error message, or '' when the call succeeded."""
    data = [kwargs.get(p["parameter_name"], p.get("parameter_default")) for p in parameters]
    url = src.rstrip("/") + "/gradio_api/call" + api_name
    req = urllib.request.Request(url, json.dumps({"data": data}).encode(), {"Content-Type": "application/json"})
    event = json.load(urllib.request.urlopen(req, timeout=30))["event_id"]
    stream = urllib.request.urlopen(f"{url}/{event}", timeout=60).read().decode()
    events = re.findall(r"^event: (\w+)\ndata: (.*)$", stream, re.MULTILINE)
    kind, payload = events[-1]
    return str(json.loads(payload)["error"]) if kind == "error" else ""


def assert_a_sentence(message: str, words: str):
    assert re.search(words, message, re.IGNORECASE), f"{message!r} does not say {words!r}"
    assert "Traceback" not in message and "upstream Gradio app has raised" not in message, message
    assert len(message.split()) >= 4, f"{message!r} is not a sentence"
    assert len(message) < 1_000, f"a refusal quotes what was sent, not all of it: {message[:200]!r}..."


BAD_CALLS = [pytest.param(name, bad, words, id=f"{name[1:]}-{'-'.join(f'{k}={str(v)[:20]}' for k, v in bad.items())}")
             for name, (_, bads) in TABLE.items() for bad, words in bads]


# the table covers the app

def test_every_named_endpoint_has_a_row_of_bad_values(api):
    assert set(api) == set(TABLE), "endpoints without bad-input coverage (or rows for gone ones)"
    for name, (good, bads) in TABLE.items():
        parameters = {p["parameter_name"] for p in api[name]["parameters"]}
        assert set(good) == parameters, f"{name}: the good call names {set(good)}, the endpoint takes {parameters}"
        assert bads or not parameters, f"{name} takes {parameters} but has no bad values"
    assert set(GOOD_CALLS) <= set(TABLE)


# every bad value gets a sentence

@pytest.mark.parametrize("name, bad, words", BAD_CALLS)
def test_a_bad_value_gets_a_sentence(client, api, files, name, bad, words):
    good, _ = TABLE[name]
    kwargs = _arguments({**good, **bad}, files)
    if _non_finite(bad):
        kwargs = {k: None if isinstance(v, dict) else v for k, v in kwargs.items()}   # no uploads by hand
        message = _raw_call(client.src, name, api[name]["parameters"], kwargs)
        assert message, f"{name} accepted {bad}"
    else:
        with pytest.raises(Exception) as refused:
            client.submit(**kwargs, api_name=name).result(timeout=60)
        message = str(refused.value)
    assert_a_sentence(message, words)


@pytest.mark.parametrize("name", GOOD_CALLS)
def test_after_the_bad_calls_a_good_call_from_another_client_succeeds(client, files, name):
    other = loopback_client(client.src)
    result = other.predict(**_arguments(TABLE[name][0], files), api_name=name)
    assert result is not None and result != ""


def test_a_menu_names_its_own_choices_also_when_an_event_remade_it():
    import gradio as gr
    from genapp.ui import common                     # noqa: F401  (words the menus' refusals)

    def refusal(menu, value) -> str:
        with pytest.raises(gr.Error) as e:
            menu.preprocess(value)
        return e.value.message

    assert refusal(gr.Dropdown([("zero", "0"), ("one", "1")], label="Class"), "dog") == \
        "Class must be one of '0', '1'; 'dog' is not."
    remade = gr.Dropdown(["Sneaker", "Bag"], label="Class")                  # as Gradio remakes an updated menu
    assert refusal(remade, "0") == "Class must be one of 'Sneaker', 'Bag'; '0' is not."
    assert remade.preprocess("Bag") == "Bag"
    assert refusal(gr.Radio(["gaussian"], label="Noise"), 7) == "Noise must be one of 'gaussian'; 7 is not."
    assert refusal(gr.Radio(["gaussian"], label="Noise"), "x" * 100_000) == \
        f"Noise must be one of 'gaussian'; '{'x' * 12}...{'x' * 13}' is not."       # quoted, not all of it


# the app's surface

def test_uploads_over_ten_megabytes_are_refused_by_the_server_too(client):
    """gradio_client refuses a 50 MB file before sending it (the tests above); a client that sends it
    anyway gets HTTP 413 with a sentence, and the app never sees the file."""
    boundary = uuid.uuid4().hex
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="big.png"\r\n'
            "Content-Type: image/png\r\n\r\n").encode() + bytes(11_000_000) + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(client.src.rstrip("/") + "/gradio_api/upload", body,
                                 {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(req, timeout=30)
    assert refused.value.code == 413 and b"maximum allowed size" in refused.value.read()


@pytest.mark.parametrize("path", [
    "gradio_api/file=/etc/passwd", "file=/etc/passwd", "gradio_api/file=%2Fetc%2Fpasswd",
    "gradio_api/file=../../../../etc/passwd", "gradio_api/file=..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "gradio_api/file=../app.py", "file=../app.py", "gradio_api/file=app.py", f"gradio_api/file={ROOT}/app.py",
    "gradio_api/file=genapp/hub.py", "gradio_api/file=checkpoints/vae-mnist/config.json",
])
def test_the_app_serves_no_file_outside_its_folders(client, path):
    try:
        body = urllib.request.urlopen(client.src.rstrip("/") + "/" + path, timeout=10).read()
    except urllib.error.HTTPError as e:
        assert e.code in (403, 404)
        return
    for secret in (b"root:", b"demo.launch", b"snapshot_download", b"_class_name"):
        assert secret not in body, f"{path} served a file's content"


def test_nothing_in_genapp_unpickles():
    """Weights are safetensors only: no torch.load, no pickle (or a module built on it), no np.load
    with allow_pickle. Read from the syntax tree, so a docstring saying 'never unpickled' is no match."""
    banned_modules = {"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "joblib", "shelve", "marshal"}
    found = []
    for path in sorted((ROOT / "genapp").rglob("*.py")) + [ROOT / "app.py"]:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + ([node.module] if isinstance(node, ast.ImportFrom) else [])
                if any(n and n.split(".")[0] in banned_modules for n in names):
                    found.append(where)
                if isinstance(node, ast.ImportFrom) and node.module == "torch" and "load" in names:
                    found.append(where)
            elif isinstance(node, ast.Attribute) and node.attr == "load" and ast.unparse(node.value) == "torch":
                found.append(where)
            elif isinstance(node, ast.keyword) and node.arg == "allow_pickle" and \
                    not (isinstance(node.value, ast.Constant) and node.value.value is False):
                found.append(where)
    assert not found, f"unpickling at {found}"


@pytest.mark.parametrize("name", [*ESCAPES, "..", "/etc/passwd", "vae-mnist/", "VAE-MNIST", "vae_mnist", "vae-mnist ",
                                  "vae--mnist", "-vae", "", None, 7, "vae-mnist\n", "x" * 10 + "/../" + "y"])
def test_checkpoint_names_are_lower_case_words_joined_by_dashes(name):
    with pytest.raises(hub.UnknownCheckpoint, match="not a checkpoint name"):
        hub.check_name(name)
    with pytest.raises(hub.UnknownCheckpoint):
        hub.resolve(name) if isinstance(name, str) else hub.check_name(name)


@pytest.mark.parametrize("prefix, ok", [
    ("someone/genapp-", True), ("some-one/", True), ("org.name/gen_app.", True),
    ("someone", False), ("../someone/", False), ("/abs/", False), ("a/b/c-", False), ("someone/ x", False),
    ("https://evil.example/x/", False), ("-someone/", False), ("someone/genapp-\n", False),
])
def test_hub_repo_ids_are_checked_against_a_pattern(monkeypatch, prefix, ok):
    assert bool(hub.PREFIX.match(prefix)) == ok
    if not ok:
        monkeypatch.setenv("GENAPP_HUB_REPO_PREFIX", prefix)
        with pytest.raises(hub.UnknownCheckpoint, match="GENAPP_HUB_REPO_PREFIX"):
            hub.resolve.__wrapped__("vae-mnist")          # uncached: the check runs before any download
