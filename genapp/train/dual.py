"""Training loop of the replies' scorer, a dual encoder (models/dual_encoder.py): InfoNCE with the other
pairs of the minibatch as negatives, both ways (each line picks its reply, each reply its line; van den Oord
et al. 2018, as CLIP and ConveRT), AdamW and a one-cycle learning rate. 6,233 pairs are learned by heart in a
few epochs (the hashed table has a row for every word), so it is validated often, on what it is for: the share
of held-out replies that score better beside their own line than beside another's, and the best kept."""
import torch
import torch.nn.functional as F

from ..data import DATASETS
from ..models.dual_encoder import DualEncoder
from .loop import fit_adamw, minibatch


def info_nce(logits):
    """InfoNCE of a minibatch's (B, B) logits, the true pairs on the diagonal, averaged over the two ways."""
    target = torch.arange(len(logits), device=logits.device)
    return (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target)) / 2


@torch.no_grad()
def fits_own_line(model, lines, replies, draws: int = 5, seed: int = 0) -> tuple[float, float]:
    """How often a reply scores better beside its own line than beside another line of `lines` drawn at random
    (rows (N, T, V) each, reply i answering line i; `draws` other lines for each reply, never its own place, a
    tie counting a half: the same line said twice) -> (the share, its standard error over the replies)."""
    line_vectors, reply_vectors = model.embed_lines(lines), model.embed_replies(replies)
    own = (line_vectors * reply_vectors).sum(-1)                                       # (N,)
    n = len(lines)
    offsets = torch.randint(1, n, (draws, n), generator=torch.Generator().manual_seed(seed)).to(lines.device)
    other = (torch.arange(n, device=lines.device) + offsets) % n                         # (draws, N)
    elsewhere = (line_vectors[other] * reply_vectors).sum(-1)
    per_reply = ((own > elsewhere).float() + 0.5 * (own == elsewhere).float()).mean(0)
    return per_reply.mean().item(), per_reply.std().item() / n ** 0.5


def fit(recipe, split, device, generator, steps):
    assert split.y.dim() == 3, "a dual encoder learns from pairs: x the replies' rows, y the lines'"
    vocabulary = DATASETS[recipe.dataset].alphabet.vocabulary
    model = DualEncoder(vocabulary=vocabulary, **recipe.model).to(device)

    def batch_loss():
        replies, lines = minibatch(split, recipe.batch_size, generator)
        return info_nce(model(lines, replies))

    def validate():
        model.eval()
        share = fits_own_line(model, split.y_val, split.x_val)[0]
        model.train()
        return 1 - share, f"validation: {share:.3f} of replies fit their own line better than another"
    model, best = fit_adamw(model, recipe, steps, batch_loss, validate, recipe.options.get("weight_decay", 0.01),
                            log_every=recipe.eval_every)
    model.eval()
    return {"": model}, {"validation_fits_own_line": round(1 - best.loss, 4), "best_step": best.step}
