"""Results shared between visitors. Generation is deterministic (the same checkpoint, seed and arguments
give the same bytes), and a class told "press Generate" sends the same request thirty times: each main
button's result is computed once, concurrent identical requests wait for that one computation, and recent
results are kept, least recently used first out, up to a bound on their size. A result holds the same
picture objects each time, so Gradio finds the files it already wrote for them (gradio_fixes.write_once)
and writes nothing again.

A refusal or a failure is not kept: the next identical request computes again. Inputs that are not plain
values (an uploaded picture as an array) are not keyed: such a request is computed as before."""
import functools
import inspect
import os
import sys
import threading
from collections import OrderedDict
from concurrent.futures import Future

import numpy as np
from PIL import Image

MAX_BYTES = int(float(os.environ.get("GENAPP_SHARED_RESULTS_MB", "64")) * 2**20)


def size_of(value) -> int:
    """Bytes a result holds, roughly: pictures' pixels, arrays, bytes and text, and what holds them."""
    if isinstance(value, Image.Image):
        return value.width * value.height * len(value.getbands())
    if isinstance(value, np.ndarray):
        return value.nbytes
    if isinstance(value, (bytes, str)):
        return len(value)
    if isinstance(value, (list, tuple)):
        return sum(map(size_of, value)) + 8 * len(value)
    if isinstance(value, dict):
        return sum(size_of(k) + size_of(v) for k, v in value.items())
    return sys.getsizeof(value)


class SharedResults:
    """A bounded, least-recently-used store of results by key, with one computation per key at a time."""

    def __init__(self, max_bytes: int = MAX_BYTES):
        self.max_bytes = max_bytes
        self.lock = threading.Lock()
        self.kept: OrderedDict = OrderedDict()       # key -> (result, its size)
        self.running: dict = {}                      # key -> Future of the computation under way
        self.bytes = 0
        self.hits = self.waits = self.computed = 0

    def get(self, key, compute):
        with self.lock:
            if key in self.kept:
                self.kept.move_to_end(key)
                self.hits += 1
                return self.kept[key][0]
            future = self.running.get(key)
            first = future is None
            if first:
                future = self.running[key] = Future()
            else:
                self.waits += 1
        if not first:
            return future.result()                   # the first one's result, or its exception
        try:
            result = compute()
        except BaseException as e:
            with self.lock:
                del self.running[key]
            future.set_exception(e)
            raise
        with self.lock:
            del self.running[key]
            self.computed += 1
            self._keep(key, result)
        future.set_result(result)
        return result

    def _keep(self, key, result):
        size = size_of(result)
        if size > self.max_bytes:
            return
        self.kept[key] = (result, size)
        self.bytes += size
        while self.bytes > self.max_bytes:
            _, (_, dropped) = self.kept.popitem(last=False)
            self.bytes -= dropped

    def stats(self) -> dict:
        with self.lock:
            return {"kept": len(self.kept), "bytes": self.bytes, "max_bytes": self.max_bytes, "hits": self.hits,
                    "waits": self.waits, "computed": self.computed}


RESULTS = SharedResults()


def fresh(value):
    """A kept result's containers anew, its pictures and bytes the same objects: Gradio edits an update's
    dict in place (it drops its None values, and takes out its value), which must not reach the kept result."""
    if isinstance(value, dict):
        return {k: fresh(v) for k, v in value.items()}
    if isinstance(value, list):
        return [fresh(v) for v in value]
    if isinstance(value, tuple):
        return tuple(fresh(v) for v in value)
    return value


def _key(name: str, signature: inspect.Signature, args, kwargs):
    """A hashable key of a call, its arguments by name but its progress bar (Gradio passes a new gr.Progress
    by position each time), or None where an argument is not a plain value."""
    bound = signature.bind(*args, **kwargs).arguments
    key = (name, tuple((k, v) for k, v in bound.items() if k != "progress"))
    try:
        hash(key)
    except TypeError:
        return None
    return key


def shared(fn, name: str, results: SharedResults = RESULTS):
    """`fn` (a main button's handler, named `name`) with its results shared between identical calls."""
    signature = inspect.signature(fn)

    @functools.wraps(fn)
    def sharing(*args, **kwargs):
        key = _key(name, signature, args, kwargs)
        if key is None:
            return fn(*args, **kwargs)
        return fresh(results.get(key, lambda: fn(*args, **kwargs)))
    return sharing
