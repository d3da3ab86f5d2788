"""Live training runs: a worker process per run, the registry of runs alive, and their ends.

Each run trains in a worker process of its own (one per browser session), at a lower CPU priority
(os.nice), so that a student's run never starves another student's request: the server's own work
always wins the cores. The worker keeps what it trains between requests, so a run can be paused and
advanced; it answers one request at a time, so when nobody asks it waits and costs no CPU. Idle
workers quit after IDLE_SECONDS; at most MAX_RUNS are alive at once.

What a worker computes belongs to the module that spawns it: that module, run as a program
(`python -m <module> FD`), hands `serve` its work. So this module imports nothing of genapp's, and any
layer may start runs (today the studio's Watch it train, genapp.studio.toy).
"""
import atexit
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

MAX_RUNS = 4                        # workers alive at once on this server
NICE = 10                           # a worker's CPU priority: well below the server's requests
IDLE_SECONDS = 600                  # a worker that hears nothing for this long quits
ROOT = Path(__file__).resolve().parent.parent


class Full(Exception):
    """MAX_RUNS runs are alive and every one is streaming to someone: none can make room."""


class Ended(Exception):
    """The run's worker has ended (it idled out, crashed, or was closed)."""


# the worker's side

def serve(fd: int, start):
    """A worker's loop on the socket `fd`: the first message is the run's settings and `start(settings)`
    returns `work`; then each request is answered with `work(request)`, until None, the end of the
    socket, or IDLE_SECONDS without a request."""
    conn = Connection(fd)
    os.nice(NICE)
    work = start(conn.recv())
    while conn.poll(IDLE_SECONDS):
        try:
            request = conn.recv()
        except EOFError:
            break
        if request is None:
            break
        conn.send(work(request))
    conn.close()


# the server's side

def _spawn(module: str, settings) -> tuple[subprocess.Popen, Connection]:
    """A worker: `python -m module FD`, talking over a socket pair. A fresh interpreter, not a fork of the
    server: the server's threads and torch's thread pool do not survive a fork."""
    parent, child = socket.socketpair()
    process = subprocess.Popen([sys.executable, "-m", module, str(child.fileno())],
                               pass_fds=[child.fileno()], cwd=ROOT, stdin=subprocess.DEVNULL)
    child.close()
    conn = Connection(parent.detach())
    conn.send(settings)
    return process, conn


@dataclass
class Run:
    settings: object
    process: subprocess.Popen
    conn: Connection
    step: int = 0                                  # steps trained so far
    rows: list = field(default_factory=list)      # the curve so far, as its spawner draws it
    owner: object = None                           # the request now streaming this run's frames
    controls: dict = field(default_factory=dict)  # what a person may change while it runs (a VAE's beta)
    lock: threading.Lock = field(default_factory=threading.Lock)
    used: float = field(default_factory=time.monotonic)

    def alive(self) -> bool:
        return self.process.poll() is None

    def ask(self, request):
        """The worker's answer to `request`; one request at a time per worker."""
        with self.lock:
            try:
                self.conn.send(request)
                reply = self.conn.recv()
            except (EOFError, OSError, BrokenPipeError):
                raise Ended from None
        self.used = time.monotonic()
        return reply

    def close(self):
        try:
            self.conn.send(None)
        except (OSError, BrokenPipeError):
            pass
        try:
            self.process.wait(1)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(1)
        self.conn.close()


RUNS: dict[str, Run] = {}           # run id (kept by the browser) -> run
_runs_lock = threading.Lock()


def start(module: str, settings) -> tuple[str, Run]:
    """A new run: `module`'s worker started with `settings`. Ended runs are dropped first and, with
    MAX_RUNS alive, the longest-idle paused one is ended to make room; Full if none is paused."""
    with _runs_lock:
        for rid in [r for r, run in RUNS.items() if not run.alive()]:
            del RUNS[rid]
        if len(RUNS) >= MAX_RUNS:
            idle = sorted((run.used, rid) for rid, run in RUNS.items() if run.owner is None)
            if not idle:
                raise Full
            RUNS.pop(idle[0][1]).close()
        process, conn = _spawn(module, settings)
        run_id = secrets.token_hex(8)
        RUNS[run_id] = run = Run(settings, process, conn)
    return run_id, run


def get(run_id) -> Run | None:
    """The run of this id, or None (an id comes from a browser: it may be anything)."""
    return RUNS.get(run_id) if isinstance(run_id, str) else None


def close(run_id):
    """End a run and its worker (a new Start does this to the session's previous run)."""
    with _runs_lock:
        run = RUNS.pop(run_id, None) if isinstance(run_id, str) else None
    if run is not None:
        run.close()


@atexit.register
def _close_all():
    for run_id in list(RUNS):
        close(run_id)
