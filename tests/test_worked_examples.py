"""Every tab opens on a worked example: what its buttons give for the settings the page starts with is on
screen before anything is pressed, in the page's config (the first tab's, and the quickest of the others), or
sent by an event that runs as the page loads (those that take seconds, and those that would hold up the start).
Checked on the launched app (python app.py), as a browser sees it."""
import httpx
import pytest
from gradio_client import handle_file

from genapp import studio

# endpoints whose outputs may open empty, and why
LINK_LOADS = {"from_link", "restore"}  # a room's link (?room=CODE) opens the Classroom tab with its code; a lesson link (?view=...) its view
OPENS_EMPTY = {"augment_quick": "Augmentation opens on its question; the re-run's table shows only once it runs",
               # a room is a class's own: its code, table and pictures exist once a teacher opens one
               **dict.fromkeys(("room_open", "room_results", "room_join", "quiz_next", "quiz_answer", "room_polls",
                                "poll_answer"),
                               "the Classroom tab opens before any room does")}


def _components(client) -> dict:
    return {c["id"]: c for c in client.config["components"]}


def _hidden(client) -> set:
    """Ids of the blocks not shown: hidden themselves, or inside a hidden block."""
    components, hidden = _components(client), set()

    def walk(node, inside_hidden=False):
        inside_hidden = inside_hidden or components.get(node["id"], {}).get("props", {}).get("visible") is False
        if inside_hidden:
            hidden.add(node["id"])
        for child in node.get("children", []):
            walk(child, inside_hidden)
    walk(client.config["layout"])
    return hidden


def _dependency(client, api_name) -> dict:
    return next(d for d in client.config["dependencies"] if d.get("api_name") == api_name)


def _empty(value) -> bool:
    if isinstance(value, dict) and "data" in value:               # a table or a plot
        return not value["data"]
    return value is None or value == "" or value == []


@pytest.fixture(scope="module")
def at_load(client) -> dict:
    """What each output shows once the page has loaded: its value in the config, or what the load event
    that fills it returns (called as the page calls it)."""
    shown = {i: c["props"].get("value") for i, c in _components(client).items()}
    for d in client.config["dependencies"]:
        if not any(event == "load" for _, event in d["targets"]):
            continue
        if d["api_name"] in LINK_LOADS:             # it reads the page's address; opened plainly it changes nothing
            continue
        assert d["api_name"].endswith("_example"), f"a load event that is not a worked example: {d['api_name']}"
        values = client.predict(api_name="/" + d["api_name"])
        for output, value in zip(d["outputs"], values if len(d["outputs"]) > 1 else [values]):
            shown[output] = value
    return shown


def _file_bytes(client, value) -> bytes:
    """The bytes of a file the page shows (a FileData in the config) or the client downloaded (a path)."""
    if isinstance(value, dict):
        return httpx.get(client.src.rstrip("/") + "/gradio_api/file=" + value["path"], timeout=30).content
    with open(value, "rb") as f:
        return f.read()


def test_every_buttons_outputs_show_something_when_the_page_opens(client, at_load):
    components, hidden = _components(client), _hidden(client)
    named = [d for d in client.config["dependencies"]
             if d.get("api_name") and d.get("api_visibility", "public") == "public"]
    assert len(named) > 25
    for d in named:
        if d["api_name"] in OPENS_EMPTY:
            continue
        for output in d["outputs"]:
            c = components[output]
            if c["type"] == "state" or output in hidden:
                continue
            label = c["props"].get("label") or c["type"]
            assert not _empty(at_load[output]), f"/{d['api_name']}: '{label}' is empty when the page opens"


def test_the_load_events_only_fill_what_the_config_leaves_empty(client, at_load):
    # an example in the config costs nothing per visit; a load event is for those that take seconds, or
    # would hold up the start
    components = _components(client)
    for d in client.config["dependencies"]:
        if d.get("api_name", "") and d["api_name"].endswith("_example"):
            for output in d["outputs"]:
                assert _empty(components[output]["props"].get("value")), (d["api_name"], output)


def test_every_visitor_gets_the_whole_example(client, at_load):
    """A load event hands out the kept example again on each visit, whole: Gradio takes the value out of an
    update it is given, which must not empty the kept one (the Text tab's names came without names)."""
    for d in client.config["dependencies"]:
        if any(event == "load" for _, event in d["targets"]) and d["api_name"] not in LINK_LOADS:
            again = client.predict(api_name="/" + d["api_name"])
            assert (list(again) if len(d["outputs"]) > 1 else [again]) == [at_load[o] for o in d["outputs"]], d["api_name"]


def test_tabs_open_on_what_their_button_gives_for_the_settings_they_show(client, at_load):
    for api_name in ("generate_image", "generate_audio", "generate_notes", "play_melody", "generate_text",
                     "walk_names", "compress"):
        d = _dependency(client, api_name)
        defaults = [_components(client)[i]["props"].get("value") for i in d["inputs"]]
        pressed = client.predict(*defaults, api_name="/" + api_name)
        for output, value in zip(d["outputs"], pressed):
            shown, kind = at_load[output], _components(client)[output]["type"]
            if kind == "gallery":
                assert [_file_bytes(client, item["image"]) for item in shown] == \
                    [_file_bytes(client, item["image"]) for item in value], api_name
            elif kind in ("image", "audio", "downloadbutton"):
                assert _file_bytes(client, shown) == _file_bytes(client, value), (api_name, kind)
            elif kind == "highlightedtext":
                assert shown["value"] == value["value"], api_name         # the names; the label has a time in it
            elif kind == "dataframe":
                assert shown["data"] == value["data"], api_name
            elif kind == "markdown" and api_name == "compress":
                assert shown.split(";")[0] == value.split(";")[0]          # the same picture; the time differs


def test_a_deferred_example_is_what_its_button_gives(client, at_load):
    """Mode collapse takes a second, so it comes with the page's load; pressing Draw with the settings the
    page starts with gives the same histograms and counts."""
    d = _dependency(client, "mode_collapse")
    defaults = [_components(client)[i]["props"].get("value") for i in d["inputs"]]
    *pictures, table = client.predict(*defaults, api_name="/mode_collapse")
    assert [_file_bytes(client, at_load[o]) for o in d["outputs"][:4]] == [_file_bytes(client, p) for p in pictures]
    assert [row[:3] for row in at_load[d["outputs"][4]]["data"]] == [row[:3] for row in table["data"]]   # not ms


def test_the_duel_opens_on_the_drawing_it_says(client, at_load, tmp_path):
    """The duel's sketchpad starts empty; the race shown is the one on the app's own drawing of a 7, which
    uploaded gives the same race."""
    drawing = tmp_path / "seven.png"
    studio.pictures.example_drawing().save(drawing)
    d = _dependency(client, "inverse_duel")
    seen, vae, gan, rbm, table, curve = client.predict("mnist", "any", None, handle_file(str(drawing)),
                                                       api_name="/inverse_duel")
    assert [row[:3] for row in at_load[d["outputs"][4]]["data"]] == [row[:3] for row in table["data"]]
    assert _file_bytes(client, at_load[d["outputs"][0]]) == _file_bytes(client, seen)


def test_the_toy_opens_on_the_end_of_starts_run(client, at_load):
    d = _dependency(client, "toy_example")
    picture, curve, caption, gif = (at_load[o] for o in d["outputs"])
    assert "Step 2000 of 2000" in caption and max(row[0] for row in curve["data"]) == 2000
    assert _file_bytes(client, gif)[:6] == b"GIF89a"


def test_the_example_drawing_is_a_seven_the_evaluator_reads():
    from genapp import hub
    from genapp.studio.pictures import to_model_input
    x = to_model_input(studio.pictures.example_drawing())                 # (1, 1, 28, 28), ink on black
    assert int(hub.load("eval-mnist")(x).argmax(1)) == 7
