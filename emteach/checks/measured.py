"""Exercise checks for chapter 8, EM's advantages and disadvantages measured.

Each checker computes the right answer itself, prints one feedback line and
returns a :class:`~emteach.checks.core.Verdict`; none raises.
"""

from __future__ import annotations

import math

import numpy as np

from emteach import information
from emteach.checks.core import Verdict, _feedback, _numbers, _unanswered, check_close

__all__ = [
    "check_iterations_for_digits",
    "check_linkage_standard_error",
    "check_success_fraction",
    "check_t_weight",
]


def check_iterations_for_digits(answer, rate, digits):
    """Check how many EM iterations a linear rate needs to gain some decimal digits.

    Parameters
    ----------
    answer : object
        The student's whole number of iterations.
    rate : float
        The linear rate r in (0, 1): the error shrinks by r per iteration.
    digits : float
        Decimal digits of accuracy to gain (a factor 10**digits).

    Returns
    -------
    Verdict
        Right when ``answer`` is the smallest t with r**t <= 10**-digits,
        i.e. ceil(digits / -log10(r)).
    """
    if _unanswered(answer):
        return Verdict(False)
    expected = math.ceil(digits / -math.log10(rate) - 1e-12)
    got = _numbers(answer)
    if got is None or got.shape != () or got != np.round(got):
        return _feedback(False, "Expected a whole number of iterations.")
    if int(got) == expected:
        return _feedback(True, f"Correct: {expected} iterations ({rate:g}^{expected} = "
                               f"{rate ** expected:.2e} <= 1e-{digits:g}).")
    hint = ("Solve r^t <= 10^-digits for t: t >= digits / (-log10 r), then round up."
            if abs(int(got) - expected) > 1 else "Close: round up, not down (or the other way).")
    return _feedback(False, f"Not quite: {int(got)} iterations. Hint: {hint}")


def check_linkage_standard_error(answer, pi, counts=(125, 18, 20, 34)):
    """Check the standard error of the linkage estimate from the observed information.

    Parameters
    ----------
    answer : object
        The student's standard error of pi.
    pi : float
        The maximum-likelihood estimate.
    counts : array_like of shape (4,)
        The four counts.

    Returns
    -------
    Verdict
        Right within a relative 1e-4 of 1 / sqrt(observed information).
    """
    expected = float(information.standard_errors(information.linkage_information(pi, counts))[0])
    return check_close(answer, expected, name="the standard error", rtol=1e-4, atol=0.0,
                       hint="minus the second derivative of the log-likelihood at pi, then 1 / sqrt of it.")


def check_success_fraction(answer, finals, best, tol):
    """Check the fraction of runs whose final log-likelihood is within ``tol`` of the best.

    Parameters
    ----------
    answer : object
        The student's fraction, in [0, 1].
    finals : array_like of shape (n_runs,)
        The final log-likelihood of each run.
    best : float
        The best known maximum.
    tol : float
        A run counts when best - final <= tol.

    Returns
    -------
    Verdict
    """
    finals = np.asarray(finals, dtype=float)
    expected = float(np.mean(best - finals <= tol))
    return check_close(answer, expected, name="the fraction", rtol=0.0, atol=1e-9,
                       hint="count the runs with best - final <= tol and divide by the number of runs.")


def check_t_weight(answer, x, mean, scale, dof):
    """Check the E-step's expected precision weight of one point under a t component.

    Parameters
    ----------
    answer : object
        The student's weight.
    x, mean, scale, dof : float
        The point and the component's location, scale and degrees of freedom.

    Returns
    -------
    Verdict
        Right within a relative 1e-6 of (dof + 1) / (dof + ((x - mean) / scale)^2).
    """
    delta2 = ((x - mean) / scale) ** 2
    return check_close(answer, (dof + 1.0) / (dof + delta2), name="the weight", rtol=1e-6,
                       hint="u = (nu + 1) / (nu + delta^2), with delta the distance in scales.")
