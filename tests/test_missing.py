"""Tests for emteach.missing."""

import warnings

import numpy as np
import pytest
from scipy import optimize, stats

from emteach import missing
from emteach.gmm import ConvergenceWarning


# ---------------------------------------------------------------------------
# References
# ---------------------------------------------------------------------------

def scipy_observed_log_likelihood(x, mean, covariance):
    """Sum of scipy's marginal log-densities of each row's observed entries."""
    total = 0.0
    seen_patterns = ~np.isnan(x)
    for seen in np.unique(seen_patterns, axis=0):
        if seen.any():
            rows = x[np.all(seen_patterns == seen, axis=1)][:, seen]
            marginal = stats.multivariate_normal(mean[seen], covariance[np.ix_(seen, seen)])
            total += np.sum(marginal.logpdf(rows))
    return total


def unpack(theta, d):
    """Mean and covariance from an unconstrained vector (Cholesky with log-diagonal)."""
    mean = theta[:d]
    lower = np.zeros((d, d))
    lower[np.tril_indices(d)] = theta[d:]
    lower[np.diag_indices(d)] = np.exp(lower[np.diag_indices(d)])
    return mean, lower @ lower.T


def direct_maximum(x):
    """Maximise the observed-data log-likelihood numerically (no EM)."""
    d = x.shape[1]
    start = np.concatenate([np.nanmean(x, axis=0), np.zeros(d * (d + 1) // 2)])
    result = optimize.minimize(
        lambda theta: -scipy_observed_log_likelihood(x, *unpack(theta, d)),
        start, method="BFGS", options={"gtol": 1e-9, "maxiter": 2000},
    )
    return (*unpack(result.x, d), -result.fun)


def with_holes(n, d, fraction, seed):
    rng = np.random.default_rng(seed)
    factor = rng.normal(size=(d, d))
    x = rng.normal(size=(n, d)) @ factor.T + rng.normal(size=d)
    holes = rng.random((n, d)) < fraction
    holes[np.arange(n), rng.integers(0, d, n)] = False  # keep one value per row
    x[holes] = np.nan
    return x


@pytest.fixture(scope="module")
def small():
    return with_holes(14, 2, 0.3, seed=0)


# ---------------------------------------------------------------------------
# The fit
# ---------------------------------------------------------------------------

def test_complete_data_give_sample_moments():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(50, 3)) @ np.array([[1.0, 0.0, 0.0], [0.5, 1.0, 0.0], [0.2, -0.3, 2.0]])
    result = missing.fit(x)
    np.testing.assert_allclose(result.mean, x.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(result.covariance, np.cov(x.T, bias=True), rtol=1e-12)
    assert result.converged and result.n_iter == 2
    assert result.log_likelihoods[-1] == pytest.approx(
        stats.multivariate_normal(x.mean(axis=0), np.cov(x.T, bias=True)).logpdf(x).sum())


def test_matches_direct_numerical_maximisation(small):
    result = missing.fit(small, max_iter=5000, tol=1e-13)
    mean, covariance, best = direct_maximum(small)
    np.testing.assert_allclose(result.mean, mean, atol=1e-4)
    np.testing.assert_allclose(result.covariance, covariance, atol=1e-4)
    assert result.log_likelihoods[-1] == pytest.approx(best, abs=1e-7)
    assert result.log_likelihoods[-1] >= best - 1e-9


def test_monotone_pattern_has_the_closed_form_answer():
    # Column 0 always seen, column 1 missing in some rows: the likelihood
    # factorises into column 0's marginal (all rows) and the regression of
    # column 1 on column 0 (complete rows), whose maxima are known.
    rng = np.random.default_rng(2)
    x = rng.multivariate_normal([1.0, -2.0], [[2.0, 1.2], [1.2, 1.5]], size=40)
    x[rng.random(40) < 0.4, 1] = np.nan
    complete = x[~np.isnan(x[:, 1])]
    mu1, s11 = x[:, 0].mean(), x[:, 0].var()
    c = np.cov(complete.T, bias=True)
    slope = c[0, 1] / c[0, 0]
    residual = c[1, 1] - c[0, 1] ** 2 / c[0, 0]
    mu2 = complete[:, 1].mean() + slope * (mu1 - complete[:, 0].mean())
    expected_cov = [[s11, slope * s11], [slope * s11, residual + slope**2 * s11]]
    result = missing.fit(x, max_iter=5000, tol=1e-14)
    np.testing.assert_allclose(result.mean, [mu1, mu2], atol=1e-9)
    np.testing.assert_allclose(result.covariance, expected_cov, atol=1e-9)


def test_log_likelihood_never_falls_and_entry_zero_is_the_start():
    x = with_holes(60, 3, 0.35, seed=3)
    result = missing.fit(x, max_iter=40, tol=0.0)
    assert result.n_iter == 40 and not result.converged
    assert np.all(np.diff(result.log_likelihoods) >= -1e-10)
    start_mean = np.nanmean(x, axis=0)
    start_cov = np.diag(np.nanvar(x, axis=0))
    assert result.log_likelihoods[0] == pytest.approx(
        scipy_observed_log_likelihood(x, start_mean, start_cov))
    assert result.log_likelihoods[-1] == pytest.approx(
        scipy_observed_log_likelihood(x, result.mean, result.covariance))


def test_one_em_step_by_hand(small):
    mean = np.array([0.5, -0.2])
    covariance = np.array([[1.5, 0.4], [0.4, 0.8]])
    filled, correction, total = missing.e_step(small, mean, covariance)
    expected_correction = np.zeros((2, 2))
    for row in small:
        for m, o in ((0, 1), (1, 0)):
            if np.isnan(row[m]):
                conditional = covariance[m, m] - covariance[m, o] ** 2 / covariance[o, o]
                expected_correction[m, m] += conditional
    np.testing.assert_allclose(correction, expected_correction)
    new_mean, new_cov = missing.m_step(filled, correction)
    np.testing.assert_allclose(new_mean, filled.mean(axis=0))
    np.testing.assert_allclose(new_cov, np.cov(filled.T, bias=True) + correction / len(small))
    result = missing.fit(small, max_iter=1, tol=0.0)
    assert total == pytest.approx(scipy_observed_log_likelihood(small, mean, covariance))
    assert result.n_iter == 1


def test_rows_with_nothing_observed_change_nothing():
    x = with_holes(30, 2, 0.2, seed=4)
    blank = np.vstack([x, np.full((3, 2), np.nan)])
    result = missing.fit(x, max_iter=3000, tol=1e-14)
    with_blank = missing.fit(blank, max_iter=3000, tol=1e-14)
    assert np.all(np.isfinite(with_blank.log_likelihoods))
    np.testing.assert_allclose(with_blank.mean, result.mean, atol=1e-7)
    np.testing.assert_allclose(with_blank.covariance, result.covariance, atol=1e-7)
    assert with_blank.log_likelihoods[-1] == pytest.approx(result.log_likelihoods[-1])


def test_one_column_is_the_univariate_mle():
    x = np.array([1.0, np.nan, 3.0, 4.0, np.nan, 10.0])
    result = missing.fit(x)
    seen = x[~np.isnan(x)]
    np.testing.assert_allclose(result.mean, [seen.mean()])
    np.testing.assert_allclose(result.covariance, [[seen.var()]])


def test_warns_when_not_converged():
    x = with_holes(40, 3, 0.5, seed=5)
    with pytest.warns(ConvergenceWarning, match="max_iter=2"):
        result = missing.fit(x, max_iter=2, tol=1e-14)
    assert not result.converged


def test_singular_covariance_needs_reg_covar():
    rng = np.random.default_rng(6)
    x = rng.normal(size=(20, 2))
    x = np.column_stack([x, x[:, 0] + x[:, 1]])
    with pytest.raises(ValueError, match="linear functions of others.*reg_covar"):
        missing.fit(x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = missing.fit(x, reg_covar=1e-6)
    assert np.all(np.isfinite(result.covariance))
    constant = np.column_stack([rng.normal(size=5), np.ones(5)])
    with pytest.raises(ValueError, match="constant over its observed values"):
        missing.fit(constant)


# ---------------------------------------------------------------------------
# Observed log-likelihood and imputation
# ---------------------------------------------------------------------------

def test_observed_log_likelihood_against_scipy_marginals():
    x = with_holes(25, 3, 0.3, seed=7)
    x[0] = np.nan  # a row with nothing seen contributes 0
    mean = np.array([0.1, -0.3, 0.5])
    covariance = np.array([[2.0, 0.3, -0.2], [0.3, 1.0, 0.4], [-0.2, 0.4, 1.5]])
    assert missing.observed_log_likelihood(x, mean, covariance) == pytest.approx(
        scipy_observed_log_likelihood(x, mean, covariance), rel=1e-12)


def test_impute_leaves_observed_values_alone_and_fills_conditional_means():
    x = with_holes(25, 3, 0.3, seed=8)
    mean = np.array([0.1, -0.3, 0.5])
    covariance = np.array([[2.0, 0.3, -0.2], [0.3, 1.0, 0.4], [-0.2, 0.4, 1.5]])
    filled = missing.impute(x, mean, covariance)
    seen = ~np.isnan(x)
    np.testing.assert_array_equal(filled[seen], x[seen])
    assert not np.any(np.isnan(filled))
    for row, out in zip(x, filled):
        m, o = np.isnan(row), ~np.isnan(row)
        if m.any():
            expected = mean[m] + covariance[np.ix_(m, o)] @ np.linalg.solve(
                covariance[np.ix_(o, o)], row[o] - mean[o])
            np.testing.assert_allclose(out[m], expected)
    assert np.isnan(x).any()  # the input is not modified


def test_conditional_mean_fill_in_understates_the_variance():
    # The reason for the correction: imputed values sit on the regression line.
    rng = np.random.default_rng(9)
    x = rng.multivariate_normal([0.0, 0.0], [[1.0, 0.6], [0.6, 1.0]], size=4000)
    x[rng.random(4000) < 0.5, 1] = np.nan
    result = missing.fit(x)
    filled = missing.impute(x, result.mean, result.covariance)
    assert np.var(filled[:, 1]) < 0.85 * result.covariance[1, 1]
    assert result.covariance[1, 1] == pytest.approx(1.0, abs=0.06)


# ---------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("x, message", [
    ([[1.0, np.nan], [2.0, np.nan], [3.0, np.nan]], "column 1 is all missing"),
    ([[1.0, 2.0], [np.inf, 1.0]], "infinite"),
    ([[1.0, 2.0]], "at least 2 rows"),
    (np.zeros((2, 2, 2)), "shape"),
    (np.zeros((0, 2)), "at least one value"),
])
def test_fit_rejects_bad_data(x, message):
    with pytest.raises(ValueError, match=message):
        missing.fit(x)


def test_fit_rejects_text_and_bad_settings():
    with pytest.raises(TypeError, match="real numbers"):
        missing.fit([["a", "b"], ["c", "d"]])
    with pytest.raises(ValueError, match="max_iter"):
        missing.fit([[1.0], [2.0]], max_iter=0)
    with pytest.raises(ValueError, match="tol >= 0"):
        missing.fit([[1.0], [2.0]], tol=-1.0)
    with pytest.raises(ValueError, match="reg_covar >= 0"):
        missing.fit([[1.0], [2.0]], reg_covar=-1.0)


@pytest.mark.parametrize("mean, covariance, message", [
    ([0.0], np.eye(2), r"mean of shape \(2,\)"),
    ([0.0, 0.0], np.eye(3), r"covariance of shape \(2, 2\)"),
    ([0.0, 0.0], [[1.0, 0.5], [0.0, 1.0]], "symmetric"),
    ([0.0, 0.0], [[1.0, 2.0], [2.0, 1.0]], "positive definite"),
    ([0.0, np.nan], np.eye(2), "finite"),
])
def test_moments_are_checked(mean, covariance, message):
    x = [[1.0, np.nan], [0.0, 2.0]]
    for function in (missing.impute, missing.observed_log_likelihood, missing.e_step):
        with pytest.raises(ValueError, match=message):
            function(x, mean, covariance)


def test_m_step_checks_shapes():
    with pytest.raises(ValueError, match=r"correction of shape \(2, 2\)"):
        missing.m_step(np.zeros((3, 2)), np.zeros((3, 3)))
    with pytest.raises(ValueError, match="finite"):
        missing.m_step([[np.nan, 1.0], [1.0, 2.0]], np.zeros((2, 2)))
