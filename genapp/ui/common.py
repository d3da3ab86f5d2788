"""What the tabs share: turning a studio refusal into a sentence on screen, files to download, and the
worked example each tab opens on."""
import functools
import hashlib
import inspect
import json
import math
import os
import reprlib
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import gradio as gr
from gradio import processing_utils
from PIL import Image

from .. import studio

DOWNLOADS = Path(tempfile.gettempdir()) / "genapp-downloads"

# The main buttons of the Image, Audio, Text and Latent walk tabs (what a class presses at once) share
# one queue of two workers, one per core, first come first served. 20 clients x 5 mixed requests
# (python -m genapp bench --quick): a queue of two per button let up to eight run at once and the
# slower buttons wait in their own lines, p95 1.8-2.1 s; one shared queue, p95 1.3-1.4 s at the same
# throughput (14 requests/s).
MAIN_QUEUE = dict(concurrency_id="main", concurrency_limit=2)

# Every picture the app draws goes out as gr.Image(format="png") or gr.Gallery(format="png"): lossless,
# so single pixels stay sharp, and 3-5x quicker to write than Gradio's default lossy WebP (a 64-image
# grid 14.2 -> 3.4 ms, a walk's strip 18.2 -> 4.5 ms). 20 clients x 50 mixed requests with the walk's
# GIF also written faster: 17 -> 22 requests/s, p95 1.4 -> 1.05 s. tests/test_app.py checks each one.


def speaks_errors(fn):
    """Show a studio.BadRequest as a gr.Error (a message box, not a traceback). A generator function
    stays one, so that Gradio still streams what it yields."""
    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def streaming(*args, **kwargs):
            try:
                yield from fn(*args, **kwargs)
            except studio.BadRequest as e:
                raise gr.Error(str(e), print_exception=False) from None
        return streaming

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except studio.BadRequest as e:
            raise gr.Error(str(e), print_exception=False) from None
    return wrapper


def _checked_number(component, payload):
    """What the API sent to a gr.Number or gr.Slider, if it is a number within the component's bounds.
    Gradio compares it with the bounds before any handler runs, and text there fails with a bare
    'Error'; this says what is wrong instead."""
    low, high = component.minimum, component.maximum
    span = (f"from {low:g} to {high:g}" if low is not None and high is not None else
            f"{low:g} or more" if low is not None else f"{high:g} or less" if high is not None else "")
    if isinstance(payload, bool) or not isinstance(payload, (int, float)) or not math.isfinite(payload):
        raise gr.Error(f"{component.label} must be a number{f' ({span})' if span else ''}; "
                       f"{reprlib.repr(payload)} is not.",
                       print_exception=False)
    if (low is not None and payload < low) or (high is not None and payload > high):
        raise gr.Error(f"{component.label} must be {span}; "
                       f"{reprlib.repr(payload)} is out of range.", print_exception=False)
    return payload


def _says_not_a_number(component):
    """Check what the API sends to `component` (a gr.Number or gr.Slider) before Gradio's own
    preprocessing. Set on the instance: a subclass of a Gradio component would make Gradio write a
    .pyi stub beside this file at import."""
    preprocess = component.preprocess

    def checked(payload):
        if payload is None and isinstance(component, gr.Number):
            return None                 # an emptied box: the studio check names the value it needs
        return preprocess(_checked_number(component, payload))
    component.preprocess = checked
    return component


def Number(*args, **kwargs) -> gr.Number:
    """gr.Number for events that preprocess: text, true/false or NaN get a sentence, not 'Error'."""
    return _says_not_a_number(gr.Number(*args, **kwargs))


def Slider(*args, **kwargs) -> gr.Slider:
    """gr.Slider for events that preprocess: text, true/false, NaN or None get a sentence, not 'Error'."""
    return _says_not_a_number(gr.Slider(*args, **kwargs))


def _names_the_choices(preprocess):
    """A menu's preprocess whose refusal of a value outside its choices names the menu and its choices
    in the app's words, not Gradio's "Value: 'x' (type: <class 'str'>) is not in the list of choices".
    Set on the classes, so that menus whose choices an event changed (Gradio makes them anew) answer
    alike, against their own choices."""
    @functools.wraps(preprocess)
    def checked(self, payload):
        try:
            return preprocess(self, payload)
        except gr.Error:
            values = ", ".join(repr(value) for _, value in self.choices)
            raise gr.Error(f"{self.label or 'This menu'} must be one of {values}; {reprlib.repr(payload)} is not.",
                           print_exception=False) from None
    return checked


for _menu in (gr.Dropdown, gr.Radio, gr.CheckboxGroup):
    _menu.preprocess = _names_the_choices(_menu.preprocess)


def write_once(path: Path, data: bytes) -> None:
    """Write a content-addressed file whole or not at all: into a temporary name, then renamed into
    place, so that a visitor downloading it never reads it half rewritten by another's request."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as f:
        f.write(data)
    os.replace(f.name, path)


def download_file(data: bytes, name: str) -> str:
    """Write bytes to a file named `name` in a folder named by their hash; returns its path."""
    path = DOWNLOADS / hashlib.sha256(data).hexdigest()[:16] / name
    write_once(path, data)
    return str(path)


def _save_pil_to_cache(img, cache_dir: str, name: str = "image", format: str = "webp") -> str:
    """gradio.processing_utils.save_pil_to_cache, but written once and atomically: Gradio 6.31 rewrites
    the (content-hashed) file in place on every request, and twenty students asking for the same grid
    at once cut each other's downloads short (tests/test_load.py)."""
    data = processing_utils.encode_pil_to_bytes(img, format)
    path = (Path(cache_dir) / processing_utils.hash_bytes(data) / f"{name}.{format}").resolve()
    write_once(path, data)
    return str(path)


def _save_audio_to_cache(data, sample_rate: int, format: str, cache_dir: str) -> str:
    """gradio.processing_utils.save_audio_to_cache (the same content-hashed path), written once and
    atomically, for the same reason as _save_pil_to_cache."""
    meta = {"cache_schema": "audio-cache-v1", "dtype": str(data.dtype), "format": format,
            "sample_rate": int(sample_rate), "shape": data.shape}
    digest = hashlib.sha256(processing_utils.hash_seed)
    digest.update(json.dumps(meta, sort_keys=True).encode("utf-8"))
    digest.update(data.tobytes())
    path = (Path(cache_dir) / digest.hexdigest() / f"audio.{format}").resolve()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, partial = tempfile.mkstemp(dir=path.parent, suffix=f".{format}")   # the suffix picks the encoder
        os.close(fd)
        processing_utils.audio_to_file(sample_rate, data, partial, format=format)
        os.replace(partial, path)
    return str(path)


processing_utils.save_pil_to_cache = _save_pil_to_cache
processing_utils.save_audio_to_cache = _save_audio_to_cache


def worked_example(fn, inputs, instead: dict | None = None):
    """What `fn` gives for the values `inputs` start with: the components' raw values, which the page
    sends back when a visitor presses the button untouched (a handler with preprocess=False receives
    them as they are; the others receive the same for menus, numbers, text and checkboxes). `instead`
    gives what the handler receives where that differs: a file's path, or, for an input with no default
    (a sketchpad), the source the example uses, which the tab names on screen. Called in build(),
    before the outputs it fills: computed once per process at start and passed to their constructors,
    so every visitor opens the tab on it at no cost."""
    instead = instead or {}
    return fn(*[instead[c] if c in instead else c.value for c in inputs])


# Worked examples that take seconds are computed one at a time beside the server's requests: two at once
# would fight over the two cores.
_LATER = ThreadPoolExecutor(1, thread_name_prefix="worked-example")


def worked_example_later(fn, inputs, outputs, api_name: str, instead: dict | None = None, elsewhere=False):
    """worked_example for one that takes seconds, so that the server need not wait for it before serving:
    computed in the background from start and put in `outputs` as each page loads (a load event that
    returns what is kept, or waits for it in the first seconds after a start). elsewhere: `fn` mostly
    waits for work done in another process (the toy's worker), so it waits in a thread of its own."""
    pool = ThreadPoolExecutor(1, thread_name_prefix="worked-example") if elsewhere else _LATER
    example = pool.submit(lambda: [_kept(value) for value in worked_example(fn, inputs, instead)])
    if elsewhere:
        pool.shutdown(wait=False)                                  # the thread ends with the example
    gr.on(None, speaks_errors(lambda: example.result()), None, outputs, api_name=api_name,
          api_visibility="undocumented", queue=False)


def _kept(value):
    """A picture as a PNG file written once: a load event then sends each visitor the file, where it
    would encode the picture again for every one (the seven load events: 115 -> 45 ms of server CPU a
    visit; the page itself costs ~100 ms)."""
    if isinstance(value, Image.Image):
        return download_file(processing_utils.encode_pil_to_bytes(value, "png"), "example.png")
    return value


def props(update: dict) -> dict:
    """What a gr.update(...) a handler returned sets, as keywords for the component's constructor."""
    return {key: value for key, value in update.items() if key != "__type__"}


def progress_callback(progress: gr.Progress, desc: str):
    """A studio-style callback(done, total) that moves a Gradio progress bar."""
    return lambda done, total: progress((done, total), desc=desc)
