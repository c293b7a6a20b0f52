"""Tests of emteach.checks."""

import numpy as np
import pytest

from emteach import checks


# --- Chapter 0 (the lead's) ----------------------------------------------------


def test_log_product_right_wrong_and_placeholder(capsys):
    p = [0.5, 0.2, 0.1]
    assert checks.check_log_product(np.log(0.5) + np.log(0.2) + np.log(0.1), p)
    assert capsys.readouterr().out.startswith(checks.PASS)
    assert not checks.check_log_product(0.5 * 0.2 * 0.1, p)
    out = capsys.readouterr().out
    assert out.startswith(checks.FAIL) and "sum of the logs" in out
    assert not checks.check_log_product(None, p)
    assert "No answer yet" in capsys.readouterr().out


def test_mixture_mean(capsys):
    assert checks.check_mixture_mean(0.2 * 1 + 0.3 * 2 + 0.5 * 3, [0.2, 0.3, 0.5], [1, 2, 3])
    assert not checks.check_mixture_mean(2.0, [0.2, 0.3, 0.5], [1, 2, 3])
    assert "weight" in capsys.readouterr().out


def test_log_sum_exp_explains_underflow(capsys):
    a = [-1000.0, -1001.0]
    assert checks.check_log_sum_exp(-1000.0 + np.log1p(np.exp(-1.0)), a)
    capsys.readouterr()
    with np.errstate(divide="ignore"):
        naive = np.log(np.exp(-1000.0) + np.exp(-1001.0))
    assert not checks.check_log_sum_exp(naive, a)
    assert "underflowed" in capsys.readouterr().out


@pytest.mark.parametrize("answer", ["abc", [1.0, 2.0], object(), float("nan")])
def test_checkers_never_raise_on_odd_answers(answer, capsys):
    assert not checks.check_close(answer, 1.0)
    assert capsys.readouterr().out.startswith(checks.FAIL)


def test_check_close_reports_long_arrays_in_one_line(capsys):
    expected = np.arange(6.0)
    assert checks.check_close(expected.copy(), expected, name="heights")
    assert capsys.readouterr().out == f"{checks.PASS} Correct: all 6 entries of heights match.\n"
    wrong = expected.copy()
    wrong[[2, 4]] += 1.0
    assert not checks.check_close(wrong, expected, name="heights")
    assert "2 of 6 entries of heights differ; entry 2 is 3, expected 2." in capsys.readouterr().out
    assert not checks.check_close([1.0, 2.0], [1.0, 2.5], name="pair")
    assert "you gave pair = [1., 2.]" in capsys.readouterr().out
    assert not checks.check_close([1.0, 2.0], expected, name="heights")
    assert "as an array of shape (6,), got shape (2,)" in capsys.readouterr().out


def test_verdict_is_a_bool_that_displays_nothing():
    assert checks.Verdict(True) and not checks.Verdict(False)
    assert repr(checks.Verdict(False)) == "Verdict(passed=False)"
    assert checks.Verdict(True)._ipython_display_() is None


# --- Chapters 0-3 ------------------------------------------------------------


def _said(capsys, mark):
    out = capsys.readouterr().out
    assert out.startswith(mark), out
    assert out.count("\n") == 1, out
    return out


@pytest.fixture
def sample():
    return np.random.default_rng(7).normal(3.0, 2.0, size=500)


def test_bin_count(capsys, sample):
    import math

    sturges = math.ceil(math.log2(sample.size)) + 1
    assert checks.check_bin_count(sturges, sample, "sturges")
    _said(capsys, checks.PASS)
    assert not checks.check_bin_count(sturges + 1, sample, "sturges")
    assert "log2" in _said(capsys, checks.FAIL)
    q75, q25 = np.percentile(sample, [75, 25])
    fd = math.ceil(np.ptp(sample) / (2 * (q75 - q25) * sample.size ** (-1 / 3)))
    assert checks.check_bin_count(fd, sample, "fd")
    _said(capsys, checks.PASS)
    assert not checks.check_bin_count("many", sample, "fd")
    _said(capsys, checks.FAIL)
    assert not checks.check_bin_count(None, sample, "scott")
    assert "No answer yet" in capsys.readouterr().out
    assert not checks.check_bin_count(10, sample, "rice")
    assert "Unknown rule 'rice'" in _said(capsys, checks.FAIL)


def test_density_heights(capsys, sample):
    counts, edges = np.histogram(sample, bins=12)
    assert checks.check_density_heights(counts / (sample.size * np.diff(edges)), sample, 12)
    _said(capsys, checks.PASS)
    assert not checks.check_density_heights(counts / sample.size, sample, 12)
    assert "bin width" in _said(capsys, checks.FAIL)
    assert not checks.check_density_heights(counts / np.diff(edges), sample, 12)
    assert "number of points" in _said(capsys, checks.FAIL)
    assert not checks.check_density_heights(counts[:5], sample, 12)
    assert "shape" in _said(capsys, checks.FAIL)
    assert not checks.check_density_heights(None, sample, 12)
    assert "No answer yet" in capsys.readouterr().out


def test_kde_at(capsys, sample):
    from scipy.stats import norm

    right = float(np.mean(norm.pdf(3.0, loc=sample, scale=0.5)))
    assert checks.check_kde_at(right, sample, 3.0, 0.5)
    _said(capsys, checks.PASS)
    assert not checks.check_kde_at(float(np.sum(norm.pdf(3.0, loc=sample, scale=0.5))), sample, 3.0, 0.5)
    assert "average" in _said(capsys, checks.FAIL)
    assert not checks.check_kde_at(None, sample, 3.0, 0.5)
    assert "No answer yet" in capsys.readouterr().out


def test_log_likelihood(capsys, sample):
    from scipy.stats import norm

    right = float(np.sum(norm.logpdf(sample, 3.0, 2.0)))
    assert checks.check_log_likelihood(right, sample, 3.0, 2.0)
    _said(capsys, checks.PASS)
    assert not checks.check_log_likelihood(-right, sample, 3.0, 2.0)
    assert "sign" in _said(capsys, checks.FAIL)
    assert not checks.check_log_likelihood(float(np.prod(norm.pdf(sample, 3.0, 2.0))), sample, 3.0, 2.0)
    _said(capsys, checks.FAIL)
    assert not checks.check_log_likelihood(None, sample, 3.0, 2.0)
    assert "No answer yet" in capsys.readouterr().out


def test_gaussian_mle(capsys, sample):
    assert checks.check_gaussian_mle((sample.mean(), sample.std()), sample)
    _said(capsys, checks.PASS)
    assert not checks.check_gaussian_mle((sample.mean(), sample.std(ddof=1)), sample)
    assert "n - 1" in _said(capsys, checks.FAIL)
    assert not checks.check_gaussian_mle((sample.mean(), sample.var()), sample)
    assert "variance" in _said(capsys, checks.FAIL)
    assert not checks.check_gaussian_mle(sample.mean(), sample)
    assert "shape" in _said(capsys, checks.FAIL)
    assert not checks.check_gaussian_mle(None, sample)
    assert "No answer yet" in capsys.readouterr().out


def test_unbiased_variance(capsys, sample):
    assert checks.check_unbiased_variance(sample.var(ddof=1), sample)
    _said(capsys, checks.PASS)
    assert not checks.check_unbiased_variance(sample.var(), sample)
    assert "divide by n - 1" in _said(capsys, checks.FAIL)
    assert not checks.check_unbiased_variance(sample.std(ddof=1), sample)
    assert "standard deviation" in _said(capsys, checks.FAIL)
    assert not checks.check_unbiased_variance(1.0, [2.0])
    assert "at least 2 points" in _said(capsys, checks.FAIL)
    assert not checks.check_unbiased_variance(None, sample)
    assert "No answer yet" in capsys.readouterr().out


def test_bernoulli_mle(capsys):
    heads = [5, 9, 8, 4, 7]
    assert checks.check_bernoulli_mle(33 / 50, heads, 10)
    _said(capsys, checks.PASS)
    assert not checks.check_bernoulli_mle(17 / 50, heads, 10)
    assert "tails" in _said(capsys, checks.FAIL)
    assert not checks.check_bernoulli_mle(np.mean([0.5, 0.9, 0.8, 0.4]), heads, 10)
    _said(capsys, checks.FAIL)
    assert not checks.check_bernoulli_mle(None, heads, 10)
    assert "No answer yet" in capsys.readouterr().out


def test_complete_data_mle(capsys):
    x = np.array([1.0, 2.0, 3.0, 10.0, 12.0, 11.0, 13.0])
    z = np.array([0, 0, 0, 1, 1, 1, 1])
    right = ([3 / 7, 4 / 7], [2.0, 11.5], [np.std([1.0, 2, 3]), np.std([10.0, 12, 11, 13])])
    assert checks.check_complete_data_mle(right, x, z)
    _said(capsys, checks.PASS)
    assert not checks.check_complete_data_mle(([0.5, 0.5], right[1], right[2]), x, z)
    out = _said(capsys, checks.FAIL)
    assert "weights" in out and "means" not in out.split("Hint")[0]
    assert not checks.check_complete_data_mle((right[0], right[1], [1.0, 1.29]), x, z)
    assert "sds" in _said(capsys, checks.FAIL)
    assert not checks.check_complete_data_mle({"weights": 1}, x, z)
    assert "Expected (weights, means, sds)" in _said(capsys, checks.FAIL)
    assert not checks.check_complete_data_mle(None, x, z)
    assert "No answer yet" in capsys.readouterr().out


def test_responsibilities(capsys):
    from scipy.stats import norm

    weights, means, sds = [1 / 3, 2 / 3], [20.0, 40.0], [5.0, 5.0]
    x = np.array([10.0, 29.0, 30.0, 31.0, 55.0])
    joint = np.column_stack([w * norm.pdf(x, m, s) for w, m, s in zip(weights, means, sds)])
    right = joint / joint.sum(axis=1, keepdims=True)
    assert checks.check_responsibilities(right, x, weights, means, sds)
    _said(capsys, checks.PASS)
    assert checks.check_responsibilities(right[2], 30.0, weights, means, sds)
    _said(capsys, checks.PASS)
    assert not checks.check_responsibilities(joint, x, weights, means, sds)
    assert "add up to 1" in _said(capsys, checks.FAIL)
    assert not checks.check_responsibilities(right[:, ::-1], x, weights, means, sds)
    assert "of 10 entries of responsibilities differ" in _said(capsys, checks.FAIL)
    assert not checks.check_responsibilities(right[:3], x, weights, means, sds)
    assert "shape (5, 2)" in _said(capsys, checks.FAIL)
    assert not checks.check_responsibilities(None, x, weights, means, sds)
    assert "No answer yet" in capsys.readouterr().out


def test_ambiguous_fraction(capsys):
    from emteach import gmm

    weights, means, sds = [1 / 3, 2 / 3], [20.0, 40.0], [5.0, 5.0]
    x = np.linspace(0.0, 60.0, 601)
    resp, _ = gmm.e_step(x, gmm.GMMParams.from_1d(weights, means, sds))
    right = float(np.mean(resp.max(axis=1) < 0.9))
    assert 0.0 < right < 0.5
    assert checks.check_ambiguous_fraction(right, x, weights, means, sds)
    _said(capsys, checks.PASS)
    assert not checks.check_ambiguous_fraction(100 * right, x, weights, means, sds)
    assert "percentage" in _said(capsys, checks.FAIL)
    assert not checks.check_ambiguous_fraction(1 - right, x, weights, means, sds)
    assert "unambiguous" in _said(capsys, checks.FAIL)
    assert not checks.check_ambiguous_fraction(right + 0.01, x, weights, means, sds)
    _said(capsys, checks.FAIL)
    assert not checks.check_ambiguous_fraction(None, x, weights, means, sds)
    assert "No answer yet" in capsys.readouterr().out


def test_mixture_log_likelihood(capsys):
    from scipy.stats import norm

    weights, means, sds = [1 / 3, 2 / 3], [20.0, 40.0], [5.0, 5.0]
    x = np.array([10.0, 29.0, 30.0, 31.0, 55.0])
    right = float(np.sum(np.log(sum(w * norm.pdf(x, m, s) for w, m, s in zip(weights, means, sds)))))
    assert checks.check_mixture_log_likelihood(right, x, weights, means, sds)
    _said(capsys, checks.PASS)
    one_gaussian = float(np.sum(norm.logpdf(x, 30.0, 10.0)))
    assert not checks.check_mixture_log_likelihood(one_gaussian, x, weights, means, sds)
    assert "log-sum-exp" in _said(capsys, checks.FAIL)
    assert not checks.check_mixture_log_likelihood(None, x, weights, means, sds)
    assert "No answer yet" in capsys.readouterr().out


# --- Chapters 4-5 ------------------------------------------------------------

COIN_HEADS = np.array([5, 9, 8, 4, 7])


def _one_line(capsys, mark):
    """The single feedback line a checker printed, which must start with ``mark``."""
    out = capsys.readouterr().out
    assert out.startswith(mark), out
    assert out.count("\n") == 1, out
    return out


def _naive_coin_resp(theta, heads=COIN_HEADS, n_tosses=10):
    """Responsibilities of the two coins by Bayes' rule, in plain probability space."""
    theta = np.asarray(theta, dtype=float)
    like = theta ** heads[:, None] * (1 - theta) ** (n_tosses - heads[:, None])
    return like / like.sum(axis=1, keepdims=True)


def _naive_coin_em(theta, n_iter, heads=COIN_HEADS, n_tosses=10):
    """EM for the coins written out with loops over nothing but NumPy arithmetic."""
    theta = np.asarray(theta, dtype=float)
    for _ in range(n_iter):
        resp = _naive_coin_resp(theta, heads, n_tosses)
        theta = (resp * heads[:, None]).sum(axis=0) / (resp * n_tosses).sum(axis=0)
    return theta


def test_coin_responsibility(capsys):
    like_a, like_b = 0.6**9 * 0.4, 0.5**10
    right = like_a / (like_a + like_b)
    assert checks.check_coin_responsibility(right)
    _one_line(capsys, checks.PASS)
    assert checks.check_coin_responsibility(round(right, 3))  # three decimals are enough
    _one_line(capsys, checks.PASS)
    assert not checks.check_coin_responsibility(1 - right)
    assert "coin B" in _one_line(capsys, checks.FAIL)
    assert not checks.check_coin_responsibility(like_a)
    assert "likelihood alone" in _one_line(capsys, checks.FAIL)
    assert not checks.check_coin_responsibility(0.5)
    assert "Bayes" in _one_line(capsys, checks.FAIL)
    assert not checks.check_coin_responsibility(None)
    assert "No answer yet" in capsys.readouterr().out
    other = _naive_coin_resp([0.8, 0.45])[3, 0]
    assert checks.check_coin_responsibility(other, set_index=3, theta=(0.8, 0.45))
    _one_line(capsys, checks.PASS)


def test_coins_second_iteration(capsys):
    assert checks.check_coins_second_iteration(_naive_coin_em([0.6, 0.5], 2))
    _one_line(capsys, checks.PASS)
    assert checks.check_coins_second_iteration([0.745, 0.569])  # as printed, to three decimals
    _one_line(capsys, checks.PASS)
    assert not checks.check_coins_second_iteration(_naive_coin_em([0.6, 0.5], 1))
    assert "first iteration" in _one_line(capsys, checks.FAIL)
    assert not checks.check_coins_second_iteration([0.8, 0.52])
    assert "Hint" in _one_line(capsys, checks.FAIL)
    assert not checks.check_coins_second_iteration(0.745)
    assert "shape (2,)" in _one_line(capsys, checks.FAIL)
    assert not checks.check_coins_second_iteration(None)
    assert "No answer yet" in capsys.readouterr().out


def test_em_gap(capsys):
    q0 = _naive_coin_resp([0.6, 0.5])
    theta1 = _naive_coin_em([0.6, 0.5], 1)
    kl = np.sum(q0 * np.log(q0 / _naive_coin_resp(theta1)))
    assert checks.check_em_gap(kl)
    _one_line(capsys, checks.PASS)
    assert not checks.check_em_gap(-kl)
    assert "never negative" in _one_line(capsys, checks.FAIL)
    assert not checks.check_em_gap(2 * kl)
    _one_line(capsys, checks.FAIL)
    assert not checks.check_em_gap(None)
    assert "No answer yet" in capsys.readouterr().out


def test_swapped_start(capsys):
    ended = _naive_coin_em([0.3, 0.7], 50)
    assert ended[0] < ended[1]  # from this start coin A is the tails-leaning coin
    assert checks.check_swapped_start(ended)
    _one_line(capsys, checks.PASS)
    assert not checks.check_swapped_start(ended[::-1])
    assert "swapped" in _one_line(capsys, checks.FAIL)
    assert not checks.check_swapped_start([0.3, 0.7])
    _one_line(capsys, checks.FAIL)
    assert not checks.check_swapped_start(None)
    assert "No answer yet" in capsys.readouterr().out


def test_far_log_responsibility(capsys):
    # Equal weights and sds: log r_0 = -((400 - 10)^2 - (400 - 30)^2) / (2 * 8^2) - log(1 + e^-that),
    # and e^-118.75 is far below double precision next to 1, so the answer is -118.75.
    right = -(390.0**2 - 370.0**2) / (2 * 64.0)
    assert right == -118.75
    assert checks.check_far_log_responsibility(right)
    _one_line(capsys, checks.PASS)
    assert not checks.check_far_log_responsibility(float("nan"))
    assert "0 / 0" in _one_line(capsys, checks.FAIL)
    assert not checks.check_far_log_responsibility(0.0)
    assert "underflowed" in _one_line(capsys, checks.FAIL)
    assert not checks.check_far_log_responsibility(np.exp(right))
    assert "its (natural) logarithm" in _one_line(capsys, checks.FAIL)
    assert not checks.check_far_log_responsibility(right / np.log(10.0))
    assert "base-10" in _one_line(capsys, checks.FAIL)
    assert not checks.check_far_log_responsibility(-80.0)
    assert "Hint" in _one_line(capsys, checks.FAIL)
    assert not checks.check_far_log_responsibility(None)
    assert "No answer yet" in capsys.readouterr().out


@pytest.fixture
def one_step():
    """A small 1-D data set, responsibilities, and the M-step written out naively."""
    rng = np.random.default_rng(11)
    x = np.concatenate([rng.normal(0.0, 1.0, 60), rng.normal(5.0, 2.0, 90)])
    logits = rng.normal(size=(x.size, 2))
    resp = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    nk = resp.sum(axis=0)
    means = np.array([np.sum(resp[:, k] * x) / nk[k] for k in range(2)])
    sds = np.array([np.sqrt(np.sum(resp[:, k] * (x - means[k]) ** 2) / nk[k]) for k in range(2)])
    return x, resp, (nk / x.size, means, sds)


def test_gmm_m_step(capsys, one_step):
    x, resp, (weights, means, sds) = one_step
    assert checks.check_gmm_m_step((weights, means, sds), x, resp)
    _one_line(capsys, checks.PASS)
    assert not checks.check_gmm_m_step((weights * x.size, means, sds), x, resp)
    assert "effective counts" in _one_line(capsys, checks.FAIL)
    assert not checks.check_gmm_m_step((weights, means, sds**2), x, resp)
    assert "variances" in _one_line(capsys, checks.FAIL)
    assert not checks.check_gmm_m_step((weights, means + 0.1, sds), x, resp)
    assert "check your means" in _one_line(capsys, checks.FAIL)
    assert not checks.check_gmm_m_step(3.0, x, resp)
    assert "tuple (weights, means, sds)" in _one_line(capsys, checks.FAIL)
    assert not checks.check_gmm_m_step(("a", "b", "c"), x, resp)
    _one_line(capsys, checks.FAIL)
    assert not checks.check_gmm_m_step(None, x, resp)
    assert "No answer yet" in capsys.readouterr().out


def test_n_parameters(capsys):
    assert checks.check_n_parameters(2 + 6 + 9, n_components=3, n_features=2)
    _one_line(capsys, checks.PASS)
    assert checks.check_n_parameters(1 + 2 + 2, n_components=2, n_features=1)
    _one_line(capsys, checks.PASS)
    assert not checks.check_n_parameters(18, n_components=3, n_features=2)
    assert "weights sum to one" in _one_line(capsys, checks.FAIL)
    assert not checks.check_n_parameters(20, n_components=3, n_features=2)
    assert "symmetric" in _one_line(capsys, checks.FAIL)
    assert not checks.check_n_parameters(12, n_components=3, n_features=2)
    _one_line(capsys, checks.FAIL)
    assert not checks.check_n_parameters(None)
    assert "No answer yet" in capsys.readouterr().out


def test_bic(capsys):
    from scipy.special import logsumexp
    from scipy.stats import multivariate_normal

    from emteach import gmm

    rng = np.random.default_rng(2)
    # 110 points: with n = 100, log10(n) = 2 and a log10 slip would look exactly like the AIC.
    x = np.vstack([rng.normal([0, 0], 1.0, (40, 2)), rng.normal([4, 1], 0.7, (70, 2))])
    params = gmm.GMMParams([0.4, 0.6], [[0.0, 0.0], [4.0, 1.0]], [np.eye(2), 0.5 * np.eye(2)])
    log_joint = np.column_stack([np.log(w) + multivariate_normal(m, c).logpdf(x)
                                 for w, m, c in zip(params.weights, params.means, params.covariances)])
    log_lik = logsumexp(log_joint, axis=1).sum()
    p = 1 + 4 + 6
    assert checks.check_bic(-2 * log_lik + p * np.log(len(x)), x, params)
    _one_line(capsys, checks.PASS)
    assert not checks.check_bic(-2 * log_lik + 2 * p, x, params)
    assert "AIC" in _one_line(capsys, checks.FAIL)
    assert not checks.check_bic(-2 * log_lik + p * np.log10(len(x)), x, params)
    assert "log10" in _one_line(capsys, checks.FAIL)
    assert not checks.check_bic(2 * log_lik - p * np.log(len(x)), x, params)
    assert "sign" in _one_line(capsys, checks.FAIL)
    assert not checks.check_bic(-2 * log_lik, x, params)
    _one_line(capsys, checks.FAIL)
    assert not checks.check_bic(None, x, params)
    assert "No answer yet" in capsys.readouterr().out


@pytest.mark.parametrize("answer", ["abc", [1.0, 2.0, 3.0], object(), float("nan"), {"a": 1}])
def test_chapter_4_5_checkers_never_raise_on_odd_answers(answer, capsys, one_step):
    from emteach import data, gmm

    faithful = data.old_faithful()
    params = gmm.GMMParams([0.5, 0.5], [[2.0, 55.0], [4.3, 80.0]], [np.diag([0.1, 30.0])] * 2)
    x, resp, _ = one_step
    calls = [
        lambda: checks.check_coin_responsibility(answer),
        lambda: checks.check_coins_second_iteration(answer),
        lambda: checks.check_em_gap(answer),
        lambda: checks.check_swapped_start(answer),
        lambda: checks.check_far_log_responsibility(answer),
        lambda: checks.check_gmm_m_step(answer, x, resp),
        lambda: checks.check_n_parameters(answer),
        lambda: checks.check_bic(answer, faithful, params),
    ]
    for call in calls:
        assert not call()
        _one_line(capsys, checks.FAIL)
