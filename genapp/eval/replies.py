"""Evaluation of the reply checkpoints: vae-replies (a conditional VAE writing a reply to a line) and its
scorer eval-replies (a dual encoder: how well a reply fits a line).

A reply should (1) differ from draw to draw (five replies to a line, how many distinct), (2) read like
Shakespeare (the lines' evaluator, nats per character, beside real replies), (3) be new (not a training
line), and (4) fit its own line: under the scorer, a reply should score better beside the line it answers
than beside another test line drawn at random (five of them for each reply; fits_own_line). The same test on
the real replies to the same lines says how well the scorer itself can tell (its reference)."""
import random

import torch

from .. import hub
from ..data import DATASETS
from ..models.vae import kl_divergence
from ..sampling import sample_replies
from ..train.dual import fits_own_line
from .figure import metric, progress
from .sample_metrics import novelty

LINES_ANSWERED = 200          # test lines, each answered REPLIES times
REPLIES = 5
OTHER_LINES = 5               # random other test lines each reply is also scored beside
SEED = 0


def test_pairs(data_dir=None) -> list[tuple[str, str]]:
    return DATASETS["replies"].read(data_dir or hub.data_folder("replies"), "test")


def fit_share(scorer, lines: list[str], replies: list[str]) -> tuple[float, float]:
    """fits_own_line of texts: (share of the comparisons a reply wins beside its own line, standard error)."""
    alphabet = DATASETS["replies"].alphabet
    return fits_own_line(scorer, alphabet.rows(lines), alphabet.rows(replies), OTHER_LINES, SEED)


def evaluate_scorer(name, pairs) -> dict:
    lines, replies = map(list, zip(*pairs))
    share, error = fit_share(hub.load(name), lines, replies)
    return {"fits_own_line": metric(f"Share of the {len(pairs)} real test replies scored better beside their own line "
                                    f"than beside another test line drawn at random ({OTHER_LINES} for each reply)",
                                    share, 3, spread=error)}


@torch.no_grad()
def evaluate_replies(name, pairs) -> dict:
    alphabet = DATASETS["replies"].alphabet
    scorer, lm = hub.load(hub.evaluator("replies")), hub.load(hub.evaluator("lines"))
    chosen = random.Random(SEED).sample(pairs, LINES_ANSWERED)
    lines, real = map(list, zip(*chosen))
    replies = []
    with progress(f"{REPLIES} replies to each of {LINES_ANSWERED} test lines", LINES_ANSWERED) as bar:
        for i, line in enumerate(lines):
            replies.append(sample_replies(name, line, REPLIES, torch.Generator().manual_seed(SEED + i)))
            bar.update(1)
    distinct = torch.tensor([len(set(r)) for r in replies], dtype=torch.float)
    flat = [r for rs in replies for r in rs]
    spelled = [(line, r) for line, rs in zip(lines, replies) for r in rs if r.strip()]
    answered, said = map(list, zip(*spelled))
    model = hub.load(name)
    x, context = alphabet.rows(real), alphabet.rows(lines)
    kl = kl_divergence(*model.posterior(x, context), *model.prior(context)).sum() / sum(len(r) + 1 for r in real)
    vs = (f"{REPLIES} replies to each of {LINES_ANSWERED} test lines, letter temperature "
          f"{hub.describe(name).sampler['temperature']:g}")
    fit, fit_error = fit_share(scorer, answered, said)
    return {
        "distinct_of_five": metric(f"Distinct replies among the {REPLIES} to a line, mean over {LINES_ANSWERED} test "
                                   "lines", distinct.mean(), 3),
        "four_of_five_distinct": metric(f"Share of the {LINES_ANSWERED} test lines whose {REPLIES} replies have at "
                                        "least 4 distinct", (distinct >= 4).float().mean(), 3),
        "fits_own_line": metric(f"Share of replies scored better by {hub.evaluator('replies')} beside their own line "
                                f"than beside another test line drawn at random ({vs}, each beside {OTHER_LINES} "
                                "others; reference: the real replies to the same lines)", fit, 3,
                                reference=fit_share(scorer, lines, real)[0], spread=fit_error),
        "sample_nats_per_char": metric(f"{hub.evaluator('lines')} NLL of the replies, nats per character ({vs}; "
                                       "reference: the real replies to the same lines)",
                                       lm.nll_per_char(said, alphabet), 3, reference=lm.nll_per_char(real, alphabet)),
        "novelty": metric(f"Novelty: share of replies not among the training lines ({vs})",
                          novelty(lm.seen(said)) * len(said) / len(flat), 3, reference=novelty(lm.seen(real))),
        "kl_per_char": metric("KL(q(z | reply, line) || p(z | line)) per character, nats (the real replies to the "
                              f"same {LINES_ANSWERED} lines): how much the decoder leans on z", kl, 3),
    }


def evaluate_reply_checkpoint(name, recipe, data_dir=None) -> dict:
    pairs = test_pairs(data_dir)
    return evaluate_scorer(name, pairs) if recipe.family == "dual" else evaluate_replies(name, pairs)
