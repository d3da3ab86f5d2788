"""`python -m genapp eval <names|all> [--quick] [--json] [--write-card]`: measure checkpoints on the
test split and print one table per checkpoint (metric, value, the same metric on real data, a
literature anchor). `--write-card` writes the figures into metrics.json and the model card, so every
number on a card comes from this command. `--quick` shrinks only the costly estimators (fewer IWAE
images, fewer AIS temperatures); each figure records how far a quick run may stray from it."""
import json
import math
import sys
import time

import torch

from .. import hub
from ..data import DATASETS
from ..card import read_metrics, write_metrics
from ..models.vae import bits_per_dimension, iwae_nll
from ..train.recipes import RECIPES
from .ais import ais_log_partition, free_energy_gap, rbm_log_likelihood
from .reference import NUM_NEIGHBOUR, SEED, evaluator_outputs, factor_agreements, reference
from .sample_metrics import (class_histogram, class_kl, classes_covered, frechet_distance, inception_score,
                             nearest_neighbour_distance, precision_recall)
from .figure import metric, progress
from .text import evaluate_text

IWAE_K = 1000
IWAE_IMAGES = {False: 100, True: 10}       # test images (full, quick); quick's are full's first 10
IWAE_CHUNK = 25
AIS_SETTINGS = {False: (30_000, 100), True: (5_000, 10)}    # (temperatures, runs); S&M 2008: 14,500 x 100
# nats: fewer temperatures and runs scatter log Z and bias it low; quick runs at 10,000 x 10 and 5,000 x 10
# gave -97.11 and -96.05 on rbm-mnist (full: -96.66), -245.62 and -245.93 on rbm-fashion
AIS_QUICK_TOLERANCE = 5.0
LONG_CHAIN = 5                             # x the default Gibbs steps, for the RBM's long-chain agreement
ANCHORS = {   # (metric, data set) -> a published figure on the same footing (MNIST only)
    ("iwae_nll", "mnist"): "86.76 nats: 1-layer VAE, 60,000 training digits (Burda et al. 2016, Table 1)",
    ("ais_log_likelihood", "mnist"): "-86.34 nats: 500 hidden units, CD-25, 60,000 digits; CD-1: -125.53 "
                                     "(Salakhutdinov & Murray 2008)",
}


def per_factor(predicted, labels, dataset: str, key: str, name: str, digits: int, floors: dict | None = None) -> dict:
    """One metric per factor of a label of several (an instrument and a pitch): the share of predictions
    whose value of that factor is the label's; {} for a plain label. key and name are templates of the
    factor ("{}_accuracy"; "{Factor} agreement ... {factor}"); floors: the real data's, by the factor's
    "<factor>_agreement"."""
    return {key.format(factor): metric(name.format(factor=factor, Factor=factor.capitalize()), share, digits,
                                       reference=floors[f"{factor}_agreement"] if floors else None)
            for factor, share in factor_agreements(predicted, labels, dataset).items()}


def examples(ref) -> str:
    return "clips" if DATASETS[ref.dataset].modality == "audio" else "images"


def likelihood_set(ref) -> str:
    """The likelihoods' test set in words: "all 2000 test images", "2000 of the 10000 test images"."""
    n, total = len(ref.x_test_binary), len(ref.x_test)
    return f"all {n} test images" if n == total else f"{n} of the {total} test images"


# likelihoods

def difference_estimate(control, exact, idx):
    """The mean of an expensive per-item figure over every item, measured on the items idx only:
    the cheap control's mean over every item plus the mean difference on idx (the difference
    estimator, Cochran 1977, Sampling Techniques, section 6.4). Unbiased whichever items idx picks,
    and as precise as the difference is steady. -> (estimate, its standard error, the difference's sd)."""
    diff = exact - control[idx]
    sd = diff.std().item()
    return control.mean().item() + diff.mean().item(), sd / math.sqrt(len(idx)), sd


@torch.no_grad()
def vae_likelihoods(model, ref, quick, encoder_reads_grey=False) -> dict:
    """The IWAE bound (k=1000) over every test image, measured on IWAE_IMAGES of them: their bound
    minus their 1-sample negative ELBO (a few nats, steady from image to image) added to the ELBO's mean
    over every image. encoder_reads_grey: the encoder was trained on grey pictures (the expected
    binarization), so it reads the grey test picture while the likelihood is of its binarized copy."""
    g = torch.Generator().manual_seed(SEED)
    logistic = model.config.likelihood.startswith("logistic")  # 8-bit colour channels: the values themselves
    x, y = (ref.x_test[ref.test_index] if logistic else ref.x_test_binary), ref.labels
    seen = ref.x_test[ref.test_index] if encoder_reads_grey else x
    nelbo = torch.cat([model(x[i:i + 500], y[i:i + 500], g, encoder_input=seen[i:i + 500])[0]
                       for i in range(0, len(x), 500)])                                    # (N,)
    idx = torch.randperm(len(x), generator=g)[:IWAE_IMAGES[quick]]
    per_image = []
    with progress(f"IWAE k={IWAE_K}", len(idx)) as bar:
        for i in range(0, len(idx), IWAE_CHUNK):
            j = idx[i:i + IWAE_CHUNK]
            per_image.append(iwae_nll(model, x[j], y[j], k=IWAE_K, generator=g, encoder_input=seen[j]))
            bar.update(len(j))
    conditional = torch.cat(per_image)                            # -log p(x | y) of the images idx, upper bounds
    log_prior = torch.log(torch.bincount(ref.y_train, minlength=ref.num_classes).float() / len(ref.y_train))
    grey = ", the encoder reading them grey" if encoder_reads_grey else ""
    values = "their 8-bit values" if logistic else f"binarized once{grey}"
    what = (f"k={IWAE_K} on {len(idx)} test images, the mean over {likelihood_set(ref)} by the difference from "
            f"the 1-sample ELBO; {values}, nats")

    def bound(name, control, exact, anchor=None):
        value, spread, sd = difference_estimate(control, exact, idx)
        return metric(name, value, 2, spread=spread, tolerance=4 * sd / math.sqrt(IWAE_IMAGES[True]), anchor=anchor)

    anchor = ANCHORS.get(("iwae_nll", ref.dataset))
    if model.config.num_classes == 0:      # unconditional: the IWAE bound is of -log p(x) itself
        return {
            "test_neg_elbo": metric(f"Test negative ELBO (1 sample, {likelihood_set(ref)}, {values}, nats)",
                                    nelbo.mean(), 2),
            "iwae_nll": bound(f"Test NLL -log p(x), IWAE bound ({what})", nelbo, conditional, anchor),
        }
    prior = log_prior[y]                   # -log p(x) <= -log p(x | y) - log p(y)
    out = {
        "test_neg_elbo": metric(f"Test negative ELBO -log p(x|y) (1 sample, {likelihood_set(ref)}, {values}, nats)",
                                nelbo.mean(), 2),
        "iwae_nll_conditional": bound(f"Test NLL -log p(x|y), IWAE bound ({what})", nelbo, conditional),
        "iwae_nll": bound(f"Test NLL -log p(x) <= IWAE bound of -log p(x|y) - log p(y) ({what})",
                          nelbo - prior, conditional - prior[idx], anchor),
    }
    if logistic:                           # the colour-image literature's unit
        dims = x[0].numel()
        out["bits_per_dimension"] = metric(
            f"Test NLL -log p(x) in bits per dimension (the IWAE bound above over {dims:,} channel values)",
            bits_per_dimension(out["iwae_nll"]["value"], dims), 3,
            tolerance=bits_per_dimension(out["iwae_nll"]["tolerance"], dims) + 2e-3)
    return out


@torch.no_grad()
def rbm_likelihoods(model, ref, quick) -> dict:
    betas, runs = AIS_SETTINGS[quick]
    with progress(f"AIS, {betas} temperatures x {runs} runs", betas) as bar:
        ais = ais_log_partition(model, ref.x_train.flatten(1).mean(0), num_betas=betas, runs=runs,
                                generator=torch.Generator().manual_seed(SEED),
                                callback=lambda done, total: bar.update(done - bar.n))
    ll = rbm_log_likelihood(model, ref.x_test_binary.flatten(1), log_z=ais.log_z).mean().item()
    # the +-3 standard deviations of AIS's mean weight, as an interval on the log-likelihood
    # (the upper end is None when the weights' mean minus 3 sd is not positive, as S&M report it)
    interval = [round(ll + ais.log_z - ais.log_z_high, 2),
                round(ll + ais.log_z - ais.log_z_low, 2) if math.isfinite(ais.log_z_low) else None]
    return {
        "ais_log_likelihood": metric(
            f"Test log-likelihood log p(x) by AIS ({betas:,} temperatures x {runs} runs; "
            f"{likelihood_set(ref)} binarized once, nats)", ll, 2,
            anchor=ANCHORS.get(("ais_log_likelihood", ref.dataset)), tolerance=AIS_QUICK_TOLERANCE, interval=interval,
            log_z=round(ais.log_z, 3)),
        "test_reconstruction_mse": metric(
            "Test reconstruction error (mean squared error per pixel, one up-down pass)",
            (model.reconstruct(ref.x_test, ref.y_test) - ref.x_test).pow(2).mean(), 5),
        "free_energy_gap": metric("Free-energy gap, test minus train (nats)",
                                  free_energy_gap(model, ref.x_train, ref.y_train, ref.x_test, ref.y_test), 2),
    }


@torch.no_grad()
def write_latent_map(name, model, ref):
    """latent_map.json beside a 2-D latent VAE's weights: where its encoder puts the test images the
    sample metrics use (means of q(z|x), and their classes), for the Latent space tab's map."""
    mu = model.encode(ref.x_test[ref.test_index])
    points = {"z": [[round(a, 3), round(b, 3)] for a, b in mu.tolist()], "label": ref.labels.tolist()}
    (hub.resolve(name) / "latent_map.json").write_text(json.dumps(points, separators=(",", ":")) + "\n")


# samples

@torch.no_grad()
def draw(model, labels, generator, steps=None, batch=500, desc="sampling"):
    out = []
    with progress(desc, len(labels)) as bar:
        for i in range(0, len(labels), batch):
            kwargs = {} if steps is None else {"steps": steps}
            out.append(model.sample(len(labels[i:i + batch]), generator, labels[i:i + batch], **kwargs))
            bar.update(len(out[-1]))
    return torch.cat(out)


@torch.no_grad()
def sample_metrics(model, family, ref) -> dict:
    clf = hub.load(hub.evaluator(ref.dataset))
    floors, n = ref.floors, len(ref.labels)
    samples = draw(model, ref.labels, torch.Generator().manual_seed(SEED))
    feats, predicted = evaluator_outputs(clf, samples)
    hist = class_histogram(predicted, ref.num_classes)
    precision, recall = precision_recall(ref.test_features, feats)
    steps = f", {model.config.default_steps} Gibbs steps" if family == "rbm" else ""
    vs = f"{n} samples{steps} for the classes of {n} test {examples(ref)}"
    conditional = model.config.num_classes > 0
    if not conditional:
        vs = f"{n} samples{steps}"
    out = {
        "fd_eval": metric(f"FD-eval: Fréchet distance of eval-{ref.dataset} features ({vs})",
                          frechet_distance(feats, ref.test_features), 3, reference=floors["fd_eval"]),
        "precision": metric(f"Precision, k=3 ({vs})", precision, 3, reference=floors["precision"]),
        "recall": metric(f"Recall, k=3 ({vs})", recall, 3, reference=floors["recall"]),
        "class_agreement": metric(f"Class agreement: requested class recognised by eval-{ref.dataset} ({vs})",
                                  (predicted == ref.labels).float().mean(), 3, reference=floors["class_agreement"]),
        "classes_covered": metric(f"Classes covered: recognised at least once ({vs})", classes_covered(hist), 0,
                                  reference=floors["classes_covered"]),
        "class_kl": metric(f"Class KL: KL(recognised histogram || {'requested' if conditional else 'test labels'}), "
                           f"nats ({vs})",
                           class_kl(hist, ref.label_histogram), 4, reference=floors["class_kl"],
                           histogram=[round(h, 4) for h in hist.tolist()]),
        "nearest_train_distance": metric(
            f"Median pixel L2 distance to the nearest training image ({NUM_NEIGHBOUR} samples; "
            "reference: test images)", nearest_neighbour_distance(samples[:NUM_NEIGHBOUR], ref.x_train).median(), 3,
            reference=floors["nearest_train_distance"]),
    }
    out |= per_factor(predicted, ref.labels, ref.dataset, "{}_agreement",
                      "{Factor} agreement: requested {factor} recognised by eval-" + f"{ref.dataset} ({vs})", 3, floors)
    if not conditional:                               # no class was asked for: nothing to agree with
        del out["class_agreement"]
    sound = DATASETS[ref.dataset].sound
    if sound is not None:                           # what a listener gets: the clip after Griffin-Lim
        _, heard = evaluator_outputs(clf, sound.spectrogram(sound.waveform(samples)))
        out["class_agreement_heard"] = metric(
            f"Class agreement after the vocoder (samples -> Griffin-Lim -> spectrogram picture; {vs})",
            (heard == ref.labels).float().mean(), 3, reference=floors["class_agreement"])
        out |= per_factor(heard, ref.labels, ref.dataset, "{}_agreement_heard",
                          "{Factor} agreement after the vocoder" + f" ({vs})", 3, floors)
        out["inception_score"] = metric(
            f"Inception-style score exp(E KL(p(y|x) || p(y))) with eval-{ref.dataset} as the classifier, "
            f"at most {ref.num_classes} ({vs}; reference: the test clips)",
            inception_score(clf.head(feats).softmax(1)), 3, reference=floors["inception_score"])
    return out


@torch.no_grad()
def long_chain_agreement(model, ref) -> dict:
    """The RBM with more Gibbs sweeps: more compute, better samples (full runs only)."""
    steps = LONG_CHAIN * model.config.default_steps
    labels = ref.labels[:1000]
    samples = draw(model, labels, torch.Generator().manual_seed(SEED), steps=steps, desc=f"{steps} Gibbs steps")
    _, predicted = evaluator_outputs(hub.load(hub.evaluator(ref.dataset)), samples)
    return {"class_agreement_long_chain": metric(
        f"Class agreement as above, {steps} Gibbs steps ({len(labels)} samples)",
        (predicted == labels).float().mean(), 3, full_only=True)}


def evaluate(name: str, data_dir: str | None = None, quick: bool = False) -> dict:
    recipe = RECIPES[name]
    if DATASETS[recipe.dataset].modality == "text":
        return evaluate_text(name, recipe, data_dir, quick)
    ref = reference(recipe.dataset, data_dir)
    model = hub.load(name)
    if recipe.family == "classifier":
        _, predicted = evaluator_outputs(model, ref.x_test)
        # the class shares it sees in real test data: the yardstick of the mode-collapse panel (a
        # Space has no data)
        seen = class_histogram(predicted, ref.num_classes)
        out = {"test_accuracy": metric(f"Test accuracy ({len(ref.x_test)} test {examples(ref)})",
                                       (predicted == ref.y_test).float().mean(), 4,
                                       test_class_shares=[round(v, 4) for v in seen.tolist()])}
        out |= per_factor(predicted, ref.y_test, ref.dataset, "{}_accuracy", "Test accuracy of the {factor} alone", 4)
        sound = DATASETS[recipe.dataset].sound
        if sound is not None:                              # is the vocoder the bottleneck?
            _, predicted = evaluator_outputs(model, sound.spectrogram(sound.waveform(ref.x_test)))
            out["round_trip_accuracy"] = metric(
                "Test accuracy after a Griffin-Lim round trip (spectrogram picture -> waveform -> picture)",
                (predicted == ref.y_test).float().mean(), 4)
            out |= per_factor(predicted, ref.y_test, ref.dataset, "{}_round_trip_accuracy",
                              "Test accuracy of the {factor} alone after the round trip", 4)
        return out
    out = {}
    # likelihoods in nats are the image literature's yardstick; for sound the sample metrics speak
    images = DATASETS[recipe.dataset].modality == "image"
    if recipe.family == "vae" and images:
        out |= vae_likelihoods(model, ref, quick, recipe.options.get("binarization") == "expected")
    if recipe.family == "rbm" and images and model.config.visible_type == "bernoulli":   # AIS of binary pixels
        out |= rbm_likelihoods(model, ref, quick)
    out |= sample_metrics(model, recipe.family, ref)
    if recipe.family == "rbm" and not quick:
        out |= long_chain_agreement(model, ref)
    return out


# output

def print_table(name, measured, seconds):
    rows = [(m["name"], f"{m['value']:g}" + (f" ± {m['spread']:g}" if "spread" in m else ""),
             f"{m['reference']:g}" if "reference" in m else "", m.get("anchor", "")) for m in measured.values()]
    head = ("metric", "value", "real data", "literature")
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(4)]
    print(f"\n{name}  ({seconds:.0f} s)")
    for row in [head] + rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())


def main(names, data_dir=None, quick=False, as_json=False, write_card=False):
    if quick and write_card:
        sys.exit("error: --quick figures do not go on cards; run without --quick to write them")
    if names == ["all"]:
        # the evaluators first: the generators' figures are measured with them
        names = sorted(RECIPES, key=lambda n: RECIPES[n].family in hub.GENERATORS)
    unknown = [n for n in names if n not in RECIPES]
    if unknown:
        sys.exit(f"error: no recipe named {', '.join(unknown)}; known: {', '.join(RECIPES)}")
    torch.set_num_threads(2)
    results, t_all = {}, time.perf_counter()
    for name in names:
        t0 = time.perf_counter()
        measured = evaluate(name, data_dir, quick)
        results[name] = measured
        if not as_json:
            print_table(name, measured, time.perf_counter() - t0)
        if write_card:
            folder = hub.resolve(name)
            metrics = read_metrics(folder)
            metrics["eval"] = measured
            write_metrics(folder, metrics)
            model = hub.load(name)
            if RECIPES[name].family == "vae" and getattr(model, "latent_dim", 0) == 2:
                write_latent_map(name, model, reference(RECIPES[name].dataset, data_dir))
    if as_json:
        print(json.dumps(results, indent=2))
    else:
        print(f"\n{len(names)} checkpoint(s) in {time.perf_counter() - t_all:.0f} s"
              + (" (--quick)" if quick else "") + (", cards written" if write_card else ""))
