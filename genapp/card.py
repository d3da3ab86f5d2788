"""Model cards: README.md of a checkpoint folder, rendered from its recipe and from `metrics.json`,
which holds only numbers that a command measured (training facts from `train`, figures from `eval`)."""
import json
from pathlib import Path

from .data import DATASETS
from .train.recipes import RECIPES

HUB_DATASETS = {"mnist": "ylecun/mnist", "fashion": "zalando-datasets/fashion_mnist"}   # FSDD has no Hub id
FAMILY_TITLES = {"vae": "variational autoencoder", "gan": "generative adversarial network",
                 "rbm": "restricted Boltzmann machine", "classifier": "evaluator classifier",
                 "lm": "evaluator language model"}
SPLITS = {"mnist": "`mnist10k.npz` (10,000 digits). The file is sorted by label, so the test split is "
                   "the last 200 of each digit (2,000 held out), and training uses the other 8,000 "
                   "(a fixed random 1,000 of them for validation during training)",
          "fashion": "the official split: 60,000 training images (a fixed random 5,000 of them for "
                     "validation during training), 10,000 test images",
          "fsdd": "3,000 recordings (6 speakers x 10 digits x 50 takes) at 8 kHz, official split: takes 0-4 "
                  "are the test set (300 clips), takes 5-49 training (2,700; a fixed random 300 of them for "
                  "validation during training). Each clip is centred in 1 s, peak-normalised, and seen as a "
                  "64 x 64 log-mel picture (`genapp/data/audio.py`)",
          "names": "32,032 names; a fixed 10% (3,203, a seeded shuffle) is the test split, the other 28,829 "
                   "training (a fixed random 1,000 of them for validation during training). Each name is a row "
                   "of 16 symbols, its letters, an end symbol and padding (`genapp/data/text.py`)"}
LIKELIHOOD = {
    ("vae", "image"): "Bernoulli likelihood on dynamically binarized pixels: the convention of the MNIST "
                      "likelihood literature (Burda et al. 2016), so its NLL in nats compares with published "
                      "numbers; used for Fashion-MNIST too, where it reads as the probability of ink per pixel. "
                      "Pictures show the Bernoulli means.",
    ("vae", "audio"): "Bernoulli likelihood on the log-mel picture's [0, 1] values, dynamically binarized, as "
                      "for the images; pictures (and the sound made from them) show the Bernoulli means.",
    ("vae", "text"): "Categorical likelihood of each symbol given the ones before it and z, up to the end "
                     "symbol; nats per character count the letters and the end symbol (as makemore does).",
    ("rbm", "image"): "Bernoulli visible units on dynamically binarized pixels; pictures show the visible "
                      "units' means after the last Gibbs sweep, with the label units clamped.",
    ("rbm", "audio"): "Gaussian visible units of unit variance on the standardized log-mel picture; pictures "
                      "(and the sound made from them) show the visible means after the last Gibbs sweep, with "
                      "the label units clamped.",
    ("rbm", "text"): "Categorical visible units, one softmax per position; a name is the last Gibbs draw, "
                     "read up to its end symbol.",
}
USE = {"image": "--n 16 --seed 0 --out grid.png", "audio": "--n 4 --seed 0 --label 7 --out seven.wav",
       "text": "--n 20 --seed 0 --out names.txt"}


def _value(m: dict) -> str:
    text = f"{m['value']}" + (f" ± {m['spread']}" if "spread" in m else "")
    if "interval" in m:
        low, high = m["interval"]
        text += f" (AIS ±3 sd: {low} to {'+inf' if high is None else high})"
    return text


def read_metrics(folder: Path) -> dict:
    path = Path(folder) / "metrics.json"
    return json.loads(path.read_text()) if path.exists() else {}


def write_metrics(folder: Path, metrics: dict):
    """Write metrics.json (with the checkpoint's `name`) and re-render the card from it."""
    (Path(folder) / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    write_card(folder)


def write_card(folder: Path):
    folder = Path(folder)
    metrics = read_metrics(folder)
    name = metrics.get("name", folder.name)
    recipe = RECIPES[name]
    data = DATASETS[recipe.dataset]
    training = metrics.get("training", {})
    measured = metrics.get("eval", {})
    evaluator = recipe.family in ("classifier", "lm")
    conditional = recipe.model.get("num_classes", 0) > 0
    task = (f"{data.modality}-classification" if recipe.family == "classifier" else
            "text-generation" if data.modality == "text" else
            "text-to-audio" if data.modality == "audio" else "unconditional-image-generation")
    yaml = [
        "---",
        f"license: {data.hub_licence}",
        "library_name: pytorch",
        f"pipeline_tag: {task}",
        *(["datasets:", f"- {HUB_DATASETS[recipe.dataset]}"] if recipe.dataset in HUB_DATASETS else []),
        "tags:", "- genapp", f"- {recipe.family}", f"- {recipe.dataset}",
        "- evaluator" if evaluator else "- class-conditional" if conditional else "- unconditional",
        "model-index:", f"- name: {name}", "  results:",
        "  - task:", f"      type: {task}",
        "    dataset:", f"      name: {data.title}", f"      type: {HUB_DATASETS.get(recipe.dataset, recipe.dataset)}",
        "      split: test",
        "    metrics:",
    ]
    for key, m in measured.items():
        # names hold ': ', so they are quoted (a JSON string is a YAML string)
        yaml += [f"    - type: {key}", f"      name: {json.dumps(m['name'], ensure_ascii=False)}",
                 f"      value: {m['value']}"]
    if not measured:
        yaml[-1] = "    metrics: []"
    yaml.append("---")

    command = training.get("command", f"python -m genapp train {name} --data {data.default_dir}")
    body = [
        f"# {name}",
        "",
        f"A{' class-conditional' if conditional else 'n unconditional'} {FAMILY_TITLES[recipe.family]} on {data.title}, part of "
        "[genapp](https://huggingface.co/spaces), an interactive demo of classic generative models."
        if not evaluator else
        f"The {FAMILY_TITLES[recipe.family]} for {data.title}: genapp's stand-in for Inception. It names "
        "the class of generated samples (class agreement, coverage) and its features feed Fréchet distances."
        if recipe.family == "classifier" else
        f"The {FAMILY_TITLES[recipe.family]} for {data.title}: it scores generated text in nats per character "
        "beside held-out real text, and tells new names from training names by their fingerprints.",
        "",
        "## Data",
        f"{data.title}: {SPLITS[recipe.dataset]}. Licence: {data.licence}.",
        "",
        "## Recipe",
        f"- Model: `{recipe.family}` with `{json.dumps(recipe.model)}` (full config in `config.json`).",
        f"- {recipe.notes}",
        f"- {recipe.steps:,} steps of batch {recipe.batch_size}, learning rate {recipe.lr}.",
    ]
    if recipe.options:
        body.append(f"- Options: `{json.dumps(recipe.options, sort_keys=True)}`.")
    if (recipe.family, data.modality) in LIKELIHOOD:
        body.append(f"- Likelihood: {LIKELIHOOD[recipe.family, data.modality]}")
    body += ["", "## Training", "```", command, "```"]
    if training:
        body.append(f"Trained on {training['device']} in {training['seconds']:.0f} s "
                    f"(seed {training['seed']}, torch {training['torch']}).")
        if training.get("options"):
            body.append(f"- training options: `{json.dumps(training['options'])}`")
        for key, value in training.get("metrics", {}).items():
            body.append(f"- {key.replace('_', ' ')}: {value}")
    body += ["", "## Measured", f"Printed and written here by `python -m genapp eval {name} --write-card` "
             "(test split). *Real data* is the same metric for real training images against the test "
             "images: the scale a generator's number is read on. ± is one standard error.", ""]
    if measured:
        body += ["| metric | value | real data | literature |", "| --- | --- | --- | --- |"]
        cell = lambda v: str(v).replace("|", "\\|")      # a '|' in a name would end its cell
        body += [f"| {cell(m['name'])} | {_value(m)} | {m.get('reference', '')} | {cell(m.get('anchor', ''))} |"
                 for m in measured.values()]
    else:
        body.append("Not measured yet.")
    from .eval.augment import card_lines          # eval imports this module: import here, not at the top
    body += [""] + card_lines(folder)
    body += ["## Use", "```", f"python -m genapp generate {name} {USE[data.modality]}"
             if not evaluator else "from genapp import hub; clf = hub.load('" + name + "')", "```", ""]
    (folder / "README.md").write_text("\n".join(yaml + [""] + body))
