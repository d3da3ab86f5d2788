"""Issue 25's many machines: two app processes (python app.py on two ports, as behind a load balancer) share one
PostgreSQL database through GENAPP_DATABASE_URL, and serve one room; a student on each, the teacher on the
first, the results read on either. Each process also has a SQLite folder of its own, so only a shared database
can pass. Skipped, saying why, where Debian's postgresql package is not installed."""
import os
import socket
import subprocess
import sys
import time

import psycopg
import pytest

from conftest import ROOT
from genapp import rooms
from genapp.bench import loopback_client
from throwaway_postgres import cluster, needs_postgres, new_database

pytestmark = needs_postgres


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def two_apps(tmp_path_factory):
    """(database URL, [client of app A, client of app B]), the apps started at once."""
    with cluster() as url:
        url = new_database(url, "genapp")
        apps = []
        for name in ("a", "b"):
            folder, port = tmp_path_factory.mktemp(f"app_{name}"), _free_port()
            env = dict(os.environ, GRADIO_SERVER_PORT=str(port), GRADIO_ANALYTICS_ENABLED="False",
                       **{rooms.URL_ENV: url, rooms.DIR_ENV: str(folder)})
            log = folder / "app.log"          # a file, not a pipe: a full pipe would stall the app
            apps.append((subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log.open("w"),
                                          stderr=subprocess.STDOUT), port, log))
        try:
            deadline = time.time() + 120
            for proc, port, log in apps:
                while True:
                    try:
                        socket.create_connection(("127.0.0.1", port), timeout=1).close()
                        break
                    except OSError:
                        if proc.poll() is not None or time.time() > deadline:
                            pytest.fail(f"app did not start (exit code {proc.poll()}):\n" + log.read_text())
                        time.sleep(0.3)
            yield url, [loopback_client(f"http://127.0.0.1:{port}/") for _, port, _ in apps]
        finally:
            for proc, _, _ in apps:
                proc.terminate()
            for proc, _, _ in apps:
                proc.wait(10)


def test_two_app_processes_serve_one_room_from_postgresql(two_apps):
    url, (a, b) = two_apps
    _, code, key, _ = a.predict("mnist", ["vae", "gan"], api_name="/room_open")
    said = {}
    for name, app in (("ann", a), ("bob", b)):                   # ann on the first process, bob on the second
        token, qid, *_ = app.predict(code, name, api_name="/room_join")
        said[name] = app.predict(code, token, qid, "generated", api_name="/quiz_answer")
    assert all("right of 1" in s for s in said.values())
    for app in (b, a):
        table, summary = app.predict(code, key, api_name="/room_results")
        assert "2 students have joined; 2 answers" in summary and len(table["data"]) == 2
    with psycopg.connect(url) as db:                               # and they are there, in PostgreSQL
        assert db.execute("SELECT name FROM students WHERE code = %s ORDER BY name", (code,)).fetchall() == \
            [("ann",), ("bob",)]
