"""Tests of the exercise checkers added to chapters 2-5 (emteach.checks.core).

Every expected value comes from an independent computation (SciPy, a
brute-force loop or an analytic result), and every checker gets a near miss:
an answer just outside its tolerance is rejected, one just inside accepted.
"""

import numpy as np
import pytest
from scipy import optimize, stats

from emteach import checks, gmm

HEADS = np.array([5, 9, 8, 4, 7])  # Do and Batzoglou's five sets of ten tosses
TOSSES = 10


def _verdict(capsys, check, *args, **kwargs):
    """Run a checker; return its verdict as a bool and the line it printed."""
    verdict = check(*args, **kwargs)
    return bool(verdict), capsys.readouterr().out


# --- chapter 2: the exponential rate ---------------------------------------


def test_exponential_rate_against_scipy(capsys):
    x = np.random.default_rng(0).exponential(scale=2.0, size=50)
    _, scale = stats.expon.fit(x, floc=0.0)  # SciPy's MLE of the scale, the rate's reciprocal
    rate = 1.0 / scale
    assert _verdict(capsys, checks.check_exponential_rate, rate * (1 + 5e-7), x)[0]
    assert not _verdict(capsys, checks.check_exponential_rate, rate * (1 + 5e-6), x)[0]
    ok, out = _verdict(capsys, checks.check_exponential_rate, x.mean(), x)
    assert not ok and "mean waiting time" in out
    ok, out = _verdict(capsys, checks.check_exponential_rate, None, x)
    assert not ok and "No answer yet" in out


# --- chapter 3: one sd shared by both groups --------------------------------


def test_pooled_sd_against_a_loop(capsys):
    rng = np.random.default_rng(1)
    z = rng.integers(0, 2, size=300)
    x = np.where(z == 0, rng.normal(20, 5, 300), rng.normal(40, 4, 300))
    squares = 0.0
    for label in (0, 1):
        group = [value for value, zi in zip(x, z) if zi == label]
        centre = sum(group) / len(group)
        squares += sum((value - centre) ** 2 for value in group)
    expected = (squares / len(x)) ** 0.5
    assert _verdict(capsys, checks.check_pooled_sd, expected * (1 + 5e-7), x, z)[0]
    assert not _verdict(capsys, checks.check_pooled_sd, expected * (1 + 5e-6), x, z)[0]
    ok, out = _verdict(capsys, checks.check_pooled_sd, np.std(x), x, z)
    assert not ok and "overall mean" in out
    ok, out = _verdict(capsys, checks.check_pooled_sd, expected**2, x, z)
    assert not ok and "variance" in out


# --- chapter 4: the coins with P(coin A) estimated --------------------------


def _coin_mle_with_prior():
    """Maximise the observed log-likelihood over (theta_A, theta_B, weight_A) with SciPy."""
    def negative(params):
        theta_a, theta_b, weight = params
        like_a = weight * stats.binom.pmf(HEADS, TOSSES, theta_a)
        like_b = (1 - weight) * stats.binom.pmf(HEADS, TOSSES, theta_b)
        return -np.sum(np.log(like_a + like_b))
    result = optimize.minimize(negative, x0=[0.75, 0.55, 0.5], bounds=[(0.01, 0.99)] * 3,
                               method="L-BFGS-B", options={"ftol": 1e-15, "gtol": 1e-12})
    return result.x


def test_coin_prior_against_a_direct_maximisation(capsys):
    expected = _coin_mle_with_prior()
    assert abs(expected[2] - 0.5228) < 1e-3  # P(coin A) moves away from the 1/2 chapter 4 assumes
    assert _verdict(capsys, checks.check_coin_prior, expected + 5e-5)[0]
    assert not _verdict(capsys, checks.check_coin_prior, expected + [0, 0, 3e-4])[0]
    ok, out = _verdict(capsys, checks.check_coin_prior, [0.796789, 0.519583, 0.5])
    assert not ok and "kept P(coin A) at 1/2" in out


# --- chapter 5: the weights by a Lagrange multiplier ------------------------


def test_weight_update(capsys):
    resp = np.random.default_rng(2).dirichlet([1.0, 2.0, 3.0], size=40)
    nk = [sum(row[k] for row in resp) for k in range(3)]
    n = len(resp)
    weights = np.array(nk) / n
    assert _verdict(capsys, checks.check_weight_update, (n, weights * (1 + 5e-7)), resp)[0]
    assert not _verdict(capsys, checks.check_weight_update, (n, weights * (1 + 5e-6)), resp)[0]
    assert not _verdict(capsys, checks.check_weight_update, (n * (1 + 5e-6), weights), resp)[0]
    ok, out = _verdict(capsys, checks.check_weight_update, (-n, weights), resp)
    assert not ok and "sign" in out
    ok, out = _verdict(capsys, checks.check_weight_update, 3.0, resp)
    assert not ok and "pair" in out


# --- chapter 5: the capstone EM loop ----------------------------------------


def _em_by_loops(x, weights, means, sds, n_iter):
    """One-dimensional EM written independently, with SciPy's normal density."""
    weights, means, sds = (np.array(a, dtype=float) for a in (weights, means, sds))
    for _ in range(n_iter):
        joint = weights * stats.norm.pdf(x[:, None], means, sds)
        resp = joint / joint.sum(axis=1, keepdims=True)
        nk = resp.sum(axis=0)
        weights = nk / x.size
        means = (resp * x[:, None]).sum(axis=0) / nk
        sds = np.sqrt((resp * (x[:, None] - means) ** 2).sum(axis=0) / nk)
    return weights, means, sds


@pytest.fixture
def capstone():
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.normal(20, 5, 200), rng.normal(40, 5, 400)])
    start = ([0.5, 0.5], [10.0, 30.0], [8.0, 8.0])
    return x, start, gmm.GMMParams.from_1d(*start)


def test_em_loop_against_an_independent_loop(capsys, capstone):
    x, start, init = capstone
    expected = _em_by_loops(x, *start, 7)
    inside = tuple(a * (1 + 2e-6) for a in expected)
    outside = (expected[0], expected[1] * (1 + 3e-5), expected[2])
    ok, out = _verdict(capsys, checks.check_em_loop, inside, x, init, 7)
    assert ok and "matches gmm.fit after 7 iterations" in out
    ok, out = _verdict(capsys, checks.check_em_loop, outside, x, init, 7)
    assert not ok and "means" in out


def test_em_loop_names_the_usual_mistakes(capsys, capstone):
    x, start, init = capstone
    ok, out = _verdict(capsys, checks.check_em_loop, _em_by_loops(x, *start, 6), x, init, 7)
    assert not ok and "ran 6 iterations, not 7" in out
    weights, means, sds = _em_by_loops(x, *start, 7)
    ok, out = _verdict(capsys, checks.check_em_loop, (weights, means, sds**2), x, init, 7)
    assert not ok and "variances" in out
    ok, out = _verdict(capsys, checks.check_em_loop, (weights[::-1], means[::-1], sds[::-1]), x, init, 7)
    assert not ok and "swapped" in out
    ok, out = _verdict(capsys, checks.check_em_loop, [1, 2], x, init, 7)
    assert not ok and "tuple" in out


# --- chapter 4: two iterations from another start ---------------------------


def _coin_em_by_hand(theta, n_iter):
    """The coins' EM written out with binomial probabilities from SciPy."""
    theta = np.array(theta, dtype=float)
    for _ in range(n_iter):
        like = stats.binom.pmf(HEADS[:, None], TOSSES, theta[None, :])
        resp = like / like.sum(axis=1, keepdims=True)
        theta = (resp * HEADS[:, None]).sum(axis=0) / (resp * TOSSES).sum(axis=0)
    return theta


def test_coins_second_iteration_from_another_start(capsys):
    expected = _coin_em_by_hand((0.9, 0.3), 2)
    assert _verdict(capsys, checks.check_coins_second_iteration, expected + 4e-4, theta_init=(0.9, 0.3))[0]
    assert not _verdict(capsys, checks.check_coins_second_iteration, expected + 6e-4, theta_init=(0.9, 0.3))[0]
    ok, out = _verdict(capsys, checks.check_coins_second_iteration, _coin_em_by_hand((0.9, 0.3), 1),
                       theta_init=(0.9, 0.3))
    assert not ok and "after the first iteration" in out
