"""The partition function of an RBM, and with it the log-likelihood of data under the model.

`ais_log_partition` estimates log Z by annealed importance sampling (Neal 2001, "Annealed
importance sampling", Statistics and Computing 11), run the way Salakhutdinov & Murray 2008 ("On
the quantitative analysis of deep belief networks", ICML) run it for RBMs: start from exact samples
of a base-rate RBM A (W = 0, visible biases the logits of the data's mean pixels), anneal along the
geometric path p_k ∝ p_A^(1-β_k) p_B^β_k with one block-Gibbs sweep at each β_k, and weight each run
by the product of the ratios p*_k / p*_{k-1}. The label units, when the model has them, anneal with
the visible ones as a softmax block (uniform at β = 0). `log_partition_exact` sums over all 2^H
hidden states for toy models, to check the estimate; `rbm_log_likelihood` turns log Z into nats;
`free_energy_gap` is the overfitting check that needs no log Z.
"""
import copy
import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

# S&M 2008 use 500 betas in [0, 0.5], 4,000 in [0.5, 0.9] and 10,000 in [0.9, 1]: most of the
# steps where p_k changes fastest. Knots (share of the schedule, beta) keep that shape at any length.
SCHEDULE_KNOTS = ((0.0, 500 / 14_500, 4_500 / 14_500, 1.0), (0.0, 0.5, 0.9, 1.0))


@dataclass
class AISResult:
    log_z: float               # estimate of log Z, nats
    log_z_low: float           # log(mean weight - 3 sd of the mean), -inf when that is <= 0
    log_z_high: float          # log(mean weight + 3 sd of the mean)
    log_weights: torch.Tensor  # (runs,) float64, log importance weights
    num_betas: int
    runs: int


def beta_schedule(num_betas: int) -> torch.Tensor:
    """(num_betas,) float64 from 0 to 1 exactly, piecewise linear in S&M 2008's proportions."""
    assert num_betas >= 2, "AIS needs at least two betas (0 and 1)"
    return torch.from_numpy(np.interp(np.linspace(0, 1, num_betas), *SCHEDULE_KNOTS))


def _spread(log_w, log_z_a):
    """S&M 2008's error bars: log of the mean weight ± 3 standard deviations of that mean."""
    w = (log_w - log_w.max()).exp()                               # scaled by the max for stability
    mean = w.mean().item()
    sd = w.std().item() / math.sqrt(len(w)) if len(w) > 1 else 0.0
    shift = log_z_a + log_w.max().item()
    low = shift + math.log(mean - 3 * sd) if mean - 3 * sd > 0 else -math.inf
    return low, shift + math.log(mean + 3 * sd)


@torch.inference_mode()
def ais_log_partition(rbm, base_rates, *, num_betas=10_000, runs=100, generator=None, callback=None) -> AISResult:
    """log Z of `rbm` by AIS from the base-rate RBM (Neal 2001; Salakhutdinov & Murray 2008).

    base_rates: (V,) mean pixel intensities of the training data (any shape with V entries).
    callback(done, num_betas) is called about every 1% of the betas. All draws come from
    `generator` (a fresh one seeded 0 when None), so a seed fixes the result.
    """
    H, V = rbm.W.shape
    K = rbm.config.num_classes
    # the chains run in the model's dtype (float32: float64 matmuls are ~10x slower on CPU); log w
    # is accumulated in float64, from float64 softplus differences that are small against their terms
    device, dt = rbm.W.device, rbm.W.dtype
    generator = torch.Generator(device).manual_seed(0) if generator is None else generator
    rand = lambda *shape: torch.rand(*shape, generator=generator, device=device, dtype=dt)

    b_a = torch.logit(base_rates.flatten().double().clamp(1e-3, 1 - 1e-3)).to(device, dt)  # (V,)
    # the label units join the visible ones: x = [v, y], (runs, V + K); model A's label bias is 0
    M = torch.cat([rbm.W, rbm.U[:, :K]], 1).to(dt)                                      # (H, V + K)
    Mt = M.T.contiguous()                                                                # (V + K, H)
    bias_a = torch.cat([b_a, b_a.new_zeros(K)])                                          # (V + K,)
    bias_b = torch.cat([rbm.b, rbm.d[:K]]).to(dt)                                        # (V + K,)
    bias_diff = bias_b.double() - bias_a.double()                                         # (V + K,)
    c = rbm.c.to(dt)
    log_z_a = H * math.log(2) + F.softplus(b_a.double()).sum().item() + (math.log(K) if K else 0.0)

    def sample_visible(logits):              # x | h: Bernoulli pixels, one softmax draw of the label
        x = torch.empty(runs, V + K, dtype=dt, device=device)
        torch.lt(rand(runs, V), torch.sigmoid(logits[:, :V]), out=x[:, :V])
        if K:                                # Gumbel-max: argmax(logits + Gumbel noise) ~ softmax
            gumbel = -torch.log(-torch.log(rand(runs, K)))
            x[:, V:] = F.one_hot((logits[:, V:] + gumbel).argmax(1), K)
        return x

    # exact samples of model A: v ~ Bernoulli(sigmoid(b_a)), y uniform (logits 0)
    x = sample_visible(bias_a.expand(runs, -1))
    betas = beta_schedule(num_betas).tolist()
    log_w = torch.zeros(runs, dtype=torch.float64, device=device)
    every = max(1, num_betas // 100)
    for k in range(1, num_betas):
        beta, prev = betas[k], betas[k - 1]
        hin = torch.addmm(c, x, Mt)                                  # (runs, H): W v + U y + c
        # log w += log p*_k(x) - log p*_{k-1}(x), where log p*_beta(x) =
        # (1-beta) b_a.x + beta (b.v + d.y) + sum_j softplus(beta hin_j)  (h summed out)
        hin64 = hin.double()
        log_w += (beta - prev) * (x.double() @ bias_diff) + (F.softplus(beta * hin64) - F.softplus(prev * hin64)).sum(1)
        if callback is not None and ((k + 1) % every == 0 or k + 1 == num_betas):
            callback(k + 1, num_betas)
        if k + 1 == num_betas:
            break
        # transition leaving p_k invariant: one block-Gibbs sweep, h | x then x | h
        h = torch.lt(rand(runs, H), torch.sigmoid(beta * hin)).to(dt)                  # (runs, H)
        x = sample_visible(torch.addmm((1 - beta) * bias_a + beta * bias_b, h, M, alpha=beta))

    log_z = log_z_a + (torch.logsumexp(log_w, 0) - math.log(runs)).item()
    low, high = _spread(log_w, log_z_a)
    return AISResult(log_z, low, high, log_w.cpu(), num_betas, runs)


@torch.inference_mode()
def log_partition_exact(rbm, chunk: int = 1 << 14) -> float:
    """Exact log Z, summing v and y analytically and enumerating all 2^H hidden states:
    log Z = logsumexp_h [c.h + sum_i softplus(b_i + (W'h)_i) + logsumexp_y (d_y + (U'h)_y)]."""
    H = rbm.W.shape[0]
    K = rbm.config.num_classes
    assert H <= 20, f"exact log Z enumerates 2^H hidden states; H = {H} is too many (at most 20): use ais_log_partition"
    W, b, c, U, d = (p.detach().double() for p in (rbm.W, rbm.b, rbm.c, rbm.U, rbm.d))
    bits = 2 ** torch.arange(H, device=W.device)
    terms = []
    for start in range(0, 2 ** H, chunk):
        idx = torch.arange(start, min(start + chunk, 2 ** H), device=W.device)
        h = ((idx[:, None] & bits) > 0).double()                                          # (n, H)
        t = h @ c + F.softplus(h @ W + b).sum(1)
        terms.append(t + torch.logsumexp(h @ U + d, 1) if K else t)
    return torch.logsumexp(torch.cat(terms), 0).item()


@torch.inference_mode()
def rbm_log_likelihood(rbm, v, labels=None, *, log_z: float) -> torch.Tensor:
    """(B,) log p(v) in nats: -F(v, y) - log Z with labels given, logsumexp_y -F(v, y) - log Z
    with the label marginalised (labels None), -F(v) - log Z for a model without label units.
    v: (B, V) or (B, C, H, W) in {0, 1}."""
    model = copy.deepcopy(rbm).double()   # nn.Module.double: no diffusers dtype warning
    v = v.flatten(1).to(model.W.device, torch.float64)
    K = rbm.config.num_classes
    if K == 0 or labels is not None:
        y = model.one_hot(labels.to(v.device)) if K else None
        return -model.free_energy(v, None if y is None else y.double()) - log_z
    eye = torch.eye(K, dtype=torch.float64, device=v.device)
    neg_f = torch.stack([-model.free_energy(v, eye[k].expand(len(v), -1)) for k in range(K)], 1)   # (B, K)
    return torch.logsumexp(neg_f, 1) - log_z


@torch.no_grad()
def free_energy_gap(rbm, x_train, y_train, x_test, y_test) -> float:
    """Mean free energy of test data minus that of as many training examples (Hinton 2010,
    "A Practical Guide to Training RBMs", section 6): near 0 when the RBM does not overfit. Unlike
    log p, it needs no log Z, so it can be watched during training."""
    n = min(len(x_train), len(x_test))
    f = lambda x, y: rbm.free_energy(x[:n].flatten(1), rbm.one_hot(y[:n])).mean().item()
    return f(x_test, y_test) - f(x_train, y_train)
