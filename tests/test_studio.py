"""The seam on the bundled checkpoints: same arguments, same bytes; provenance; clear refusals."""
import subprocess
import sys

import pytest

from genapp import hub, studio
from genapp.studio.render import png_text

from conftest import ROOT


@pytest.mark.parametrize("name", ["vae-mnist", "gan-fashion", "rbm-mnist"])
def test_same_arguments_same_png_bytes(name):
    a = studio.generate_images(name, n=9, seed=123, label="any", steps=20)
    b = studio.generate_images(name, n=9, seed=123, label="any", steps=20)
    c = studio.generate_images(name, n=9, seed=124, label="any", steps=20)
    assert a.png == b.png and a.png != c.png
    assert a.image.size == b.image.size


def test_png_records_checkpoint_weights_and_seed():
    result = studio.generate_images("gan-mnist", n=4, seed=42, label="7")
    text = png_text(result.png)
    assert text["checkpoint"] == "gan-mnist"
    assert text["weights_sha256"] == hub.weights_sha256("gan-mnist") and len(text["weights_sha256"]) == 64
    assert text["seed"] == "42" and text["label"] == "7" and result.labels == [7, 7, 7, 7]


def test_class_names_and_indices_mean_the_same_class():
    by_name = studio.generate_images("vae-fashion", n=4, seed=1, label="ankle boot")
    by_index = studio.generate_images("vae-fashion", n=4, seed=1, label=9)
    assert by_name.labels == by_index.labels == [9] * 4


def test_all_three_share_seed_and_labels():
    results = studio.compare_families("mnist", "all", n=6, seed=5, label="any", steps=10)
    assert [r.checkpoint for r in results] == ["vae-mnist", "gan-mnist", "rbm-mnist"]
    assert results[0].labels == results[1].labels == results[2].labels
    text = png_text(studio.side_by_side(results))
    assert text["checkpoint"] == "vae-mnist,gan-mnist,rbm-mnist"
    assert len(text["weights_sha256"].split(",")) == 3


@pytest.mark.parametrize("kwargs, words", [
    (dict(n=0), "from 1 to 64"), (dict(n=-3), "from 1 to 64"), (dict(n=10_000), "from 1 to 64"),
    (dict(n="abc"), "not a number"), (dict(n=2.5), "whole number"), (dict(n=float("nan")), "whole number"),
    (dict(label=10), "Pick a class"), (dict(label="dog"), "Pick a class"),
    (dict(seed=2**63), "out of range"), (dict(seed=-1), "out of range"), (dict(seed="12345678901234567890123"), "out of range"),
    (dict(steps=10**9), "Gibbs steps"), (dict(steps=0), "Gibbs steps"),
    (dict(name="vae-cifar"), "no checkpoint named"), (dict(name="gan-fsdd"), "not an image generator"),
    (dict(name="eval-mnist"), "not an image generator"), (dict(name="../../etc/passwd"), "not a checkpoint name"),
])
def test_bad_arguments_get_a_sentence(kwargs, words):
    args = dict(name="rbm-mnist", n=4, seed=0, label="any", steps=5) | kwargs
    with pytest.raises(studio.BadRequest, match=words):
        studio.generate_images(args.pop("name"), **args)
    assert studio.generate_images("rbm-mnist", n=2, seed=0, steps=5).png   # and the next one works


@pytest.mark.parametrize("kwargs, words", [
    (dict(n=0), "from 1 to 64"), (dict(n="abc"), "not a number"), (dict(seed=2**63), "out of range"),
    (dict(label="dog"), "Pick a class"), (dict(steps=10**9), "Gibbs steps"),
    (dict(family="vqvae"), "Pick a family"), (dict(dataset="cifar"), "data set"),
])
def test_the_ui_precheck_refuses_what_generation_refuses(kwargs, words):
    args = dict(dataset="mnist", family="all", n=4, seed=0, label="any", steps=5) | kwargs
    with pytest.raises(studio.BadRequest, match=words):
        studio.check_comparison(**args)
    with pytest.raises(studio.BadRequest, match=words):
        studio.compare_families(**args)
    assert studio.check_comparison("fashion", "rbm", 4, 0, "bag", 5) == ("fashion", ("rbm",))


def test_cli_generate_writes_the_same_bytes_as_the_ui(tmp_path):
    out = tmp_path / "grid.png"
    subprocess.run([sys.executable, "-m", "genapp", "generate", "gan-mnist", "--n", "8", "--seed", "3",
                    "--label", "5", "--out", str(out)], cwd=ROOT, check=True, capture_output=True)
    assert out.read_bytes() == studio.generate_images("gan-mnist", n=8, seed=3, label="5").png


def test_cli_generate_refuses_bad_input_with_a_sentence(tmp_path):
    run = subprocess.run([sys.executable, "-m", "genapp", "generate", "gan-mnist", "--n", "0", "--out",
                          str(tmp_path / "x.png")], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode != 0 and "from 1 to 64" in run.stderr and "Traceback" not in run.stderr
