"""`python -m genapp train <name>`: rebuild a checkpoint from data with its recipe."""
import dataclasses
import importlib
import json
import shlex
import sys
import time
from pathlib import Path

import torch
from safetensors.torch import save_file


from ..data import DATASETS, load_tensors
from ..hub import CHECKPOINTS, WEIGHTS, data_folder
from .loop import Snapshots, Split, seed_generator
from .description import write_description
from .recipes import RECIPES


# what each family's training loop reads from recipe.options (train/<family>.py)
FAMILY_OPTIONS = {
    "vae": {"kl_weight", "kl_warmup", "word_dropout", "binarization", "auxiliary", "auxiliary_latent",
            "auxiliary_blur", "auxiliary_picture", "adversarial", "discriminator", "diffaugment", "d_lr",
            "bag_of_words", "bag_of_words_buckets", "free_bits"},
    "gan": {"auxiliary", "diffaugment", "discriminator", "loss", "betas", "ema", "autoencoder", "d_lr",
            "ema_decay", "extra_ema", "snapshots"},
    "rbm": {"num_chains", "discriminative_weight", "weight_decay", "binarize"},
    "classifier": {"max_shift", "round_trip"},
    "lm": {"weight_decay"},
    "dual": {"weight_decay"},
}


def train(name: str, data_dir: str | None = None, device: str = "cpu", seed: int = 0,
          steps: int | None = None, out: str | Path | None = None, options: dict | None = None,
          model: dict | None = None, lr: float | None = None, batch_size: int | None = None,
          storage: str | None = None, snapshots: int = 0) -> Path:
    """Train the recipe `name` and save its weights and metrics.json (training facts, the command) in a
    Hub folder; -> the folder. options override the recipe's family-specific training settings, model its
    model's config, lr and batch_size the optimiser's, storage the weights file's dtype (for experiments; metrics.json records the command).
    snapshots: K > 0 also keeps the weights at K steps, a time-lapse saved beside the folder (save_timelapse).
    The model card is rendered from the folder afterwards (`card.write_card`, as `python -m genapp train`
    does): card.py reads the recipes, so train/ does not import it."""
    if name not in RECIPES:
        raise ValueError(f"no recipe named {name!r}; known: {', '.join(RECIPES)}")
    recipe = RECIPES[name]
    unknown = set(options or {}) - set(recipe.options) - FAMILY_OPTIONS[recipe.family]
    if unknown:
        known = set(recipe.options) | FAMILY_OPTIONS[recipe.family]
        raise ValueError(f"{name} has no training option {', '.join(sorted(unknown))}; "
                         f"it has {', '.join(sorted(known)) or 'none'}")
    recipe = dataclasses.replace(recipe, options=recipe.options | (options or {}), model=recipe.model | (model or {}),
                                 lr=lr or recipe.lr, batch_size=batch_size or recipe.batch_size,
                                 storage=storage or recipe.storage)
    data_dir = data_dir or data_folder(recipe.dataset)
    steps = steps or recipe.steps
    torch.manual_seed(seed)                      # weight initialisation
    generator = seed_generator(seed)             # minibatches, noise
    x, y = load_tensors(recipe.dataset, data_dir, "train", device)
    # a fixed random subset of the training split for validation (the files may be sorted by class)
    order = torch.randperm(len(x), generator=seed_generator(1234)).to(x.device)
    held_out = DATASETS[recipe.dataset].validation
    val, fit_idx = order[:held_out], order[held_out:]
    split = Split(x[fit_idx], y[fit_idx], x[val], y[val])
    print(f"{name}: {recipe.family} on {recipe.dataset}, {len(split.x)} training and "
          f"{len(split.x_val)} validation examples, {steps} steps on {device}")
    fit = importlib.import_module(f".{recipe.family}", __package__).fit
    t0 = time.time()
    kept = Snapshots(steps, snapshots)
    if snapshots and recipe.family not in ("vae", "gan", "rbm"):
        raise ValueError(f"{name} generates nothing: only a VAE, GAN or RBM has a time-lapse")
    models, metrics = fit(recipe, split, device, generator, steps, **({"snapshot": kept} if snapshots else {}))
    seconds = time.time() - t0
    folder = Path(out) if out else CHECKPOINTS / name
    for sub, model in models.items():
        model = model.to("cpu")
        if recipe.storage == "float16":      # hub.load computes in float32 whatever the file holds
            model = model.half()
        model.save_pretrained(folder / sub, safe_serialization=True)
    write_description(folder, recipe)
    device_name = torch.cuda.get_device_name() if device.startswith("cuda") else "CPU"
    facts = {"name": name, "training": {
        "command": "python -m genapp train " + " ".join(shlex.quote(a) for a in sys.argv[2:])
                   if sys.argv[1:2] == ["train"] else f"python -m genapp train {name}",
        "device": f"{device} ({device_name})", "seconds": round(seconds, 1), "steps": steps, "seed": seed,
        "torch": torch.__version__, "options": recipe.options, "storage": recipe.storage, "metrics": metrics}}
    (folder / "metrics.json").write_text(json.dumps(facts, indent=2) + "\n")
    print(f"{name}: saved to {folder} after {seconds:.0f} s")
    if snapshots:
        save_timelapse(folder.parent / f"{folder.name}-timelapse", name, kept, facts["training"])
    return folder


def save_timelapse(folder: Path, name: str, kept: Snapshots, training: dict):
    """Each kept snapshot as a model folder step-NNNNNN/ (float16: a time-lapse stays small) of the weights that
    draw (a VAE's drawing_state_dict: its encoder is left out, hub.load_snapshot says so), and timelapse.json:
    the steps and the run that made them (eval --timelapse adds what it measures)."""
    for step, model in kept.kept.items():
        step_folder = folder / f"step-{step:06d}"
        model.save_config(step_folder)
        state = model.drawing_state_dict() if hasattr(model, "drawing_state_dict") else model.state_dict()
        save_file({k: v.half() if v.is_floating_point() else v for k, v in state.items()}, step_folder / WEIGHTS)
    record = {"checkpoint": name, "steps": sorted(kept.kept), "total_steps": training["steps"],
              "command": training["command"], "device": training["device"], "seconds": training["seconds"],
              "seed": training["seed"], "torch": training["torch"], "storage": "float16"}
    (folder / "timelapse.json").write_text(json.dumps(record, indent=2) + "\n")
    print(f"{name}: {len(kept.kept)} snapshots saved to {folder}")
