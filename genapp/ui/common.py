"""What the tabs share: turning a studio refusal into a sentence on screen, a main button's check -> run
events (wire), files to download, the checkpoint and the worked example each tab opens on. Gradio's own behaviour, where the app bends it, is in gradio_fixes."""
import functools
import hashlib
import inspect
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import gradio as gr
from gradio import processing_utils
from PIL import Image

from .. import studio
from . import gradio_fixes
from .gradio_fixes import write_once
from .links import covers, keys_of, lesson_link
from .shared import fresh, shared

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
# GIF also written faster: 17 -> 22 requests/s, p95 1.4 -> 1.05 s. tests/test_app.py checks each one;
# tests/test_gradio_fixes.py that Gradio's default is still WebP.

# Gradio's own behaviour, bent where the app needs it: every workaround, its release and its test there
gradio_fixes.install()


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


def with_progress(fn):
    """`fn` as an event's handler that moves a progress bar: its `progress` parameter (None for the worked
    example, called without one) defaults to a gr.Progress, which Gradio fills in."""
    signature = inspect.signature(fn)
    if "progress" not in signature.parameters or isinstance(signature.parameters["progress"].default, gr.Progress):
        return fn

    @functools.wraps(fn)
    def tracked(*args, **kwargs):
        return fn(*args, **kwargs)
    tracked.__signature__ = signature.replace(parameters=[
        p.replace(default=gr.Progress()) if p.name == "progress" else p for p in signature.parameters.values()])
    return tracked


def wire(button, check, run, inputs, outputs, *, api_name: str, preprocess: bool = True, **queue):
    """A main button's events: `check` first, private and with no outputs, so that a refused request leaves
    what is on screen (a run that raises gr.Error covers each of its outputs with an "Error" badge in Gradio
    6.31, the last result hidden: tried on a one-button app in Chromium); then, if it passed, `run` (its progress bar moving, see with_progress), the API's
    endpoint `api_name`. Both take `inputs` with the same `preprocess` (gradio_fixes says which); `queue`:
    the run's concurrency (MAIN_QUEUE, or concurrency_limit=...). Identical runs share one result (shared.py).
    A Copy link button after it gives a lesson link to the panel (links.py). Returns the run's event, for a
    step after it."""
    handler = shared(with_progress(run), api_name)
    lesson_link(api_name, button, inputs, outputs, handler, check, keys=keys_of(run, inputs))
    return button.click(check, inputs, None, preprocess=preprocess, api_visibility="private").success(
        handler, inputs, outputs, api_name=api_name, preprocess=preprocess, **queue)


def tab_of_sections(title: str, tab_id: str, sections):
    """A tab whose sub-tabs are sections: (title, id, the section's build functions) each."""
    with gr.Tab(title, id=tab_id), gr.Tabs():
        for section_title, section_id, *builds in sections:
            with gr.Tab(section_title, id=section_id):
                for build in builds:
                    build()


def picture_datasets() -> list[tuple[str, str]]:
    """The picture data sets as a menu's (title, name) choices, in the registry's order."""
    return [(dataset.title, name) for name, dataset in studio.checks.DATASETS.items()]


def first_of(checkpoints: list[str], family: str | None = None) -> str:
    """The checkpoint a tab opens on: of `checkpoints` (those of `family`, where the example is about one),
    the first from the data set that comes first in the registry (MNIST: the figure people know). The
    studio lists its checkpoints in bundled order, so the registry's order is applied here."""
    registry = list(studio.checks.ALL_DATASETS)
    candidates = [c for c in checkpoints if family is None or studio.family_of(c) == family] or checkpoints
    return min(candidates, key=lambda c: registry.index(studio.checkpoint_dataset(c)))


def kept(update, current, default="any"):
    """A menu's update for new choices that keeps its current value where it is still one of them: a lesson
    link sets a menu and the data set or checkpoint it depends on at once, and the change that follows must
    not undo it."""
    values = [c[1] if isinstance(c, tuple) else c for c in update.get("choices") or []]
    update["value"] = current if current in values else update.get("value", default)
    return update


def download_file(data: bytes, name: str) -> str:
    """Write bytes to a file named `name` in a folder named by their hash; returns its path."""
    path = DOWNLOADS / hashlib.sha256(data).hexdigest()[:16] / name
    write_once(path, data)
    return str(path)


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
# would fight over the two cores. They start once the server is up: computed while it starts, they took
# the cores from it. Until then each waits in _WAITING as a function that starts it (not as a thread
# waiting: a process that builds the app and never serves, a test, must be able to exit).
_LATER = ThreadPoolExecutor(1, thread_name_prefix="worked-example")
_WAITING: list | None = []                  # None once serving
_WAITING_LOCK = threading.Lock()


def serving():
    """Start computing the worked examples that wait for the server (app.py, once it serves)."""
    global _WAITING
    with _WAITING_LOCK:
        starts, _WAITING = _WAITING or [], None
    for start in starts:
        start()


def _when_serving(start):
    """Call start() now if the server is up, else when it is (serving())."""
    with _WAITING_LOCK:
        if _WAITING is not None:
            _WAITING.append(start)
            return
    start()


def worked_example_later(fn, inputs, outputs, api_name: str, instead: dict | None = None, elsewhere=False):
    """worked_example for one that takes seconds, or one off the first tab that would hold up the start (Text,
    the names walk, the Gibbs chain, denoising, inpainting: 0.4 s), so that the server need not wait for it
    before serving: computed in the background once the server is up (serving()) and put in `outputs` as each
    page loads (a load event that returns what is kept, or waits for it in the first seconds after a start). A
    page that loads before serving() was called starts them itself. elsewhere: `fn` mostly waits for work
    done in another process (the toy's worker), so it waits in a thread of its own."""
    example = Future()

    def compute():
        try:
            example.set_result([_kept(value) for value in worked_example(fn, inputs, instead)])
        except BaseException as e:
            example.set_exception(e)

    def start():
        if elsewhere:
            threading.Thread(target=compute, name="worked-example", daemon=True).start()
        else:
            _LATER.submit(compute)

    def shown(request: gr.Request):
        serving()
        if covers(request, outputs):                  # the page's lesson link fills them instead
            return [gr.skip()] * len(outputs)
        return fresh(example.result())

    _when_serving(start)
    gr.on(None, speaks_errors(shown), None, outputs, api_name=api_name, api_visibility="undocumented",
          queue=False)


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


def picture_of(sketch, upload):
    """An uploaded file's bytes if there is one, else the sketchpad's flattened drawing (or None)."""
    if upload:
        return upload
    return sketch.get("composite") if isinstance(sketch, dict) else sketch


def progress_callback(progress: gr.Progress, desc: str):
    """A studio-style callback(done, total) that moves a Gradio progress bar."""
    return lambda done, total: progress((done, total), desc=desc)
