"""A checkpoint describes itself (hub.describe), the data sets' registry says which checkpoints serve it, and
every generator has one surface (hub.generator): nothing reads a family or a data set out of a name."""
import json
import re
from pathlib import Path

import pytest
import torch

from genapp import hub, studio
from genapp.data import DATASETS
from genapp.train.description import description
from genapp.train.recipes import RECIPES

PACKAGE = Path(hub.__file__).parent


def test_every_bundled_checkpoint_describes_itself_as_train_would():
    for name in hub.bundled():
        config = json.loads((hub.CHECKPOINTS / name / "config.json").read_text())
        assert config[hub.DESCRIPTION] == description(RECIPES[name], config), name
        c = hub.describe(name)
        assert c.dataset in DATASETS and name in DATASETS[c.dataset].checkpoints
        assert c.modality == DATASETS[c.dataset].modality


def test_the_registry_names_each_bundled_checkpoint_once_and_an_evaluator_per_data_set():
    named = [n for d in DATASETS.values() for n in d.checkpoints]
    assert sorted(named) == hub.bundled()
    for dataset in DATASETS:            # an evaluator first; then the three families
        assert not hub.describe(hub.evaluator(dataset)).generates
        if dataset == "replies":        # one conditional VAE, a specimen: it answers a line, no panel samples it
            assert [c.name for c in hub.serving(dataset, specimen="reply")] == ["vae-replies"]
            assert not [c for c in hub.serving(dataset) if c.generates]
            continue
        generators = {c.family for c in hub.serving(dataset) if c.generates}
        assert generators == set(hub.GENERATORS), (dataset, generators)
    assert {c.family for c in hub.serving("mnist")} >= set(hub.GENERATORS)


def test_records_say_what_names_used_to():
    assert hub.describe("gan-mnist-collapsed").specimen == "collapsed"
    assert not hub.describe("gan-mnist-collapsed").conditional
    assert [hub.describe(n).specimen for n in studio.map_checkpoints()] == ["map", "map"]
    assert hub.describe("rbm-names").sampler == {"steps": 200}
    assert hub.describe("vae-names").sampler_options(temperature=0.5, steps=9) == {"temperature": 0.5}
    assert hub.find("fsdd", "gan") == "gan-fsdd" and hub.describe("gan-names").decoder == "autoencoder"


def test_an_undescribed_checkpoint_is_refused_with_a_sentence(tmp_path, monkeypatch):
    folder = tmp_path / "vae-mnist"
    folder.mkdir()
    config = json.loads((hub.CHECKPOINTS / "vae-mnist" / "config.json").read_text())
    del config[hub.DESCRIPTION]
    (folder / "config.json").write_text(json.dumps(config))
    monkeypatch.setattr(hub, "CHECKPOINTS", tmp_path)
    hub.resolve.cache_clear(), hub.describe.cache_clear()
    try:
        with pytest.raises(hub.UnknownCheckpoint, match="does not describe it"):
            hub.describe("vae-mnist")
    finally:
        hub.resolve.cache_clear(), hub.describe.cache_clear()


@pytest.mark.parametrize("name", ["vae-mnist", "gan-mnist", "rbm-mnist", "vae-fsdd", "gan-names", "rbm-names"])
def test_one_surface_for_every_generator(name):
    model = hub.generator(name)
    c = hub.describe(name)
    labels = torch.tensor([3, 1]) if c.conditional else None
    with torch.no_grad():               # not inference mode: a GAN's encode takes gradients through x
        x = model.sample(2, torch.Generator().manual_seed(0), labels, **c.sampler_options(steps=2))
    z = model.encode(x, labels, steps=3)
    assert z.shape == (2, model.latent_dim) == (2, c.latent_dim)
    with torch.inference_mode():
        again = model.decode(z, labels)
        drawn = model.draw_latent(2, torch.Generator().manual_seed(0), labels)
    assert again.shape == x.shape and drawn.shape == z.shape


def test_no_module_reads_a_family_or_data_set_out_of_a_name():
    pattern = re.compile(r"split\(.-.\)\[0\]|startswith\(.(vae|gan|rbm)-")
    found = [f"{p.relative_to(PACKAGE)}:{i}" for p in PACKAGE.rglob("*.py")
             for i, line in enumerate(p.read_text().splitlines(), 1) if pattern.search(line)]
    assert found == []
