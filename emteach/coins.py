"""EM for the two-coin experiment of Do & Batzoglou (2008).

Five sets of ten tosses were made, each set with one of two coins, A or B,
chosen with equal probability; which coin was used is hidden. The unknowns
are the heads probabilities ``theta = (theta_A, theta_B)``.

* :func:`e_step` -- the posterior probability that each set came from A or B.
* :func:`expected_counts` -- the heads and tails each coin is credited with.
* :func:`m_step` -- the heads probabilities from the expected counts.
* :func:`fit` -- alternate the two and record the path.

Throughout, coin A is index 0 and coin B index 1, ``heads`` has shape
(n_sets,) and ``n_tosses`` is an int or an array of shape (n_sets,). The
prior probability of each coin is fixed at 1/2, as in the paper.

Examples
--------
>>> from emteach.data import coin_sets
>>> heads, n_tosses = coin_sets()
>>> result = fit(heads, n_tosses)
>>> result.history[1].round(2).tolist(), result.theta.round(2).tolist()
([0.71, 0.58], [0.8, 0.52])
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp, xlogy

from emteach._validation import (
    as_float_array,
    as_vector,
    check_counts,
    check_float,
    check_int,
    read_only,
)

__all__ = [
    "e_step",
    "m_step",
    "expected_counts",
    "log_likelihood",
    "lower_bound",
    "complete_data_mle",
    "lower_bound_slice",
    "log_likelihood_grid",
    "fit",
    "CoinsFit",
]

_LOG_HALF = math.log(0.5)
_EPS = 10 * np.finfo(np.float64).eps


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------

def _check_data(heads, n_tosses):
    heads = as_vector(heads, "heads")
    n_tosses = as_float_array(n_tosses, "n_tosses")
    if n_tosses.ndim == 0:
        n_tosses = np.full(heads.shape, float(n_tosses))
    elif n_tosses.shape != heads.shape:
        raise ValueError(
            "Expected n_tosses to be a number or an array of the shape of heads "
            f"{heads.shape}, got shape {n_tosses.shape}"
        )
    return check_counts(heads, n_tosses, "heads", "n_tosses")


def _check_theta(theta, name: str = "theta") -> np.ndarray:
    theta = as_vector(theta, name)
    if theta.shape != (2,):
        raise ValueError(
            f"Expected {name} of shape (2,) (coin A, coin B), got shape {theta.shape}"
        )
    if np.any((theta <= 0) | (theta >= 1)):
        raise ValueError(
            f"Expected both entries of {name} strictly between 0 and 1, got {theta.tolist()}"
        )
    return theta


def _check_resp(resp, n_sets: int) -> np.ndarray:
    resp = as_float_array(resp, "resp")
    if resp.shape != (n_sets, 2):
        raise ValueError(
            f"Expected resp of shape ({n_sets}, 2) (sets by coins), got shape {resp.shape}"
        )
    if np.any((resp < 0) | (resp > 1)):
        raise ValueError("Expected every entry of resp in [0, 1]")
    if not np.allclose(resp.sum(axis=1), 1.0, rtol=0, atol=1e-6):
        raise ValueError(
            f"Expected every row of resp to sum to 1, got row sums {resp.sum(axis=1).tolist()}"
        )
    return resp


# ---------------------------------------------------------------------------
# Private core: trusts its inputs, works for theta on the closed interval
# ---------------------------------------------------------------------------

def _log_joint(heads, n_tosses, theta):
    """log P(set i, coin c | theta) of shape (n_sets, 2), with the prior 1/2."""
    h = heads[:, np.newaxis]
    t = (n_tosses - heads)[:, np.newaxis]
    return _LOG_HALF + xlogy(h, theta) + xlogy(t, 1.0 - theta)


def _log_joint_one_coin(heads, n_tosses, grid):
    """log P(set i, this coin | its heads probability grid[g]) of shape (n_grid, n_sets)."""
    grid = grid[:, np.newaxis]
    return _LOG_HALF + xlogy(heads, grid) + xlogy(n_tosses - heads, 1.0 - grid)


def _check_grid(grid, name):
    grid = as_vector(grid, name)
    if np.any((grid <= 0) | (grid >= 1)):
        raise ValueError(f"Expected every entry of {name} strictly between 0 and 1")
    return grid


def _e_step(heads, n_tosses, theta):
    log_joint = _log_joint(heads, n_tosses, theta)
    log_norm = logsumexp(log_joint, axis=1, keepdims=True)
    return np.exp(log_joint - log_norm), float(log_norm.sum())


def _m_step(heads, n_tosses, resp):
    credited_heads = resp.T @ heads
    credited_tosses = resp.T @ n_tosses
    return credited_heads / (credited_tosses + _EPS)


# ---------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------

def e_step(heads, n_tosses, theta):
    """Compute the posterior probability of each coin for each set (the E-step).

    Parameters
    ----------
    heads : array_like of shape (n_sets,)
        Heads in each set, whole numbers in [0, n_tosses].
    n_tosses : int or array_like of shape (n_sets,)
        Tosses in each set.
    theta : array_like of shape (2,)
        Heads probabilities of coin A and coin B, strictly in (0, 1).

    Returns
    -------
    resp : ndarray of shape (n_sets, 2)
        ``resp[i, c]`` = P(coin c | set i, theta); each row sums to one.

    Notes
    -----
    By Bayes' rule with equal priors,
    resp[i, c] = theta_c^h_i (1 - theta_c)^(n_i - h_i) / sum_c' (same for c').
    Computed in log-space with log-sum-exp.

    Examples
    --------
    >>> e_step([5], 10, [0.6, 0.5]).round(2).tolist()
    [[0.45, 0.55]]
    """
    heads, n_tosses = _check_data(heads, n_tosses)
    theta = _check_theta(theta)
    return _e_step(heads, n_tosses, theta)[0]


def expected_counts(heads, n_tosses, resp):
    """Return the expected heads and tails credited to each coin for each set.

    Parameters
    ----------
    heads : array_like of shape (n_sets,)
        Heads in each set.
    n_tosses : int or array_like of shape (n_sets,)
        Tosses in each set.
    resp : array_like of shape (n_sets, 2)
        Responsibilities from :func:`e_step`.

    Returns
    -------
    ndarray of shape (n_sets, 2, 2)
        ``counts[i, c, 0]`` expected heads and ``counts[i, c, 1]`` expected
        tails of set i attributed to coin c: resp[i, c] times the set's
        heads and tails.

    Examples
    --------
    The first set of the paper, in the first iteration (about 2.2 heads and
    2.2 tails for coin A):

    >>> r = e_step([5], 10, [0.6, 0.5])
    >>> expected_counts([5], 10, r)[0, 0].round(1).tolist()
    [2.2, 2.2]
    """
    heads, n_tosses = _check_data(heads, n_tosses)
    resp = _check_resp(resp, heads.shape[0])
    outcomes = np.stack([heads, n_tosses - heads], axis=1)  # (n_sets, 2)
    return resp[:, :, np.newaxis] * outcomes[:, np.newaxis, :]


def m_step(heads, n_tosses, resp):
    """Re-estimate both coins' heads probabilities (the M-step).

    Parameters
    ----------
    heads : array_like of shape (n_sets,)
        Heads in each set.
    n_tosses : int or array_like of shape (n_sets,)
        Tosses in each set.
    resp : array_like of shape (n_sets, 2)
        Responsibilities from :func:`e_step`.

    Returns
    -------
    theta : ndarray of shape (2,)
        theta_c = sum_i resp[i, c] h_i / sum_i resp[i, c] n_i: expected heads
        over expected tosses credited to coin c.

    Notes
    -----
    A tiny constant (10 machine epsilons) is added to each denominator so a
    coin credited with no tosses at all gets 0 rather than NaN.
    """
    heads, n_tosses = _check_data(heads, n_tosses)
    resp = _check_resp(resp, heads.shape[0])
    return _m_step(heads, n_tosses, resp)


def log_likelihood(heads, n_tosses, theta) -> float:
    """Return the log-probability of the observed toss sequences.

    Parameters
    ----------
    heads : array_like of shape (n_sets,)
        Heads in each set.
    n_tosses : int or array_like of shape (n_sets,)
        Tosses in each set.
    theta : array_like of shape (2,)
        Heads probabilities of coin A and coin B, strictly in (0, 1).

    Returns
    -------
    float
        sum_i log [ 1/2 theta_A^h_i (1 - theta_A)^(n_i - h_i)
        + 1/2 theta_B^h_i (1 - theta_B)^(n_i - h_i) ].

    Notes
    -----
    This is the probability of the sequences of heads and tails actually
    seen, with the coins summed out. No binomial coefficient C(n_i, h_i) is
    included: it would add a constant that does not depend on theta.
    """
    heads, n_tosses = _check_data(heads, n_tosses)
    theta = _check_theta(theta)
    return _e_step(heads, n_tosses, theta)[1]


def lower_bound(heads, n_tosses, theta, resp) -> float:
    """Return the EM lower bound (ELBO) on the log-likelihood.

    Parameters
    ----------
    heads : array_like of shape (n_sets,)
        Heads in each set.
    n_tosses : int or array_like of shape (n_sets,)
        Tosses in each set.
    theta : array_like of shape (2,)
        Heads probabilities, strictly in (0, 1).
    resp : array_like of shape (n_sets, 2)
        Any distribution over the coins for each set (rows sum to one).

    Returns
    -------
    float
        sum_i sum_c resp[i, c] (log P(set i, coin c | theta) - log resp[i, c]),
        with 0 log 0 = 0.

    Notes
    -----
    By Jensen's inequality this is at most :func:`log_likelihood`; the gap
    is the Kullback--Leibler divergence from ``resp`` to the posterior, so
    the two are equal when ``resp`` is ``e_step(heads, n_tosses, theta)``.
    """
    heads, n_tosses = _check_data(heads, n_tosses)
    theta = _check_theta(theta)
    resp = _check_resp(resp, heads.shape[0])
    log_joint = _log_joint(heads, n_tosses, theta)
    return float(np.sum(resp * log_joint) - np.sum(xlogy(resp, resp)))


def lower_bound_slice(heads, n_tosses, theta, grid, resp=None):
    """Return the log-likelihood and the EM lower bound along theta_A.

    theta_B stays at ``theta[1]``; the bound uses the responsibilities of the
    E-step at ``theta`` (or ``resp`` when given), so it touches the
    log-likelihood at ``theta[0]``.

    Parameters
    ----------
    heads : array_like of shape (n_sets,)
        Heads in each set.
    n_tosses : int or array_like of shape (n_sets,)
        Tosses in each set.
    theta : array_like of shape (2,)
        Where the E-step is done.
    grid : array_like of shape (n_grid,)
        Values of theta_A, strictly between 0 and 1.
    resp : array_like of shape (n_sets, 2), optional
        Responsibilities to build the bound from, e.g. those of an earlier
        E-step, to show the bound after the M-step has moved theta away
        from where it touches.

    Returns
    -------
    log_likelihood : ndarray of shape (n_grid,)
    bound : ndarray of shape (n_grid,)
    current : float
        theta_A, where the bound touches (when ``resp`` is the E-step's).
    following : float
        The M-step's new theta_A, where the bound is highest (the bound is a
        sum of a theta_A part and a theta_B part, so this does not depend on
        where theta_B is held).

    Notes
    -----
    Evaluated for the whole grid at once: with l_A[g, i] the log joint of
    set i and coin A at theta_A = grid[g] and l_B[i] that of coin B, the
    log-likelihood is sum_i logaddexp(l_A, l_B) and the bound
    sum_i (resp[i, 0] l_A + resp[i, 1] l_B) - sum resp log resp.
    """
    heads, n_tosses = _check_data(heads, n_tosses)
    theta = _check_theta(theta)
    grid = _check_grid(grid, "grid")
    if resp is None:
        resp = _e_step(heads, n_tosses, theta)[0]
    else:
        resp = _check_resp(resp, heads.shape[0])
    joint_a = _log_joint_one_coin(heads, n_tosses, grid)
    joint_b = _log_joint(heads, n_tosses, theta)[:, 1]
    log_lik = np.logaddexp(joint_a, joint_b).sum(axis=1)
    bound = joint_a @ resp[:, 0] + float(joint_b @ resp[:, 1]) - float(np.sum(xlogy(resp, resp)))
    following = float(_m_step(heads, n_tosses, resp)[0])
    return log_lik, bound, float(theta[0]), following


def log_likelihood_grid(heads, n_tosses, grid_a, grid_b):
    """Return the log-likelihood over a grid of (theta_A, theta_B).

    Parameters
    ----------
    heads : array_like of shape (n_sets,)
        Heads in each set.
    n_tosses : int or array_like of shape (n_sets,)
        Tosses in each set.
    grid_a : array_like of shape (n_a,)
        Values of theta_A, strictly between 0 and 1.
    grid_b : array_like of shape (n_b,)
        Values of theta_B, strictly between 0 and 1.

    Returns
    -------
    ndarray of shape (n_b, n_a)
        Entry [i, j] is :func:`log_likelihood` at (grid_a[j], grid_b[i]),
        the layout :func:`emteach.plotting.em_path` draws.
    """
    heads, n_tosses = _check_data(heads, n_tosses)
    joint_a = _log_joint_one_coin(heads, n_tosses, _check_grid(grid_a, "grid_a"))
    joint_b = _log_joint_one_coin(heads, n_tosses, _check_grid(grid_b, "grid_b"))
    return np.logaddexp(joint_b[:, np.newaxis, :], joint_a[np.newaxis, :, :]).sum(axis=2)


def complete_data_mle(heads, n_tosses, coins):
    """Return the heads probabilities when the coin of every set is known.

    Parameters
    ----------
    heads : array_like of shape (n_sets,)
        Heads in each set.
    n_tosses : int or array_like of shape (n_sets,)
        Tosses in each set.
    coins : array_like of shape (n_sets,)
        The coin of each set: 0 for A, 1 for B.

    Returns
    -------
    theta : ndarray of shape (2,)
        Each coin's heads over its tosses (0.80 and 0.45 for the paper's data).
    """
    heads, n_tosses = _check_data(heads, n_tosses)
    coins = as_vector(coins, "coins", length=heads.shape[0])
    if not np.all((coins == 0) | (coins == 1)):
        raise ValueError(f"Expected coins to hold 0 (coin A) or 1 (coin B), got {coins.tolist()}")
    missing = [name for c, name in enumerate("AB") if not np.any(coins == c)]
    if missing:
        raise ValueError(
            f"Expected at least one set for each coin, got none for coin {missing[0]}"
        )
    resp = np.stack([coins == 0, coins == 1], axis=1).astype(np.float64)
    return (resp.T @ heads) / (resp.T @ n_tosses)


@dataclass(frozen=True, eq=False)
class CoinsFit:
    """Result of :func:`fit` for the two-coin experiment.

    Attributes
    ----------
    theta : ndarray of shape (2,)
        The final heads probabilities of coin A and coin B.
    history : ndarray of shape (n_iter + 1, 2)
        theta after each iteration; row 0 is the starting value.
    resp : ndarray of shape (n_sets, 2)
        The responsibilities of the last E-step (the ones that produced
        ``theta``).
    log_likelihoods : ndarray of shape (n_iter + 1,)
        The log-likelihood of each row of ``history``.
    n_iter : int
        The number of EM iterations run.
    converged : bool
        Whether the stopping rule (``tol``) was met.

    Notes
    -----
    The arrays are read-only. Records compare by identity (``eq=False``),
    since element-wise comparison of arrays has no single truth value.
    """

    theta: np.ndarray
    history: np.ndarray
    resp: np.ndarray
    log_likelihoods: np.ndarray
    n_iter: int
    converged: bool


def fit(heads, n_tosses, theta_init=(0.6, 0.5), max_iter=10, tol=0.0) -> CoinsFit:
    """Run EM for the two-coin experiment.

    Parameters
    ----------
    heads : array_like of shape (n_sets,)
        Heads in each set.
    n_tosses : int or array_like of shape (n_sets,)
        Tosses in each set.
    theta_init : array_like of shape (2,), default=(0.6, 0.5)
        Starting heads probabilities of coin A and coin B, in (0, 1); the
        paper's start is the default.
    max_iter : int, default=10
        The largest number of iterations (E-step then M-step).
    tol : float, default=0.0
        Stop once no entry of theta moves by ``tol`` or more in one
        iteration (the largest absolute change is below ``tol``). With the
        default 0 exactly ``max_iter`` iterations run and ``converged`` is
        False.

    Returns
    -------
    CoinsFit
        The final estimate, the path of theta, the last responsibilities,
        the log-likelihood along the path, and the iteration count.

    Notes
    -----
    The paper reports theta = (0.71, 0.58) after one iteration and
    (0.80, 0.52) after ten. The log-likelihood never decreases along the
    path.
    """
    heads, n_tosses = _check_data(heads, n_tosses)
    theta = _check_theta(theta_init, "theta_init")
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    tol = check_float(tol, "tol", minimum=0.0)

    resp, log_lik = _e_step(heads, n_tosses, theta)
    history = [theta]
    log_likelihoods = [log_lik]
    converged = False
    for _ in range(max_iter):
        new_theta = _m_step(heads, n_tosses, resp)
        change = float(np.max(np.abs(new_theta - theta)))
        theta = new_theta
        history.append(theta)
        last_resp = resp
        resp, log_lik = _e_step(heads, n_tosses, theta)
        log_likelihoods.append(log_lik)
        if change < tol:
            converged = True
            break
    return CoinsFit(
        theta=read_only(theta.copy()),
        history=read_only(np.array(history)),
        resp=read_only(last_resp.copy()),
        log_likelihoods=read_only(np.array(log_likelihoods)),
        n_iter=len(history) - 1,
        converged=converged,
    )
