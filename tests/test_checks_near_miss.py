"""Every chapter 0-5 checker against an answer just outside and just inside its tolerance.

A checker that accepts a slightly wrong answer teaches the student a wrong
number; one that rejects a right answer teaches them to distrust the book.
Each expected value here is computed independently of emteach: by SciPy, by
NumPy's own formulas or by a short loop written in this file. The near miss
sits at twice the checker's documented tolerance (rejected) and the near hit
at two fifths of it (accepted), so loosening or tightening a tolerance by a
factor of three or more fails a test.
"""

import math

import numpy as np
import pytest
from scipy import special, stats

from emteach import checks, gmm

HEADS = np.array([5, 9, 8, 4, 7])  # Do & Batzoglou's five sets of ten tosses
N_TOSSES = 10


def tolerance(expected, rtol, atol):
    """numpy.isclose's tolerance band around ``expected``."""
    return atol + rtol * abs(expected)


def near(expected, rtol, atol, factor):
    """A number ``factor`` tolerance bands away from ``expected``."""
    return expected + factor * tolerance(expected, rtol, atol)


def assert_band(checker, expected, rtol, atol, capsys, *, wrap=lambda v: v):
    """Twice the tolerance away is rejected; two fifths of it is accepted."""
    assert not checker(wrap(near(expected, rtol, atol, 2.0)))
    assert "\u274c" in capsys.readouterr().out
    assert not checker(wrap(near(expected, rtol, atol, -2.0)))
    capsys.readouterr()
    assert checker(wrap(near(expected, rtol, atol, 0.4)))
    assert "\u2705" in capsys.readouterr().out
    assert checker(wrap(near(expected, rtol, atol, -0.4)))
    capsys.readouterr()


def coin_em(theta, n_iter):
    """Two-coin EM written out with the binomial likelihood (independent of emteach.coins)."""
    theta_a, theta_b = theta
    path = [(theta_a, theta_b)]
    for _ in range(n_iter):
        log_a = HEADS * math.log(theta_a) + (N_TOSSES - HEADS) * math.log(1 - theta_a)
        log_b = HEADS * math.log(theta_b) + (N_TOSSES - HEADS) * math.log(1 - theta_b)
        resp_a = 1.0 / (1.0 + np.exp(log_b - log_a))
        theta_a = np.sum(resp_a * HEADS) / np.sum(resp_a * N_TOSSES)
        theta_b = np.sum((1 - resp_a) * HEADS) / np.sum((1 - resp_a) * N_TOSSES)
        path.append((theta_a, theta_b))
    return np.array(path)


# --- check_close itself: the default tolerance is rtol 1e-6, atol 1e-9 ---------


@pytest.mark.parametrize("expected", [1.0, -4.605170185988091, 2500.0])
def test_check_close_default_tolerance_band(expected, capsys):
    assert_band(lambda a: checks.check_close(a, expected), expected, 1e-6, 1e-9, capsys)


def test_check_close_near_zero_uses_the_absolute_tolerance(capsys):
    assert not checks.check_close(3e-9, 0.0)
    assert checks.check_close(5e-10, 0.0)
    capsys.readouterr()


def test_check_close_array_one_entry_off(capsys):
    expected = np.array([0.25, 0.5, 0.75])
    bad = expected.copy()
    bad[1] = near(0.5, 1e-6, 1e-9, 2.0)
    good = expected.copy()
    good[1] = near(0.5, 1e-6, 1e-9, 0.4)
    assert not checks.check_close(bad, expected)
    assert checks.check_close(good, expected)
    capsys.readouterr()


# --- chapter 0 -----------------------------------------------------------------


def test_log_product_band(capsys):
    p = [0.5, 0.2, 0.1, 0.01]
    expected = math.fsum(math.log(v) for v in p)
    assert_band(lambda a: checks.check_log_product(a, p), expected, 1e-6, 1e-9, capsys)


def test_mixture_mean_band(capsys):
    expected = 0.3 * 20.0 + 0.7 * 40.0
    assert_band(lambda a: checks.check_mixture_mean(a, [0.3, 0.7], [20.0, 40.0]), expected, 1e-6, 1e-9, capsys)


def test_log_sum_exp_band(capsys):
    values = [-1000.0, -1001.0, -1002.5]
    expected = float(special.logsumexp(values))
    assert_band(lambda a: checks.check_log_sum_exp(a, values), expected, 1e-6, 1e-9, capsys)


# --- chapter 1 -----------------------------------------------------------------


@pytest.fixture(scope="module")
def sample():
    return np.random.default_rng(12).normal(size=300)


@pytest.mark.parametrize("rule", ["sturges", "scott", "fd"])
def test_bin_count_is_exact(rule, sample, capsys):
    expected = np.histogram_bin_edges(sample, rule).size - 1
    assert checks.check_bin_count(expected, sample, rule)
    assert not checks.check_bin_count(expected + 1, sample, rule)
    assert not checks.check_bin_count(expected - 1, sample, rule)
    capsys.readouterr()


def test_density_heights_band(sample, capsys):
    counts, edges = np.histogram(sample, bins=20)
    expected = counts / (counts.sum() * np.diff(edges))
    index = int(np.argmax(expected))

    def with_entry(value):
        answer = expected.copy()
        answer[index] = value
        return answer

    assert_band(lambda a: checks.check_density_heights(a, sample, 20), expected[index], 1e-6, 1e-9, capsys,
                wrap=with_entry)


def test_kde_at_band(sample, capsys):
    expected = float(np.mean(stats.norm.pdf(0.3, loc=sample, scale=0.4)))
    assert_band(lambda a: checks.check_kde_at(a, sample, 0.3, 0.4), expected, 1e-6, 1e-9, capsys)


# --- chapter 2 -----------------------------------------------------------------


def test_log_likelihood_band(sample, capsys):
    expected = float(np.sum(stats.norm.logpdf(sample, loc=0.1, scale=1.2)))
    assert_band(lambda a: checks.check_log_likelihood(a, sample, 0.1, 1.2), expected, 1e-6, 1e-9, capsys)


def test_gaussian_mle_band(sample, capsys):
    mean = float(np.mean(sample))
    sd = float(np.std(sample, ddof=0))
    assert_band(lambda a: checks.check_gaussian_mle((mean, a), sample), sd, 1e-6, 1e-9, capsys)
    assert_band(lambda a: checks.check_gaussian_mle((a, sd), sample), mean, 1e-6, 1e-9, capsys)


def test_unbiased_variance_band(sample, capsys):
    expected = float(np.var(sample, ddof=1))
    assert_band(lambda a: checks.check_unbiased_variance(a, sample), expected, 1e-6, 1e-9, capsys)


def test_bernoulli_mle_band(capsys):
    expected = 33 / 50
    assert_band(lambda a: checks.check_bernoulli_mle(a, 33, 50), expected, 1e-6, 1e-9, capsys)


# --- chapter 3 -----------------------------------------------------------------


@pytest.fixture(scope="module")
def labelled():
    rng = np.random.default_rng(3)
    z = np.repeat([0, 1], [40, 80])
    x = np.where(z == 0, rng.normal(20, 5, z.size), rng.normal(40, 5, z.size))
    return x, z


def test_complete_data_mle_band(labelled, capsys):
    x, z = labelled
    weights = np.array([40 / 120, 80 / 120])
    means = np.array([x[z == 0].mean(), x[z == 1].mean()])
    sds = np.array([x[z == 0].std(), x[z == 1].std()])

    def with_sd(value):
        return weights, means, np.array([sds[0], value])

    assert_band(lambda a: checks.check_complete_data_mle(a, x, z), sds[1], 1e-6, 1e-9, capsys, wrap=with_sd)


def mixture_resp(x, weights, means, sds):
    log_joint = np.log(weights) + stats.norm.logpdf(np.asarray(x, dtype=float)[:, None], means, sds)
    return np.exp(log_joint - special.logsumexp(log_joint, axis=1, keepdims=True))


def test_responsibilities_band(capsys):
    weights, means, sds = [1 / 3, 2 / 3], [20.0, 40.0], [5.0, 5.0]
    expected = mixture_resp([29.0], weights, means, sds)[0]

    def pair(value):  # keep the row summing to one: the checker tests that first
        return np.array([value, 1.0 - value])

    assert_band(lambda a: checks.check_responsibilities(a, 29.0, weights, means, sds), expected[0], 1e-6, 1e-8,
                capsys, wrap=pair)


def test_ambiguous_fraction_band(labelled, capsys):
    x, _ = labelled
    weights, means, sds = [1 / 3, 2 / 3], [20.0, 40.0], [5.0, 5.0]
    expected = float(np.mean(mixture_resp(x, weights, means, sds).max(axis=1) < 0.9))
    assert_band(lambda a: checks.check_ambiguous_fraction(a, x, weights, means, sds), expected, 0.0, 5e-4, capsys)


def test_mixture_log_likelihood_band(labelled, capsys):
    x, _ = labelled
    weights, means, sds = [1 / 3, 2 / 3], [20.0, 40.0], [5.0, 5.0]
    expected = float(np.sum(special.logsumexp(np.log(weights) + stats.norm.logpdf(x[:, None], means, sds), axis=1)))
    assert_band(lambda a: checks.check_mixture_log_likelihood(a, x, weights, means, sds), expected, 1e-6, 1e-9,
                capsys)


# --- chapter 4 -----------------------------------------------------------------


def test_coin_responsibility_band(capsys):
    # set 1 has 9 heads; equal priors; theta = (0.6, 0.5)
    like_a = 0.6**9 * 0.4
    like_b = 0.5**10
    expected = like_a / (like_a + like_b)
    assert expected == pytest.approx(0.8050, abs=5e-5)  # the paper's 0.80
    assert_band(lambda a: checks.check_coin_responsibility(a), expected, 1e-4, 1e-9, capsys)


def test_coins_second_iteration_band(capsys):
    expected = coin_em((0.6, 0.5), 2)[2]

    def with_a(value):
        return np.array([value, expected[1]])

    assert_band(lambda a: checks.check_coins_second_iteration(a), expected[0], 0.0, 5e-4, capsys, wrap=with_a)


def test_em_gap_band(capsys):
    # KL(q0 || p1): q0 the posterior at the start, p1 the posterior at the first iteration's theta
    def posterior(theta_a, theta_b):
        log_a = HEADS * np.log(theta_a) + (N_TOSSES - HEADS) * np.log(1 - theta_a)
        log_b = HEADS * np.log(theta_b) + (N_TOSSES - HEADS) * np.log(1 - theta_b)
        qa = 1.0 / (1.0 + np.exp(log_b - log_a))
        return np.column_stack([qa, 1 - qa])

    q0 = posterior(0.6, 0.5)
    p1 = posterior(*coin_em((0.6, 0.5), 1)[1])
    expected = float(np.sum(q0 * np.log(q0 / p1)))
    assert expected > 0
    assert_band(lambda a: checks.check_em_gap(a), expected, 1e-6, 1e-9, capsys)


def test_swapped_start_band(capsys):
    expected = coin_em((0.3, 0.7), 50)[50]
    assert expected[0] < expected[1]  # the labels come out swapped from this start

    def with_b(value):
        return np.array([expected[0], value])

    assert_band(lambda a: checks.check_swapped_start(a), expected[1], 0.0, 1e-3, capsys, wrap=with_b)


def test_far_log_responsibility_band(capsys):
    log_a = math.log(0.5) + stats.norm.logpdf(400.0, 10.0, 8.0)
    log_b = math.log(0.5) + stats.norm.logpdf(400.0, 30.0, 8.0)
    expected = log_a - np.logaddexp(log_a, log_b)
    assert expected == pytest.approx(-118.75, abs=1e-9)
    assert_band(lambda a: checks.check_far_log_responsibility(a), expected, 1e-6, 1e-9, capsys)


# --- chapter 5 -----------------------------------------------------------------


def test_gmm_m_step_band(capsys):
    rng = np.random.default_rng(4)
    x = rng.normal(size=50)
    resp = rng.dirichlet([1.0, 1.0], size=50)
    nk = resp.sum(axis=0)
    weights = nk / 50
    means = resp.T @ x / nk
    sds = np.sqrt(np.sum(resp * (x[:, None] - means) ** 2, axis=0) / nk)

    def with_mean(value):
        return weights, np.array([value, means[1]]), sds

    assert_band(lambda a: checks.check_gmm_m_step(a, x, resp), means[0], 1e-5, 1e-9, capsys, wrap=with_mean)


@pytest.mark.parametrize("k, d", [(3, 2), (2, 1), (4, 3)])
def test_n_parameters_exact(k, d, capsys):
    expected = (k - 1) + k * d + k * d * (d + 1) // 2
    assert checks.check_n_parameters(expected, k, d)
    assert not checks.check_n_parameters(expected + 1, k, d)
    assert not checks.check_n_parameters(expected - 1, k, d)
    capsys.readouterr()


def test_bic_band(capsys):
    rng = np.random.default_rng(5)
    x = rng.normal(size=(60, 2))
    params = gmm.GMMParams([0.4, 0.6], [[-0.5, 0.0], [0.5, 0.2]], [np.eye(2), [[1.0, 0.3], [0.3, 1.5]]])
    log_like = np.sum(special.logsumexp(
        np.column_stack([np.log(w) + stats.multivariate_normal.logpdf(x, m, c)
                         for w, m, c in zip(params.weights, params.means, params.covariances)]), axis=1))
    expected = -2 * log_like + (1 + 4 + 6) * np.log(60)
    assert_band(lambda a: checks.check_bic(a, x, params), expected, 1e-6, 1e-9, capsys)
