"""The lesson in bench (python -m genapp bench --lesson): students at a person's pace against the app served
for real; the figures are counted from what happened, and the server's CPU is read from /proc."""
import os

import pytest

from genapp import bench, lesson


def test_cpu_seconds_counts_this_process_work():
    before = lesson.cpu_seconds(os.getpid())
    sum(i * i for i in range(3_000_000))
    assert lesson.cpu_seconds(os.getpid()) > before


@pytest.mark.timeout(240)
def test_a_short_lesson_counts_every_request_and_prints_its_table(capsys):
    with bench.Server() as server:
        figures = lesson.run(server, bench.loopback_client, students=3, seconds=6)
        figures["identical"] = lesson.identical_presses(server, bench.loopback_client, students=4)
    assert figures["identical"]["errors"] == 0 and figures["identical"]["max_ms"] >= figures["identical"]["median_ms"] > 0
    assert figures["errors"] == 0, figures["first_errors"]
    assert figures["requests"] == sum(a["n"] for a in figures["actions"].values()) >= 3
    assert figures["server_cpu_s"] > 0 and figures["server_cpu_per_request_s"] > 0
    assert 0 < figures["p50_ms"] <= figures["p95_ms"]
    assert set(figures["actions"]) <= {a.what for a in lesson.ROOM_MIX} | {lesson.TEACHER}
    assert lesson.TEACHER in figures["actions"]                      # the teacher's tables, from the first second
    judged = figures["actions"].get(lesson.ROOM_MIX[-2].what, {"n": 0})["n"]
    assert figures["room"]["acknowledged"] >= judged                 # polls left over become pictures judged
    lesson.report(figures, {"lesson_p95_ms": 1000, "lesson_cpu_per_request_s": 0.1, "identical_max_ms": 1500})
    out = capsys.readouterr().out
    assert f"requests {figures['requests']}, errors 0" in out and "s per request" in out
    assert "4 students press Generate at once, the same settings: 0 errors" in out
    assert f"{figures['room']['acknowledged']} pictures judged" in out
    assert sum(line.startswith("  ") and line.strip().split(" ")[0] in ("Image:", "Audio:", "Text:", "Latent", "Classroom:")
               for line in out.splitlines()) == len(figures["actions"])


@pytest.mark.timeout(240)
def test_a_kill_9_mid_lesson_loses_no_acknowledged_answer(tmp_path, capsys):
    with bench.Server(GENAPP_ROOMS_DIR=str(tmp_path)) as server:
        killed = lesson.killed_mid_lesson(server, bench.loopback_client,
                                          lambda: bench.Server(GENAPP_ROOMS_DIR=str(tmp_path)), students=4, seconds=4)
    assert killed["acknowledged"] > 0 and killed["held"] >= killed["acknowledged"] and killed["lost"] == 0
    assert server.proc.returncode == -9
    lesson.report({"students": 4, "seconds": 0, "requests": 0, "errors": 0, "p50_ms": None, "p95_ms": None,
                   "requests_per_s": 0, "server_cpu_s": 0, "server_cpu_per_request_s": 0, "server_cores_busy": 0,
                   "clients_cores_busy": 0, "actions": {"x": {"n": 0, "median_ms": 0, "p95_ms": 0}},
                   "first_errors": [], "killed": killed},
                  {"lesson_p95_ms": 1000, "lesson_cpu_per_request_s": 0.1, "identical_max_ms": 1500})
    assert f"{killed['acknowledged']} answers acknowledged, the room held {killed['held']}" in capsys.readouterr().out
