"""Model cards: README.md of a checkpoint folder, rendered from its recipe and from `metrics.json` and
`augment.json`, which hold only numbers that a command measured (training facts from `train`, figures from
`eval` and `augment`). Those commands write the files and call this module; it imports none of them."""
import json
from pathlib import Path

from huggingface_hub import DatasetCard, DatasetCardData

from .data import DATASETS
from .train.recipes import RECIPES

# genapp/ is the placeholder owner that the Space's front matter (models:, datasets:) uses too:
# `python -m genapp publish --repo-prefix genapp/ [--datasets]` would make exactly those repos
OWNER = "genapp/"
SPACE = "genapp/genapp"
SPACE_URL = f"https://huggingface.co/spaces/{SPACE}"
TASKS = {"image": "image-classification", "audio": "audio-classification", "text": "text-generation"}
FAMILY_TITLES = {"vae": "variational autoencoder", "gan": "generative adversarial network",
                 "rbm": "restricted Boltzmann machine", "classifier": "evaluator classifier",
                 "lm": "evaluator language model", "dual": "dual encoder"}
LIKELIHOOD = {
    ("vae", "image"): "Bernoulli likelihood on dynamically binarized pixels: the convention of the MNIST "
                      "likelihood literature (Burda et al. 2016), so its NLL in nats compares with published "
                      "numbers; used for Fashion-MNIST too, where it reads as the probability of ink per pixel. "
                      "Pictures show the Bernoulli means.",
    ("vae", "audio"): "Bernoulli likelihood on the spectrogram picture's [0, 1] values, dynamically binarized, as "
                      "for the images; pictures (and the sound made from them) show the Bernoulli means.",
    ("vae", "text"): "Categorical likelihood of each symbol given the ones before it and z, up to the end "
                     "symbol; nats per character count the letters and the end symbol (as makemore does).",
    ("rbm", "image"): "Bernoulli visible units on dynamically binarized pixels; pictures show the visible "
                      "units' means after the last Gibbs sweep, with the label units clamped.",
    ("rbm", "audio"): "Gaussian visible units of unit variance on the standardized spectrogram picture; pictures "
                      "(and the sound made from them) show the visible means after the last Gibbs sweep, with "
                      "the label units clamped.",
    ("rbm", "text"): "Categorical visible units, one softmax per position; a name is the last Gibbs draw, "
                     "read up to its end symbol.",
    # a data set's own, where it differs from its modality's
    ("vae", "emoji"): "A mixture of three discretized logistics over each pixel's 8-bit colour values (PixelCNN++, "
                      "Salimans et al. 2017, without its coupling of the channels), so the test NLL reads in bits per "
                      "dimension as in the colour-image literature. Pictures show each pixel's likeliest component's "
                      "colour.",
    ("rbm", "emoji"): "Gaussian visible units of unit variance on the RGB values standardized per pixel and channel; "
                      "pictures show the visible means after the last Gibbs sweep, with the label units clamped. No "
                      "likelihood is reported: AIS here is written for binary units.",
}
USE = {"image": "--n 16 --seed 0 --out grid.png", "audio": "--n 4 --seed 0 --label 7 --out seven.wav",
       "text": "--n 20 --seed 0 --out names.txt", "lines": "--n 10 --seed 3 --out lines.txt",
       "replies": '--line "When will he be here?" --n 5 --seed 1',
       "notes": "--n 4 --seed 0 --instrument brass --pitch C4 --out brass-c4.wav",
       "emoji": "--n 16 --seed 7 --label animals-nature --out animals.png"}   # a data set's own, or its modality's
COMMAND = {"replies": "reply"}       # a data set whose generator answers an input, not `generate`


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


AUGMENT_FILE = "augment.json"      # beside a generator's card, from `python -m genapp augment --write-card`


def mean_sd(s: dict) -> str:
    """A summary {"mean", "std", ...} as '0.810 ± 0.014'."""
    return f"{s['mean']:.3f} ± {s['std']:.3f}"


def augmentation_lines(folder: Path) -> list[str]:
    """The model card's augmentation section from augment.json (empty when the command never wrote it)."""
    path = Path(folder) / AUGMENT_FILE
    if not path.exists():
        return []
    r = json.loads(path.read_text())
    s = r["settings"]
    return ["## Data augmentation", f"Printed and written here by `{r['command']}` ({r['seconds']:.0f} s, {r['device']}).",
            f"A small CNN (`{json.dumps(s['classifier'])}`, {s['steps']} steps of batch {s['batch_size']}) trained on "
            f"{s['real']} real training digits ({s['real'] // 10} per class), then on the same digits plus "
            f"{s['generated']:,} of this model's samples ({s['generated'] // 10} per class); test accuracy on "
            f"{s['test_examples']:,} test images, mean ± standard deviation over {s['seeds']} seeds. This model "
            "learned from all the labelled training digits, so its samples carry more than 100 digits' worth of "
            "knowledge.", "",
            f"| {s['real']} real only | {s['real']} real + {s['generated']:,} generated | {s['real']} real + "
            f"{s['generated']:,} more real |", "| --- | --- | --- |",
            f"| {mean_sd(r['real_only'])} | {mean_sd(r['with_generated'])} | {mean_sd(r['more_real'])} |", ""]


def write_card(folder: Path):
    folder = Path(folder)
    metrics = read_metrics(folder)
    name = metrics.get("name", folder.name)
    recipe = RECIPES[name]
    data = DATASETS[recipe.dataset]
    training = metrics.get("training", {})
    measured = metrics.get("eval", {})
    evaluator = recipe.family in ("classifier", "lm", "dual")
    conditional = recipe.model.get("num_classes", 0) > 0
    replying = bool(recipe.model.get("context_shape"))          # conditioned on a line it answers
    task = (f"{data.modality}-classification" if recipe.family == "classifier" else
            "text-generation" if data.modality == "text" else
            "text-to-audio" if data.modality == "audio" else "unconditional-image-generation")
    yaml = [
        "---",
        f"license: {data.hub_licence}",
        "library_name: pytorch",
        f"pipeline_tag: {task}",
        "datasets:", f"- {OWNER}{recipe.dataset}", *([f"- {data.upstream}"] if data.upstream else []),
        "tags:", "- genapp", f"- {recipe.family}", f"- {recipe.dataset}",
        "- evaluator" if evaluator else "- class-conditional" if conditional else "- conditional" if replying
        else "- unconditional",
        "model-index:", f"- name: {name}", "  results:",
        "  - task:", f"      type: {task}",
        "    dataset:", f"      name: {data.title}", f"      type: {OWNER}{recipe.dataset}",
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
        f"A{' class-conditional' if conditional else ' conditional' if replying else 'n unconditional'} "
        f"{FAMILY_TITLES[recipe.family]} on {data.title}, part of "
        f"[genapp]({SPACE_URL}) (the Space `{SPACE}`), an interactive demo of classic generative models."
        if not evaluator else
        f"The {FAMILY_TITLES[recipe.family]} for {data.title}: genapp's stand-in for Inception. It names "
        "the class of generated samples (class agreement, coverage) and its features feed Fréchet distances. "
        f"Part of [genapp]({SPACE_URL}) (the Space `{SPACE}`)."
        if recipe.family == "classifier" else
        f"The {FAMILY_TITLES[recipe.family]} for {data.title}: it scores how well a reply fits the line it answers, "
        "so that a reply's fit to its own line can be set beside its fit to another line. "
        f"Part of [genapp]({SPACE_URL}) (the Space `{SPACE}`)."
        if recipe.family == "dual" else
        f"The {FAMILY_TITLES[recipe.family]} for {data.title}: it scores generated text in nats per character "
        "beside held-out real text, and tells new texts from training texts by their fingerprints. "
        f"Part of [genapp]({SPACE_URL}) (the Space `{SPACE}`).",
        "",
        "## Data",
        f"{data.title}: {data.split}. Licence: {data.licence}. The exact files: the dataset repo "
        f"`{OWNER}{recipe.dataset}`.",
        "",
        "## Recipe",
        f"- Model: `{recipe.family}` with `{json.dumps(recipe.model)}` (full config in `config.json`).",
        f"- {recipe.notes}",
        f"- {recipe.steps:,} steps of batch {recipe.batch_size}, learning rate {recipe.lr}.",
    ]
    if recipe.options:
        body.append(f"- Options: `{json.dumps(recipe.options, sort_keys=True)}`.")
    storage = training.get("storage", recipe.storage)
    if storage != "float32":
        body.append(f"- Weights stored as {storage} (half the file; the app loads them as float32 and computes "
                    "in float32), so the folder fits a Space without LFS.")
    likelihood = LIKELIHOOD.get((recipe.family, recipe.dataset)) or LIKELIHOOD.get((recipe.family, data.modality))
    if likelihood:
        body.append(f"- Likelihood: {likelihood}")
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
    body += [""] + augmentation_lines(folder)
    body += ["## Use", "```", f"python -m genapp {COMMAND.get(recipe.dataset, 'generate')} {name} {USE.get(recipe.dataset, USE[data.modality])}"
             if not evaluator else "from genapp import hub; clf = hub.load('" + name + "')", "```", ""]
    (folder / "README.md").write_text("\n".join(yaml + [""] + body))


def dataset_card(dataset: str, rows: list[tuple[str, int, int]], prefix: str = OWNER) -> DatasetCard:
    """The card of the Hub dataset repo `<prefix><dataset>` holding its files: source, licence, split, size,
    and the checkpoints that learned from it (`<prefix><name>`). rows: (file or pattern, files, bytes), as
    `publish` lists them."""
    data = DATASETS[dataset]
    trained = sorted(name for name, r in RECIPES.items() if r.dataset == dataset)
    total_files, total_bytes = sum(r[1] for r in rows), sum(r[2] for r in rows)
    card_data = DatasetCardData(license=data.hub_licence, pretty_name=data.title, task_categories=[TASKS[data.modality]],
                                tags=["genapp", data.modality])
    body = [
        f"# {data.title}", "",
        f"The exact files that [genapp]({SPACE_URL})'s checkpoints learned from, as its data loader reads them "
        f"(`genapp/data/{data.modality}.py`). The app downloads this repo on first use where "
        "`GENAPP_HUB_REPO_PREFIX` names its owner and prefix (as on the Space), to set a generated sample beside "
        "its nearest training examples.", "",
        "## Source", f"{data.source[0].upper()}{data.source[1:]}.", "",
        "## Licence", f"{data.licence} (`{data.hub_licence}`). Whatever is built on it keeps this credit.", "",
        "## Split", f"{data.split}.", "",
        "## Files", f"{total_files:,} files, {total_bytes / 1e6:.1f} MB"
        + (f", in one uncompressed tar, `{data.archive}`, which genapp unpacks after downloading it." if data.archive
           else "."), "",
        "| file | files | bytes |", "| --- | --- | --- |",
        *[f"| `{what}` | {n:,} | {size:,} |" for what, n, size in rows], "",
        "## Checkpoints trained on it", *[f"- [`{prefix}{name}`](https://huggingface.co/{prefix}{name})" for name in trained],
        "",
    ]
    return DatasetCard("---\n" + card_data.to_yaml() + "\n---\n" + "\n".join(body))
