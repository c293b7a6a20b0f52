"""emteach.distributed: EM as a map-reduce over Dask chunks, same path as gmm.fit."""

import dask
import dask.array as da
import numpy as np
import pytest

from emteach import distributed, gmm
from emteach.data import old_faithful, two_processes

START = gmm.GMMParams.from_1d([0.5, 0.5], [15.0, 45.0], [10.0, 10.0])


def assert_same_fit(there, here, rtol=1e-9):
    assert there.n_iter == here.n_iter and there.converged == here.converged
    np.testing.assert_allclose(there.log_likelihoods, here.log_likelihoods, rtol=rtol)
    np.testing.assert_allclose(there.params.means, here.params.means, rtol=rtol)
    np.testing.assert_allclose(there.params.covariances, here.params.covariances, rtol=rtol)
    np.testing.assert_allclose(there.params.weights, here.params.weights, rtol=rtol)


@pytest.fixture(scope="module")
def article():
    x, _ = two_processes(seed=0)
    return x


@pytest.mark.parametrize("scheduler", ["synchronous", "threads"])
def test_same_path_as_gmm(article, scheduler):
    chunked = da.from_array(article[:, np.newaxis], chunks=(2500, 1))  # 5 chunks, one partial
    with dask.config.set(scheduler=scheduler):
        there = distributed.fit(chunked, 2, init=START)
    assert_same_fit(there, gmm.fit(article, 2, init=START))


def test_two_dimensions_with_column_chunks():
    x = old_faithful()
    init = gmm.fit(x, 2, max_iter=1, tol=0, seed=0).params
    chunked = da.from_array(x, chunks=(50, 1))  # columns are joined into one chunk
    with dask.config.set(scheduler="synchronous"):
        there = distributed.fit(chunked, 2, init=init, max_iter=30, tol=0)
    assert_same_fit(there, gmm.fit(x, 2, init=init, max_iter=30, tol=0))


def test_local_cluster(article):
    distributed_ = pytest.importorskip("dask.distributed")
    with distributed_.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                   dashboard_address=None) as cluster, \
            distributed_.Client(cluster):
        chunked = da.from_array(article, chunks=3000).persist()
        there = distributed.fit(chunked, 2, init=START)
    assert_same_fit(there, gmm.fit(article, 2, init=START))


def test_statistics_equal_the_whole(article):
    chunked = da.from_array(article, chunks=1000)
    with dask.config.set(scheduler="synchronous"):
        stats = distributed.sufficient_statistics(chunked, START)
    whole = gmm.sufficient_statistics(article, START)
    np.testing.assert_allclose(stats.sizes, whole.sizes, rtol=1e-12)
    np.testing.assert_allclose(stats.outer, whole.outer, rtol=1e-12)
    assert stats.log_likelihood == pytest.approx(whole.log_likelihood, rel=1e-13)
    assert stats.n_samples == article.size


def test_random_start_is_reproducible(article):
    chunked = da.from_array(article, chunks=4000)
    with dask.config.set(scheduler="synchronous"):
        first = distributed.fit(chunked, 2, seed=3, max_iter=5, tol=0)
        second = distributed.fit(chunked, 2, seed=3, max_iter=5, tol=0)
    np.testing.assert_array_equal(first.log_likelihoods, second.log_likelihoods)


def test_errors(article):
    with pytest.raises(ValueError, match="Expected x to be a dask.array.Array"):
        distributed.fit(article, 2)
    with pytest.raises(ValueError, match="Expected n_components <= n_samples"):
        distributed.fit(da.ones(3, chunks=2), 4)
    with pytest.raises(ValueError, match="Expected x of shape"):
        distributed.fit(da.ones((2, 2, 2)), 1)
    with pytest.raises(ValueError, match="Expected x with 2 feature"):
        distributed.sufficient_statistics(da.ones(3), gmm.GMMParams([1.0], [[0.0, 0.0]], [np.eye(2)]))
