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
    assert set(figures["actions"]) <= {a.what for a in lesson.MIX}
    lesson.report(figures, {"lesson_p95_ms": 1000, "lesson_cpu_per_request_s": 0.1, "identical_max_ms": 1500})
    out = capsys.readouterr().out
    assert f"requests {figures['requests']}, errors 0" in out and "s per request" in out
    assert "4 students press Generate at once, the same settings: 0 errors" in out
    assert sum(line.startswith("  ") and line.strip().split(" ")[0] in ("Image:", "Audio:", "Text:", "Latent")
               for line in out.splitlines()) == len(figures["actions"])
