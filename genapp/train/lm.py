"""Training loop of the text evaluator, a character-level GRU language model: teacher-forced
cross-entropy per character, AdamW and a one-cycle learning rate (makemore trains its RNNs with
AdamW too). The shipped model remembers the fingerprints of every training name. On a data set of pairs
(replies) it learns p(reply | line), reading the line first; init_from names a language model to start from."""
import torch

from ..data import DATASETS, text
from ..hub import resolve
from ..models.language_model import CharLM
from .loop import Best, Log, minibatch


def characters(x):
    """Symbols plus end symbols of well-formed one-hot rows (text.characters without decoding)."""
    return x.argmax(-1).ne(text.PAD_ID).sum().item()


def contexts(y):
    """The context rows of a batch for a conditional model (replies: y holds the lines), else None."""
    return y if y.dim() == 3 else None


@torch.no_grad()
def nats_per_char(model, x, y, batch: int = 4096):
    model.eval()
    total = sum(model(x[i:i + batch], contexts(y[i:i + batch])).sum().item() for i in range(0, len(x), batch))
    model.train()
    return total / characters(x)


def fit(recipe, split, device, generator, steps):
    context_length = split.y.shape[1] if split.y.dim() == 3 else 0      # conditioned on lines (replies)
    model = CharLM(vocab_size=split.x.shape[2], max_length=split.x.shape[1], context_length=context_length,
                   **recipe.model).to(device)
    if "init_from" in recipe.options:     # a language model's weights to start from (eval-lines, for replies)
        start = CharLM.from_pretrained(resolve(recipe.options["init_from"]), torch_dtype=torch.float32)
        model.load_state_dict({k: v for k, v in start.state_dict().items() if k != "training_hashes"}, strict=False)
    opt = torch.optim.AdamW(model.parameters(), lr=recipe.lr, weight_decay=recipe.options.get("weight_decay", 0.01))
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=recipe.lr, total_steps=steps)
    log, best = Log(steps), Best(model)
    for step in range(1, steps + 1):
        x, y = minibatch(split, recipe.batch_size, generator)
        loss = model(x, contexts(y)).sum() / characters(x)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        log.step(step, loss=loss.detach())
        if step % recipe.eval_every == 0 or step == steps:
            val = nats_per_char(model, split.x_val, split.y_val)
            best.update(val, step)
            print(f"step {step} | validation nats/char {val:.4f}")
    alphabet = DATASETS[recipe.dataset].alphabet
    model = best.restore().remember(alphabet.decode(split.x) + alphabet.decode(split.x_val))
    return {"": model.eval()}, {"validation_nats_per_char": round(best.loss, 4)}
