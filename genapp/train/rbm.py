"""Training loop of the RBM: persistent contrastive divergence (Tieleman 2008) with one Gibbs sweep
per update, labels free in the persistent chains so the joint p(v, y) is learned."""
import torch
import torch.nn.functional as F

from ..models.nets import factor_values
from ..models.rbm import RBM
from .loop import Log, binarize, minibatch

@torch.no_grad()
def reconstruction_error(model, x, y):
    """Mean squared error per pixel of one up-down pass (a training monitor, not a likelihood)."""
    return (model.reconstruct(x, y) - x).pow(2).mean().item()


def init_visible(model, x):
    """Visible biases at the data's base rates (Hinton 2010, section 8): log-odds of each pixel's
    mean (bernoulli), each position's log symbol frequencies (categorical); gaussian units see the
    data standardized per pixel (spread floored at a tenth of the median, so silent pixels don't
    blow up), so their biases start at 0."""
    v = x.flatten(1)
    kind = model.config.visible_type
    if kind == "gaussian":
        std = v.std(0)
        model.visible_offset.copy_(v.mean(0))
        model.visible_scale.copy_(std.clamp(min=0.1 * std.median().item()))
    elif kind == "categorical":
        model.b.copy_(torch.log(x.mean(0).clamp(min=1e-4)).flatten())
    else:
        p = v.mean(0).clamp(1e-3, 1 - 1e-3)
        model.b.copy_(torch.log(p / (1 - p)))


def set_class_means(model, x, y):
    """Each class's mean example, or (label factors) the overall mean and each factor value's
    difference from it: what RBM.class_means reads."""
    flat, factors = x.flatten(1), model.config.label_factors
    if not factors:
        for k in range(model.config.num_classes):
            model.class_base_rates[k] = flat[y == k].mean(0)
        return
    overall = flat.mean(0)
    rows = [overall] + [flat[value == j].mean(0) - overall
                        for k, value in zip(factors, factor_values(y, factors)) for j in range(k)]
    model.class_base_rates.copy_(torch.stack(rows))


def fit(recipe, split, device, generator, steps, snapshot=lambda step, model: None):
    """snapshot(step, model): called after each step (a time-lapse keeps some)."""
    model = RBM(sample_shape=tuple(split.x.shape[1:]), **recipe.model).to(device)
    with torch.no_grad():
        init_visible(model, split.x)
        set_class_means(model, split.x, split.y)      # where sampling chains start (see RBM.sample)
    # recipe.options: num_chains (persistent chains), discriminative_weight (of -log p(y | v) in
    # the hybrid loss), weight_decay, binarize (False: the data's [0, 1] values are used as visible
    # probabilities in the positive phase, Hinton 2010 section 3.2, for grey data such as log-mel power)
    chains, alpha = recipe.options["num_chains"], recipe.options["discriminative_weight"]
    binary = model.config.visible_type == "bernoulli" and recipe.options.get("binarize", True)
    visible = lambda x: model.to_visible(binarize(x, generator) if binary else x)
    opt = torch.optim.SGD(model.parameters(), lr=recipe.lr, momentum=0.9, weight_decay=recipe.options["weight_decay"])
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 1 - s / steps)
    k = model.config.num_classes
    chains_v = visible(split.x[:chains])
    chains_y = F.one_hot(split.y[:chains], k).float() if k else None
    # the chains' draws happen where the model is, so they need a generator on that device
    chain_gen = torch.Generator(device).manual_seed(int(torch.randint(2**62, (1,), generator=generator)))
    log = Log(steps)
    for step in range(1, steps + 1):
        x, y = minibatch(split, recipe.batch_size, generator)
        v = visible(x)
        y = F.one_hot(y, k).float() if k else None
        with torch.no_grad():
            chains_v, chains_y, _ = model.gibbs_step(chains_v, chains_y, chain_gen, clamp_labels=False)
        loss = model.hybrid_loss(v, y, chains_v, chains_y, alpha=alpha)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        log.step(step, loss=loss.detach())
        snapshot(step, model)
        if step % recipe.eval_every == 0 or step == steps:
            err = reconstruction_error(model, split.x_val, split.y_val)
            print(f"step {step} | validation reconstruction error {err:.5f}")
    return {"": model.eval()}, {}
