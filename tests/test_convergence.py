"""Tests for emteach.convergence: rates, Aitken, plain iteration and SQUAREM."""

import math

import numpy as np
import pytest

from emteach import convergence, gmm, linkage
from emteach.data import linkage_counts, two_processes

COUNTS = linkage_counts()
PI_HAT = (15 + math.sqrt(15**2 + 4 * 197 * 68)) / (2 * 197)  # root of 197 pi^2 - 15 pi - 68


def linkage_map(pi):
    return linkage.em_map(pi, COUNTS)


def linkage_objective(pi):
    return linkage.log_likelihood(pi, COUNTS)


def test_linear_rate_of_a_geometric_sequence():
    path = 3.0 + 2.0 * 0.7 ** np.arange(60)
    assert convergence.linear_rate(path) == pytest.approx(0.7, rel=1e-6)


def test_linear_rate_of_a_linear_map_is_its_largest_eigenvalue():
    jacobian = np.array([[0.9, 0.05], [0.0, 0.3]])
    theta = [np.array([1.0, 1.0])]
    for _ in range(200):
        theta.append(jacobian @ theta[-1])
    assert convergence.linear_rate(np.array(theta)) == pytest.approx(0.9, rel=1e-4)


def test_linear_rate_of_linkage_em_matches_the_analytic_derivative():
    a = 125 * PI_HAT / (2 + PI_HAT)
    derivative = (250 / (2 + PI_HAT) ** 2) * 38 / (a + 72) ** 2  # d/dpi of (a + 34) / (a + 72)
    path = linkage.fit(COUNTS, 0.5, max_iter=40).history  # the tail is pure rounding noise
    assert convergence.linear_rate(path) == pytest.approx(derivative, rel=1e-4)
    assert derivative == pytest.approx(0.1328, abs=1e-4)


def test_linear_rate_refuses_a_path_without_steps():
    with pytest.raises(ValueError, match="at least two steps above rounding error"):
        convergence.linear_rate([1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="shape"):
        convergence.linear_rate(np.zeros((3, 2, 2)))
    with pytest.raises(ValueError, match="finite numbers"):
        convergence.linear_rate([1.0, np.nan, 0.5])


def test_aitken_recovers_the_limit_of_a_geometric_sequence():
    path = 5.0 - 0.8 ** np.arange(6)
    np.testing.assert_allclose(convergence.aitken(path), 5.0, atol=1e-12)
    assert convergence.aitken([1.0, 1.0, 1.0]).tolist() == [1.0]  # no step: the value itself
    with pytest.raises(ValueError, match="n >= 3"):
        convergence.aitken([1.0, 2.0])


def test_iterate_counts_one_evaluation_per_iteration():
    calls = []

    def counted(pi):
        calls.append(pi)
        return linkage_map(pi)

    result = convergence.iterate(counted, 0.5, tol=1e-12)
    assert result.n_evaluations == len(calls) == result.n_iter
    assert result.converged and result.theta == pytest.approx(PI_HAT, abs=1e-12)
    np.testing.assert_allclose(result.history, linkage.fit(COUNTS, 0.5, max_iter=result.n_iter).history)


def test_squarem_reaches_the_same_fixed_point_with_fewer_evaluations_on_linkage():
    calls = []

    def counted(pi):
        calls.append(pi)
        return linkage_map(pi)

    plain = convergence.iterate(linkage_map, 0.5, tol=1e-12)
    fast = convergence.squarem(counted, 0.5, tol=1e-12, objective=linkage_objective)
    assert fast.converged and fast.n_evaluations == len(calls)
    assert fast.theta == pytest.approx(PI_HAT, abs=1e-11)
    assert fast.n_evaluations < plain.n_evaluations
    assert isinstance(fast.theta, float) and fast.history[0] == 0.5


def slow_mixture():
    x, _ = two_processes(n=(100, 100), means=(0.0, 2.5), sds=(1.0, 1.0), seed=1)
    em_map, objective, pack, unpack = convergence.mixture_map(x, 2, 1)
    start = pack(gmm.GMMParams.from_1d([0.5, 0.5], [-1.0, 3.0], [1.0, 1.0]))
    return x, em_map, objective, pack, unpack, start


def test_mixture_map_is_one_gmm_iteration():
    x, em_map, objective, pack, unpack, start = slow_mixture()
    params = unpack(start)
    expected = gmm.m_step(x, gmm.e_step(x, params)[0])
    np.testing.assert_allclose(unpack(em_map(start)).means, expected.means)
    np.testing.assert_allclose(unpack(em_map(start)).covariances, expected.covariances)
    assert objective(start) == pytest.approx(gmm.log_likelihood(x, params))
    assert objective(start * np.array([1, 1, 1, 1, -1, 1])) == -np.inf  # negative variance
    with pytest.raises(ValueError, match="length 6"):
        unpack(np.zeros(5))


def test_squarem_on_a_slow_mixture_saves_evaluations_and_never_lowers_the_likelihood():
    x, em_map, objective, pack, unpack, start = slow_mixture()
    calls = []

    def counted(theta):
        calls.append(1)
        return objective(theta)

    plain = convergence.iterate(em_map, start, tol=1e-6, max_iter=3000)
    fast = convergence.squarem(em_map, start, tol=1e-6, max_iter=3000, objective=counted)
    assert plain.converged and fast.converged
    assert fast.n_objective == len(calls) <= 2 * fast.n_iter and plain.n_objective == 0
    assert fast.n_evaluations + fast.n_objective < plain.n_evaluations / 2  # cheaper even counting the safeguard
    assert fast.n_evaluations < plain.n_evaluations / 3
    values = [objective(theta) for theta in fast.history]
    assert np.all(np.diff(values) >= -1e-9)
    assert objective(fast.theta) == pytest.approx(objective(plain.theta), abs=1e-6)
    np.testing.assert_allclose(np.sort(unpack(fast.theta).means[:, 0]),
                               np.sort(unpack(plain.theta).means[:, 0]), atol=1e-3)


def test_safeguard_falls_back_to_plain_em_when_the_jump_leaves_the_domain():
    # The error shrinks fast near the fixed point 0.999 and slowly far from
    # it, so a jump sized on the early steps overshoots past 1, where the map raises.
    def fragile(p):
        if not 0 < p < 1:
            raise ValueError("outside")
        error = 0.999 - p
        return 0.999 - error * (0.2 + 0.79 * abs(error))

    result = convergence.squarem(fragile, 0.1, tol=1e-12, max_iter=200)
    assert result.converged and result.theta == pytest.approx(0.999, abs=1e-10)
    assert result.n_fallbacks >= 1
    assert np.all((result.history > 0) & (result.history < 1))


def test_safeguard_with_objective_rejects_a_step_that_lowers_it():
    # The jump along p -> 0.9 p lands at 0, where this objective is very low:
    # every cycle keeps its two plain EM steps instead.
    def linear(p):
        return 0.9 * p

    def objective(p):
        return -((p - 0.5) ** 2) if p > 0.3 else -100.0

    kept = convergence.squarem(linear, 1.0, tol=1e-9, max_iter=3, objective=objective)
    assert kept.n_fallbacks == 3 and kept.n_evaluations == 9
    np.testing.assert_allclose(kept.history, [1.0, 0.81, 0.6561, 0.531441])
    jumped = convergence.squarem(linear, 1.0, tol=1e-9, max_iter=3)  # no objective: the jump is kept
    assert jumped.n_fallbacks == 0 and jumped.history[1] == pytest.approx(0.0, abs=1e-12)


def test_bad_arguments():
    with pytest.raises(TypeError, match="em_map to be callable"):
        convergence.squarem(3.0, 0.5)
    with pytest.raises(TypeError, match="objective to be callable"):
        convergence.squarem(linkage_map, 0.5, objective="loglik")
    with pytest.raises(ValueError, match="theta0 to hold finite numbers"):
        convergence.squarem(linkage_map, np.nan)
    with pytest.raises(ValueError, match="max_iter"):
        convergence.iterate(linkage_map, 0.5, max_iter=0)
    with pytest.raises(ValueError, match="tol >= 0"):
        convergence.squarem(linkage_map, 0.5, tol=-1.0)


def test_linear_rate_explains_a_path_too_short_to_measure():
    # found by `make mutate`: the message must say what was counted and what to do
    with pytest.raises(ValueError, match=r"^Expected a path with at least two steps above rounding error, got 0 "
                                         r"\(history has 3 entries\): run more iterations or start farther from "
                                         r"the fixed point$"):
        convergence.linear_rate([1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match=r"got 1 \(history has 3 entries\)"):
        convergence.linear_rate([0.0, 0.5, 0.5])  # one real step, then none


def test_linear_rate_needs_exactly_two_steps():
    # near miss of the "at least two steps" rule: two geometric steps are enough
    assert convergence.linear_rate([1.0, 0.5, 0.25]) == pytest.approx(0.5)


# ---------------------------------------------------------------------------
# Which steps the rate counts, exact stopping rules and counts (found by `make mutate`)
# ---------------------------------------------------------------------------


def path_from_steps(steps, start=0.0):
    """A scalar path theta_0, theta_0 + s_0, ... with the given step lengths."""
    return start + np.concatenate([[0.0], np.cumsum(steps)])


def test_linear_rate_takes_the_median_of_the_later_half_of_the_ratios():
    # step ratios 0.1, 0.1, 0.2, 0.3, 0.4, 0.5: the later half is 0.3, 0.4, 0.5, median 0.4
    steps = np.cumprod([1e-2, 0.1, 0.1, 0.2, 0.3, 0.4, 0.5])
    assert convergence.linear_rate(path_from_steps(steps)) == pytest.approx(0.4, rel=1e-9)


def test_linear_rate_stops_at_the_first_step_below_rounding_error():
    # steps 1, 0.5, 0.25, then a stall (0), then 1, 0.9, 0.81: only the unbroken run from the
    # start counts, ratios 0.5 and 0.5
    steps = [1.0, 0.5, 0.25, 0.0, 1.0, 0.9, 0.81]
    assert convergence.linear_rate(path_from_steps(steps)) == pytest.approx(0.5, rel=1e-12)


def test_linear_rate_floor_is_relative_to_the_size_of_the_parameters():
    # Parameters below 1: a step of 1.5e-8 is above the floor of 1e-8 and counts,
    # ratios 0.5, 0.5, 1.2e-7 -> median of (0.5, 1.2e-7)
    small = path_from_steps([0.5, 0.25, 0.125, 1.5e-8])
    assert convergence.linear_rate(small) == pytest.approx((0.5 + 1.2e-7) / 2, rel=1e-6)
    # Parameters near 100: the floor is 1e-6, so a step of 1e-8 is rounding noise and is left out
    large = path_from_steps([10.0, 5.0, 2.5, 1e-8], start=90.0)
    assert convergence.linear_rate(large) == pytest.approx(0.5, rel=1e-9)


@pytest.mark.parametrize("call", [lambda bad: convergence.linear_rate(bad), lambda bad: convergence.aitken(bad)])
def test_rate_and_aitken_name_the_history_in_errors(call):
    with pytest.raises(ValueError, match=r"^Expected history to hold finite numbers, got 1 NaN or infinite value\(s\)$"):
        call([1.0, np.nan, 0.5, 0.25])


def test_iterate_stops_only_when_a_step_is_shorter_than_tol():
    # p -> p / 2 from 1: steps 0.5, 0.25, 0.125; a step equal to tol does not stop the run
    result = convergence.iterate(lambda p: p / 2, 1.0, tol=0.25)
    np.testing.assert_array_equal(result.history, [1.0, 0.5, 0.25, 0.125])
    assert result.theta == 0.125 and result.n_iter == result.n_evaluations == 3
    assert result.converged is True and result.n_fallbacks == 0 and result.n_objective == 0


def test_iterate_with_one_iteration_and_a_run_that_does_not_converge():
    one = convergence.iterate(linkage_map, 0.5, max_iter=1)
    assert one.history.tolist() == [0.5, pytest.approx(59 / 97)] and one.converged is False
    drifting = convergence.iterate(lambda p: p + 1.0, 0.0)  # the default max_iter: 500
    assert drifting.n_iter == drifting.n_evaluations == 500 and drifting.theta == 500.0
    assert drifting.converged is False and drifting.n_fallbacks == 0


def test_iterate_default_tol_is_1e_10():
    result = convergence.iterate(linkage_map, 0.5)
    # an independent loop with the documented rule: stop at the first step shorter than 1e-10
    pi, n = 0.5, 0
    while True:
        a = 125 * pi / (2 + pi)
        new = (a + 34) / (a + 72)
        n += 1
        if abs(new - pi) < 1e-10:
            break
        pi = new
    assert result.converged and result.n_iter == n and result.theta == pytest.approx(new, abs=1e-15)


def test_map_values_become_float_vectors():
    # a map that returns integers still yields float parameters
    result = convergence.iterate(lambda v: np.array([1, 2]), np.zeros(2), tol=0.5)
    assert result.theta.dtype == np.float64 and result.theta.tolist() == [1.0, 2.0]
    fast = convergence.squarem(lambda v: np.array([1, 2]), np.zeros(2), tol=0.5)
    assert fast.theta.dtype == np.float64 and fast.theta.tolist() == [1.0, 2.0]


def test_squarem_jumps_to_the_fixed_point_of_a_linear_map():
    # One S3 cycle from 1 for p -> p / 2: r = -0.5, v = 0.25, alpha = -2,
    # theta' = 1 - 2 (-2)(-0.5) + 4 (0.25) = 0, then M(0) = 0. The next cycle's
    # first step is 0 < tol. A first step of exactly tol = 0.5 does not stop the run.
    result = convergence.squarem(lambda p: p / 2, 1.0, tol=0.5)
    np.testing.assert_array_equal(result.history, [1.0, 0.0, 0.0])
    assert result.converged is True and result.n_evaluations == 4 and result.n_iter == 2
    assert result.n_fallbacks == 0


def test_squarem_with_equal_steps_takes_the_plain_steps():
    # p -> p + 1: v = 0, so alpha = -1 and no extrapolation; two evaluations per cycle
    result = convergence.squarem(lambda p: p + 1.0, 0.0, max_iter=3)
    np.testing.assert_array_equal(result.history, [0.0, 2.0, 4.0, 6.0])
    assert result.theta == 6.0 and result.n_evaluations == 6 and result.n_iter == 3
    assert result.converged is False and result.n_fallbacks == 0
    default = convergence.squarem(lambda p: p + 1.0, 0.0)  # the default max_iter: 500 cycles
    assert default.n_iter == 500 and default.theta == 1000.0 and default.converged is False


def test_squarem_default_tol_reaches_the_mle():
    result = convergence.squarem(linkage_map, 0.5)
    assert result.converged and result.theta == pytest.approx(PI_HAT, abs=1e-10)


def test_squarem_counts_a_failed_call_of_the_map():
    calls = []

    def fragile(p):  # as in the safeguard test above; raises outside (0, 1)
        calls.append(p)
        if not 0 < p < 1:
            raise ValueError("outside")
        error = 0.999 - p
        return 0.999 - error * (0.2 + 0.79 * abs(error))

    result = convergence.squarem(fragile, 0.1, tol=1e-12, max_iter=200)
    failed = [p for p in calls if not 0 < p < 1]
    assert len(failed) == result.n_fallbacks >= 1
    assert result.n_evaluations == len(calls)


def test_squarem_rejects_a_jump_to_where_the_map_is_not_finite():
    def fragile(p):  # like the test above, but returns NaN outside (0, 1) instead of raising
        if not 0 < p < 1:
            return math.nan
        error = 0.999 - p
        return 0.999 - error * (0.2 + 0.79 * abs(error))

    result = convergence.squarem(fragile, 0.1, tol=1e-12, max_iter=200)
    assert result.converged and result.theta == pytest.approx(0.999, abs=1e-10)
    assert result.n_fallbacks >= 1 and np.all(np.isfinite(result.history))


def test_safeguard_keeps_a_jump_that_ties_and_rejects_one_whose_objective_fails():
    def linear(p):
        return 0.9 * p

    flat = convergence.squarem(linear, 1.0, tol=1e-9, max_iter=3, objective=lambda p: 0.0)
    assert flat.n_fallbacks == 0 and flat.history[1] == pytest.approx(0.0, abs=1e-12)  # equal is not lower

    def undefined_below(p):
        if p < 0.3:
            raise ValueError("no objective here")
        return -((p - 0.5) ** 2)

    kept = convergence.squarem(linear, 1.0, tol=1e-9, max_iter=3, objective=undefined_below)
    assert kept.n_fallbacks == 3
    np.testing.assert_allclose(kept.history, [1.0, 0.81, 0.6561, 0.531441])


def test_objective_receives_the_parameter_vector():
    seen = []

    def objective(theta):
        seen.append(np.shape(theta))
        return -float(np.sum(np.asarray(theta) ** 2))

    convergence.squarem(lambda v: 0.5 * v, np.array([1.0, 2.0]), max_iter=2, objective=objective)
    assert seen and set(seen) == {(2,)}


def test_arguments_are_named_in_errors():
    with pytest.raises(TypeError, match=r"^Expected em_map to be callable, got float$"):
        convergence.iterate(3.0, 0.5)
    with pytest.raises(TypeError, match=r"^Expected objective to be callable or None, got str$"):
        convergence.squarem(linkage_map, 0.5, objective="loglik")
    with pytest.raises(ValueError, match=r"^Expected theta0 as a number or a vector, got shape \(2, 2\)$"):
        convergence.squarem(lambda v: v, np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"^Expected max_iter to be an integer >= 1, got max_iter=0$"):
        convergence.iterate(linkage_map, 0.5, max_iter=0)
    with pytest.raises(ValueError, match=r"^Expected n_components to be an integer >= 1, got n_components=0$"):
        convergence.mixture_map(np.zeros(3), 0, 1)
    with pytest.raises(ValueError, match=r"^Expected n_features to be an integer >= 1, got n_features=0$"):
        convergence.mixture_map(np.zeros(3), 1, 0)


def test_mixture_map_with_one_component_gives_the_sample_mean_and_variance():
    x = np.array([0.0, 1.0, 2.0, 5.0])
    em_map, objective, pack, unpack = convergence.mixture_map(x, 1, 1, reg_covar=0.5)
    # one component: weight 1, the mean 2, the variance (4 + 1 + 0 + 9) / 4 = 3.5, plus reg_covar
    np.testing.assert_allclose(em_map(np.array([1.0, 0.0, 1.0])), [1.0, 2.0, 3.5 + 0.5])
    with pytest.raises(ValueError, match=r"^Expected a parameter vector of length 3, got shape \(2,\)$"):
        unpack(np.zeros(2))


def test_mixture_map_in_two_dimensions_packs_weights_means_and_covariances():
    rng = np.random.default_rng(3)
    x = np.vstack([rng.normal(-2.0, 1.0, size=(30, 2)), rng.normal(2.0, 1.0, size=(30, 2))])
    em_map, objective, pack, unpack = convergence.mixture_map(x, 2, 2)
    params = gmm.GMMParams(np.array([0.4, 0.6]), np.array([[-1.0, -1.0], [1.0, 1.0]]),
                           np.array([np.eye(2), 2.0 * np.eye(2)]))
    vector = pack(params)
    assert vector.shape == (2 + 2 * 2 + 2 * 2 * 2,)
    np.testing.assert_allclose(unpack(vector).covariances, params.covariances)
    expected = gmm.m_step(x, gmm.e_step(x, params)[0])
    np.testing.assert_allclose(em_map(vector), np.concatenate([expected.weights, expected.means.ravel(),
                                                               expected.covariances.ravel()]))
    with pytest.raises(ValueError, match=r"^Expected a parameter vector of length 14, got shape \(13,\)$"):
        unpack(vector[:-1])


def test_mixture_map_rescales_the_weights_and_refuses_invalid_ones():
    x = np.array([0.0, 1.0, 4.0])
    em_map, objective, pack, unpack = convergence.mixture_map(x, 2, 1)
    for weights in ([1.0, 3.0], [0.1, 0.3]):  # sums 4 and 0.4: rescaled to sum to one
        np.testing.assert_allclose(unpack([*weights, 0.0, 1.0, 1.0, 1.0]).weights, [0.25, 0.75])
    with pytest.raises(ValueError, match="non-negative weights"):
        em_map(np.array([-1.0, -1.0, 0.0, 1.0, 1.0, 1.0]))
    assert objective(np.array([-1.0, -1.0, 0.0, 1.0, 1.0, 1.0])) == -np.inf
    with pytest.raises(ValueError, match="weights summing to 1, got a sum of 0.0"):
        unpack(np.array([0.0, 0.0, 0.0, 1.0, 1.0, 1.0]))
