"""Where EM starts, and how to compare the mixtures it ends at.

EM climbs to whichever stationary point is uphill from its start, so the
start decides the answer. :func:`start` builds the starting parameters of a
Gaussian mixture by one of four methods (:data:`METHODS`):

* ``"random points"`` -- the means at distinct data points drawn uniformly,
  every covariance the covariance of all the data, equal weights;
* ``"k-means++"`` -- the same, with the means chosen by k-means++ seeding
  (:func:`emteach.kmeans.kmeans_plusplus`), so they start spread out;
* ``"k-means"`` -- k-means run to convergence from a k-means++ start, then
  one M-step from its hard labels (scikit-learn's default,
  ``init_params="kmeans"``);
* ``"random responsibilities"`` -- one M-step from responsibilities drawn
  uniformly at random and normalised (scikit-learn's
  ``init_params="random"``): every component starts near the overall mean.

:func:`match_components` and :func:`permute` put the components of two fits
in the same order, since a mixture's labels are arbitrary (label switching).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

from emteach import gmm, kmeans
from emteach._validation import as_samples, check_float, check_int, make_rng

__all__ = ["METHODS", "start", "match_components", "permute"]

#: The start methods :func:`start` knows, in the order the book compares them.
METHODS = ("random points", "k-means++", "k-means", "random responsibilities")


def _overall_covariance(x: np.ndarray, reg_covar: float) -> np.ndarray:
    """The covariance of all the data (divide by n) plus reg_covar on the diagonal, (d, d)."""
    centred = x - x.mean(axis=0)
    covariance = centred.T @ centred / x.shape[0]
    covariance[np.diag_indices_from(covariance)] += reg_covar
    return covariance


def _broad(x: np.ndarray, means: np.ndarray, reg_covar: float) -> gmm.GMMParams:
    """Equal weights, the given means, and the data's covariance for every component."""
    k = means.shape[0]
    covariance = _overall_covariance(x, reg_covar)
    return gmm.GMMParams(np.full(k, 1.0 / k), means, np.repeat(covariance[np.newaxis], k, axis=0))


def start(x, n_components, method="k-means++", *, seed=None, reg_covar=1e-6) -> gmm.GMMParams:
    """Return starting parameters for EM on a Gaussian mixture.

    Parameters
    ----------
    x : array_like of shape (n_samples, n_features) or (n_samples,)
        The data.
    n_components : int
        The number of components, 1 <= n_components <= n_samples.
    method : str, default="k-means++"
        One of :data:`METHODS` (see the module's description).
    seed : None, int or numpy.random.Generator, optional
        Source of randomness; the same seed gives the same start.
    reg_covar : float, default=1e-6
        Added to the diagonal of every starting covariance (and used by the
        M-step of the "k-means" and "random responsibilities" starts).

    Returns
    -------
    emteach.gmm.GMMParams
        The starting weights, means and covariances.

    Raises
    ------
    ValueError
        For an unknown method or invalid arguments, or when the data's
        covariance is singular and ``reg_covar`` is 0.
    """
    x = as_samples(x, "x")
    n, _ = x.shape
    k = check_int(n_components, "n_components", minimum=1)
    if k > n:
        raise ValueError(f"Expected n_components <= n_samples, got n_components={k} and n_samples={n}")
    if method not in METHODS:
        raise ValueError(f"Expected method among {list(METHODS)}, got {method!r}")
    reg_covar = check_float(reg_covar, "reg_covar", minimum=0.0)
    rng = make_rng(seed)
    if method == "random points":
        return _broad(x, x[rng.choice(n, size=k, replace=False)], reg_covar)
    if method == "k-means++":
        return _broad(x, kmeans.kmeans_plusplus(x, k, seed=rng), reg_covar)
    if method == "k-means":
        labels = kmeans.fit(x, k, seed=rng).labels
        resp = np.zeros((n, k))
        resp[np.arange(n), labels] = 1.0
    else:  # random responsibilities
        resp = rng.uniform(size=(n, k))
        resp /= resp.sum(axis=1, keepdims=True)
    return gmm.m_step(x, resp, reg_covar)


def match_components(reference_means, means) -> np.ndarray:
    """Return the order of components that best matches a reference fit.

    Parameters
    ----------
    reference_means : array_like of shape (n_components, n_features)
        The means to match, e.g. the true means or another run's.
    means : array_like of shape (n_components, n_features)
        The means of the fit to reorder.

    Returns
    -------
    ndarray of shape (n_components,), dtype int
        ``order`` such that ``means[order[j]]`` is matched to
        ``reference_means[j]``: the permutation with the smallest total
        squared distance between matched means (the assignment problem,
        solved exactly by :func:`scipy.optimize.linear_sum_assignment`).
    """
    reference = as_samples(reference_means, "reference_means")
    other = as_samples(means, "means")
    if reference.shape != other.shape:
        raise ValueError(
            f"Expected means of the same shape as reference_means {reference.shape}, got {other.shape}"
        )
    cost = np.sum((reference[:, np.newaxis, :] - other[np.newaxis, :, :]) ** 2, axis=2)
    rows, columns = linear_sum_assignment(cost)
    return columns[np.argsort(rows)]


def permute(params, order) -> gmm.GMMParams:
    """Return the same mixture with its components renumbered.

    Parameters
    ----------
    params : emteach.gmm.GMMParams
        The mixture.
    order : array_like of shape (n_components,)
        A permutation of 0 .. n_components - 1; component j of the result
        is component ``order[j]`` of ``params``.

    Returns
    -------
    emteach.gmm.GMMParams
        The same density (and log-likelihood), components reordered.
    """
    if not isinstance(params, gmm.GMMParams):
        raise ValueError(f"Expected params to be a GMMParams, got {type(params).__name__}")
    order = np.asarray(order)
    k = params.n_components
    if order.shape != (k,) or order.dtype.kind not in "iu" or sorted(order.tolist()) != list(range(k)):
        raise ValueError(f"Expected order to be a permutation of 0..{k - 1}, got {order.tolist()}")
    return gmm.GMMParams(params.weights[order], params.means[order], params.covariances[order])
