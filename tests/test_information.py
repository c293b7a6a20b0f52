"""Tests for emteach.information: Louis's observed information and standard errors."""

import numpy as np
import pytest

from emteach import gmm, information, linkage
from emteach.data import linkage_counts


def linkage_log_likelihood(pi, counts):
    y1, y2, y3, y4 = counts
    return y1 * np.log(2 + pi) + (y2 + y3) * np.log(1 - pi) + y4 * np.log(pi)


def central_second_derivative(f, t, h=1e-5):
    return (f(t + h) - 2 * f(t) + f(t - h)) / h**2


def test_linkage_louis_equals_minus_second_derivative():
    counts = linkage_counts()
    for pi in (0.2, 0.5, linkage.mle(counts), 0.9):
        info = information.linkage_information(pi, counts)
        expected = -central_second_derivative(lambda t: linkage_log_likelihood(t, counts), pi)
        assert info.observed[0, 0] == pytest.approx(expected, rel=1e-5)


def test_linkage_standard_error_and_rate():
    counts = linkage_counts()
    pi = linkage.mle(counts)
    info = information.linkage_information(pi, counts)
    expected_se = 1.0 / np.sqrt(-central_second_derivative(lambda t: linkage_log_likelihood(t, counts), pi))
    assert information.standard_errors(info)[0] == pytest.approx(expected_se, rel=1e-5)
    # The rate DLR report: the ratio of successive EM errors.
    path = linkage.fit(counts, 0.5, max_iter=8).history
    ratios = np.diff(path)[1:] / np.diff(path)[:-1]
    assert information.missing_fraction(info) == pytest.approx(ratios[-1], abs=1e-4)


@pytest.fixture(scope="module")
def mixture_fit():
    truth = gmm.GMMParams.from_1d([0.35, 0.65], [0.0, 3.0], [1.0, 0.8])
    x = gmm.sample(truth, 400, seed=2)[0][:, 0]
    fit = gmm.fit(x, 2, seed=0, tol=1e-14, max_iter=5000, reg_covar=0.0)
    return x, fit.params


def test_mixture_information_matches_numerical_hessian(mixture_fit):
    x, params = mixture_fit
    info = information.mixture_information(x, params)
    theta = information.mixture_flat(params)

    def f(t):  # independent of the module: the mixture log-likelihood written out
        k = 2
        w = np.append(t[:k - 1], 1 - t[:k - 1].sum())
        m, s = t[k - 1:2 * k - 1], t[2 * k - 1:]
        dens = sum(w[j] * np.exp(-0.5 * ((x - m[j]) / s[j]) ** 2) / (s[j] * np.sqrt(2 * np.pi)) for j in range(k))
        return np.log(dens).sum()

    hessian = information.numerical_hessian(f, theta, step=1e-4)
    np.testing.assert_allclose(info.observed, -hessian, rtol=2e-4, atol=2e-3 * np.abs(hessian).max() * 1e-2)
    np.testing.assert_allclose(info.observed, info.observed.T, atol=1e-9)
    assert np.all(np.linalg.eigvalsh(info.missing) >= -1e-8)
    assert 0 < information.missing_fraction(info) < 1


def test_mixture_information_away_from_the_maximum(mixture_fit):
    x, _ = mixture_fit
    params = gmm.GMMParams.from_1d([0.5, 0.5], [0.5, 2.5], [1.3, 1.1])
    info = information.mixture_information(x, params)
    hessian = information.numerical_hessian(
        lambda t: information.mixture_flat_log_likelihood(t, x), information.mixture_flat(params))
    np.testing.assert_allclose(info.observed, -hessian, rtol=1e-3, atol=1e-2)


def test_numerical_hessian_of_a_quadratic():
    a = np.array([[3.0, 1.0, 0.0], [1.0, 2.0, -0.5], [0.0, -0.5, 4.0]])
    hessian = information.numerical_hessian(lambda t: 0.5 * t @ a @ t + t.sum(), np.array([0.3, -1.0, 2.0]))
    np.testing.assert_allclose(hessian, a, rtol=1e-6)


def test_flat_round_trip():
    params = gmm.GMMParams.from_1d([0.2, 0.3, 0.5], [0.0, 1.0, 2.0], [1.0, 0.5, 2.0])
    back = information.mixture_from_flat(information.mixture_flat(params))
    np.testing.assert_allclose(back.weights, params.weights)
    np.testing.assert_allclose(back.covariances, params.covariances)


def test_errors():
    counts = linkage_counts()
    with pytest.raises(ValueError, match="pi"):
        information.linkage_information(1.5, counts)
    with pytest.raises(ValueError, match="Information record"):
        information.standard_errors(np.eye(2))
    bad = information.Information(np.eye(1), 2 * np.eye(1), -np.eye(1))
    with pytest.raises(ValueError, match="positive definite"):
        information.standard_errors(bad)
    with pytest.raises(ValueError, match="one-dimensional"):
        information.mixture_information(np.zeros((5, 2)), gmm.GMMParams.from_1d([1.0], [0.0], [1.0]))
    with pytest.raises(ValueError, match="length 3 k - 1"):
        information.mixture_from_flat([0.5, 1.0, 2.0])
