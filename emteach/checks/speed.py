"""Checks for chapter 9, making EM fast."""

from __future__ import annotations

import math

import numpy as np

from emteach import gmm
from emteach.checks.core import Verdict, _feedback, _unanswered, check_close

__all__ = [
    "check_responsibility_megabytes",
    "check_subnormal_threshold",
    "check_mahalanobis",
    "check_merged_mean",
]


def check_responsibility_megabytes(answer, n_samples, n_components):
    """Check the size in megabytes (10^6 bytes) of an (n, k) float64 responsibility array.

    Parameters
    ----------
    answer : float
    n_samples, n_components : int

    Returns
    -------
    Verdict
    """
    expected = 8.0 * n_samples * n_components / 1e6
    return check_close(answer, expected, name="megabytes", rtol=1e-3, atol=0.0,
                       hint="each float64 takes 8 bytes, and there are n times k of them.")


def check_subnormal_threshold(answer):
    """Check the log of the smallest normal double, log(2^-1022), about -708.4.

    Parameters
    ----------
    answer : float
        The value of t such that exp(t) is the smallest positive normal float64.

    Returns
    -------
    Verdict
    """
    expected = math.log(np.finfo(np.float64).tiny)
    return check_close(answer, expected, name="threshold", rtol=0.0, atol=0.05,
                       hint="the smallest normal float64 is np.finfo(np.float64).tiny = 2**-1022.")


def check_mahalanobis(answer, point, mean, covariance):
    """Check a squared Mahalanobis distance (x - mu)^T C^-1 (x - mu).

    Parameters
    ----------
    answer : float
    point, mean : array_like of shape (d,)
    covariance : array_like of shape (d, d)

    Returns
    -------
    Verdict
    """
    r = np.asarray(point, dtype=float) - np.asarray(mean, dtype=float)
    expected = float(r @ np.linalg.solve(np.asarray(covariance, dtype=float), r))
    return check_close(answer, expected, name="squared distance", rtol=1e-8,
                       hint="solve L y = x - mu with L = cholesky(C), then sum y squared.")


def check_merged_mean(answer, first, second):
    """Check the new mean of component 0 from two chunks' statistics.

    Parameters
    ----------
    answer : float or array_like of shape (d,)
    first, second : SufficientStatistics
        The statistics of two chunks under the same parameters.

    Returns
    -------
    Verdict
    """
    if _unanswered(answer):
        return Verdict(False)
    if not (isinstance(first, gmm.SufficientStatistics)
            and isinstance(second, gmm.SufficientStatistics)):
        return _feedback(False, "Expected two SufficientStatistics records to check against.")
    sizes = first.sizes[0] + second.sizes[0]
    weighted = (first.sums[0] + first.sizes[0] * first.shift[0]
                + second.sums[0] + second.sizes[0] * second.shift[0])
    expected = weighted / sizes
    if np.ndim(answer) == 0 and expected.size == 1:
        expected = expected[0]
    return check_close(answer, expected, name="mean of component 0", rtol=1e-9,
                       hint="add the sizes and the weighted sums of both chunks first, then divide; "
                            "sums are measured from shift, so add sizes * shift back.")
