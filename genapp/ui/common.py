"""What the tabs share: turning a studio refusal into a sentence on screen, and files to download."""
import functools
import hashlib
import inspect
import tempfile
from pathlib import Path

import gradio as gr

from .. import studio

DOWNLOADS = Path(tempfile.gettempdir()) / "genapp-downloads"


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


def download_file(data: bytes, name: str) -> str:
    """Write bytes to a file named `name` in a folder named by their hash; returns its path."""
    folder = DOWNLOADS / hashlib.sha256(data).hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if not path.exists():
        path.write_bytes(data)
    return str(path)


def progress_callback(progress: gr.Progress, desc: str):
    """A studio-style callback(done, total) that moves a Gradio progress bar."""
    return lambda done, total: progress((done, total), desc=desc)
