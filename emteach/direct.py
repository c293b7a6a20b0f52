"""The 1-D Gaussian mixture log-likelihood maximised directly, to compare with EM.

EM is not the only way to maximise a mixture's log-likelihood: a general
optimiser can climb it directly, given the function and its gradient. This
module writes both in an unconstrained parametrisation,

    theta = (a_1, ..., a_{k-1}, means_1, ..., means_k, log sds_1, ..., log sds_k),

with weights = softmax(a_1, ..., a_{k-1}, 0), so that any real vector is a
valid mixture, and runs scipy's quasi-Newton L-BFGS-B on it
(:func:`lbfgs`). :func:`em` runs the book's EM (:mod:`emteach.gmm`'s E- and
M-steps) for the same problem and records the same things, so the two paths
can be set side by side: log-likelihood per iteration, function evaluations,
and wall-clock time per iteration.

Examples
--------
>>> from emteach import gmm
>>> params = gmm.GMMParams.from_1d([0.5, 0.5], [-1.0, 2.0], [1.0, 0.5])
>>> bool(np.allclose(unpack(pack(params)).means, params.means))
True
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import logsumexp, softmax

from emteach import gmm
from emteach._validation import as_1d_samples, as_vector, check_float, check_int, read_only

__all__ = [
    "pack",
    "unpack",
    "log_likelihood_and_gradient",
    "PathFit",
    "lbfgs",
    "em",
    "iterations_to_gap",
    "comparison_problem",
]

_LOG_2PI = float(np.log(2.0 * np.pi))


def _check_x(x):
    return as_1d_samples(x, "x")


def _check_1d(params):
    if not isinstance(params, gmm.GMMParams):
        raise ValueError(f"Expected params to be a gmm.GMMParams, got {type(params).__name__}")
    if params.n_features != 1:
        raise ValueError(f"Expected a one-dimensional mixture, got n_features={params.n_features}")
    return params


def _check_theta(theta) -> np.ndarray:
    """theta as a float vector of length 3 k - 1 (the layout of a 1-D k-component mixture)."""
    theta = as_vector(theta, "theta")
    if theta.shape[0] % 3 != 2:
        raise ValueError(f"Expected theta of length 3 k - 1, got length {theta.shape[0]}")
    return theta


def pack(params) -> np.ndarray:
    """Unconstrained vector of a 1-D mixture's parameters.

    Parameters
    ----------
    params : gmm.GMMParams
        A one-dimensional mixture with all weights > 0.

    Returns
    -------
    ndarray of shape (3 k - 1,)
        (log weights[:-1] - log weights[-1], means, log sds).
    """
    params = _check_1d(params)
    if np.any(params.weights <= 0):
        raise ValueError(f"Expected every weight > 0, got {params.weights.tolist()}")
    log_w = np.log(params.weights)
    sds = np.sqrt(params.covariances[:, 0, 0])
    return np.concatenate([log_w[:-1] - log_w[-1], params.means[:, 0], np.log(sds)])


def _split(theta):
    k = (theta.shape[0] + 1) // 3
    logits = np.append(theta[:k - 1], 0.0)
    return softmax(logits), theta[k - 1:2 * k - 1], theta[2 * k - 1:]


def unpack(theta) -> gmm.GMMParams:
    """The mixture of an unconstrained vector (the inverse of :func:`pack`).

    Parameters
    ----------
    theta : array_like of shape (3 k - 1,)

    Returns
    -------
    gmm.GMMParams
    """
    theta = _check_theta(theta)
    weights, means, log_sds = _split(theta)
    return gmm.GMMParams.from_1d(weights, means, np.exp(log_sds))


def _value_and_gradient(theta, x):
    weights, means, log_sds = _split(theta)
    k = weights.shape[0]
    inv_var = np.exp(-2.0 * log_sds)
    diff = x[:, np.newaxis] - means
    log_prob = np.log(weights) - log_sds - 0.5 * _LOG_2PI - 0.5 * diff * diff * inv_var
    per_sample = logsumexp(log_prob, axis=1)
    resp = np.exp(log_prob - per_sample[:, np.newaxis])
    sizes = resp.sum(axis=0)
    grad_logits = (sizes - x.shape[0] * weights)[:k - 1]
    grad_means = (resp * diff).sum(axis=0) * inv_var
    grad_log_sds = (resp * diff * diff).sum(axis=0) * inv_var - sizes
    return float(per_sample.sum()), np.concatenate([grad_logits, grad_means, grad_log_sds])


def log_likelihood_and_gradient(theta, x):
    """Total log-likelihood of a 1-D mixture and its gradient in theta.

    Parameters
    ----------
    theta : array_like of shape (3 k - 1,)
        See :func:`pack`.
    x : array_like of shape (n_samples,)

    Returns
    -------
    value : float
        sum_i log sum_k weights[k] N(x_i | means[k], sds[k]^2).
    gradient : ndarray of shape (3 k - 1,)
        With resp from Bayes' rule and n_k = sum_i resp[i, k]:
        d/da_j = n_j - n weights[j], d/dmeans[k] = sum_i resp[i, k] (x_i - means[k]) / sds[k]^2,
        d/dlog sds[k] = sum_i resp[i, k] (x_i - means[k])^2 / sds[k]^2 - n_k.
    """
    theta = _check_theta(theta)
    return _value_and_gradient(theta, _check_x(x))


@dataclass(frozen=True, eq=False)
class PathFit:
    """A maximisation path, from :func:`lbfgs` or :func:`em`.

    Attributes
    ----------
    params : gmm.GMMParams
        Where the path ends.
    log_likelihoods : ndarray of shape (n_iter + 1,)
        Total log-likelihood after each iteration; entry 0 is the start.
    seconds : ndarray of shape (n_iter + 1,)
        Wall-clock time since the start after each iteration (entry 0 is 0);
        measured, so it changes from run to run.
    n_iter : int
        Iterations (EM: one E- and one M-step; L-BFGS: one quasi-Newton step
        with its line search).
    n_evaluations : int
        Evaluations of the log-likelihood (EM: one per E-step; L-BFGS: each
        value-and-gradient call, line searches included).
    """

    params: gmm.GMMParams
    log_likelihoods: np.ndarray
    seconds: np.ndarray
    n_iter: int
    n_evaluations: int


def lbfgs(x, init, *, max_iter=500, gtol=1e-9) -> PathFit:
    """Maximise a 1-D mixture's log-likelihood with scipy's L-BFGS-B.

    Parameters
    ----------
    x : array_like of shape (n_samples,)
    init : gmm.GMMParams
        The start (one-dimensional, weights > 0).
    max_iter : int, default=500
    gtol : float, default=1e-9
        Stop when every entry of the gradient of the *mean* log-likelihood
        is below ``gtol`` in absolute value.

    Returns
    -------
    PathFit
    """
    x = _check_x(x)
    theta0 = pack(init)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    gtol = check_float(gtol, "gtol", strictly_positive=True)
    n = x.shape[0]
    counter = [0]

    def objective(theta):
        counter[0] += 1
        value, gradient = _value_and_gradient(theta, x)
        return -value / n, -gradient / n

    points, seconds = [theta0], [0.0]
    start = time.perf_counter()

    def record(intermediate_result):
        seconds.append(time.perf_counter() - start)
        points.append(np.array(intermediate_result.x))

    result = minimize(objective, theta0, jac=True, method="L-BFGS-B", callback=record,
                      options={"maxiter": max_iter, "gtol": gtol, "ftol": 0.0, "maxcor": 10})
    log_likelihoods = np.array([_value_and_gradient(p, x)[0] for p in points])
    return PathFit(unpack(result.x), read_only(log_likelihoods), read_only(np.array(seconds)),
                   len(points) - 1, counter[0])


def em(x, init, *, max_iter=500, tol=0.0, reg_covar=0.0) -> PathFit:
    """Run EM from ``init`` with :func:`emteach.gmm.e_step` and :func:`~emteach.gmm.m_step`, timing each iteration.

    Parameters
    ----------
    x : array_like of shape (n_samples,)
    init : gmm.GMMParams
    max_iter : int, default=500
    tol : float, default=0.0
        Stop when the mean log-likelihood per point rises by less than ``tol``;
        with 0 exactly ``max_iter`` iterations run.
    reg_covar : float, default=0.0
        Passed to the M-step (0: the plain maximum-likelihood EM).

    Returns
    -------
    PathFit
    """
    x = _check_x(x)
    params = _check_1d(init)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    tol = check_float(tol, "tol", minimum=0.0)
    xs = x[:, np.newaxis]
    start = time.perf_counter()
    resp, total = gmm.e_step(xs, params)
    log_likelihoods, seconds = [total], [0.0]
    for _ in range(max_iter):
        params = gmm.m_step(xs, resp, reg_covar=reg_covar)
        resp, total = gmm.e_step(xs, params)
        log_likelihoods.append(total)
        seconds.append(time.perf_counter() - start)
        if abs(log_likelihoods[-1] - log_likelihoods[-2]) / x.shape[0] < tol:
            break
    n_iter = len(log_likelihoods) - 1
    return PathFit(params, read_only(np.array(log_likelihoods)), read_only(np.array(seconds)),
                   n_iter, n_iter + 1)


def iterations_to_gap(log_likelihoods, best, gap) -> int:
    """First iteration whose log-likelihood is within ``gap`` of ``best``.

    Parameters
    ----------
    log_likelihoods : array_like of shape (n_iter + 1,)
        A path, entry 0 the start.
    best : float
        The best known maximum.
    gap : float
        Tolerance > 0, in the same units (total log-likelihood).

    Returns
    -------
    int
        The index, or -1 if the path never gets that close.
    """
    path = as_vector(log_likelihoods, "log_likelihoods")
    best = check_float(best, "best")
    gap = check_float(gap, "gap", strictly_positive=True)
    hits = np.flatnonzero(best - path <= gap)
    return int(hits[0]) if hits.size else -1


def comparison_problem(separation, *, n_samples=1000, seed=0):
    """Data and a start for comparing EM with L-BFGS on a two-component 1-D mixture.

    Parameters
    ----------
    separation : float
        Distance between the two true means, in units of their common
        standard deviation 1 (weights 0.4 and 0.6): about 2 or less
        overlaps heavily, 6 is well separated.
    n_samples : int, default=1000
    seed : int, default=0
        Seed of the draw.

    Returns
    -------
    x : ndarray of shape (n_samples,)
    init : gmm.GMMParams
        A fixed, deterministic start: equal weights, means at the data's
        quartiles, both standard deviations the data's.
    """
    separation = check_float(separation, "separation", minimum=0.0)
    n_samples = check_int(n_samples, "n_samples", minimum=2)
    truth = gmm.GMMParams.from_1d([0.4, 0.6], [0.0, separation], [1.0, 1.0])
    x = gmm.sample(truth, n_samples, seed=seed)[0][:, 0]
    spread = float(np.std(x))
    init = gmm.GMMParams.from_1d([0.5, 0.5], np.quantile(x, [0.25, 0.75]), [spread, spread])
    return x, init
