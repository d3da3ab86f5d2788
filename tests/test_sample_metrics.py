import math

import pytest
import torch

from genapp.eval.sample_metrics import (class_histogram, class_kl, classes_covered, frechet_distance,
                                        length_distance, nearest_neighbour_distance, novelty,
                                        precision_recall, uniqueness)


def whitened(n, d, generator):
    """(n, d) float64 points whose sample mean is exactly 0 and unbiased covariance exactly I."""
    x = torch.randn(n, d, generator=generator, dtype=torch.float64)
    x = x - x.mean(0)
    w, v = torch.linalg.eigh(torch.cov(x.T))
    return x @ v @ torch.diag(w.rsqrt()) @ v.T


# Fréchet distance

def test_frechet_distance_of_a_set_with_itself_is_zero(generator):
    x = torch.randn(2000, 16, generator=generator)
    assert abs(frechet_distance(x, x)) < 1e-8


def test_frechet_distance_of_a_shift_is_its_squared_length(generator):
    x = torch.randn(500, 8, generator=generator, dtype=torch.float64)
    t = torch.arange(8, dtype=torch.float64)
    assert frechet_distance(x, x + t) == pytest.approx(t.square().sum().item(), abs=1e-8)


def test_frechet_distance_is_symmetric(generator):
    a = torch.randn(800, 10, generator=generator)
    b = torch.randn(600, 10, generator=generator) * 2 + 1
    assert frechet_distance(a, b) == pytest.approx(frechet_distance(b, a), rel=1e-9)


def test_frechet_distance_matches_closed_form_for_diagonal_gaussians(generator):
    mu_a, mu_b = torch.tensor([0., 1., 2., 3.]), torch.tensor([1., 1., 0., 3.])
    sd_a, sd_b = torch.tensor([1., 2., .5, 1.]), torch.tensor([1., 1., 1.5, 3.])
    a = torch.randn(50_000, 4, generator=generator) * sd_a + mu_a
    b = torch.randn(50_000, 4, generator=generator) * sd_b + mu_b
    exact = ((mu_a - mu_b).square().sum() + (sd_a - sd_b).square().sum()).item()  # 5 + 6.25
    assert frechet_distance(a, b) == pytest.approx(exact, rel=0.02)


def test_frechet_distance_matches_closed_form_for_non_commuting_covariances(generator):
    # 2x2 exact: Tr(M^{1/2}) = sqrt(Tr M + 2 sqrt(det M)) for M = S_a S_b with positive eigenvalues;
    # whitened points give sample statistics equal to the chosen ones, so the match is to rounding
    s_a = torch.tensor([[2., .8], [.8, 1.]], dtype=torch.float64)
    s_b = torch.tensor([[1., -.5], [-.5, 3.]], dtype=torch.float64)
    mu_a, mu_b = torch.tensor([1., -1.], dtype=torch.float64), torch.tensor([0., 2.], dtype=torch.float64)
    a = whitened(300, 2, generator) @ torch.linalg.cholesky(s_a).T + mu_a
    b = whitened(400, 2, generator) @ torch.linalg.cholesky(s_b).T + mu_b
    m = s_a @ s_b
    tr_sqrt = math.sqrt(m.trace() + 2 * math.sqrt(torch.linalg.det(m)))
    exact = ((mu_a - mu_b).square().sum() + s_a.trace() + s_b.trace() - 2 * tr_sqrt).item()
    assert frechet_distance(a, b) == pytest.approx(exact, abs=1e-9)


# precision and recall

def test_precision_recall_of_a_set_with_itself_is_one(generator):
    x = torch.randn(1000, 32, generator=generator)
    assert precision_recall(x, x) == (1.0, 1.0)


def test_precision_recall_of_far_away_samples_is_zero(generator):
    real = torch.randn(500, 8, generator=generator)
    fake = torch.randn(500, 8, generator=generator) + 100
    assert precision_recall(real, fake) == (0.0, 0.0)


def test_precision_recall_by_hand_in_one_dimension():
    real = torch.tensor([[0.], [1.], [2.], [3.]])  # k=1 radii all 1; k=2 radii 2, 1, 1, 2
    fake = torch.tensor([[0.5], [5.0]])            # k=1 radii 4.5: the fake balls cover [-4, 9.5]
    assert precision_recall(real, fake, k=1) == (0.5, 1.0)
    assert precision_recall(real, torch.tensor([[4.9], [5.1], [-5.]]), k=1)[0] == 0.0
    assert precision_recall(real, torch.tensor([[4.9], [5.1], [-5.]]), k=2)[0] == pytest.approx(1 / 3)


def test_samples_of_one_of_two_clusters_have_high_precision_and_half_recall(generator):
    # real: two unit squares 100 apart; fake: fresh points in the first square only
    square = lambda n: torch.rand(n, 2, generator=generator)
    real = torch.cat([square(1000), square(1000) + torch.tensor([100., 0.])])
    precision, recall = precision_recall(real, square(1000), batch=300)
    assert precision > 0.95
    assert 0.45 < recall <= 0.5  # the far square can contribute nothing


# class histograms

def test_class_histogram_and_coverage():
    hist = class_histogram(torch.tensor([0, 0, 1, 3, 3, 3, 3, 9]), 10)
    assert hist.shape == (10,) and hist.sum().item() == pytest.approx(1.0)
    assert hist.tolist() == [.25, .125, 0, .5, 0, 0, 0, 0, 0, .125]
    assert classes_covered(hist) == 4
    assert classes_covered(hist, min_share=0.2) == 2


def test_class_kl_is_zero_for_equal_histograms_and_log10_for_total_collapse():
    data = class_histogram(torch.arange(10).repeat(7), 10)
    assert class_kl(data, data) == 0.0
    collapsed = class_histogram(torch.full((100,), 4), 10)
    assert class_kl(collapsed, data) == pytest.approx(math.log(10), abs=1e-12)
    half = class_histogram(torch.tensor([2, 7]), 10)
    assert class_kl(half, data) == pytest.approx(math.log(5), abs=1e-12)
    with pytest.raises(AssertionError, match="every class"):
        class_kl(data, collapsed)


# nearest neighbours in pixel space

def test_nearest_neighbour_distance_is_zero_for_copies(generator):
    train = torch.rand(300, 1, 28, 28, generator=generator)
    assert nearest_neighbour_distance(train[[5, 17, 299]], train).tolist() == [0.0, 0.0, 0.0]


def test_nearest_neighbour_distance_by_hand():
    train = torch.stack([torch.zeros(1, 28, 28), torch.ones(1, 28, 28)])
    sample = torch.zeros(1, 1, 28, 28)
    sample[0, 0, 3, 4], sample[0, 0, 10, 20] = 0.3, 0.4  # a 3-4-5 triangle away from the black image
    assert nearest_neighbour_distance(sample, train).item() == pytest.approx(0.5, abs=1e-7)
    grey = torch.full((1, 1, 28, 28), 0.5)  # sqrt(784 * 0.25) = 14 from both
    assert nearest_neighbour_distance(grey, train).item() == pytest.approx(14.0, abs=1e-6)


def test_nearest_neighbour_distance_matches_brute_force(generator):
    samples = torch.rand(37, 1, 28, 28, generator=generator)
    train = torch.rand(211, 1, 28, 28, generator=generator)
    s, t = samples.flatten(1).double(), train.flatten(1).double()
    expected = (s[:, None] - t[None]).square().sum(-1).sqrt().min(1).values
    torch.testing.assert_close(nearest_neighbour_distance(samples, train, batch=10), expected, rtol=0, atol=1e-6)


# text

def test_novelty_is_the_share_not_seen():
    assert novelty([True, False, False, False]) == 0.75
    assert novelty([True] * 3) == 0.0 and novelty([False]) == 1.0


def test_uniqueness_is_distinct_over_total():
    assert uniqueness(["ann", "bob", "ann", "eve"]) == 0.75
    assert uniqueness(["ann"] * 5) == pytest.approx(0.2)
    assert uniqueness(["ann", "bob"]) == 1.0


def test_length_distance_by_hand():
    reference = ["ab", "abc", "abcd", "abcd"]                      # lengths 2, 3, 4, 4: shares 1/4, 1/4, 1/2
    assert length_distance(["xy", "xyz", "wxyz", "vwxy"], reference) == 0.0   # same lengths, other letters
    assert length_distance(["a", "a"], reference) == 1.0               # no length in common
    # shares 1/2, 1/2 at lengths 2, 3 vs 1/4, 1/4, 1/2: |1/4| + |1/4| + |-1/2| = 1, halved
    assert length_distance(["xy", "xyz"], reference) == pytest.approx(0.5)
    assert length_distance(["", "xy"], ["ab", "cd"]) == pytest.approx(0.5)   # empty names have length 0
    assert length_distance(reference, ["xy", "xyz"]) == pytest.approx(0.5)   # symmetric


def test_inception_score_is_k_for_confident_even_classes_and_1_for_one_class():
    from genapp.eval.sample_metrics import inception_score
    confident = torch.eye(4).repeat(5, 1)                     # 20 samples, each class 5 times, certain
    assert abs(inception_score(confident) - 4.0) < 1e-6
    assert abs(inception_score(torch.eye(4)[[2] * 10]) - 1.0) < 1e-6   # one class only
    assert abs(inception_score(torch.full((8, 4), 0.25)) - 1.0) < 1e-6  # no confidence
