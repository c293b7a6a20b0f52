"""Gaussian-mixture EM with one compiled pass over the data per iteration.

:func:`emteach.gmm.fit` runs the E-step over the whole data set, keeps the
(n_components, n_samples) responsibilities, and then reads the data and the
responsibilities again in the M-step. Yet the M-step only needs a few sums
over the samples (:class:`emteach.gmm.SufficientStatistics`). The kernel
here, compiled by numba, visits each sample once per iteration: it computes
the sample's log-densities under every component, its log-sum-exp and
responsibilities, and adds its share to the sums straight away. No (n, k)
array is ever stored, and the data are read once per iteration.

:func:`fit` has the signature and the result of :func:`emteach.gmm.fit`,
uses the same random start, stopping rule and M-step
(:func:`emteach.gmm.m_step_from_statistics`), and follows the same path to
rounding.

The first call compiles the kernel (a few seconds); the machine code is
cached on disk next to this file, so later sessions skip it.

Examples
--------
>>> from emteach import gmm
>>> from emteach.data import two_processes
>>> x, _ = two_processes(seed=0)
>>> fast = fit(x, 2, seed=0)
>>> slow = gmm.fit(x, 2, seed=0)
>>> fast.n_iter == slow.n_iter
True
>>> bool(np.allclose(fast.params.means, slow.params.means, rtol=1e-9))
True
"""

from __future__ import annotations

import math

import numba
import numpy as np

from emteach import gmm
from emteach._validation import make_rng

__all__ = ["fit", "sufficient_statistics", "exp_log_floor"]

#: Samples handled together: each step below runs along a block of samples,
#: so the compiler can use vector instructions, and the block's temporaries,
#: (k, d, block) numbers, stay in cache. The block sums are then added to the
#: totals (two-level summation keeps rounding small for any n).
_BLOCK = 256

# Reductions along a block may be reordered (and so vectorised); nothing is
# assumed about infinities (a zero weight gives log 0 = -inf) or NaNs.
_FASTMATH = {"reassoc", "contract", "nsz"}


@numba.njit(cache=True, nogil=True, fastmath=_FASTMATH)
def _pass(xt, inverse, means, offsets, floor, sizes, sums, outer):  # pragma: no cover - compiled
    """One pass: add each sample's responsibilities and sums; return the log-likelihood.

    ``xt`` (d, n) the data; ``inverse`` (k, d, d) the inverse Cholesky
    factors; ``means`` (k, d), also the shift of the sums; ``offsets`` (k,)
    log weights - half log-determinants - d/2 log 2 pi. ``sizes`` (k,),
    ``sums`` (k, d) and the lower triangle of ``outer`` (k, d, d) are added
    to in place.
    """
    d, n = xt.shape
    k = means.shape[0]
    diff = np.empty((k, d, _BLOCK))
    resp = np.empty((k, _BLOCK))
    work = np.empty(_BLOCK)
    peak = np.empty(_BLOCK)
    norm = np.empty(_BLOCK)
    total = 0.0
    for start in range(0, n, _BLOCK):
        m = min(_BLOCK, n - start)
        # log weights[j] + log N(x_i | j), held in resp for now
        for j in range(k):
            for a in range(d):
                mu = means[j, a]
                for i in range(m):
                    diff[j, a, i] = xt[a, start + i] - mu
            for i in range(m):
                resp[j, i] = 0.0
            for a in range(d):  # row a of L^-1 (x - mu), squared and summed
                for i in range(m):
                    work[i] = 0.0
                for b in range(a + 1):
                    w = inverse[j, a, b]
                    for i in range(m):
                        work[i] += w * diff[j, b, i]
                for i in range(m):
                    resp[j, i] += work[i] * work[i]
            for i in range(m):
                resp[j, i] = offsets[j] - 0.5 * resp[j, i]
        # log-sum-exp over the components; the largest term is exp(0) = 1
        for i in range(m):
            peak[i] = resp[0, i]
            norm[i] = 0.0
        for j in range(1, k):
            for i in range(m):
                peak[i] = max(peak[i], resp[j, i])
        for j in range(k):
            for i in range(m):
                shifted = resp[j, i] - peak[i]
                if shifted == 0.0:
                    resp[j, i] = 1.0
                elif shifted >= floor:
                    resp[j, i] = math.exp(shifted)
                else:  # would be subnormal or zero: exactly zero, as in gmm
                    resp[j, i] = 0.0
                norm[i] += resp[j, i]
        block_total = 0.0
        for i in range(m):
            block_total += peak[i] + math.log(norm[i])
        total += block_total
        # responsibilities and the block's sums
        for i in range(m):
            norm[i] = 1.0 / norm[i]
        for j in range(k):
            size = 0.0
            for i in range(m):
                resp[j, i] *= norm[i]
                size += resp[j, i]
            sizes[j] += size
            for a in range(d):
                acc = 0.0
                for i in range(m):
                    work[i] = resp[j, i] * diff[j, a, i]
                    acc += work[i]
                sums[j, a] += acc
                for b in range(a + 1):
                    acc = 0.0
                    for i in range(m):
                        acc += work[i] * diff[j, b, i]
                    outer[j, a, b] += acc
    return total


@numba.njit(cache=True, nogil=True)
def _floor_pass(values):  # pragma: no cover - compiled
    """Sum over rows of log(1 + sum_{j >= 1} exp(values[i, j]))."""
    n, k = values.shape
    total = 0.0
    for i in range(n):
        norm = 1.0
        for j in range(1, k):
            norm += math.exp(values[i, j])
        total += math.log(norm)
    return total


def _statistics(xt: np.ndarray, params: gmm.GMMParams, max_abs: np.ndarray):
    """Sufficient statistics of ``params`` on the data xt (d, n), by the compiled pass."""
    d, n = xt.shape
    k = params.n_components
    inverse, offsets = gmm._component_constants(params)
    sizes = np.zeros(k)
    sums = np.zeros((k, d))
    outer = np.zeros((k, d, d))
    means = np.ascontiguousarray(params.means)
    total = _pass(xt, inverse, means, offsets, gmm._LOG_RESP_FLOOR, sizes, sums, outer)
    lower = np.tril(outer)
    outer = lower + np.tril(outer, -1).transpose(0, 2, 1)
    return gmm.SufficientStatistics(sizes, sums, outer, params.means, total, n, max_abs)


def sufficient_statistics(x, params) -> gmm.SufficientStatistics:
    """Compute the E-step's sufficient statistics in one compiled pass.

    Parameters
    ----------
    x : array_like of shape (n_samples, n_features) or (n_samples,)
        The data.
    params : GMMParams
        The current parameters.

    Returns
    -------
    SufficientStatistics
        Equal to :func:`emteach.gmm.sufficient_statistics` to rounding.
    """
    params = gmm._check_params(params)
    xt = gmm._check_x(x, params)
    return _statistics(xt, params, gmm._max_abs(xt))


def fit(x, n_components, *, init=None, n_init=1, max_iter=200, tol=1e-6,
        reg_covar=1e-6, seed=None) -> gmm.GMMFit:
    """Fit a Gaussian mixture by EM, one compiled pass over the data per iteration.

    Parameters
    ----------
    x : array_like of shape (n_samples, n_features) or (n_samples,)
        The data.
    n_components : int
        The number of components, 1 <= n_components <= n_samples.
    init : GMMParams, optional
        Starting parameters; if omitted, the random start of
        :func:`emteach.gmm.fit` (the same for the same ``seed``).
    n_init : int, default=1
        Number of random starts; the best final log-likelihood is kept.
    max_iter : int, default=200
        The largest number of EM iterations per run.
    tol : float, default=1e-6
        Stop when the mean log-likelihood per sample changes by less than
        ``tol`` in one iteration; ``tol=0`` runs exactly ``max_iter``.
    reg_covar : float, default=1e-6
        Non-negative number added to the diagonal of every covariance.
    seed : None, int or numpy.random.Generator, optional
        Source of randomness for the random starts.

    Returns
    -------
    GMMFit
        As :func:`emteach.gmm.fit`, equal to its result to rounding.

    Raises
    ------
    ValueError
        As :func:`emteach.gmm.fit`.

    Warns
    -----
    emteach.gmm.ConvergenceWarning
        As :func:`emteach.gmm.fit`.

    Notes
    -----
    Per sample and component the kernel does d (d + 1) / 2 multiply-adds
    for the Mahalanobis distance and as many for the outer product, one
    ``exp`` per component other than the largest and one ``log``; memory
    beyond the data is O(k d^2), whatever n is.
    """
    xt = gmm._check_x(x)
    d, n_samples = xt.shape
    n_components, init, n_init, max_iter, tol, reg_covar = gmm._check_fit_arguments(
        n_samples, d, n_components, init, n_init, max_iter, tol, reg_covar)
    rng = make_rng(seed)
    max_abs = gmm._max_abs(xt)

    def start():
        return init if init is not None else gmm._random_start(xt, n_components, reg_covar, rng)

    return gmm._fit_by_statistics(lambda params: _statistics(xt, params, max_abs), start, n_init,
                                  max_iter, tol, reg_covar, n_samples)


def exp_log_floor(values) -> float:
    """Time-floor reference: only the exp and log calls of an E-step.

    Parameters
    ----------
    values : array_like of shape (n_samples, n_components)
        Log-probabilities relative to each row's largest (column 0 is taken
        as that largest, so its exp, 1, is not computed).

    Returns
    -------
    float
        sum_i log(1 + sum_{j >= 1} exp(values[i, j])): n (k - 1) calls of
        ``exp`` and n calls of ``log``, the fewest a log-sum-exp over k
        terms needs. No compiled E-step can take less time than this loop.
    """
    values = np.ascontiguousarray(np.asarray(values, dtype=np.float64))
    if values.ndim != 2:
        raise ValueError(
            f"Expected values of shape (n_samples, n_components), got shape {values.shape}"
        )
    return float(_floor_pass(values))
