"""Every data set the checkpoints learn from, by name, and its examples as the nets take them:
(N, C, H, W) tensors in [0, 1] (pictures, or log-mel pictures of sound), or (N, length, vocabulary)
one-hot rows of text, and class labels (zeros where a data set has no classes)."""
from . import audio, image, text
from .dataset import Dataset

DATASETS: dict[str, Dataset] = image.DATASETS | {"fsdd": audio.DATASET, "names": text.DATASET}


def load_tensors(dataset: str, data_dir, split: str, device="cpu"):
    if dataset not in DATASETS:
        raise ValueError(f"unknown data set {dataset!r}; known: {', '.join(DATASETS)}")
    modality = DATASETS[dataset].modality
    if modality == "audio":
        return audio.load_tensors(data_dir, split, device)
    if modality == "text":
        return text.load_tensors(data_dir, split, device)
    return image.load_tensors(dataset, data_dir, split, device)
