"""Gaussian-mixture EM with one compiled pass over the data per iteration.

:func:`emteach.gmm.fit` runs the E-step over the whole data set, keeps the
(n_components, n_samples) responsibilities, and then reads the data and the
responsibilities again in the M-step. Yet the M-step only needs a few sums
over the samples (:class:`emteach.gmm.SufficientStatistics`). The kernel
here, compiled by numba, visits each sample once per iteration: it computes
the sample's log-densities under every component, its log-sum-exp and
responsibilities, and adds its share to the sums straight away. No (n, k)
array is ever stored, and the data are read once per iteration. Every step
runs along a block of samples in vector instructions, the exponentials and
logarithms included: the kernel computes them itself (see ``_exp_block``),
because the C library's ``exp`` and ``log``, which numba calls otherwise,
take one number per call.

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
from llvmlite import ir
from numba import types
from numba.extending import intrinsic

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


# --- exp and log along a block, in vector instructions -------------------------
#
# numba calls the C library's scalar exp and log: one call per number, which
# the compiler cannot spread over vector lanes (Intel's SVML, which numba can
# use for that, needs an llvmlite built with it; the PyPI one is not). So the
# kernel brings its own, written as plain arithmetic the compiler vectorises:
#   exp(x) = 2^k exp(r), k = round(x / ln 2), r = x - k ln 2 in [-ln2/2, ln2/2],
#     exp(r) by its Taylor polynomial to degree 13 (truncation < 1e-17), and
#     2^k made by writing k into a float's exponent bits;
#   log(y) = e ln 2 + log(f), y = 2^e f with f in [sqrt(1/2), sqrt(2)) read
#     from the bits, log(f) = 2 atanh(s) with s = (f - 1)/(f + 1), |s| < 0.172,
#     by its odd series to s^23 (truncation < 1e-17).
# Both are within one unit in the last place of NumPy's (tests/test_fused.py).
# They are compiled WITHOUT "reassoc": adding and subtracting 1.5 * 2^52 is
# how k is rounded, and reassociation would cancel it.


@intrinsic
def _as_float(typingctx, bits):  # pragma: no cover - compiled
    """The float64 whose bit pattern is the int64 ``bits``."""
    if bits != types.int64:
        return None

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.DoubleType())
    return types.float64(types.int64), codegen


@intrinsic
def _as_bits(typingctx, value):  # pragma: no cover - compiled
    """The int64 bit pattern of the float64 ``value``."""
    if value != types.float64:
        return None

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(64))
    return types.int64(types.float64), codegen


_ROUND = 6755399441055744.0          # 1.5 * 2^52: x + _ROUND rounds x to an integer ...
_ROUND_BITS = 0x4338000000000000     # ... kept in the low bits of this pattern
_LOG2E = 1.4426950408889634
_LN2_HI = 6.93147180369123816490e-01  # ln 2 in two parts: k * _LN2_HI is exact
_LN2_LO = 1.90821492927058770002e-10
_MANTISSA = 0x000FFFFFFFFFFFFF
_ONE_BITS = 0x3FF0000000000000
_SQRT2_BITS = 0x3FF6A09E667F3BCD
(_E0, _E1, _E2, _E3, _E4, _E5, _E6, _E7, _E8, _E9, _E10, _E11, _E12,
 _E13) = [1.0 / math.factorial(i) for i in range(14)]
(_L0, _L1, _L2, _L3, _L4, _L5, _L6, _L7, _L8, _L9, _L10, _L11) = [2.0 / (2 * i + 1) for i in range(12)]


@numba.njit(cache=True, nogil=True, fastmath={"contract"}, error_model="numpy")
def _exp_block(values, out, m, floor):  # pragma: no cover - compiled
    """out[i] = exp(values[i]) for i < m, for values <= 0; exactly 0 below ``floor`` (> -708)."""
    for i in range(m):
        x = max(values[i], floor)
        t = x * _LOG2E + _ROUND
        k = t - _ROUND
        r = (x - k * _LN2_HI) - k * _LN2_LO
        p = ((((((((((((_E13 * r + _E12) * r + _E11) * r + _E10) * r + _E9) * r + _E8) * r + _E7) * r + _E6)
                  * r + _E5) * r + _E4) * r + _E3) * r + _E2) * r + _E1) * r + _E0
        scaled = p * _as_float((_as_bits(t) - _ROUND_BITS + 1023) << 52)
        out[i] = scaled if values[i] >= floor else 0.0


@numba.njit(cache=True, nogil=True, fastmath={"contract"}, error_model="numpy")
def _log_block(values, out, m):  # pragma: no cover - compiled
    """out[i] = log(values[i]) for i < m, for positive normal values."""
    for i in range(m):
        bits = _as_bits(values[i])
        f = (bits & _MANTISSA) | _ONE_BITS
        high = np.int64(f > _SQRT2_BITS)  # f in [sqrt 2, 2): use f / 2 and e + 1
        f = _as_float(f - (high << 52))
        e = _as_float((bits >> 52) - 1023 + high + _ROUND_BITS) - _ROUND
        s = (f - 1.0) / (f + 1.0)
        z = s * s
        p = (((((((((((_L11 * z + _L10) * z + _L9) * z + _L8) * z + _L7) * z + _L6) * z + _L5) * z + _L4)
                  * z + _L3) * z + _L2) * z + _L1) * z + _L0)
        out[i] = e * _LN2_HI + (s * p + e * _LN2_LO)


@numba.njit(cache=True, nogil=True, fastmath=_FASTMATH, error_model="numpy")
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
    # The loops along a block index one-dimensional rows (resp[j], diff[j, a]):
    # indexed as resp[j, i] the compiler does not see unit steps and does not
    # vectorise (4 times slower, measured).
    for start in range(0, n, _BLOCK):
        m = min(_BLOCK, n - start)
        # log weights[j] + log N(x_i | j), held in resp for now
        for j in range(k):
            row = resp[j]
            for a in range(d):
                mu = means[j, a]
                diff_a = diff[j, a]
                x_a = xt[a, start:start + m]
                for i in range(m):
                    diff_a[i] = x_a[i] - mu
            offset = offsets[j]
            for i in range(m):
                row[i] = offset
            for a in range(d):  # row a of L^-1 (x - mu), squared: -1/2 of it added
                w = inverse[j, a, 0]
                diff_b = diff[j, 0]
                for i in range(m):
                    work[i] = w * diff_b[i]
                for b in range(1, a + 1):
                    w = inverse[j, a, b]
                    diff_b = diff[j, b]
                    for i in range(m):
                        work[i] += w * diff_b[i]
                for i in range(m):
                    row[i] -= 0.5 * (work[i] * work[i])
        # log-sum-exp over the components; the largest term is exp(0) = 1
        for i in range(m):
            peak[i] = resp[0, i]
            norm[i] = 0.0
        for j in range(1, k):
            row = resp[j]
            for i in range(m):
                peak[i] = max(peak[i], row[i])
        for j in range(k):
            row = resp[j]
            for i in range(m):
                work[i] = row[i] - peak[i]
            # exp(0) is exactly 1; below the floor (subnormal or zero) exactly 0, as in gmm
            _exp_block(work, row, m, floor)
            for i in range(m):
                norm[i] += row[i]
        _log_block(norm, work, m)
        block_total = 0.0
        for i in range(m):
            block_total += peak[i] + work[i]
        total += block_total
        # responsibilities and the block's sums
        for i in range(m):
            norm[i] = 1.0 / norm[i]
        for j in range(k):
            row = resp[j]
            size = 0.0
            for i in range(m):
                row[i] *= norm[i]
                size += row[i]
            sizes[j] += size
            for a in range(d):
                diff_a = diff[j, a]
                acc = 0.0
                for i in range(m):
                    work[i] = row[i] * diff_a[i]
                    acc += work[i]
                sums[j, a] += acc
                for b in range(a + 1):
                    diff_b = diff[j, b]
                    acc = 0.0
                    for i in range(m):
                        acc += work[i] * diff_b[i]
                    outer[j, a, b] += acc
    return total


@numba.njit(cache=True, nogil=True, fastmath=_FASTMATH, error_model="numpy")
def _floor_pass(values, floor):  # pragma: no cover - compiled
    """Sum over rows of log(1 + sum_{j >= 1} exp(values[i, j])), with the kernel's exp and log."""
    n, k = values.shape
    norm = np.empty(_BLOCK)
    term = np.empty(_BLOCK)
    exps = np.empty(_BLOCK)
    logs = np.empty(_BLOCK)
    total = 0.0
    for start in range(0, n, _BLOCK):
        m = min(_BLOCK, n - start)
        for i in range(m):
            norm[i] = 1.0
        for j in range(1, k):
            for i in range(m):
                term[i] = values[start + i, j]
            _exp_block(term, exps, m, floor)
            for i in range(m):
                norm[i] += exps[i]
        _log_block(norm, logs, m)
        for i in range(m):
            total += logs[i]
    return total


@numba.njit(cache=True, nogil=True, fastmath=_FASTMATH)
def _library_floor_pass(values, floor):  # pragma: no cover - compiled
    """As :func:`_floor_pass`, with the C library's exp and log: one call per number."""
    n, k = values.shape
    total = 0.0
    for i in range(n):
        norm = 1.0
        for j in range(1, k):
            if values[i, j] >= floor:
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
    ``exp`` per component other than the largest and one ``log`` (the
    kernel's own, within one unit in the last place of NumPy's); memory
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


def exp_log_floor(values, *, library=False) -> float:
    """Time-floor reference: only the exp and log calls of an E-step.

    Parameters
    ----------
    values : array_like of shape (n_samples, n_components)
        Log-probabilities relative to each row's largest (column 0 is taken
        as that largest, so its exp, 1, is not computed).
    library : bool, default=False
        Make the same calls to the C library's ``exp`` and ``log`` (what
        numba's ``math.exp`` and ``math.log`` are), one number per call,
        instead of the kernel's vectorised ones: what the floor was before
        the kernel had its own.

    Returns
    -------
    float
        sum_i log(1 + sum_{j >= 1} exp(values[i, j])): n (k - 1) calls of
        ``exp`` and n calls of ``log``, the fewest a log-sum-exp over k
        terms needs, with the same vectorised exp and log as the kernel (a
        value below exp(-700) counts as 0, as there). No E-step that uses
        these exp and log can take less time than this loop.
    """
    values = np.ascontiguousarray(np.asarray(values, dtype=np.float64))
    if values.ndim != 2:
        raise ValueError(
            f"Expected values of shape (n_samples, n_components), got shape {values.shape}"
        )
    floor_pass = _library_floor_pass if library else _floor_pass
    return float(floor_pass(values, gmm._LOG_RESP_FLOOR))
