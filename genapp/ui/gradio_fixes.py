"""Every place genapp bends Gradio's own behaviour, each written for Gradio 6.31.0 (`WRITTEN_FOR`, the
release requirements.txt pins) and each guarded by a test in tests/test_gradio_fixes.py that fails when
Gradio changes under it: its own function moved or renamed, or it now does what the fix does.

1. Cache files written once (`install`: processing_utils.save_pil_to_cache, save_audio_to_cache).
   Gradio 6.31 writes every picture and sound a handler returns to a content-hashed path in its cache,
   and writes it again, in place, on every request. Twenty students asking for the same grid at once cut
   each other's downloads short (tests/test_load.py found it). Ours writes the same path, once, atomically.
   Guard: test_gradio_still_rewrites_its_cache_files_in_place, test_our_cache_files_are_gradios_paths.

2. A menu's refusal in the app's words (`install`: preprocess of gr.Dropdown, gr.Radio, gr.CheckboxGroup).
   Gradio 6.31 answers a value outside a menu's choices with "Value: 'x' is not in the list of choices:
   [...]"; ours names the menu and its choices ("Noise must be one of 'gaussian', 'salt-pepper'; 'fire'
   is not."). Set on the classes, not the instances: when an event changes a menu's choices, Gradio
   makes the menu anew from its class (blocks.postprocess_data), and the remade one must answer alike.
   Guard: test_gradio_still_refuses_a_menu_value_in_its_own_words, test_a_menu_refuses_in_our_words.

3. A number's refusal in the app's words (`Number`, `Slider`: set on each instance).
   Gradio 6.31 compares what the API sent with a Number's or Slider's bounds before any handler runs;
   text or true/false there fails with a bare 'Error', a number out of range with Gradio's sentence.
   Ours says what is wrong ("Seed must be 0 or more; -1 is out of range."). On the instance, not the
   class: a subclass of a Gradio component makes Gradio write a .pyi stub beside this file at import
   (component_meta.create_or_modify_pyi); a Number or Slider is never remade by an event here.
   Guard: test_gradio_still_refuses_text_for_a_number_with_a_bare_error, test_a_number_refuses_in_our_words.

4. Gradio's import without its stub pass (genapp/ui/gradio_import.py: it must run before Gradio is imported,
   and this module imports Gradio). Gradio 6.31, as it imports, parses the source of each of its component
   classes again to check the .pyi stub beside it (component_meta.create_or_modify_pyi): half of `import
   gradio`, 0.9 s of the app's start on 2 cores. app.py imports Gradio with that pass skipped; after the
   import, Gradio's function is back. Guard: test_gradio_still_writes_stubs_as_it_imports,
   test_our_gradio_import_skips_the_stub_pass_and_leaves_gradio_as_shipped.

5. A new session's copy of every block's config made when it is read (`install`: state_holder.SessionState).
   Gradio 6.31 makes a new session (a visitor's first request) build the config of each of the app's blocks
   (SessionState.config_values, read only to save a deep link, and to update the block an event changes),
   ~14 ms of the event loop's time, before the request joins the queue. Thirty students pressing Generate
   at once were thirty new sessions: 0.4 s of the 1.2 s the last of them waited. Ours makes a block's
   config when it is first read, each the one Gradio would have made (the block as the session holds it),
   and all of them, in Gradio's order, when every one is read (a deep link).
   Guard: test_gradio_still_builds_every_config_when_a_session_starts,
   test_our_session_builds_a_config_when_read_and_gives_gradios.

One mechanism per event, by what its inputs are:
- every input a plain value (a menu, a number, a text, a checkbox): the event sets preprocess=False,
  so the raw values reach the studio, whose one check refuses in its words; Gradio's preprocess, which
  would refuse first in its own, never runs. Fixes 2 and 3 play no part there.
- an input that is a file (an upload, a drawing, a recording; and the toy's events, which take Gradio's
  rounding of their numbers): Gradio must preprocess, and fixes 2 and 3 make its refusals ours.

Tried and not kept: Gradio's own `validator=` (an event's validator runs before its handler and returns
gr.validate(False, message)). On Gradio 6.31 a validator runs with the event's preprocess setting, so on
the events that preprocess Gradio still refuses first, in its words, and a refusal raised there reaches
an API client as a bare HTTP 400; on the preprocess=False events it replaces nothing (the studio check is
already the first to see the values). Where it refuses, a client sees the refusal as HTTP 422 at
/queue/join (gradio_client: "ValidationError: 1 parameter(s) failed validation: - parameter_0: ..."),
not as the event's error, and a plain HTTP client following the documented /call two-step gets an
exception at its first step; and a validator must return one gr.validate per input, while a studio
check's sentence names no input, so the refusal came out as "- dataset: The number of images must be
from 1 to 64; 100 is out of range." for n=100. Tried on the four main buttons (validator= in place of the
private check event), load section of bench --quick (bench.served(quick=True)), back to back on the
shared 2 cores: 20 clients x 5 mixed, without validator p95 2,516 ms, 9.9 requests/s; with it p95
2,243 ms, 10.7 requests/s (within the noise of a shared machine); one client, median ms without/with:
grid 150/131, clip 85/183, names 70/125, walk 176/165, raw /call grid 110/205 (the validator is one more
process_api per request). No better load, a worse refusal: kept the studio check.

Not a workaround, a choice of Gradio's own argument: every picture goes out as gr.Image(format="png") or
gr.Gallery(format="png") (Gradio 6.31's default is lossy WebP): single pixels stay sharp, and a 64-image
grid is written in 3.4 ms instead of 14.2. Guard: test_gradios_default_picture_format_is_still_webp
and tests/test_app.py::test_every_picture_the_app_draws_is_sent_as_lossless_png.
"""
import functools
import hashlib
import json
import math
import os
import reprlib
import tempfile
import threading
import weakref
from pathlib import Path

import gradio as gr
from gradio import processing_utils, state_holder

WRITTEN_FOR = "6.31.0"


def write_once(path: Path, data: bytes) -> None:
    """Write a content-addressed file whole or not at all: into a temporary name, then renamed into
    place, so that a visitor downloading it never reads it half rewritten by another's request."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as f:
        f.write(data)
    os.replace(f.name, path)


# 1. cache files written once

_WRITTEN: dict = {}           # id(picture) -> (a weak reference to it, {(cache_dir, name, format): path})
_WRITTEN_LOCK = threading.Lock()


def save_pil_to_cache(img, cache_dir: str, name: str = "image", format: str = "webp") -> str:
    """processing_utils.save_pil_to_cache (the same content-hashed path), written once and atomically; a
    picture object already written (a shared result sent again: ui/shared.py) is not encoded again."""
    key = (cache_dir, name, format)
    with _WRITTEN_LOCK:
        ref, paths = _WRITTEN.get(id(img), (None, None))
        if ref is not None and ref() is img and key in paths and os.path.exists(paths[key]):
            return paths[key]
    data = processing_utils.encode_pil_to_bytes(img, format)
    path = str((Path(cache_dir) / processing_utils.hash_bytes(data) / f"{name}.{format}").resolve())
    write_once(Path(path), data)
    with _WRITTEN_LOCK:
        ref, paths = _WRITTEN.get(id(img), (None, None))
        if ref is None or ref() is not img:
            ident = id(img)
            ref, paths = weakref.ref(img, lambda _, ident=ident: _forget(ident)), {}
            _WRITTEN[ident] = (ref, paths)
        paths[key] = path
    return path


def _forget(ident: int):
    """A written picture was freed: drop its entry (unless its id already serves a newer picture)."""
    with _WRITTEN_LOCK:
        entry = _WRITTEN.get(ident)
        if entry is not None and entry[0]() is None:
            del _WRITTEN[ident]


def save_audio_to_cache(data, sample_rate: int, format: str, cache_dir: str) -> str:
    """processing_utils.save_audio_to_cache (the same content-hashed path), written once and atomically."""
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


# 2. a menu's refusal in the app's words

MENUS = (gr.Dropdown, gr.Radio, gr.CheckboxGroup)


def _names_the_choices(preprocess):
    """A menu's preprocess whose refusal of a value outside its choices names the menu and its choices."""
    @functools.wraps(preprocess)
    def checked(self, payload):
        try:
            return preprocess(self, payload)
        except gr.Error:
            values = ", ".join(repr(value) for _, value in self.choices)
            raise gr.Error(f"{self.label or 'This menu'} must be one of {values}; {reprlib.repr(payload)} is not.",
                           print_exception=False) from None
    checked.genapp_fix = True
    return checked


# 3. a number's refusal in the app's words

def _checked_number(component, payload):
    """What the API sent to a gr.Number or gr.Slider, if it is a number within the component's bounds."""
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
    """Check what the API sends to `component` (a gr.Number or gr.Slider) before Gradio's own preprocess."""
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


# 5. a session's block configs made when read

class BlockConfigs(dict):
    """SessionState.config_values (block id -> its config), each made when first read; the ones made or set
    are a plain dict's entries. Iterating makes the rest, in the order Gradio would have made them."""

    def __init__(self, blocks_config, ids):
        super().__init__()
        self.blocks_config, self.order, self.pending = blocks_config, list(ids), set(ids)

    def _make(self, key):
        self.pending.discard(key)
        config = self.blocks_config.config_for_block(key, [], self.blocks_config.blocks[key])
        dict.__setitem__(self, key, config)
        return config

    def __missing__(self, key):
        if key not in self.pending:
            raise KeyError(key)
        return self._make(key)

    def __contains__(self, key):
        return key in self.pending or dict.__contains__(self, key)

    def __setitem__(self, key, value):
        self.pending.discard(key)
        dict.__setitem__(self, key, value)

    def get(self, key, default=None):
        return self[key] if key in self else default

    def _every(self):
        """Make the ones not made yet, and order all as Gradio's dict was: its blocks first, then those set later."""
        if not self.pending and list(dict.keys(self))[:len(self.order)] == self.order:
            return
        made = dict(dict.items(self))
        dict.clear(self)
        for key in self.order:
            dict.__setitem__(self, key, made[key] if key in made else
                             self.blocks_config.config_for_block(key, [], self.blocks_config.blocks[key]))
        for key, value in made.items():
            if key not in self.order:
                dict.__setitem__(self, key, value)
        self.pending.clear()

    def __iter__(self):
        self._every()
        return dict.__iter__(self)

    def __len__(self):
        return len(self.pending) + dict.__len__(self)

    def keys(self):
        self._every()
        return dict.keys(self)

    def values(self):
        self._every()
        return dict.values(self)

    def items(self):
        self._every()
        return dict.items(self)


def _session_state_init(self, blocks):
    """SessionState.__init__ of Gradio 6.31, its config_values made when read (BlockConfigs)."""
    _gradio_session_state_init(self, _NoBlocks(blocks))
    self.config_values = BlockConfigs(self.blocks_config,
                                      [k for k in self.blocks_config.blocks if k in blocks.blocks])


class _NoBlocks:
    """The Blocks as Gradio's SessionState.__init__ reads it, with no block to make a config for."""

    def __init__(self, blocks):
        self.default_config, self.blocks = blocks.default_config, {}


_gradio_session_state_init = getattr(state_holder.SessionState.__init__, "gradios", state_holder.SessionState.__init__)
_session_state_init.gradios = _gradio_session_state_init


# the process-wide ones

def install() -> None:
    """Apply fixes 1, 2 and 5. Process-wide, because Gradio calls what they replace from its own server
    threads on every request, not from one call of ours that a mock.patch could scope. Idempotent."""
    processing_utils.save_pil_to_cache = save_pil_to_cache
    processing_utils.save_audio_to_cache = save_audio_to_cache
    state_holder.SessionState.__init__ = _session_state_init
    for menu in MENUS:
        if not getattr(menu.preprocess, "genapp_fix", False):
            menu.preprocess = _names_the_choices(menu.preprocess)
