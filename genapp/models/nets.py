"""Body nets shared by the families: small conv nets for one-channel pictures (28x28 images now,
log-mel spectrograms later). A family picks its bodies by configuration; nothing here knows which
family uses it.

Sizes are chosen for serving on 2 CPU cores: a 64-image grid must decode in a few milliseconds.
"""
import torch
import torch.nn as nn
from torch.nn.utils.parametrizations import spectral_norm

# helpers

def label_embedding(num_classes: int, dim: int) -> nn.Module | None:
    """One learned vector per class; None for an unconditional model."""
    return nn.Embedding(num_classes, dim) if num_classes > 0 else None


# classes

class ConvEncoder(nn.Module):
    """(B, C, H, W) picture -> (B, out_features). Two stride-2 convs, H and W divisible by 4."""

    def __init__(self, *, sample_shape, channels=(32, 64), out_features=256, spectral=False,
                 activation="relu"):
        super().__init__()
        c, h, w = sample_shape
        assert h % 4 == 0 and w % 4 == 0, f"sample height and width must divide by 4, got {h}x{w}"
        wrap = spectral_norm if spectral else (lambda m: m)
        act = nn.LeakyReLU(0.2) if activation == "leaky" else nn.ReLU()
        c1, c2 = channels
        self.net = nn.Sequential(
            wrap(nn.Conv2d(c, c1, 4, 2, 1)), act,           # (B, c1, H/2, W/2)
            wrap(nn.Conv2d(c1, c2, 4, 2, 1)), act,          # (B, c2, H/4, W/4)
            nn.Flatten(),
            wrap(nn.Linear(c2 * (h // 4) * (w // 4), out_features)), act,
        )

    def forward(self, x):
        return self.net(x)


class ConvDecoder(nn.Module):
    """(B, in_features) -> (B, C, H, W) logits. Linear to a (c1, H/4, W/4) map, two 2x up-convs."""

    def __init__(self, *, sample_shape, in_features, channels=(64, 32), batch_norm=False):
        super().__init__()
        c, h, w = sample_shape
        assert h % 4 == 0 and w % 4 == 0, f"sample height and width must divide by 4, got {h}x{w}"
        c1, c2 = channels
        norm = (lambda n: nn.BatchNorm2d(n)) if batch_norm else (lambda n: nn.Identity())
        self.net = nn.Sequential(
            nn.Linear(in_features, c1 * (h // 4) * (w // 4)),
            nn.Unflatten(1, (c1, h // 4, w // 4)), norm(c1), nn.ReLU(),
            nn.ConvTranspose2d(c1, c2, 4, 2, 1), norm(c2), nn.ReLU(),          # (B, c2, H/2, W/2)
            nn.ConvTranspose2d(c2, c2 // 2, 4, 2, 1), norm(c2 // 2), nn.ReLU(),  # (B, c2/2, H, W)
            nn.Conv2d(c2 // 2, c, 3, 1, 1),                                      # (B, C, H, W) logits
        )

    def forward(self, h):
        return self.net(h)
