"""Lesson links (ui/links.py): a link made of a panel's settings opens its tab with them and the same result
its button gives; a bad link says so in a sentence and sets nothing it should not."""
import json
import warnings

import gradio as gr
import pytest
from starlette.datastructures import URL, QueryParams
from urllib.parse import urlencode

from genapp.ui import links
from genapp.ui.app import build_app

# panels whose button needs a drawing, an upload or a recording, which a link cannot carry: a link sets
# their settings and says what is missing, as the button would
NEEDS_UPLOAD = {"encode_picture", "walk_from_picture", "encode_recording", "walk_from_recording", "inverse_duel",
                "generate_image_other_style"}     # ...and MNIST, the default, has no second drawing style


class Request:
    """What restore reads of a page's request: its address."""

    def __init__(self, query: str):
        self.url = URL("http://127.0.0.1:7860/?" + query)
        self.query_params = QueryParams(query)


@pytest.fixture(scope="module")
def app():
    return build_app()


def link_of(panel, **changed) -> str:
    """The query the Copy link button writes (COPY_JS): text as it is, anything else as JSON."""
    values = {k: c.value for k, c in zip(panel.keys, panel.inputs) if isinstance(c, links.PLAIN)}
    values.update(changed)
    return urlencode({"view": panel.name, **{k: v if isinstance(v, str) else json.dumps(v) for k, v in values.items()}})


def restored(query: str):
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        updates = links.restore(Request(query))
    # what gr.Warning says outside a request (a UserWarning), not a stray ResourceWarning of an earlier test's
    # garbage collected meanwhile
    return updates, [str(w.message) for w in said if issubclass(w.category, UserWarning)]


def test_every_main_panel_has_a_link(app):
    assert {"generate_image", "generate_audio", "generate_notes", "play_melody", "generate_text", "reply",
            "interpolate", "walk_names", "seed_point", "decode_map_point", "mode_collapse", "gibbs_chain",
            "nearest_training", "denoise", "compress", "inpaint", "inverse_duel", "toy_start"} <= set(links.PANELS)
    for panel in links.PANELS.values():
        assert panel.tabs, f"{panel.name}: no tab to open"
        assert len(panel.keys) == len(panel.inputs)


def test_a_link_opens_its_tab_with_its_settings_and_the_buttons_result(app):
    for panel in links.PANELS.values():
        updates, said = restored(link_of(panel))
        for tabs, tab in panel.tabs:
            assert updates[tabs].selected == tab, panel.name
        for key, component in zip(panel.keys, panel.inputs):
            if isinstance(component, links.PLAIN):
                assert updates[component] == component.value, (panel.name, key)
        if panel.name in NEEDS_UPLOAD:
            assert len(said) == 1 and "settings are set" in said[0], (panel.name, said)
            assert not any(o in updates for o in panel.outputs)
        elif panel.run is not None:
            assert said == [], (panel.name, said)
            assert all(o in updates for o in panel.outputs), panel.name


def test_a_links_result_is_the_buttons_result_for_its_settings(app):
    panel = links.PANELS["generate_image"]
    updates, said = restored(link_of(panel, dataset="emoji", family="gan", label="animals-nature", n=4, seed=7))
    assert said == []
    gallery = links.PANELS["generate_image"].outputs[0]
    values = dict(zip(panel.keys, [updates[c] for c in panel.inputs]))
    assert values == dict(dataset="emoji", family="gan", label="animals-nature", n=4, seed=7, steps=panel.inputs[-1].value)
    items, png = panel.run(*values.values())
    assert updates[gallery]["value"] == items and updates[panel.outputs[1]] == png
    other = restored(link_of(panel, dataset="emoji", family="gan", label="animals-nature", n=4, seed=8))[0]
    assert other[gallery]["value"] != items                      # another seed, other emoji


def test_text_and_menus_and_switches_read_back_as_the_page_holds_them(app):
    walk = links.PANELS["interpolate"]
    updates, said = restored(link_of(walk, checkpoint="gan-fashion", from_label="Trouser", spherical=False, steps=5))
    values = dict(zip(walk.keys, [updates[c] for c in walk.inputs]))
    assert values["spherical"] is False and values["steps"] == 5 and values["from_label"] == "Trouser"
    names = links.PANELS["walk_names"]
    updates, _ = restored(link_of(names, from_name="1234", to_name="true"))       # text that looks like JSON stays text
    assert [updates[c] for k, c in zip(names.keys, names.inputs) if k in ("from_name", "to_name")] == ["1234", "true"]


@pytest.mark.parametrize("query, sentence", [
    ("view=no_such_view&seed=1", "names a view this app does not have"),
    ("view=generate_image&seed=" + "9" * 5000, "characters long"),
    ("view=generate_image&seed=-3", "out of range"),
    ("view=generate_image&seed=abc", "seed"),
    ("view=generate_image&dataset=cifar", "data set"),
    ("view=walk_names&from_name=" + "x" * 3000, "at most 15 letters"),
])
def test_a_bad_link_gets_a_sentence_and_no_result(app, query, sentence):
    updates, said = restored(query)
    assert len(said) == 1 and sentence in said[0], said
    panel = links.PANELS.get(dict(QueryParams(query))["view"])
    if panel is not None:
        assert not any(o in updates for o in panel.outputs)


def test_a_plain_address_changes_nothing(app):
    assert restored("") == ({}, [])
    assert restored("room=7K3MQ9XT") == ({}, [])
