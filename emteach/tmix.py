"""Mixtures of Student-t distributions in one dimension, fitted by generalised EM.

A mixture of k Student-t distributions has the density

    p(x) = sum_k weights[k] t(x | means[k], scales[k], dofs[k]),

where t(x | mu, sigma, nu) is Student's t with location mu, scale sigma and
nu degrees of freedom. Each t is a Gaussian whose precision is scaled by a
hidden Gamma(nu/2, nu/2) weight u, so besides the component label every
point has a second latent variable. EM then has two kinds of M-step:

* weights, means and scales have closed forms (weighted means and weighted
  variances, with weights resp * u);
* the degrees of freedom do not: the expected complete-data log-likelihood
  is maximised over nu by a one-dimensional numerical search
  (:func:`scipy.optimize.minimize_scalar`). EM with an M-step that is only
  solved numerically (or only improved, not maximised) is *generalised EM*.

:func:`e_step` returns the responsibilities and the expected latent
weights, :func:`m_step` re-estimates the parameters and :func:`fit` only
loops over the two and records the log-likelihood, as :func:`emteach.gmm.fit`.
A small nu makes the tails heavy, so single outliers pull the means far less
than in a Gaussian mixture; nu -> infinity gives the Gaussian back.

Examples
--------
>>> params = TMixParams([0.5, 0.5], [-2.0, 2.0], [1.0, 1.0], [3.0, 3.0])
>>> x, _ = sample(params, 400, seed=0)
>>> result = fit(x, 2, seed=0)
>>> bool(result.log_likelihoods[-1] >= result.log_likelihoods[0])
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import digamma, gammaln, logsumexp

from emteach import _em
from emteach._validation import (
    as_float_array,
    as_1d_samples,
    as_vector,
    check_float,
    check_int,
    make_rng,
    read_only,
)

__all__ = [
    "TMixParams",
    "TMixFit",
    "logpdf",
    "e_step",
    "m_step",
    "dof_objective",
    "log_likelihood",
    "fit",
    "sample",
    "DOF_BOUNDS",
]

#: The degrees of freedom are searched in this interval (beyond 1000 a t is a Gaussian).
DOF_BOUNDS = (0.5, 1000.0)
_LOG_PI = math.log(math.pi)
_EPS = 10 * np.finfo(np.float64).eps
_WEIGHT_TOL = 1e-8


@dataclass(frozen=True, eq=False)
class TMixParams:
    """Parameters of a one-dimensional mixture of Student-t distributions.

    Parameters
    ----------
    weights : array_like of shape (n_components,)
        Mixing weights: non-negative, summing to one (within 1e-8).
    means : array_like of shape (n_components,)
        Locations of the components.
    scales : array_like of shape (n_components,)
        Scales sigma > 0 (for nu > 2 the standard deviation is
        sigma * sqrt(nu / (nu - 2))).
    dofs : array_like of shape (n_components,)
        Degrees of freedom nu > 0.

    Raises
    ------
    ValueError
        If the shapes disagree, a value is not finite, the weights are
        negative or do not sum to one, or a scale or a dof is not positive.
    """

    weights: np.ndarray
    means: np.ndarray
    scales: np.ndarray
    dofs: np.ndarray

    def __post_init__(self):
        weights = np.array(as_vector(self.weights, "weights"))
        k = weights.shape[0]
        means = np.array(as_vector(self.means, "means", length=k))
        scales = np.array(as_vector(self.scales, "scales", length=k))
        dofs = np.array(as_vector(self.dofs, "dofs", length=k))
        if np.any(weights < 0):
            raise ValueError(f"Expected non-negative weights, got weights={weights.tolist()}")
        if abs(float(weights.sum()) - 1.0) > _WEIGHT_TOL:
            raise ValueError(f"Expected weights summing to 1, got a sum of {float(weights.sum())!r}")
        for name, value in (("scales", scales), ("dofs", dofs)):
            if np.any(value <= 0):
                raise ValueError(f"Expected every entry of {name} to be > 0, got {name}={value.tolist()}")
        for name, value in (("weights", weights), ("means", means), ("scales", scales), ("dofs", dofs)):
            object.__setattr__(self, name, read_only(value))

    @property
    def n_components(self) -> int:
        """The number of components."""
        return int(self.weights.shape[0])


@dataclass(frozen=True, eq=False)
class TMixFit:
    """Result of :func:`fit`.

    Attributes
    ----------
    params : TMixParams
        The fitted parameters.
    log_likelihoods : ndarray of shape (n_iter + 1,)
        Total log-likelihood after each iteration; entry 0 is the start.
    n_iter : int
        The number of EM iterations run.
    converged : bool
        Whether the change in mean log-likelihood fell below ``tol``.
    n_dof_evaluations : int
        How many times the numerical M-step evaluated its objective, summed
        over components and iterations: the price of having no closed form.
    """

    params: TMixParams
    log_likelihoods: np.ndarray
    n_iter: int
    converged: bool
    n_dof_evaluations: int


# ---------------------------------------------------------------------------
# Private core (trusts its inputs): x of shape (n,), per-component arrays (n, k)
# ---------------------------------------------------------------------------

def _logpdf(x, means, scales, dofs):
    """log t(x_i | component k), shape (n, k)."""
    delta2 = ((x[:, np.newaxis] - means) / scales) ** 2
    half = 0.5 * (dofs + 1.0)
    return (gammaln(half) - gammaln(0.5 * dofs) - 0.5 * (np.log(dofs) + _LOG_PI)
            - np.log(scales) - half * np.log1p(delta2 / dofs))


def _e_step(x, params):
    """resp (n, k), expected weights u (n, k), E[log u] (n, k), total log-likelihood."""
    with np.errstate(divide="ignore"):  # a zero weight gives log 0 = -inf, on purpose
        log_prob = np.log(params.weights) + _logpdf(x, params.means, params.scales, params.dofs)
    per_sample = logsumexp(log_prob, axis=1)
    resp = np.exp(log_prob - per_sample[:, np.newaxis])
    delta2 = ((x[:, np.newaxis] - params.means) / params.scales) ** 2
    u = (params.dofs + 1.0) / (params.dofs + delta2)
    log_u = digamma(0.5 * (params.dofs + 1.0)) - np.log(0.5 * (params.dofs + delta2))
    return resp, u, log_u, float(per_sample.sum())


def _dof_objective(dof, size, weighted_sum):
    """Minus the part of the expected complete-data log-likelihood that depends on nu.

    size = sum_i resp[i, k]; weighted_sum = sum_i resp[i, k] (E[log u] - E[u]).
    """
    half = 0.5 * dof
    return -(size * (half * math.log(half) - gammaln(half)) + half * weighted_sum)


def _maximise_dof(size, weighted_sum, bounds):
    """The nu that maximises the expected complete-data log-likelihood, and the evaluations used."""
    result = minimize_scalar(
        lambda log_dof: _dof_objective(math.exp(log_dof), size, weighted_sum),
        bounds=(math.log(bounds[0]), math.log(bounds[1])),
        method="bounded",
        options={"xatol": 1e-10},
    )
    return math.exp(result.x), int(result.nfev)


def _m_step(x, resp, u, log_u, dofs, update_dofs, bounds):
    sizes = resp.sum(axis=0) + _EPS
    weights = sizes / sizes.sum()
    ru = resp * u
    means = (ru * x[:, np.newaxis]).sum(axis=0) / (ru.sum(axis=0) + _EPS)
    scales = np.sqrt((ru * (x[:, np.newaxis] - means) ** 2).sum(axis=0) / sizes)
    new_dofs = np.array(dofs, dtype=float)
    n_evaluations = 0
    if update_dofs:
        weighted_sums = (resp * (log_u - u)).sum(axis=0)
        for k in range(resp.shape[1]):
            new_dofs[k], used = _maximise_dof(sizes[k], weighted_sums[k], bounds)
            n_evaluations += used
    return TMixParams(weights, means, scales, new_dofs), n_evaluations


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------

def _check_x(x):
    return as_1d_samples(x, "x")


def _check_bounds(dof_bounds):
    low, high = (check_float(b, "dof_bounds", strictly_positive=True) for b in dof_bounds)
    if not low < high:
        raise ValueError(f"Expected dof_bounds (low, high) with low < high, got {tuple(dof_bounds)}")
    return low, high


def _check_params(params):
    if not isinstance(params, TMixParams):
        raise ValueError(f"Expected params to be a TMixParams, got {type(params).__name__}")
    return params


# ---------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------

def logpdf(x, mean=0.0, scale=1.0, dof=1.0):
    """Log-density of Student's t with a location and a scale.

    Parameters
    ----------
    x : array_like of shape (n,)
        Where to evaluate.
    mean, scale, dof : float
        Location, scale > 0 and degrees of freedom > 0.

    Returns
    -------
    ndarray of shape (n,)
        log Gamma((nu+1)/2) - log Gamma(nu/2) - (log nu + log pi)/2 - log sigma
        - (nu+1)/2 log(1 + ((x - mu)/sigma)^2 / nu); the same as
        ``scipy.stats.t(dof, mean, scale).logpdf(x)``.
    """
    x = np.atleast_1d(_check_x(x))
    params = TMixParams([1.0], [mean], [scale], [dof])
    return _logpdf(x, params.means, params.scales, params.dofs)[:, 0]


def e_step(x, params):
    """Responsibilities and expected latent precision weights (the E-step).

    Parameters
    ----------
    x : array_like of shape (n_samples,)
        The data.
    params : TMixParams
        The current parameters.

    Returns
    -------
    resp : ndarray of shape (n_samples, n_components)
        P(component k | x_i); rows sum to one.
    u : ndarray of shape (n_samples, n_components)
        E[u_i | x_i, component k] = (nu_k + 1) / (nu_k + delta_ik^2), with
        delta_ik = (x_i - means[k]) / scales[k]: points far out get small weights.
    log_u : ndarray of shape (n_samples, n_components)
        E[log u_i | x_i, component k] = digamma((nu_k + 1)/2) - log((nu_k + delta_ik^2)/2),
        needed by the numerical M-step for nu.
    log_likelihood : float
        The total log-likelihood of ``params``.
    """
    params = _check_params(params)
    return _e_step(_check_x(x), params)


def dof_objective(dof, size, weighted_sum):
    """The part of the expected complete-data log-likelihood that depends on nu.

    Parameters
    ----------
    dof : float
        Degrees of freedom nu > 0.
    size : float
        sum_i resp[i, k], the component's expected number of points.
    weighted_sum : float
        sum_i resp[i, k] (log_u[i, k] - u[i, k]) from :func:`e_step`.

    Returns
    -------
    float
        size * (nu/2 log(nu/2) - log Gamma(nu/2)) + nu/2 * weighted_sum; the
        M-step maximises it numerically (no closed form exists).
    """
    dof = check_float(dof, "dof", strictly_positive=True)
    return -_dof_objective(dof, check_float(size, "size", strictly_positive=True),
                           check_float(weighted_sum, "weighted_sum"))


def m_step(x, resp, u, log_u, dofs, *, update_dofs=True, dof_bounds=DOF_BOUNDS):
    """Re-estimate the parameters (the M-step: closed forms plus a numerical search).

    Parameters
    ----------
    x : array_like of shape (n_samples,)
        The data.
    resp, u, log_u : ndarray of shape (n_samples, n_components)
        From :func:`e_step`.
    dofs : array_like of shape (n_components,)
        The current degrees of freedom (kept when ``update_dofs`` is False).
    update_dofs : bool, default=True
        Whether to update nu numerically.
    dof_bounds : tuple of float, default=DOF_BOUNDS
        Search interval for nu.

    Returns
    -------
    params : TMixParams
        weights[k] = n_k / n, means[k] = sum r u x / sum r u,
        scales[k]^2 = sum r u (x - means[k])^2 / n_k (n_k = sum_i resp[i, k]),
        and each nu the numerical maximiser of :func:`dof_objective`.
    n_evaluations : int
        Objective evaluations the numerical search used.
    """
    x = _check_x(x)
    arrays = [as_float_array(a, name) for a, name in ((resp, "resp"), (u, "u"), (log_u, "log_u"))]
    if arrays[0].ndim != 2 or arrays[0].shape[0] != x.shape[0]:
        raise ValueError(
            f"Expected resp of shape (n_samples, n_components) with n_samples={x.shape[0]}, "
            f"got shape {arrays[0].shape}"
        )
    for name, a in zip(("u", "log_u"), arrays[1:]):
        if a.shape != arrays[0].shape:
            raise ValueError(f"Expected {name} of the shape of resp {arrays[0].shape}, got shape {a.shape}")
    dofs = as_vector(dofs, "dofs", length=arrays[0].shape[1])
    return _m_step(x, *arrays, dofs, bool(update_dofs), _check_bounds(dof_bounds))


def log_likelihood(x, params) -> float:
    """Total log-likelihood sum_i log sum_k weights[k] t(x_i | k)."""
    params = _check_params(params)
    return _e_step(_check_x(x), params)[3]


def sample(params, n, seed=None):
    """Draw n points: a component by its weight, then a t variate.

    Returns
    -------
    x : ndarray of shape (n,)
    labels : ndarray of shape (n,)
    """
    params = _check_params(params)
    n = check_int(n, "n", minimum=1)
    rng = make_rng(seed)
    labels = rng.choice(params.n_components, size=n, p=params.weights)
    x = params.means[labels] + params.scales[labels] * rng.standard_t(params.dofs[labels])
    return x, labels


def _start(x, n_components, rng):
    """Means at distinct random data points, scales the data's sd, nu = 10, equal weights."""
    means = rng.choice(x, size=n_components, replace=False)
    spread = float(np.std(x)) or 1.0
    k = n_components
    return TMixParams(np.full(k, 1.0 / k), means, np.full(k, spread), np.full(k, 10.0))


def fit(x, n_components, *, init=None, max_iter=200, tol=1e-8, update_dofs=True,
        dof_bounds=DOF_BOUNDS, seed=None) -> TMixFit:
    """Fit a mixture of t distributions by generalised EM.

    Parameters
    ----------
    x : array_like of shape (n_samples,)
        The data.
    n_components : int
        The number of components, 1 <= n_components <= n_samples.
    init : TMixParams, optional
        The start; otherwise means at random data points (from ``seed``),
        scales the data's standard deviation, nu = 10 and equal weights.
    max_iter : int, default=200
        The largest number of iterations.
    tol : float, default=1e-8
        Stop when the mean log-likelihood per point changes by less than ``tol``.
    update_dofs : bool, default=True
        Whether nu is estimated (numerically) or kept at its start.
    dof_bounds : tuple of float, default=DOF_BOUNDS
        Search interval for nu.
    seed : None, int or numpy.random.Generator
        Randomness of the start.

    Returns
    -------
    TMixFit

    Notes
    -----
    Each M-step maximises the expected complete-data log-likelihood (the
    search for nu to 1e-10 in log nu), so the log-likelihood never
    decreases, as for EM with closed-form M-steps.
    """
    x = _check_x(x)
    n_components = check_int(n_components, "n_components", minimum=1)
    if n_components > x.shape[0]:
        raise ValueError(
            f"Expected n_components <= n_samples, got n_components={n_components} "
            f"and n_samples={x.shape[0]}"
        )
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    tol = check_float(tol, "tol", minimum=0.0)
    if init is None:
        params = _start(x, n_components, make_rng(seed))
    else:
        params = _check_params(init)
        if params.n_components != n_components:
            raise ValueError(
                f"Expected init with n_components={n_components}, got {params.n_components}"
            )
    bounds = _check_bounds(dof_bounds)
    n_evaluations = [0]

    def e_step_(current):
        resp, u, log_u, total = _e_step(x, current)
        return (resp, u, log_u, current.dofs), total

    def m_step_(statistics):
        new, used = _m_step(x, *statistics, bool(update_dofs), bounds)
        n_evaluations[0] += used
        return new

    params, log_likelihoods, converged = _em.iterate(
        e_step_, m_step_, params, n_observations=x.shape[0], max_iter=max_iter, tol=tol,
        name="EM for the t mixture", unit="point",
        advice="Raise max_iter or loosen tol; the degrees of freedom often converge slowly.")
    return TMixFit(params, read_only(log_likelihoods), log_likelihoods.shape[0] - 1, converged,
                   n_evaluations[0])
