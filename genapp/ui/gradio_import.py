"""Gradio imported without its stub pass (fix 4 of gradio_fixes.py, which says why it is here and not there).

Gradio 6.31, as it imports, reads and parses again the source file of each of its ~80 component classes, to
write or check the .pyi stub beside it (component_meta.create_or_modify_pyi, run by ComponentMeta for every
component class: a tool for Gradio's own development and for custom components). Nothing in the app reads
those stubs; the wheel ships them. On 2 cores the pass is half of `import gradio` (1.8 -> 0.95 s) and a
sixth of the app's start. `import_gradio()`, called before anything imports gradio (app.py), imports it
with the pass skipped, then puts Gradio's function back: after the import, Gradio is as shipped.
Guard: tests/test_gradio_fixes.py, test_gradio_still_writes_stubs_as_it_imports and
test_our_gradio_import_skips_the_stub_pass_and_leaves_gradio_as_shipped."""
import importlib.abc
import importlib.util
import sys

STUBS = "gradio.component_meta"


class _SkipStubs(importlib.abc.MetaPathFinder):
    """Finds gradio.component_meta as Python would and, once the module has run, replaces its
    create_or_modify_pyi (looked up there each time ComponentMeta makes a class) with one that does nothing."""

    def __init__(self):
        self.original = None

    def find_spec(self, name, path, target=None):
        if name != STUBS:
            return None
        sys.meta_path.remove(self)                         # find it without us
        spec = importlib.util.find_spec(name)
        run = spec.loader.exec_module

        def exec_module(module):
            run(module)
            self.original, module.create_or_modify_pyi = module.create_or_modify_pyi, lambda *args: None
        spec.loader.exec_module = exec_module
        return spec


def import_gradio():
    """Import gradio without its stub pass; nothing to do where it is already imported."""
    if "gradio" in sys.modules:
        return
    skip = _SkipStubs()
    sys.meta_path.insert(0, skip)
    try:
        import gradio  # noqa: F401
    finally:
        if skip in sys.meta_path:
            sys.meta_path.remove(skip)
        if skip.original is not None:
            sys.modules[STUBS].create_or_modify_pyi = skip.original
