"""`python -m genapp bench`: time the app's operations on this machine and print a table per section:
in process (pictures, clips, names, latent walks, toys); served (the app launched for real and driven
over loopback HTTP: cold start, one client's latency, 20 clients at once, the server's resident
memory); and each generator's time against the bound its FLOPs and this machine's matmul rate set.
Figures depend on the machine and its load; they are printed beside their targets, never asserted."""
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
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
        steps = _gibbs_steps(name)
        described = hub.describe(name)
        colour = described.shape[0] == 3
        target = f"median <= {TARGETS['colour_grid_ms']} ms" if colour and described.family != "rbm" else ""
        rows.append({"operation": f"64-image {'colour ' if colour else ''}grid{steps}", "checkpoint": name,
                     **_percentiles(ms), "png_and_checks_ms": round(statistics.median(png_ms), 1), "target": target})
    return rows


def _gibbs_steps(name: str) -> str:
    """' (100 Gibbs steps)' for a checkpoint sampled by a Gibbs chain, '' for the others."""
    sampler = hub.describe(name).sampler
    return f" ({sampler['steps']} Gibbs steps)" if "steps" in sampler else ""


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
        steps = _gibbs_steps(name)
        notes = hub.describe(name).dataset == "notes"
        rows.append({"operation": f"1-s {'note' if notes else 'clip'} with vocoder{steps}", "checkpoint": name,
                     **_percentiles(ms), "target": f"median <= {TARGETS['note_ms']} ms" if notes else ""})
    return rows


def melodies(repeats: int) -> list[dict]:
    """In process: an 8-note melody (its notes decoded, each through the vocoder, laid end to end, the
    piano roll and the WAV), one instrument throughout."""
    rows = []
    tune = "C4 D4 E4 F4 G4 A4 B4 C5:2"
    for name in [n for n in studio.walkers() if hub.describe(n).dataset == "notes"]:
        studio.play_melody(name, tune, "strings", seed=0)                 # warm-up
        ms = [studio.play_melody(name, tune, "strings", seed=seed).ms for seed in range(repeats)]
        rows.append({"operation": "8-note melody with vocoder", "checkpoint": name, **_percentiles(ms),
                     "target": f"median <= {TARGETS['melody_ms']} ms"})
    return rows


def name_lists(repeats: int) -> list[dict]:
    """In process: 20 names (10 lines), each looked up among the training texts' fingerprints."""
    rows = []
    for name in studio.generators("text"):
        described = hub.describe(name)
        lines = described.alphabet.unit == "line"
        n = 10 if lines else 20
        studio.generate_names(name, n, seed=0)                         # warm-up
        ms = [studio.generate_names(name, n, seed=seed).ms for seed in range(repeats)]
        target = f"median <= {TARGETS['lines_ms']} ms" if lines and described.family != "rbm" else ""
        rows.append({"operation": f"{n} {described.alphabet.unit}s{_gibbs_steps(name)}", "checkpoint": name,
                     **_percentiles(ms), "target": target})
    if studio.replies.available():                  # as the Reply panel makes them: drawn, scored, looked up
        line = studio.REPLY_EXAMPLES[0]
        studio.reply(line, 5, seed=0)                                  # warm-up
        ms = [_timed(lambda: studio.reply(line, 5, seed)) * 1000 for seed in range(repeats)]
        rows.append({"operation": "5 replies to a line, scored", "checkpoint": studio.replies.CHECKPOINT,
                     **_percentiles(ms), "target": f"median <= {TARGETS['replies_ms']} ms"})
    return rows


def walks(repeats: int) -> list[dict]:
    """In process: a 16-step walk between two seeds, decoded, scored by the evaluator, with its GIF
    (sounds: each step's clip through the vocoder too); names: an 8-step walk, spelled and looked up."""
    rows = []
    for name in studio.walkers():
        studio.walk(name, 0, 1, 16, True)                              # warm-up
        ms = []
        for seed in range(repeats):
            t0 = time.perf_counter()
            studio.walk(name, seed, seed + 1, 16, True)
            ms.append((time.perf_counter() - t0) * 1000)
        what = "16-step latent walk with GIF" + (" and clips" if hub.describe(name).modality == "audio" else "")
        rows.append({"operation": what, "checkpoint": name, **_percentiles(ms)})
    for name in studio.generators("text"):
        described = hub.describe(name)
        lines = described.alphabet.unit == "line"
        steps = 10 if lines else 8
        studio.walk_names(name, 0, 1, steps)                           # warm-up
        ms = [_timed(lambda: studio.walk_names(name, seed, seed + 1, steps)) * 1000 for seed in range(repeats)]
        target = f"median <= {TARGETS['line_walk_ms']} ms" if lines and described.family != "rbm" else ""
        rows.append({"operation": f"{steps}-step walk between two {described.alphabet.unit}s", "checkpoint": name,
                     **_percentiles(ms), "target": target})
    for name in studio.map_checkpoints():
        studio.decode_map_point(name, 0.5, -0.5)                       # warm-up
        ms = [_timed(lambda: studio.decode_map_point(name, 0.1 * i - 1, 0.5)) * 1000 for i in range(repeats)]
        rows.append({"operation": "2-D latent map: a click decoded", "checkpoint": name, **_percentiles(ms)})
    return rows


def slider_moves(repeats: int) -> list[dict]:
    """In process: one slider move of the Latent space tab, i.e. one latent point decoded."""
    rows = []
    for name in [n for n in studio.point_checkpoints() if n in studio.generators("image")]:
        point = studio.seed_point(name, 0, 1)
        studio.decode_point(name, point.z, point.label)               # warm-up
        ms = [studio.decode_point(name, [v + 0.01 * i for v in point.z], point.label).ms for i in range(repeats)]
        rows.append({"operation": "slider move (one decode)", "checkpoint": name, **_percentiles(ms)})
    return rows


def inversions(repeats: int) -> list[dict]:
    """In process: a test digit placed in each MNIST model's latent space, and a spoken test digit in
    each sound model's (the GANs: 200 optimisation steps), with the reconstruction error beside the time."""
    from .data import audio
    from .data.image import load_arrays
    inputs = []
    try:
        inputs.append(("digit", "mnist", load_arrays("mnist", hub.data_folder("mnist"), "test")[0][0]))
    except FileNotFoundError:
        pass                                                             # no MNIST here: no digit to place
    try:
        wave = audio.load_clips(hub.data_folder("fsdd"), "test")[0][0].numpy()
        inputs.append(("recording", "fsdd", (audio.FSDD.sample_rate, wave)))
    except (FileNotFoundError, AssertionError):
        pass                                                             # no FSDD here: no recording to place
    rows = []
    for what, dataset, picture in inputs:
        for name in [n for m in ("image", "audio") for n in studio.generators(m) if studio.checkpoint_dataset(n) == dataset]:
            studio.encode_picture(name, picture)                         # warm-up
            results = [studio.encode_picture(name, picture) for _ in range(max(3, repeats // 5))]
            family = studio.FAMILY_TITLES[hub.describe(name).family]
            rows.append({"operation": f"{family}: {what} -> latent, error {results[0].error:.4f}",
                         "checkpoint": name, **_percentiles([r.ms for r in results])})
    return rows


def mode_collapse_counts(repeats: int) -> list[dict]:
    """In process: 1,000 samples drawn and named by the evaluator, their class histogram (Limits tab)."""
    rows = []
    for name in [n for n in studio.collapse.collapse_checkpoints() if studio.checkpoint_dataset(n) == "mnist"]:
        if _gibbs_steps(name):
            continue                                                     # 100 Gibbs sweeps each: timed by the grid
        studio.mode_collapse(name)                                       # warm-up
        results = [studio.mode_collapse(name, seed) for seed in range(max(3, repeats // 5))]
        rows.append({"operation": f"1,000-sample class histogram, {results[0].covered} classes",
                     "checkpoint": name, **_percentiles([r.ms for r in results])})
    return rows


def uses_panels(repeats: int) -> list[dict]:
    """In process, the Uses tab on a GAN sample of each data set: denoising (Gaussian noise 0.3, cleaned
    by the VAE and the RBM, each with and without the noise told), compression (every bit depth) and
    inpainting (the bottom half, 200 RBM sweeps and the VAE's fill)."""
    from .studio import compress, denoise, inpaint
    rows = []
    for dataset in ("mnist", "fashion"):
        for what, models, fn in [
                ("Uses: denoise, noise 0.3, four cleanings", "vae, rbm",
                 lambda s: denoise.denoise(dataset, "gaussian", 0.3, s)),
                ("Uses: compress at every bit depth", "vae", lambda s: compress.compress(dataset, s)),
                ("Uses: inpaint the bottom, 200 RBM sweeps", "rbm, vae",
                 lambda s: inpaint.inpaint(dataset, "bottom", s))]:
            fn(0)                                                        # warm-up
            rows.append({"operation": what, "checkpoint": f"{dataset} ({models})",
                         **_percentiles([_timed(lambda: fn(s)) * 1000 for s in range(max(3, repeats // 5))])})
    return rows


def limits_panels(repeats: int) -> list[dict]:
    """In process, the Limits tab's other panels: four RBM chains filmed over 200 sweeps, the quality of
    200 RBM chains after 1 ... 500 sweeps (once), and "Is it copying?" for every generator whose training
    data is here (the first call for a data set also reads its training data: timed apart)."""
    from .studio import copying, gibbs, limits
    rows = []
    for dataset in ("mnist", "fashion"):
        label = studio.class_choices(dataset)[4]
        gibbs.gibbs_film(dataset, label, 0)                              # warm-up
        rows.append({"operation": "Limits: 4 Gibbs chains, 200 sweeps, filmed", "checkpoint": hub.find(dataset, "rbm"),
                     **_percentiles([gibbs.gibbs_film(dataset, label, s).ms for s in range(max(3, repeats // 5))])})
    t = _timed(lambda: limits.rbm_quality_by_steps("rbm-mnist", 0))
    rows.append({"operation": "Limits: 200 chains scored after 1 ... 500 sweeps", "checkpoint": "rbm-mnist",
                 "seconds": round(t, 1)})
    read = set()
    for name in [n for m in ("image", "audio", "text") for n in studio.generators(m)]:
        try:
            first = _timed(lambda: copying.nearest_training(name, 0))
        except studio.BadRequest:
            continue                                                     # its training data is not here
        dataset = studio.checkpoint_dataset(name)
        if dataset not in read:
            read.add(dataset)
            rows.append({"operation": "Limits: training data read, first nearest-example search",
                         "checkpoint": dataset, "seconds": round(first, 1)})
        ms = [copying.nearest_training(name, s).ms for s in range(1, max(3, repeats // 5) + 1)]
        rows.append({"operation": "Limits: nearest training examples", "checkpoint": name, **_percentiles(ms)})
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


def toy_live(checkpoint: str = "gan-mnist") -> list[dict]:
    """In process: Watch it train at its liveliest, two families (vanilla GAN vs PacGAN) with every overlay on and a
    frame every 10 steps, alone and while one client asks for the 64-image grid back to back: the gaps between
    frames (the first 5 frames, the worker warming up, aside) and the grid's time. The grids are computed as the
    app computes a request, on one torch thread (studio.fix_threads): the server's two queue workers then take
    the two cores only when two requests are in hand at once, and the toy's worker (at a lower priority,
    runs.NICE) has the other core meanwhile. With the grids on two threads, both cores busy all the run
    long, the worker got one frame every 0.5 s."""
    threads = torch.get_num_threads()
    studio.fix_threads()
    try:
        return _toy_live(checkpoint)
    finally:
        torch.set_num_threads(threads)


def _toy_live(checkpoint: str) -> list[dict]:
    import threading
    from .studio import toy
    studio.generate_images(checkpoint, 64, seed=0)                     # warm-up
    rows = []
    for with_grid in (False, True):
        gaps, last, frames = [], None, toy.train_toy("gan-vs-pacgan", "ring", None, 600, 0, 10, overlays=True)

        def drain():
            nonlocal last
            for frame in frames:
                now = time.perf_counter()
                if last is not None:
                    gaps.append(now - last)
                last = now
            toy.close(frame.run_id)
        thread = threading.Thread(target=drain, daemon=True)
        thread.start()
        grid = []
        while with_grid and thread.is_alive():                         # a grid after another, all the run long
            grid.append(studio.generate_images(checkpoint, 64, seed=len(grid)).ms)
        thread.join()
        steady = sorted(gaps[4:])
        what = "while one client asks for the 64-image grid back to back" if with_grid else "alone"
        rows.append({"operation": f"toy, 2 families, overlays on, a frame every 10 steps, {what}: median gap "
                                  f"{steady[len(steady) // 2] * 1000:.0f} ms, longest {steady[-1] * 1000:.0f} ms "
                                  "(after the first 5 frames)", "checkpoint": "gan-vs-pacgan",
                     "median_ms": round(steady[len(steady) // 2] * 1000, 1),
                     "p95_ms": round(steady[int(0.95 * (len(steady) - 1))] * 1000, 1),
                     "target": f"longest <= {TARGETS['toy_frame_gap_ms']} ms"})
        if grid:
            rows.append({"operation": "64-image grid while that toy trains", "checkpoint": checkpoint,
                         **_percentiles(grid), "target": f"median <= {TARGETS['grid_http_median_ms']} ms"})
    return rows


def vocoder_iterations(n: int = 300, iterations=(8, 16, 32, 64)) -> list[dict]:
    """In process, each sound generator's n samples (seeded, random classes) through Griffin-Lim at each
    number of iterations: ms per clip, spectral convergence (|||STFT| - target|| / ||target||, the
    magnitudes it aims at) and the evaluator's agreement with the asked class (and each factor: a note's
    pitch and instrument) after the vocoder, what a listener gets. Why data/audio.py's default is what it is."""
    from .data import DATASETS
    from .eval.reference import evaluator_outputs, factor_agreements
    rows = []
    for name in studio.generators("audio"):
        described = hub.describe(name)
        sound, classes = described.sound, len(DATASETS[described.dataset].class_names)
        evaluator, g = hub.load(described.evaluator), torch.Generator().manual_seed(1234)
        labels = torch.randint(classes, (n,), generator=g)
        with torch.inference_mode():
            x = torch.cat([hub.generator(name).sample(len(labels[i:i + 50]), g, labels[i:i + 50])
                           for i in range(0, n, 50)])
            db = x.squeeze(1) * sound.range_db + sound.top_db - sound.range_db
            target = (sound.inverse @ 10 ** (db / 10)).clamp(min=0).sqrt()           # (n, n_fft/2 + 1, frames)
            for steps in iterations:
                t0 = time.perf_counter()
                waves = torch.cat([sound.waveform(x[i:i + 50], steps) for i in range(0, n, 50)])
                ms = (time.perf_counter() - t0) * 1000 / n
                heard = evaluator_outputs(evaluator, sound.spectrogram(waves))[1]
                got = sound.stft(waves).abs()[..., :sound.frames]
                convergence = ((got - target).norm(dim=(1, 2)) / target.norm(dim=(1, 2))).mean()
                agree = {"class": (heard == labels).float().mean().item(),
                         **factor_agreements(heard, labels, described.dataset)}
                rows.append({"operation": f"Griffin-Lim, {steps} iterations, {n} clips: agreement after the vocoder "
                                          + ", ".join(f"{k} {v:.3f}" for k, v in agree.items()),
                             "checkpoint": name, "ms_per_clip": round(ms, 2), "convergence": round(convergence.item(), 3)})
    return rows


# served: the app launched for real and driven over loopback HTTP through gradio_client

TARGETS = {"grid_http_median_ms": 150, "load_p95_ms": 1500, "cold_start_s": 5, "rss_mb": 1536, "flop_ratio": 3,
           "note_ms": 50, "melody_ms": 400, "notes_http_median_ms": 150, "colour_grid_ms": 60, "lines_ms": 100,
           "replies_ms": 150, "toy_frame_gap_ms": 100,
           "line_walk_ms": 200}


def _request(kind: str, seed: int) -> tuple[tuple, str]:
    """One request of each kind a visitor makes: (arguments, api_name)."""
    return {"grid": (("mnist", "gan", "any", 64, seed, 200), "/generate_image"),
            "emoji": (("emoji", "gan", "any", 64, seed, 200), "/generate_image"),
            "clip": (("gan", "7", 1, seed, 20), "/generate_audio"),
            "note": (("gan", "brass", "C4", 1, seed, 20), "/generate_notes"),
            "names": (("gan", 20, seed, 1.0, 30, "names"), "/generate_text"),
            "walk": (("vae-mnist", seed, seed + 1, "3", "8", 16, True), "/interpolate")}[kind]


def loopback_client(url: str):
    """A gradio_client Client for the app on 127.0.0.1. ssl_verify=False: the client opens a new httpx
    client for each call, and with verification on each one loads the CA bundle, ~110 ms of CPU per
    request spent by the visitors' side on the server's own 2 cores (20 clients x 5 requests: client
    CPU 16 s -> 2.6 s). Over plain http there is no TLS, so nothing goes unverified."""
    from gradio_client import Client
    return Client(url, verbose=False, ssl_verify=False)


def rss_mb(pid: int) -> float:
    """Resident memory of a process (VmRSS of /proc/PID/status), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError(f"no VmRSS for process {pid}")


class Server:
    """`python app.py` on a free loopback port; `started_s`: seconds from launch to the first served
    64-image grid (the cold start a Space's visitor waits through). `env`: extra environment, e.g.
    GENAPP_TORCH_THREADS to compare serving settings."""

    def __init__(self, **env):
        self.env = env

    def __enter__(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env = dict(os.environ, GRADIO_SERVER_PORT=str(port), GRADIO_ANALYTICS_ENABLED="False", **self.env)
        t0 = time.perf_counter()
        self.proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{port}/"
        while True:
            try:
                self.client = loopback_client(self.url)
                args, api = _request("grid", 0)
                self.client.predict(*args, api_name=api)
                self.started_s = round(time.perf_counter() - t0, 1)
                return self
            except Exception:
                if self.proc.poll() is not None or time.perf_counter() - t0 > 120:
                    self.__exit__()
                    raise RuntimeError("the app did not serve a request within 120 s")
                time.sleep(0.2)

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(10)


def http_latency(server: Server, repeats: int) -> list[dict]:
    """One client, one request at a time: what a visitor waits for, HTTP, queue and the download of
    the output files included."""
    rows = []
    for kind, what in [("grid", "64-image grid"), ("emoji", "64-emoji colour grid"), ("clip", "1-s clip"), ("note", "1-s note"), ("names", "20 names"),
                       ("walk", "16-step walk with GIF")]:
        args, api = _request(kind, 0)
        server.client.predict(*args, api_name=api)                       # warm-up
        ms = []
        for seed in range(repeats):
            args, api = _request(kind, seed)
            t0 = time.perf_counter()
            server.client.predict(*args, api_name=api)
            ms.append((time.perf_counter() - t0) * 1000)
        target = {"grid": f"median <= {TARGETS['grid_http_median_ms']} ms",
                  "emoji": f"median <= {TARGETS['grid_http_median_ms']} ms",
                  "note": f"median <= {TARGETS['notes_http_median_ms']} ms"}.get(kind, "")
        rows.append({"operation": f"HTTP {what}", "checkpoint": args[0] if kind == "walk" else f"gan ({api})",
                     **_percentiles(ms), "target": target})
    with httpx.Client(base_url=server.url, timeout=60) as http:
        for kind, what, fetch in [("grid", "64-image grid, raw /gradio_api/call (as curl)", False),
                                  ("emoji", "64-emoji colour grid, raw /gradio_api/call and its output files fetched (as a "
                                            "browser)", True)]:
            ms = []
            for seed in range(repeats + 1):
                t0 = time.perf_counter()
                _raw_call(http, kind, seed, fetch)
                ms.append((time.perf_counter() - t0) * 1000)
            rows.append({"operation": f"HTTP {what}", "checkpoint": "gan",
                         **_percentiles(ms[1:]), "target": f"median <= {TARGETS['grid_http_median_ms']} ms"})
    return rows


def raw_call(http, api: str, data: list, session: str | None = None, fetch: bool = False) -> str:
    """One request the way curl makes it: POST /gradio_api/call/NAME, then read its event stream to the
    end; with fetch, then GET each output file its result names, as a browser shows them. Without a session
    hash each call is a new visitor (session). Returns the last event's line ("event: complete" when it
    succeeded)."""
    body = {"data": data} | ({"session_hash": session} if session else {})
    event_id = http.post(f"gradio_api/call/{api.strip('/')}", json=body).raise_for_status().json()["event_id"]
    last, result = "", ""
    with http.stream("GET", f"gradio_api/call/{api.strip('/')}/{event_id}") as stream:
        for line in stream.iter_lines():
            if line.startswith("event:"):
                last = line
            elif line.startswith("data:"):
                result = line[5:]
    if fetch and last == "event: complete":
        for url in re.findall(r'"url": ?"([^"]+)"', result):
            http.get(url).raise_for_status()
    return last


def _raw_call(http, kind: str, seed: int, fetch: bool = False):
    """raw_call of one request of `kind`, which must complete."""
    args, api = _request(kind, seed)
    last = raw_call(http, api, list(args), fetch=fetch)
    if last != "event: complete":
        raise RuntimeError(f"{api}: {last or 'no event'}")


def new_visitors(server: Server, n: int):
    """`n` visitors of one request each (raw HTTP, 4 at a time): each a new Gradio session, whose state the
    server keeps up to app.py's state_session_capacity."""
    def visitor(v: int):
        with httpx.Client(base_url=server.url, timeout=60) as http:
            for i in range(v, n, 4):
                _raw_call(http, ("grid", "clip", "names", "walk")[i % 4], i)
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(visitor, range(4)))


def concurrent_clients(server: Server, clients: int, each: int) -> dict:
    """`clients` visitors at once, each its own gradio_client Client making `each` mixed requests in turn
    (grid, clip, names, walk, ...): errors, latency and the throughput of the whole server."""
    kinds = ("grid", "clip", "names", "walk")

    def visitor(v: int):
        client, ms, errors = loopback_client(server.url), [], []
        for i in range(each):
            args, api = _request(kinds[(v + i) % len(kinds)], v * each + i)
            t0 = time.perf_counter()
            try:
                client.predict(*args, api_name=api)
                ms.append((time.perf_counter() - t0) * 1000)
            except Exception as e:
                errors.append(f"{api}: {e}")
        return ms, errors

    t0 = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(visitor, range(clients)))
    seconds = time.perf_counter() - t0
    ms = [m for r, _ in results for m in r]
    errors = [e for _, r in results for e in r]
    return {"operation": f"{clients} clients x {each} mixed requests, {len(errors)} errors",
            "checkpoint": "mixed", **_percentiles(ms), "seconds": round(seconds, 1),
            "requests_per_s": round(len(ms) / seconds, 1), "errors": len(errors), "first_errors": errors[:3],
            "target": f"0 errors, p95 <= {TARGETS['load_p95_ms']} ms"}


def matmul_gflops(n: int = 2048, threads: int = 2) -> float:
    """This machine's float32 matrix-product throughput (GFLOP/s) on `threads` threads: the best of
    five n x n products (2 n^3 FLOPs each)."""
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b                                                                # warm-up
    best = min(_timed(lambda: a @ b) for _ in range(5))
    torch.set_num_threads(before)
    return round(2 * n ** 3 / best / 1e9, 1)


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def flop_bounds(gflops: float) -> list[dict]:
    """In process, every generator: measured ms per sample (studio.compute_costs, batches of 16 as the
    tabs draw) against the time its FLOPs would take at the measured matmul rate; the ratio is how far
    from that bound. The same ratio for batches of 256 says how much of the gap is per-call overhead
    (small products, one step of a sequence at a time) rather than arithmetic."""
    rows = []
    for cost, big in zip(studio.compute_costs(), studio.compute_costs(repeats=2, batch=256)):
        bound_ms = cost.mflops_per_sample * 1e6 / (gflops * 1e9) * 1000
        ratio = lambda ms: round(ms / bound_ms, 1) if bound_ms else float("inf")
        rows.append({"operation": f"{cost.mflops_per_sample:g} MFLOPs/sample, bound {bound_ms:.3f} ms",
                     "checkpoint": cost.checkpoint, "ms_per_sample": cost.ms_per_sample,
                     "flop_bound_ms": round(bound_ms, 4), "ratio": ratio(cost.ms_per_sample),
                     "ratio_batch_256": ratio(big.ms_per_sample), "target": f"ratio <= {TARGETS['flop_ratio']}"})
    return rows


def served(quick: bool) -> tuple[list[dict], list[dict], list[dict]]:
    """One launch of the app: cold start, RSS after start, one client's latency, then many clients at
    once (1,000 requests; --quick: 100), RSS again, then 400 one-request visitors (--quick: 100) and RSS."""
    repeats, clients, each, visitors = (5, 20, 5, 100) if quick else (30, 20, 50, 400)
    with Server() as server:
        start_rss = rss_mb(server.proc.pid)
        start = [{"operation": "app start to first served 64-image grid", "checkpoint": "gan-mnist",
                  "seconds": server.started_s, "target": f"<= {TARGETS['cold_start_s']} s"}]
        latency = http_latency(server, repeats)
        load = concurrent_clients(server, clients, each)
        load_rss = rss_mb(server.proc.pid)
        new_visitors(server, visitors)
        end_rss = rss_mb(server.proc.pid)
    target = f"<= {TARGETS['rss_mb']} MB"
    memory = [{"operation": "server RSS after start", "checkpoint": "app.py", "mb": start_rss, "target": target},
              {"operation": f"server RSS after {clients * each + 5 * (repeats + 1) + 1:,} requests",
               "checkpoint": "app.py", "mb": load_rss, "target": target},
              {"operation": f"... and {visitors} more visitors, a session each", "checkpoint": "app.py",
               "mb": end_rss, "target": target}]
    return start + latency, [load], memory


def _table(title: str, rows: list[dict], columns: list[tuple[str, str, int]]):
    op = max(len(r["operation"]) for r in rows)
    print(f"\n{title}")
    print(f"{'operation':<{op}} {'checkpoint':<20} " + " ".join(f"{h:>{w}}" for _, h, w in columns) + "  target")
    for r in rows:
        print(f"{r['operation']:<{op}} {r['checkpoint']:<20} " + " ".join(f"{str(r.get(k, '')):>{w}}" for k, _, w in columns)
              + f"  {r.get('target', '')}")


def vocoder_main(quick: bool = False, as_json: bool = False):
    """`python -m genapp bench --vocoder`: vocoder_iterations (--quick: 100 clips each)."""
    torch.set_num_threads(2)
    rows = vocoder_iterations(100 if quick else 300)
    if as_json:
        print(json.dumps(rows, indent=2))
    else:
        _table("The vocoder: Griffin-Lim's iterations against what the evaluator hears", rows,
               [("ms_per_clip", "ms/clip", 8), ("convergence", "spectral conv.", 15)])


def main(quick: bool = False, as_json: bool = False):
    torch.set_num_threads(2)
    repeats = 5 if quick else 30
    rows = (image_grids(repeats) + audio_clips(repeats) + melodies(repeats) + name_lists(repeats) + walks(repeats) + slider_moves(repeats)
            + inversions(repeats) + mode_collapse_counts(repeats) + limits_panels(repeats) + uses_panels(repeats)
            + toy_runs() + grid_while_toy(repeats) + toy_live())
    gflops = matmul_gflops()
    flops = flop_bounds(gflops)
    http, load, memory = served(quick)
    info = {"torch_threads": torch.get_num_threads(), "cpus": os.cpu_count(), "matmul_gflops": gflops,
            "targets": TARGETS, "rows": rows, "http": http, "load": load, "memory": memory, "flops": flops}
    if as_json:
        print(json.dumps(info, indent=2))
        return
    print(f"genapp bench: {info['cpus']} CPUs, torch threads {info['torch_threads']}, "
          f"float32 matmul {gflops} GFLOP/s on 2 threads")
    _table("In process", rows, [("median_ms", "median ms", 10), ("p95_ms", "p95 ms", 8),
                                ("png_and_checks_ms", "png ms", 7), ("seconds", "seconds", 8)])
    _table("Served over loopback HTTP (gradio_client)", http + load,
           [("median_ms", "median ms", 10), ("p95_ms", "p95 ms", 8), ("seconds", "seconds", 8),
            ("requests_per_s", "req/s", 6)])
    for e in load[0]["first_errors"]:
        print(f"  error: {e}")
    _table("Server memory", memory, [("mb", "RSS MB", 8)])
    _table("FLOP bound: measured ms / (FLOPs / matmul rate)", flops,
           [("ms_per_sample", "ms/sample", 10), ("flop_bound_ms", "bound ms", 9), ("ratio", "ratio", 7),
            ("ratio_batch_256", "at 256", 7)])
