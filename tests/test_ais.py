"""The RBM's partition function: exact enumeration against brute force, AIS against exact, and
log-likelihoods that make a distribution, all on RBMs small enough to enumerate."""
import itertools

import pytest
import torch

from genapp.eval.ais import ais_log_partition, beta_schedule, log_partition_exact, rbm_log_likelihood
from genapp.models.rbm import RBM


def toy_rbm(sample_shape, num_hidden, num_classes, seed=0):
    torch.manual_seed(seed)
    rbm = RBM(sample_shape=sample_shape, num_hidden=num_hidden, num_classes=num_classes)
    with torch.no_grad():
        for p in (rbm.W, rbm.U):
            p.copy_(torch.randn_like(p) * 0.5)
        for p in (rbm.b, rbm.c, rbm.d):
            p.copy_(torch.randn_like(p) * 0.3)
    return rbm.eval()


def all_visible_states(n):
    return torch.tensor(list(itertools.product([0.0, 1.0], repeat=n)))    # (2^n, n)


@pytest.mark.parametrize("num_classes", [3, 0])
def test_exact_log_partition_matches_brute_force(num_classes):
    rbm = toy_rbm((1, 2, 4), num_hidden=6, num_classes=num_classes).double()
    v = all_visible_states(8).double()
    with torch.no_grad():
        if num_classes:
            ys = torch.eye(num_classes, dtype=torch.float64)
            neg_f = torch.cat([-rbm.free_energy(v, y.expand(len(v), -1)) for y in ys])   # (2^8 * 3,)
        else:
            neg_f = -rbm.free_energy(v)
    assert log_partition_exact(rbm) == pytest.approx(torch.logsumexp(neg_f, 0).item(), abs=1e-6)


def test_exact_log_partition_refuses_too_many_hidden_units():
    with pytest.raises(AssertionError, match="at most 20"):
        log_partition_exact(RBM(sample_shape=(1, 2, 2), num_hidden=21, num_classes=0))


def test_beta_schedule_follows_salakhutdinov_murray():
    betas = beta_schedule(14_500)
    assert betas[0] == 0 and betas[-1] == 1 and bool((betas.diff() > 0).all())
    assert abs(int((betas < 0.5).sum()) - 500) <= 1 and abs(int((betas < 0.9).sum()) - 4_500) <= 1
    assert beta_schedule(2).tolist() == [0.0, 1.0]


@pytest.mark.parametrize("num_classes", [3, 0])
def test_ais_matches_exact_log_partition(num_classes):
    rbm = toy_rbm((1, 4, 5), num_hidden=12, num_classes=num_classes)
    exact = log_partition_exact(rbm)
    calls = []
    result = ais_log_partition(rbm, torch.full((20,), 0.4), num_betas=10_000, runs=100,
                               generator=torch.Generator().manual_seed(0), callback=lambda *a: calls.append(a))
    assert abs(result.log_z - exact) < 0.1
    assert result.log_z_low <= result.log_z <= result.log_z_high
    assert result.log_weights.shape == (100,) and result.log_weights.dtype == torch.float64
    assert 90 <= len(calls) <= 110 and calls[-1] == (10_000, 10_000)


def test_ais_is_deterministic_given_the_generator():
    rbm = toy_rbm((1, 4, 5), num_hidden=12, num_classes=3)
    run = lambda seed: ais_log_partition(rbm, torch.full((20,), 0.4), num_betas=500, runs=10,
                                         generator=torch.Generator().manual_seed(seed))
    a, b, c = run(1), run(1), run(2)
    assert a.log_z == b.log_z and torch.equal(a.log_weights, b.log_weights)
    assert a.log_z != c.log_z


@pytest.mark.parametrize("num_classes", [3, 0])
def test_log_likelihood_with_exact_log_z_sums_to_one(num_classes):
    rbm = toy_rbm((1, 2, 4), num_hidden=6, num_classes=num_classes)
    log_z = log_partition_exact(rbm)
    v = all_visible_states(8).view(-1, 1, 2, 4)                            # (256, 1, 2, 4)
    total = torch.logsumexp(rbm_log_likelihood(rbm, v, log_z=log_z), 0)
    assert total.item() == pytest.approx(0.0, abs=1e-9)                    # sum_v p(v) = 1
    if num_classes:                                                        # sum_{v, y} p(v, y) = 1
        joint = [rbm_log_likelihood(rbm, v, torch.full((len(v),), y), log_z=log_z) for y in range(num_classes)]
        assert torch.logsumexp(torch.cat(joint), 0).item() == pytest.approx(0.0, abs=1e-9)
