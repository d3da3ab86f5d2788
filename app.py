"""Starts the genapp Gradio app (Hugging Face Spaces runs this file)."""
import ctypes
import os

# At most 2 malloc arenas (glibc makes up to 8 per core, one per busy thread, each keeping its freed
# memory): 500 mixed requests from 20 clients at once, RSS 494 -> 975-1088 MB with the default, 491 -> 808 MB
# with 2, at the same throughput (7.0 vs 7.7 requests/s, 2 cores). Before any thread starts.
if "MALLOC_ARENA_MAX" not in os.environ:
    try:
        ctypes.CDLL("libc.so.6").mallopt(-8, 2)      # M_ARENA_MAX
    except (OSError, AttributeError):                 # not glibc: nothing to tune
        pass

# Gradio recomputes a pandas summary of its last GRADIO_ANALYTICS_MAX_EVENTS (default 10,000) events
# after every event, for a monitoring page this app does not open: the cost grows with every request
# served. Once per 1,000 events over the last 1,000: 20 clients x 5 mixed requests, 11 -> 14 requests/s
# and server CPU 107 -> 83 ms per request (2 cores).
os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "1000")
os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "1000")

from genapp.ui.gradio_import import import_gradio

import_gradio()                          # first: Gradio's import without its stub pass, 0.9 s less (see there)

from genapp import studio
from genapp.ui.app import build_app
from genapp.ui.common import serving

studio.warm_up()                         # load every model once, before the first request
demo = build_app()
# 2 workers on 2 cores per queue; the main buttons share one queue (genapp/ui/common.py, MAIN_QUEUE)
demo.queue(max_size=64, default_concurrency_limit=2)

if __name__ == "__main__":
    # uploads over 10 MB are refused by Gradio itself, with a message, before they reach the app.
    # Gradio keeps each session's copy of the app's config, ~0.8 MB here (measured: RSS +47 MB per 60
    # one-request visitors, linear); its default of 10,000 sessions would be ~8 GB. The 300 most
    # recently active sessions (a few classes at once) cap it near 250 MB.
    demo.launch(server_name=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
                server_port=int(os.environ.get("GRADIO_SERVER_PORT", "7860")), max_file_size="10mb",
                state_session_capacity=300, prevent_thread_lock=True)
    serving()                            # the worked examples that wait for the server (common.py), now it is up
    demo.block_thread()
