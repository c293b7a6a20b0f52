"""Tests for emteach.coins (the two-coin EM of Do & Batzoglou, 2008)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from emteach import coins
from emteach.data import coin_sets, coin_tosses

HEADS, N_TOSSES = coin_sets()


def naive_posterior(heads, n, theta):
    """Bayes' rule in probability space with scipy's binomial, for reference."""
    like = np.array([[stats.binom.pmf(h, n, t) for t in theta] for h in heads])
    return like / like.sum(axis=1, keepdims=True)


class TestPaperNumbers:
    def test_first_iteration(self):
        result = coins.fit(HEADS, N_TOSSES, max_iter=1)
        np.testing.assert_allclose(result.theta, [0.71, 0.58], atol=0.005)

    def test_tenth_iteration(self):
        result = coins.fit(HEADS, N_TOSSES)
        assert result.n_iter == 10
        np.testing.assert_allclose(result.history[1], [0.71, 0.58], atol=0.005)
        np.testing.assert_allclose(result.theta, [0.80, 0.52], atol=0.005)

    def test_first_e_step_expected_counts(self):
        # Figure 1b: set 1 gives about 2.2 H, 2.2 T to A and 2.8 H, 2.8 T to B;
        # set 2 about 7.2 H, 0.8 T to A; the column totals are 21.3 H, 8.6 T
        # for A and 11.7 H, 8.4 T for B.
        resp = coins.e_step(HEADS, N_TOSSES, [0.6, 0.5])
        counts = coins.expected_counts(HEADS, N_TOSSES, resp)
        assert counts.shape == (5, 2, 2)
        np.testing.assert_allclose(counts[0], [[2.2, 2.2], [2.8, 2.8]], atol=0.05)
        np.testing.assert_allclose(counts[1, 0], [7.2, 0.8], atol=0.05)
        np.testing.assert_allclose(counts.sum(axis=0), [[21.3, 8.6], [11.7, 8.4]], atol=0.05)

    def test_complete_data_mle(self):
        tosses, labels = coin_tosses()
        theta = coins.complete_data_mle(tosses.sum(axis=1), tosses.shape[1], labels)
        np.testing.assert_allclose(theta, [0.80, 0.45], rtol=1e-12)


class TestSteps:
    def test_e_step_matches_naive_bayes(self):
        theta = [0.6, 0.5]
        np.testing.assert_allclose(
            coins.e_step(HEADS, N_TOSSES, theta), naive_posterior(HEADS, 10, theta), rtol=1e-12
        )

    def test_e_step_with_many_tosses_does_not_underflow(self):
        resp = coins.e_step([900, 100], 2000, [0.45, 0.05])
        assert np.all(np.isfinite(resp))
        np.testing.assert_allclose(resp.sum(axis=1), 1.0)
        np.testing.assert_allclose(resp, [[1.0, 0.0], [0.0, 1.0]], atol=1e-12)

    def test_m_step_is_expected_heads_over_expected_tosses(self):
        resp = coins.e_step(HEADS, N_TOSSES, [0.6, 0.5])
        counts = coins.expected_counts(HEADS, N_TOSSES, resp).sum(axis=0)
        np.testing.assert_allclose(
            coins.m_step(HEADS, N_TOSSES, resp), counts[:, 0] / counts.sum(axis=1), rtol=1e-12
        )

    def test_m_step_maximises_the_expected_complete_log_likelihood(self):
        resp = coins.e_step(HEADS, N_TOSSES, [0.6, 0.5])
        best = coins.m_step(HEADS, N_TOSSES, resp)
        best_value = coins.lower_bound(HEADS, N_TOSSES, best, resp)
        grid = np.linspace(0.01, 0.99, 99)
        for a in grid[::7]:
            for b in grid[::7]:
                assert coins.lower_bound(HEADS, N_TOSSES, [a, b], resp) <= best_value + 1e-12

    def test_per_set_tosses(self):
        resp = coins.e_step([1, 9], [2, 10], [0.3, 0.8])
        expected = np.vstack([naive_posterior([1], 2, [0.3, 0.8]),
                              naive_posterior([9], 10, [0.3, 0.8])])
        np.testing.assert_allclose(resp, expected, rtol=1e-12)

    def test_log_likelihood_matches_naive(self):
        theta = np.array([0.7, 0.4])
        seq = HEADS * np.log(theta)[:, None] + (10 - HEADS) * np.log(1 - theta)[:, None]
        expected = np.sum(np.log(0.5 * np.exp(seq[0]) + 0.5 * np.exp(seq[1])))
        assert coins.log_likelihood(HEADS, N_TOSSES, theta) == pytest.approx(expected, rel=1e-13)


class TestLowerBound:
    def test_equals_log_likelihood_at_the_posterior(self):
        theta = [0.6, 0.5]
        resp = coins.e_step(HEADS, N_TOSSES, theta)
        assert coins.lower_bound(HEADS, N_TOSSES, theta, resp) == pytest.approx(
            coins.log_likelihood(HEADS, N_TOSSES, theta), rel=1e-13
        )

    def test_hard_assignments_with_zeros(self):
        resp = np.array([[1.0, 0.0]] * 5)
        value = coins.lower_bound(HEADS, N_TOSSES, [0.6, 0.5], resp)
        assert np.isfinite(value)
        assert value < coins.log_likelihood(HEADS, N_TOSSES, [0.6, 0.5])

    @settings(max_examples=50, deadline=None)
    @given(
        st.lists(st.floats(0.0, 1.0), min_size=5, max_size=5),
        st.floats(0.01, 0.99),
        st.floats(0.01, 0.99),
    )
    def test_never_above_log_likelihood(self, p_a, theta_a, theta_b):
        resp = np.column_stack([p_a, 1.0 - np.asarray(p_a)])
        theta = [theta_a, theta_b]
        assert coins.lower_bound(HEADS, N_TOSSES, theta, resp) <= (
            coins.log_likelihood(HEADS, N_TOSSES, theta) + 1e-10
        )


class TestFit:
    def test_history_and_log_likelihoods(self):
        result = coins.fit(HEADS, N_TOSSES, max_iter=7)
        assert result.history.shape == (8, 2)
        np.testing.assert_array_equal(result.history[0], [0.6, 0.5])
        np.testing.assert_array_equal(result.history[-1], result.theta)
        assert result.log_likelihoods.shape == (8,)
        for theta, value in zip(result.history, result.log_likelihoods):
            assert value == pytest.approx(coins.log_likelihood(HEADS, N_TOSSES, theta), rel=1e-13)
        assert not result.converged

    def test_resp_is_the_last_e_step(self):
        result = coins.fit(HEADS, N_TOSSES, max_iter=4)
        np.testing.assert_allclose(
            result.resp, coins.e_step(HEADS, N_TOSSES, result.history[-2]), rtol=1e-13
        )
        np.testing.assert_allclose(
            coins.m_step(HEADS, N_TOSSES, result.resp), result.theta, rtol=1e-13
        )

    def test_steps_agree_with_fit(self):
        theta = np.array([0.6, 0.5])
        result = coins.fit(HEADS, N_TOSSES, max_iter=3)
        for row in result.history[1:]:
            theta = coins.m_step(HEADS, N_TOSSES, coins.e_step(HEADS, N_TOSSES, theta))
            np.testing.assert_allclose(theta, row, rtol=1e-13)

    def test_tol_stops_early(self):
        result = coins.fit(HEADS, N_TOSSES, max_iter=1000, tol=1e-8)
        assert result.converged
        assert result.n_iter < 1000
        assert np.max(np.abs(result.history[-1] - result.history[-2])) < 1e-8
        assert np.max(np.abs(result.history[-2] - result.history[-3])) >= 1e-8

    def test_record_is_frozen_and_read_only(self):
        result = coins.fit(HEADS, N_TOSSES, max_iter=2)
        with pytest.raises(AttributeError):
            result.theta = np.zeros(2)
        with pytest.raises(ValueError):
            result.history[0, 0] = 0.0

    @settings(max_examples=40, deadline=None)
    @given(
        st.lists(st.integers(0, 20), min_size=1, max_size=8),
        st.floats(0.01, 0.99),
        st.floats(0.01, 0.99),
    )
    def test_log_likelihood_never_decreases(self, heads, theta_a, theta_b):
        result = coins.fit(heads, 20, theta_init=(theta_a, theta_b), max_iter=15)
        diffs = np.diff(result.log_likelihoods)
        assert np.all(diffs >= -1e-10 * np.abs(result.log_likelihoods[1:]).max() - 1e-12)
        assert np.all(np.isfinite(result.history))
        np.testing.assert_allclose(result.resp.sum(axis=1), 1.0)


class TestErrors:
    @pytest.mark.parametrize(
        "heads, n_tosses, message",
        [
            ([5, 11], 10, r"Expected 0 <= heads <= n_tosses, got heads="),
            ([5, -1], 10, r"Expected 0 <= heads <= n_tosses, got heads="),
            ([5.5, 1], 10, "Expected heads to be whole numbers"),
            ([5, 1], 0, "Expected n_tosses to be whole numbers >= 1"),
            ([5, 1], [10, 10, 10], r"shape of heads \(2,\), got shape \(3,\)"),
            ([], 10, "Expected heads to hold at least one value"),
            ([[5, 1]], 10, "Expected heads to be one-dimensional"),
            ([np.nan], 10, "Expected heads to hold finite numbers"),
        ],
    )
    def test_bad_data(self, heads, n_tosses, message):
        with pytest.raises(ValueError, match=message):
            coins.e_step(heads, n_tosses, [0.6, 0.5])

    @pytest.mark.parametrize(
        "theta, message",
        [
            ([0.0, 0.5], r"strictly between 0 and 1, got \[0.0, 0.5\]"),
            ([0.6, 1.0], r"strictly between 0 and 1, got \[0.6, 1.0\]"),
            ([0.6], r"Expected theta of shape \(2,\) \(coin A, coin B\), got shape \(1,\)"),
        ],
    )
    def test_bad_theta(self, theta, message):
        with pytest.raises(ValueError, match=message):
            coins.log_likelihood(HEADS, N_TOSSES, theta)

    def test_bad_theta_init_and_settings(self):
        with pytest.raises(ValueError, match="Expected both entries of theta_init"):
            coins.fit(HEADS, N_TOSSES, theta_init=(1.2, 0.5))
        with pytest.raises(ValueError, match="Expected max_iter to be an integer >= 1, got max_iter=0"):
            coins.fit(HEADS, N_TOSSES, max_iter=0)
        with pytest.raises(ValueError, match="Expected tol >= 0.0, got tol=-0.1"):
            coins.fit(HEADS, N_TOSSES, tol=-0.1)

    def test_bad_resp(self):
        with pytest.raises(ValueError, match=r"Expected resp of shape \(5, 2\)"):
            coins.m_step(HEADS, N_TOSSES, np.full((4, 2), 0.5))
        with pytest.raises(ValueError, match="Expected every row of resp to sum to 1"):
            coins.m_step(HEADS, N_TOSSES, np.full((5, 2), 0.4))
        with pytest.raises(ValueError, match=r"Expected every entry of resp in \[0, 1\]"):
            coins.lower_bound(HEADS, N_TOSSES, [0.6, 0.5], np.tile([1.5, -0.5], (5, 1)))

    def test_bad_coin_labels(self):
        with pytest.raises(ValueError, match="Expected coins to hold 0"):
            coins.complete_data_mle(HEADS, N_TOSSES, [0, 1, 2, 0, 1])
        with pytest.raises(ValueError, match="got none for coin B"):
            coins.complete_data_mle(HEADS, N_TOSSES, [0, 0, 0, 0, 0])
        with pytest.raises(ValueError, match="Expected coins to have length 5, got length 3"):
            coins.complete_data_mle(HEADS, N_TOSSES, [0, 1, 0])


def test_coins_lower_bound_slice_touches_and_peaks_at_the_m_step():
    heads, n_tosses = coin_sets()
    grid = np.linspace(0.3, 0.98, 69)
    theta = np.array([0.6, 0.5])
    log_lik, bound, current, following = coins.lower_bound_slice(heads, n_tosses, theta, grid)
    assert np.all(bound <= log_lik + 1e-12)
    touch = np.argmin(np.abs(grid - 0.6))
    assert bound[touch] == pytest.approx(log_lik[touch])
    assert current == 0.6
    assert following == pytest.approx(coins.fit(heads, n_tosses, max_iter=1).history[1][0])
    assert abs(grid[np.argmax(bound)] - following) <= grid[1] - grid[0]


def test_lower_bound_slice_equals_a_loop_of_single_evaluations_and_takes_old_responsibilities():
    heads, n_tosses = coin_sets()
    grid = np.linspace(0.05, 0.95, 19)
    old = coins.e_step(heads, n_tosses, (0.6, 0.5))
    moved = (0.71, 0.58)
    log_lik, bound, current, following = coins.lower_bound_slice(heads, n_tosses, moved, grid, resp=old)
    np.testing.assert_allclose(log_lik, [coins.log_likelihood(heads, n_tosses, (a, moved[1])) for a in grid])
    np.testing.assert_allclose(bound, [coins.lower_bound(heads, n_tosses, (a, moved[1]), old) for a in grid])
    assert current == 0.71 and following == pytest.approx(coins.m_step(heads, n_tosses, old)[0])
    assert np.all(bound <= log_lik + 1e-12)
    with pytest.raises(ValueError, match="grid strictly between 0 and 1"):
        coins.lower_bound_slice(heads, n_tosses, moved, [0.0, 0.5])


def test_log_likelihood_grid_equals_a_double_loop():
    import math

    heads, n_tosses = coin_sets()
    grid_a, grid_b = np.linspace(0.02, 0.98, 7), np.linspace(0.1, 0.9, 5)
    surface = coins.log_likelihood_grid(heads, n_tosses, grid_a, grid_b)
    assert surface.shape == (5, 7)
    # Each entry from the binomial sequence probabilities, written out by hand.
    for i, b in enumerate(grid_b):
        for j, a in enumerate(grid_a):
            total = sum(math.log(0.5 * a ** h * (1 - a) ** (10 - h) + 0.5 * b ** h * (1 - b) ** (10 - h))
                        for h in heads)
            assert surface[i, j] == pytest.approx(total, rel=1e-12)
    with pytest.raises(ValueError, match="grid_b strictly between 0 and 1"):
        coins.log_likelihood_grid(heads, n_tosses, grid_a, [1.0])
