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


# ---------------------------------------------------------------------------
# Degenerate counts, the record of a fit and the named errors (found by `make mutate`)
# ---------------------------------------------------------------------------


def naive_terms(pi, counts):
    """sum_j counts[j] log p_j(pi), a category with no count contributing 0."""
    probabilities = (0.5 + pi / 4, (1 - pi) / 4, (1 - pi) / 4, pi / 4)
    return sum(y * math.log(p) for y, p in zip(counts, probabilities) if y > 0)


@pytest.mark.parametrize("counts", [(1, 1, 1, 1), (3, 0, 2, 4), (7, 1, 0, 1)])
def test_fit_records_the_log_likelihood_of_every_step(counts):
    result = linkage.fit(counts, 0.3, max_iter=5)
    assert result.n_iter == 5 and result.history.shape == (6,)
    expected = [naive_terms(pi, counts) for pi in result.history]
    np.testing.assert_allclose(result.log_likelihoods, expected, rtol=1e-13)


def test_fit_record_after_one_and_after_the_default_number_of_iterations():
    one = linkage.fit(COUNTS, 0.5, max_iter=1)
    assert one.n_iter == 1 and one.pi == pytest.approx(59 / 97) and one.converged is False
    default = linkage.fit(COUNTS)  # tol = 0: exactly the default 100 iterations run
    assert default.n_iter == 100 and default.history.shape == (101,) and default.converged is False


def test_m_step_with_one_observed_category():
    # (hidden + y4) / (hidden + y2 + y3 + y4), each count alone
    assert linkage.m_step(0.0, (0, 0, 0, 1)) == 1.0
    assert linkage.m_step(0.0, (0, 1, 0, 0)) == 0.0
    assert linkage.m_step(0.0, (0, 0, 1, 0)) == 0.0
    assert linkage.m_step(0.5, (1, 1, 0, 1)) == pytest.approx(1.5 / 2.5)
    assert linkage.m_step(0.0, COUNTS) == pytest.approx(34 / 72)
    with pytest.raises(ValueError, match=r"^Expected hidden \+ counts\[1:\] > 0, got hidden=0.0 and "
                                         r"counts=\[5.0, 0.0, 0.0, 0.0\]$"):
        linkage.m_step(0.0, (5, 0, 0, 0))
    with pytest.raises(ValueError, match=r"^Expected hidden >= 0.0, got hidden=-1.0$"):
        linkage.m_step(-1.0, COUNTS)


def test_single_animal_is_a_valid_sample():
    # one animal in the pi/4 category: the likelihood pi / 4 is largest at pi = 1
    assert linkage.mle((0, 0, 0, 1)) == pytest.approx(1.0)


def mle_by_optimiser(counts):
    best = optimize.minimize_scalar(lambda p: -naive_terms(p, counts), bounds=(1e-9, 1 - 1e-9),
                                    method="bounded", options={"xatol": 1e-12})
    return best.x


@pytest.mark.parametrize("counts", [(10, 1, 1, 0), (1, 1, 1, 1), (2, 9, 4, 5)])
def test_mle_matches_the_optimiser_on_both_branches_of_the_quadratic(counts):
    # (10, 1, 1, 0): no y4, the root of 10 / (2 + pi) = 2 / (1 - pi) is 1/2; the others have b > 0
    assert linkage.mle(counts) == pytest.approx(mle_by_optimiser(counts), abs=1e-7)
    assert linkage.mle((10, 1, 1, 0)) == pytest.approx(0.5, abs=1e-15)


def reference_mle(counts):
    """The positive root of n pi^2 + b pi - 2 y4 = 0 in 50-digit decimal arithmetic."""
    from decimal import Decimal, getcontext

    getcontext().prec = 50
    y1, y2, y3, y4 = (Decimal(int(v)) for v in counts)
    n = y1 + y2 + y3 + y4
    b = -(y1 - 2 * (y2 + y3) - y4)
    return float((-b + (b * b + 8 * n * y4).sqrt()) / (2 * n))


@pytest.mark.parametrize("counts", [(10**9, 0, 0, 1), (0, 10**9, 0, 1), (10**8, 3, 2, 1), (1, 10**8, 10**8, 3)])
def test_mle_keeps_full_precision_for_lopsided_counts(counts):
    # b^2 dwarfs 8 n y4 here: the textbook formula would lose about half the digits
    assert linkage.mle(counts) == pytest.approx(reference_mle(counts), rel=1e-14, abs=0.0)


def test_missing_information_fraction_at_a_given_pi():
    pi = 0.3
    observed = 125 / (2 + pi) ** 2 + 38 / (1 - pi) ** 2 + 34 / pi**2
    complete = (125 * pi / (2 + pi) + 34) / pi**2 + 38 / (1 - pi) ** 2
    assert linkage.missing_information_fraction(COUNTS, pi) == pytest.approx(1 - observed / complete, rel=1e-13)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: linkage.mle((1, np.nan, 3, 4)),
         r"^Expected counts to hold finite numbers, got 1 NaN or infinite value\(s\)$"),
        (lambda: linkage.em_map("0.5", COUNTS), r"^Expected pi to be a real number, got '0.5'$"),
        (lambda: linkage.m_step("1", COUNTS), r"^Expected hidden to be a real number, got '1'$"),
        (lambda: linkage.fit(COUNTS, max_iter=0), r"^Expected max_iter to be an integer >= 1, got max_iter=0$"),
        (lambda: linkage.fit(COUNTS, tol=-1.0), r"^Expected tol >= 0.0, got tol=-1.0$"),
        (lambda: linkage.fit(COUNTS, tol="small"), r"^Expected tol to be a real number, got 'small'$"),
    ],
)
def test_errors_name_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()
