"""Watch a tiny GAN, VAE or RBM learn a 2-D toy distribution, frame by frame.

A run trains in a worker process of its own (genapp.runs: one per browser session, at a low CPU
priority, kept between requests so that a run can be paused with Stop and advanced with Step). This
module is what the worker computes, "train n steps and draw a frame" (`_trainer`), and the operations
that ask it: Start (`train_toy`), Step (`step_toy`), Stop (`stop`), a whole run (`run_to_end`).

Frames are plain values: a scatter picture (drawn with Pillow), the loss history as rows, the modes
covered and the share of high-quality samples (genapp.data.toy.coverage). With overlays on, each family's
panel also shows what it does inside (train/toy.py `overlay`): the GAN's discriminator as a heatmap, its
generator's warped grid and the push on each fake point; the VAE's decoder's warped grid and, in an inset of
its latent plane, the posteriors of a few data points; the RBM's density exp(-F) as a heatmap, a Gibbs chain's
path and its persistent chains.
"""
import re
import sys
import time
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .. import runs
from ..runs import MAX_RUNS, close
from ..data.toy import LIMIT, MAX_POINTS
from . import render
from .checks import BadRequest, integer, number, check_seed, one_of

FAMILIES = {"gan": "vanilla GAN", "pacgan": "PacGAN", "gan-vs-pacgan": "vanilla GAN vs PacGAN", "vae": "VAE",
            "rbm": "RBM", "all": "GAN, VAE and RBM side by side"}
GROUPS = {"gan-vs-pacgan": ("gan", "pacgan"), "all": ("gan", "vae", "rbm")}     # a choice of several families
GAN_LOSSES = {"bce": "non-saturating", "minimax": "minimax", "hinge": "hinge", "lsgan": "least squares"}
OPTIMIZERS = {"adam": "Adam", "sgd": "SGD"}
PHASES = {"both": "D then G", "d": "D only", "g": "G only"}
RBM_SAMPLERS = {"pcd": "PCD (persistent chains)", "cd1": "CD-1 (one sweep from the data)"}
WIDTHS = (4, 256)                   # hidden units of the GAN's nets
DEPTHS = (1, 6)                     # hidden layers of the GAN's nets
G_LR_SCALES = (0.1, 10.0)           # the GAN's generator's learning rate over its discriminator's
BETAS = (0.0, 4.0)                  # the VAE's KL weight
DATA = {"ring": "ring of 8", "grid": "5x5 grid", "moons": "two moons", "points": "my points"}
MAX_STEPS = 5000
EVERY = (1, 500)                    # steps between frames (1: slow motion, every step seen)
LEARNING_RATES = (1e-5, 0.1)
SHOWN = 512                         # model samples drawn in each frame
PANEL = 360                         # pixels per side of a scatter
LOSS_BIN = 10                       # the loss curve shows means over this many steps
COLORS = {"gan": (31, 119, 180), "pacgan": (148, 52, 160), "vae": (214, 96, 20), "rbm": (30, 140, 70)}


# argument checks

def check_family(family) -> str:
    return one_of(family, FAMILIES, "a model")


def check_data(data) -> str:
    return one_of(data, DATA, "the data")


def check_learning_rate(lr) -> float:
    return number(lr, "The learning rate", *LEARNING_RATES)


def check_toy_steps(steps) -> int:
    return integer(steps, "The number of training steps", 1, MAX_STEPS)


def check_every(every) -> int:
    return integer(every, "The steps between frames", *EVERY)


def check_beta(beta) -> float:
    """The VAE's KL weight; None (an API caller that predates it) is 1."""
    return 1.0 if beta is None else number(beta, "The VAE's KL weight beta", *BETAS)


def check_phase(phase) -> str:
    return one_of(phase, PHASES, "which player to step")


def check_points(points) -> list[tuple[float, float]]:
    """'x, y; x, y; ...' (or a list of pairs) -> 1 to MAX_POINTS points inside the canvas."""
    if isinstance(points, str):
        pairs = [p for p in re.split(r"[;\n]", points) if p.strip()]
        try:
            points = [tuple(float(v) for v in re.split(r"[,\s]+", p.strip().strip("()"))) for p in pairs]
        except ValueError:
            raise BadRequest("Write your points as 'x, y' pairs separated by semicolons, e.g. '-2, 0; 2, 1'.") from None
    try:
        points = [(float(x), float(y)) for x, y in points or []]
    except (TypeError, ValueError):
        raise BadRequest("Write your points as 'x, y' pairs separated by semicolons, e.g. '-2, 0; 2, 1'.") from None
    if not 1 <= len(points) <= MAX_POINTS:
        raise BadRequest(f"Place from 1 to {MAX_POINTS} points (click the canvas, or type 'x, y' pairs); "
                         f"you gave {len(points)}.")
    edge = LIMIT - 0.5
    if not all(abs(v) <= edge for p in points for v in p):        # also refuses nan and inf
        raise BadRequest(f"Keep every point between -{edge} and {edge} on both axes.")
    return points


@dataclass(frozen=True)
class Settings:
    family: str
    data: str
    lr: float
    seed: int
    points: tuple = ()
    loss: str = "bce"              # the GAN's
    optimizer: str = "adam"        # the GAN's and the VAE's
    width: int = 64                # the GAN's nets' hidden units
    overlays: bool = False         # draw what each family does inside
    sampler: str = "pcd"           # the RBM's negative phase
    g_lr_scale: float = 1.0        # the GAN's G's learning rate over D's
    depth: int = 2                 # the GAN's nets' hidden layers

    @property
    def families(self) -> tuple:
        return GROUPS.get(self.family, (self.family,))


def check_settings(family="gan-vs-pacgan", data="ring", lr=None, seed=0, points="", loss="bce", optimizer="adam",
                   width=64, overlays=False, sampler="pcd", g_lr_scale=1.0, depth=2) -> Settings:
    """The checked settings; None for loss, optimizer, width, overlays, sampler, g_lr_scale or depth (a caller
    of the API that predates them) is its default."""
    family, data, seed = check_family(family), check_data(data), check_seed(seed)
    lr = default_learning_rate(family) if lr in (None, "") else check_learning_rate(lr)
    loss, optimizer = ("bce" if loss is None else loss), ("adam" if optimizer is None else optimizer)
    width, overlays = (64 if width is None else width), (False if overlays is None else overlays)
    if not isinstance(overlays, bool):
        raise BadRequest(f"Overlays are on (true) or off (false), not {overlays!r}.")
    return Settings(family, data, lr, seed, tuple(check_points(points)) if data == "points" else (),
                    one_of(loss, GAN_LOSSES, "a GAN loss"), one_of(optimizer, OPTIMIZERS, "an optimiser"),
                    integer(width, "The GAN's width", *WIDTHS), overlays,
                    one_of("pcd" if sampler is None else sampler, RBM_SAMPLERS, "the RBM's negative phase"),
                    1.0 if g_lr_scale is None else number(g_lr_scale, "G's learning rate over D's", *G_LR_SCALES),
                    2 if depth is None else integer(depth, "The GAN's hidden layers", *DEPTHS))


def default_learning_rate(family) -> float:
    """The family's learning rate (of several: the first's, the GAN's for all three; each of "all"'s families
    then trains at its own default, unless one is given)."""
    from ..train.toy import DEFAULT_LR
    return DEFAULT_LR[GROUPS.get(check_family(family), (family,))[0]]


# pictures

def _to_pixel(x, y, size=PANEL):
    return (x + LIMIT) / (2 * LIMIT) * (size - 1), (LIMIT - y) / (2 * LIMIT) * (size - 1)


def _to_pixels(points, size=PANEL) -> tuple[list, list]:
    """_to_pixel of many points at once, (N, 2) -> their xs and ys: a frame draws over a thousand."""
    a = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    xs, ys = _to_pixel(a[:, 0], a[:, 1], size)
    return xs.tolist(), ys.tolist()


def canvas_point(px: float, py: float, size: int = PANEL) -> tuple[float, float]:
    """A click at pixel (px, py) of a PANEL-sized picture -> the point (x, y) it marks, rounded to 0.1."""
    px, py = number(px, "The click's x", 0, size), number(py, "The click's y", 0, size)
    return round(px / (size - 1) * 2 * LIMIT - LIMIT, 1), round(LIMIT - py / (size - 1) * 2 * LIMIT, 1)


def _heat(values, kind: str, size: int) -> Image.Image:
    """A HEAT x HEAT grid of values in [0, 1] -> a faint size x size picture: D's belief from purple (fake)
    through white to green (real), as GAN Lab colours it; a density from white to orange."""
    v = np.asarray(values, dtype=np.float32)[..., None]
    if kind == "belief":
        fake, real, white = np.array([222, 200, 238]), np.array([190, 232, 190]), np.array([255, 255, 255])
        rgb = np.where(v < 0.5, white + (fake - white) * (1 - 2 * v), white + (real - white) * (2 * v - 1))
    else:
        rgb = 255 + (np.array([250, 180, 110]) - 255) * np.sqrt(v)
    return Image.fromarray(rgb.clip(0, 255).astype(np.uint8)).resize((size, size), Image.BILINEAR)


def _draw_overlay(picture, draw, ox: int, overlay: dict, color, size: int):
    """A family's inside (train/toy.py overlay) on its panel: the heatmap is pasted by scatter first."""
    at = lambda p: (ox + _to_pixel(*p, size)[0], _to_pixel(*p, size)[1])
    faint = tuple(int(255 - (255 - c) * 0.45) for c in color)
    for line in overlay.get("grid", []):                                # a latent grid's image: the warped sheet
        draw.line([at(p) for p in line], fill=faint, width=1)
    for x, y, dx, dy in overlay.get("arrows", []):                      # the push of G's loss on a fake point
        norm = max(1e-9, (dx * dx + dy * dy) ** 0.5)
        length = min(0.8, 4 * norm)
        a, b = at((x, y)), at((x + dx / norm * length, y + dy / norm * length))
        draw.line([a, b], fill=(60, 60, 60), width=1)
        draw.ellipse([b[0] - 1.5, b[1] - 1.5, b[0] + 1.5, b[1] + 1.5], fill=(60, 60, 60))
    for x, y in overlay.get("chains", []):                              # the negative phase's persistent chains
        a, b = at((x, y))
        draw.line([(a - 2.5, b - 2.5), (a + 2.5, b + 2.5)], fill=(40, 40, 40))
        draw.line([(a - 2.5, b + 2.5), (a + 2.5, b - 2.5)], fill=(40, 40, 40))
    if overlay.get("path"):                                             # one Gibbs chain, sweep by sweep
        draw.line([at(p) for p in overlay["path"]], fill=(200, 30, 30), width=2)
        a, b = at(overlay["path"][-1])
        draw.ellipse([a - 4, b - 4, a + 4, b + 4], outline=(200, 30, 30), width=2)
    if overlay.get("posteriors"):
        _latent_inset(draw, ox, overlay["posteriors"], color, size, at)
    if overlay.get("note"):
        draw.text((ox + 6, size - 18), overlay["note"], fill=(60, 60, 60), font=ImageFont.load_default(size=11))


def _latent_inset(draw, ox: int, posteriors: list, color, size: int, at):
    """The VAE's latent plane in the panel's corner: the prior's 1 and 2 standard deviation circles and each
    shown data point's posterior as an ellipse of one standard deviation, numbered as its point on the canvas."""
    side, span = size // 3, 3.0
    x0, y0 = ox + size - side - 4, size - side - 4
    to = lambda u, v: (x0 + (u + span) / (2 * span) * side, y0 + (span - v) / (2 * span) * side)
    draw.rectangle([x0, y0, x0 + side, y0 + side], fill=(250, 250, 250), outline=(150, 150, 150))
    for r in (1, 2):
        (a, b), (c, d) = to(-r, r), to(r, -r)
        draw.ellipse([a, b, c, d], outline=(190, 190, 190))
    font = ImageFont.load_default(size=10)
    draw.text((x0 + 3, y0 + 2), "latent z", fill=(90, 90, 90), font=font)
    for k, p in enumerate(posteriors, 1):
        (mx, my), (sx, sy) = p["mean"], p["std"]
        (a, b), (c, d) = to(mx - sx, my + sy), to(mx + sx, my - sy)
        draw.ellipse([a, b, max(a + 2, c), max(b + 2, d)], outline=color, width=2)
        draw.text(to(mx, my), str(k), fill=(20, 20, 20), font=font)
        px, py = at(p["point"])                                          # the data point, and where it decodes
        qx, qy = at(p["decoded"])
        draw.line([(px, py), (qx, qy)], fill=(120, 120, 120))
        draw.rectangle([px - 3, py - 3, px + 3, py + 3], outline=(20, 20, 20))
        draw.text((px + 4, py - 12), str(k), fill=(20, 20, 20), font=font)


def scatter(toy, data_points, panels, size: int = PANEL) -> Image.Image:
    """One panel per (title, family, samples (N, 2) list, covered modes (set)[, overlay dict]) side by side:
    the data in grey, each mode's 3-std circle (green: covered, red: missed), the model's samples in colour,
    and, given an overlay, what the family does inside (_draw_overlay)."""
    font = ImageFont.load_default(size=13)
    picture = Image.new("RGB", (size * len(panels), size), "white")
    draw = ImageDraw.Draw(picture)
    centre_modes = toy.name != "moons"
    for i, (title, family, samples, covered, *extra) in enumerate(panels):
        ox, overlay = i * size, (extra[0] if extra else None) or {}
        if "heat" in overlay:
            picture.paste(_heat(overlay["heat"], overlay["heat_kind"], size), (ox, 0))
        for v in range(-4, 5, 2):                                        # light grid every 2 units
            a, _ = _to_pixel(v, 0, size)
            draw.line([(ox + a, 0), (ox + a, size)], fill=(225, 225, 225) if overlay else (238, 238, 238))
            draw.line([(ox, a), (ox + size, a)], fill=(225, 225, 225) if overlay else (238, 238, 238))
        xs, ys = _to_pixels(data_points, size)
        draw.point([(ox + a, b) for a, b in zip(xs, ys)], fill=(170, 170, 170))
        if centre_modes:
            r = max(4.0, 3 * toy.std / 10 * size)
            for k, (x, y) in enumerate(toy.centers.tolist()):
                a, b = _to_pixel(x, y, size)
                draw.ellipse([ox + a - r, b - r, ox + a + r, b + r], outline=(40, 160, 40) if k in covered else (220, 50, 50),
                             width=2)
        color = COLORS[family]
        if overlay:
            _draw_overlay(picture, draw, ox, overlay, color, size)
        for a, b in zip(*_to_pixels(samples, size)):
            if -2 <= a <= size + 2 and -2 <= b <= size + 2:
                draw.ellipse([ox + a - 1.6, b - 1.6, ox + a + 1.6, b + 1.6], fill=color)
        draw.text((ox + 6, 4), title, fill=(20, 20, 20), font=font)
        if i:
            draw.line([(ox, 0), (ox, size)], fill=(120, 120, 120), width=2)
    return picture


def points_picture(points="") -> Image.Image:
    """The empty canvas with the placed points marked: where a person clicks to place more."""
    from ..data.toy import placed
    points = check_points(points) if points not in ("", None, []) else []
    toy = placed(points or [(99.0, 99.0)])                              # off the canvas: nothing to draw
    return scatter(toy, [], [(f"{len(points)} points: click to add", "gan", [], set(range(len(points))))])


def gif(frames: list[Image.Image], ms: int = 120) -> bytes:
    """An animated GIF of the frames, the last held for a second and a half."""
    return render.gif(frames, [ms] * (len(frames) - 1) + [1500])


# the worker's work (a process of its own per run: genapp.runs)

def _trainer(settings: Settings):
    """In the worker: the run's model(s) and data; returns `train(n)`, which trains n steps and draws a frame."""
    import torch

    from ..data.toy import coverage, toy as make_toy
    from ..train.toy import make_trainer
    from ..train.toy import DEFAULT_LR
    torch.set_num_threads(1)
    toy = make_toy(settings.data, list(settings.points))
    scale = settings.lr / DEFAULT_LR[settings.families[0]]     # each family's own default, scaled alike
    trainers = {f: make_trainer(f, toy, DEFAULT_LR[f] * scale, settings.seed, settings.loss, settings.optimizer,
                                settings.width, settings.sampler, settings.g_lr_scale, settings.depth)
                for f in settings.families}
    data_points = toy.sample(1000, torch.Generator().manual_seed(12345)).tolist()
    step = 0

    def train(request) -> dict:
        """request: n steps, or {"n": steps, "phase": the GAN's ("both", "d", "g"), "beta": the VAE's KL weight}."""
        nonlocal step
        request = request if isinstance(request, dict) else {"n": request}
        n = request["n"]
        t0 = time.perf_counter()
        losses = {f: t.train(n, phase=request.get("phase", "both"), beta=request.get("beta", 1.0))
                  for f, t in trainers.items()}
        train_seconds = time.perf_counter() - t0
        step += n
        panels, stats = [], {}
        with torch.no_grad():
            for f, t in trainers.items():
                samples = t.sample(SHOWN, torch.Generator().manual_seed(settings.seed + step))
                samples = torch.nan_to_num(samples, nan=99.0, posinf=99.0, neginf=-99.0)
                modes, quality = coverage(toy, samples)
                covered = len(modes)
                stats[f] = (covered, quality)
                title = f"{FAMILIES[f]} · step {step} · " + (f"modes {covered}/{toy.num_modes} · " if toy.name != "moons"
                                                             else f"moons {covered}/2 · ") + f"good {quality:.0%}"
                overlay = t.overlay() if settings.overlays else None
                panels.append((title, f, samples.tolist(), modes, overlay))
        return dict(step=step, picture=scatter(toy, data_points, panels), losses=losses, stats=stats,
                    names={f: t.losses for f, t in trainers.items()}, train_seconds=train_seconds)

    return train


# runs: one per browser session, named by an id the browser keeps

@dataclass
class ToyFrame:
    run_id: str
    step: int
    target: int                    # the step this request trains to
    picture: Image.Image
    rows: list                     # (step, loss, series) so far
    covered: dict                  # family -> modes covered
    quality: dict                  # family -> share of high-quality samples
    num_modes: int
    caption: str
    seconds: float                 # since the request began
    done: bool


def _new_run(settings: Settings) -> tuple[str, runs.Run]:
    try:
        return runs.start(__name__, settings)
    except runs.Full:
        raise BadRequest(f"{MAX_RUNS} students are training toy models right now, the most this server "
                         "runs at once; try again in a minute.") from None


def stop(run_id) -> str:
    """Pause a run: its frames stop after the one being drawn; the model is kept for Step."""
    run = runs.get(run_id)
    if run is None:
        return "Nothing is training."
    run.owner = None
    return f"Stopped at step {run.step}. Press Step to go on from here, or Start to begin again."


def _bin_losses(run: runs.Run, names: dict, losses: dict):
    """Append the LOSS_BIN-step means of each loss to run.rows, a series per loss (and family)."""
    for f, history in losses.items():
        start = run.step - len(history)
        for i, name in enumerate(names[f]):
            series = name if len(losses) == 1 else f"{FAMILIES[f]}: {name}"
            for b in range(0, len(history), LOSS_BIN):
                part = [h[i] for h in history[b:b + LOSS_BIN]]
                run.rows.append((start + b + len(part), sum(part) / len(part), series))


def set_beta(run_id, beta) -> str:
    """Change the VAE's KL weight of a run while it trains (from its next frame on)."""
    beta, run = check_beta(beta), runs.get(run_id)
    if run is None:
        return "Nothing is training; beta applies from the next Start."
    run.controls["beta"] = beta
    return f"The VAE's KL weight is now {beta:g} (from step {run.step} on)."


def _advance(run_id: str, run: runs.Run, steps: int, every: int, progress=None, phase: str = "both"):
    """Train `steps` more steps, a frame every `every`: yields ToyFrames until done, or until another
    request (Stop, Step, Start) takes the run over. phase: the GAN's player(s) to step; the VAE's beta is read
    from run.controls before each frame (set_beta changes it meanwhile)."""
    from ..data.toy import toy as make_toy
    token = object()
    run.owner = token
    num_modes = make_toy(run.settings.data, list(run.settings.points)).num_modes
    target, t0 = run.step + steps, time.perf_counter()
    try:
        while run.step < target and run.owner is token:
            n = min(every, target - run.step)
            try:
                reply = run.ask({"n": n, "phase": phase, "beta": run.controls.get("beta", 1.0)})
            except runs.Ended:
                raise BadRequest("This run's worker has ended; press Start to begin again.") from None
            run.step = reply["step"]
            _bin_losses(run, reply["names"], reply["losses"])
            covered = {f: c for f, (c, _) in reply["stats"].items()}
            quality = {f: q for f, (_, q) in reply["stats"].items()}
            seconds = time.perf_counter() - t0
            what = " · ".join(f"{FAMILIES[f]}: {'moons' if run.settings.data == 'moons' else 'modes'} covered "
                              f"{covered[f]}/{num_modes}, high-quality samples {quality[f]:.0%}" for f in covered)
            caption = (f"Step {run.step} of {target} · {what} · {seconds:.1f} s "
                       f"({reply['train_seconds'] / n * 1000:.1f} ms a step now)")
            if progress is not None:
                progress(steps - (target - run.step), steps)
            yield ToyFrame(run_id, run.step, target, reply["picture"], list(run.rows), covered, quality, num_modes,
                           caption, seconds, run.step >= target)
    finally:
        if run.owner is token:
            run.owner = None


def train_toy(family="gan-vs-pacgan", data="ring", lr=None, steps=2000, seed=0, every=50, points="",
              run_id=None, progress=None, beta=1.0, **inside):
    """A new run (the session's previous run `run_id`, if any, ended): yields a ToyFrame every `every`
    steps, `steps` in all. Same arguments, same frames. inside: the settings of what each family does inside
    (loss, optimizer, width, overlays, sampler, g_lr_scale, depth: check_settings's)."""
    settings = check_settings(family, data, lr, seed, points, **inside)
    steps, every, beta = check_toy_steps(steps), check_every(every), check_beta(beta)
    close(run_id)
    run_id, run = _new_run(settings)
    run.controls["beta"] = beta
    yield from _advance(run_id, run, steps, every, progress)


def step_toy(run_id, steps=50, every=50, family="gan-vs-pacgan", data="ring", lr=None, seed=0, points="",
             progress=None, phase="both", beta=None, **inside):
    """Advance the session's run by `steps` steps from where it is (phase: the GAN's D and G, or one of them
    alone); with no run (or one that ended, or settings changed since), start one with these settings first.
    beta: the VAE's KL weight from now on (None: as it was)."""
    settings = check_settings(family, data, lr, seed, points, **inside)
    steps, every, phase = check_toy_steps(steps), check_every(every), check_phase(phase)
    beta = None if beta is None else check_beta(beta)      # None: as it was
    run = runs.get(run_id)
    if run is None or not run.alive() or run.settings != settings:
        close(run_id)
        run_id, run = _new_run(settings)
    if beta is not None:
        run.controls["beta"] = beta
    yield from _advance(run_id, run, steps, every, progress, phase)


def run_to_end(family="gan-vs-pacgan", data="ring", lr=None, steps=2000, seed=0, every=50, points="", beta=1.0,
               **inside) -> list:
    """A run of these settings, all its frames; its worker then ends (idle, it would stay 10 minutes)."""
    frames = list(train_toy(family, data, lr, steps, seed, every, points, beta=beta, **inside))
    close(frames[-1].run_id)
    return frames


if __name__ == "__main__":                                 # a worker (genapp.runs.start spawns it)
    runs.serve(int(sys.argv[1]), _trainer)
