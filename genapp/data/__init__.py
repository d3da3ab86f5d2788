"""Every data set the checkpoints learn from, by name, and its examples as the nets take them:
(N, C, H, W) tensors in [0, 1] (pictures, or log-mel pictures of sound) and class labels."""
from . import audio, image
from .dataset import Dataset

DATASETS: dict[str, Dataset] = image.DATASETS | {"fsdd": audio.DATASET}


def load_tensors(dataset: str, data_dir, split: str, device="cpu"):
    if dataset not in DATASETS:
        raise ValueError(f"unknown data set {dataset!r}; known: {', '.join(DATASETS)}")
    if DATASETS[dataset].modality == "audio":
        return audio.load_tensors(data_dir, split, device)
    return image.load_tensors(dataset, data_dir, split, device)
