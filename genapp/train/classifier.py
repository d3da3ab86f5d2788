"""Training loop of the evaluator classifier: cross-entropy, AdamW, one-cycle schedule, random
shifts of up to two pixels (the only augmentation: digits and garments are not mirror-symmetric)."""
import torch
import torch.nn.functional as F

from ..models.classifier import Classifier
from .loop import Best, Log, minibatch


def random_shift(x, generator, max_shift=2):
    """Shift each picture by up to max_shift pixels in each direction, padding with background."""
    n, _, h, w = x.shape
    padded = F.pad(x, (max_shift,) * 4)
    dx, dy = (torch.randint(0, 2 * max_shift + 1, (2, n), generator=generator)).tolist()
    return torch.stack([padded[i, :, dy[i]:dy[i] + h, dx[i]:dx[i] + w] for i in range(n)])


@torch.no_grad()
def accuracy(model, x, y):
    model.eval()
    correct = sum((model(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum().item() for i in range(0, len(x), 1000))
    model.train()
    return correct / len(x)


def fit(recipe, split, device, generator, steps):
    model = Classifier(sample_shape=tuple(split.x.shape[1:]), **recipe.model).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=recipe.lr, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=recipe.lr, total_steps=steps)
    log, best = Log(steps), Best(model)
    for step in range(1, steps + 1):
        x, y = minibatch(split, recipe.batch_size, generator)
        loss = F.cross_entropy(model(random_shift(x, generator)), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        log.step(step, loss=loss.detach())
        if step % recipe.eval_every == 0 or step == steps:
            acc = accuracy(model, split.x_val, split.y_val)
            best.update(-acc, step)
            print(f"step {step} | validation accuracy {acc:.4f}")
    return {"": best.restore().eval()}, {"validation_accuracy": round(-best.loss, 4)}
