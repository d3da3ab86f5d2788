"""What a trained checkpoint says of itself (hub.Checkpoint): written into its config.json by `train`,
from its recipe, its data set's registry entry and its model's config, so that nothing afterwards
reads a family or a data set out of its name."""
import json
from pathlib import Path

from ..data import DATASETS
from ..hub import DESCRIPTION, GENERATORS
from .recipes import RECIPES

EVALUATORS = ("classifier", "lm", "dual")
LATENT = {"vae": "gaussian", "gan": "gaussian", "rbm": "binary"}


def description(recipe, config) -> dict:
    """The _genapp record of a checkpoint trained by `recipe` whose top model has `config`."""
    dataset = DATASETS[recipe.dataset]
    record = {"family": recipe.family, "dataset": dataset.name, "modality": dataset.modality,
              "class_names": list(dataset.class_names) if config.get("num_classes") else []}
    if recipe.family in GENERATORS:
        text_vae = recipe.family == "vae" and config.get("body_type") == "gru"
        record |= {"latent": LATENT[recipe.family],
                   "latent_dim": config["num_hidden"] if recipe.family == "rbm" else config["latent_dim"],
                   "sampler": {"steps": config["default_steps"]} if recipe.family == "rbm"
                   else {"temperature": recipe.temperature} if text_vae else {},
                   "evaluator": next(r.name for r in RECIPES.values()
                                     if r.dataset == recipe.dataset and r.family in EVALUATORS),
                   "specimen": recipe.specimen, "decoder": config.get("decoder", "")}
    return record


def write_description(folder: Path, recipe):
    """Add the record to the checkpoint's top config.json (its weights are not touched)."""
    path = Path(folder) / "config.json"
    config = json.loads(path.read_text())
    config[DESCRIPTION] = description(recipe, config)
    path.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
