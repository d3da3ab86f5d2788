"""`python -m genapp bench`'s in-process sections run and print their tables (the figures themselves
depend on the machine, so only their presence and sense are checked here; the served sections run
in tests/test_load.py's way in `bench` itself)."""
import pytest
import torch

from genapp import bench, studio


@pytest.fixture(scope="module")
def rows():
    return bench.uses_panels(1) + bench.limits_panels(1) + bench.image_grids(1) + bench.walks(1)


def test_every_uses_and_limits_panel_and_every_walking_generator_gets_a_timed_row(rows):
    operations = {r["operation"] for r in rows}
    assert {"Uses: compress at every bit depth", "Limits: 4 Gibbs chains, 200 sweeps, filmed",
            "Limits: 200 chains scored after 1 ... 500 sweeps"} <= operations
    assert {r["checkpoint"] for r in rows if "grid" in r["operation"]} == set(studio.generators("image"))
    walked = {r["checkpoint"] for r in rows if "walk" in r["operation"] or "map" in r["operation"]}
    assert walked == set(studio.walkers() + studio.generators("text") + studio.map_checkpoints())
    for r in rows:
        timed = [r[k] for k in ("median_ms", "seconds") if k in r]
        assert timed and all(t > 0 for t in timed), r
        assert r.get("p95_ms", r.get("median_ms", 0)) >= r.get("median_ms", 0)


def test_the_tables_print_one_line_a_row_under_their_title(rows, capsys):
    bench._table("In process", rows, [("median_ms", "median ms", 10), ("seconds", "seconds", 8)])
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "In process" and lines[1].split()[:2] == ["operation", "checkpoint"]
    assert len(lines) == 2 + len(rows)
    assert any("rbm-mnist" in line and "Gibbs" in line for line in lines[2:])


def test_the_flop_bound_rows_hold_a_ratio_for_every_generator():
    flops = bench.flop_bounds(bench.matmul_gflops(n=512))
    assert {r["checkpoint"] for r in flops} == {n for m in ("image", "audio", "text") for n in studio.generators(m)}
    assert all(r["ratio"] > 0 and r["flop_bound_ms"] > 0 for r in flops)


def test_the_live_toy_rows_time_frames_and_a_grid_meanwhile():
    threads = torch.get_num_threads()
    rows = bench.toy_live()
    assert torch.get_num_threads() == threads               # the grids ran on the app's one thread, then put back
    assert "one client asks for the 64-image grid back to back" in rows[1]["operation"]
    assert len(rows) == 3 and all(r["median_ms"] > 0 and r["p95_ms"] >= r["median_ms"] for r in rows)
    assert "overlays on" in rows[0]["operation"] and "longest" in rows[0]["operation"]
    assert rows[2]["operation"] == "64-image grid while that toy trains" and rows[2]["target"]
    lines = [r for r in bench.name_lists(1) if r["checkpoint"] == "vae-replies"]
    assert len(lines) == 1 and lines[0]["median_ms"] > 0 and "150" in lines[0]["target"]
