"""Training loop of the evaluator classifier: cross-entropy, AdamW, one-cycle schedule, random
shifts of up to two pixels (the only augmentation: digits and garments are not mirror-symmetric)."""
import torch
import torch.nn.functional as F

from ..models.classifier import Classifier
from ..data import DATASETS
from .loop import fit_adamw


def random_shift(x, generator, max_shift=(2, 2)):
    """Shift each picture by up to max_shift = (rows, columns) pixels each way, padding with
    background (a note's picture is shifted in time only: a row up is a higher pitch)."""
    n, _, h, w = x.shape
    sy, sx = max_shift
    padded = F.pad(x, (sx, sx, sy, sy))
    dx, dy = torch.randint(0, 2 * max(sy, sx) + 1, (2, n), generator=generator)   # the draws of square shifts
    dx, dy = (dx % (2 * sx + 1)).tolist(), (dy % (2 * sy + 1)).tolist()
    return torch.stack([padded[i, :, dy[i]:dy[i] + h, dx[i]:dx[i] + w] for i in range(n)])


@torch.no_grad()
def accuracy(model, x, y):
    model.eval()
    correct = sum((model(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum().item() for i in range(0, len(x), 1000))
    model.train()
    return correct / len(x)


@torch.no_grad()
def round_trips(sound, x, batch=256):
    """Each picture after the vocoder (picture -> Griffin-Lim -> picture): what a listener hears of it."""
    return torch.cat([sound.spectrogram(sound.waveform(x[i:i + batch])) for i in range(0, len(x), batch)])


def fit(recipe, split, device, generator, steps):
    model = Classifier(sample_shape=tuple(split.x.shape[1:]), **recipe.model).to(device)
    # recipe.options["round_trip"]: the share of each minibatch seen after the vocoder, so that the
    # evaluator names what a listener hears (notes lose much of their timbre's fine print in Griffin-Lim)
    heard_share = recipe.options.get("round_trip", 0.0)
    heard = round_trips(DATASETS[recipe.dataset].sound, split.x) if heard_share else None
    shift = tuple(recipe.options.get("max_shift", (2, 2)))

    def batch_loss():
        idx = torch.randint(len(split.x), (recipe.batch_size,), generator=generator).to(split.x.device)
        x, y = split.x[idx], split.y[idx]
        if heard is not None:
            use = (torch.rand(len(idx), generator=generator) < heard_share).to(x.device)
            x = torch.where(use[:, None, None, None], heard[idx], x)
        return F.cross_entropy(model(random_shift(x, generator, shift)), y)

    def validate():
        acc = accuracy(model, split.x_val, split.y_val)
        return -acc, f"validation accuracy {acc:.4f}"
    model, best = fit_adamw(model, recipe, steps, batch_loss, validate, weight_decay=5e-4)
    return {"": model.eval()}, {"validation_accuracy": round(-best.loss, 4)}
