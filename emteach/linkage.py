"""EM for the genetic linkage example of Dempster, Laird and Rubin (1977).

197 animals fall into four categories with probabilities

    (1/2 + pi/4, (1 - pi)/4, (1 - pi)/4, pi/4),    0 < pi < 1,

and the observed counts are ``counts = (125, 18, 20, 34)``
(:func:`emteach.data.linkage_counts`). The first category is the union of two
hidden ones, with probabilities 1/2 and pi/4; had we seen how its 125 animals
split, the estimate of pi would be a simple proportion. That makes it the
smallest EM problem there is: one parameter, one hidden count.

* E-step: the expected hidden count in the pi/4 half of the first category,
  ``counts[0] * pi / (2 + pi)``.
* M-step: pi = (hidden + counts[3]) / (hidden + counts[1] + counts[2] + counts[3]).

:func:`em_map` is the two together (one EM iteration), :func:`fit` loops over
it and records, and :func:`mle` gives the maximum directly: the positive root
of a quadratic. The information functions give EM's rate of convergence,
the fraction of missing information 1 - I_obs / I_complete, about 0.1328 here.

Examples
--------
>>> from emteach.data import linkage_counts
>>> counts = linkage_counts()
>>> round(mle(counts), 6)
0.626821
>>> result = fit(counts, 0.5, max_iter=8)
>>> round(result.pi, 6)
0.626821
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from emteach._validation import as_vector, check_float, check_int, read_only

__all__ = [
    "LinkageFit",
    "cell_probabilities",
    "log_likelihood",
    "e_step",
    "m_step",
    "em_map",
    "em_map_derivative",
    "fit",
    "mle",
    "observed_information",
    "complete_information",
    "missing_information_fraction",
]


@dataclass(frozen=True, eq=False)
class LinkageFit:
    """Result of :func:`fit`.

    Attributes
    ----------
    pi : float
        The final estimate.
    history : ndarray of shape (n_iter + 1,)
        pi after each iteration; entry 0 is the start ``pi_init``.
    log_likelihoods : ndarray of shape (n_iter + 1,)
        The log-likelihood of each entry of ``history``.
    n_iter : int
        The number of EM iterations run.
    converged : bool
        Whether an iteration moved pi by less than ``tol``.
    """

    pi: float
    history: np.ndarray
    log_likelihoods: np.ndarray
    n_iter: int
    converged: bool


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------

def _check_counts(counts) -> np.ndarray:
    counts = as_vector(counts, "counts")
    if counts.shape[0] != 4:
        raise ValueError(f"Expected counts of length 4 (one per category), got length {counts.shape[0]}")
    if np.any(counts < 0):
        raise ValueError(f"Expected non-negative counts, got counts={counts.tolist()}")
    if counts.sum() <= 0:
        raise ValueError(f"Expected at least one positive count, got counts={counts.tolist()}")
    return counts


def _check_pi(pi, name="pi") -> float:
    pi = check_float(pi, name)
    if not 0.0 < pi < 1.0:
        raise ValueError(f"Expected {name} strictly between 0 and 1, got {name}={pi}")
    return pi


# ---------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------

def cell_probabilities(pi) -> np.ndarray:
    """Return the four category probabilities for a given pi.

    Parameters
    ----------
    pi : float
        The linkage parameter, 0 < pi < 1.

    Returns
    -------
    ndarray of shape (4,)
        (1/2 + pi/4, (1 - pi)/4, (1 - pi)/4, pi/4); they sum to one.
    """
    pi = _check_pi(pi)
    return np.array([0.5 + pi / 4, (1 - pi) / 4, (1 - pi) / 4, pi / 4])


def log_likelihood(pi, counts) -> float:
    """Return the multinomial log-likelihood of pi, up to a constant.

    Parameters
    ----------
    pi : float
        The linkage parameter, 0 < pi < 1.
    counts : array_like of shape (4,)
        Non-negative counts of the four categories.

    Returns
    -------
    float
        sum_j counts[j] log p_j(pi).
    """
    counts = _check_counts(counts)
    return float(np.dot(counts, np.log(cell_probabilities(pi))))


def e_step(pi, counts) -> float:
    """Return the expected hidden count: the part of category 1 with probability pi/4.

    Parameters
    ----------
    pi : float
        The current linkage parameter, 0 < pi < 1.
    counts : array_like of shape (4,)
        Non-negative counts.

    Returns
    -------
    float
        counts[0] * (pi/4) / (1/2 + pi/4) = counts[0] * pi / (2 + pi).
    """
    pi = _check_pi(pi)
    counts = _check_counts(counts)
    return float(_expected_hidden(pi, counts[0]))


def m_step(hidden, counts) -> float:
    """Return the complete-data estimate of pi given the hidden count.

    Parameters
    ----------
    hidden : float
        Count of the pi/4 part of category 1, 0 <= hidden <= counts[0].
    counts : array_like of shape (4,)
        Non-negative counts.

    Returns
    -------
    float
        (hidden + counts[3]) / (hidden + counts[1] + counts[2] + counts[3]):
        the proportion of "pi" outcomes among the outcomes that carry pi.
    """
    counts = _check_counts(counts)
    hidden = check_float(hidden, "hidden", minimum=0.0)
    total = hidden + counts[1] + counts[2] + counts[3]
    if total <= 0:
        raise ValueError(f"Expected hidden + counts[1:] > 0, got hidden={hidden} and counts={counts.tolist()}")
    return float(_pi_given_hidden(hidden, counts))


def _expected_hidden(pi: float, y1: float) -> float:
    """E[hidden | y1, pi] = y1 * pi / (2 + pi), unchecked (the E-step)."""
    return y1 * pi / (2.0 + pi)


def _pi_given_hidden(hidden: float, counts: np.ndarray) -> float:
    """The complete-data MLE of pi, unchecked (the M-step)."""
    return (hidden + counts[3]) / (hidden + counts[1] + counts[2] + counts[3])


def _em_map(pi: float, counts: np.ndarray) -> float:
    return float(_pi_given_hidden(_expected_hidden(pi, counts[0]), counts))


def em_map(pi, counts) -> float:
    """Return pi after one EM iteration (E-step then M-step).

    Parameters
    ----------
    pi : float
        The current linkage parameter, 0 < pi < 1.
    counts : array_like of shape (4,)
        Non-negative counts.

    Returns
    -------
    float
        M(pi) = (a + counts[3]) / (a + counts[1] + counts[2] + counts[3]) with
        a = counts[0] pi / (2 + pi).
    """
    return m_step(e_step(pi, counts), counts)


def em_map_derivative(pi, counts) -> float:
    """Return dM/dpi, the derivative of the EM map; at the MLE it is EM's rate.

    Parameters
    ----------
    pi : float
        Where to differentiate, 0 < pi < 1.
    counts : array_like of shape (4,)
        Non-negative counts.

    Returns
    -------
    float
        With a(pi) = counts[0] pi / (2 + pi), a' = 2 counts[0] / (2 + pi)^2,
        b = counts[1] + counts[2] and M = (a + counts[3]) / (a + b + counts[3]):
        M' = a' b / (a + b + counts[3])^2.
    """
    pi = _check_pi(pi)
    counts = _check_counts(counts)
    a = _expected_hidden(pi, counts[0])
    slope = 2.0 * counts[0] / (2.0 + pi) ** 2
    b = counts[1] + counts[2]
    total = a + b + counts[3]
    return float(slope * b / total**2)


def fit(counts, pi_init=0.5, *, max_iter=100, tol=0.0) -> LinkageFit:
    """Estimate pi by EM.

    Parameters
    ----------
    counts : array_like of shape (4,)
        Non-negative counts of the four categories.
    pi_init : float, default=0.5
        The start, 0 < pi_init < 1.
    max_iter : int, default=100
        The largest number of iterations.
    tol : float, default=0.0
        Stop when an iteration moves pi by less than ``tol``. With ``tol=0``
        exactly ``max_iter`` iterations run.

    Returns
    -------
    LinkageFit
        ``pi``, ``history`` (entry 0 = ``pi_init``), ``log_likelihoods``,
        ``n_iter`` and ``converged``.
    """
    counts = _check_counts(counts)
    pi = _check_pi(pi_init, "pi_init")
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    tol = check_float(tol, "tol", minimum=0.0)
    history = [pi]
    converged = False
    for _ in range(max_iter):
        history.append(_em_map(history[-1], counts))
        if abs(history[-1] - history[-2]) < tol:
            converged = True
            break
    history = np.array(history)
    with np.errstate(divide="ignore", invalid="ignore"):  # pi reaches 0 or 1 only where a count is 0
        probabilities = np.stack([0.5 + history / 4, (1 - history) / 4, (1 - history) / 4, history / 4])
        terms = np.where(counts[:, np.newaxis] > 0, counts[:, np.newaxis] * np.log(probabilities), 0.0)
    return LinkageFit(
        pi=float(history[-1]),
        history=read_only(history),
        log_likelihoods=read_only(terms.sum(axis=0)),
        n_iter=history.shape[0] - 1,
        converged=converged,
    )


def mle(counts) -> float:
    """Return the maximum-likelihood estimate of pi in closed form.

    Parameters
    ----------
    counts : array_like of shape (4,)
        Non-negative counts (y1, y2, y3, y4).

    Returns
    -------
    float
        The root in [0, 1] of the score equation
        y1 / (2 + pi) - (y2 + y3) / (1 - pi) + y4 / pi = 0, which after
        multiplying by pi (2 + pi)(1 - pi) is the quadratic
        n pi^2 - (y1 - 2 (y2 + y3) - y4) pi - 2 y4 = 0, with n = sum(counts).

    Notes
    -----
    The quadratic has value -2 y4 <= 0 at pi = 0 and 2 (y2 + y3) >= 0 at
    pi = 1, so exactly one root lies in [0, 1]. It is computed in the form
    that avoids cancellation.
    """
    y1, y2, y3, y4 = _check_counts(counts)
    n = y1 + y2 + y3 + y4
    b = -(y1 - 2.0 * (y2 + y3) - y4)
    c = -2.0 * y4
    if c == 0.0:  # y4 = 0: roots 0 and -b/n
        return float(min(max(-b / n, 0.0), 1.0)) if b < 0 else 0.0
    root = math.sqrt(b * b - 4.0 * n * c)
    q = -0.5 * (b - root) if b < 0 else -0.5 * (b + root)
    candidates = [q / n, c / q]
    return float(max(candidates))


def observed_information(pi, counts) -> float:
    """Return the observed information -d^2 log L / d pi^2.

    Parameters
    ----------
    pi : float
        Where to evaluate, 0 < pi < 1.
    counts : array_like of shape (4,)
        Non-negative counts.

    Returns
    -------
    float
        y1 / (2 + pi)^2 + (y2 + y3) / (1 - pi)^2 + y4 / pi^2.
    """
    pi = _check_pi(pi)
    y1, y2, y3, y4 = _check_counts(counts)
    return float(y1 / (2 + pi) ** 2 + (y2 + y3) / (1 - pi) ** 2 + y4 / pi**2)


def complete_information(pi, counts) -> float:
    """Return the expected complete-data information at pi.

    Parameters
    ----------
    pi : float
        Where to evaluate (the E-step uses this pi too), 0 < pi < 1.
    counts : array_like of shape (4,)
        Non-negative counts.

    Returns
    -------
    float
        With the hidden count a = y1 pi / (2 + pi) filled in by its
        expectation, the complete-data log-likelihood is
        (a + y4) log pi + (y2 + y3) log(1 - pi), whose information is
        (a + y4) / pi^2 + (y2 + y3) / (1 - pi)^2.
    """
    pi = _check_pi(pi)
    y1, y2, y3, y4 = _check_counts(counts)
    hidden = _expected_hidden(pi, y1)
    return float((hidden + y4) / pi**2 + (y2 + y3) / (1 - pi) ** 2)


def missing_information_fraction(counts, pi=None) -> float:
    """Return 1 - I_obs / I_complete, EM's rate of convergence near the MLE.

    Parameters
    ----------
    counts : array_like of shape (4,)
        Non-negative counts.
    pi : float, optional
        Where to evaluate; the MLE by default.

    Returns
    -------
    float
        The fraction of the complete-data information that the hidden split
        of category 1 carries. At the MLE it equals the derivative of the EM
        map (Dempster, Laird and Rubin 1977, section 3): the error shrinks
        by this factor every iteration.
    """
    counts = _check_counts(counts)
    pi = mle(counts) if pi is None else pi
    return 1.0 - observed_information(pi, counts) / complete_information(pi, counts)
