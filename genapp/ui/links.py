"""Lesson links: a view's settings in the page's address. Each panel with a main button has a *Copy link*
button beside it: it writes `?view=NAME&seed=3&...` (NAME: the panel's endpoint, the keys: its handler's
parameters) into the address bar and the clipboard, and shows the link. Opening such a link selects the
panel's tab (and sub-tab), sets its settings and puts its result on screen, computed as its button would
(the same shared result for a class that opens the same link at once). A teacher's lesson plan is then a
list of links.

A link holds settings, not uploads: a drawn, uploaded or recorded input opens empty (a panel that needs one
says so, as its button would). Refusals (a seed out of range, an unknown view) come as a sentence in a
toast, and the page opens as it would without the link."""
import inspect
import json
from dataclasses import dataclass
from urllib.parse import parse_qsl

import gradio as gr

from .. import studio

VIEW = "view"
MAX_QUERY = 4000            # characters of a link's query: a panel's settings take a few hundred
PLAIN = (gr.Number, gr.Slider, gr.Dropdown, gr.Radio, gr.Checkbox, gr.CheckboxGroup, gr.Textbox)

COPY_JS = """(...values) => {
  const keys = %s;
  const url = new URL(window.location.href);
  url.search = "";
  url.hash = "";
  url.searchParams.set("view", %s);
  keys.forEach((key, i) => {
    const v = values[i];
    url.searchParams.set(key, typeof v === "string" ? v : JSON.stringify(v));
  });
  const link = url.toString();
  window.history.replaceState(null, "", link);
  if (navigator.clipboard) navigator.clipboard.writeText(link).catch(() => {});
  return link;
}"""


@dataclass
class Panel:
    name: str                   # the view's name in a link: the panel's endpoint
    tabs: list                  # (gr.Tabs, the selected Tab's id), outermost first
    keys: list[str]             # the link's keys: the handler's parameters, one per input
    inputs: list                # the handler's inputs
    outputs: list
    run: object = None          # inputs' values -> outputs' values; None: the link sets the settings only
    check: object = None        # raises studio.BadRequest (or gr.Error) before run
    finish: object = None       # run's values -> the updates shown (what the button's later steps do)


PANELS: dict[str, Panel] = {}


def _tabs_above(block) -> list:
    """(Tabs, Tab id) of each tab that holds `block`, outermost first."""
    found = []
    while block is not None:
        if isinstance(block, gr.Tab) and isinstance(block.parent, gr.Tabs):
            found.append((block.parent, block.id))
        block = block.parent
    return found[::-1]


def keys_of(fn, inputs) -> list[str]:
    """A handler's parameters, one per input: a link's keys."""
    names = [p for p in inspect.signature(fn).parameters if p not in ("progress", "request")]
    return names[:len(inputs)]


def lesson_link(name: str, button, inputs, outputs, run=None, check=None, keys=None):
    """Register `button`'s panel for links, and put a Copy link button and the link's box after it. `run`
    is the button's handler (or None: settings only); keys default to its parameters' names."""
    keys = keys or keys_of(run, inputs)
    PANELS[name] = Panel(name, _tabs_above(button), keys, list(inputs), list(outputs), run, check)
    plain = [(k, c) for k, c in zip(keys, inputs) if isinstance(c, PLAIN)]
    if any(p.inputs == list(inputs) for p in PANELS.values() if p.name != name):
        return                  # a second button on the same settings (the other style): one link is enough
    with button.parent, gr.Row(equal_height=True):
        copy = gr.Button("Copy link", size="sm", scale=0, min_width=110)
        box = gr.Textbox(show_label=False, placeholder="a link to this view, its settings and its result",
                         interactive=False, container=False, scale=4, buttons=["copy"])
    copy.click(None, [c for _, c in plain], box, api_visibility="private", queue=False,
               js=COPY_JS % (json.dumps([k for k, _ in plain]), json.dumps(name)))


def _value(component, raw: str):
    """A link's text for an input -> the value the component would hold: text stays text; numbers, lists
    and true/false are read as JSON; a menu's choice as whichever of the two it offers."""
    if isinstance(component, gr.Textbox):
        return raw
    try:
        parsed = json.loads(raw)
    except ValueError:
        return raw
    choices = [value for _, value in getattr(component, "choices", None) or []]
    if choices:
        return parsed if raw not in choices and parsed in choices else raw
    return raw if isinstance(component.value, str) else parsed


def wanted(request: gr.Request | None) -> tuple[Panel | None, dict]:
    """The panel a page's address names, and its settings as text; (None, {}) for an address with none."""
    query = str(request.url.query) if request is not None and request.url else ""
    if VIEW not in (request.query_params if request is not None else {}):
        return None, {}
    if len(query) > MAX_QUERY:
        raise studio.BadRequest(f"This link is {len(query):,} characters long; a lesson link has at most {MAX_QUERY:,}.")
    params = dict(parse_qsl(query, keep_blank_values=True))
    name = params.pop(VIEW)
    if name not in PANELS:
        raise studio.BadRequest(f"This link names a view this app does not have ({name[:40]!r}): the page opens as usual.")
    return PANELS[name], params


def covers(request: gr.Request | None, outputs) -> bool:
    """Does the page's link put a result in any of `outputs`? (A worked example there then stands aside.)"""
    try:
        panel, _ = wanted(request)
    except studio.BadRequest:
        return False
    return panel is not None and any(o in panel.outputs for o in outputs)


def restore(request: gr.Request, progress=gr.Progress()):
    """The load event's updates for a page opened from a link: its tabs selected, its settings set, its
    result computed as the button would."""
    try:
        panel, params = wanted(request)
    except studio.BadRequest as e:
        gr.Warning(str(e))
        return {}
    if panel is None:
        return {}
    updates = {tabs: gr.Tabs(selected=tab) for tabs, tab in panel.tabs}
    values = []
    for key, component in zip(panel.keys, panel.inputs):
        if key in params and isinstance(component, PLAIN):
            values.append(_value(component, params[key]))
            updates[component] = values[-1]
        else:
            values.append(component.value if isinstance(component, PLAIN) else None)
    if panel.run is None:
        return updates
    try:
        if panel.check is not None:
            panel.check(*values)
        takes_progress = "progress" in inspect.signature(panel.run).parameters
        result = panel.run(*values, **({"progress": progress} if takes_progress else {}))
    except (studio.BadRequest, gr.Error) as e:
        gr.Warning(f"This link's settings are set, but: {getattr(e, 'message', None) or e}")
        return updates
    result = result if isinstance(result, (list, tuple)) else [result]
    if panel.finish is not None:
        result = panel.finish(*result)
    updates.update(zip(panel.outputs, result))
    return updates


def all_components() -> list:
    """Every component a link may update: the load event's outputs."""
    seen = {}
    for panel in PANELS.values():    # a menu before what it depends on (its data set, its checkpoint, first in
        # a panel): set first, it is what the change of the other reads, and keeps (common.kept)
        for c in [t for t, _ in panel.tabs] + panel.inputs[::-1] + panel.outputs:
            seen[id(c)] = c
    return list(seen.values())
