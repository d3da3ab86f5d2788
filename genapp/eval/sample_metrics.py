"""Sample-quality metrics on plain tensors: features (N, D) from the evaluator CNN, images
(N, 1, 28, 28) in [0, 1]; for text, on lists of names. Numbers in nats. Nothing here draws random
numbers.

- Heusel et al. 2017, "GANs Trained by a Two Time-Scale Update Rule Converge to a Local Nash
  Equilibrium" (FID), here on our own evaluator's features ("FD-eval").
- Kynkäänniemi et al. 2019, "Improved Precision and Recall Metric for Assessing Generative Models".
- Metz et al. 2017, "Unrolled Generative Adversarial Networks" (KL of the mode histogram).
- Theis et al. 2016, "A note on the evaluation of generative models" (nearest neighbours in pixels).
- Levin, Peres & Wilmer 2009, "Markov Chains and Mixing Times", Prop. 4.2 (total variation distance).
"""
from collections import Counter

import torch

# helpers


def _row_blocks(a, b, batch):
    """Yield (start, cdist(a[start:start + batch], b)): bounds memory to batch * len(b) floats."""
    for start in range(0, len(a), batch):
        yield start, torch.cdist(a[start:start + batch], b)  # (B, len(b))


def _knn_radii(x, k, batch):
    """Distance from each row of x (N, D) to its k-th nearest neighbour in x, itself excluded."""
    assert 1 <= k < len(x), f"k must be between 1 and {len(x) - 1}, got {k}"
    # column 0 of the k + 1 smallest is the point itself (distance 0), so column k is the k-th neighbour
    return torch.cat([d.topk(k + 1, dim=1, largest=False).values[:, k] for _, d in _row_blocks(x, x, batch)])


# metrics


@torch.no_grad()
def frechet_distance(features_a, features_b) -> float:
    """Fréchet distance between Gaussians fitted to two feature sets (N, D) (Heusel et al. 2017, FID):
    ||mu_a - mu_b||² + Tr(S_a + S_b - 2 (S_a S_b)^{1/2}), unbiased covariances.
    Tr((S_a S_b)^{1/2}) = Σ sqrt(eig(S_a^{1/2} S_b S_a^{1/2})): a symmetric PSD matrix with the same
    eigenvalues as S_a S_b, so eigh suffices and no scipy.linalg.sqrtm is needed."""
    a, b = features_a.double(), features_b.double()
    assert a.ndim == b.ndim == 2 and a.shape[1] == b.shape[1], f"need (N, D) features, got {a.shape}, {b.shape}"
    mu_a, mu_b = a.mean(0), b.mean(0)
    s_a, s_b = torch.cov(a.T), torch.cov(b.T)  # (D, D), divided by N - 1
    w, v = torch.linalg.eigh(s_a)
    sqrt_a = (v * w.clamp_min(0).sqrt()) @ v.T  # S_a^{1/2}
    m = sqrt_a @ s_b @ sqrt_a
    tr_sqrt = torch.linalg.eigvalsh((m + m.T) / 2).clamp_min(0).sqrt().sum()
    return ((mu_a - mu_b).square().sum() + s_a.trace() + s_b.trace() - 2 * tr_sqrt).item()


@torch.no_grad()
def precision_recall(real_features, fake_features, k: int = 3, batch: int = 256) -> tuple[float, float]:
    """Improved precision and recall (Kynkäänniemi et al. 2019). A set's manifold is the union of
    balls around its points, each of radius the distance to the point's k-th nearest neighbour in
    the set. Precision: share of fake points inside the real manifold (are samples realistic?);
    recall: share of real points inside the fake manifold (is the data covered?).
    A point on a ball's boundary counts as inside, as in the authors' code."""
    real, fake = real_features.double(), fake_features.double()
    r_real, r_fake = _knn_radii(real, k, batch), _knn_radii(fake, k, batch)  # (Nr,), (Nf,)
    fake_in = torch.zeros(len(fake), dtype=torch.bool)
    real_in = torch.zeros(len(real), dtype=torch.bool)
    for start, d in _row_blocks(fake, real, batch):  # d: (B, Nr), one pass serves both directions
        fake_in[start:start + len(d)] = (d <= r_real).any(1)
        real_in |= (d <= r_fake[start:start + len(d), None]).any(0)
    return fake_in.double().mean().item(), real_in.double().mean().item()


def class_histogram(predicted, num_classes: int) -> torch.Tensor:
    """Shares (num_classes,) float64 summing to 1 of the classes the evaluator predicts (N,) for samples."""
    assert predicted.ndim == 1 and len(predicted) > 0, f"need a non-empty (N,) tensor, got {tuple(predicted.shape)}"
    assert 0 <= predicted.min() and predicted.max() < num_classes, f"classes must lie in [0, {num_classes})"
    return torch.bincount(predicted.long(), minlength=num_classes).double() / len(predicted)


def classes_covered(hist, min_share: float = 0.0) -> int:
    """Number of classes (modes) whose share is above min_share; the default 0 counts classes with
    at least one sample, as the mode counts of Metz et al. 2017 (stacked MNIST) do."""
    return int((hist > min_share).sum())


def class_kl(sample_hist, data_hist) -> float:
    """KL(samples || data) in nats between class histograms, the mode-collapse score of Metz et al.
    2017 (stacked-MNIST table, KL(model || data)). Classes the samples miss contribute 0; a model
    with all its mass on one of C equally frequent classes scores log C."""
    p, q = sample_hist.double(), data_hist.double()
    assert p.shape == q.shape, f"histograms differ in shape: {tuple(p.shape)} vs {tuple(q.shape)}"
    assert (q > 0).all(), "every class must occur in the data, else KL(samples || data) can be infinite"
    assert abs(p.sum() - 1) < 1e-6 and abs(q.sum() - 1) < 1e-6, "histograms must be shares summing to 1 (see class_histogram)"
    seen = p > 0
    return (p[seen] * (p[seen] / q[seen]).log()).sum().item()


@torch.no_grad()
def nearest_neighbour_distance(samples, train, batch: int = 512) -> torch.Tensor:
    """L2 distance in pixel space from each sample (N, 1, 28, 28) to its nearest training image
    (M, 1, 28, 28): near 0 means copying, not generating (Theis et al. 2016, nearest neighbours).
    Returns (N,) float64. Memory: batch * M floats at a time."""
    s, t = samples.flatten(1).float(), train.flatten(1).float()  # (N, 784), (M, 784)
    assert s.shape[1] == t.shape[1], f"samples and training images differ in size: {s.shape[1]} vs {t.shape[1]}"
    # the winner minimises |b|² - 2ab (|a|² is the same along a row), one float32 matmul per block with
    # the training images' norms computed once; that loses ~1e-3 to cancellation, so the winner's
    # distance is recomputed directly in float64: copies then come out exactly 0
    norms = t.pow(2).sum(1)                                                    # (M,)
    idx = torch.cat([torch.addmm(norms, s[i:i + batch], t.T, alpha=-2).argmin(1) for i in range(0, len(s), batch)])
    return (s.double() - t[idx].double()).norm(dim=1)


# text


def novelty(seen: list[bool]) -> float:
    """Share of samples that are not training names (`seen` from the text evaluator, CharLM.seen)."""
    assert len(seen) > 0, "need at least one sample"
    return 1 - sum(map(bool, seen)) / len(seen)


def uniqueness(names: list[str]) -> float:
    """Distinct samples / samples: 1 when no name repeats, 1/N when all N are the same."""
    assert len(names) > 0, "need at least one sample"
    return len(set(names)) / len(names)


def length_distance(names: list[str], reference_names: list[str]) -> float:
    """Total variation distance between the length histograms of two lists of names, half the L1
    distance between the shares (Levin, Peres & Wilmer 2009, Prop. 4.2): 0 for the same histogram,
    1 when no length is shared. Empty names (a row that ends at once) count as length 0."""
    assert len(names) > 0 and len(reference_names) > 0, "need names on both sides"
    p, q = Counter(map(len, names)), Counter(map(len, reference_names))
    return 0.5 * sum(abs(p[n] / len(names) - q[n] / len(reference_names)) for n in p.keys() | q.keys())


def inception_score(probs) -> float:
    """exp(E_x KL(p(y|x) || p(y))) of an evaluator's class probabilities (N, K): high when each
    sample is recognised confidently and the classes are used evenly; at most K (Salimans et al.
    2016, "Improved Techniques for Training GANs", with the evaluator standing in for Inception)."""
    probs = probs.detach().double().clamp(min=1e-12)
    marginal = probs.mean(0, keepdim=True)
    return float((probs * (probs.log() - marginal.log())).sum(1).mean().exp())
