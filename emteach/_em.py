"""The EM loop shared by the models' ``fit`` functions (private).

Each model supplies its E-step (parameters -> sufficient statistics and
log-likelihood) and its M-step (statistics -> parameters); :func:`iterate`
alternates them, records the log-likelihood (entry 0 = the start) and applies
the book's stopping rule: stop when the log-likelihood per observation
changes by less than ``tol`` in one iteration.
"""

from __future__ import annotations

import warnings

import numpy as np

from emteach import gmm


def loop(e_step, m_step, start, *, n_observations: int, max_iter: int, tol: float):
    """Run EM from ``start`` without warning; return (params, log_likelihoods, converged).

    The loop of :func:`iterate` alone, for a caller that makes several runs
    and warns once for the run it keeps (:func:`emteach.gmm.fit`). The
    parameters are those of :func:`iterate`.
    """
    params = start
    statistics, total = e_step(params)
    log_likelihoods = [total]
    converged = False
    for _ in range(max_iter):
        params = m_step(statistics)
        statistics, total = e_step(params)
        log_likelihoods.append(total)
        if abs(log_likelihoods[-1] - log_likelihoods[-2]) / n_observations < tol:
            converged = True
            break
    return params, np.array(log_likelihoods), converged


def iterate(e_step, m_step, start, *, n_observations: int, max_iter: int, tol: float,
            name: str = "EM", unit: str = "observation", advice: str = ""):
    """Run EM from ``start``; return (params, log_likelihoods, converged).

    Parameters
    ----------
    e_step : callable
        params -> (statistics, log_likelihood).
    m_step : callable
        statistics -> params.
    start : object
        The starting parameters.
    n_observations : int
        What the log-likelihood is divided by in the stopping rule.
    max_iter : int
        The largest number of iterations (M-step, then E-step).
    tol : float
        Stop when |change in log-likelihood| / n_observations < tol; with
        ``tol=0`` exactly ``max_iter`` iterations run and nothing is warned.
    name, unit, advice : str
        Words for the warning: the algorithm, what one observation is, and
        what to try.

    Returns
    -------
    params : object
        The parameters after the last M-step (``start`` if none ran).
    log_likelihoods : ndarray of shape (n_iter + 1,)
        Entry i after i iterations; entry 0 belongs to ``start``.
    converged : bool

    Warns
    -----
    ConvergenceWarning
        If ``tol > 0`` and ``max_iter`` iterations ran without meeting it.
    """
    params, log_likelihoods, converged = loop(
        e_step, m_step, start, n_observations=n_observations, max_iter=max_iter, tol=tol
    )
    warn_if_not_converged(log_likelihoods, converged, n_observations=n_observations,
                          max_iter=max_iter, tol=tol, name=name, unit=unit, advice=advice,
                          stacklevel=4)
    return params, log_likelihoods, converged


def warn_if_not_converged(log_likelihoods, converged, *, n_observations: int, max_iter: int,
                          tol: float, name: str, unit: str, advice: str, stacklevel: int):
    """Warn (ConvergenceWarning) if ``tol > 0`` and the run did not converge.

    ``stacklevel`` counts from this function, as in :func:`warnings.warn`.
    """
    if tol > 0 and not converged:
        change = abs(log_likelihoods[-1] - log_likelihoods[-2]) / n_observations
        warnings.warn(
            f"{name} did not converge in max_iter={max_iter} iterations: the log-likelihood "
            f"per {unit} still changed by {change:.3g} >= tol={tol:g} in the last one. "
            f"{advice}",
            gmm.ConvergenceWarning,
            stacklevel=stacklevel,
        )
