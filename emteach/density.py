"""Univariate densities, histograms, kernel density estimates and likelihoods.

The functions of chapters 1 and 2: the Gaussian density, bin-count rules and
histograms, a Gaussian kernel density estimate, and the likelihood of a
Gaussian or Bernoulli sample with its closed-form maximum.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import xlogy

from emteach._validation import (
    as_float_array,
    as_vector,
    check_counts,
    check_float,
    check_int,
)

__all__ = [
    "logpdf",
    "pdf",
    "sturges",
    "scott",
    "fd",
    "bin_edges",
    "histogram",
    "stacked_histogram",
    "kde",
    "kde_bandwidth",
    "gaussian_mle",
    "log_likelihood",
    "log_likelihood_grid",
    "bernoulli_mle",
    "bernoulli_log_likelihood",
    "SAMPLE_SHAPES",
    "sample_shape",
    "shape_pdf",
    "crossing_points",
]

_LOG_2PI = math.log(2.0 * math.pi)

# Largest number of kernel evaluations held in memory at once by ``kde``.
_KDE_BLOCK = 2**21


# ---------------------------------------------------------------------------
# The Gaussian density
# ---------------------------------------------------------------------------

def _check_sd(sd) -> np.ndarray:
    sd = as_float_array(sd, "sd")
    if np.any(sd <= 0):
        raise ValueError(f"Expected sd > 0, got sd={sd.tolist()}")
    return sd


def logpdf(x, mean=0.0, sd=1.0):
    """Evaluate the logarithm of the univariate Gaussian density.

    Parameters
    ----------
    x : array_like
        Points at which to evaluate; finite.
    mean : array_like, default=0.0
        Mean, broadcast against ``x``.
    sd : array_like, default=1.0
        Standard deviation (> 0), broadcast against ``x``.

    Returns
    -------
    ndarray or float
        ``log N(x | mean, sd^2)`` with the broadcast shape of the inputs
        (a NumPy float when all inputs are scalars).

    Notes
    -----
    log N(x | mu, sigma^2) = -(x - mu)^2 / (2 sigma^2) - log sigma - log(2 pi) / 2.
    Computed directly in log-space, so it stays finite far in the tails where
    the density itself underflows to zero.

    Examples
    --------
    >>> float(logpdf(0.0))  # -log(2 pi) / 2
    -0.9189385332046727
    """
    x = as_float_array(x, "x")
    mean = as_float_array(mean, "mean")
    sd = _check_sd(sd)
    z = (x - mean) / sd
    return -0.5 * z * z - np.log(sd) - 0.5 * _LOG_2PI


def pdf(x, mean=0.0, sd=1.0):
    """Evaluate the univariate Gaussian density.

    Parameters
    ----------
    x : array_like
        Points at which to evaluate; finite.
    mean : array_like, default=0.0
        Mean, broadcast against ``x``.
    sd : array_like, default=1.0
        Standard deviation (> 0), broadcast against ``x``.

    Returns
    -------
    ndarray or float
        ``N(x | mean, sd^2)`` with the broadcast shape of the inputs.

    See Also
    --------
    logpdf : the same in log-space; use it for likelihoods.
    """
    return np.exp(logpdf(x, mean, sd))


# ---------------------------------------------------------------------------
# Histograms
# ---------------------------------------------------------------------------

def _check_sample(x, name: str = "x") -> np.ndarray:
    x = as_float_array(x, name)
    if x.ndim > 1:
        raise ValueError(f"Expected {name} to be one-dimensional, got an array of shape {x.shape}")
    return np.atleast_1d(x)


#: Most bins a rule may ask for. Scott's and Freedman-Diaconis' widths shrink
#: with the spread of the bulk of the data, so one far outlier beside a tight
#: cluster can ask for billions of bins (numpy would try to allocate them).
MAX_RULE_BINS = 10_000


def _bins_from_width(x: np.ndarray, width: float) -> int:
    """Bins of the given width needed to cover the range of x, in [1, MAX_RULE_BINS]."""
    spread = float(x.max() - x.min())
    if width <= 0 or spread <= 0:
        return 1
    return int(min(MAX_RULE_BINS, max(1, math.ceil(spread / width))))


def sturges(x) -> int:
    """Return the number of histogram bins by Sturges' rule.

    Parameters
    ----------
    x : array_like of shape (n,)
        The sample; finite, non-empty.

    Returns
    -------
    int
        The number of bins, >= 1 (1 when all values are equal) and at most
        MAX_RULE_BINS.

    Notes
    -----
    Sturges' rule uses ceil(log2(n)) + 1 bins of equal width over the range of
    the data, the count that :func:`numpy.histogram_bin_edges` reaches by way
    of a width, range / (log2(n) + 1). The count is returned directly: going
    through the width lets rounding in range / width add a bin (at n = 4096,
    for some samples, NumPy asks for 14 bins instead of 13).
    """
    x = _check_sample(x)
    if float(x.max() - x.min()) <= 0:
        return 1
    return int(min(MAX_RULE_BINS, math.ceil(math.log2(x.size)) + 1))


def scott(x) -> int:
    """Return the number of histogram bins by Scott's rule.

    Parameters
    ----------
    x : array_like of shape (n,)
        The sample; finite, non-empty.

    Returns
    -------
    int
        The number of bins, >= 1 (1 when all values are equal) and at most
        MAX_RULE_BINS.

    Notes
    -----
    Scott's rule takes the bin width that minimises the integrated mean
    squared error for Gaussian data, width = (24 sqrt(pi) / n)^(1/3) s,
    about 3.49 s n^(-1/3), where s is the standard deviation of the sample
    (divided by n, as NumPy does).
    """
    x = _check_sample(x)
    width = (24.0 * math.sqrt(math.pi) / x.size) ** (1.0 / 3.0) * float(np.std(x))
    return _bins_from_width(x, width)


def fd(x) -> int:
    """Return the number of histogram bins by the Freedman--Diaconis rule.

    Parameters
    ----------
    x : array_like of shape (n,)
        The sample; finite, non-empty.

    Returns
    -------
    int
        The number of bins, >= 1 (1 when the interquartile range is zero).

    Notes
    -----
    width = 2 IQR n^(-1/3), with IQR the interquartile range. Being based on
    quartiles, the rule resists outliers; it gives a single bin when more
    than half of the sample shares one value.
    """
    x = _check_sample(x)
    q25, q75 = np.percentile(x, [25.0, 75.0])
    width = 2.0 * float(q75 - q25) * x.size ** (-1.0 / 3.0)
    return _bins_from_width(x, width)


_BIN_RULES = {"sturges": sturges, "scott": scott, "fd": fd}


def _n_bins(x: np.ndarray, bins) -> int:
    if isinstance(bins, str):
        if bins not in _BIN_RULES:
            raise ValueError(
                f"Expected bins to be a positive integer or one of {sorted(_BIN_RULES)}, "
                f"got {bins!r}"
            )
        return _BIN_RULES[bins](x)
    return check_int(bins, "bins", minimum=1)


def bin_edges(x, bins="sturges", origin=0.0) -> np.ndarray:
    """Return equal-width histogram bin edges covering the sample.

    Parameters
    ----------
    x : array_like of shape (n,)
        The sample; finite, non-empty.
    bins : int or {"sturges", "scott", "fd"}, default="sturges"
        The number of bins, or the name of the rule that chooses it.
    origin : float in [0, 1), default=0
        Shift of the bin grid to the left, as a fraction of the bin width.
        With ``origin > 0`` one more bin is added on the right, so the
        edges still cover the sample: the same width, another origin.

    Returns
    -------
    ndarray of shape (n_bins + 1,) or (n_bins + 2,) when ``origin > 0``
        Edges from min(x) - origin * width, width = (max(x) - min(x)) / n_bins.
        When all values are equal, the edges span [value - 0.5, value + 0.5]
        (shifted likewise), as in NumPy.

    Examples
    --------
    >>> bin_edges([0.0, 4.0], bins=2, origin=0.5).tolist()
    [-1.0, 1.0, 3.0, 5.0]
    """
    x = _check_sample(x)
    n_bins = _n_bins(x, bins)
    origin = check_float(origin, "origin", minimum=0.0)
    if origin >= 1.0:
        raise ValueError(f"Expected origin in [0, 1) (a fraction of the bin width), got {origin}")
    low, high = float(x.min()), float(x.max())
    if low == high:
        low, high = low - 0.5, high + 0.5
    if origin == 0.0:
        return np.linspace(low, high, n_bins + 1)
    width = (high - low) / n_bins
    return low + width * (np.arange(n_bins + 2) - origin)


def histogram(x, bins="sturges", density=True, origin=0.0):
    """Compute a histogram with equal-width bins.

    Parameters
    ----------
    x : array_like of shape (n,)
        The sample; finite, non-empty.
    bins : int or {"sturges", "scott", "fd"}, default="sturges"
        The number of bins, or the rule that chooses it.
    density : bool, default=True
        If True, return heights that make the histogram integrate to one
        (count / (n * bin width)); if False, return the counts.
    origin : float in [0, 1), default=0
        Shift of the bins to the left as a fraction of their width, see
        :func:`bin_edges`.

    Returns
    -------
    heights : ndarray of shape (n_bins,)
        Densities (float) or counts (int).
    edges : ndarray of shape (n_bins + 1,)
        The bin edges, see :func:`bin_edges`.

    Notes
    -----
    Every bin is half-open, [edge_j, edge_{j+1}), except the last, which also
    holds its right edge (the maximum of the sample), as in NumPy.

    Examples
    --------
    >>> heights, edges = histogram([1.0, 2.0, 2.0, 3.0], bins=2, density=False)
    >>> heights.tolist(), edges.tolist()
    ([1, 3], [1.0, 2.0, 3.0])
    """
    x = _check_sample(x)
    edges = bin_edges(x, bins, origin)
    n_bins = edges.size - 1
    index = np.searchsorted(edges, x, side="right") - 1
    # The maximum sits on the last edge; it belongs to the last bin.
    np.minimum(index, n_bins - 1, out=index)
    counts = np.bincount(index, minlength=n_bins)
    if not density:
        return counts, edges
    return counts / (x.size * np.diff(edges)), edges



def stacked_histogram(x, labels, bins="sturges"):
    """Split a density histogram into each group's share of it.

    Parameters
    ----------
    x : array_like of shape (n,)
        The sample.
    labels : array_like of int, shape (n,)
        Each point's group, 0 to n_groups - 1 (e.g. the true process).
    bins : int or {"sturges", "scott", "fd"}
        As in :func:`histogram`, applied to the whole sample.

    Returns
    -------
    heights : ndarray of shape (n_groups, n_bins)
        Group k's points per bin divided by (n * bin width): the rows add up
        to the density histogram of all of ``x``, so stacked bars show how
        much of each bar each group makes.
    edges : ndarray of shape (n_bins + 1,)
        The shared bin edges.
    """
    x = _check_sample(x)
    labels = np.asarray(labels)
    if labels.shape != x.shape:
        raise ValueError(f"Expected labels of shape {x.shape} like x, got shape {labels.shape}")
    if labels.size and (not np.issubdtype(labels.dtype, np.integer) or labels.min() < 0):
        raise ValueError("Expected labels to be non-negative integers (the group of each point)")
    edges = bin_edges(x, bins)
    n_groups = int(labels.max()) + 1
    counts = np.vstack([np.histogram(x[labels == k], bins=edges)[0] for k in range(n_groups)])
    return counts / (x.size * np.diff(edges)), edges

# ---------------------------------------------------------------------------
# Kernel density estimate
# ---------------------------------------------------------------------------

def _kde_bandwidth(x: np.ndarray, bandwidth) -> float:
    if isinstance(bandwidth, str):
        if bandwidth not in ("scott", "silverman"):
            raise ValueError(
                "Expected bandwidth to be a positive number, 'scott' or 'silverman', "
                f"got {bandwidth!r}"
            )
        if x.size < 2:
            raise ValueError(
                f"Expected at least 2 points for bandwidth={bandwidth!r}, got {x.size}; "
                "pass a number as bandwidth instead"
            )
        spread = float(np.std(x, ddof=1))
        if spread == 0:
            raise ValueError(
                f"Expected data with some spread for bandwidth={bandwidth!r}, but all "
                "values are equal; pass a number as bandwidth instead"
            )
        if bandwidth == "scott":
            factor = x.size ** (-1.0 / 5.0)
        else:
            factor = (0.75 * x.size) ** (-1.0 / 5.0)
        return factor * spread
    return check_float(bandwidth, "bandwidth", strictly_positive=True)


def kde_bandwidth(x, bandwidth="scott") -> float:
    """Return the kernel standard deviation h that :func:`kde` uses.

    Parameters
    ----------
    x : array_like of shape (n,)
        The sample; finite, non-empty.
    bandwidth : float or {"scott", "silverman"}, default="scott"
        A number (returned as it is, if > 0) or a rule, see :func:`kde`.

    Returns
    -------
    float
    """
    return _kde_bandwidth(_check_sample(x), bandwidth)


def kde(x, grid, bandwidth="scott"):
    """Evaluate a Gaussian kernel density estimate on a grid.

    Parameters
    ----------
    x : array_like of shape (n,)
        The sample; finite, non-empty.
    grid : array_like
        Points at which to evaluate the estimate (any shape).
    bandwidth : float or {"scott", "silverman"}, default="scott"
        The kernel's standard deviation h, or a rule for it:
        "scott" h = s n^(-1/5), "silverman" h = s (3n/4)^(-1/5), with s the
        sample standard deviation (divided by n - 1).

    Returns
    -------
    ndarray of the shape of ``grid``
        The estimate f(g) = (1/n) sum_i N(g | x_i, h^2).

    Notes
    -----
    The rules give the same bandwidth as :class:`scipy.stats.gaussian_kde`.
    Unlike scipy, a number passed as ``bandwidth`` is the kernel's standard
    deviation itself, not a factor multiplying s.

    The sum is taken directly over blocks of the sample, so memory stays
    bounded for large samples; a term that underflows to zero is one that
    contributes less than 1e-300 to the sum.

    Examples
    --------
    >>> float(kde([0.0], 0.0, bandwidth=1.0))  # one kernel: N(0 | 0, 1)
    0.3989422804014327
    """
    x = _check_sample(x)
    grid = as_float_array(grid, "grid")
    h = _kde_bandwidth(x, bandwidth)
    points = grid.reshape(-1)
    total = np.zeros(points.shape)
    block = max(1, _KDE_BLOCK // max(1, points.size))
    for start in range(0, x.size, block):
        z = (points[:, np.newaxis] - x[np.newaxis, start:start + block]) / h
        total += np.exp(-0.5 * z * z).sum(axis=1)
    total /= x.size * h * math.sqrt(2.0 * math.pi)
    return total.reshape(grid.shape)


# ---------------------------------------------------------------------------
# Likelihood of a Gaussian sample
# ---------------------------------------------------------------------------

def gaussian_mle(x):
    """Return the maximum-likelihood mean and standard deviation of a sample.

    Parameters
    ----------
    x : array_like of shape (n,)
        The sample; finite, non-empty.

    Returns
    -------
    mean : float
        The sample mean.
    sd : float
        The maximum-likelihood standard deviation, sqrt(sum (x - mean)^2 / n):
        divided by n, not n - 1, so biased downwards (0 for a single point).

    Examples
    --------
    >>> gaussian_mle([1.0, 3.0])
    (2.0, 1.0)
    """
    x = _check_sample(x)
    mean = float(np.mean(x))
    return mean, float(np.sqrt(np.mean((x - mean) ** 2)))


def log_likelihood(x, mean, sd) -> float:
    """Return the total log-likelihood of a sample under one Gaussian.

    Parameters
    ----------
    x : array_like of shape (n,)
        The sample; finite, non-empty.
    mean : float
        The Gaussian's mean.
    sd : float
        The Gaussian's standard deviation, > 0.

    Returns
    -------
    float
        sum_i log N(x_i | mean, sd^2).
    """
    x = _check_sample(x)
    mean = check_float(mean, "mean")
    sd = check_float(sd, "sd", strictly_positive=True)
    return float(np.sum(logpdf(x, mean, sd)))


def log_likelihood_grid(x, means, sds) -> np.ndarray:
    """Return the total Gaussian log-likelihood over a grid of means and sds.

    Parameters
    ----------
    x : array_like of shape (n,)
        The sample; finite, non-empty.
    means : array_like of shape (n_means,)
        Candidate means.
    sds : array_like of shape (n_sds,)
        Candidate standard deviations, all > 0.

    Returns
    -------
    ndarray of shape (n_means, n_sds)
        Entry [i, j] is the log-likelihood of the sample at ``means[i]`` and
        ``sds[j]`` (so ``plt.contour(sds, means, out)`` draws the surface).

    Notes
    -----
    The sample enters only through its sufficient statistics n, the mean
    xbar and the MLE variance v:
    sum_i (x_i - mu)^2 = n (v + (xbar - mu)^2), so the log-likelihood is
    -n log sigma - n log(2 pi) / 2 - n (v + (xbar - mu)^2) / (2 sigma^2).
    The cost is independent of n once these are computed.
    """
    x = _check_sample(x)
    means = as_vector(means, "means")
    sds = as_vector(sds, "sds")
    if np.any(sds <= 0):
        raise ValueError(f"Expected every entry of sds to be > 0, got sds={sds.tolist()}")
    n = x.size
    xbar = float(np.mean(x))
    var = float(np.mean((x - xbar) ** 2))
    squares = n * (var + (xbar - means[:, np.newaxis]) ** 2)  # (n_means, 1)
    return -n * np.log(sds) - 0.5 * n * _LOG_2PI - squares / (2.0 * sds**2)


# ---------------------------------------------------------------------------
# Likelihood of coin tosses (Bernoulli)
# ---------------------------------------------------------------------------

def _check_counts(successes, trials):
    successes = as_float_array(successes, "successes")
    trials = as_float_array(trials, "trials")
    try:
        successes, trials = np.broadcast_arrays(successes, trials)
    except ValueError as exc:
        raise ValueError(
            "Expected successes and trials of matching shapes, got shapes "
            f"{np.shape(successes)} and {np.shape(trials)}"
        ) from exc
    return check_counts(successes, trials, "successes", "trials")


def bernoulli_mle(successes, trials) -> float:
    """Return the maximum-likelihood probability of success.

    Parameters
    ----------
    successes : int or array_like of int
        Successes (heads) in each set of trials.
    trials : int or array_like of int
        Trials (tosses) in each set, broadcast against ``successes``.

    Returns
    -------
    float
        sum(successes) / sum(trials): the MLE of one success probability
        shared by all the sets.

    Examples
    --------
    >>> bernoulli_mle([9, 8, 7], 10)
    0.8
    """
    successes, trials = _check_counts(successes, trials)
    return float(np.sum(successes) / np.sum(trials))


def bernoulli_log_likelihood(theta, successes, trials):
    """Return the log-likelihood of a success probability given coin tosses.

    Parameters
    ----------
    theta : float or array_like
        Candidate success probabilities in [0, 1] (e.g. a grid to plot).
    successes : int or array_like of int
        Successes (heads) in each set of trials.
    trials : int or array_like of int
        Trials (tosses) in each set, broadcast against ``successes``.

    Returns
    -------
    float or ndarray of the shape of ``theta``
        sum_sets [h log theta + (n - h) log(1 - theta)]; -inf where theta
        makes the data impossible (theta = 0 with a success, theta = 1 with
        a failure).

    Notes
    -----
    This is the log-probability of the observed *sequences* of tosses; the
    binomial coefficient log C(n, h), which does not depend on theta, is
    left out. It does not move the maximum.
    """
    theta = as_float_array(theta, "theta")
    if np.any((theta < 0) | (theta > 1)):
        raise ValueError(f"Expected every theta in [0, 1], got theta={theta.tolist()}")
    successes, trials = _check_counts(successes, trials)
    heads = float(np.sum(successes))
    tails = float(np.sum(trials - successes))
    result = xlogy(heads, theta) + xlogy(tails, 1.0 - theta)
    return float(result) if result.ndim == 0 else result


# ---------------------------------------------------------------------------
# Sample shapes for the histogram experiment, and where two Gaussians cross
# ---------------------------------------------------------------------------

#: The shapes :func:`sample_shape` draws from: mixtures of Gaussians given as
#: (weights, means, sds), and "skewed", a shifted log-normal (see
#: :func:`shape_pdf`).
SAMPLE_SHAPES = {
    "normal": ((1.0,), (0.0,), (1.0,)),
    # The source article's two processes (means 4 sds apart, weights 1/3
    # and 2/3), scaled to lie around 0.
    "two processes": ((1.0 / 3.0, 2.0 / 3.0), (-1.5, 1.5), (0.75, 0.75)),
    "skewed": None,
    # One point in twenty from a Gaussian five times as wide.
    "outliers": ((0.95, 0.05), (0.0, 0.0), (1.0, 5.0)),
}

#: sigma of log(1 + x / 2) for the "skewed" shape.
_SKEW_SIGMA = 0.5


def _check_shape(shape):
    if shape not in SAMPLE_SHAPES:
        raise ValueError(f"Expected a shape among {list(SAMPLE_SHAPES)}, got {shape!r}")
    return SAMPLE_SHAPES[shape]


def sample_shape(shape, n, seed=None):
    """Draw a sample of one of the histogram experiment's shapes.

    Parameters
    ----------
    shape : {"normal", "two processes", "skewed", "outliers"}
        See :data:`SAMPLE_SHAPES`.
    n : int
        Sample size, >= 1.
    seed : None, int or numpy.random.Generator
        Source of the draws.

    Returns
    -------
    ndarray of shape (n,)
        For a mixture, point i comes from the component of the i-th uniform
        draw; for "skewed", x = 2 (exp(0.5 z) - 1) with z standard normal.
    """
    mixture = _check_shape(shape)
    n = check_int(n, "n", minimum=1)
    rng = np.random.default_rng(seed)
    z = rng.standard_normal(n)
    if mixture is None:
        return 2.0 * np.expm1(_SKEW_SIGMA * z)
    weights, means, sds = (np.asarray(v, dtype=float) for v in mixture)
    component = np.searchsorted(np.cumsum(weights)[:-1], rng.random(n), side="right")
    return means[component] + sds[component] * z


def shape_pdf(shape, grid):
    """Return the density of one of :func:`sample_shape`'s shapes on a grid.

    Parameters
    ----------
    shape : {"normal", "two processes", "skewed", "outliers"}
        See :data:`SAMPLE_SHAPES`.
    grid : array_like
        Where to evaluate (any shape).

    Returns
    -------
    ndarray of the shape of ``grid``
        For "skewed" (x = 2 (Y - 1), log Y ~ N(0, 0.5^2)):
        f(x) = N(log y | 0, 0.5^2) / (2 y) with y = 1 + x / 2, 0 for x <= -2.
    """
    mixture = _check_shape(shape)
    grid = as_float_array(grid, "grid")
    if mixture is None:
        y = 1.0 + grid / 2.0
        inside = y > 0
        safe = np.where(inside, y, 1.0)
        return np.where(inside, pdf(np.log(safe), 0.0, _SKEW_SIGMA) / (2.0 * safe), 0.0)
    return sum(w * pdf(grid, m, s) for w, m, s in zip(*mixture))


def crossing_points(weights, means, sds):
    """Return where two weighted Gaussian densities are equal.

    There each component has responsibility 1/2: the boundaries between the
    regions that each component claims.

    Parameters
    ----------
    weights, means, sds : array_like of shape (2,)
        The two components (weights > 0, sds > 0).

    Returns
    -------
    ndarray of shape (n_crossings,)
        Increasing; none, one (equal sds, distinct means) or two (unequal
        sds; possibly none if one weighted density lies above the other
        everywhere).

    Notes
    -----
    Taking logs of w0 N(x | m0, s0^2) = w1 N(x | m1, s1^2) gives
    a x^2 + b x + c = 0 with a = 1 / (2 s1^2) - 1 / (2 s0^2),
    b = m0 / s0^2 - m1 / s1^2 and
    c = m1^2 / (2 s1^2) - m0^2 / (2 s0^2) + log(w0 s1 / (w1 s0)).
    """
    w0, w1 = as_vector(weights, "weights", length=2)
    m0, m1 = as_vector(means, "means", length=2)
    s0, s1 = _check_sd(as_vector(sds, "sds", length=2))
    if min(w0, w1) <= 0:
        raise ValueError(f"Expected both weights > 0, got weights={[w0, w1]}")
    a = 0.5 / s1**2 - 0.5 / s0**2
    b = m0 / s0**2 - m1 / s1**2
    c = 0.5 * m1**2 / s1**2 - 0.5 * m0**2 / s0**2 + math.log(w0 * s1 / (w1 * s0))
    if a == 0.0:
        return np.array([] if b == 0.0 else [-c / b])
    disc = b * b - 4.0 * a * c
    if disc < 0:
        return np.array([])
    root = math.sqrt(disc)
    # The stable pair of roots: q = -(b + sign(b) sqrt(disc)) / 2, x = q / a and c / q.
    q = -0.5 * (b + math.copysign(root, b))
    roots = [q / a] + ([c / q] if q != 0.0 else [])
    return np.unique(np.array(roots))

