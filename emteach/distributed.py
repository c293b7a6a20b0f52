"""Gaussian-mixture EM as a map-reduce over the chunks of a Dask array.

Everything the M-step needs is a sum over samples
(:class:`emteach.gmm.SufficientStatistics`), and sums split over chunks.
So one EM iteration is:

* **map**: on every chunk of rows, wherever it lives, run the E-step and
  sum its statistics (:func:`emteach.gmm.sufficient_statistics`);
* **reduce**: add the records up with ``+``, in a tree;
* **finish**: the M-step's closed form on the totals
  (:func:`emteach.gmm.m_step_from_statistics`), on the client.

Only the parameters travel to the workers and only k (d^2 + 2 d + 1) + d + 2
numbers per chunk travel back; the data never leave their workers. The
code runs on whatever Dask scheduler is active: the threads of this
process, a ``dask.distributed`` LocalCluster, or a cluster on other
machines (then only the address given to ``Client`` changes).

Examples
--------
>>> import dask.array as da
>>> from emteach import gmm
>>> from emteach.data import two_processes
>>> x, _ = two_processes(seed=0)
>>> chunked = da.from_array(x[:, np.newaxis], chunks=(3000, 1))
>>> start = gmm.GMMParams.from_1d([0.5, 0.5], [15.0, 45.0], [10.0, 10.0])
>>> here = gmm.fit(x, 2, init=start)
>>> there = fit(chunked, 2, init=start)
>>> there.n_iter == here.n_iter
True
>>> bool(np.allclose(there.params.means, here.params.means, rtol=1e-9))
True
"""

from __future__ import annotations

import dask
import dask.array as da
import numpy as np

from emteach import gmm
from emteach._validation import make_rng

__all__ = ["fit", "sufficient_statistics"]

#: Rows gathered from the data for a random start (see :func:`fit`).
START_SAMPLE = 10_000


def _check_dask(x) -> da.Array:
    """Validate a row-chunked Dask array and return it as (n, d) float64, one column chunk."""
    if not isinstance(x, da.Array):
        raise ValueError(
            f"Expected x to be a dask.array.Array (use dask.array.from_array), got "
            f"{type(x).__name__}"
        )
    if x.ndim == 1:
        x = x[:, np.newaxis]
    if x.ndim != 2:
        raise ValueError(f"Expected x of shape (n_samples, n_features), got {x.ndim} dimensions")
    if any(np.isnan(size) for size in x.shape) or any(
            np.isnan(c) for chunks in x.chunks for c in chunks):
        raise ValueError("Expected x with known chunk sizes (call x.compute_chunk_sizes())")
    if x.shape[0] < 1 or x.shape[1] < 1:
        raise ValueError(f"Expected at least one sample and one feature, got shape {x.shape}")
    if not np.issubdtype(x.dtype, np.number) or np.issubdtype(x.dtype, np.complexfloating):
        raise ValueError(f"Expected real numbers in x, got dtype {x.dtype}")
    x = x.astype(np.float64)
    if len(x.chunks[1]) > 1:  # every chunk needs whole rows
        x = x.rechunk({1: -1})
    return x


def _chunk_statistics(chunk, params):
    return gmm.sufficient_statistics(chunk, params)


def _add(left, right):
    return left + right


def _tree_sum(parts):
    """Add delayed records pairwise, so the reduce is log2(chunks) deep."""
    while len(parts) > 1:
        pairs = [dask.delayed(_add)(parts[i], parts[i + 1]) for i in range(0, len(parts) - 1, 2)]
        if len(parts) % 2:
            pairs.append(parts[-1])
        parts = pairs
    return parts[0]


def _statistics(x: da.Array, params: gmm.GMMParams) -> gmm.SufficientStatistics:
    """Map the E-step's sums over the chunks, reduce them with +, compute on the active scheduler."""
    params_node = dask.delayed(params)  # sent once per iteration, not once per chunk
    parts = [dask.delayed(_chunk_statistics)(chunk, params_node)
             for chunk in x.to_delayed().ravel()]
    (total,) = dask.compute(_tree_sum(parts))
    return total


def sufficient_statistics(x, params) -> gmm.SufficientStatistics:
    """Compute the sufficient statistics of a chunked data set by map-reduce.

    Parameters
    ----------
    x : dask.array.Array of shape (n_samples, n_features) or (n_samples,)
        The data, chunked by rows.
    params : GMMParams
        The current parameters.

    Returns
    -------
    SufficientStatistics
        Equal to :func:`emteach.gmm.sufficient_statistics` on the computed
        array, to rounding.
    """
    params = gmm._check_params(params)
    x = _check_dask(x)
    if x.shape[1] != params.n_features:
        raise ValueError(
            f"Expected x with {params.n_features} feature(s) to match params, got {x.shape[1]}"
        )
    return _statistics(x, params)


def _random_start(x: da.Array, n_components, reg_covar, rng):
    """gmm's random start drawn from a uniform sample of at most START_SAMPLE rows."""
    n = x.shape[0]
    rows = np.sort(rng.choice(n, size=min(n, START_SAMPLE), replace=False))
    sample = np.asarray(x[rows].compute())
    return gmm._random_start(np.ascontiguousarray(sample.T), n_components, reg_covar, rng)


def fit(x, n_components, *, init=None, max_iter=200, tol=1e-6, reg_covar=1e-6,
        seed=None) -> gmm.GMMFit:
    """Fit a Gaussian mixture by EM on a chunked Dask array.

    Parameters
    ----------
    x : dask.array.Array of shape (n_samples, n_features) or (n_samples,)
        The data, chunked by rows (any number of row chunks). Persist it
        first (``x.persist()``) if it fits in the workers' memory; otherwise
        every iteration reads it again from its source.
    n_components : int
        The number of components, 1 <= n_components <= n_samples.
    init : GMMParams, optional
        Starting parameters. If omitted, the random start of
        :func:`emteach.gmm.fit` is built from a uniform sample of at most
        ``START_SAMPLE`` rows (one small gather instead of k passes over
        the data).
    max_iter : int, default=200
        The largest number of EM iterations.
    tol : float, default=1e-6
        Stop when the mean log-likelihood per sample changes by less than
        ``tol`` in one iteration; ``tol=0`` runs exactly ``max_iter``.
    reg_covar : float, default=1e-6
        Non-negative number added to the diagonal of every covariance.
    seed : None, int or numpy.random.Generator, optional
        Source of randomness for the random start.

    Returns
    -------
    GMMFit
        As :func:`emteach.gmm.fit`; from the same ``init`` the same path to
        rounding.

    Raises
    ------
    ValueError
        If ``x`` is not a Dask array of real numbers with known chunks, on
        invalid settings, or when a component collapses.

    Notes
    -----
    Each iteration is one ``dask.compute`` of a map over the chunks and a
    tree of ``+``; it runs on the scheduler that is active when ``fit`` is
    called (a ``dask.distributed.Client`` registers itself as the default).
    """
    x = _check_dask(x)
    n_samples, n_features = (int(size) for size in x.shape)
    n_components, init, _, max_iter, tol, reg_covar = gmm._check_fit_arguments(
        n_samples, n_features, n_components, init, 1, max_iter, tol, reg_covar)
    rng = make_rng(seed)

    def start():
        return init if init is not None else _random_start(x, n_components, reg_covar, rng)

    return gmm._fit_by_statistics(lambda params: _statistics(x, params), start, 1, max_iter, tol,
                                  reg_covar, n_samples)
