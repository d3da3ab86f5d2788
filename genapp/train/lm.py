"""Training loop of the text evaluator, a character-level GRU language model: teacher-forced
cross-entropy per character, AdamW and a one-cycle learning rate (makemore trains its RNNs with
AdamW too). The shipped model remembers the fingerprints of every training name."""
import torch

from ..data import DATASETS, text
from ..models.language_model import CharLM
from .loop import fit_adamw, minibatch


def characters(x):
    """Symbols plus end symbols of well-formed one-hot rows (text.characters without decoding)."""
    return x.argmax(-1).ne(text.PAD_ID).sum().item()


@torch.no_grad()
def nats_per_char(model, x, batch: int = 4096):
    model.eval()
    total = sum(model(x[i:i + batch]).sum().item() for i in range(0, len(x), batch))
    model.train()
    return total / characters(x)


def fit(recipe, split, device, generator, steps):
    model = CharLM(vocab_size=split.x.shape[2], max_length=split.x.shape[1], **recipe.model).to(device)

    def batch_loss():
        x, _ = minibatch(split, recipe.batch_size, generator)
        return model(x).sum() / characters(x)

    def validate():
        val = nats_per_char(model, split.x_val)
        return val, f"validation nats/char {val:.4f}"
    model, best = fit_adamw(model, recipe, steps, batch_loss, validate, recipe.options.get("weight_decay", 0.01))
    alphabet = DATASETS[recipe.dataset].alphabet
    model = model.remember(alphabet.decode(split.x) + alphabet.decode(split.x_val))
    return {"": model.eval()}, {"validation_nats_per_char": round(best.loss, 4)}
