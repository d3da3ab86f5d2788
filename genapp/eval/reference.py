"""What every generator of a data set is measured against: the test split (binarized once for the
likelihoods), the evaluator's features of test and training images, and the real-data values of each
metric (train split against test split) that give a generator's number its scale."""
import functools
from dataclasses import dataclass

import torch

from .. import hub
from ..data import DATASETS, load_tensors
from ..models.nets import factor_values
from ..train.loop import binarize
from .sample_metrics import (class_histogram, class_kl, frechet_distance, inception_score,
                             nearest_neighbour_distance, precision_recall)

NUM_SAMPLES = 2000      # images per side in FD, precision/recall and coverage: all of MNIST's test split
NUM_NEIGHBOUR = 1000    # images whose nearest training example is looked up
SEED = 0


@torch.no_grad()
def evaluator_outputs(clf, x, batch=500):
    """(features (N, D), predicted class (N,)) of images (N, 1, H, W) in [0, 1]."""
    feats, preds = [], []
    for i in range(0, len(x), batch):
        f = clf.features(x[i:i + batch])
        feats.append(f)
        preds.append(clf.head(f).argmax(1))
    return torch.cat(feats), torch.cat(preds)


def factor_agreements(predicted, labels, dataset: str) -> dict:
    """For a label of several factors (an instrument and a pitch): factor name -> the share of
    predictions whose value of that factor is the label's. {} for a plain label."""
    factors = DATASETS[dataset].factors
    sizes = tuple(len(values) for _, values in factors)
    return {name: (p == t).float().mean().item() for (name, _), p, t in
            zip(factors, factor_values(predicted, sizes), factor_values(labels, sizes))}


@dataclass
class Reference:
    dataset: str
    x_train: torch.Tensor          # (N, 1, 28, 28) in [0, 1]
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    x_test_binary: torch.Tensor    # (NUM_SAMPLES, ...) one fixed Bernoulli draw of x_test[test_index]: the
                                   # likelihoods' test set (all of MNIST's; 2,000 of Fashion-MNIST's 10,000)
    labels: torch.Tensor           # (NUM_SAMPLES,) the classes of the test images the samples are set against
    test_index: torch.Tensor       # (NUM_SAMPLES,) those test images' places in x_test
    test_features: torch.Tensor    # (NUM_SAMPLES, D) evaluator features of those test images
    floors: dict                   # metric key -> its value for real training images against the test images

    @property
    def num_classes(self) -> int:
        return len(DATASETS[self.dataset].class_names)

    @property
    def label_histogram(self) -> torch.Tensor:
        return class_histogram(self.labels, self.num_classes)


@functools.cache
def reference(dataset: str, data_dir: str | None = None) -> Reference:
    data_dir = data_dir or hub.data_folder(dataset)
    x_train, y_train = load_tensors(dataset, data_dir, "train")
    x_test, y_test = load_tensors(dataset, data_dir, "test")
    g = torch.Generator().manual_seed(SEED)
    x_test_binary = binarize(x_test, g)
    test_idx = torch.randperm(len(x_test), generator=g)[:NUM_SAMPLES]
    train_idx = torch.randperm(len(x_train), generator=g)[:NUM_SAMPLES]
    clf = hub.load(hub.evaluator(dataset))
    test_feats, test_pred = evaluator_outputs(clf, x_test[test_idx])
    train_feats, _ = evaluator_outputs(clf, x_train[train_idx])
    labels = y_test[test_idx]
    k = len(DATASETS[dataset].class_names)
    precision, recall = precision_recall(test_feats, train_feats)
    floors = {
        "fd_eval": frechet_distance(train_feats, test_feats),
        "precision": precision, "recall": recall,
        # the evaluator's own errors on real test images: the best a generator can show
        "class_kl": class_kl(class_histogram(test_pred, k), class_histogram(labels, k)),
        "classes_covered": int((class_histogram(test_pred, k) > 0).sum()),
        "class_agreement": (test_pred == labels).float().mean().item(),
        **{f"{name}_agreement": share for name, share in factor_agreements(test_pred, labels, dataset).items()},
        "inception_score": inception_score(clf.head(test_feats).softmax(1)),
        "nearest_train_distance": nearest_neighbour_distance(x_test[test_idx[:NUM_NEIGHBOUR]], x_train).median().item(),
    }
    return Reference(dataset, x_train, y_train, x_test, y_test, x_test_binary[test_idx], labels, test_idx, test_feats,
                     floors)
