"""Exercise checks for chapter 6, when EM struggles.

Each checker computes the right answer itself, prints one feedback line and
returns a :class:`~emteach.checks.core.Verdict`; none raises.
"""

from __future__ import annotations

import math

import numpy as np

from emteach import kmeans
from emteach.checks.core import Verdict, _feedback, _numbers, _unanswered, check_close

__all__ = [
    "check_restart_miss",
    "check_collapse_gain",
    "check_missing_information",
    "check_lloyd_step",
]


def check_restart_miss(answer, p_best, n_starts):
    """Check the probability that every one of ``n_starts`` independent starts misses the best maximum.

    Parameters
    ----------
    answer : float
        The student's probability.
    p_best : float
        The probability that one start ends at the best maximum.
    n_starts : int
        The number of independent starts (``n_init``).

    Returns
    -------
    Verdict
        Right when within 1e-6 (relative) of (1 - p_best) ** n_starts.
    """
    return check_close(answer, (1.0 - float(p_best)) ** int(n_starts), name="P(every start misses)",
                       rtol=1e-6, atol=1e-12,
                       hint="each start misses with probability 1 - p, independently of the others.")


def check_collapse_gain(answer, factor=10.0, n_points=1, n_features=1):
    """Check how much the log-likelihood rises when a collapsed component narrows by ``factor``.

    A component sitting exactly on ``n_points`` coinciding points, with
    covariance s^2 I in d = ``n_features`` dimensions, contributes
    n_points * (log weight - d log s - d log(2 pi) / 2) once it owns them;
    dividing s by ``factor`` adds n_points * d * log(factor).

    Parameters
    ----------
    answer : float
        The student's rise in log-likelihood.
    factor : float
        How many times narrower the component gets.
    n_points : int
        How many (coinciding) points it sits on.
    n_features : int
        The dimension d.

    Returns
    -------
    Verdict
        Right when within 1e-3 (relative) of n_points * n_features * log(factor).
    """
    expected = int(n_points) * int(n_features) * math.log(float(factor))
    return check_close(answer, expected, name="the rise in log-likelihood", rtol=1e-3,
                       hint="log N(x | x, s^2 I) = -d log s - (d/2) log(2 pi): what does dividing s do?")


def check_missing_information(answer, counts=(125, 18, 20, 34)):
    """Check the fraction of missing information 1 - I_obs / I_complete at the linkage MLE.

    Parameters
    ----------
    answer : float
        The student's rate.
    counts : sequence of 4 numbers
        The linkage counts (y1, y2, y3, y4).

    Returns
    -------
    Verdict
        Right when within 1e-3 (relative) of the value computed here from
        the closed-form MLE and the two informations.
    """
    y1, y2, y3, y4 = (float(c) for c in counts)
    n = y1 + y2 + y3 + y4
    b = y1 - 2.0 * (y2 + y3) - y4
    pi = (b + math.sqrt(b * b + 8.0 * n * y4)) / (2.0 * n)
    observed = y1 / (2 + pi) ** 2 + (y2 + y3) / (1 - pi) ** 2 + y4 / pi**2
    complete = (y1 * pi / (2 + pi) + y4) / pi**2 + (y2 + y3) / (1 - pi) ** 2
    return check_close(answer, 1.0 - observed / complete, name="the fraction of missing information",
                       rtol=1e-3, hint="I_complete fills in the hidden count by its expectation y1 pi / (2 + pi).")


def check_lloyd_step(answer, x, centers):
    """Check the centres after one iteration of Lloyd's algorithm.

    Parameters
    ----------
    answer : array_like of shape (n_clusters, n_features)
        The student's new centres.
    x : array_like of shape (n_samples, n_features)
        The data.
    centers : array_like of shape (n_clusters, n_features)
        The centres before the iteration (every cluster gets a point).

    Returns
    -------
    Verdict
        Right when every centre is within 1e-6 of the mean of the points
        nearest to the old centre.
    """
    if _unanswered(answer):
        return Verdict(False)
    x = np.asarray(x, dtype=float)
    centers = np.asarray(centers, dtype=float)
    got = _numbers(answer)
    if got is None or got.shape != centers.shape:
        shape = None if got is None else got.shape
        return _feedback(False, f"Expected the new centres as an array of shape {centers.shape}, got {shape}.")
    labels = kmeans.assign(x, centers)
    expected = kmeans.update_centers(x, labels, centers.shape[0])
    return check_close(got, expected, name="the new centres", rtol=0.0, atol=1e-6,
                       hint="assign each point to its nearest old centre, then average each group.")
