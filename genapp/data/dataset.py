"""What the app knows of a data set: its name, title, class names, default folder and licence."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    class_names: tuple
    default_dir: str
    licence: str
    modality: str = "image"     # image | audio (audio examples are log-mel pictures) | text
    hub_licence: str = "mit"    # the licence id a checkpoint trained on it carries on the Hub
