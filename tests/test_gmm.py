"""Tests for emteach.gmm."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.special import logsumexp
from sklearn.mixture import GaussianMixture

from emteach import gmm
from emteach.data import old_faithful, two_processes


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

def naive_log_prob(x, params):
    """log w_k + log N(x_i | k), shape (n, k), from scipy's multivariate normal."""
    x = np.asarray(x, dtype=float).reshape(len(x), -1)
    return np.column_stack([
        np.log(w) + stats.multivariate_normal(m, c).logpdf(x).reshape(-1)
        for w, m, c in zip(params.weights, params.means, params.covariances)
    ])


def naive_m_step(x, resp, reg_covar):
    """The M-step written with explicit sums over samples."""
    x = np.asarray(x, dtype=float).reshape(len(x), -1)
    n, d = x.shape
    sizes = resp.sum(axis=0)
    means = np.array([(resp[:, k, None] * x).sum(axis=0) / sizes[k] for k in range(resp.shape[1])])
    covariances = []
    for k in range(resp.shape[1]):
        total = np.zeros((d, d))
        for i in range(n):
            diff = x[i] - means[k]
            total += resp[i, k] * np.outer(diff, diff)
        covariances.append(total / sizes[k] + reg_covar * np.eye(d))
    return sizes / n, means, np.array(covariances)


def sklearn_fit(x, init, max_iter, reg_covar=1e-6):
    model = GaussianMixture(
        n_components=init.n_components,
        covariance_type="full",
        weights_init=init.weights,
        means_init=init.means,
        precisions_init=np.linalg.inv(init.covariances),
        max_iter=max_iter,
        tol=0.0,
        reg_covar=reg_covar,
        n_init=1,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tol=0 never converges: sklearn warns
        model.fit(np.asarray(x, dtype=float).reshape(len(x), -1))
    return model


def as_params(model):
    return gmm.GMMParams(model.weights_, model.means_, model.covariances_)


@pytest.fixture(scope="module")
def article_data():
    x, z = two_processes(seed=2024)
    return x, z


@pytest.fixture(scope="module")
def faithful():
    return old_faithful()


PARAMS_1D = gmm.GMMParams.from_1d([0.3, 0.7], [15.0, 45.0], [8.0, 8.0])
PARAMS_2D = gmm.GMMParams(
    [0.2, 0.5, 0.3],
    [[0.0, 0.0], [3.0, 1.0], [-2.0, 4.0]],
    [[[1.0, 0.3], [0.3, 0.5]], [[2.0, -0.8], [-0.8, 1.0]], [[0.7, 0.0], [0.0, 0.7]]],
)


# ---------------------------------------------------------------------------
# GMMParams
# ---------------------------------------------------------------------------

class TestParams:
    def test_shapes_and_properties(self):
        assert PARAMS_2D.n_components == 3 and PARAMS_2D.n_features == 2
        assert PARAMS_1D.means.shape == (2, 1) and PARAMS_1D.covariances.shape == (2, 1, 1)
        np.testing.assert_allclose(PARAMS_1D.covariances[:, 0, 0], [64.0, 64.0])

    def test_converts_lists_and_ints_to_float_copies(self):
        weights = np.array([0.5, 0.5])
        params = gmm.GMMParams(weights, [[0], [1]], [[[1]], [[2]]])
        assert params.means.dtype == np.float64 and params.covariances.dtype == np.float64
        weights[0] = 0.9
        assert params.weights[0] == 0.5

    def test_frozen_and_read_only(self):
        with pytest.raises(AttributeError):
            PARAMS_1D.weights = np.array([1.0, 0.0])
        with pytest.raises(ValueError, match="read-only"):
            PARAMS_1D.means[0, 0] = 1.0

    def test_symmetrises_rounding_asymmetry(self):
        cov = np.array([[[2.0, 0.5], [0.5 + 1e-12, 1.0]]])
        params = gmm.GMMParams([1.0], [[0.0, 0.0]], cov)
        np.testing.assert_array_equal(params.covariances[0], params.covariances[0].T)

    @pytest.mark.parametrize(
        "weights, means, covariances, message",
        [
            ([[0.5, 0.5]], [[0.0], [1.0]], [[[1.0]], [[1.0]]],
             r"Expected weights of shape \(n_components,\), got shape \(1, 2\)"),
            ([0.5, 0.5], [0.0, 1.0], [[[1.0]], [[1.0]]],
             r"got shape \(2,\) \(for one feature, use GMMParams.from_1d\)"),
            ([0.5, 0.5], [[0.0], [1.0], [2.0]], [[[1.0]], [[1.0]]],
             r"Expected means of shape \(n_components, n_features\) with n_components=2, "
             r"got shape \(3, 1\)"),
            ([0.5, 0.5], [[0.0], [1.0]], [[1.0], [1.0]],
             r"= \(2, 1, 1\), got shape \(2, 1\)"),
            ([1.5, -0.5], [[0.0], [1.0]], [[[1.0]], [[1.0]]],
             r"Expected non-negative weights, got weights=\[1.5, -0.5\]"),
            ([0.5, 0.6], [[0.0], [1.0]], [[[1.0]], [[1.0]]],
             "Expected weights summing to 1, got a sum of 1.1"),
            ([1.0], [[0.0, 0.0]], [[[1.0, 0.5], [0.2, 1.0]]],
             r"but covariances\[0\] is not symmetric"),
            ([0.5, 0.5], [[0.0], [1.0]], [[[1.0]], [[-1.0]]],
             r"Expected positive definite covariance matrices, but covariances\[1\] is not"),
            ([1.0], [[0.0, 0.0]], [[[1.0, 1.0], [1.0, 1.0]]],
             r"but covariances\[0\] is not \(its Cholesky factorisation failed\)"),
            ([0.5, 0.5], [[np.nan], [1.0]], [[[1.0]], [[1.0]]],
             "Expected means to hold finite numbers, got 1 NaN or infinite"),
        ],
    )
    def test_invalid(self, weights, means, covariances, message):
        with pytest.raises(ValueError, match=message):
            gmm.GMMParams(weights, means, covariances)

    def test_from_1d_errors(self):
        with pytest.raises(ValueError, match=r"Expected every entry of sds to be > 0"):
            gmm.GMMParams.from_1d([0.5, 0.5], [0.0, 1.0], [1.0, 0.0])
        with pytest.raises(ValueError, match="Expected sds to have length 2, got length 3"):
            gmm.GMMParams.from_1d([0.5, 0.5], [0.0, 1.0], [1.0, 1.0, 1.0])

    def test_weights_within_tolerance_accepted(self):
        params = gmm.GMMParams([0.5, 0.5 + 1e-10], [[0.0], [1.0]], [[[1.0]], [[1.0]]])
        assert params.weights.sum() == pytest.approx(1.0, abs=1e-9)
        # the density still integrates to (almost) one: the mixture uses the weights as given
        x = np.linspace(-12.0, 13.0, 20001)
        total = np.trapezoid(gmm.component_densities(x, params).sum(axis=1), x)
        assert total == pytest.approx(1.0, abs=1e-6)

    @pytest.mark.parametrize("excess", [1e-7, -1e-7, 1e-3])
    def test_weights_just_outside_tolerance_rejected(self, excess):
        # near miss: the tolerance is 1e-8, so a sum off by 1e-7 is a mistake, not rounding
        with pytest.raises(ValueError, match="Expected weights summing to 1"):
            gmm.GMMParams([0.5, 0.5 + excess], [[0.0], [1.0]], [[[1.0]], [[1.0]]])

    def test_zero_weight_component_is_allowed(self):
        params = gmm.GMMParams.from_1d([1.0, 0.0], [0.0, 5.0], [1.0, 1.0])
        x = np.array([0.0, 5.0])
        resp, total = gmm.e_step(x, params)
        np.testing.assert_array_equal(resp[:, 1], 0.0)
        assert total == pytest.approx(stats.norm.logpdf(x).sum())
        assert np.isfinite(gmm.lower_bound(x, params, resp))


# ---------------------------------------------------------------------------
# E-step and the quantities on it
# ---------------------------------------------------------------------------

class TestEStep:
    @pytest.mark.parametrize("params", [PARAMS_1D, PARAMS_2D], ids=["1d", "2d"])
    def test_matches_scipy(self, params):
        x, _ = gmm.sample(params, 300, seed=1)
        log_prob = naive_log_prob(x, params)
        resp, total = gmm.e_step(x, params)
        assert resp.shape == (300, params.n_components)
        np.testing.assert_allclose(resp, np.exp(log_prob - logsumexp(log_prob, axis=1, keepdims=True)),
                                   rtol=1e-10, atol=1e-14)
        assert total == pytest.approx(logsumexp(log_prob, axis=1).sum(), rel=1e-12)
        assert gmm.log_likelihood(x, params) == pytest.approx(total, rel=1e-14)
        np.testing.assert_allclose(gmm.log_prob_per_sample(x, params),
                                   logsumexp(log_prob, axis=1), rtol=1e-12)

    def test_1d_array_equals_column(self):
        x = np.linspace(0, 60, 25)
        a, la = gmm.e_step(x, PARAMS_1D)
        b, lb = gmm.e_step(x[:, None], PARAMS_1D)
        np.testing.assert_array_equal(a, b)
        assert la == lb

    def test_blocks_give_the_same_answer(self, monkeypatch):
        x, _ = gmm.sample(PARAMS_2D, 1000, seed=2)
        whole = gmm.e_step(x, PARAMS_2D)
        whole_m = gmm.m_step(x, whole[0])
        monkeypatch.setattr(gmm, "_block_size", lambda n_rows: 64)
        blocked = gmm.e_step(x, PARAMS_2D)
        np.testing.assert_allclose(blocked[0], whole[0], rtol=1e-14)
        assert blocked[1] == pytest.approx(whole[1], rel=1e-14)
        np.testing.assert_allclose(gmm.log_prob_per_sample(x, PARAMS_2D),
                                   logsumexp(naive_log_prob(x, PARAMS_2D), axis=1), rtol=1e-12)
        blocked_m = gmm.m_step(x, whole[0])
        np.testing.assert_allclose(blocked_m.covariances, whole_m.covariances, rtol=1e-12)
        np.testing.assert_allclose(blocked_m.means, whole_m.means, rtol=1e-14)

    def test_far_points_stay_finite(self):
        x = np.array([[1e6, -1e6], [0.0, 0.0], [-3e6, 2e6]])
        resp, total = gmm.e_step(x, PARAMS_2D)
        assert np.all(np.isfinite(resp)) and np.isfinite(total)
        np.testing.assert_allclose(resp.sum(axis=1), 1.0)
        log_prob = naive_log_prob(x, PARAMS_2D)
        assert total == pytest.approx(logsumexp(log_prob, axis=1).sum(), rel=1e-12)

    def test_predict_and_predict_proba(self):
        x, z = gmm.sample(PARAMS_2D, 500, seed=3)
        proba = gmm.predict_proba(x, PARAMS_2D)
        np.testing.assert_array_equal(gmm.predict(x, PARAMS_2D), np.argmax(proba, axis=1))
        assert np.mean(gmm.predict(x, PARAMS_2D) == z) > 0.8

    @settings(max_examples=40, deadline=None)
    @given(
        seed=st.integers(0, 2**32 - 1),
        n_features=st.integers(1, 3),
        n_components=st.integers(1, 4),
        scale=st.sampled_from([1e-3, 1.0, 1e3, 1e6]),
    )
    def test_responsibilities_are_distributions(self, seed, n_features, n_components, scale):
        rng = np.random.default_rng(seed)
        weights = rng.dirichlet(np.ones(n_components))
        means = rng.normal(size=(n_components, n_features))
        factors = rng.normal(size=(n_components, n_features, n_features))
        covariances = factors @ factors.transpose(0, 2, 1) + 0.1 * np.eye(n_features)
        params = gmm.GMMParams(weights, means, covariances)
        x = rng.normal(size=(30, n_features)) * scale
        resp, total = gmm.e_step(x, params)
        assert np.all(np.isfinite(resp)) and np.isfinite(total)
        assert np.all((resp >= 0) & (resp <= 1))
        np.testing.assert_allclose(resp.sum(axis=1), 1.0, atol=1e-12)


class TestLowerBound:
    def test_equals_log_likelihood_at_the_posterior(self):
        x, _ = gmm.sample(PARAMS_2D, 200, seed=4)
        resp, total = gmm.e_step(x, PARAMS_2D)
        assert gmm.lower_bound(x, PARAMS_2D, resp) == pytest.approx(total, rel=1e-12)

    def test_matches_naive_formula(self):
        x, _ = gmm.sample(PARAMS_1D, 50, seed=5)
        resp = np.random.default_rng(5).dirichlet([1.0, 1.0], size=50)
        log_prob = naive_log_prob(x, PARAMS_1D)
        expected = np.sum(resp * log_prob) - np.sum(resp * np.log(resp))
        assert gmm.lower_bound(x, PARAMS_1D, resp) == pytest.approx(expected, rel=1e-12)

    @settings(max_examples=40, deadline=None)
    @given(seed=st.integers(0, 2**32 - 1), hard=st.booleans())
    def test_below_log_likelihood_for_other_resp(self, seed, hard):
        rng = np.random.default_rng(seed)
        x, _ = gmm.sample(PARAMS_2D, 40, seed=rng)
        if hard:
            resp = np.eye(3)[rng.integers(0, 3, size=40)]
        else:
            resp = rng.dirichlet(np.full(3, 0.5), size=40)
        total = gmm.log_likelihood(x, PARAMS_2D)
        assert gmm.lower_bound(x, PARAMS_2D, resp) <= total + 1e-9 * abs(total)

    def test_gap_is_the_kl_divergence(self):
        x, _ = gmm.sample(PARAMS_2D, 60, seed=6)
        posterior, total = gmm.e_step(x, PARAMS_2D)
        resp = np.random.default_rng(6).dirichlet(np.ones(3), size=60)
        kl = np.sum(resp * (np.log(resp) - np.log(posterior)))
        assert total - gmm.lower_bound(x, PARAMS_2D, resp) == pytest.approx(kl, rel=1e-8)


# ---------------------------------------------------------------------------
# M-step
# ---------------------------------------------------------------------------

class TestMStep:
    @pytest.mark.parametrize("params", [PARAMS_1D, PARAMS_2D], ids=["1d", "2d"])
    def test_matches_naive_sums(self, params):
        x, _ = gmm.sample(params, 120, seed=7)
        resp, _ = gmm.e_step(x, params)
        new = gmm.m_step(x, resp, reg_covar=1e-3)
        weights, means, covariances = naive_m_step(x, resp, 1e-3)
        np.testing.assert_allclose(new.weights, weights, rtol=1e-12)
        np.testing.assert_allclose(new.means, means, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(new.covariances, covariances, rtol=1e-10, atol=1e-12)

    def test_one_hot_resp_gives_complete_data_mle(self, article_data):
        x, z = article_data
        resp = np.eye(2)[z]
        params = gmm.m_step(x, resp, reg_covar=0.0)
        for k in range(2):
            assert params.means[k, 0] == pytest.approx(x[z == k].mean(), rel=1e-12)
            assert params.covariances[k, 0, 0] == pytest.approx(x[z == k].var(), rel=1e-10)
        np.testing.assert_allclose(params.weights, [1 / 3, 2 / 3], rtol=1e-12)

    def test_increases_expected_complete_log_likelihood(self):
        x, _ = gmm.sample(PARAMS_2D, 200, seed=8)
        resp, _ = gmm.e_step(x, PARAMS_2D)
        new = gmm.m_step(x, resp, reg_covar=0.0)
        assert gmm.lower_bound(x, new, resp) >= gmm.lower_bound(x, PARAMS_2D, resp)

    def test_empty_component_stays_finite(self):
        x = np.array([0.0, 1.0, 2.0])
        resp = np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]])
        params = gmm.m_step(x, resp)
        assert np.all(np.isfinite(params.means)) and np.all(np.isfinite(params.covariances))
        assert params.weights[1] == pytest.approx(0.0, abs=1e-14)
        assert params.covariances[1, 0, 0] == pytest.approx(1e-6)

    def test_collapsed_component_without_regularisation(self):
        x = np.array([0.0, 1.0, 2.0])
        resp = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
        with pytest.raises(ValueError, match=r"component 1 is not positive definite.*"
                                             r"Raise reg_covar \(now 0\), use fewer components, "
                                             r"or scale the data"):
            gmm.m_step(x, resp, reg_covar=0.0)

    def test_exactly_singular_covariance_without_regularisation(self):
        # One point at 0: its mean is exactly 0, its variance exactly 0.
        resp = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
        with pytest.raises(ValueError, match=r"component 1 is not positive definite"):
            gmm.m_step([1.0, 2.0, 0.0], resp, reg_covar=0.0)

    @pytest.mark.parametrize(
        "resp, message",
        [
            (np.full((3, 2), 0.5), r"Expected resp of shape \(n_samples, n_components\) with "
                                   r"n_samples=4, got shape \(3, 2\)"),
            (np.full((4, 2), 0.4), r"Expected every row of resp to sum to 1, got 0.8 in row 0"),
            (np.tile([1.5, -0.5], (4, 1)), r"Expected every entry of resp in \[0, 1\]"),
            (np.full(4, 1.0), r"got shape \(4,\)"),
        ],
    )
    def test_bad_resp(self, resp, message):
        with pytest.raises(ValueError, match=message):
            gmm.m_step([0.0, 1.0, 2.0, 3.0], resp)

    def test_negative_reg_covar(self):
        with pytest.raises(ValueError, match="Expected reg_covar >= 0.0, got reg_covar=-1.0"):
            gmm.m_step([0.0, 1.0], [[1.0], [1.0]], reg_covar=-1.0)


# ---------------------------------------------------------------------------
# fit: agreement with scikit-learn from the same start
# ---------------------------------------------------------------------------

class TestAgainstSklearn:
    def test_article_example_1d(self, article_data):
        x, _ = article_data
        init = gmm.GMMParams.from_1d([0.5, 0.5], [10.0, 50.0], [12.0, 12.0])
        result = gmm.fit(x, 2, init=init, max_iter=40, tol=0.0)
        model = sklearn_fit(x, init, 40)
        np.testing.assert_allclose(result.params.weights, model.weights_, rtol=1e-9)
        np.testing.assert_allclose(result.params.means, model.means_, rtol=1e-9)
        np.testing.assert_allclose(result.params.covariances, model.covariances_, rtol=1e-9)
        # sklearn's lower_bounds_[i] is the mean log-likelihood before its (i+1)-th M-step.
        np.testing.assert_allclose(result.log_likelihoods[:-1] / x.size, model.lower_bounds_,
                                   rtol=1e-11)
        assert result.log_likelihoods[-2] / x.size == pytest.approx(model.lower_bound_, rel=1e-11)
        assert result.log_likelihoods[-1] / x.size == pytest.approx(
            model.score(x[:, None]), rel=1e-11)

    @pytest.mark.parametrize("n_components", [2, 3])
    def test_old_faithful_2d(self, faithful, n_components):
        # A start from emteach's own random initialisation, handed to both.
        start = gmm.fit(faithful, n_components, max_iter=1, tol=0.0, seed=11)
        init = gmm.GMMParams(
            np.full(n_components, 1.0 / n_components),
            start.params.means,
            np.repeat(np.cov(faithful.T, bias=True)[None], n_components, axis=0),
        )
        result = gmm.fit(faithful, n_components, init=init, max_iter=60, tol=0.0)
        model = sklearn_fit(faithful, init, 60)
        np.testing.assert_allclose(result.params.weights, model.weights_, rtol=1e-7)
        np.testing.assert_allclose(result.params.means, model.means_, rtol=1e-7)
        np.testing.assert_allclose(result.params.covariances, model.covariances_,
                                   rtol=1e-7, atol=1e-9)
        np.testing.assert_allclose(gmm.predict_proba(faithful, result.params),
                                   model.predict_proba(faithful), atol=1e-7)
        np.testing.assert_array_equal(gmm.predict(faithful, result.params),
                                      model.predict(faithful))

    def test_same_params_same_scores(self, faithful):
        model = sklearn_fit(faithful, gmm.fit(faithful, 3, max_iter=5, tol=0, seed=1).params, 30)
        params = as_params(model)
        n = faithful.shape[0]
        assert gmm.log_likelihood(faithful, params) == pytest.approx(model.score(faithful) * n,
                                                                     rel=1e-12)
        np.testing.assert_allclose(gmm.log_prob_per_sample(faithful, params),
                                   model.score_samples(faithful), rtol=1e-12)
        np.testing.assert_allclose(gmm.predict_proba(faithful, params),
                                   model.predict_proba(faithful), atol=1e-12)
        assert gmm.bic(faithful, params) == pytest.approx(model.bic(faithful), rel=1e-12)
        assert gmm.aic(faithful, params) == pytest.approx(model.aic(faithful), rel=1e-12)
        assert gmm.n_parameters(params) == model._n_parameters() == 17


# ---------------------------------------------------------------------------
# fit: behaviour
# ---------------------------------------------------------------------------

class TestFit:
    def test_recovers_the_article_processes(self, article_data):
        x, z = article_data
        result = gmm.fit(x, 2, seed=0)
        assert result.converged
        order = np.argsort(result.params.means[:, 0])
        params = result.params
        np.testing.assert_allclose(params.means[order, 0], [20.0, 40.0], atol=0.4)
        np.testing.assert_allclose(np.sqrt(params.covariances[order, 0, 0]), [5.0, 5.0], atol=0.3)
        np.testing.assert_allclose(params.weights[order], [1 / 3, 2 / 3], atol=0.02)
        labels = np.argsort(order)[gmm.predict(x, params)]
        assert np.mean(labels[:80] == 0) > 0.85 and np.mean(labels[-80:] == 1) > 0.85

    def test_log_likelihood_record(self, faithful):
        init = gmm.fit(faithful, 2, max_iter=1, tol=0, seed=3).params
        result = gmm.fit(faithful, 2, init=init, max_iter=25, tol=0.0)
        assert result.n_iter == 25 and not result.converged
        assert result.log_likelihoods.shape == (26,)
        assert result.log_likelihoods[0] == pytest.approx(gmm.log_likelihood(faithful, init),
                                                          rel=1e-14)
        assert result.log_likelihoods[-1] == pytest.approx(
            gmm.log_likelihood(faithful, result.params), rel=1e-14)
        with pytest.raises(ValueError, match="read-only"):
            result.log_likelihoods[0] = 0.0

    def test_fit_is_e_and_m_steps(self, faithful):
        init = gmm.fit(faithful, 2, max_iter=1, tol=0, seed=4).params
        params = init
        for _ in range(3):
            params = gmm.m_step(faithful, gmm.e_step(faithful, params)[0])
        result = gmm.fit(faithful, 2, init=init, max_iter=3, tol=0.0)
        np.testing.assert_allclose(result.params.means, params.means, rtol=1e-13)
        np.testing.assert_allclose(result.params.covariances, params.covariances, rtol=1e-12)

    def test_tol_stops_on_mean_change(self, article_data):
        x, _ = article_data
        result = gmm.fit(x, 2, tol=1e-4, seed=5)
        assert result.converged
        changes = np.abs(np.diff(result.log_likelihoods)) / x.size
        assert changes[-1] < 1e-4
        assert np.all(changes[:-1] >= 1e-4)
        # The same data repeated (n doubled) takes the same path: tol is per sample.
        doubled = gmm.fit(np.concatenate([x, x]), 2, init=gmm.fit(x, 2, max_iter=1, tol=0,
                                                                  seed=5).params,
                          tol=1e-4)
        single = gmm.fit(x, 2, init=gmm.fit(x, 2, max_iter=1, tol=0, seed=5).params, tol=1e-4)
        assert doubled.n_iter == single.n_iter

    def test_convergence_warning(self, article_data):
        x, _ = article_data
        with pytest.warns(gmm.ConvergenceWarning, match=r"did not converge in max_iter=2"):
            result = gmm.fit(x, 2, max_iter=2, tol=1e-12, seed=0)
        assert not result.converged
        assert issubclass(gmm.ConvergenceWarning, UserWarning)

    def test_no_warning_for_fixed_iterations(self, article_data):
        x, _ = article_data
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            result = gmm.fit(x, 2, max_iter=3, tol=0.0, seed=0)
        assert result.n_iter == 3

    def test_seed_reproducible(self, faithful):
        a = gmm.fit(faithful, 3, seed=42, max_iter=20, tol=0)
        b = gmm.fit(faithful, 3, seed=42, max_iter=20, tol=0)
        np.testing.assert_array_equal(a.params.means, b.params.means)
        np.testing.assert_array_equal(a.log_likelihoods, b.log_likelihoods)

    def test_n_init_keeps_the_best(self, faithful):
        # The first start of n_init=4 is the start of n_init=1 with the same seed.
        for seed in range(3):
            single = gmm.fit(faithful, 4, seed=seed, max_iter=20, tol=0)
            several = gmm.fit(faithful, 4, seed=seed, n_init=4, max_iter=20, tol=0)
            assert several.log_likelihoods[-1] >= single.log_likelihoods[-1]
        # Consecutive fits sharing one Generator draw the starts of one n_init fit.
        rng = np.random.default_rng(9)
        finals = [gmm.fit(faithful, 4, seed=rng, max_iter=20, tol=0).log_likelihoods[-1]
                  for _ in range(4)]
        assert len(set(finals)) > 1  # the starts differ
        best = gmm.fit(faithful, 4, seed=np.random.default_rng(9), n_init=4, max_iter=20, tol=0)
        assert best.log_likelihoods[-1] == pytest.approx(max(finals), rel=1e-14)

    def test_random_start_means_are_data_points(self, faithful):
        rng = np.random.default_rng(0)
        start = gmm._random_start(np.ascontiguousarray(faithful.T), 3, 1e-6, rng)
        for mean in start.means:
            assert np.any(np.all(faithful == mean, axis=1))
        assert len({tuple(m) for m in start.means}) == 3
        np.testing.assert_allclose(start.covariances[0],
                                   np.cov(faithful.T, bias=True) + 1e-6 * np.eye(2))
        np.testing.assert_allclose(start.weights, 1 / 3)

    @settings(max_examples=15, deadline=None)
    @given(
        seed=st.integers(0, 2**32 - 1),
        n_features=st.integers(1, 2),
        n_components=st.integers(1, 3),
    )
    def test_log_likelihood_never_decreases(self, seed, n_features, n_components):
        rng = np.random.default_rng(seed)
        centres = rng.normal(scale=4.0, size=(3, n_features))
        x = np.concatenate([rng.normal(c, 1.0, size=(60, n_features)) for c in centres])
        result = gmm.fit(x, n_components, reg_covar=0.0, max_iter=40, tol=0.0, seed=rng)
        steps = np.diff(result.log_likelihoods)
        assert np.all(steps >= -1e-9 * np.abs(result.log_likelihoods).max())

    def test_object_and_integer_arrays_are_accepted(self):
        as_objects = gmm.fit(np.array([0, 1, 2, 10, 11, 12], dtype=object), 2, seed=0)
        as_ints = gmm.fit([0, 1, 2, 10, 11, 12], 2, seed=0)
        np.testing.assert_array_equal(as_objects.params.means, as_ints.params.means)

    @settings(max_examples=15, deadline=None)
    @given(seed=st.integers(0, 2**32 - 1), offset=st.sampled_from([-1e6, 1e3, 1e6]))
    def test_translation_moves_only_the_means(self, seed, offset):
        # Data moved far from the origin: same fit, means moved, nothing lost to rounding.
        rng = np.random.default_rng(seed)
        x = np.concatenate([rng.normal(0, 1, (40, 2)), rng.normal(4, 1, (40, 2))])
        init = gmm.GMMParams([0.5, 0.5], [[-1.0, 0.0], [5.0, 3.0]],
                             np.repeat(4 * np.eye(2)[None], 2, axis=0))
        moved_init = gmm.GMMParams(init.weights, init.means + offset, init.covariances)
        here = gmm.fit(x, 2, init=init, max_iter=20, tol=0)
        there = gmm.fit(x + offset, 2, init=moved_init, max_iter=20, tol=0)
        np.testing.assert_allclose(there.params.means - offset, here.params.means, atol=1e-6)
        np.testing.assert_allclose(there.params.covariances, here.params.covariances,
                                   rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(there.log_likelihoods, here.log_likelihoods, rtol=1e-8)

    def test_identical_points(self):
        x = np.full((10, 2), 3.0)
        result = gmm.fit(x, 2, seed=0, max_iter=5, tol=0)
        assert np.all(np.isfinite(result.params.covariances))
        assert np.all(np.isfinite(result.log_likelihoods))
        np.testing.assert_allclose(result.params.means, 3.0)

    def test_k_equals_n_and_duplicates(self):
        x = np.array([0.0, 0.0, 1.0, 5.0, 5.0])
        result = gmm.fit(x, 5, seed=1, max_iter=50, tol=0)
        assert np.all(np.isfinite(result.log_likelihoods))
        assert np.all(np.isfinite(gmm.predict_proba(x, result.params)))
        one = gmm.fit([2.0], 1, max_iter=3, tol=0)
        assert np.all(np.isfinite(one.params.covariances))

    def test_singular_during_fit_says_what_to_do(self):
        x = np.array([0.0, 1.0, 2.0, 10.0])
        with pytest.raises(ValueError, match=r"Raise reg_covar \(now 0\), use fewer components"):
            gmm.fit(x, 4, reg_covar=0.0, seed=0, max_iter=50, tol=0)

    def test_singular_data_without_regularisation(self):
        x = np.column_stack([np.arange(10.0), 2 * np.arange(10.0)])
        with pytest.raises(ValueError, match=r"covariance matrix of the data is not positive "
                                             r"definite.*Raise reg_covar"):
            gmm.fit(x, 2, reg_covar=0.0, seed=0)

    def test_far_apart_clusters_stay_finite(self):
        rng = np.random.default_rng(3)
        x = np.concatenate([rng.normal(0.0, 1.0, 100), rng.normal(1e6, 1.0, 100)])
        result = gmm.fit(x, 2, seed=0)
        assert np.all(np.isfinite(result.log_likelihoods))
        np.testing.assert_allclose(np.sort(result.params.means[:, 0]), [0.0, 1e6], atol=0.5)


class TestFitErrors:
    @pytest.mark.parametrize(
        "kwargs, message",
        [
            ({"n_components": 5}, "Expected n_components <= n_samples, got n_components=5 "
                                  "and n_samples=3"),
            ({"n_components": 0}, "Expected n_components to be an integer >= 1, "
                                  "got n_components=0"),
            ({"n_components": 2.0}, "Expected n_components to be an integer >= 1, got 2.0"),
            ({"max_iter": 0}, "Expected max_iter to be an integer >= 1, got max_iter=0"),
            ({"tol": -1e-3}, "Expected tol >= 0.0, got tol=-0.001"),
            ({"reg_covar": -1.0}, "Expected reg_covar >= 0.0, got reg_covar=-1.0"),
            ({"n_init": 0}, "Expected n_init to be an integer >= 1, got n_init=0"),
            ({"tol": float("nan")}, "Expected tol to be a finite number"),
            ({"seed": 1.5}, "Expected seed to be None, an int or a numpy Generator"),
            ({"seed": -1}, "Expected seed to be a non-negative integer, got seed=-1"),
            ({"seed": True}, "Expected seed to be None, an int or a numpy Generator, got True"),
            ({"tol": "small"}, "Expected tol to be a real number, got 'small'"),
            ({"max_iter": True}, "Expected max_iter to be an integer >= 1, got True"),
        ],
    )
    def test_bad_settings(self, kwargs, message):
        arguments = {"n_components": 2} | kwargs
        with pytest.raises(ValueError, match=message):
            gmm.fit([0.0, 1.0, 2.0], **arguments)

    @pytest.mark.parametrize(
        "x, error, message",
        [
            ([], ValueError, "Expected x to hold at least one value, got an empty array"),
            ([0.0, np.inf], ValueError, "Expected x to hold finite numbers, got 1 NaN or infinite"),
            (np.ones((2, 2, 2)), ValueError, r"Expected x of shape \(n_samples,\) or "
                                             r"\(n_samples, n_features\), got an array of "
                                             r"shape \(2, 2, 2\)"),
            (np.ones((3, 0)), ValueError, "Expected x to have at least one feature"),
            (["a", "b"], TypeError, "Expected x to hold real numbers"),
            ([[1.0, 2.0], [3.0]], ValueError, "Expected x to be a rectangular array"),
            (np.array([1.0, "a"], dtype=object), TypeError, "Expected x to hold real numbers"),
            (np.array([1.0, 2.0j]), TypeError, "got an array of dtype complex128"),
        ],
    )
    def test_bad_data(self, x, error, message):
        with pytest.raises(error, match=message):
            gmm.fit(x, 1)

    def test_init_must_match(self):
        with pytest.raises(ValueError, match="Expected init with n_components=3 and n_features=1, "
                                             "got n_components=2 and n_features=1"):
            gmm.fit(np.arange(10.0), 3, init=PARAMS_1D)
        with pytest.raises(ValueError, match="Expected n_init=1 when init is given"):
            gmm.fit(np.arange(10.0), 2, init=PARAMS_1D, n_init=3)
        with pytest.raises(ValueError, match="Expected params to be a GMMParams, got dict"):
            gmm.fit(np.arange(10.0), 2, init={"weights": [0.5, 0.5]})

    def test_data_must_match_params(self):
        with pytest.raises(ValueError, match=r"Expected x with 2 feature\(s\) to match params, "
                                             r"got 1 \(x has shape \(4, 1\)\)"):
            gmm.e_step([0.0, 1.0, 2.0, 3.0], PARAMS_2D)
        with pytest.raises(ValueError, match="Expected resp with 3 columns"):
            gmm.lower_bound(np.zeros((2, 2)), PARAMS_2D, np.full((2, 2), 0.5))


# ---------------------------------------------------------------------------
# Sampling and model selection
# ---------------------------------------------------------------------------

class TestSample:
    def test_shapes_and_reproducibility(self):
        x, z = gmm.sample(PARAMS_1D, 10, seed=0)
        assert x.shape == (10, 1) and z.shape == (10,) and z.dtype.kind == "i"
        x2, z2 = gmm.sample(PARAMS_1D, 10, seed=0)
        np.testing.assert_array_equal(x, x2)
        np.testing.assert_array_equal(z, z2)

    def test_moments(self):
        x, z = gmm.sample(PARAMS_2D, 60000, seed=1)
        np.testing.assert_allclose(np.bincount(z, minlength=3) / 60000, PARAMS_2D.weights,
                                   atol=0.01)
        for k in range(3):
            members = x[z == k]
            np.testing.assert_allclose(members.mean(axis=0), PARAMS_2D.means[k], atol=0.05)
            np.testing.assert_allclose(np.cov(members.T), PARAMS_2D.covariances[k], atol=0.06)

    def test_zero_weight_component_is_never_drawn(self):
        params = gmm.GMMParams.from_1d([0.0, 1.0, 0.0], [0.0, 1.0, 2.0], [1.0, 1.0, 1.0])
        _, z = gmm.sample(params, 1000, seed=2)
        np.testing.assert_array_equal(z, 1)

    def test_bad_n(self):
        with pytest.raises(ValueError, match="Expected n to be an integer >= 1, got n=0"):
            gmm.sample(PARAMS_1D, 0)


class TestModelSelection:
    def test_n_parameters_formula(self):
        assert gmm.n_parameters(PARAMS_1D) == 1 + 2 + 2
        assert gmm.n_parameters(PARAMS_2D) == 2 + 6 + 9

    def test_bic_aic_formulas(self):
        x, _ = gmm.sample(PARAMS_2D, 100, seed=3)
        total = gmm.log_likelihood(x, PARAMS_2D)
        assert gmm.bic(x, PARAMS_2D) == pytest.approx(-2 * total + 17 * np.log(100))
        assert gmm.aic(x, PARAMS_2D) == pytest.approx(-2 * total + 34)

    def test_bic_prefers_the_true_number_of_components(self):
        x, _ = gmm.sample(PARAMS_2D, 900, seed=4)
        scores = [gmm.bic(x, gmm.fit(x, k, seed=0, n_init=2, tol=1e-4).params)
                  for k in (1, 2, 3, 4, 5)]
        assert int(np.argmin(scores)) + 1 == 3


def test_gmm_lower_bound_slice_touches_and_peaks_at_the_m_step():
    x, _ = two_processes(n=(50, 100), seed=2)
    params = gmm.GMMParams.from_1d([0.5, 0.5], [24.0, 30.0], [8.0, 8.0])
    grid = np.linspace(20.0, 30.0, 101)
    log_lik, bound, current, following = gmm.lower_bound_slice(x, params, grid)
    assert np.all(bound <= log_lik + 1e-8)
    assert bound[40] == pytest.approx(log_lik[40])  # grid[40] = 24, where the E-step was done
    assert current == 24.0
    resp, _ = gmm.e_step(x, params)
    assert following == pytest.approx(np.sum(resp[:, 0] * x) / np.sum(resp[:, 0]))
    assert abs(grid[np.argmax(bound)] - following) <= grid[1] - grid[0]


def test_component_densities_match_scipy_and_sum_to_the_mixture():
    params = gmm.GMMParams([0.2, 0.8], [[0.0, 1.0], [3.0, -1.0]],
                           [[[1.0, 0.3], [0.3, 2.0]], [[0.5, 0.0], [0.0, 0.5]]])
    x = np.random.default_rng(4).normal(size=(50, 2)) * 2
    got = gmm.component_densities(x, params)
    expected = np.column_stack([w * stats.multivariate_normal(m, c).pdf(x)
                                for w, m, c in zip(params.weights, params.means, params.covariances)])
    np.testing.assert_allclose(got, expected, rtol=1e-10)
    np.testing.assert_allclose(got.sum(axis=1), np.exp(gmm.log_prob_per_sample(x, params)), rtol=1e-10)


# ---------------------------------------------------------------------------
# Sufficient statistics (chapter 9): the M-step as a sum over samples
# ---------------------------------------------------------------------------

def numpy_statistics(x, resp, shift):
    """sizes, sums and outer products about ``shift``, written with plain numpy sums."""
    x = np.asarray(x, dtype=float).reshape(len(x), -1)
    sizes = resp.sum(axis=0)
    sums = np.array([(resp[:, k, None] * (x - shift[k])).sum(axis=0) for k in range(len(shift))])
    outer = np.array([np.einsum("i,ia,ib->ab", resp[:, k], x - shift[k], x - shift[k])
                      for k in range(len(shift))])
    return sizes, sums, outer


class TestSufficientStatistics:
    @pytest.mark.parametrize("params", [PARAMS_1D, PARAMS_2D], ids=["1d", "2d"])
    def test_match_numpy_sums_and_scipy_log_likelihood(self, params):
        rng = np.random.default_rng(1)
        x = rng.normal(2.0, 4.0, (300, params.n_features))
        stats_ = gmm.sufficient_statistics(x, params)
        log_prob = naive_log_prob(x, params)
        resp = np.exp(log_prob - logsumexp(log_prob, axis=1, keepdims=True))
        sizes, sums, outer = numpy_statistics(x, resp, params.means)
        np.testing.assert_allclose(stats_.sizes, sizes, rtol=1e-12)
        np.testing.assert_allclose(stats_.sums, sums, rtol=1e-10, atol=1e-9)
        np.testing.assert_allclose(stats_.outer, outer, rtol=1e-10)
        np.testing.assert_allclose(stats_.shift, params.means)
        assert stats_.log_likelihood == pytest.approx(logsumexp(log_prob, axis=1).sum(), rel=1e-12)
        assert stats_.n_samples == 300
        np.testing.assert_array_equal(stats_.max_abs, np.abs(x).max(axis=0))

    def test_chunks_add_up_to_the_whole(self, faithful):
        whole = gmm.sufficient_statistics(faithful, PARAMS_2D_FAITHFUL)
        parts = [gmm.sufficient_statistics(chunk, PARAMS_2D_FAITHFUL)
                 for chunk in np.array_split(faithful, [50, 51, 200])]
        for total in (parts[0] + parts[1] + parts[2] + parts[3], sum(parts)):
            np.testing.assert_allclose(total.sizes, whole.sizes, rtol=1e-13)
            np.testing.assert_allclose(total.sums, whole.sums, rtol=1e-11, atol=1e-9)
            np.testing.assert_allclose(total.outer, whole.outer, rtol=1e-12)
            assert total.log_likelihood == pytest.approx(whole.log_likelihood, rel=1e-13)
            assert total.n_samples == faithful.shape[0]
            np.testing.assert_array_equal(total.max_abs, whole.max_abs)

    def test_adding_records_with_other_shifts(self, faithful):
        other = gmm.GMMParams(PARAMS_2D_FAITHFUL.weights, PARAMS_2D_FAITHFUL.means + 3.0,
                              PARAMS_2D_FAITHFUL.covariances)
        first = gmm.sufficient_statistics(faithful[:100], PARAMS_2D_FAITHFUL)
        second = gmm.sufficient_statistics(faithful[100:], other)
        total = first + second  # second is moved to first's shift
        resp_second = gmm.e_step(faithful[100:], other)[0]
        sizes, sums, outer = numpy_statistics(faithful[100:], resp_second, first.shift)
        np.testing.assert_allclose(total.sums - first.sums, sums, rtol=1e-9, atol=1e-8)
        np.testing.assert_allclose(total.outer - first.outer, outer, rtol=1e-10)
        np.testing.assert_allclose(total.sizes - first.sizes, sizes, rtol=1e-12)

    def test_m_step_is_the_composition(self, faithful):
        resp, _ = gmm.e_step(faithful, PARAMS_2D_FAITHFUL)
        direct = gmm.m_step(faithful, resp)
        composed = gmm.m_step_from_statistics(gmm.sufficient_statistics(faithful, PARAMS_2D_FAITHFUL))
        for a, b in ((direct.weights, composed.weights), (direct.means, composed.means),
                     (direct.covariances, composed.covariances)):
            np.testing.assert_allclose(a, b, rtol=1e-10)

    def test_m_step_matches_sklearn_estimate(self, faithful):
        from sklearn.mixture._gaussian_mixture import _estimate_gaussian_parameters

        resp, _ = gmm.e_step(faithful, PARAMS_2D_FAITHFUL)
        sizes, means, covariances = _estimate_gaussian_parameters(faithful, resp, 1e-6, "full")
        params = gmm.m_step_from_statistics(gmm.sufficient_statistics(faithful, PARAMS_2D_FAITHFUL))
        np.testing.assert_allclose(params.weights, sizes / sizes.sum(), rtol=1e-12)
        np.testing.assert_allclose(params.means, means, rtol=1e-11)
        np.testing.assert_allclose(params.covariances, covariances, rtol=1e-9)

    def test_bad_inputs(self):
        first = gmm.sufficient_statistics([0.0, 1.0], PARAMS_1D)
        second = gmm.sufficient_statistics(np.zeros((2, 2)), PARAMS_2D)
        with pytest.raises(ValueError, match=r"Expected statistics with the same"):
            first + second
        with pytest.raises(ValueError, match="Expected stats to be a SufficientStatistics"):
            gmm.m_step_from_statistics("stats")
        with pytest.raises(ValueError, match="reg_covar"):
            gmm.m_step_from_statistics(first, reg_covar=-1.0)
        with pytest.raises(TypeError):
            first + 1.0
        with pytest.raises(ValueError, match=r"Expected x with 2 feature"):
            gmm.sufficient_statistics([0.0, 1.0], PARAMS_2D)

    def test_collapse_is_reported(self):
        stats_ = gmm.sufficient_statistics([0.0, 0.0, 0.0],
                                           gmm.GMMParams.from_1d([1.0], [0.0], [1.0]))
        with pytest.raises(ValueError, match=r"component 0 is not positive definite"):
            gmm.m_step_from_statistics(stats_, reg_covar=0.0)


PARAMS_2D_FAITHFUL = gmm.GMMParams(
    [0.4, 0.6], [[2.0, 55.0], [4.5, 80.0]],
    [[[0.2, 0.5], [0.5, 40.0]], [[0.2, 0.5], [0.5, 40.0]]],
)


class TestSpeedMeasures:
    def test_no_subnormal_responsibilities(self):
        # A point 38 standard deviations from one component: exp(-722) would be subnormal.
        params = gmm.GMMParams.from_1d([0.5, 0.5], [0.0, 38.0], [1.0, 1.0])
        x = np.array([0.0, 38.0, 19.0, 1.5])
        resp, _ = gmm.e_step(x, params)
        tiny = np.finfo(np.float64).tiny
        assert np.all((resp == 0) | (resp >= tiny))
        assert resp[0, 1] == 0.0 and resp[1, 0] == 0.0

    def test_floor_does_not_change_the_fit(self, monkeypatch):
        rng = np.random.default_rng(0)
        means = rng.normal(0.0, 6.0, (3, 50))
        x = np.concatenate([rng.normal(m, 1.0, (200, 50)) for m in means])
        init = gmm.GMMParams(np.full(3, 1 / 3), means + 0.5, np.repeat(np.eye(50)[None], 3, axis=0))
        floored = gmm.fit(x, 3, init=init, max_iter=3, tol=0)
        monkeypatch.setattr(gmm, "_LOG_RESP_FLOOR", -np.inf)
        exact = gmm.fit(x, 3, init=init, max_iter=3, tol=0)
        np.testing.assert_allclose(floored.params.means, exact.params.means, rtol=1e-15, atol=1e-15)
        np.testing.assert_array_equal(floored.log_likelihoods, exact.log_likelihoods)

    def test_batched_triangular_inverse(self):
        rng = np.random.default_rng(2)
        a = rng.normal(size=(4, 6, 6))
        cholesky = np.linalg.cholesky(a @ a.transpose(0, 2, 1) + 6 * np.eye(6))
        inverse = gmm._inverse_cholesky(cholesky)
        np.testing.assert_allclose(inverse, np.linalg.inv(cholesky), rtol=1e-12, atol=1e-14)
        assert np.all(np.triu(inverse, 1) == 0.0)

    def test_scipy_is_not_imported(self):
        import subprocess
        import sys

        code = "import sys, emteach.gmm; print('scipy' in sys.modules)"
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        assert out.stdout.strip() == "False"
