"""Training loop of the RBM: persistent contrastive divergence (Tieleman 2008) with one Gibbs sweep
per update, labels free in the persistent chains so the joint p(v, y) is learned."""
import torch
import torch.nn.functional as F

from ..models.rbm import RBM
from .loop import Log, binarize, minibatch

@torch.no_grad()
def reconstruction_error(model, x, y):
    """Mean squared error per pixel of one up-down pass (a training monitor, not a likelihood)."""
    return (model.reconstruct(x, y) - x).pow(2).mean().item()


def fit(recipe, split, device, generator, steps):
    model = RBM(sample_shape=tuple(split.x.shape[1:]), **recipe.model).to(device)
    with torch.no_grad():   # visible biases at the data's log-odds (Hinton 2010, section 8)
        p = split.x.flatten(1).mean(0).clamp(1e-3, 1 - 1e-3)
        model.b.copy_(torch.log(p / (1 - p)))
        for k in range(model.config.num_classes):   # where sampling chains start (see RBM.sample)
            model.class_base_rates[k] = split.x[split.y == k].flatten(1).mean(0)
    # recipe.options: num_chains (persistent chains), discriminative_weight (of -log p(y | v) in
    # the hybrid loss), weight_decay
    chains, alpha = recipe.options["num_chains"], recipe.options["discriminative_weight"]
    opt = torch.optim.SGD(model.parameters(), lr=recipe.lr, momentum=0.9, weight_decay=recipe.options["weight_decay"])
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 1 - s / steps)
    k = model.config.num_classes
    chains_v = binarize(split.x[:chains], generator).flatten(1)
    chains_y = F.one_hot(split.y[:chains], k).float() if k else None
    # the chains' draws happen where the model is, so they need a generator on that device
    chain_gen = torch.Generator(device).manual_seed(int(torch.randint(2**62, (1,), generator=generator)))
    log = Log(steps)
    for step in range(1, steps + 1):
        x, y = minibatch(split, recipe.batch_size, generator)
        v = binarize(x, generator).flatten(1)
        y = F.one_hot(y, k).float() if k else None
        with torch.no_grad():
            chains_v, chains_y, _ = model.gibbs_step(chains_v, chains_y, chain_gen, clamp_labels=False)
        loss = model.hybrid_loss(v, y, chains_v, chains_y, alpha=alpha)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        log.step(step, loss=loss.detach())
        if step % recipe.eval_every == 0 or step == steps:
            err = reconstruction_error(model, split.x_val, split.y_val)
            print(f"step {step} | validation reconstruction error {err:.5f}")
    return {"": model.eval()}, {}
