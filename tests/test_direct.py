"""Tests for emteach.direct: the mixture log-likelihood maximised by L-BFGS, and EM's timed path."""

import numpy as np
import pytest
from scipy import stats

from emteach import direct, gmm


def reference_log_likelihood(theta, x):
    """Straight from the definition with scipy's normal density (independent of the module)."""
    k = (len(theta) + 1) // 3
    logits = np.append(theta[:k - 1], 0.0)
    weights = np.exp(logits) / np.exp(logits).sum()
    means, sds = theta[k - 1:2 * k - 1], np.exp(theta[2 * k - 1:])
    return float(np.log(sum(w * stats.norm(m, s).pdf(x) for w, m, s in zip(weights, means, sds))).sum())


@pytest.fixture(scope="module")
def problem():
    return direct.comparison_problem(3.0, n_samples=400, seed=1)


def test_pack_unpack_round_trip():
    params = gmm.GMMParams.from_1d([0.2, 0.3, 0.5], [-1.0, 0.0, 4.0], [0.5, 1.0, 2.0])
    back = direct.unpack(direct.pack(params))
    np.testing.assert_allclose(back.weights, params.weights, rtol=1e-12)
    np.testing.assert_allclose(back.means, params.means)
    np.testing.assert_allclose(back.covariances, params.covariances, rtol=1e-12)


def test_value_and_gradient_against_references(problem):
    x, init = problem
    theta = direct.pack(init) + np.array([0.3, 0.1, -0.2, 0.05, -0.1])
    value, gradient = direct.log_likelihood_and_gradient(theta, x)
    assert value == pytest.approx(reference_log_likelihood(theta, x), rel=1e-12)
    assert value == pytest.approx(gmm.log_likelihood(x, direct.unpack(theta)), rel=1e-12)
    h = 1e-6
    numeric = [(reference_log_likelihood(theta + h * e, x) - reference_log_likelihood(theta - h * e, x)) / (2 * h)
               for e in np.eye(theta.size)]
    np.testing.assert_allclose(gradient, numeric, rtol=1e-5, atol=1e-4)


def test_lbfgs_and_em_reach_the_same_maximum(problem):
    x, init = problem
    quasi = direct.lbfgs(x, init)
    em_path = direct.em(x, init, max_iter=2000, tol=1e-13)
    assert quasi.log_likelihoods[-1] == pytest.approx(em_path.log_likelihoods[-1], abs=1e-6)
    order_q, order_e = np.argsort(quasi.params.means[:, 0]), np.argsort(em_path.params.means[:, 0])
    np.testing.assert_allclose(quasi.params.means[order_q], em_path.params.means[order_e], atol=1e-4)
    # EM's path never goes down; L-BFGS's recorded path neither (it only accepts improving steps).
    assert np.all(np.diff(em_path.log_likelihoods) >= -1e-9)
    assert np.all(np.diff(quasi.log_likelihoods) >= -1e-9)
    assert quasi.n_evaluations >= quasi.n_iter
    assert em_path.seconds.shape == em_path.log_likelihoods.shape
    assert np.all(np.diff(em_path.seconds) >= 0)


def test_em_path_matches_gmm_fit(problem):
    x, init = problem
    path = direct.em(x, init, max_iter=25)
    reference = gmm.fit(x, 2, init=init, tol=0.0, max_iter=25, reg_covar=0.0)
    np.testing.assert_allclose(path.log_likelihoods, reference.log_likelihoods, rtol=1e-12)


def test_iterations_to_gap():
    path = [-10.0, -5.0, -1.0, -0.5, -0.4]
    assert direct.iterations_to_gap(path, -0.4, 0.55) == 3
    assert direct.iterations_to_gap(path, -0.4, 1e-9) == 4
    assert direct.iterations_to_gap(path, 0.0, 0.1) == -1


def test_comparison_problem_is_deterministic():
    a, ia = direct.comparison_problem(2.0)
    b, ib = direct.comparison_problem(2.0)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(ia.means, ib.means)
    assert a.shape == (1000,)


def test_errors():
    with pytest.raises(ValueError, match="length 3 k - 1"):
        direct.unpack([0.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="one-dimensional mixture"):
        direct.pack(gmm.GMMParams([1.0], [[0.0, 0.0]], [np.eye(2)]))
    with pytest.raises(ValueError, match="every weight > 0"):
        direct.pack(gmm.GMMParams.from_1d([1.0, 0.0], [0.0, 1.0], [1.0, 1.0]))
    with pytest.raises(ValueError, match="one-dimensional data"):
        direct.lbfgs(np.zeros((4, 2)), gmm.GMMParams.from_1d([1.0], [0.0], [1.0]))
    with pytest.raises(ValueError, match="gap > 0"):
        direct.iterations_to_gap([0.0], 0.0, 0.0)
