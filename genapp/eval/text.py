"""Evaluation of the text checkpoints: eval-names (a character language model) scores generated names
in nats per character beside held-out real names; novelty, uniqueness and the length distribution
say whether a generator copies, repeats itself or gets the shape of names wrong. The VAE also gets its
own test likelihood bound and the KL that shows how much it uses z (posterior collapse)."""
import math
import random

import torch

from .. import hub
from ..data import text
from ..models.vae import iwae_nll, kl_divergence
from ..sampling import sample_names
from .figure import metric, progress
from .sample_metrics import length_distance, novelty, uniqueness

NUM_SAMPLES = 1000
IWAE_K = 1000
IWAE_NAMES = {False: 500, True: 25}       # test names (full, quick); quick's are full's first 25
IWAE_CHUNK = 25
SEED = 0
MAKEMORE = "makemore on names.txt (test): transformer 1.92, MLP 2.17 nats/char"


def test_names(data_dir) -> list[str]:
    return text.load_names(data_dir or hub.data_folder("names"), "test")


@torch.no_grad()
def vae_likelihood(model, names, quick) -> dict:
    g = torch.Generator().manual_seed(SEED)
    idx = torch.randperm(len(names), generator=g)[:IWAE_NAMES[quick]].tolist()
    chosen = [names[i] for i in idx]
    x = text.one_hot(text.encode(chosen))
    nll = []
    with progress(f"IWAE k={IWAE_K}", len(x)) as bar:
        for i in range(0, len(x), IWAE_CHUNK):
            nll.append(iwae_nll(model, x[i:i + IWAE_CHUNK], k=IWAE_K, generator=g))
            bar.update(len(nll[-1]))
    per_char = torch.cat(nll) / torch.tensor([len(n) + 1 for n in chosen])   # each name's nats per character
    all_x = text.one_hot(text.encode(names))
    mu, logvar = model.posterior(all_x)
    kl = kl_divergence(mu, logvar).sum()
    sd = per_char.std().item()
    return {
        "test_nats_per_char": metric(
            f"Test NLL per character, IWAE bound (k={IWAE_K}, {len(x)} test names; letters and end symbol)",
            torch.cat(nll).sum() / text.characters(chosen), 3, spread=sd / math.sqrt(len(x)),
            tolerance=4 * sd / math.sqrt(IWAE_NAMES[True]), anchor=MAKEMORE),
        "kl_per_char": metric(f"KL(q(z|x) || p(z)) per character, nats (all {len(names)} test names): how much "
                              "the decoder leans on z; near 0 is posterior collapse", kl / text.characters(names), 3),
    }


def sample_metrics(name, names, train_sample, lm) -> dict:
    samples = sample_names(name, NUM_SAMPLES, torch.Generator().manual_seed(SEED))
    spelled = [s for s in samples if s]                   # an empty row (an end symbol first) has no letters
    real = random.Random(SEED).sample(names, NUM_SAMPLES)  # the file is sorted by popularity: not its first
    sampler = hub.describe(name).sampler
    steps = f", {sampler['steps']} Gibbs steps" if "steps" in sampler else ""
    vs = f"{NUM_SAMPLES} samples{steps}; reference: {len(real)} held-out real names"
    return {
        "sample_nats_per_char": metric(f"eval-names NLL of the samples, nats per character ({vs})",
                                       lm.nll_per_char(spelled), 3, reference=lm.nll_per_char(real)),
        "novelty": metric(f"Novelty: share of samples not in the training data ({vs})",
                          novelty(lm.seen(spelled)) * len(spelled) / len(samples), 3,
                          reference=novelty(lm.seen(real))),
        "uniqueness": metric(f"Uniqueness: distinct samples / samples ({vs})", uniqueness(samples), 3,
                             reference=uniqueness(real)),
        "length_distance": metric(f"Length distribution: total variation distance to the test names' "
                                  f"({NUM_SAMPLES} samples{steps}; reference: {NUM_SAMPLES} training names)", length_distance(samples, names), 3,
                                  reference=length_distance(train_sample, names)),
        "empty_share": metric(f"Share of samples that end before their first letter ({NUM_SAMPLES} samples{steps})",
                              1 - len(spelled) / len(samples), 3),
    }


def evaluate_text(name, recipe, data_dir=None, quick=False) -> dict:
    names = test_names(data_dir)
    lm = hub.load("eval-names")
    if recipe.family == "lm":
        return {"test_nats_per_char": metric(f"Test NLL per character ({len(names)} test names; letters and "
                                             "end symbol)", lm.nll_per_char(names), 3, anchor=MAKEMORE),
                "test_novelty": metric("Share of test names not in the training names (the file repeats "
                                       "names given to both sexes)", novelty(lm.seen(names)), 3)}
    model = hub.load(name)
    train = text.load_names(data_dir or hub.data_folder("names"), "train")
    train_sample = random.Random(SEED).sample(train, NUM_SAMPLES)
    out = vae_likelihood(model, names, quick) if recipe.family == "vae" else {}
    return out | sample_metrics(name, names, train_sample, lm)
