"""Issue 25's many machines: two app processes (python app.py on two ports, as behind a load balancer) share one
PostgreSQL database through GENAPP_DATABASE_URL, and serve one room; a student on each, the teacher on the
first, the results read on either. Each process also has a SQLite folder of its own, so only a shared database
can pass. Skipped, saying why, where Debian's postgresql package is not installed."""
import time

import psycopg
import pytest

from conftest import launch_app, wait_serving
from genapp import rooms
from genapp.bench import loopback_client
from throwaway_postgres import cluster, needs_postgres, new_database

pytestmark = needs_postgres


@pytest.fixture(scope="module")
def two_apps(tmp_path_factory):
    """(database URL, [client of app A, client of app B]), the apps started at once."""
    with cluster() as url:
        url = new_database(url, "genapp")
        apps = []
        for name in ("a", "b"):
            folder = tmp_path_factory.mktemp(f"app_{name}")
            log = folder / "app.log"
            apps.append((*launch_app(log, **{rooms.URL_ENV: url, rooms.DIR_ENV: str(folder)}), log))
        try:
            deadline = time.time() + 120
            for proc, port, log in apps:
                wait_serving(proc, port, log, deadline)
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
