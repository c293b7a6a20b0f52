"""k-means clustering by Lloyd's algorithm, the hard-assignment limit of EM.

Lloyd's algorithm alternates two steps that mirror EM's:

* assign each sample to its nearest centre (:func:`assign`), the E-step of a
  mixture whose components share the covariance eps * I with eps -> 0, so
  every responsibility is 0 or 1;
* move each centre to the mean of its samples (:func:`update_centers`), the
  M-step for those 0/1 responsibilities.

:func:`fit` only loops over the two and records. Started from the same
centres it gives the same centres and labels as
``sklearn.cluster.KMeans(init=centers, n_init=1, algorithm="lloyd")``,
including scikit-learn's rule for a cluster left empty (it takes the sample
farthest from its own centre). One corner differs: when that move empties
the cluster the sample came from, scikit-learn moves the emptied cluster's
centre elsewhere (on [0, 1, 50] from [0, 40, 1000], to 0.5), while
:func:`_update` keeps that centre where it was (40).

Examples
--------
>>> import numpy as np
>>> x = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0]])
>>> result = fit(x, 2, init=[[0.0, 0.0], [10.0, 0.0]])
>>> result.centers.tolist(), result.labels.tolist(), float(result.inertia)
([[0.0, 0.5], [10.0, 0.5]], [0, 0, 1, 1], 1.0)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from emteach._validation import as_samples, check_float, check_int, make_rng, read_only

__all__ = ["KMeansFit", "kmeans_plusplus", "assign", "soft_assign", "update_centers", "inertia", "fit"]


@dataclass(frozen=True, eq=False)
class KMeansFit:
    """Result of :func:`fit`.

    Attributes
    ----------
    centers : ndarray of shape (n_clusters, n_features)
        The final centres.
    labels : ndarray of shape (n_samples,), dtype int
        The index of the centre nearest to each sample.
    inertia : float
        The sum of squared distances from each sample to its assigned centre.
    n_iter : int
        The number of iterations (assignment followed by centre update) run.
    converged : bool
        Whether an iteration left every label unchanged (or moved the centres
        by no more than ``tol``) before ``max_iter`` ran out.
    """

    centers: np.ndarray
    labels: np.ndarray
    inertia: float
    n_iter: int
    converged: bool


# ---------------------------------------------------------------------------
# Private core (trusts its inputs)
# ---------------------------------------------------------------------------

def _squared_distances(x: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """Squared Euclidean distances of shape (n, k), never negative."""
    distances = (
        np.sum(x**2, axis=1)[:, np.newaxis]
        - 2.0 * x @ centers.T
        + np.sum(centers**2, axis=1)[np.newaxis, :]
    )
    return np.maximum(distances, 0.0)


def _plusplus_indices(x: np.ndarray, n_clusters: int, rng: np.random.Generator) -> list[int]:
    """Indices of k-means++ seeds (D^2 sampling) among the rows of x (n, d)."""
    n = x.shape[0]
    chosen = [int(rng.integers(n))]
    nearest = np.sum((x - x[chosen[0]]) ** 2, axis=1)
    for _ in range(1, n_clusters):
        cumulative = np.cumsum(nearest)
        if cumulative[-1] > 0:
            index = int(np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right"))
            index = min(index, n - 1)
        else:  # every sample coincides with a chosen one
            index = int(rng.integers(n))
        chosen.append(index)
        np.minimum(nearest, np.sum((x - x[index]) ** 2, axis=1), out=nearest)
    return chosen


def _update(x: np.ndarray, labels: np.ndarray, distances: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """New centres: the mean of each cluster; an empty one takes a far sample.

    As in scikit-learn, the samples farthest from their current centre are
    moved, one to each empty cluster, and taken out of the cluster they
    came from. A cluster emptied by that move keeps its current centre
    (scikit-learn moves it; see the module's docstring).
    """
    k, d = centers.shape
    sums = np.zeros((k, d))
    np.add.at(sums, labels, x)
    counts = np.bincount(labels, minlength=k).astype(float)
    empty = np.flatnonzero(counts == 0)
    if empty.size:
        own = distances[np.arange(x.shape[0]), labels]
        farthest = np.argsort(-own, kind="stable")[: empty.size]
        for cluster, sample in zip(empty, farthest):
            source = labels[sample]
            sums[source] -= x[sample]
            counts[source] -= 1
            sums[cluster] = x[sample]
            counts[cluster] = 1
    new = centers.copy()
    filled = counts > 0
    new[filled] = sums[filled] / counts[filled, np.newaxis]
    return new


def _lloyd(x, centers, max_iter, tol):
    """Lloyd iterations from ``centers``; returns (centers, labels, n_iter, converged)."""
    labels_old = None
    converged = False
    n_iter = 0
    for n_iter in range(1, max_iter + 1):
        distances = _squared_distances(x, centers)
        labels = np.argmin(distances, axis=1)
        new = _update(x, labels, distances, centers)
        shift = float(np.sum((new - centers) ** 2))
        centers = new
        if labels_old is not None and np.array_equal(labels, labels_old):
            converged = True  # nothing moved: the centres are final
            break
        if shift <= tol:
            converged = True
            labels = np.argmin(_squared_distances(x, centers), axis=1)
            break
        labels_old = labels
    else:
        labels = np.argmin(_squared_distances(x, centers), axis=1)
    return centers, labels, n_iter, converged


# ---------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------

def _check_x(x) -> np.ndarray:
    return as_samples(x, "x")


def _check_k(n_clusters, n_samples: int) -> int:
    n_clusters = check_int(n_clusters, "n_clusters", minimum=1)
    if n_clusters > n_samples:
        raise ValueError(
            f"Expected n_clusters <= n_samples, got n_clusters={n_clusters} and n_samples={n_samples}"
        )
    return n_clusters


def _check_centers(centers, n_clusters: int | None, n_features: int, name: str) -> np.ndarray:
    centers = as_samples(centers, name)
    if centers.shape[1] != n_features or (n_clusters is not None and centers.shape[0] != n_clusters):
        rows = "n_clusters" if n_clusters is None else str(n_clusters)
        raise ValueError(
            f"Expected {name} of shape ({rows}, {n_features}), got shape {centers.shape}"
        )
    return centers


def kmeans_plusplus(x, n_clusters, seed=None) -> np.ndarray:
    """Choose starting centres by k-means++ seeding.

    Parameters
    ----------
    x : array_like of shape (n_samples, n_features) or (n_samples,)
        The data.
    n_clusters : int
        The number of centres, 1 <= n_clusters <= n_samples.
    seed : None, int or numpy.random.Generator, optional
        Source of randomness.

    Returns
    -------
    ndarray of shape (n_clusters, n_features)
        Rows of ``x``: the first drawn uniformly, each next one with
        probability proportional to its squared distance from the nearest
        centre already chosen (Arthur & Vassilvitskii 2007), so the centres
        start spread over the data.
    """
    x = _check_x(x)
    n_clusters = _check_k(n_clusters, x.shape[0])
    return x[_plusplus_indices(x, n_clusters, make_rng(seed))].copy()


def assign(x, centers) -> np.ndarray:
    """Return the index of the nearest centre for each sample (the hard E-step).

    Parameters
    ----------
    x : array_like of shape (n_samples, n_features) or (n_samples,)
        The data.
    centers : array_like of shape (n_clusters, n_features)
        The centres.

    Returns
    -------
    ndarray of shape (n_samples,), dtype int
        argmin_k ||x_i - centers[k]||^2 (the lowest index on a tie).
    """
    x = _check_x(x)
    centers = _check_centers(centers, None, x.shape[1], "centers")
    return np.argmin(_squared_distances(x, centers), axis=1)


def soft_assign(x, centers, variance) -> np.ndarray:
    """Return EM's responsibilities when every component is N(center, variance * I).

    Parameters
    ----------
    x : array_like of shape (n_samples, n_features) or (n_samples,)
        The data.
    centers : array_like of shape (n_clusters, n_features)
        The component means.
    variance : float
        The shared variance eps > 0 of every component (equal weights).

    Returns
    -------
    ndarray of shape (n_samples, n_clusters)
        resp[i, k] = exp(-||x_i - centers[k]||^2 / (2 eps)) / sum_j (same for j),
        computed in log-space. As eps -> 0 each row tends to the one-hot
        vector of :func:`assign` (Bishop 2006, section 9.3.2).
    """
    x = _check_x(x)
    centers = _check_centers(centers, None, x.shape[1], "centers")
    variance = check_float(variance, "variance", strictly_positive=True)
    log_resp = -_squared_distances(x, centers) / (2.0 * variance)
    log_resp -= log_resp.max(axis=1, keepdims=True)
    resp = np.exp(log_resp)
    return resp / resp.sum(axis=1, keepdims=True)


def update_centers(x, labels, n_clusters) -> np.ndarray:
    """Return the mean of each cluster's samples (the hard M-step).

    Parameters
    ----------
    x : array_like of shape (n_samples, n_features) or (n_samples,)
        The data.
    labels : array_like of shape (n_samples,)
        Cluster index of each sample, in 0 .. n_clusters - 1.
    n_clusters : int
        The number of clusters.

    Returns
    -------
    ndarray of shape (n_clusters, n_features)
        The mean of the samples labelled k; NaN for a cluster with no
        sample (:func:`fit` never leaves one empty).
    """
    x = _check_x(x)
    n_clusters = check_int(n_clusters, "n_clusters", minimum=1)
    labels = np.asarray(labels)
    if labels.shape != (x.shape[0],) or labels.dtype.kind not in "iu":
        raise ValueError(
            f"Expected integer labels of shape ({x.shape[0]},), got dtype {labels.dtype} and "
            f"shape {labels.shape}"
        )
    if labels.size and (labels.min() < 0 or labels.max() >= n_clusters):
        raise ValueError(
            f"Expected labels in 0..{n_clusters - 1}, got values from {labels.min()} to {labels.max()}"
        )
    sums = np.zeros((n_clusters, x.shape[1]))
    np.add.at(sums, labels, x)
    counts = np.bincount(labels, minlength=n_clusters).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):  # an empty cluster gives 0/0 = NaN, on purpose
        return sums / counts[:, np.newaxis]


def inertia(x, centers, labels=None) -> float:
    """Return the sum of squared distances from the samples to their centres.

    Parameters
    ----------
    x : array_like of shape (n_samples, n_features) or (n_samples,)
        The data.
    centers : array_like of shape (n_clusters, n_features)
        The centres.
    labels : array_like of shape (n_samples,), optional
        Each sample's centre; the nearest one when omitted.

    Returns
    -------
    float
        sum_i ||x_i - centers[labels[i]]||^2.
    """
    x = _check_x(x)
    centers = _check_centers(centers, None, x.shape[1], "centers")
    if labels is None:
        labels = np.argmin(_squared_distances(x, centers), axis=1)
    labels = np.asarray(labels)
    if labels.shape != (x.shape[0],) or labels.dtype.kind not in "iu" or (
            labels.size and (labels.min() < 0 or labels.max() >= centers.shape[0])):
        raise ValueError(
            f"Expected integer labels of shape ({x.shape[0]},) in 0..{centers.shape[0] - 1}, got "
            f"dtype {labels.dtype} and shape {labels.shape}"
        )
    return float(np.sum((x - centers[labels]) ** 2))


def fit(x, n_clusters, *, init=None, max_iter=300, tol=0.0, seed=None) -> KMeansFit:
    """Cluster the data by Lloyd's algorithm.

    Parameters
    ----------
    x : array_like of shape (n_samples, n_features) or (n_samples,)
        The data.
    n_clusters : int
        The number of clusters, 1 <= n_clusters <= n_samples.
    init : array_like of shape (n_clusters, n_features), optional
        Starting centres. If omitted, :func:`kmeans_plusplus` chooses them
        from ``seed``.
    max_iter : int, default=300
        The largest number of iterations.
    tol : float, default=0.0
        Also stop when the centres move by a total squared distance of at
        most ``tol`` in one iteration. With ``tol=0`` the run stops only
        when an iteration changes no label (or at ``max_iter``).
    seed : None, int or numpy.random.Generator, optional
        Source of randomness for the k-means++ start (unused with ``init``).

    Returns
    -------
    KMeansFit
        ``centers``, ``labels``, ``inertia``, ``n_iter`` and ``converged``.

    Notes
    -----
    Each iteration assigns every sample to its nearest centre and then
    moves every centre to the mean of its samples; the inertia never
    increases. A cluster left without samples takes the sample farthest
    from its own centre, as scikit-learn does. Unlike scikit-learn, ``tol``
    here is absolute (scikit-learn multiplies it by the mean variance of
    the features); with ``tol=0`` the two agree.
    """
    x = _check_x(x)
    n_clusters = _check_k(n_clusters, x.shape[0])
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    tol = check_float(tol, "tol", minimum=0.0)
    if init is None:
        centers = x[_plusplus_indices(x, n_clusters, make_rng(seed))].copy()
    else:
        centers = _check_centers(init, n_clusters, x.shape[1], "init").copy()
    centers, labels, n_iter, converged = _lloyd(x, centers, max_iter, tol)
    return KMeansFit(
        centers=read_only(centers),
        labels=read_only(labels),
        inertia=float(np.sum((x - centers[labels]) ** 2)),
        n_iter=n_iter,
        converged=converged,
    )
