"""`python -m genapp bench`: time the app's operations on this machine (pictures, clips, names, latent
walks, cold start) and print one table.
Figures depend on the machine and its load; they are printed, never asserted by tests."""
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import torch

from . import hub, studio

ROOT = Path(__file__).resolve().parent.parent


def _percentiles(ms: list[float]) -> dict:
    ms = sorted(ms)
    return {"median_ms": round(statistics.median(ms), 1), "p95_ms": round(ms[min(len(ms) - 1, int(0.95 * len(ms)))], 1)}


def image_grids(repeats: int) -> list[dict]:
    """In process: a 64-image grid (sampling and the grid picture; PNG encoding timed apart)."""
    rows = []
    for name in studio.generators("image"):
        studio.generate_images(name, 64, seed=0)                       # warm-up
        ms, png_ms = [], []
        for seed in range(repeats):
            t0 = time.perf_counter()
            result = studio.generate_images(name, 64, seed=seed)
            png_ms.append((time.perf_counter() - t0) * 1000 - result.ms)
            ms.append(result.ms)
        steps = f" ({hub.load(name).config.default_steps} Gibbs steps)" if name.startswith("rbm-") else ""
        rows.append({"operation": f"64-image grid{steps}", "checkpoint": name, **_percentiles(ms),
                     "png_and_checks_ms": round(statistics.median(png_ms), 1)})
    return rows


def audio_clips(repeats: int) -> list[dict]:
    """In process: one 1-second clip, sampling and Griffin-Lim included (WAV encoding too)."""
    rows = []
    for name in studio.generators("audio"):
        studio.generate_audio(name, 1, seed=0)                         # warm-up
        ms = []
        for seed in range(repeats):
            t0 = time.perf_counter()
            studio.generate_audio(name, 1, seed=seed)
            ms.append((time.perf_counter() - t0) * 1000)
        steps = f" ({hub.load(name).config.default_steps} Gibbs steps)" if name.startswith("rbm-") else ""
        rows.append({"operation": f"1-s clip with vocoder{steps}", "checkpoint": name, **_percentiles(ms)})
    return rows


def name_lists(repeats: int) -> list[dict]:
    """In process: 20 names, each looked up among the training names' fingerprints."""
    rows = []
    for name in studio.generators("text"):
        studio.generate_names(name, 20, seed=0)                        # warm-up
        ms = [studio.generate_names(name, 20, seed=seed).ms for seed in range(repeats)]
        steps = f" ({hub.load(name).config.default_steps} Gibbs steps)" if name.startswith("rbm-") else ""
        rows.append({"operation": f"20 names{steps}", "checkpoint": name, **_percentiles(ms)})
    return rows


def walks(repeats: int) -> list[dict]:
    """In process: a 16-step walk between two seeds, decoded, scored by the evaluator, with its GIF."""
    rows = []
    for name in studio.generators("image"):
        studio.walk(name, 0, 1, 16, True)                              # warm-up
        ms = []
        for seed in range(repeats):
            t0 = time.perf_counter()
            studio.walk(name, seed, seed + 1, 16, True)
            ms.append((time.perf_counter() - t0) * 1000)
        rows.append({"operation": "16-step latent walk with GIF", "checkpoint": name, **_percentiles(ms)})
    return rows


def slider_moves(repeats: int) -> list[dict]:
    """In process: one slider move of the Latent space tab, i.e. one latent point decoded."""
    rows = []
    for name in [n for n in studio.generators("image") if not n.startswith("rbm-")]:
        point = studio.seed_point(name, 0, 1)
        studio.decode_point(name, point.z, point.label)               # warm-up
        ms = [studio.decode_point(name, [v + 0.01 * i for v in point.z], point.label).ms for i in range(repeats)]
        rows.append({"operation": "slider move (one decode)", "checkpoint": name, **_percentiles(ms)})
    return rows


def inversions(repeats: int) -> list[dict]:
    """In process: a test digit placed in each MNIST model's latent space (the GAN: 200 optimisation
    steps), with the reconstruction error beside the time."""
    from .data.image import DATASETS, load_arrays
    try:
        digit = load_arrays("mnist", DATASETS["mnist"].default_dir, "test")[0][0]
    except FileNotFoundError:
        return []                                                        # no MNIST here: nothing to place
    rows = []
    for name in [n for n in studio.generators("image") if n.endswith("-mnist")]:
        studio.encode_picture(name, digit)                               # warm-up
        results = [studio.encode_picture(name, digit) for _ in range(max(3, repeats // 5))]
        family = name.split("-")[0].upper()
        rows.append({"operation": f"{family}: digit -> latent, error {results[0].error:.4f}",
                     "checkpoint": name, **_percentiles([r.ms for r in results])})
    return rows


def mode_collapse_counts(repeats: int) -> list[dict]:
    """In process: 1,000 samples drawn and named by the evaluator, their class histogram (Limits tab)."""
    rows = []
    for name in [n for n in studio.collapse.collapse_checkpoints() if n.endswith("mnist") or "collapsed" in n]:
        if name.startswith("rbm-"):
            continue                                                     # 100 Gibbs sweeps each: timed by the grid
        studio.mode_collapse(name)                                       # warm-up
        results = [studio.mode_collapse(name, seed) for seed in range(max(3, repeats // 5))]
        rows.append({"operation": f"1,000-sample class histogram, {results[0].covered} classes",
                     "checkpoint": name, **_percentiles([r.ms for r in results])})
    return rows


def toy_runs() -> list[dict]:
    """Watch it train: 2,000 steps of each toy family on the ring, a frame every 50 steps, from Start
    (the worker's start included) to the last frame; the longest wait between frames beside it."""
    from .studio import toy
    rows = []
    for family in ("gan", "pacgan", "vae", "rbm", "gan-vs-pacgan"):
        t0 = last = time.perf_counter()
        gaps, frame = [], None
        for frame in toy.train_toy(family, "ring", None, 2000, 0, 50):
            now = time.perf_counter()
            gaps.append(now - last)
            last = now
        toy.close(frame.run_id)
        covered = ", ".join(f"{k} {v}/8" for k, v in frame.covered.items())
        rows.append({"operation": f"toy 2,000 steps ({covered}); longest gap between frames "
                                  f"{max(gaps[1:]) * 1000:.0f} ms", "checkpoint": family,
                     "seconds": round(last - t0, 1)})
    return rows


def grid_while_toy(repeats: int, checkpoint: str = "gan-mnist") -> list[dict]:
    """In process: the 64-image grid, unloaded and then while a toy (vanilla GAN vs PacGAN, 5,000 steps)
    trains in its worker: the toy must not slow other users' requests much."""
    import threading
    from .studio import toy
    studio.generate_images(checkpoint, 64, seed=0)                     # warm-up
    unloaded = [studio.generate_images(checkpoint, 64, seed=s).ms for s in range(repeats)]
    frames = toy.train_toy("gan-vs-pacgan", "ring", None, toy.MAX_STEPS, 0, 50)
    first = next(frames)                                               # the worker is up and training
    drain = threading.Thread(target=lambda: [f for f in frames], daemon=True)
    drain.start()
    loaded = [studio.generate_images(checkpoint, 64, seed=s).ms for s in range(repeats)]
    toy.stop(first.run_id)
    drain.join()
    toy.close(first.run_id)
    return [{"operation": "64-image grid, unloaded", "checkpoint": checkpoint, **_percentiles(unloaded)},
            {"operation": "64-image grid while a toy trains", "checkpoint": checkpoint, **_percentiles(loaded)}]


def cold_start() -> dict:
    """Seconds from `python app.py` to the first successful request through gradio_client."""
    from gradio_client import Client
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, GRADIO_SERVER_PORT=str(port), GRADIO_ANALYTICS_ENABLED="False")
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                client = Client(f"http://127.0.0.1:{port}/", verbose=False)
                client.predict("mnist", "gan", "any", 16, 0, 200, api_name="/generate_image")
                return {"operation": "app start to first served request", "checkpoint": "gan-mnist",
                        "seconds": round(time.perf_counter() - t0, 1)}
            except Exception:
                if proc.poll() is not None or time.perf_counter() - t0 > 120:
                    raise RuntimeError("the app did not serve a request within 120 s")
                time.sleep(0.2)
    finally:
        proc.terminate()
        proc.wait(10)


def main(quick: bool = False, as_json: bool = False):
    torch.set_num_threads(2)
    repeats = 5 if quick else 30
    rows = (image_grids(repeats) + audio_clips(repeats) + name_lists(repeats) + walks(repeats) + slider_moves(repeats) + inversions(repeats)
            + mode_collapse_counts(repeats) + toy_runs() + grid_while_toy(repeats) + [cold_start()])
    info = {"torch_threads": torch.get_num_threads(), "cpus": os.cpu_count(), "rows": rows}
    if as_json:
        print(json.dumps(info, indent=2))
        return
    print(f"genapp bench: {info['cpus']} CPUs, torch threads {info['torch_threads']}")
    print(f"{'operation':<40} {'checkpoint':<12} {'median ms':>10} {'p95 ms':>8} {'png ms':>7} {'seconds':>8}")
    for r in rows:
        print(f"{r['operation']:<40} {r['checkpoint']:<12} {r.get('median_ms', ''):>10} {r.get('p95_ms', ''):>8} "
              f"{r.get('png_and_checks_ms', ''):>7} {r.get('seconds', ''):>8}")
