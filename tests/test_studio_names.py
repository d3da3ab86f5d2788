"""Names at the seam, on the bundled text checkpoints: same seed, same names; marks; refusals; the CLI."""
import subprocess
import sys

import pytest

from genapp import hub, studio
from genapp.data import text
from genapp.data.text import NAMES

from conftest import ROOT


@pytest.mark.parametrize("name", ["vae-names", "gan-names", "rbm-names"])
def test_same_seed_same_names_each_spelled_in_the_vocabulary(name):
    a = studio.generate_names(name, n=20, seed=5, temperature=0.9, steps=30)
    b = studio.generate_names(name, n=20, seed=5, temperature=0.9, steps=30)
    c = studio.generate_names(name, n=20, seed=6, temperature=0.9, steps=30)
    assert a.names == b.names and a.names != c.names and len(a.names) == 20
    assert all(set(n) <= set(text.LETTERS) and len(n) <= NAMES.max_symbols for n in a.names)
    assert a.text == "".join(n + "\n" for n in a.names)


def test_names_are_marked_by_the_training_data_fingerprints():
    lm = hub.load("eval-names")
    train = text.load_names(split="train")[:50]
    assert all(lm.seen(train))
    r = studio.generate_names("vae-names", n=50, seed=0)
    assert r.seen == lm.seen(r.names) and 0 < r.novelty <= 1


def test_temperature_changes_only_the_vae():
    assert (studio.generate_names("vae-names", 10, 1, 0.3).names != studio.generate_names("vae-names", 10, 1, 1.5).names)
    assert studio.generate_names("gan-names", 10, 1, 0.3).names == studio.generate_names("gan-names", 10, 1, 1.5).names


@pytest.mark.parametrize("kwargs, words", [
    (dict(n=0), "from 1 to 50"), (dict(n=51), "from 1 to 50"), (dict(n="lots"), "not a number"),
    (dict(temperature=0), "from 0.1 to 2.0"), (dict(temperature="hot"), "not a number"),
    (dict(temperature=float("inf")), "from 0.1 to 2.0"), (dict(seed=-1), "out of range"),
    (dict(steps=0), "Gibbs steps"),
])
def test_bad_arguments_get_a_sentence(kwargs, words):
    with pytest.raises(studio.BadRequest, match=words):
        studio.generate_names("rbm-names", **kwargs)
    with pytest.raises(studio.BadRequest, match=words):
        studio.check_names_comparison("all", **kwargs)


def test_image_and_text_checkpoints_stay_in_their_tabs():
    with pytest.raises(studio.BadRequest, match="not a text generator"):
        studio.generate_names("vae-mnist")
    with pytest.raises(studio.BadRequest, match="not an image generator"):
        studio.generate_images("vae-names")


def test_cli_writes_the_names_the_tab_shows(tmp_path):
    out = tmp_path / "names.txt"
    run = subprocess.run([sys.executable, "-m", "genapp", "generate", "vae-names", "--n", "20", "--seed", "1",
                          "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert out.read_text() == studio.generate_names("vae-names", 20, 1).text
