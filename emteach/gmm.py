"""Gaussian mixture models fitted by EM, with full covariance matrices.

A mixture of k Gaussians in d dimensions has the density

    p(x) = sum_k weights[k] N(x | means[k], covariances[k]).

The parameters live in one frozen record, :class:`GMMParams`. The two steps
of EM are free, pure functions -- :func:`e_step` computes the
responsibilities (the posterior probability of each component for each
sample) and :func:`m_step` re-estimates the parameters from them -- and
:func:`fit` only loops over the two and records the log-likelihood.

Conventions
-----------
* ``x`` has shape (n_samples, n_features); a 1-D array of shape (n,) is read
  as (n, 1) everywhere.
* Log-space throughout: each covariance is factorised once by Cholesky,
  Mahalanobis distances come from triangular solves, log-determinants from
  the Cholesky diagonal, and responsibilities from log-sum-exp. No matrix is
  ever inverted and no determinant is formed.
* Log-likelihoods are totals over the samples (not means), except for the
  stopping rule of :func:`fit`, which looks at the change in the mean.

The estimates agree with :class:`sklearn.mixture.GaussianMixture`
(``covariance_type="full"``) started from the same parameters.

Examples
--------
>>> from emteach.data import two_processes
>>> x, z = two_processes(seed=0)
>>> result = fit(x, 2, seed=0)
>>> order = np.argsort(result.params.means[:, 0])
>>> result.params.means[order, 0].round(0).tolist()
[20.0, 40.0]
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import threadpool_limits

from emteach import _em
from emteach._validation import (
    as_float_array,
    as_samples,
    as_vector,
    check_float,
    check_int,
    make_rng,
    read_only,
)
from emteach.kmeans import _plusplus_indices

__all__ = [
    "ConvergenceWarning",
    "GMMParams",
    "GMMFit",
    "SufficientStatistics",
    "e_step",
    "m_step",
    "sufficient_statistics",
    "m_step_from_statistics",
    "log_likelihood",
    "log_prob_per_sample",
    "component_densities",
    "lower_bound",
    "lower_bound_slice",
    "fit",
    "predict",
    "predict_proba",
    "sample",
    "n_parameters",
    "bic",
    "aic",
]

_LOG_2PI = math.log(2.0 * math.pi)
_EPS = 10 * np.finfo(np.float64).eps  # added to component sizes, as scikit-learn does
_WEIGHT_TOL = 1e-8  # weights must sum to one within this
_RESP_TOL = 1e-6  # each row of responsibilities must sum to one within this
_SYMMETRY_TOL = 1e-8  # relative asymmetry accepted in a covariance matrix
# A log-responsibility below this is set to exactly zero before exp: exp(-700) is
# about 1e-304, and anything much smaller is a subnormal number, on which every
# later product runs several times slower (measured: the M-step 3-5x at d = 50).
_LOG_RESP_FLOOR = -700.0
# BLAS threads inside the EM loop. Its matrix products are small and many; on a
# small machine competing thread pools made them far slower (benchmarks/).
_BLAS_THREADS = 1


class ConvergenceWarning(UserWarning):
    """EM stopped at ``max_iter`` before the log-likelihood settled."""


# ---------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------

def _singular_message(component: int, reg_covar: float) -> str:
    return (
        f"The covariance matrix of component {component} is not positive definite: the "
        "component has collapsed onto a single point or a lower-dimensional set of "
        f"points. Raise reg_covar (now {reg_covar:g}), use fewer components, or scale "
        "the data to unit variance."
    )


def _factorise(covariances: np.ndarray) -> np.ndarray:
    """Lower Cholesky factors of shape (k, d, d); LinAlgError names no component."""
    return np.linalg.cholesky(covariances)


def _failed_component(covariances: np.ndarray) -> int:
    """Index of the first covariance whose Cholesky factorisation fails."""
    for index, covariance in enumerate(covariances):
        try:
            np.linalg.cholesky(covariance)
        except np.linalg.LinAlgError:
            return index
    return 0


@dataclass(frozen=True, eq=False)
class GMMParams:
    """Parameters of a Gaussian mixture with full covariance matrices.

    Parameters
    ----------
    weights : array_like of shape (n_components,)
        Mixing weights: non-negative, summing to one (within 1e-8).
    means : array_like of shape (n_components, n_features)
        Component means.
    covariances : array_like of shape (n_components, n_features, n_features)
        Component covariance matrices: symmetric positive definite.

    Attributes
    ----------
    weights, means, covariances : ndarray
        Read-only float64 copies of the inputs (covariances symmetrised).
    n_components : int
        The number of components k.
    n_features : int
        The dimension d.

    Raises
    ------
    ValueError
        If shapes disagree, a value is not finite, the weights are negative
        or do not sum to one, or a covariance matrix is not symmetric
        positive definite (checked by Cholesky factorisation).

    Notes
    -----
    The record is immutable and validated once, on construction; the
    Cholesky factors computed for the check are kept for the E-step.
    Records compare by identity, since element-wise comparison of arrays
    has no single truth value.

    Examples
    --------
    >>> params = GMMParams([0.5, 0.5], [[0.0], [3.0]], [[[1.0]], [[2.0]]])
    >>> params.n_components, params.n_features
    (2, 1)
    >>> GMMParams.from_1d([0.5, 0.5], [0.0, 3.0], [1.0, 2.0]).covariances[:, 0, 0].tolist()
    [1.0, 4.0]
    """

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    _cholesky: np.ndarray = field(init=False, repr=False)

    def __post_init__(self):
        weights = np.array(as_float_array(self.weights, "weights"), dtype=np.float64)
        means = np.array(as_float_array(self.means, "means"), dtype=np.float64)
        covariances = np.array(as_float_array(self.covariances, "covariances"), dtype=np.float64)
        if weights.ndim != 1:
            raise ValueError(
                f"Expected weights of shape (n_components,), got shape {weights.shape}"
            )
        k = weights.shape[0]
        if means.ndim != 2 or means.shape[0] != k:
            hint = " (for one feature, use GMMParams.from_1d)" if means.ndim == 1 else ""
            raise ValueError(
                f"Expected means of shape (n_components, n_features) with n_components={k}, "
                f"got shape {means.shape}{hint}"
            )
        d = means.shape[1]
        if covariances.shape != (k, d, d):
            raise ValueError(
                "Expected covariances of shape (n_components, n_features, n_features) = "
                f"{(k, d, d)}, got shape {covariances.shape}"
            )
        if np.any(weights < 0):
            raise ValueError(f"Expected non-negative weights, got weights={weights.tolist()}")
        total = float(weights.sum())
        if abs(total - 1.0) > _WEIGHT_TOL:
            raise ValueError(f"Expected weights summing to 1, got a sum of {total!r}")
        asymmetry = np.abs(covariances - covariances.transpose(0, 2, 1)).max(axis=(1, 2))
        scale = np.abs(covariances).max(axis=(1, 2))
        bad = np.flatnonzero(asymmetry > _SYMMETRY_TOL * scale)
        if bad.size:
            raise ValueError(
                f"Expected symmetric covariance matrices, but covariances[{bad[0]}] is not "
                f"symmetric (largest asymmetry {asymmetry[bad[0]]:.3g})"
            )
        covariances = 0.5 * (covariances + covariances.transpose(0, 2, 1))
        try:
            cholesky = _factorise(covariances)
        except np.linalg.LinAlgError:
            bad_index = _failed_component(covariances)
            raise ValueError(
                f"Expected positive definite covariance matrices, but covariances[{bad_index}] "
                "is not (its Cholesky factorisation failed)"
            ) from None
        self._set(weights, means, covariances, cholesky)

    def _set(self, weights, means, covariances, cholesky):
        for name, value in (("weights", weights), ("means", means),
                            ("covariances", covariances), ("_cholesky", cholesky)):
            object.__setattr__(self, name, read_only(value))

    @classmethod
    def _trusted(cls, weights, means, covariances, cholesky) -> "GMMParams":
        """Build a record from arrays already known to be valid (no checks)."""
        params = object.__new__(cls)
        params._set(weights, means, covariances, cholesky)
        return params

    @classmethod
    def from_1d(cls, weights, means, sds) -> "GMMParams":
        """Build the parameters of a one-dimensional mixture.

        Parameters
        ----------
        weights : array_like of shape (n_components,)
            Mixing weights, non-negative, summing to one.
        means : array_like of shape (n_components,)
            Component means.
        sds : array_like of shape (n_components,)
            Component standard deviations, > 0.

        Returns
        -------
        GMMParams
            With means of shape (k, 1) and covariances sds**2 of shape (k, 1, 1).
        """
        means = as_vector(means, "means")
        sds = as_vector(sds, "sds", length=means.shape[0])
        if np.any(sds <= 0):
            raise ValueError(f"Expected every entry of sds to be > 0, got sds={sds.tolist()}")
        return cls(weights, means[:, np.newaxis], (sds**2)[:, np.newaxis, np.newaxis])

    @property
    def n_components(self) -> int:
        """The number of mixture components."""
        return int(self.weights.shape[0])

    @property
    def n_features(self) -> int:
        """The dimension of the data."""
        return int(self.means.shape[1])


@dataclass(frozen=True, eq=False)
class GMMFit:
    """Result of :func:`fit`.

    Attributes
    ----------
    params : GMMParams
        The fitted parameters.
    log_likelihoods : ndarray of shape (n_iter + 1,)
        Entry i is the total log-likelihood of the parameters after i
        iterations: entry 0 belongs to the start, the last one to ``params``.
    n_iter : int
        The number of EM iterations (M-steps) run.
    converged : bool
        Whether the change in mean log-likelihood fell below ``tol``.
    """

    params: GMMParams
    log_likelihoods: np.ndarray
    n_iter: int
    converged: bool


@dataclass(frozen=True, eq=False)
class SufficientStatistics:
    """Sums over samples that the M-step needs; records add with ``+``.

    Attributes
    ----------
    sizes : ndarray of shape (n_components,)
        n_k = sum_i resp[i, k].
    sums : ndarray of shape (n_components, n_features)
        sum_i resp[i, k] (x_i - shift[k]).
    outer : ndarray of shape (n_components, n_features, n_features)
        sum_i resp[i, k] (x_i - shift[k]) (x_i - shift[k])^T.
    shift : ndarray of shape (n_components, n_features)
        The reference point of each component's sums, usually the means of
        the parameters the responsibilities came from. With a zero shift
        these are the textbook sums of resp x and resp x x^T; measuring from
        a nearby point keeps rounding small for data far from the origin.
    log_likelihood : float
        sum_i log p(x_i) under the parameters of the E-step (NaN when the
        statistics were built from given responsibilities).
    n_samples : int
        The number of samples summed.
    max_abs : ndarray of shape (n_features,)
        The largest absolute value of each feature, for the check that a
        component has not collapsed onto a point.

    Notes
    -----
    Every field is a sum (or a maximum) over samples, so the statistics of
    two chunks of data added with ``+`` equal the statistics of the chunks
    joined: EM is a map-reduce. ``sum(records)`` works too. Records with
    different shifts are moved to the left operand's shift first:
    sums' = sums + n_k delta, outer' = outer + sums delta^T + delta sums^T
    + n_k delta delta^T, with delta = (old shift - new shift).
    """

    sizes: np.ndarray
    sums: np.ndarray
    outer: np.ndarray
    shift: np.ndarray
    log_likelihood: float
    n_samples: int
    max_abs: np.ndarray

    def __post_init__(self):
        for name in ("sizes", "sums", "outer", "shift", "max_abs"):
            object.__setattr__(self, name, read_only(np.asarray(getattr(self, name), dtype=np.float64)))

    @property
    def n_components(self) -> int:
        """The number of mixture components."""
        return int(self.sizes.shape[0])

    @property
    def n_features(self) -> int:
        """The dimension of the data."""
        return int(self.shift.shape[1])

    def moved_to(self, shift) -> "SufficientStatistics":
        """Return the same statistics measured from another shift, (k, d)."""
        shift = np.broadcast_to(np.asarray(shift, dtype=np.float64), self.shift.shape)
        delta = self.shift - shift
        sums = self.sums + self.sizes[:, np.newaxis] * delta
        outer = (self.outer
                 + self.sums[:, :, np.newaxis] * delta[:, np.newaxis, :]
                 + delta[:, :, np.newaxis] * self.sums[:, np.newaxis, :]
                 + self.sizes[:, np.newaxis, np.newaxis]
                 * delta[:, :, np.newaxis] * delta[:, np.newaxis, :])
        return SufficientStatistics(self.sizes, sums, outer, shift, self.log_likelihood,
                                    self.n_samples, self.max_abs)

    def __add__(self, other):
        if not isinstance(other, SufficientStatistics):
            return NotImplemented
        if other.sums.shape != self.sums.shape:
            raise ValueError(
                "Expected statistics with the same (n_components, n_features) = "
                f"{self.sums.shape}, got {other.sums.shape}"
            )
        if not np.array_equal(other.shift, self.shift):
            other = other.moved_to(self.shift)
        return SufficientStatistics(
            self.sizes + other.sizes, self.sums + other.sums, self.outer + other.outer,
            self.shift, self.log_likelihood + other.log_likelihood,
            self.n_samples + other.n_samples, np.maximum(self.max_abs, other.max_abs),
        )

    def __radd__(self, other):
        if isinstance(other, int) and other == 0:  # so that sum(records) works
            return self
        return NotImplemented


# ---------------------------------------------------------------------------
# Private core. Data are held transposed, xt of shape (d, n), and
# per-component arrays as (k, n), so every loop over samples runs along
# contiguous memory. These functions trust their inputs.
# ---------------------------------------------------------------------------

def _inverse_cholesky(cholesky: np.ndarray) -> np.ndarray:
    """Inverses of lower-triangular factors (k, d, d), all k at once.

    Forward substitution on L W = I, one row of W per step, batched over the
    components: row i is (e_i - L[i, :i] W[:i]) / L[i, i]. The result is
    exactly lower triangular, and d small batched products replace k
    separate solver calls.
    """
    k, d, _ = cholesky.shape
    inverse = np.zeros_like(cholesky)
    for i in range(d):
        row = -(cholesky[:, i, np.newaxis, :i] @ inverse[:, :i, :])[:, 0, :]
        row[:, i] += 1.0
        inverse[:, i, :] = row / cholesky[:, i, i, np.newaxis]
    return inverse


def _whitening(cholesky: np.ndarray):
    """Inverse Cholesky factors L^-1 (k, d, d) and half log-determinants (k,).

    For covariance C = L L^T, ||L^-1 (x - mu)||^2 is the squared Mahalanobis
    distance and log det C = 2 sum log diag L. L^-1 solves L W = I on a
    d-by-d system (scikit-learn's "precision Cholesky"), so the samples then
    need only one matrix product, not a solve each.
    """
    inverse = _inverse_cholesky(cholesky)
    half_log_det = np.log(np.diagonal(cholesky, axis1=1, axis2=2)).sum(axis=1)
    return inverse, half_log_det


def _component_constants(params: GMMParams):
    """Inverse Cholesky factors (k, d, d) and log weights - half log det - d/2 log 2 pi, (k,)."""
    inverse, half_log_det = _whitening(params._cholesky)
    with np.errstate(divide="ignore"):  # a zero weight gives log 0 = -inf, on purpose
        offsets = np.log(params.weights) - half_log_det - 0.5 * params.n_features * _LOG_2PI
    return inverse, offsets


def _block_size(n_rows: int) -> int:
    """Samples per block so a (n_rows, block) temporary holds about 2**18 numbers."""
    return int(min(2**16, max(2**10, 2**18 // n_rows)))


def _log_prob_blocks(xt: np.ndarray, params: GMMParams):
    """Yield (slice, log weights[k] + log N(x_i | k)) block by block, shape (k, block).

    All components are whitened by one matrix product: stacking the inverse
    Cholesky factors W_j = L_j^-1 gives y = W (x - c) - W (mu - c) of shape
    (k d, block), and the squared Mahalanobis distance of component j is the
    sum of its d rows squared. The reference point c, the centre of the
    means, keeps the products small (and rounding errors with them) for data
    far from the origin. Temporaries stay bounded by the block size,
    whatever n is.
    """
    d, n = xt.shape
    k = params.n_components
    inverse, offsets = _component_constants(params)
    offsets = offsets[:, np.newaxis]
    stacked = inverse.reshape(k * d, d)
    centre = params.means.mean(axis=0)
    shift = np.einsum("jab,jb->ja", inverse, params.means - centre).reshape(k * d, 1)
    centre = centre[:, np.newaxis]
    step = _block_size(k * d)
    for start in range(0, n, step):
        y = stacked @ (xt[:, start:start + step] - centre)
        y -= shift
        y *= y
        log_prob = y.reshape(k, d, -1).sum(axis=1) if d > 1 else y
        log_prob *= -0.5
        log_prob += offsets
        yield slice(start, start + step), log_prob


def _weighted_log_prob(xt: np.ndarray, params: GMMParams) -> np.ndarray:
    """log(weights[k]) + log N(x_i | k) of shape (k, n)."""
    out = np.empty((params.n_components, xt.shape[1]))
    for where, log_prob in _log_prob_blocks(xt, params):
        out[:, where] = log_prob
    return out


def _normalise(log_prob: np.ndarray):
    """Responsibilities (k, m) and per-sample log-likelihoods (m,) by log-sum-exp.

    log p(x_i) = peak_i + log sum_k exp(log_prob[k, i] - peak_i), with peak_i
    the largest term, so the sum lies in [1, k]. Terms below exp(-700) are set
    to exactly 0 (see ``_LOG_RESP_FLOOR``); they change neither the sum nor
    any estimate. Overwrites ``log_prob``.
    """
    peak = log_prob.max(axis=0)
    log_prob -= peak
    log_prob[log_prob < _LOG_RESP_FLOOR] = -np.inf
    np.exp(log_prob, out=log_prob)
    total = log_prob.sum(axis=0)
    log_prob /= total
    np.log(total, out=total)
    total += peak
    return log_prob, total


def _e_step(xt: np.ndarray, params: GMMParams):
    """Responsibilities (k, n) and total log-likelihood, block by block."""
    resp = np.empty((params.n_components, xt.shape[1]))
    log_likelihood_total = 0.0
    for where, log_prob in _log_prob_blocks(xt, params):
        resp[:, where], per_sample = _normalise(log_prob)
        log_likelihood_total += float(per_sample.sum())
    return resp, log_likelihood_total


class _Accumulator:
    """Adds sum_i resp (x_i - shift_k) and its outer products, block by block, in place.

    Two (d, block) buffers are allocated once and reused for every block and
    component: the blocks are sized to stay in cache (about 2^16 numbers), and
    no temporary is allocated per block. With ``with_sums=False`` the weighted
    sums are left to the caller (cheaper when they follow from other sums).
    """

    def __init__(self, shift: np.ndarray, with_sums: bool = True):
        k, d = shift.shape
        self.shift = shift
        self.with_sums = with_sums
        self.step = max(256, min(2**16, 2**16 // d))
        self.sums = np.zeros((k, d))
        self.outer = np.zeros((k, d, d))
        self._diff = np.empty((d, self.step))
        self._weighted = np.empty((d, self.step))

    def add(self, xt: np.ndarray, resp: np.ndarray) -> None:
        """Add a block xt (d, m <= step) with its responsibilities (k, m)."""
        m = xt.shape[1]
        diff, weighted = self._diff[:, :m], self._weighted[:, :m]
        for j in range(resp.shape[0]):
            np.subtract(xt, self.shift[j][:, np.newaxis], out=diff)
            np.multiply(diff, resp[j], out=weighted)
            if self.with_sums:
                self.sums[j] += weighted.sum(axis=1)
            self.outer[j] += weighted @ diff.T


def _max_abs(xt: np.ndarray) -> np.ndarray:
    """Largest absolute value of each feature of xt (d, n), without an (d, n) temporary."""
    return np.maximum(xt.max(axis=1), -xt.min(axis=1))


def _statistics_from_resp(xt: np.ndarray, resp: np.ndarray,
                          max_abs: np.ndarray | None = None) -> SufficientStatistics:
    """Statistics of given responsibilities (k, n), measured from their own weighted means.

    Two passes: the weighted means first, then the sums about them, so the
    covariances are as accurate as a two-pass variance.
    """
    n = xt.shape[1]
    sizes = resp.sum(axis=1)
    weighted_sums = resp @ xt.T
    shift = weighted_sums / (sizes + _EPS)[:, np.newaxis]
    accumulator = _Accumulator(shift, with_sums=False)
    step = accumulator.step
    for start in range(0, n, step):
        accumulator.add(xt[:, start:start + step], resp[:, start:start + step])
    # sum_i resp (x_i - shift) = weighted_sums - sizes shift: zero up to rounding here.
    sums = weighted_sums - sizes[:, np.newaxis] * shift
    if max_abs is None:
        max_abs = _max_abs(xt)
    return SufficientStatistics(sizes, sums, accumulator.outer, shift, math.nan, n, max_abs)


def _statistics(xt: np.ndarray, params: GMMParams) -> SufficientStatistics:
    """E-step and sums in one pass over the blocks, measured from params.means."""
    n = xt.shape[1]
    sizes = np.zeros(params.n_components)
    total = 0.0
    accumulator = _Accumulator(params.means)
    for where, log_prob in _log_prob_blocks(xt, params):
        resp, per_sample = _normalise(log_prob)
        total += float(per_sample.sum())
        sizes += resp.sum(axis=1)
        block = xt[:, where]
        for start in range(0, block.shape[1], accumulator.step):
            accumulator.add(block[:, start:start + accumulator.step],
                            resp[:, start:start + accumulator.step])
    return SufficientStatistics(sizes, accumulator.sums, accumulator.outer, params.means, total,
                                n, _max_abs(xt))


def _finish_m_step(stats: SufficientStatistics, reg_covar: float) -> GMMParams:
    """Weights, means and covariances from the sums (the M-step's closed form)."""
    d = stats.n_features
    sizes = stats.sizes + _EPS
    offset = stats.sums / sizes[:, np.newaxis]  # new mean minus shift
    means = stats.shift + offset
    covariances = stats.outer / sizes[:, np.newaxis, np.newaxis]
    covariances -= offset[:, :, np.newaxis] * offset[:, np.newaxis, :]
    # Symmetric up to rounding already; make it exact.
    covariances = 0.5 * (covariances + covariances.transpose(0, 2, 1))
    covariances[:, np.arange(d), np.arange(d)] += reg_covar
    try:
        cholesky = _factorise(covariances)
    except np.linalg.LinAlgError:
        raise ValueError(_singular_message(_failed_component(covariances), reg_covar)) from None
    # Values near v are spaced about eps |v| apart; a component narrower than a
    # thousand such spacings has collapsed onto a point for all practical purposes.
    resolution = 1e3 * np.finfo(np.float64).eps * stats.max_abs
    too_narrow = np.any(np.diagonal(cholesky, axis1=1, axis2=2) <= resolution, axis=1)
    if np.any(too_narrow):
        raise ValueError(_singular_message(int(np.argmax(too_narrow)), reg_covar))
    return GMMParams._trusted(sizes / sizes.sum(), means, covariances, cholesky)


def _m_step(xt: np.ndarray, resp: np.ndarray, reg_covar: float,
            max_abs: np.ndarray | None = None) -> GMMParams:
    """Maximise the expected complete-data log-likelihood given resp (k, n)."""
    return _finish_m_step(_statistics_from_resp(xt, resp, max_abs), reg_covar)


# ---------------------------------------------------------------------------
# Validation at the public boundary
# ---------------------------------------------------------------------------

def _check_params(params) -> GMMParams:
    if not isinstance(params, GMMParams):
        raise ValueError(f"Expected params to be a GMMParams, got {type(params).__name__}")
    return params


def _check_x(x, params: GMMParams | None = None) -> np.ndarray:
    """Validate data and return it transposed, as a C-contiguous (d, n) array."""
    x = as_samples(x, "x")
    if params is not None and x.shape[1] != params.n_features:
        raise ValueError(
            f"Expected x with {params.n_features} feature(s) to match params, got "
            f"{x.shape[1]} (x has shape {x.shape})"
        )
    return np.ascontiguousarray(x.T)


def _check_resp(resp, n_samples: int, n_components: int | None = None) -> np.ndarray:
    """Validate responsibilities (n, k); return them transposed, (k, n)."""
    resp = as_float_array(resp, "resp")
    if resp.ndim != 2 or resp.shape[0] != n_samples:
        raise ValueError(
            f"Expected resp of shape (n_samples, n_components) with n_samples={n_samples}, "
            f"got shape {resp.shape}"
        )
    if n_components is not None and resp.shape[1] != n_components:
        raise ValueError(
            f"Expected resp with {n_components} columns (one per component), got "
            f"{resp.shape[1]}"
        )
    if np.any((resp < 0) | (resp > 1)):
        raise ValueError("Expected every entry of resp in [0, 1]")
    row_sums = resp.sum(axis=1)
    worst = int(np.argmax(np.abs(row_sums - 1.0)))
    if abs(row_sums[worst] - 1.0) > _RESP_TOL:
        raise ValueError(
            f"Expected every row of resp to sum to 1, got {float(row_sums[worst])!r} in row "
            f"{worst}"
        )
    return np.ascontiguousarray(resp.T)


# ---------------------------------------------------------------------------
# Public functions: the two steps and the quantities they rest on
# ---------------------------------------------------------------------------

def e_step(x, params):
    """Compute the responsibilities and the log-likelihood (the E-step).

    Parameters
    ----------
    x : array_like of shape (n_samples, n_features) or (n_samples,)
        The data.
    params : GMMParams
        The current parameters.

    Returns
    -------
    resp : ndarray of shape (n_samples, n_components)
        resp[i, k] = P(component k | x_i): each row sums to one.
    log_likelihood : float
        The total log-likelihood sum_i log p(x_i) of ``params``.

    Notes
    -----
    With log_prob[i, k] = log weights[k] + log N(x_i | means[k], covariances[k]),
    log p(x_i) = logsumexp_k log_prob[i, k] and
    resp[i, k] = exp(log_prob[i, k] - log p(x_i)). The largest term is
    factored out of the sum, so nothing overflows or underflows to NaN even
    for points far from every component.
    """
    params = _check_params(params)
    xt = _check_x(x, params)
    resp, total = _e_step(xt, params)
    return np.ascontiguousarray(resp.T), total


def m_step(x, resp, reg_covar=1e-6) -> GMMParams:
    """Re-estimate the parameters from responsibilities (the M-step).

    Parameters
    ----------
    x : array_like of shape (n_samples, n_features) or (n_samples,)
        The data.
    resp : array_like of shape (n_samples, n_components)
        Responsibilities, entries in [0, 1], rows summing to one (e.g.
        from :func:`e_step`, or one-hot labels).
    reg_covar : float, default=1e-6
        Non-negative number added to the diagonal of every covariance.

    Returns
    -------
    GMMParams
        With n_k = sum_i resp[i, k] (plus 10 machine epsilons, so an empty
        component gives no division by zero):
        weights[k] = n_k / sum(n_k), means[k] = sum_i resp[i, k] x_i / n_k,
        covariances[k] = sum_i resp[i, k] (x_i - means[k])(x_i - means[k])^T / n_k
        + reg_covar I.

    Raises
    ------
    ValueError
        If a covariance matrix is not positive definite, or so narrow that
        floating point cannot resolve it (a standard deviation, in Cholesky
        terms, below 1000 machine epsilons times the largest absolute value
        of that feature): the component has collapsed onto a point. Raise
        ``reg_covar``, use fewer components, or scale the data.
    """
    xt = _check_x(x)
    resp_t = _check_resp(resp, xt.shape[1])
    reg_covar = check_float(reg_covar, "reg_covar", minimum=0.0)
    return _m_step(xt, resp_t, reg_covar)


def sufficient_statistics(x, params) -> SufficientStatistics:
    """Run the E-step and sum what the M-step needs, without keeping the responsibilities.

    Parameters
    ----------
    x : array_like of shape (n_samples, n_features) or (n_samples,)
        The data, or one chunk of it.
    params : GMMParams
        The current parameters.

    Returns
    -------
    SufficientStatistics
        n_k, sum_i resp[i, k] (x_i - means[k]), the matching outer products
        (measured from ``params.means``), the total log-likelihood of
        ``params``, the number of samples and the largest absolute values.

    Notes
    -----
    The statistics of chunks add: for any split of the rows of ``x``,
    ``sufficient_statistics(x, p)`` equals the sum over the chunks to
    rounding, so the E-step can run where each chunk lives and only these
    few numbers travel. :func:`m_step_from_statistics` finishes the step.

    Examples
    --------
    >>> params = GMMParams.from_1d([0.5, 0.5], [0.0, 4.0], [1.0, 1.0])
    >>> x = np.array([-1.0, 0.0, 1.0, 3.0, 5.0])
    >>> whole = sufficient_statistics(x, params)
    >>> parts = sufficient_statistics(x[:2], params) + sufficient_statistics(x[2:], params)
    >>> bool(np.allclose(whole.outer, parts.outer)), parts.n_samples
    (True, 5)
    """
    params = _check_params(params)
    xt = _check_x(x, params)
    return _statistics(xt, params)


def m_step_from_statistics(stats, reg_covar=1e-6) -> GMMParams:
    """Finish the M-step from sufficient statistics.

    Parameters
    ----------
    stats : SufficientStatistics
        Sums over all the data, e.g. from :func:`sufficient_statistics`,
        possibly added up over chunks.
    reg_covar : float, default=1e-6
        Non-negative number added to the diagonal of every covariance.

    Returns
    -------
    GMMParams
        With n_k = sizes[k] + 10 machine epsilons and o_k = sums[k] / n_k:
        weights[k] = n_k / sum(n_k), means[k] = shift[k] + o_k,
        covariances[k] = outer[k] / n_k - o_k o_k^T + reg_covar I.

    Raises
    ------
    ValueError
        As :func:`m_step`, when a component has collapsed.

    Notes
    -----
    ``m_step(x, resp)`` is this function applied to the statistics of
    ``resp`` (measured from their weighted means).
    """
    if not isinstance(stats, SufficientStatistics):
        raise ValueError(f"Expected stats to be a SufficientStatistics, got {type(stats).__name__}")
    reg_covar = check_float(reg_covar, "reg_covar", minimum=0.0)
    return _finish_m_step(stats, reg_covar)


def log_prob_per_sample(x, params) -> np.ndarray:
    """Return the log-density of the mixture at each sample.

    Parameters
    ----------
    x : array_like of shape (n_samples, n_features) or (n_samples,)
        The data.
    params : GMMParams
        The parameters.

    Returns
    -------
    ndarray of shape (n_samples,)
        log p(x_i) = logsumexp_k [log weights[k] + log N(x_i | k)].
    """
    params = _check_params(params)
    xt = _check_x(x, params)
    return _normalise(_weighted_log_prob(xt, params))[1]


def component_densities(x, params) -> np.ndarray:
    """Return each component's weighted density at each sample.

    Parameters
    ----------
    x : array_like of shape (n_samples, n_features) or (n_samples,)
        Where to evaluate, e.g. a grid for a figure.
    params : GMMParams
        The parameters.

    Returns
    -------
    ndarray of shape (n_samples, n_components)
        weights[k] N(x_i | means[k], covariances[k]); the rows sum to the
        mixture density p(x_i). Far from every component these underflow to
        0: they are for drawing, and the numerics use their logarithms.
    """
    params = _check_params(params)
    xt = _check_x(x, params)
    return np.exp(_weighted_log_prob(xt, params)).T


def log_likelihood(x, params) -> float:
    """Return the total log-likelihood of the data under a mixture.

    Parameters
    ----------
    x : array_like of shape (n_samples, n_features) or (n_samples,)
        The data.
    params : GMMParams
        The parameters.

    Returns
    -------
    float
        sum_i log p(x_i).
    """
    return float(log_prob_per_sample(x, params).sum())


def lower_bound(x, params, resp) -> float:
    """Return the EM lower bound (ELBO) on the log-likelihood.

    Parameters
    ----------
    x : array_like of shape (n_samples, n_features) or (n_samples,)
        The data.
    params : GMMParams
        The parameters.
    resp : array_like of shape (n_samples, n_components)
        Any distribution over components for each sample (rows sum to one).

    Returns
    -------
    float
        sum_i sum_k resp[i, k] (log weights[k] + log N(x_i | k))
        - sum_i sum_k resp[i, k] log resp[i, k], with 0 log 0 = 0.

    Notes
    -----
    log_likelihood = lower_bound + sum_i KL(resp[i] || posterior_i), so the
    bound never exceeds :func:`log_likelihood` and equals it when ``resp``
    is the posterior under ``params`` (the E-step closes the gap).
    """
    params = _check_params(params)
    xt = _check_x(x, params)
    resp_t = _check_resp(resp, xt.shape[1], params.n_components)
    log_prob = _weighted_log_prob(xt, params)
    positive = resp_t > 0
    # Terms with resp = 0 contribute 0, even where log_prob = -inf (zero weight).
    expected = np.sum(resp_t[positive] * log_prob[positive])
    entropy = -np.sum(resp_t[positive] * np.log(resp_t[positive]))
    return float(expected + entropy)


def lower_bound_slice(x, params, grid):
    """Return the log-likelihood and the EM lower bound along the first component's mean.

    Every other parameter stays at ``params``; the bound uses the
    responsibilities of the E-step at ``params``, so it touches the
    log-likelihood at ``params.means[0, 0]``.

    Parameters
    ----------
    x : array_like of shape (n_samples,)
        One-dimensional data.
    params : GMMParams
        A one-dimensional mixture.
    grid : array_like of shape (n_grid,)
        Values of the first component's mean.

    Returns
    -------
    log_likelihood : ndarray of shape (n_grid,)
    bound : ndarray of shape (n_grid,)
    current : float
        The first component's mean, where the bound touches.
    following : float
        The M-step's new mean of the first component: the bound's highest
        point (for fixed responsibilities the best mean is their weighted
        average of the data, whatever the variance).
    """
    resp, _ = e_step(x, params)
    log_lik = np.empty(len(grid))
    bound = np.empty(len(grid))
    for index, value in enumerate(grid):
        means = params.means.copy()
        means[0, 0] = value
        moved = GMMParams(params.weights, means, params.covariances)
        log_lik[index] = log_likelihood(x, moved)
        bound[index] = lower_bound(x, moved, resp)
    following = float(m_step(x, resp).means[0, 0])
    return log_lik, bound, float(params.means[0, 0]), following


def predict_proba(x, params) -> np.ndarray:
    """Return the posterior probability of each component for each sample.

    Parameters
    ----------
    x : array_like of shape (n_samples, n_features) or (n_samples,)
        The data.
    params : GMMParams
        The parameters.

    Returns
    -------
    ndarray of shape (n_samples, n_components)
        The responsibilities of :func:`e_step`.
    """
    return e_step(x, params)[0]


def predict(x, params) -> np.ndarray:
    """Return the most probable component of each sample.

    Parameters
    ----------
    x : array_like of shape (n_samples, n_features) or (n_samples,)
        The data.
    params : GMMParams
        The parameters.

    Returns
    -------
    ndarray of shape (n_samples,), dtype int
        argmax_k of log weights[k] + log N(x_i | k).
    """
    params = _check_params(params)
    xt = _check_x(x, params)
    return np.argmax(_weighted_log_prob(xt, params), axis=0)


def sample(params, n, seed=None):
    """Draw samples from a mixture.

    Parameters
    ----------
    params : GMMParams
        The parameters.
    n : int
        The number of samples, >= 1.
    seed : None, int or numpy.random.Generator, optional
        Source of randomness.

    Returns
    -------
    x : ndarray of shape (n, n_features)
        The samples, in the order drawn.
    z : ndarray of shape (n,), dtype int
        The component of each sample.

    Notes
    -----
    Each z_i is drawn with probabilities ``weights``, then
    x_i = means[z_i] + L eps with L the Cholesky factor of
    covariances[z_i] and eps standard normal.
    """
    params = _check_params(params)
    n = check_int(n, "n", minimum=1)
    rng = make_rng(seed)
    cumulative = np.cumsum(params.weights)
    z = np.searchsorted(cumulative / cumulative[-1], rng.random(n), side="right")
    np.minimum(z, params.n_components - 1, out=z)
    noise = rng.standard_normal((n, params.n_features))
    x = np.empty_like(noise)
    for j in range(params.n_components):
        members = z == j
        x[members] = params.means[j] + noise[members] @ params._cholesky[j].T
    return x, z


def n_parameters(params) -> int:
    """Return the number of free parameters of a full-covariance mixture.

    Parameters
    ----------
    params : GMMParams
        The parameters (only k and d matter).

    Returns
    -------
    int
        (k - 1) weights + k d means + k d (d + 1) / 2 covariance entries.
    """
    params = _check_params(params)
    k, d = params.n_components, params.n_features
    return (k - 1) + k * d + k * d * (d + 1) // 2


def bic(x, params) -> float:
    """Return the Bayesian information criterion (lower is better).

    Parameters
    ----------
    x : array_like of shape (n_samples, n_features) or (n_samples,)
        The data.
    params : GMMParams
        The fitted parameters.

    Returns
    -------
    float
        -2 log_likelihood + n_parameters log n_samples, as in scikit-learn.
    """
    n_samples = as_samples(x, "x").shape[0]
    return -2.0 * log_likelihood(x, params) + n_parameters(params) * math.log(n_samples)


def aic(x, params) -> float:
    """Return the Akaike information criterion (lower is better).

    Parameters
    ----------
    x : array_like of shape (n_samples, n_features) or (n_samples,)
        The data.
    params : GMMParams
        The fitted parameters.

    Returns
    -------
    float
        -2 log_likelihood + 2 n_parameters, as in scikit-learn.
    """
    return -2.0 * log_likelihood(x, params) + 2.0 * n_parameters(params)


# ---------------------------------------------------------------------------
# The EM loop
# ---------------------------------------------------------------------------

def _random_start(xt: np.ndarray, n_components: int, reg_covar: float,
                  rng: np.random.Generator) -> GMMParams:
    """Means seeded by k-means++ (D^2 sampling), data covariance, equal weights."""
    d, n = xt.shape
    # xt.T is a view, so the squared distances are summed in the same order
    # as over xt's columns: the same seed gives the same means as before.
    chosen = _plusplus_indices(xt.T, n_components, rng)
    means = xt[:, chosen].T.copy()
    centred = xt - xt.mean(axis=1, keepdims=True)
    covariance = (centred @ centred.T) / n
    covariance[np.diag_indices(d)] += reg_covar
    covariances = np.repeat(covariance[np.newaxis], n_components, axis=0)
    try:
        cholesky = _factorise(covariances)
    except np.linalg.LinAlgError:
        raise ValueError(
            "The covariance matrix of the data is not positive definite, so no random "
            f"start can be built: the points lie on a lower-dimensional set. Raise "
            f"reg_covar (now {reg_covar:g}), or drop redundant features."
        ) from None
    weights = np.full(n_components, 1.0 / n_components)
    return GMMParams._trusted(weights, means, covariances, cholesky)


def _run_em(xt, params, max_iter, tol, reg_covar):
    """One EM run from ``params``; returns (params, log_likelihoods, converged)."""
    max_abs = _max_abs(xt)
    return _em.loop(
        lambda current: _e_step(xt, current),
        lambda resp: _m_step(xt, resp, reg_covar, max_abs),
        params, n_observations=xt.shape[1], max_iter=max_iter, tol=tol,
    )


def _run_statistics_em(statistics, params, max_iter, tol, reg_covar, n_samples):
    """One EM run in which ``statistics(params)`` does the E-step and the sums.

    Each iteration is one call (one pass over the data wherever it lives)
    and one :func:`_finish_m_step`; the loop, the stopping rule and the
    record are those of :func:`_run_em`. Returns (params, log_likelihoods,
    converged).
    """
    def e_step(current):
        stats = statistics(current)
        return stats, stats.log_likelihood

    return _em.loop(
        e_step, lambda stats: _finish_m_step(stats, reg_covar),
        params, n_observations=n_samples, max_iter=max_iter, tol=tol,
    )


def _check_fit_arguments(n_samples, n_features, n_components, init, n_init, max_iter, tol,
                         reg_covar):
    """Validate the settings of a fit; return (n_components, init, n_init, max_iter, tol, reg_covar)."""
    n_components = check_int(n_components, "n_components", minimum=1)
    if n_components > n_samples:
        raise ValueError(
            "Expected n_components <= n_samples, got "
            f"n_components={n_components} and n_samples={n_samples}"
        )
    n_init = check_int(n_init, "n_init", minimum=1)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    tol = check_float(tol, "tol", minimum=0.0)
    reg_covar = check_float(reg_covar, "reg_covar", minimum=0.0)
    if init is not None:
        init = _check_params(init)
        if init.n_components != n_components or init.n_features != n_features:
            raise ValueError(
                f"Expected init with n_components={n_components} and "
                f"n_features={n_features}, got n_components={init.n_components} and "
                f"n_features={init.n_features}"
            )
        if n_init != 1:
            raise ValueError(
                f"Expected n_init=1 when init is given (every run would start from init), "
                f"got n_init={n_init}"
            )
    return n_components, init, n_init, max_iter, tol, reg_covar


def _best_of_runs(run, start, n_init):
    """Run ``run(start())`` n_init times with BLAS threads limited; keep the best run."""
    best = None
    with threadpool_limits(limits=_BLAS_THREADS, user_api="blas"):
        for _ in range(n_init):
            result = run(start())
            if best is None or result[1][-1] > best[1][-1]:
                best = result
    return best


def _fit_by_statistics(statistics, start, n_init, max_iter, tol, reg_covar, n_samples) -> GMMFit:
    """The whole fit for an implementation that supplies only ``statistics(params)`` and ``start()``.

    Used by :mod:`emteach.fused` and :mod:`emteach.distributed`; warns for
    the caller of their ``fit``.
    """
    def run(params):
        return _run_statistics_em(statistics, params, max_iter, tol, reg_covar, n_samples)

    return _fit_record(_best_of_runs(run, start, n_init), max_iter, tol, n_samples, stacklevel=4)


def _fit_record(best, max_iter, tol, n_samples, stacklevel=3) -> GMMFit:
    """The GMMFit of the best run, warning (for the caller of fit) if it did not converge."""
    params, log_likelihoods, converged = best
    n_iter = log_likelihoods.shape[0] - 1
    _em.warn_if_not_converged(
        log_likelihoods, converged, n_observations=n_samples, max_iter=max_iter, tol=tol,
        name="EM", unit="sample",
        advice="Raise max_iter, loosen tol, or try other starts (n_init, seed).",
        stacklevel=stacklevel + 1,
    )
    return GMMFit(
        params=params,
        log_likelihoods=read_only(log_likelihoods),
        n_iter=n_iter,
        converged=converged,
    )


def fit(x, n_components, *, init=None, n_init=1, max_iter=200, tol=1e-6,
        reg_covar=1e-6, seed=None) -> GMMFit:
    """Fit a Gaussian mixture by EM.

    Parameters
    ----------
    x : array_like of shape (n_samples, n_features) or (n_samples,)
        The data.
    n_components : int
        The number of components, 1 <= n_components <= n_samples.
    init : GMMParams, optional
        Starting parameters. If omitted, a random start is drawn (see Notes).
    n_init : int, default=1
        Number of random starts; the run with the highest final
        log-likelihood is kept. Must be 1 when ``init`` is given.
    max_iter : int, default=200
        The largest number of EM iterations (M-step followed by E-step) per run.
    tol : float, default=1e-6
        Stop when the mean log-likelihood per sample changes by less than
        ``tol`` in one iteration (independent of the number of samples).
        With ``tol=0`` exactly ``max_iter`` iterations run.
    reg_covar : float, default=1e-6
        Non-negative number added to the diagonal of every covariance in the
        M-step (and in the random start), keeping them positive definite.
    seed : None, int or numpy.random.Generator, optional
        Source of randomness for the random starts; the same seed gives the
        same fit.

    Returns
    -------
    GMMFit
        ``params``, ``log_likelihoods`` (entry i after i iterations),
        ``n_iter`` and ``converged`` of the best run.

    Raises
    ------
    ValueError
        On invalid arguments, or when a covariance matrix becomes singular
        during fitting (raise ``reg_covar``, use fewer components, or scale
        the data).

    Warns
    -----
    ConvergenceWarning
        If ``tol > 0`` and the best run used all ``max_iter`` iterations
        without meeting it. (With ``tol=0`` a fixed number of iterations was
        asked for, so there is no warning; ``converged`` is False.)

    Notes
    -----
    The random start: the means are k data points chosen by k-means++
    seeding (the first uniformly, each next one with probability
    proportional to its squared distance from the nearest point already
    chosen, so the means start spread over the data); every covariance is
    the covariance of the whole data set (divided by n, plus ``reg_covar``
    on the diagonal); the weights are equal. Every component thus starts
    wide enough to see all the data, and no component starts on top of
    another unless the data force it. The random starts are drawn one after
    another from ``numpy.random.default_rng(seed)``.

    The log-likelihood never decreases from one iteration to the next
    (with ``reg_covar=0``; a positive ``reg_covar`` slightly changes the
    M-step, which in rare cases costs a tiny decrease).
    """
    xt = _check_x(x)
    d, n_samples = xt.shape
    n_components, init, n_init, max_iter, tol, reg_covar = _check_fit_arguments(
        n_samples, d, n_components, init, n_init, max_iter, tol, reg_covar)
    rng = make_rng(seed)

    def start():
        return init if init is not None else _random_start(xt, n_components, reg_covar, rng)

    def run(params):
        return _run_em(xt, params, max_iter, tol, reg_covar)

    return _fit_record(_best_of_runs(run, start, n_init), max_iter, tol, n_samples)
