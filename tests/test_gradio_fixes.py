"""Each Gradio workaround in genapp/ui/gradio_fixes.py, guarded twice: Gradio still behaves as the fix
assumes (the function we replace exists with the signature we copy, and still does what we change), and
our behaviour shows. When Gradio changes under a fix, the first test of its pair fails: read the fix's
docstring, then drop it or write it again for the new release."""
import inspect
import os
import subprocess
import sys

import gradio as gr
import numpy as np
import pytest
from gradio import processing_utils, state_holder
from PIL import Image

from conftest import ROOT
from genapp.ui import gradio_fixes

gradio_fixes.install()


def _gradios(name):
    """Gradio's own processing_utils function `name`, as shipped (install() replaced it in the module)."""
    import importlib.util
    spec = importlib.util.find_spec("gradio.processing_utils")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, name)


def test_written_for_the_pinned_gradio():
    assert gr.__version__ == gradio_fixes.WRITTEN_FOR, \
        f"Gradio {gr.__version__}: check each fix in genapp/ui/gradio_fixes.py, then update WRITTEN_FOR"


# 1. cache files written once

def test_gradio_still_rewrites_its_cache_files_in_place(tmp_path):
    """Gradio's own save_pil_to_cache and save_audio_to_cache take the arguments ours take and write the
    same file again on a second call: the race the fix closes."""
    save_pil, save_audio = _gradios("save_pil_to_cache"), _gradios("save_audio_to_cache")
    assert list(inspect.signature(save_pil).parameters) == list(inspect.signature(gradio_fixes.save_pil_to_cache).parameters)
    assert list(inspect.signature(save_audio).parameters) == \
        list(inspect.signature(gradio_fixes.save_audio_to_cache).parameters)
    img = Image.new("L", (28, 28), 128)
    first = save_pil(img, str(tmp_path), format="png")
    os.utime(first, (0, 0))
    assert save_pil(img, str(tmp_path), format="png") == first
    assert os.stat(first).st_mtime != 0, "Gradio no longer rewrites a cached picture: drop fix 1?"
    clip = (np.sin(np.arange(800) / 10) * 10_000).astype(np.int16)
    first = save_audio(clip, 8000, "wav", str(tmp_path))
    os.utime(first, (0, 0))
    assert save_audio(clip, 8000, "wav", str(tmp_path)) == first
    assert os.stat(first).st_mtime != 0, "Gradio no longer rewrites a cached sound: drop fix 1?"


def test_our_cache_files_are_gradios_paths_and_bytes_written_once(tmp_path):
    img = Image.new("L", (28, 28), 128)
    clip = (np.sin(np.arange(800) / 10) * 10_000).astype(np.int16)
    for ours, theirs, args in [(gradio_fixes.save_pil_to_cache, _gradios("save_pil_to_cache"),
                                (img, str(tmp_path / "a"), "image", "png")),
                               (gradio_fixes.save_audio_to_cache, _gradios("save_audio_to_cache"),
                                (clip, 8000, "wav", str(tmp_path / "a")))]:
        path = ours(*args)
        gradio_path = theirs(*[str(tmp_path / "b") if isinstance(a, str) and a == str(tmp_path / "a") else a for a in args])
        assert os.path.relpath(path, tmp_path / "a") == os.path.relpath(gradio_path, tmp_path / "b")
        assert open(path, "rb").read() == open(gradio_path, "rb").read()
        os.utime(path, (0, 0))
        assert ours(*args) == path and os.stat(path).st_mtime == 0       # not written again
    assert processing_utils.save_pil_to_cache is gradio_fixes.save_pil_to_cache
    assert processing_utils.save_audio_to_cache is gradio_fixes.save_audio_to_cache


def test_gradio_pictures_reach_the_cache_through_processing_utils(tmp_path):
    """gr.Image looks save_pil_to_cache up in processing_utils at each call (so replacing it there
    reaches every picture the app sends)."""
    image = gr.Image(type="pil", format="png")
    sent = image.postprocess(Image.new("L", (4, 4), 0))
    assert sent.path.endswith("image.png")
    os.utime(sent.path, (0, 0))
    assert image.postprocess(Image.new("L", (4, 4), 0)).path == sent.path and os.stat(sent.path).st_mtime == 0


# 2. a menu's refusal in the app's words

@pytest.mark.parametrize("menu", [gr.Dropdown, gr.Radio, gr.CheckboxGroup])
def test_gradio_still_refuses_a_menu_value_in_its_own_words(menu):
    gradios = menu.preprocess.__wrapped__                          # what install() wrapped
    with pytest.raises(gr.Error) as refused:
        gradios(menu(["a", "b"], label="Menu"), ["x"] if menu is gr.CheckboxGroup else "x")
    assert "not in the list of choices" in refused.value.message, "Gradio words menus anew: check fix 2"


@pytest.mark.parametrize("menu", [gr.Dropdown, gr.Radio, gr.CheckboxGroup])
def test_a_menu_refuses_in_our_words(menu):
    bad = ["x"] if menu is gr.CheckboxGroup else "x"
    with pytest.raises(gr.Error) as refused:
        menu(["a", "b"], label="Menu").preprocess(bad)
    assert refused.value.message == f"Menu must be one of 'a', 'b'; {bad!r} is not."
    gradio_fixes.install()                                         # twice is once
    assert not getattr(menu.preprocess.__wrapped__, "genapp_fix", False)


def test_gradio_still_remakes_an_updated_menu_from_its_class():
    """Why fix 2 sits on the classes: blocks.postprocess_data makes an updated component anew as
    block.__class__(**kwargs), which an instance's own preprocess would not survive."""
    from gradio import blocks
    assert "block.__class__(**kwargs)" in inspect.getsource(blocks.Blocks.postprocess_data)


# 3. a number's refusal in the app's words

@pytest.mark.parametrize("component", [gr.Number(0, minimum=0, label="Seed"), gr.Slider(1, 8, label="Steps")])
def test_gradio_still_refuses_text_for_a_number_with_a_bare_error(component):
    with pytest.raises(Exception) as refused:
        component.preprocess("ten")
    assert "must be" not in str(refused.value), "Gradio words a bad number now: check fix 3"
    with pytest.raises(gr.Error) as refused:
        component.preprocess(-100)                                  # out of range: Gradio's sentence
    assert "-100" in refused.value.message and component.label not in refused.value.message


def test_a_number_refuses_in_our_words():
    seed, steps = gradio_fixes.Number(0, precision=0, minimum=0, label="Seed"), gradio_fixes.Slider(1, 8, label="Steps")
    for component, bad, words in [(seed, "ten", "Seed must be a number (0 or more); 'ten' is not."),
                                  (seed, -1, "Seed must be 0 or more; -1 is out of range."),
                                  (seed, True, "Seed must be a number (0 or more); True is not."),
                                  (steps, float("nan"), "Steps must be a number (from 1 to 8); nan is not."),
                                  (steps, None, "Steps must be a number (from 1 to 8); None is not."),
                                  (steps, 9, "Steps must be from 1 to 8; 9 is out of range.")]:
        with pytest.raises(gr.Error) as refused:
            component.preprocess(bad)
        assert refused.value.message == words
    assert seed.preprocess(3.0) == 3 and seed.preprocess(None) is None and steps.preprocess(2) == 2


def test_a_gradio_component_subclass_still_writes_a_stub_beside_its_module():
    """Why fix 3 sits on instances, not on a subclass."""
    from gradio import component_meta
    assert "pyi_file.write_text" in inspect.getsource(component_meta.create_or_modify_pyi)
    assert "create_or_modify_pyi(component_class" in inspect.getsource(component_meta.ComponentMeta.__new__)


# 4. Gradio's import without its stub pass (genapp/ui/gradio_import.py)

STUB_PASSES = """
import ast, sys
parses = []
parse = ast.parse
def counted(*args, **kwargs):
    if sys._getframe(1).f_globals["__name__"] == "gradio.component_meta":
        parses.append(1)
    return parse(*args, **kwargs)
ast.parse = counted
{imports}
from gradio import component_meta
assert component_meta.create_or_modify_pyi.__module__ == "gradio.component_meta"      # Gradio's own, after
print(len(parses))
"""


def _stub_parses(imports: str) -> int:
    """How many times Gradio parses a component's source for its stub while `imports` runs, in a fresh
    interpreter."""
    done = subprocess.run([sys.executable, "-c", STUB_PASSES.format(imports=imports)], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return int(done.stdout.split()[-1])


def test_gradio_still_writes_stubs_as_it_imports():
    """Gradio parses its components' source again at every import: the pass fix 4 skips."""
    from gradio import component_meta
    assert "create_or_modify_pyi(component_class" in inspect.getsource(component_meta.ComponentMeta.__new__)
    assert _stub_parses("import gradio") > 50, "Gradio no longer parses its source as it imports: drop fix 4?"


def test_our_gradio_import_skips_the_stub_pass_and_leaves_gradio_as_shipped():
    imports = "from genapp.ui.gradio_import import import_gradio\nimport_gradio()\nimport gradio"
    assert _stub_parses(imports) == 0


# not a fix: PNG instead of Gradio's default WebP

def test_gradios_default_picture_format_is_still_webp():
    """While it is, every gr.Image and gr.Gallery the app draws names format="png"
    (tests/test_app.py::test_every_picture_the_app_draws_is_sent_as_lossless_png)."""
    assert gr.Image().format == "webp" and gr.Gallery().format == "webp"


# 5. a session's block configs made when read

def _small_app():
    with gr.Blocks() as demo:
        with gr.Row():
            number = gr.Number(3, label="n")
            text = gr.Textbox("a", label="t")
        gr.Button("go").click(lambda n: str(n), number, text, api_name="go")
    return demo


def test_gradio_still_builds_every_config_when_a_session_starts():
    """Gradio's own SessionState makes each block's config as the session starts, into a plain dict, reading
    only the Blocks' default_config and blocks: what fix 5 defers."""
    demo = _small_app()
    state = gradio_fixes._gradio_session_state_init
    session = object.__new__(state_holder.SessionState)
    state(session, demo)
    assert type(session.config_values) is dict
    assert list(session.config_values) == [k for k in session.blocks_config.blocks if k in demo.blocks]
    assert set(inspect.signature(state).parameters) == {"self", "blocks"}
    source = inspect.getsource(state)
    assert "blocks.default_config" in source and "blocks.blocks" in source


def test_our_session_builds_a_config_when_read_and_gives_gradios():
    demo = _small_app()
    theirs = object.__new__(state_holder.SessionState)
    gradio_fixes._gradio_session_state_init(theirs, demo)
    ours = state_holder.SessionState(demo)
    configs = ours.config_values
    assert isinstance(configs, gradio_fixes.BlockConfigs) and dict.__len__(configs) == 0   # none made yet
    first = next(iter(theirs.config_values))
    assert first in configs and configs[first] == theirs.config_values[first] and dict.__len__(configs) == 1
    ours._update_value_in_config(first, 7)                          # what an event's output does
    theirs._update_value_in_config(first, 7)
    assert list(configs.items()) == list(theirs.config_values.items()) and list(ours.components) == list(theirs.components)
