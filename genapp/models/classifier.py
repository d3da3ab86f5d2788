"""The evaluator: a small CNN classifier per data set, trained on the real training split and
shipped as `checkpoints/eval-<dataset>`. Like WaveGAN's SC09 classifier (Donahue et al. 2019) it
stands in for Inception, whose weights can't be downloaded here: it names the class of a generated
sample, and its penultimate features feed Fréchet distances."""
import math

import torch
import torch.nn as nn
from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.modeling_utils import ModelMixin


def _block(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
                         nn.Conv2d(cout, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
                         nn.MaxPool2d(2))


class FactoredHead(nn.Module):
    """(B, features) -> (B, prod(factors)) class log-probabilities, the last factor varying fastest:
    log p(a, b) = log p(a) + log p(b), one linear head and softmax per factor."""

    def __init__(self, in_features: int, factors: tuple):
        super().__init__()
        self.heads = nn.ModuleList(nn.Linear(in_features, k) for k in factors)

    def forward(self, h):
        joint = torch.zeros(len(h), 1, device=h.device)
        for head in self.heads:
            joint = (joint.unsqueeze(2) + head(h).log_softmax(1).unsqueeze(1)).flatten(1)
        return joint


class Classifier(ModelMixin, ConfigMixin):
    """Parameters:
        sample_shape: (channels, height, width); height and width divisible by 4.
        num_classes: classes to tell apart.
        channels: widths of the two conv blocks; feature_dim: size of the feature layer.
        factors: for a label that combines several (an instrument and a pitch), each one's number of
            values, product num_classes: one head per factor, and a class's log-probability is the sum
            of its factors' (as if they were independent given the picture).
    """

    @register_to_config
    def __init__(self, sample_shape: tuple = (1, 28, 28), num_classes: int = 10,
                 channels: tuple = (32, 64), feature_dim: int = 128, dropout: float = 0.3, factors: tuple = ()):
        super().__init__()
        c, h, w = sample_shape
        self.body = nn.Sequential(_block(c, channels[0]), _block(channels[0], channels[1]), nn.Flatten(),
                                  nn.Dropout(dropout),
                                  nn.Linear(channels[1] * (h // 4) * (w // 4), feature_dim), nn.ReLU(inplace=True))
        if factors:
            assert math.prod(factors) == num_classes, f"factors {factors} don't make {num_classes} classes"
            self.head = nn.Sequential(nn.Dropout(dropout), FactoredHead(feature_dim, factors))
        else:
            self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(feature_dim, num_classes))

    def features(self, x):
        """(B, C, H, W) in [0, 1] -> (B, feature_dim)."""
        return self.body(x * 2 - 1)

    def forward(self, x):
        """(B, C, H, W) in [0, 1] -> class logits (B, num_classes)."""
        return self.head(self.features(x))
