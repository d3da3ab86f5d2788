"""The repository is ready to be a Hugging Face Space: README.md's front matter is a valid Space
card for the pinned Gradio, and every bundled checkpoint is a small, complete Hub model repo."""
import re

import pytest
from huggingface_hub import ModelCard, SpaceCard

from genapp import hub
from genapp.card import SPACE_URL
from genapp.data import DATASETS
from genapp.publish import files

ROOT = hub.CHECKPOINTS.parent
COLORS = {"red", "yellow", "green", "blue", "indigo", "purple", "pink", "gray"}   # the Spaces config reference's


def _pin(package):
    text = (ROOT / "requirements.txt").read_text()
    return re.search(rf"^{package}==(\S+)", text, re.MULTILINE).group(1)


def test_readme_front_matter_is_a_space_card_for_the_pinned_gradio():
    card = SpaceCard.load(ROOT / "README.md")
    data = card.data
    assert data.sdk == "gradio" and data.sdk_version == _pin("gradio")
    assert (ROOT / data.app_file).is_file() and data.app_file == "app.py"
    assert data.license == "mit" and data.title and data.get("emoji")
    assert {data.get("colorFrom"), data.get("colorTo")} <= COLORS
    assert len(data.get("short_description", "")) <= 60
    # the repo ids `python -m genapp publish --repo-prefix genapp/` would create, one per bundled checkpoint
    assert data.models == [f"genapp/{name}" for name in hub.bundled()]
    assert all(hub.PREFIX.match(repo.split("/")[0] + "/") for repo in data.models)
    # and the dataset repos `publish --repo-prefix genapp/ --datasets` would create, one per data set
    assert data.datasets == sorted(f"genapp/{name}" for name in DATASETS)
    assert {"vae", "gan", "rbm"} <= set(data.tags)
    assert card.text.lstrip().startswith("# genapp")


@pytest.mark.parametrize("name", hub.bundled())
def test_checkpoint_folder_is_a_small_complete_model_repo(name):
    folder = hub.CHECKPOINTS / name
    listing = dict(files(folder))
    assert sum(listing.values()) < 10_000_000, f"{name}: {sum(listing.values()) / 1e6:.1f} MB"
    assert {"config.json", "README.md", hub.WEIGHTS} <= set(listing)
    for sub in {p.rsplit("/", 1)[0] for p in listing if "/" in p}:    # e.g. discriminator/, autoencoder/
        assert {f"{sub}/config.json", f"{sub}/{hub.WEIGHTS}"} <= set(listing)
    card = ModelCard.load(folder / "README.md")
    assert card.data.license and card.text.strip()
    assert SPACE_URL in card.text                                   # it names the Space it serves
    assert card.data.datasets[0] in {f"genapp/{d}" for d in DATASETS}   # and the dataset repo it learned from
