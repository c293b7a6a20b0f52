"""Tests for emteach.linkage (and data.linkage_counts), against closed forms."""

import math

import numpy as np
import pytest
from scipy import optimize

from emteach import linkage
from emteach.data import linkage_counts

COUNTS = (125, 18, 20, 34)


def quadratic_root():
    """The MLE from the score equation written out by hand: 197 pi^2 - 15 pi - 68 = 0."""
    a, b, c = 197.0, -15.0, -68.0
    return (-b + math.sqrt(b * b - 4 * a * c)) / (2 * a)


def naive_log_likelihood(pi, counts=COUNTS):
    y1, y2, y3, y4 = counts
    return y1 * math.log(0.5 + pi / 4) + (y2 + y3) * math.log((1 - pi) / 4) + y4 * math.log(pi / 4)


def test_counts_are_the_published_ones():
    counts = linkage_counts()
    assert counts.tolist() == [125, 18, 20, 34] and counts.sum() == 197
    counts[0] = 0  # a fresh array every call
    assert linkage_counts()[0] == 125


def test_mle_is_the_root_of_the_quadratic_and_maximises_the_likelihood():
    assert linkage.mle(COUNTS) == pytest.approx(quadratic_root(), rel=1e-14)
    best = optimize.minimize_scalar(lambda p: -naive_log_likelihood(p), bounds=(1e-9, 1 - 1e-9),
                                    method="bounded", options={"xatol": 1e-12})
    assert linkage.mle(COUNTS) == pytest.approx(best.x, abs=1e-7)
    assert linkage.log_likelihood(0.6, COUNTS) == pytest.approx(naive_log_likelihood(0.6))


def test_em_converges_to_the_mle_and_never_lowers_the_likelihood():
    result = linkage.fit(COUNTS, 0.5, max_iter=30)
    assert result.history[0] == 0.5 and result.history.shape == (31,)
    assert result.pi == pytest.approx(quadratic_root(), abs=1e-14)
    assert np.all(np.diff(result.log_likelihoods) >= -1e-12)
    assert result.log_likelihoods[0] == pytest.approx(naive_log_likelihood(0.5))
    # First step by hand: hidden = 125 * 0.5 / 2.5 = 25, pi = (25 + 34) / (25 + 72) = 59 / 97.
    assert result.history[1] == pytest.approx(59 / 97)


def test_tol_stops_and_flags_convergence():
    result = linkage.fit(COUNTS, 0.1, max_iter=100, tol=1e-10)
    assert result.converged and result.n_iter < 20
    assert abs(result.history[-1] - result.history[-2]) < 1e-10
    assert not linkage.fit(COUNTS, 0.1, max_iter=3).converged


def test_rate_is_the_derivative_of_the_map_and_the_missing_information():
    pi = quadratic_root()
    # Derivative of M(pi) = (a + 34) / (a + 72), a = 125 pi / (2 + pi), by a central difference.
    def em_map(p):
        a = 125 * p / (2 + p)
        return (a + 34) / (a + 72)
    h = 1e-6
    derivative = (em_map(pi + h) - em_map(pi - h)) / (2 * h)
    assert derivative == pytest.approx(0.1328, abs=5e-5)
    assert linkage.em_map_derivative(pi, COUNTS) == pytest.approx(derivative, rel=1e-8)
    assert linkage.missing_information_fraction(COUNTS) == pytest.approx(derivative, rel=1e-8)
    # Observed information = minus the second derivative of the log-likelihood.
    second = (naive_log_likelihood(pi + 1e-4) - 2 * naive_log_likelihood(pi)
              + naive_log_likelihood(pi - 1e-4)) / 1e-8
    assert linkage.observed_information(pi, COUNTS) == pytest.approx(-second, rel=1e-5)
    # Error ratios of the EM path settle at the rate.
    path = linkage.fit(COUNTS, 0.5, max_iter=8).history
    errors = np.abs(path - pi)
    assert errors[8] / errors[7] == pytest.approx(derivative, rel=1e-4)


def test_em_map_is_e_step_then_m_step():
    hidden = linkage.e_step(0.3, COUNTS)
    assert hidden == pytest.approx(125 * 0.3 / 2.3)
    assert linkage.em_map(0.3, COUNTS) == pytest.approx(linkage.m_step(hidden, COUNTS))
    assert linkage.em_map(0.3, COUNTS) == pytest.approx((hidden + 34) / (hidden + 72))
    assert linkage.cell_probabilities(0.3).sum() == pytest.approx(1.0)


def test_degenerate_counts_stay_finite():
    assert linkage.mle((10, 0, 0, 0)) == pytest.approx(1.0)  # nothing against pi
    assert linkage.mle((0, 5, 5, 0)) == pytest.approx(0.0)
    assert 0 < linkage.mle((1, 1, 1, 1)) < 1
    result = linkage.fit((10, 0, 0, 0), 0.5, max_iter=50)
    assert np.all(np.isfinite(result.history)) and np.all(np.isfinite(result.log_likelihoods))
    assert linkage.fit((0, 5, 5, 0), 0.5, max_iter=3).history[-1] == 0.0


def test_bad_input_messages():
    with pytest.raises(ValueError, match="non-negative counts"):
        linkage.fit((125, -18, 20, 34))
    with pytest.raises(ValueError, match="length 4"):
        linkage.mle((1, 2, 3))
    with pytest.raises(ValueError, match="finite numbers"):
        linkage.mle((1, np.nan, 3, 4))
    with pytest.raises(ValueError, match="at least one positive count"):
        linkage.mle((0, 0, 0, 0))
    for bad in (0.0, 1.0, -0.2, 1.5):
        with pytest.raises(ValueError, match="pi_init strictly between 0 and 1"):
            linkage.fit(COUNTS, bad)
        with pytest.raises(ValueError, match="pi strictly between 0 and 1"):
            linkage.em_map(bad, COUNTS)
    with pytest.raises(ValueError, match="max_iter"):
        linkage.fit(COUNTS, max_iter=0)
