"""EM for a multivariate normal with missing values.

The data are n rows drawn from N(mean, covariance) in d dimensions, with some
entries missing (NaN) at random. EM treats the missing entries as the hidden
part of the complete data; this is the problem the algorithm was named for
(Dempster, Laird and Rubin 1977, section 4.1.3).

* The E-step, :func:`e_step`, replaces every missing entry by its
  conditional mean given the observed entries of its row, and adds up the
  conditional covariance of the missing entries: filling in means alone
  would understate the spread.
* The M-step, :func:`m_step`, computes the mean and covariance of the filled
  data, adding that correction to the covariance.
* :func:`fit` only loops over the two and records the observed-data
  log-likelihood, which never decreases.

For a row with observed part o and missing part m, and the current
parameters,

    E[x_m | x_o] = mean_m + cov_mo cov_oo^-1 (x_o - mean_o)
    Cov[x_m | x_o] = cov_mm - cov_mo cov_oo^-1 cov_om

Rows are grouped by their pattern of missing entries; each pattern's
observed block of the covariance is factorised once by Cholesky, and no
matrix is inverted.

Examples
--------
>>> import numpy as np
>>> x = np.array([[1.0, 2.0], [2.0, np.nan], [3.0, 5.0], [np.nan, 4.0], [5.0, 7.0]])
>>> result = fit(x)
>>> result.converged, result.mean.shape, result.covariance.shape
(True, (2,), (2, 2))
>>> bool(np.all(np.diff(result.log_likelihoods) >= -1e-12))
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.linalg import solve_triangular

from emteach import _em
from emteach._validation import as_float_array, as_samples, check_float, check_int, read_only

__all__ = [
    "MissingFit",
    "e_step",
    "m_step",
    "observed_log_likelihood",
    "impute",
    "fit",
]

_LOG_2PI = math.log(2.0 * math.pi)
_SYMMETRY_TOL = 1e-8  # relative asymmetry accepted in a covariance matrix
_SINGULAR_TOL = 1e3 * np.finfo(np.float64).eps  # see _check_not_singular


@dataclass(frozen=True, eq=False)
class MissingFit:
    """Result of :func:`fit`.

    Attributes
    ----------
    mean : ndarray of shape (n_features,)
        The maximum-likelihood mean.
    covariance : ndarray of shape (n_features, n_features)
        The maximum-likelihood covariance (divisor n, not n - 1).
    log_likelihoods : ndarray of shape (n_iter + 1,)
        Entry i is the observed-data log-likelihood after i iterations:
        entry 0 belongs to the start, the last one to ``mean`` and
        ``covariance``.
    n_iter : int
        The number of EM iterations (M-steps) run.
    converged : bool
        Whether the change in log-likelihood per row fell below ``tol``.
    """

    mean: np.ndarray
    covariance: np.ndarray
    log_likelihoods: np.ndarray
    n_iter: int
    converged: bool


# ---------------------------------------------------------------------------
# Validation at the public boundary
# ---------------------------------------------------------------------------

def _check_x(x) -> np.ndarray:
    """Data with NaN for missing values, shape (n, d); every column seen at least once."""
    x = as_samples(x, "x", allow_nan=True)
    empty = np.flatnonzero(np.all(np.isnan(x), axis=0))
    if empty.size:
        raise ValueError(
            f"Expected every column of x to hold at least one observed value, but column "
            f"{int(empty[0])} is all missing (NaN); drop it"
        )
    return x


def _check_moments(mean, covariance, n_features: int):
    """Validate a mean (d,) and a symmetric positive definite covariance (d, d)."""
    mean = as_float_array(mean, "mean")
    covariance = as_float_array(covariance, "covariance")
    if mean.shape != (n_features,):
        raise ValueError(
            f"Expected mean of shape ({n_features},) to match x, got shape {mean.shape}"
        )
    if covariance.shape != (n_features, n_features):
        raise ValueError(
            f"Expected covariance of shape {(n_features, n_features)} to match x, got shape "
            f"{covariance.shape}"
        )
    asymmetry = float(np.abs(covariance - covariance.T).max())
    if asymmetry > _SYMMETRY_TOL * float(np.abs(covariance).max()):
        raise ValueError(
            f"Expected a symmetric covariance, got largest asymmetry {asymmetry:.3g}"
        )
    covariance = 0.5 * (covariance + covariance.T)
    try:
        np.linalg.cholesky(covariance)
    except np.linalg.LinAlgError:
        raise ValueError(
            "Expected a positive definite covariance (its Cholesky factorisation failed)"
        ) from None
    return mean, covariance


def _singular(covariance_name: str) -> ValueError:
    return ValueError(
        f"The {covariance_name} is not positive definite: a column is constant over its "
        "observed values, some columns are exact linear functions of others, or there are "
        "too few rows for the number of columns. Drop such columns, or pass reg_covar > 0."
    )


# ---------------------------------------------------------------------------
# Private core (trusted inputs)
# ---------------------------------------------------------------------------

def _patterns(x: np.ndarray):
    """Yield (rows, missing columns) for each distinct pattern of missing entries."""
    missing = np.isnan(x)
    patterns, inverse = np.unique(missing, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    for index, pattern in enumerate(patterns):
        yield np.flatnonzero(inverse == index), pattern


def _e_step(x: np.ndarray, mean: np.ndarray, covariance: np.ndarray):
    """Filled data (n, d), summed conditional covariances (d, d), observed log-likelihood.

    Raises numpy.linalg.LinAlgError if an observed block is not positive definite.
    """
    n, d = x.shape
    filled = x.copy()
    correction = np.zeros((d, d))
    total = 0.0
    for rows, missing in _patterns(x):
        observed = ~missing
        n_rows, n_observed = rows.shape[0], int(observed.sum())
        if n_observed == 0:  # nothing seen: the row's own distribution, no likelihood
            filled[rows] = mean
            correction += n_rows * covariance
            continue
        cholesky = np.linalg.cholesky(covariance[np.ix_(observed, observed)])
        diff = x[np.ix_(rows, observed)] - mean[observed]
        # z = L^-1 (x_o - mean_o): squared norms are the Mahalanobis distances.
        z = solve_triangular(cholesky, diff.T, lower=True, check_finite=False)
        total += (-0.5 * float(np.sum(z * z))
                  - n_rows * float(np.log(np.diagonal(cholesky)).sum())
                  - 0.5 * n_rows * n_observed * _LOG_2PI)
        if n_observed == d:
            continue
        cross = covariance[np.ix_(observed, missing)]  # cov_om
        # v = L^-1 cov_om, so cov_mo cov_oo^-1 (x_o - mean_o) = v^T z and
        # cov_mo cov_oo^-1 cov_om = v^T v.
        v = solve_triangular(cholesky, cross, lower=True, check_finite=False)
        filled[np.ix_(rows, missing)] = mean[missing] + (v.T @ z).T
        conditional = covariance[np.ix_(missing, missing)] - v.T @ v
        correction[np.ix_(missing, missing)] += n_rows * conditional
    return filled, 0.5 * (correction + correction.T), total


def _check_not_singular(covariance: np.ndarray, what: str) -> None:
    """Raise if a column's variance given the earlier columns is lost in rounding.

    The squared Cholesky pivots are these conditional variances; a pivot
    below 1000 machine epsilons of the column's own variance means the
    column is (to rounding) a linear function of the others, or constant.
    """
    try:
        cholesky = np.linalg.cholesky(covariance)
    except np.linalg.LinAlgError:
        raise _singular(what) from None
    if np.any(np.diagonal(cholesky) ** 2 <= _SINGULAR_TOL * np.diagonal(covariance)):
        raise _singular(what)


def _m_step(filled: np.ndarray, correction: np.ndarray, reg_covar: float = 0.0):
    """Mean and covariance (divisor n) of the filled data, plus the correction."""
    n, d = filled.shape
    mean = filled.mean(axis=0)
    centred = filled - mean
    covariance = (centred.T @ centred + correction) / n
    covariance = 0.5 * (covariance + covariance.T)
    covariance[np.diag_indices(d)] += reg_covar
    return mean, covariance


def _observed_log_likelihood(x, mean, covariance) -> float:
    return _e_step(x, mean, covariance)[2]


# ---------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------

def e_step(x, mean, covariance):
    """Fill in the missing values and sum their conditional covariances (the E-step).

    Parameters
    ----------
    x : array_like of shape (n_samples, n_features)
        The data, NaN marking a missing value.
    mean : array_like of shape (n_features,)
        The current mean.
    covariance : array_like of shape (n_features, n_features)
        The current covariance, symmetric positive definite.

    Returns
    -------
    filled : ndarray of shape (n_samples, n_features)
        ``x`` with each missing entry replaced by E[x_m | x_o] (observed
        entries unchanged).
    correction : ndarray of shape (n_features, n_features)
        sum over rows of Cov[x_m | x_o], placed in the rows and columns of
        each row's missing entries (zero where nothing is missing).
    log_likelihood : float
        The observed-data log-likelihood of ``mean`` and ``covariance``.
    """
    x = _check_x(x)
    mean, covariance = _check_moments(mean, covariance, x.shape[1])
    return _e_step(x, mean, covariance)


def m_step(filled, correction):
    """Re-estimate the mean and covariance from filled data (the M-step).

    Parameters
    ----------
    filled : array_like of shape (n_samples, n_features)
        Data with the missing values filled in by :func:`e_step`.
    correction : array_like of shape (n_features, n_features)
        The summed conditional covariances from :func:`e_step`.

    Returns
    -------
    mean : ndarray of shape (n_features,)
        The column means of ``filled``.
    covariance : ndarray of shape (n_features, n_features)
        (sum_i (filled_i - mean)(filled_i - mean)^T + correction) / n.
    """
    filled = as_samples(filled, "filled")
    correction = as_float_array(correction, "correction")
    d = filled.shape[1]
    if correction.shape != (d, d):
        raise ValueError(
            f"Expected correction of shape {(d, d)} to match filled, got shape "
            f"{correction.shape}"
        )
    return _m_step(filled, correction)


def observed_log_likelihood(x, mean, covariance) -> float:
    """Return the log-likelihood of the observed entries.

    Parameters
    ----------
    x : array_like of shape (n_samples, n_features)
        The data, NaN marking a missing value.
    mean : array_like of shape (n_features,)
        The mean.
    covariance : array_like of shape (n_features, n_features)
        The covariance, symmetric positive definite.

    Returns
    -------
    float
        sum_i log N(x_{i,o} | mean_o, cov_oo) over the observed part o of
        each row (the marginal density of what was seen); a row with
        nothing observed contributes 0.
    """
    x = _check_x(x)
    mean, covariance = _check_moments(mean, covariance, x.shape[1])
    return _observed_log_likelihood(x, mean, covariance)


def impute(x, mean, covariance) -> np.ndarray:
    """Fill in missing values by their conditional means.

    Parameters
    ----------
    x : array_like of shape (n_samples, n_features)
        The data, NaN marking a missing value.
    mean : array_like of shape (n_features,)
        The mean (e.g. from :func:`fit`).
    covariance : array_like of shape (n_features, n_features)
        The covariance, symmetric positive definite.

    Returns
    -------
    ndarray of shape (n_samples, n_features)
        A new array: observed entries exactly as given, each missing one
        replaced by mean_m + cov_mo cov_oo^-1 (x_o - mean_o).

    Notes
    -----
    These are best guesses, not draws: the filled values vary less than
    the truth, so statistics computed from them as if they had been
    observed (the covariance above all) come out too small.
    """
    x = _check_x(x)
    mean, covariance = _check_moments(mean, covariance, x.shape[1])
    return _e_step(x, mean, covariance)[0]


def fit(x, *, max_iter=200, tol=1e-8, reg_covar=0.0) -> MissingFit:
    """Fit a multivariate normal to data with missing values by EM.

    Parameters
    ----------
    x : array_like of shape (n_samples, n_features)
        The data, NaN marking a missing value; at least two rows, and every
        column observed at least once.
    max_iter : int, default=200
        The largest number of EM iterations.
    tol : float, default=1e-8
        Stop when the observed-data log-likelihood per row changes by less
        than ``tol`` in one iteration. With ``tol=0`` exactly ``max_iter``
        iterations run.
    reg_covar : float, default=0.0
        Non-negative number added to the diagonal of the covariance at the
        start and in every M-step (for columns that are constant or exact
        linear functions of others).

    Returns
    -------
    MissingFit
        ``mean``, ``covariance`` (divisor n), ``log_likelihoods`` (entry i
        after i iterations, entry 0 the start), ``n_iter``, ``converged``.

    Raises
    ------
    ValueError
        On invalid input (infinite values, a column with nothing observed,
        a single row), or if the covariance is singular: some column's
        variance given the columns before it (a squared Cholesky pivot)
        falls below 1000 machine epsilons of its own variance.

    Warns
    -----
    emteach.gmm.ConvergenceWarning
        If ``tol > 0`` and all ``max_iter`` iterations ran without meeting it.

    Notes
    -----
    The start is the mean and variance of each column's observed values,
    with no correlation. Without missing values the first M-step gives the
    sample mean and covariance (divisor n), and the second iteration
    confirms it. The log-likelihood never decreases (with
    ``reg_covar=0``).
    """
    x = _check_x(x)
    n, d = x.shape
    if n < 2:
        raise ValueError(
            f"Expected at least 2 rows to estimate a covariance, got n_samples={n}"
        )
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    tol = check_float(tol, "tol", minimum=0.0)
    reg_covar = check_float(reg_covar, "reg_covar", minimum=0.0)

    mean = np.nanmean(x, axis=0)
    covariance = np.diag(np.nanvar(x, axis=0) + reg_covar)
    _check_not_singular(covariance, "starting covariance (each column's observed variance)")

    def fill_in(moments):
        filled, correction, total = _e_step(x, *moments)
        return (filled, correction), total

    def moments_of(statistics):
        moments = _m_step(*statistics, reg_covar)
        _check_not_singular(moments[1], "covariance estimate")
        return moments

    (mean, covariance), log_likelihoods, converged = _em.iterate(
        fill_in, moments_of, (mean, covariance), n_observations=n, max_iter=max_iter,
        tol=tol, unit="row",
        advice="Raise max_iter or loosen tol (much missing data makes EM slow).",
    )
    return MissingFit(
        mean=read_only(mean),
        covariance=read_only(covariance),
        log_likelihoods=read_only(log_likelihoods),
        n_iter=log_likelihoods.shape[0] - 1,
        converged=converged,
    )
