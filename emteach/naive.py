"""Slow and fragile ways to write a Gaussian mixture's E-step, for comparison.

Chapter 9 times the E-step of :mod:`emteach.gmm` against two earlier
drafts of it, and shows where they break:

* :func:`e_step_loops` -- a loop over samples and components in plain
  Python, densities in probability space, the covariance's inverse and
  determinant formed once per component;
* :func:`e_step_vectorised` -- the same arithmetic with NumPy arrays:
  ``inv`` and ``det``, densities, then responsibilities = densities / their
  sum. Fast, but it underflows far from the components (0 / 0 = NaN).

Both return what :func:`emteach.gmm.e_step` returns, (resp, log_likelihood),
whenever nothing underflows. :func:`mahalanobis_exact` computes a squared
Mahalanobis distance in exact rational arithmetic, the reference for the
accuracy of ``inv`` against Cholesky. This module exists to be measured:
the book's numerics never use it.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from emteach import gmm

__all__ = [
    "e_step_loops",
    "e_step_vectorised",
    "mahalanobis_inverse",
    "mahalanobis_cholesky",
    "mahalanobis_exact",
]


def e_step_loops(x, params):
    """Return (resp, log_likelihood) by explicit loops, in probability space.

    Parameters
    ----------
    x : array_like of shape (n_samples, n_features) or (n_samples,)
        The data.
    params : GMMParams
        The parameters.

    Returns
    -------
    resp : ndarray of shape (n_samples, n_components)
    log_likelihood : float
        sum_i log sum_k weights[k] N(x_i | k); NaN or -inf when a density
        underflows for every component.
    """
    params = gmm._check_params(params)
    x = gmm._check_x(x, params).T
    n, d = x.shape
    k = params.n_components
    inverses = [np.linalg.inv(c).tolist() for c in params.covariances]
    norms = [1.0 / math.sqrt((2 * math.pi) ** d * np.linalg.det(c)) for c in params.covariances]
    resp = np.empty((n, k))
    log_likelihood = 0.0
    for i in range(n):
        row = x[i].tolist()
        total = 0.0
        for j in range(k):
            diff = [row[a] - params.means[j, a] for a in range(d)]
            distance = 0.0
            for a in range(d):
                for b in range(d):
                    distance += diff[a] * inverses[j][a][b] * diff[b]
            density = params.weights[j] * norms[j] * math.exp(-0.5 * distance)
            resp[i, j] = density
            total += density
        for j in range(k):
            resp[i, j] = resp[i, j] / total if total > 0 else math.nan
        log_likelihood += math.log(total) if total > 0 else -math.inf
    return resp, log_likelihood


def e_step_vectorised(x, params):
    """Return (resp, log_likelihood) with NumPy arrays, in probability space.

    Parameters
    ----------
    x : array_like of shape (n_samples, n_features) or (n_samples,)
        The data.
    params : GMMParams
        The parameters.

    Returns
    -------
    resp : ndarray of shape (n_samples, n_components)
        NaN in the rows where every density underflowed to 0.
    log_likelihood : float
        -inf as soon as one sample's mixture density underflows to 0.
    """
    params = gmm._check_params(params)
    x = gmm._check_x(x, params).T
    d = x.shape[1]
    inverses = np.linalg.inv(params.covariances)
    determinants = np.linalg.det(params.covariances)
    diff = x[:, np.newaxis, :] - params.means[np.newaxis]  # (n, k, d)
    distance = np.einsum("nka,kab,nkb->nk", diff, inverses, diff)
    with np.errstate(divide="ignore", invalid="ignore", under="ignore"):
        densities = params.weights * np.exp(-0.5 * distance) / np.sqrt(
            (2 * np.pi) ** d * determinants)
        mixture = densities.sum(axis=1)
        resp = densities / mixture[:, np.newaxis]
        log_likelihood = float(np.log(mixture).sum())
    return resp, log_likelihood


def mahalanobis_inverse(point, mean, covariance) -> float:
    """Squared Mahalanobis distance r^T inv(C) r, through the explicit inverse."""
    r = np.asarray(point, dtype=float) - np.asarray(mean, dtype=float)
    return float(r @ np.linalg.inv(covariance) @ r)


def mahalanobis_cholesky(point, mean, covariance) -> float:
    """Squared Mahalanobis distance ||L^-1 r||^2 with C = L L^T, by one triangular solve."""
    r = np.asarray(point, dtype=float) - np.asarray(mean, dtype=float)
    cholesky = np.linalg.cholesky(covariance)
    y = gmm._inverse_cholesky(cholesky[np.newaxis])[0] @ r
    return float(y @ y)


def mahalanobis_exact(point, mean, covariance) -> Fraction:
    """Squared Mahalanobis distance in exact rational arithmetic (Gaussian elimination).

    Every float is a rational number, so r^T C^-1 r of the floats given has
    one exact value; this computes it with :class:`fractions.Fraction`
    (slow: for small matrices only).
    """
    c = [[Fraction(float(v)) for v in row] for row in np.asarray(covariance, dtype=float)]
    r = [Fraction(float(p)) - Fraction(float(m)) for p, m in
         zip(np.ravel(point), np.ravel(mean))]
    d = len(r)
    augmented = [c[a] + [r[a]] for a in range(d)]
    for col in range(d):  # solve C s = r exactly
        pivot = next(row for row in range(col, d) if augmented[row][col] != 0)
        augmented[col], augmented[pivot] = augmented[pivot], augmented[col]
        for row in range(d):
            if row != col and augmented[row][col] != 0:
                factor = augmented[row][col] / augmented[col][col]
                augmented[row] = [a - factor * b for a, b in zip(augmented[row], augmented[col])]
    solution = [augmented[a][d] / augmented[a][a] for a in range(d)]
    return sum(ra * sa for ra, sa in zip(r, solution))
