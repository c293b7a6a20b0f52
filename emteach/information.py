"""Standard errors for EM estimates: the observed information by Louis's method.

EM returns a maximum-likelihood estimate but no standard errors: those need
the observed information, minus the Hessian of the observed-data
log-likelihood, which EM never forms. Louis (1982, JRSS B 44, 226-233)
showed how to get it from complete-data quantities, the ones EM already
works with:

    I_obs = E[B_c | x] - Cov[S_c | x],

where S_c is the complete-data score, B_c minus the complete-data Hessian,
and both moments are taken over the latent variables given the data
(the E-step's posterior). The first term is the *complete* information the
data would carry with the labels known; the second is the *missing*
information that the labels take away. Their ratio (largest eigenvalue of
I_complete^-1 I_missing) is EM's rate of convergence (Dempster, Laird and
Rubin 1977).

* :func:`linkage_information` -- the genetic linkage example, one parameter.
* :func:`mixture_information` -- a 1-D Gaussian mixture, parameters
  (weights[:-1], means, sds).
* :func:`standard_errors`, :func:`missing_fraction` -- read them off.
* :func:`numerical_hessian` -- central differences, the independent check.

Examples
--------
>>> info = linkage_information(0.6268214980, [125, 18, 20, 34])
>>> round(float(standard_errors(info)[0]), 4), round(missing_fraction(info), 4)
(0.0515, 0.1328)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg import cho_factor, cho_solve, eigh

from emteach import direct, gmm, linkage
from emteach._validation import as_1d_samples, as_float_array, as_vector, check_float, read_only

__all__ = [
    "Information",
    "linkage_information",
    "mixture_information",
    "mixture_flat",
    "mixture_from_flat",
    "mixture_flat_log_likelihood",
    "standard_errors",
    "missing_fraction",
    "numerical_hessian",
]


@dataclass(frozen=True, eq=False)
class Information:
    """The three information matrices of Louis's identity.

    Attributes
    ----------
    complete : ndarray of shape (p, p)
        E[B_c | x]: the information if the latent variables were seen.
    missing : ndarray of shape (p, p)
        Cov[S_c | x]: the information the latent variables hide.
    observed : ndarray of shape (p, p)
        complete - missing: minus the Hessian of the observed log-likelihood
        (at a maximum; elsewhere Louis's identity still holds for the
        Hessian, which is what :func:`mixture_information` returns).
    """

    complete: np.ndarray
    missing: np.ndarray
    observed: np.ndarray


def _record(complete, missing):
    complete = np.atleast_2d(np.asarray(complete, dtype=float))
    missing = np.atleast_2d(np.asarray(missing, dtype=float))
    return Information(read_only(complete), read_only(missing), read_only(complete - missing))


def linkage_information(pi, counts) -> Information:
    """Louis's information for the genetic linkage example (Dempster, Laird and Rubin 1977).

    Parameters
    ----------
    pi : float
        The parameter, strictly between 0 and 1.
    counts : array_like of shape (4,)
        Non-negative counts of the four cells, with probabilities
        1/2 + pi/4, (1 - pi)/4, (1 - pi)/4 and pi/4 (see :mod:`emteach.linkage`).

    Returns
    -------
    Information
        1-by-1 matrices. The first cell is split into a part of probability
        1/2 and a hidden part of probability pi/4; given the data the hidden
        count is Binomial(counts[0], p) with p = pi / (2 + pi). The
        complete-data score is (hidden + counts[3]) / pi - (counts[1] + counts[2]) / (1 - pi),
        so its variance, the missing information, is counts[0] p (1 - p) / pi^2;
        the complete information is :func:`emteach.linkage.complete_information`.
    """
    complete = linkage.complete_information(pi, counts)
    counts = as_vector(counts, "counts", length=4)
    share = pi / (2.0 + pi)
    missing = counts[0] * share * (1.0 - share) / pi**2
    return _record(complete, missing)


def _check_1d(x, params):
    return as_1d_samples(x, "x"), direct._check_1d(params)


def mixture_flat(params) -> np.ndarray:
    """The parameter vector of :func:`mixture_information`: (weights[:-1], means, sds).

    Parameters
    ----------
    params : gmm.GMMParams
        A one-dimensional mixture.

    Returns
    -------
    ndarray of shape (3 k - 1,)
    """
    if not isinstance(params, gmm.GMMParams) or params.n_features != 1:
        raise ValueError("Expected a one-dimensional gmm.GMMParams")
    return np.concatenate([params.weights[:-1], params.means[:, 0],
                           np.sqrt(params.covariances[:, 0, 0])])


def mixture_from_flat(theta) -> gmm.GMMParams:
    """The mixture of a vector (weights[:-1], means, sds) (inverse of :func:`mixture_flat`)."""
    theta = direct._check_theta(theta)
    k = (theta.shape[0] + 1) // 3
    weights = np.append(theta[:k - 1], 1.0 - theta[:k - 1].sum())
    return gmm.GMMParams.from_1d(weights, theta[k - 1:2 * k - 1], theta[2 * k - 1:])


def mixture_flat_log_likelihood(theta, x) -> float:
    """Observed log-likelihood of a 1-D mixture at (weights[:-1], means, sds)."""
    return gmm.log_likelihood(x, mixture_from_flat(theta))


def mixture_information(x, params) -> Information:
    """Louis's information for a 1-D Gaussian mixture.

    Parameters
    ----------
    x : array_like of shape (n_samples,)
        The data.
    params : gmm.GMMParams
        A one-dimensional mixture, usually the EM estimate.

    Returns
    -------
    Information
        (3k - 1)-by-(3k - 1) matrices in the order of :func:`mixture_flat`.

    Notes
    -----
    With the label z_i = k, the complete-data log-likelihood of point i is
    l_ik = log weights[k] + log N(x_i | means[k], sds[k]^2), with gradient
    g_ik and Hessian H_ik in theta. Given x_i the label has the posterior
    resp[i, k], so per point E[B] = -sum_k resp[i, k] H_ik and
    Cov[S] = sum_k resp[i, k] g_ik g_ik^T - s_i s_i^T, s_i = sum_k resp[i, k] g_ik
    (the observed score of point i). Points are independent, so the totals
    are sums over i.
    """
    x, params = _check_1d(x, params)
    resp, _ = gmm.e_step(x[:, np.newaxis], params)
    k = params.n_components
    w = params.weights
    mu = params.means[:, 0]
    sd = np.sqrt(params.covariances[:, 0, 0])
    n = x.shape[0]
    p = 3 * k - 1
    diff = x[:, np.newaxis] - mu  # (n, k)
    grads = np.zeros((n, k, p))
    complete = np.zeros((p, p))
    for j in range(k):
        m, s = k - 1 + j, 2 * k - 1 + j  # positions of means[j] and sds[j]
        r = resp[:, j]
        # weights: d log w_j / d w_l
        if j < k - 1:
            grads[:, j, j] = 1.0 / w[j]
            complete[j, j] += r.sum() / w[j] ** 2
        else:
            grads[:, j, :k - 1] = -1.0 / w[j]
            complete[:k - 1, :k - 1] += r.sum() / w[j] ** 2
        z = diff[:, j]
        grads[:, j, m] = z / sd[j] ** 2
        grads[:, j, s] = -1.0 / sd[j] + z**2 / sd[j] ** 3
        complete[m, m] += r.sum() / sd[j] ** 2
        complete[m, s] += np.sum(r * 2.0 * z) / sd[j] ** 3
        complete[s, m] = complete[m, s]
        complete[s, s] += np.sum(r * (3.0 * z**2 / sd[j] ** 4 - 1.0 / sd[j] ** 2))
    score = np.einsum("ik,ikp->ip", resp, grads)
    second = np.einsum("ik,ikp,ikq->pq", resp, grads, grads)
    missing = second - score.T @ score
    return _record(complete, 0.5 * (missing + missing.T))


def _check_information(information):
    if not isinstance(information, Information):
        raise ValueError(f"Expected an Information record, got {type(information).__name__}")
    return information


def standard_errors(information) -> np.ndarray:
    """Standard errors: square roots of the diagonal of the inverse observed information.

    Parameters
    ----------
    information : Information

    Returns
    -------
    ndarray of shape (p,)

    Raises
    ------
    ValueError
        If the observed information is not positive definite (not at a maximum).
    """
    observed = _check_information(information).observed
    try:
        factor = cho_factor(observed, lower=True)
    except np.linalg.LinAlgError:
        raise ValueError(
            "Expected a positive definite observed information (a local maximum), but its "
            "Cholesky factorisation failed; run EM to convergence first"
        ) from None
    covariance = cho_solve(factor, np.eye(observed.shape[0]))
    return np.sqrt(np.diag(covariance))


def missing_fraction(information) -> float:
    """Largest fraction of missing information: EM's linear rate near the maximum.

    The largest eigenvalue of complete^-1 missing (a symmetric-definite
    generalised eigenproblem, solved without forming an inverse).
    """
    info = _check_information(information)
    return float(eigh(info.missing, info.complete, eigvals_only=True)[-1])


def numerical_hessian(fun, theta, *, step=1e-4) -> np.ndarray:
    """Hessian of a scalar function by central differences.

    Parameters
    ----------
    fun : callable
        ``fun(theta) -> float``.
    theta : array_like of shape (p,)
    step : float, default=1e-4
        Relative step: entry j moves by step * max(1, |theta_j|).

    Returns
    -------
    ndarray of shape (p, p)
        Symmetric; each entry from four evaluations,
        (f(+h_j +h_l) - f(+h_j -h_l) - f(-h_j +h_l) + f(-h_j -h_l)) / (4 h_j h_l).
    """
    theta = as_vector(theta, "theta")
    step = check_float(step, "step", strictly_positive=True)
    h = step * np.maximum(1.0, np.abs(theta))
    p = theta.shape[0]
    hessian = np.empty((p, p))
    for j in range(p):
        for l in range(j, p):
            total = 0.0
            for sj, sl, sign in ((1, 1, 1), (1, -1, -1), (-1, 1, -1), (-1, -1, 1)):
                point = np.array(theta)
                point[j] += sj * h[j]
                point[l] += sl * h[l]
                total += sign * float(fun(point))
            hessian[j, l] = hessian[l, j] = total / (4.0 * h[j] * h[l])
    return as_float_array(hessian, "hessian")
