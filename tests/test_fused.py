"""emteach.fused: the compiled one-pass EM follows gmm.fit's path to rounding."""

import math
import warnings

import numpy as np
import pytest

from emteach import fused, gmm
from emteach.data import old_faithful, two_processes


def assert_same_fit(fast, slow, rtol=1e-9):
    assert fast.n_iter == slow.n_iter and fast.converged == slow.converged
    np.testing.assert_allclose(fast.log_likelihoods, slow.log_likelihoods, rtol=rtol)
    np.testing.assert_allclose(fast.params.weights, slow.params.weights, rtol=rtol, atol=1e-12)
    np.testing.assert_allclose(fast.params.means, slow.params.means, rtol=rtol, atol=1e-9)
    np.testing.assert_allclose(fast.params.covariances, slow.params.covariances, rtol=rtol,
                               atol=1e-9)


def test_article_data_same_path_as_gmm():
    x, _ = two_processes(seed=0)
    assert_same_fit(fused.fit(x, 2, seed=0), gmm.fit(x, 2, seed=0))


def test_old_faithful_three_starts_same_path():
    x = old_faithful()
    assert_same_fit(fused.fit(x, 3, n_init=3, seed=1), gmm.fit(x, 3, n_init=3, seed=1))


@pytest.mark.parametrize("n_features, n_components", [(1, 4), (3, 2), (7, 3)])
def test_random_mixtures_from_the_same_start(n_features, n_components):
    rng = np.random.default_rng(n_features)
    centres = rng.normal(0.0, 3.0, (n_components, n_features))
    x = np.concatenate([rng.normal(c, 1.0, (700, n_features)) for c in centres])  # > one block
    init = gmm.fit(x, n_components, max_iter=1, tol=0, seed=2).params
    assert_same_fit(fused.fit(x, n_components, init=init, max_iter=25, tol=0),
                    gmm.fit(x, n_components, init=init, max_iter=25, tol=0))


def test_statistics_match_gmm_and_a_loop():
    x = old_faithful()
    params = gmm.fit(x, 2, max_iter=2, tol=0, seed=0).params
    fast = fused.sufficient_statistics(x, params)
    slow = gmm.sufficient_statistics(x, params)
    for name in ("sizes", "sums", "outer", "shift", "max_abs"):
        np.testing.assert_allclose(getattr(fast, name), getattr(slow, name), rtol=1e-11, atol=1e-9)
    assert fast.log_likelihood == pytest.approx(slow.log_likelihood, rel=1e-13)
    # an independent loop over samples for the sizes
    resp = gmm.predict_proba(x, params)
    np.testing.assert_allclose(fast.sizes, [sum(r[k] for r in resp) for k in range(2)], rtol=1e-12)


def test_zero_weight_and_far_points_stay_finite():
    params = gmm.GMMParams.from_1d([0.0, 1.0], [0.0, 5.0], [1.0, 1.0])
    stats = fused.sufficient_statistics([5.0, 4.0, 1e3], params)
    assert stats.sizes[0] == 0.0 and np.isfinite(stats.log_likelihood)


def test_warnings_and_errors_as_gmm():
    x, _ = two_processes(seed=0)
    with pytest.warns(gmm.ConvergenceWarning, match="did not converge in max_iter=2"):
        fused.fit(x, 2, max_iter=2, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fused.fit(x, 2, max_iter=2, tol=0, seed=0)
    with pytest.raises(ValueError, match="Expected n_components <= n_samples"):
        fused.fit([1.0, 2.0], 3)
    with pytest.raises(ValueError, match=r"Raise reg_covar \(now 0\)"):
        fused.fit([0.0, 1.0, 2.0, 10.0], 4, reg_covar=0.0, seed=0, max_iter=50, tol=0)


def test_exp_log_floor_value():
    values = np.array([[0.0, -1.0, -2.0], [0.0, 0.0, -50.0]])
    expected = np.log(1 + np.exp(-1) + np.exp(-2)) + np.log(2 + np.exp(-50))
    assert fused.exp_log_floor(values) == pytest.approx(expected, rel=1e-14)
    with pytest.raises(ValueError, match=r"Expected values of shape \(n_samples, n_components\)"):
        fused.exp_log_floor([1.0, 2.0])


def test_exp_log_floor_below_the_floor_and_over_many_blocks():
    rng = np.random.default_rng(3)
    values = rng.uniform(-720.0, 0.0, (1_000, 4))  # four blocks, some terms below exp(-700)
    terms = np.where(values[:, 1:] >= -700.0, np.exp(values[:, 1:]), 0.0)
    expected = math.fsum(np.log1p(terms.sum(axis=1)))
    assert fused.exp_log_floor(values) == pytest.approx(expected, rel=1e-13)
    assert fused.exp_log_floor(values, library=True) == pytest.approx(expected, rel=1e-13)


# The kernel's own exp and log (numba has no vectorised exp without Intel's SVML),
# checked against NumPy's in units in the last place.

def _exp(values, floor=-700.0):
    values = np.ascontiguousarray(values, dtype=float)
    out = np.empty_like(values)
    fused._exp_block(values, out, values.size, floor)
    return out


def _log(values):
    values = np.ascontiguousarray(values, dtype=float)
    out = np.empty_like(values)
    fused._log_block(values, out, values.size)
    return out


def test_kernel_exp_within_one_ulp_of_numpy():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(-700.0, 0.0, 100_000), rng.uniform(-1.0, 0.0, 100_000),
                        -np.logspace(-300, 2.8, 2_000), [-700.0, -0.5 * math.log(2), -math.log(2)]])
    got, expected = _exp(x), np.exp(x)
    assert np.max(np.abs(got - expected) / np.spacing(expected)) <= 1.0
    assert np.max(np.abs(got - expected) / expected) < 2.3e-16


def test_kernel_exp_is_exact_at_zero_and_zero_below_the_floor():
    got = _exp([0.0, -0.0, -700.0, -700.0000001, -745.2, -1e308, -np.inf])
    assert got[0] == 1.0 and got[1] == 1.0  # the largest term of a log-sum-exp is exactly 1, as in gmm
    assert got[2] == np.exp(-700.0) or abs(got[2] - np.exp(-700.0)) <= np.spacing(np.exp(-700.0))
    assert np.all(got[3:] == 0.0)


def test_kernel_log_within_a_few_ulp_of_numpy():
    rng = np.random.default_rng(1)
    y = np.concatenate([rng.uniform(1.0, 10.0, 100_000), 1.0 + rng.uniform(0.0, 1e-6, 10_000),
                        np.logspace(-300, 300, 5_000), [1.0, 2.0, math.sqrt(2.0), 0.5, 3.0]])
    got, expected = _log(y), np.log(y)
    # Near y = 1, log y is tiny and the error is absolute: log(y) is computed from f - 1, exact there.
    assert np.max(np.abs(got - expected) / np.maximum(np.spacing(np.abs(expected)), np.spacing(1.0))) <= 2.0
    assert _log([1.0])[0] == 0.0 and _log([2.0])[0] == math.log(2.0)


def test_kernel_log_near_miss_of_a_wrong_split():
    # sqrt(2) is where the reduction switches from f to f / 2: both sides stay accurate.
    below, above = np.nextafter(math.sqrt(2.0), 0.0), np.nextafter(math.sqrt(2.0), 2.0)
    got = _log([below, above])
    np.testing.assert_allclose(got, np.log([below, above]), rtol=2.3e-16)
