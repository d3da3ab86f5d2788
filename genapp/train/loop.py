"""What every training loop shares: random minibatches, a makemore-style log line, and keeping the
weights that did best on validation."""
import copy
import time
from dataclasses import dataclass

import torch


@dataclass
class Split:
    """Training data on the training device: x (N, C, H, W) in [0, 1], y (N,) int64."""
    x: torch.Tensor
    y: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor


def to_device(t: torch.Tensor, device) -> torch.Tensor:
    """A tensor drawn on the CPU (from the CPU generator that makes a run reproducible) -> `device`. To a
    GPU through pinned memory without waiting: a plain copy waits until the GPU has done everything
    queued before it, so the loop could never run ahead of the GPU (small nets' steps are short)."""
    if torch.device(device).type != "cuda":
        return t.to(device)
    return t.pin_memory().to(device, non_blocking=True)


def minibatch(split: Split, batch_size: int, generator: torch.Generator):
    """A random minibatch, drawn with replacement (cheap: no permutation of the whole set per step)."""
    idx = to_device(torch.randint(len(split.x), (batch_size,), generator=generator), split.x.device)
    return split.x[idx], split.y[idx]


def binarize(x, generator):
    """Dynamic binarization: each pixel is a fresh Bernoulli draw with its intensity as probability."""
    noise = to_device(torch.rand(x.shape, generator=generator), x.device)
    return (noise < x).float()


class Log:
    """Prints `step 500 | loss 2.1034 | 1.2ms` every `every` steps and the final timing."""

    def __init__(self, steps: int, every: int = 500):
        self.steps, self.every, self.t0, self.last = steps, every, time.time(), time.time()

    def step(self, step: int, **values):
        if step % self.every and step != self.steps:
            return
        ms = (time.time() - self.last) * 1000 / self.every
        self.last = time.time()
        parts = " | ".join(f"{k} {float(v):.4f}" for k, v in values.items())   # syncs only here
        print(f"step {step}/{self.steps} | {parts} | {ms:.1f}ms", flush=True)

    @property
    def seconds(self) -> float:
        return time.time() - self.t0


class Best:
    """Keeps a copy of the model's weights whenever the validation loss improves."""

    def __init__(self, model):
        self.model, self.loss, self.state, self.step = model, float("inf"), None, 0

    def update(self, loss: float, step: int):
        if loss < self.loss:
            self.loss, self.step = loss, step
            self.state = copy.deepcopy(self.model.state_dict())

    def restore(self):
        if self.state is not None:
            self.model.load_state_dict(self.state)
        return self.model


def fit_adamw(model, recipe, steps: int, batch_loss, validate, weight_decay: float, log_every: int = 500):
    """The loop the evaluators and the dual encoder share: AdamW with a one-cycle learning rate over `steps`;
    batch_loss() the loss of a fresh minibatch; every recipe.eval_every steps and at the last, validate() ->
    (a figure, the smaller the better, and what to print of it), the best weights kept. Returns the model
    with the best weights back and the Best (its figure and step)."""
    opt = torch.optim.AdamW(model.parameters(), lr=recipe.lr, weight_decay=weight_decay)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=recipe.lr, total_steps=steps)
    log, best = Log(steps, every=log_every), Best(model)
    for step in range(1, steps + 1):
        loss = batch_loss()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        log.step(step, loss=loss.detach())
        if step % recipe.eval_every == 0 or step == steps:
            figure, said = validate()
            best.update(figure, step)
            print(f"step {step} | {said}")
    return best.restore(), best


class Snapshots:
    """The weights at a few steps of a run, for its time-lapse (train --snapshots K): K steps spread evenly on
    a log scale from step 100 to the last (learning is fastest early), each kept as a copy on the CPU."""

    def __init__(self, steps: int, count: int = 0, first: int = 100):
        first = min(first, steps)
        self.at = sorted({round(first * (steps / first) ** (i / (count - 1))) for i in range(count)}) if count > 1 else \
            ([steps] if count == 1 else [])
        self.kept = {}

    def __call__(self, step: int, model):
        if step in self.at:
            self.kept[step] = copy.deepcopy(model).cpu().eval()


def seed_generator(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)
