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
