"""Tests for emteach.tmix: Student-t mixtures by generalised EM."""

import numpy as np
import pytest
from scipy import optimize, stats
from scipy.special import digamma

from emteach import tmix


@pytest.fixture(scope="module")
def sample():
    truth = tmix.TMixParams([0.4, 0.6], [-2.0, 2.5], [1.0, 1.5], [3.0, 6.0])
    x, labels = tmix.sample(truth, 500, seed=3)
    return truth, x, labels


def test_logpdf_matches_scipy():
    x = np.linspace(-8.0, 9.0, 41)
    for mean, scale, dof in [(0.0, 1.0, 1.0), (1.5, 2.0, 3.5), (-3.0, 0.4, 80.0)]:
        expected = stats.t(dof, loc=mean, scale=scale).logpdf(x)
        np.testing.assert_allclose(tmix.logpdf(x, mean, scale, dof), expected, rtol=1e-12, atol=1e-12)


def test_log_likelihood_matches_scipy_mixture(sample):
    truth, x, _ = sample
    dens = sum(w * stats.t(v, loc=m, scale=s).pdf(x)
               for w, m, s, v in zip(truth.weights, truth.means, truth.scales, truth.dofs))
    assert tmix.log_likelihood(x, truth) == pytest.approx(np.log(dens).sum(), rel=1e-12)


def test_e_step_weights_and_responsibilities(sample):
    truth, x, _ = sample
    resp, u, log_u, total = tmix.e_step(x, truth)
    np.testing.assert_allclose(resp.sum(axis=1), 1.0, atol=1e-12)
    k = 1
    delta2 = ((x - truth.means[k]) / truth.scales[k]) ** 2
    # u | x is Gamma((nu + 1)/2, rate (nu + delta^2)/2): its mean and mean log.
    shape, rate = (truth.dofs[k] + 1) / 2, (truth.dofs[k] + delta2) / 2
    np.testing.assert_allclose(u[:, k], shape / rate, rtol=1e-12)
    np.testing.assert_allclose(log_u[:, k], digamma(shape) - np.log(rate), rtol=1e-12)
    assert total == pytest.approx(tmix.log_likelihood(x, truth))


def test_numerical_dof_step_maximises_the_objective(sample):
    truth, x, _ = sample
    resp, u, log_u, _ = tmix.e_step(x, truth)
    params, n_evaluations = tmix.m_step(x, resp, u, log_u, truth.dofs)
    assert n_evaluations > 0
    for k in range(2):
        size = resp[:, k].sum()
        weighted = float(np.sum(resp[:, k] * (log_u[:, k] - u[:, k])))
        # Independent reference: the root of the derivative (the classic ECM equation) by brentq.
        def derivative(v):
            return size * (0.5 * np.log(v / 2) + 0.5 - 0.5 * digamma(v / 2)) + 0.5 * weighted
        root = optimize.brentq(derivative, 0.5, 1000.0, xtol=1e-12)
        assert params.dofs[k] == pytest.approx(root, rel=1e-6)
        grid = np.linspace(0.5 * root, 2 * root, 201)
        values = [tmix.dof_objective(v, size, weighted) for v in grid]
        assert tmix.dof_objective(params.dofs[k], size, weighted) >= max(values) - 1e-9


def test_closed_form_part_of_m_step(sample):
    truth, x, _ = sample
    resp, u, log_u, _ = tmix.e_step(x, truth)
    params, _ = tmix.m_step(x, resp, u, log_u, truth.dofs, update_dofs=False)
    np.testing.assert_array_equal(params.dofs, truth.dofs)
    for k in range(2):
        w = resp[:, k] * u[:, k]
        mean = np.sum(w * x) / np.sum(w)
        assert params.means[k] == pytest.approx(mean, rel=1e-12)
        assert params.scales[k] ** 2 == pytest.approx(np.sum(w * (x - mean) ** 2) / resp[:, k].sum(), rel=1e-10)
        assert params.weights[k] == pytest.approx(resp[:, k].mean(), rel=1e-10)


def test_fit_never_decreases_and_recovers_the_truth(sample):
    truth, x, _ = sample
    result = tmix.fit(x, 2, seed=0, max_iter=300, tol=1e-5)
    assert np.all(np.diff(result.log_likelihoods) >= -1e-9)
    order = np.argsort(result.params.means)
    np.testing.assert_allclose(result.params.means[order], truth.means, atol=0.35)
    assert result.log_likelihoods[-1] >= tmix.log_likelihood(x, truth)


def test_fit_agrees_with_direct_numerical_maximisation():
    """On a tiny one-component problem, GEM and Nelder-Mead on the log-likelihood agree."""
    x, _ = tmix.sample(tmix.TMixParams([1.0], [1.0], [2.0], [4.0]), 60, seed=11)
    result = tmix.fit(x, 1, seed=0, max_iter=2000, tol=1e-11)

    def negative(theta):
        return -stats.t(np.exp(theta[2]), loc=theta[0], scale=np.exp(theta[1])).logpdf(x).sum()

    start = [np.median(x), np.log(x.std()), np.log(5.0)]
    direct = optimize.minimize(negative, start, method="Nelder-Mead",
                               options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000})
    assert result.log_likelihoods[-1] == pytest.approx(-direct.fun, abs=1e-5)
    assert result.params.means[0] == pytest.approx(direct.x[0], abs=1e-3)
    assert result.params.dofs[0] == pytest.approx(np.exp(direct.x[2]), rel=1e-2)


def test_sample_is_reproducible():
    params = tmix.TMixParams([0.5, 0.5], [0.0, 1.0], [1.0, 1.0], [3.0, 3.0])
    a, la = tmix.sample(params, 20, seed=4)
    b, lb = tmix.sample(params, 20, seed=4)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(la, lb)


@pytest.mark.parametrize("kwargs, message", [
    (dict(weights=[0.5, 0.6], means=[0, 1], scales=[1, 1], dofs=[3, 3]), "summing to 1"),
    (dict(weights=[0.5, 0.5], means=[0, 1], scales=[1, -1], dofs=[3, 3]), "scales to be > 0"),
    (dict(weights=[0.5, 0.5], means=[0, 1], scales=[1, 1], dofs=[3, 0]), "dofs to be > 0"),
    (dict(weights=[0.5, 0.5], means=[0, 1, 2], scales=[1, 1], dofs=[3, 3]), "length 2"),
    (dict(weights=[1.5, -0.5], means=[0, 1], scales=[1, 1], dofs=[3, 3]), "non-negative"),
])
def test_params_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        tmix.TMixParams(**kwargs)


def test_input_errors():
    params = tmix.TMixParams([1.0], [0.0], [1.0], [3.0])
    with pytest.raises(ValueError, match="one-dimensional data"):
        tmix.log_likelihood(np.zeros((5, 2)), params)
    with pytest.raises(ValueError, match="TMixParams"):
        tmix.e_step([1.0, 2.0], "nope")
    with pytest.raises(ValueError, match="n_components <= n_samples"):
        tmix.fit([1.0, 2.0], 3)
    with pytest.raises(ValueError, match="finite"):
        tmix.fit([1.0, np.nan, 2.0], 1)
    resp, u, log_u, _ = tmix.e_step([0.0, 1.0, 2.0], params)
    with pytest.raises(ValueError, match="shape of resp"):
        tmix.m_step([0.0, 1.0, 2.0], resp, u[:2], log_u, [3.0])
    with pytest.raises(ValueError, match="low < high"):
        tmix.m_step([0.0, 1.0, 2.0], resp, u, log_u, [3.0], dof_bounds=(5.0, 2.0))


def test_fit_warns_when_it_runs_out_of_iterations(sample):
    from emteach.gmm import ConvergenceWarning

    _, x, _ = sample
    with pytest.warns(ConvergenceWarning, match="t mixture did not converge"):
        result = tmix.fit(x, 2, seed=0, max_iter=3, tol=1e-12)
    assert result.n_iter == 3 and not result.converged
    with pytest.raises(ValueError, match="low < high"):
        tmix.fit(x, 2, dof_bounds=(3.0, 1.0))
