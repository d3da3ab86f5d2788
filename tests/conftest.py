import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from genapp import studio  # noqa: E402
studio.fix_threads()          # outputs at the app's thread count: the golden record and the CLI's bytes


@pytest.fixture
def generator():
    return torch.Generator().manual_seed(0)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch_app(log, **env) -> tuple:
    """`python app.py` on a free port with `env` added, its output in the file `log` (not a pipe: a full pipe
    would stall the app); (the process, its port)."""
    port = _free_port()
    env = dict(os.environ, GRADIO_SERVER_PORT=str(port), GRADIO_ANALYTICS_ENABLED="False", **env)
    return subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log.open("w"),
                            stderr=subprocess.STDOUT), port


def wait_serving(proc, port: int, log, deadline: float):
    """Until the app listens on its port; the test fails with its log if it exits or the deadline passes."""
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                pytest.fail(f"app did not start (exit code {proc.poll()}):\n" + log.read_text())
            time.sleep(0.3)


@pytest.fixture(scope="session")
def client(tmp_path_factory):
    """The app launched for real (python app.py), one server for the whole run, driven through gradio_client."""
    log = tmp_path_factory.mktemp("app") / "app.log"
    proc, port = launch_app(log)
    url = f"http://127.0.0.1:{port}/"
    wait_serving(proc, port, log, time.time() + 90)
    from genapp.bench import loopback_client
    served = loopback_client(url)
    served.server_pid = proc.pid                              # tests/test_load.py reads the server's memory
    yield served
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def hub_prefix(monkeypatch):
    """Checkpoints resolved through the Hub (a test sets GENAPP_HUB_REPO_PREFIX): genapp's caches of
    resolved folders and loaded models cleared before and after; calling it clears them again."""
    from genapp import hub
    clear = lambda: [fn() for fn in (hub.resolve.cache_clear, hub.load.cache_clear, hub.weights_sha256.cache_clear,
                                     hub._DOWNLOADED.clear)]
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    clear()
    yield clear
    monkeypatch.delenv("GENAPP_HUB_REPO_PREFIX", raising=False)
    clear()


def needs_data(*datasets):
    """Skip a test, saying why, where a data set it reads is not in its local folder (a machine where the
    README's test command could not run apt-get, say). Its files are the registry's patterns."""
    from genapp import hub
    from genapp.data import DATASETS
    missing = [d for d in datasets
               if not all(any(hub.local_data_folder(d).glob(p)) for p in DATASETS[d].files)]
    folders = ", ".join(f"{DATASETS[d].title} in {hub.local_data_folder(d)}" for d in missing)
    return pytest.mark.skipif(bool(missing), reason=f"no {folders} (the README's test command installs it)")
