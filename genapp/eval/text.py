"""Evaluation of the text checkpoints (names, Shakespeare's lines): the data set's evaluator (eval-names,
eval-lines: a character language model) scores generated texts in nats per character beside held-out
real ones; novelty, uniqueness and the length distribution say whether a generator copies, repeats
itself or gets the shape of its texts wrong. The VAE also gets its
own test likelihood bound and the KL that shows how much it uses z (posterior collapse)."""
import math
import random
from difflib import SequenceMatcher

import torch

from .. import hub
from ..data import DATASETS, text
from ..models.vae import iwae_nll, kl_divergence
from ..sampling import sample_names
from .figure import metric, progress
from .replies import evaluate_reply_checkpoint
from .sample_metrics import length_distance, novelty, uniqueness

NUM_SAMPLES = 1000
IWAE_K = 1000
IWAE_TEXTS = {"names": {False: 500, True: 25},   # test texts (full, quick); quick's are full's first 25
              "lines": {False: 100, True: 25}}   # a line is four names long: 100 keep a full run near ten minutes
IWAE_CHUNK = 25
SEED = 0
MAKEMORE = "makemore on names.txt (test): transformer 1.92, MLP 2.17 nats/char"


def texts(dataset: str, data_dir, split: str) -> list[str]:
    return DATASETS[dataset].read(data_dir or hub.data_folder(dataset), split)


@torch.no_grad()
def vae_likelihood(model, dataset, names, quick, anchor=None) -> dict:
    g, alphabet, counts = torch.Generator().manual_seed(SEED), DATASETS[dataset].alphabet, IWAE_TEXTS[dataset]
    idx = torch.randperm(len(names), generator=g)[:counts[quick]].tolist()
    chosen = [names[i] for i in idx]
    x = alphabet.rows(chosen)
    nll = []
    with progress(f"IWAE k={IWAE_K}", len(x)) as bar:
        for i in range(0, len(x), IWAE_CHUNK):
            nll.append(iwae_nll(model, x[i:i + IWAE_CHUNK], k=IWAE_K, generator=g))
            bar.update(len(nll[-1]))
    per_char = torch.cat(nll) / torch.tensor([len(n) + 1 for n in chosen])   # each name's nats per character
    all_x = alphabet.rows(names)
    mu, logvar = model.posterior(all_x)
    kl = kl_divergence(mu, logvar).sum()
    sd = per_char.std().item()
    back = alphabet.decode(model.decode(model.encode(all_x)))      # each text's code, spelled out again
    return {
        "test_nats_per_char": metric(
            f"Test NLL per character, IWAE bound (k={IWAE_K}, {len(x)} test {alphabet.unit}s; "
            f"{alphabet.symbol_word}s and end symbol)",
            torch.cat(nll).sum() / text.characters(chosen), 3, spread=sd / math.sqrt(len(x)),
            tolerance=4 * sd / math.sqrt(counts[True]), anchor=anchor),
        "kl_per_char": metric(f"KL(q(z|x) || p(z)) per character, nats (all {len(names)} test {alphabet.unit}s): how much "
                              "the decoder leans on z; near 0 is posterior collapse", kl / text.characters(names), 3),
        "reconstructed": metric(f"Test {alphabet.unit}s spelled back exactly from their codes (the posterior's mean, "
                                f"decoded greedily; all {len(names)}): what a walk between two typed {alphabet.unit}s "
                                "starts and ends on", sum(a == b for a, b in zip(back, names)) / len(names), 3),
        "reconstruction_similarity": metric(
            f"Similarity of each test {alphabet.unit} to its code spelled back, mean (difflib's ratio: 1 the same "
            f"{alphabet.unit}, 0 nothing in common; all {len(names)})",
            sum(SequenceMatcher(None, a, b).ratio() for a, b in zip(back, names)) / len(names), 3),
    }


def sample_metrics(name, names, train_sample, lm) -> dict:
    described = hub.describe(name)
    unit, symbol = described.alphabet.unit, described.alphabet.symbol_word
    samples = sample_names(name, NUM_SAMPLES, torch.Generator().manual_seed(SEED))
    spelled = [s for s in samples if s]                   # an empty row (an end symbol first) has no symbols
    real = random.Random(SEED).sample(names, NUM_SAMPLES)  # the names' file is sorted by popularity: not its first
    steps = f", {described.sampler['steps']} Gibbs steps" if "steps" in described.sampler else ""
    vs = f"{NUM_SAMPLES} samples{steps}; reference: {len(real)} held-out real {unit}s"
    score = lambda texts: lm.nll_per_char(texts, described.alphabet)
    return {
        "sample_nats_per_char": metric(f"{described.evaluator} NLL of the samples, nats per character ({vs})",
                                       score(spelled), 3, reference=score(real)),
        "novelty": metric(f"Novelty: share of samples not in the training data ({vs})",
                          novelty(lm.seen(spelled)) * len(spelled) / len(samples), 3,
                          reference=novelty(lm.seen(real))),
        "uniqueness": metric(f"Uniqueness: distinct samples / samples ({vs})", uniqueness(samples), 3,
                             reference=uniqueness(real)),
        "length_distance": metric(f"Length distribution: total variation distance to the test {unit}s' "
                                  f"({NUM_SAMPLES} samples{steps}; reference: {NUM_SAMPLES} training {unit}s)",
                                  length_distance(samples, names), 3, reference=length_distance(train_sample, names)),
        "empty_share": metric(f"Share of samples that end before their first {symbol} ({NUM_SAMPLES} samples{steps})",
                              1 - len(spelled) / len(samples), 3),
    }


def evaluate_text(name, recipe, data_dir=None, quick=False) -> dict:
    if recipe.dataset == "replies":          # a reply to a line: eval/replies.py
        return evaluate_reply_checkpoint(name, recipe, data_dir)
    data = DATASETS[recipe.dataset]
    unit, names = data.alphabet.unit, texts(recipe.dataset, data_dir, "test")
    lm = hub.load(hub.evaluator(recipe.dataset))
    anchor = MAKEMORE if recipe.dataset == "names" else None
    if recipe.family == "lm":
        repeats = " (the file repeats names given to both sexes)" if recipe.dataset == "names" else ""
        return {"test_nats_per_char": metric(f"Test NLL per character ({len(names)} test {unit}s; "
                                             f"{data.alphabet.symbol_word}s and end symbol)",
                                             lm.nll_per_char(names, data.alphabet), 3, anchor=anchor),
                "test_novelty": metric(f"Share of test {unit}s not in the training {unit}s{repeats}",
                                       novelty(lm.seen(names)), 3)}
    model = hub.load(name)
    train_sample = random.Random(SEED).sample(texts(recipe.dataset, data_dir, "train"), NUM_SAMPLES)
    out = vae_likelihood(model, recipe.dataset, names, quick, anchor) if recipe.family == "vae" else {}
    return out | sample_metrics(name, names, train_sample, lm)
