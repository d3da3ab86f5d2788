"""Every data set the checkpoints learn from, by name, and its examples as the nets take them:
(N, C, H, W) tensors in [0, 1] (pictures, or log-mel pictures of sound), or (N, length, vocabulary)
one-hot rows of text, and class labels (zeros where a data set has no classes)."""
from pathlib import Path

import torch

from . import audio, emoji, image, lines, notes, text
from .dataset import Dataset

# in the menus' order: the pictures first (grey, then colour), then sound, then text
DATASETS: dict[str, Dataset] = image.DATASETS | {d.name: d for d in (emoji.DATASET, audio.DATASET, notes.DATASET,
                                                                     text.DATASET, lines.DATASET,
                                                                     lines.REPLIES)}


def load_tensors(dataset: str, data_dir, split: str, device="cpu"):
    if dataset not in DATASETS:
        raise ValueError(f"unknown data set {dataset!r}; known: {', '.join(DATASETS)}")
    modality = DATASETS[dataset].modality
    if modality == "audio":
        waves, labels = DATASETS[dataset].read(data_dir, split)
        return pictures_of(DATASETS[dataset].sound, waves).to(device), labels.to(device)
    if modality == "text":
        return text.load_tensors(DATASETS[dataset], data_dir, split, device)
    return image.to_tensors(*DATASETS[dataset].read(Path(data_dir), split), device)      # grey or colour pictures


def pictures_of(sound, waves, batch: int = 512):
    """(N, samples) waves -> (N, *sound.shape) pictures, a batch at a time (an STFT of every note at
    once would take gigabytes)."""
    with torch.inference_mode():
        return torch.cat([sound.spectrogram(waves[i:i + batch]) for i in range(0, len(waves), batch)])
