"""Training loop of the VAE: minimise the negative ELBO on dynamically binarized data."""
import torch

from ..models.vae import VAE
from .loop import Best, Log, binarize, minibatch


@torch.no_grad()
def validation_elbo(model, x, y, generator):
    model.eval()
    losses = [model(binarize(x[i:i + 500], generator), y[i:i + 500], generator=None)[0]
              for i in range(0, len(x), 500)]
    model.train()
    return torch.cat(losses).mean().item()


def fit(recipe, split, device, generator, steps):
    model = VAE(sample_shape=tuple(split.x.shape[1:]), **recipe.model).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=recipe.lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    log, best = Log(steps), Best(model)
    for step in range(1, steps + 1):
        x, y = minibatch(split, recipe.batch_size, generator)
        loss, rec, kl = model(binarize(x, generator), y)
        loss = loss.mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        log.step(step, loss=loss.detach(), rec=rec.mean().detach(), kl=kl.mean().detach())
        if step % recipe.eval_every == 0 or step == steps:
            val = validation_elbo(model, split.x_val, split.y_val, generator)
            best.update(val, step)
            print(f"step {step} | validation -ELBO {val:.2f} nats (best {best.loss:.2f} at {best.step})")
    return {"": best.restore().eval()}, {"validation_neg_elbo_nats": round(best.loss, 2), "best_step": best.step}
