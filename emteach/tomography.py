"""Emission tomography reconstructed by ML-EM (Shepp and Vardi 1982).

A tracer emits photons from each pixel j of an image at an unknown rate
``image[j]``. Detector bin i counts the photons that reach it; the counts are
independent Poisson variables,

    counts[i] ~ Poisson((system_matrix @ image)[i]),

where system_matrix[i, j] is the chance that a photon from pixel j is counted
in bin i (here: the length of the detector strip i inside pixel j). The
hidden complete data are the numbers of photons that went from each pixel to
each bin; EM on them gives the multiplicative ML-EM update

    image <- image / sensitivity * system_matrix.T @ (counts / (system_matrix @ image))

with sensitivity = system_matrix.T @ 1, the column sums. Every iteration
keeps the image non-negative, never lowers the Poisson log-likelihood, and
makes the expected total count equal the observed total.

Besides :func:`mlem` the module builds what a small experiment needs:
:func:`shepp_logan`, a phantom of ellipses on an n-by-n grid;
:func:`projection_matrix`, a parallel-beam system matrix; and
:func:`simulate_counts`, Poisson counts from an image.

Conventions
-----------
* The image covers the square [-1, 1] x [-1, 1]; pixel (row, col) of an
  n-by-n image has its centre at x = -1 + (col + 0.5) 2/n,
  y = 1 - (row + 0.5) 2/n (row 0 at the top) and flat index row * n + col.
* Detector row a * n_bins + b is bin b at angle a: the angles are
  pi a / n_angles, and the bins split the detector coordinate
  t = x cos(angle) + y sin(angle) in [-1, 1] into n_bins equal parts. So
  ``counts.reshape(n_angles, n_bins)`` is the sinogram.

References
----------
L. A. Shepp and Y. Vardi, "Maximum likelihood reconstruction for emission
tomography", IEEE Trans. Med. Imaging 1(2), 113--122 (1982).
L. A. Shepp and B. F. Logan, "The Fourier reconstruction of a head section",
IEEE Trans. Nucl. Sci. 21(3), 21--43 (1974); the contrast-enhanced
intensities of P. Toft, PhD thesis, DTU (1996).

Examples
--------
>>> phantom = shepp_logan(16)
>>> system = projection_matrix(16, n_angles=12)
>>> counts = simulate_counts(system, 50 * phantom.ravel(), seed=0)
>>> result = mlem(system, counts, n_iter=10)
>>> result.images.shape, result.log_likelihoods.shape
((11, 256), (11,))
>>> bool(np.all(np.diff(result.log_likelihoods) >= 0))
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.special import gammaln

from emteach._validation import (
    as_float_array,
    check_int,
    check_nonnegative,
    make_rng,
    read_only,
)

__all__ = [
    "MLEMFit",
    "mlem",
    "mlem_step",
    "poisson_log_likelihood",
    "projection_matrix",
    "shepp_logan",
    "simulate_counts",
]

# The modified Shepp-Logan head (Toft 1996): intensity, semi-axes a and b,
# centre (x0, y0) and rotation in degrees, on [-1, 1]^2. The intensities add
# where ellipses overlap: skull 1.0, brain 0.2, ventricles 0.0, features 0.3.
_SHEPP_LOGAN = (
    (1.0, 0.69, 0.92, 0.0, 0.0, 0.0),
    (-0.8, 0.6624, 0.8740, 0.0, -0.0184, 0.0),
    (-0.2, 0.1100, 0.3100, 0.22, 0.0, -18.0),
    (-0.2, 0.1600, 0.4100, -0.22, 0.0, 18.0),
    (0.1, 0.2100, 0.2500, 0.0, 0.35, 0.0),
    (0.1, 0.0460, 0.0460, 0.0, 0.1, 0.0),
    (0.1, 0.0460, 0.0460, 0.0, -0.1, 0.0),
    (0.1, 0.0460, 0.0230, -0.08, -0.605, 0.0),
    (0.1, 0.0230, 0.0230, 0.0, -0.606, 0.0),
    (0.1, 0.0230, 0.0460, 0.06, -0.605, 0.0),
)


@dataclass(frozen=True, eq=False)
class MLEMFit:
    """Result of :func:`mlem`.

    Attributes
    ----------
    images : ndarray of shape (n_iter + 1, n_pixels)
        Entry i is the image after i iterations; entry 0 is the start.
    log_likelihoods : ndarray of shape (n_iter + 1,)
        The Poisson log-likelihood of each image in ``images``.
    """

    images: np.ndarray
    log_likelihoods: np.ndarray

    @property
    def n_iter(self) -> int:
        """The number of ML-EM iterations run."""
        return int(self.images.shape[0] - 1)


# ---------------------------------------------------------------------------
# Validation at the public boundary
# ---------------------------------------------------------------------------

def _check_system(system_matrix):
    """A non-negative finite 2-D system matrix: a float64 ndarray or CSR array."""
    is_sparse = sparse.issparse(system_matrix)
    if is_sparse:
        matrix = sparse.csr_array(system_matrix, dtype=np.float64)
    else:
        matrix = as_float_array(system_matrix, "system_matrix")
    if matrix.ndim != 2:
        raise ValueError(
            f"Expected system_matrix of shape (n_bins, n_pixels), got shape {matrix.shape}"
        )
    if is_sparse and not np.all(np.isfinite(matrix.data)):
        raise ValueError("Expected system_matrix to hold finite numbers, got NaN or infinity")
    check_nonnegative(matrix.data if is_sparse else matrix, "system_matrix")
    if matrix.shape[0] == 0 or matrix.shape[1] == 0:
        raise ValueError(f"Expected a non-empty system_matrix, got shape {matrix.shape}")
    return matrix


def _check_problem(system_matrix, counts, image):
    """The checked (matrix, counts, image) of a step or a log-likelihood."""
    matrix = _check_system(system_matrix)
    counts = _check_vector(counts, "counts", matrix.shape[0], "row")
    image = _check_vector(image, "image", matrix.shape[1], "column")
    return matrix, counts, image


def _check_vector(value, name: str, length: int, what: str) -> np.ndarray:
    vector = as_float_array(value, name)
    if vector.ndim != 1 or vector.shape[0] != length:
        raise ValueError(
            f"Expected {name} of shape ({length},), one per {what} of system_matrix, got "
            f"shape {vector.shape}"
        )
    return check_nonnegative(vector, name)


def _check_reachable(projection: np.ndarray, counts: np.ndarray, what: str) -> None:
    """Counts where the image projects to nothing would have probability zero."""
    blind = np.flatnonzero((counts > 0) & (projection <= 0))
    if blind.size:
        raise ValueError(
            f"Expected every bin with counts > 0 to see some activity, but bin "
            f"{int(blind[0])} has counts={counts[blind[0]]:g} while {what} projects nothing "
            "onto it (a zero row of system_matrix, or an init with zeros along that line)"
        )


# ---------------------------------------------------------------------------
# Private core (trusted inputs)
# ---------------------------------------------------------------------------

def _log_likelihood(projection: np.ndarray, counts: np.ndarray, constant: float) -> float:
    """sum_i counts_i log projection_i - projection_i - log(counts_i!); 0 log 0 = 0."""
    positive = counts > 0
    return float(np.sum(counts[positive] * np.log(projection[positive]))
                 - projection.sum() - constant)


def _step(matrix, counts: np.ndarray, image: np.ndarray, sensitivity: np.ndarray,
          projection: np.ndarray) -> np.ndarray:
    """One ML-EM update; pixels no bin sees (sensitivity 0) keep their value."""
    ratio = np.zeros_like(counts)
    positive = counts > 0
    ratio[positive] = counts[positive] / projection[positive]
    back = matrix.T @ ratio
    seen = sensitivity > 0
    new = image.copy()
    new[seen] = image[seen] * back[seen] / sensitivity[seen]
    return new


# ---------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------

def poisson_log_likelihood(system_matrix, counts, image) -> float:
    """Return the Poisson log-likelihood of an image.

    Parameters
    ----------
    system_matrix : array_like or scipy sparse array of shape (n_bins, n_pixels)
        Non-negative detection probabilities.
    counts : array_like of shape (n_bins,)
        Non-negative counts (non-integers are allowed; log(c!) is read as
        gammaln(c + 1)).
    image : array_like of shape (n_pixels,)
        Non-negative activity.

    Returns
    -------
    float
        sum_i [counts_i log(A x)_i - (A x)_i - log(counts_i!)] with A the
        system matrix and x the image; -inf if a bin with counts sees no
        activity.
    """
    matrix, counts, image = _check_problem(system_matrix, counts, image)
    projection = matrix @ image
    if np.any((counts > 0) & (projection <= 0)):
        return -math.inf
    return _log_likelihood(projection, counts, float(gammaln(counts + 1.0).sum()))


def mlem_step(system_matrix, counts, image) -> np.ndarray:
    """Run one ML-EM iteration.

    Parameters
    ----------
    system_matrix : array_like or scipy sparse array of shape (n_bins, n_pixels)
        Non-negative detection probabilities.
    counts : array_like of shape (n_bins,)
        Non-negative counts.
    image : array_like of shape (n_pixels,)
        The current image, non-negative.

    Returns
    -------
    ndarray of shape (n_pixels,)
        image[j] / sensitivity[j] * sum_i A[i, j] counts[i] / (A image)[i],
        with sensitivity[j] = sum_i A[i, j] (a pixel that no bin sees keeps
        its value).

    Notes
    -----
    In EM terms: the E-step splits each bin's count over the pixels in
    proportion to A[i, j] image[j] (the expected number of its photons that
    came from pixel j, given the count); the M-step sets each pixel's rate
    to its expected total number of emitted photons divided by its
    sensitivity.
    """
    matrix, counts, image = _check_problem(system_matrix, counts, image)
    projection = matrix @ image
    _check_reachable(projection, counts, "image")
    return _step(matrix, counts, image, np.asarray(matrix.sum(axis=0)).ravel(), projection)


def mlem(system_matrix, counts, *, n_iter=50, init=None) -> MLEMFit:
    """Reconstruct an emission image by ML-EM.

    Parameters
    ----------
    system_matrix : array_like or scipy sparse array of shape (n_bins, n_pixels)
        Non-negative detection probabilities (e.g. from
        :func:`projection_matrix`).
    counts : array_like of shape (n_bins,)
        Non-negative counts per bin (e.g. from :func:`simulate_counts`).
    n_iter : int, default=50
        The number of iterations, >= 0.
    init : array_like of shape (n_pixels,), optional
        The starting image, non-negative. Default: a flat image whose
        expected total count equals the observed total (zero where no bin
        sees the pixel). A pixel that starts at zero stays at zero.

    Returns
    -------
    MLEMFit
        ``images`` (n_iter + 1, n_pixels), entry 0 the start, and the
        Poisson ``log_likelihoods`` of each.

    Raises
    ------
    ValueError
        On negative or non-finite entries, mismatched shapes, or a bin with
        counts > 0 that sees no activity in the start (its probability
        would be zero).

    Notes
    -----
    After every iteration sum(system_matrix @ image) equals sum(counts),
    the image stays non-negative, and the log-likelihood never falls. With
    noisy counts the log-likelihood keeps rising while the image grows
    noisier (the maximum-likelihood image fits the noise), which is why
    practice stops early or smooths.
    """
    matrix = _check_system(system_matrix)
    counts = _check_vector(counts, "counts", matrix.shape[0], "row")
    n_iter = check_int(n_iter, "n_iter", minimum=0)
    sensitivity = np.asarray(matrix.sum(axis=0)).ravel()
    if init is None:
        image = np.where(sensitivity > 0, counts.sum() / max(sensitivity.sum(), 1e-300), 0.0)
    else:
        image = _check_vector(init, "init", matrix.shape[1], "column").copy()
    constant = float(gammaln(counts + 1.0).sum())
    images = np.empty((n_iter + 1, matrix.shape[1]))
    log_likelihoods = np.empty(n_iter + 1)
    projection = matrix @ image
    _check_reachable(projection, counts, "init")
    images[0] = image
    log_likelihoods[0] = _log_likelihood(projection, counts, constant)
    for iteration in range(1, n_iter + 1):
        image = _step(matrix, counts, image, sensitivity, projection)
        projection = matrix @ image
        images[iteration] = image
        log_likelihoods[iteration] = _log_likelihood(projection, counts, constant)
    return MLEMFit(images=read_only(images), log_likelihoods=read_only(log_likelihoods))


def shepp_logan(size=64) -> np.ndarray:
    """Return the modified Shepp-Logan head phantom on a size-by-size grid.

    Parameters
    ----------
    size : int, default=64
        Pixels per side, >= 1.

    Returns
    -------
    ndarray of shape (size, size)
        Intensities at the pixel centres (row 0 at the top): 0 outside the
        head, 1.0 in the skull, 0.2 in the brain, 0.0 in the two
        ventricles, 0.3 in the small features (0.1 or 0.4 where ellipses
        overlap further); all non-negative.

    Notes
    -----
    Ten ellipses whose intensities add where they overlap, with the
    positions of Shepp and Logan (1974) and the contrast of Toft (1996).
    """
    size = check_int(size, "size", minimum=1)
    centres = -1.0 + (np.arange(size) + 0.5) * (2.0 / size)
    x = centres[np.newaxis, :]
    y = centres[::-1, np.newaxis]
    image = np.zeros((size, size))
    for value, a, b, x0, y0, degrees in _SHEPP_LOGAN:
        angle = math.radians(degrees)
        along = (x - x0) * math.cos(angle) + (y - y0) * math.sin(angle)
        across = -(x - x0) * math.sin(angle) + (y - y0) * math.cos(angle)
        image += value * ((along / a) ** 2 + (across / b) ** 2 <= 1.0)
    # Sums such as 1.0 - 0.8 - 0.2 leave rounding residues around 1e-17.
    return np.maximum(np.round(image, 12), 0.0)


def _footprint_cdf(u: np.ndarray, wide: float, narrow: float) -> np.ndarray:
    """Share of a square pixel whose projection lies below offset u from its centre.

    Projected onto the detector at angle theta, a pixel of side h is the sum
    of two uniform variables of widths wide = h max(|cos|, |sin|) and
    narrow = h min(|cos|, |sin|): its footprint is a trapezoid, and this is
    its distribution function (the second-order ramp formula,
    R(z) = max(z, 0)^2 / 2 at the four corners, over wide * narrow).
    """
    outer = 0.5 * (wide + narrow)
    u = np.clip(u, -outer, outer)  # constant beyond the footprint; keeps the squares small
    if narrow < 1e-6 * wide:  # a box: the axis-aligned angles
        return np.clip((u + 0.5 * wide) / wide, 0.0, 1.0)
    inner = 0.5 * (wide - narrow)

    def ramp(z):
        return 0.5 * np.maximum(z, 0.0) ** 2

    return (ramp(u + outer) - ramp(u + inner) - ramp(u - inner) + ramp(u - outer)) / (
        wide * narrow)


def projection_matrix(size, n_angles=30, n_bins=None):
    """Build a parallel-beam system matrix for a size-by-size image.

    Parameters
    ----------
    size : int
        Pixels per side of the image, >= 1.
    n_angles : int, default=30
        Projection angles pi a / n_angles for a = 0, ..., n_angles - 1.
    n_bins : int, optional
        Detector bins per angle, splitting [-1, 1]; default ``size``.

    Returns
    -------
    scipy.sparse.csr_array of shape (n_angles * n_bins, size * size)
        Entry [a * n_bins + b, j]: the area of pixel j inside the strip of
        bin b at angle a, divided by the bin width -- the length of the
        strip's centre line inside the pixel, averaged across the strip (so
        ``matrix @ image`` approximates line integrals of the image). Call
        ``.toarray()`` for a dense matrix.

    Notes
    -----
    The areas are exact: a square pixel projects onto the detector as a
    trapezoid, whose integral over each bin has a closed form. A pixel
    whose projection lies inside the detector therefore has a column
    summing to n_angles times its area over the bin width; parts of the
    image that project beyond [-1, 1] (the corners, at some angles) are
    not counted.
    """
    size = check_int(size, "size", minimum=1)
    n_angles = check_int(n_angles, "n_angles", minimum=1)
    n_bins = size if n_bins is None else check_int(n_bins, "n_bins", minimum=1)
    pixel = 2.0 / size
    bin_width = 2.0 / n_bins
    edges = -1.0 + bin_width * np.arange(n_bins + 1)
    centres = -1.0 + (np.arange(size) + 0.5) * pixel
    x = np.tile(centres, size)  # row-major, row 0 at the top
    y = np.repeat(centres[::-1], size)
    pixels = np.arange(size * size)
    rows, columns, values = [], [], []
    for a in range(n_angles):
        angle = math.pi * a / n_angles
        cos, sin = abs(math.cos(angle)), abs(math.sin(angle))
        wide, narrow = pixel * max(cos, sin), pixel * min(cos, sin)
        t = x * math.cos(angle) + y * math.sin(angle)
        half = 0.5 * (wide + narrow)
        first = np.clip(np.floor((t - half + 1.0) / bin_width), 0, n_bins - 1).astype(np.int64)
        last = np.clip(np.floor((t + half + 1.0) / bin_width), 0, n_bins - 1).astype(np.int64)
        for k in range(int(math.ceil(2 * half / bin_width)) + 2):
            index = first + k
            valid = index <= last
            b = index[valid]
            share = (_footprint_cdf(edges[b + 1] - t[valid], wide, narrow)
                     - _footprint_cdf(edges[b] - t[valid], wide, narrow))
            keep = share > 0
            rows.append(a * n_bins + b[keep])
            columns.append(pixels[valid][keep])
            values.append(share[keep] * (pixel**2 / bin_width))
    return sparse.csr_array(
        (np.concatenate(values), (np.concatenate(rows), np.concatenate(columns))),
        shape=(n_angles * n_bins, size * size),
    )


def simulate_counts(system_matrix, image, *, seed=None) -> np.ndarray:
    """Draw Poisson counts for an image.

    Parameters
    ----------
    system_matrix : array_like or scipy sparse array of shape (n_bins, n_pixels)
        Non-negative detection probabilities.
    image : array_like of shape (n_pixels,) or (size, size)
        Non-negative activity (a square image is flattened row by row).
    seed : None, int or numpy.random.Generator, optional
        Source of randomness; the same seed gives the same counts.

    Returns
    -------
    ndarray of shape (n_bins,), dtype int
        counts[i] ~ Poisson((system_matrix @ image)[i]), independently.
    """
    matrix = _check_system(system_matrix)
    image = np.ravel(as_float_array(image, "image"))
    image = _check_vector(image, "image", matrix.shape[1], "column")
    rng = make_rng(seed)
    return rng.poisson(matrix @ image).astype(np.int64)
