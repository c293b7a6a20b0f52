"""How fast EM converges, and how to make it faster.

EM is a fixed-point iteration theta_{t+1} = M(theta_t). Near a fixed point
theta* the error shrinks by the largest eigenvalue of the map's Jacobian at
theta* in every iteration (linear convergence); for EM that number is the
fraction of missing information (Dempster, Laird and Rubin 1977).

* :func:`linear_rate` estimates that rate from a recorded path.
* :func:`aitken` extrapolates a scalar path to its limit (Aitken's delta^2).
* :func:`iterate` runs the plain iteration and counts the map's evaluations.
* :func:`squarem` runs SQUAREM, scheme S3 of Varadhan & Roland (2008),
  with a monotonicity safeguard, counting evaluations the same way.
* :func:`mixture_map` turns a Gaussian mixture's EM iteration into a map on
  a flat parameter vector, so that :func:`iterate` and :func:`squarem` can
  run it.

Examples
--------
>>> from emteach import linkage
>>> from emteach.data import linkage_counts
>>> counts = linkage_counts()
>>> em = lambda pi: linkage.em_map(pi, counts)
>>> plain = iterate(em, 0.5, tol=1e-10)
>>> fast = squarem(em, 0.5, tol=1e-10)
>>> abs(plain.theta - fast.theta) < 1e-9, fast.n_evaluations < plain.n_evaluations
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from emteach import gmm
from emteach._validation import as_float_array, check_float, check_int, read_only

__all__ = ["AcceleratedFit", "linear_rate", "aitken", "iterate", "squarem", "mixture_map"]

#: Steps smaller than this times the size of the parameters are rounding noise for a rate.
_STEP_FLOOR = 1e-8


@dataclass(frozen=True, eq=False)
class AcceleratedFit:
    """Result of :func:`iterate` or :func:`squarem`.

    Attributes
    ----------
    theta : float or ndarray of shape (n_params,)
        The final parameters (a float when the start was a scalar).
    history : ndarray of shape (n_iter + 1,) or (n_iter + 1, n_params)
        The parameters after each iteration (for SQUAREM, each cycle);
        entry 0 is the start.
    n_evaluations : int
        How many times the EM map was called, the work done.
    n_iter : int
        Iterations (plain EM) or cycles (SQUAREM) run.
    converged : bool
        Whether an EM step moved the parameters by less than ``tol``.
    n_fallbacks : int
        SQUAREM cycles whose extrapolation was rejected (it lowered the
        objective or left the parameter space) and replaced by the plain
        EM steps; 0 for plain EM.
    n_objective : int
        How many times the objective was called (SQUAREM's safeguard); 0
        for plain EM or without an objective.
    """

    theta: object
    history: np.ndarray
    n_evaluations: int
    n_iter: int
    converged: bool
    n_fallbacks: int = 0
    n_objective: int = 0


def _as_path(history) -> np.ndarray:
    path = as_float_array(history, "history")
    if path.ndim == 1:
        path = path[:, np.newaxis]
    if path.ndim != 2:
        raise ValueError(
            f"Expected history of shape (n_steps + 1,) or (n_steps + 1, n_params), got shape {path.shape}"
        )
    return path


def linear_rate(history) -> float:
    """Estimate the linear rate of convergence from a parameter path.

    Parameters
    ----------
    history : array_like of shape (n_steps + 1,) or (n_steps + 1, n_params)
        Successive parameters theta_0, theta_1, ... of a fixed-point iteration.

    Returns
    -------
    float
        The median of the ratios ||theta_{t+1} - theta_t|| / ||theta_t - theta_{t-1}||
        over the later half of the steps that are still well above rounding
        error (longer than 1e-8 times the size of the parameters).

    Raises
    ------
    ValueError
        If fewer than two such steps exist (the path is too short or had
        converged from the start).

    Notes
    -----
    For theta_{t+1} - theta* ~ J (theta_t - theta*) the steps shrink by the
    largest eigenvalue of J, the same factor as the errors, so the rate is
    read off without knowing theta*. The early ratios are skipped because
    other eigen-directions have not died out yet; the last, tiny steps
    because rounding dominates them.
    """
    path = _as_path(history)
    steps = np.linalg.norm(np.diff(path, axis=0), axis=1)
    scale = max(1.0, float(np.abs(path).max()))
    usable = np.flatnonzero(steps > _STEP_FLOOR * scale)
    # Only an unbroken run of usable steps from the start counts.
    if usable.size:
        breaks = np.flatnonzero(np.diff(usable) != 1)
        usable = usable[: breaks[0] + 1] if breaks.size else usable
    if usable.size < 2:
        raise ValueError(
            "Expected a path with at least two steps above rounding error, got "
            f"{usable.size} (history has {path.shape[0]} entries): run more iterations "
            "or start farther from the fixed point"
        )
    ratios = steps[usable[1:]] / steps[usable[:-1]]
    return float(np.median(ratios[ratios.size // 2:]))


def aitken(history) -> np.ndarray:
    """Extrapolate a scalar path to its limit by Aitken's delta-squared formula.

    Parameters
    ----------
    history : array_like of shape (n_steps + 1,)
        A linearly converging sequence x_0, x_1, ..., at least 3 values.

    Returns
    -------
    ndarray of shape (n_steps - 1,)
        Entry t: x_{t+2} - (x_{t+2} - x_{t+1})^2 / (x_{t+2} - 2 x_{t+1} + x_t),
        the limit of a sequence whose error shrinks by a constant factor;
        the plain x_{t+2} where the denominator is 0.
    """
    x = as_float_array(history, "history")
    if x.ndim != 1 or x.shape[0] < 3:
        raise ValueError(f"Expected history of shape (n,) with n >= 3, got shape {x.shape}")
    first = x[2:] - x[1:-1]
    second = x[2:] - 2.0 * x[1:-1] + x[:-2]
    out = x[2:].copy()
    ok = second != 0
    out[ok] -= first[ok] ** 2 / second[ok]
    return out


def _prepare(em_map, theta0, max_iter, tol):
    if not callable(em_map):
        raise TypeError(f"Expected em_map to be callable, got {type(em_map).__name__}")
    scalar = np.ndim(theta0) == 0
    theta = np.atleast_1d(as_float_array(theta0, "theta0"))
    if theta.ndim != 1:
        raise ValueError(f"Expected theta0 as a number or a vector, got shape {theta.shape}")
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    tol = check_float(tol, "tol", minimum=0.0)

    def step(value):
        out = em_map(float(value[0]) if scalar else value.copy())
        return np.atleast_1d(np.asarray(out, dtype=float))

    return scalar, theta, max_iter, tol, step


def _record(scalar, theta, history, n_evaluations, n_iter, converged, n_fallbacks=0, n_objective=0):
    history = np.array(history)
    if scalar:
        history = history[:, 0]
    return AcceleratedFit(
        theta=float(theta[0]) if scalar else read_only(theta),
        history=read_only(history),
        n_evaluations=n_evaluations,
        n_iter=n_iter,
        converged=converged,
        n_fallbacks=n_fallbacks,
        n_objective=n_objective,
    )


def iterate(em_map, theta0, *, max_iter=500, tol=1e-10) -> AcceleratedFit:
    """Run the plain fixed-point iteration theta <- em_map(theta).

    Parameters
    ----------
    em_map : callable
        One EM iteration: takes and returns a float (when ``theta0`` is one)
        or a vector of shape (n_params,).
    theta0 : float or array_like of shape (n_params,)
        The start.
    max_iter : int, default=500
        The largest number of iterations (= evaluations of ``em_map``).
    tol : float, default=1e-10
        Stop when one step moves the parameters by less than ``tol``
        (Euclidean norm).

    Returns
    -------
    AcceleratedFit
        With ``n_evaluations`` equal to the iterations run.
    """
    scalar, theta, max_iter, tol, step = _prepare(em_map, theta0, max_iter, tol)
    history = [theta]
    converged = False
    for _ in range(max_iter):
        new = step(history[-1])
        history.append(new)
        if np.linalg.norm(new - history[-2]) < tol:
            converged = True
            break
    n = len(history) - 1
    return _record(scalar, history[-1], history, n, n, converged)


def squarem(em_map, theta0, *, max_iter=500, tol=1e-10, objective=None) -> AcceleratedFit:
    """Accelerate a fixed-point iteration by SQUAREM (scheme S3).

    Parameters
    ----------
    em_map : callable
        One EM iteration: takes and returns a float (when ``theta0`` is one)
        or a vector of shape (n_params,). It may raise ``ValueError`` for
        parameters outside its domain; the extrapolation is then rejected.
    theta0 : float or array_like of shape (n_params,)
        The start.
    max_iter : int, default=500
        The largest number of cycles (each calls ``em_map`` up to 3 times).
    tol : float, default=1e-10
        Stop when a plain EM step from the current parameters moves them by
        less than ``tol`` (the same rule as :func:`iterate`).
    objective : callable, optional
        The log-likelihood, to be maximised. When given, an extrapolated
        point whose objective is below that of the two plain EM steps is
        rejected and the plain steps are kept, so the objective never falls.

    Returns
    -------
    AcceleratedFit
        ``history`` holds the parameters after each cycle; ``n_evaluations``
        counts every call of ``em_map``, ``n_objective`` every call of
        ``objective`` (at most two per cycle); ``n_fallbacks`` the rejected cycles.

    Notes
    -----
    One cycle from theta0: theta1 = M(theta0), theta2 = M(theta1),
    r = theta1 - theta0, v = theta2 - theta1 - r and the step length
    alpha = -||r|| / ||v|| (scheme S3), capped at -1. The extrapolation
    theta' = theta0 - 2 alpha r + alpha^2 v is the plain theta2 at
    alpha = -1 and jumps further along the path for alpha < -1; one more EM
    step, M(theta'), stabilises it (Varadhan & Roland, *Scandinavian
    Journal of Statistics* 35, 2008).
    """
    scalar, theta, max_iter, tol, step = _prepare(em_map, theta0, max_iter, tol)
    if objective is not None and not callable(objective):
        raise TypeError(f"Expected objective to be callable or None, got {type(objective).__name__}")

    n_objective = 0

    def value(point):
        nonlocal n_objective
        n_objective += 1
        return float(objective(float(point[0]) if scalar else point.copy()))

    history = [theta]
    n_evaluations = 0
    n_fallbacks = 0
    converged = False
    n_iter = 0
    for n_iter in range(1, max_iter + 1):
        theta0 = history[-1]
        theta1 = step(theta0)
        n_evaluations += 1
        r = theta1 - theta0
        if np.linalg.norm(r) < tol:
            history.append(theta1)
            converged = True
            break
        theta2 = step(theta1)
        n_evaluations += 1
        v = theta2 - theta1 - r
        v_norm = np.linalg.norm(v)
        alpha = -np.linalg.norm(r) / v_norm if v_norm > 0 else -1.0
        alpha = min(alpha, -1.0)
        new = None
        if alpha < -1.0:
            proposal = theta0 - 2.0 * alpha * r + alpha**2 * v
            try:
                new = step(proposal)
                n_evaluations += 1
            except (ValueError, FloatingPointError, np.linalg.LinAlgError):
                n_evaluations += 1  # the call was made, even though it failed
                new = None
            if new is not None and not np.all(np.isfinite(new)):
                new = None
            if new is not None and objective is not None:
                try:
                    if not value(new) >= value(theta2):
                        new = None
                except (ValueError, FloatingPointError, np.linalg.LinAlgError):
                    new = None
            if new is None:
                n_fallbacks += 1
        history.append(theta2 if new is None else new)
    return _record(scalar, history[-1], history, n_evaluations, n_iter, converged, n_fallbacks, n_objective)


def mixture_map(x, n_components, n_features, *, reg_covar=1e-6):
    """Express one EM iteration of a Gaussian mixture as a map on a flat vector.

    Parameters
    ----------
    x : array_like of shape (n_samples, n_features) or (n_samples,)
        The data.
    n_components, n_features : int
        The shape of the mixture.
    reg_covar : float, default=1e-6
        Passed to :func:`emteach.gmm.m_step`.

    Returns
    -------
    em_map : callable
        Vector of shape (n_params,) -> the vector after one E-step and one
        M-step. Raises ``ValueError`` for a vector that is not a valid
        mixture (negative weights, a covariance that is not positive definite).
    log_likelihood : callable
        Vector -> total log-likelihood (``-inf`` for an invalid vector).
    pack : callable
        :class:`emteach.gmm.GMMParams` -> vector (weights, then means, then
        covariances, each flattened).
    unpack : callable
        Vector -> :class:`emteach.gmm.GMMParams`.
    """
    k = check_int(n_components, "n_components", minimum=1)
    d = check_int(n_features, "n_features", minimum=1)
    sizes = np.cumsum([k, k * d])

    def pack(params):
        return np.concatenate([params.weights, params.means.ravel(), params.covariances.ravel()])

    def unpack(vector):
        vector = np.asarray(vector, dtype=float)
        if vector.shape != (k + k * d + k * d * d,):
            raise ValueError(
                f"Expected a parameter vector of length {k + k * d + k * d * d}, got shape {vector.shape}"
            )
        weights, means, covariances = np.split(vector, sizes)
        total = weights.sum()
        return gmm.GMMParams(weights / total if total > 0 else weights, means.reshape(k, d),
                             covariances.reshape(k, d, d))

    def em_map(vector):
        params = unpack(vector)
        resp, _ = gmm.e_step(x, params)
        return pack(gmm.m_step(x, resp, reg_covar))

    def log_likelihood(vector):
        try:
            return gmm.log_likelihood(x, unpack(vector))
        except ValueError:
            return -np.inf

    return em_map, log_likelihood, pack, unpack
