"""What the app knows of a data set: a registry entry. Its name, title, class names, where its files
are (a default folder, its folder under $GENAPP_DATA_DIR, the files its loader reads), its split and
licence: what a model card, a dataset card and `publish --datasets` say of it; and the checkpoints that
learned from it, which the app offers for it."""
from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    class_names: tuple
    default_dir: str            # a relative default is taken from the repository's root
    licence: str
    modality: str = "image"     # image | audio (audio examples are log-mel pictures) | text
    hub_licence: str = "mit"    # its licence id on the Hub, and that of a checkpoint trained on it
    subfolder: str = ""         # its folder under $GENAPP_DATA_DIR
    files: tuple = ()           # glob patterns (relative to its folder) of every file its loader reads
    archive: str = ""           # its Hub dataset repo holds those files in this one tar, not one by one
    split: str = ""             # how the loader splits the files into training and test, in words
    source: str = ""            # where the files come from, in words
    upstream: str = ""          # the Hub id of the original data set, where there is one
    checkpoints: tuple = ()     # the checkpoints that serve it (each describes itself: hub.describe)
    validation: int = 1000      # training examples held out (a fixed random subset) to validate while training
    yardstick: int = 1000       # test examples whose nearest training example "Is it copying?" compares with
    read: Callable | None = None   # (folder, split) -> its raw examples and labels, for its modality's loader
    sound: Any = None           # audio: how its clips are pictures (data.audio.Sound)
    alphabet: Any = None        # text: how its texts are rows of symbols (data.text.Alphabet)
    factors: tuple = ()         # labels that combine several: ((name, values), ...); class i is their
                                # product's i-th, the last factor varying fastest
    walk_ends: tuple = (3, 8)   # the classes a walk between classes opens on (notes: one pitch, two instruments)
    shape: tuple = (1, 28, 28)   # pictures: one example's (channels, height, width) as the nets take it
    background: float = 0.0     # pictures: the background's value (0: ink on black; 1: the emoji's white)
