"""Tests for emteach.starts: the start methods and matching components."""

import itertools

import numpy as np
import pytest
from sklearn.cluster import KMeans

from emteach import gmm, kmeans, starts


def data(seed=0, n=120):
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0], [5.0, 0.0], [0.0, 5.0]])
    return centres[rng.integers(3, size=n)] + rng.normal(size=(n, 2))


def test_random_points_start_uses_distinct_rows_and_the_data_covariance():
    x = data()
    params = starts.start(x, 3, "random points", seed=1, reg_covar=0.01)
    rows = {tuple(r) for r in x}
    assert all(tuple(m) in rows for m in params.means) and len({tuple(m) for m in params.means}) == 3
    expected = np.cov(x.T, bias=True) + 0.01 * np.eye(2)
    for covariance in params.covariances:
        np.testing.assert_allclose(covariance, expected)
    np.testing.assert_allclose(params.weights, 1 / 3)


def test_random_points_start_is_chapter_5s_stepper_start():
    from emteach.widgets.mixtures import gmm_data, gmm_start
    x, _ = gmm_data("clusters")
    ours = starts.start(x, 3, "random points", seed=20)
    theirs = gmm_start(x, 3, 20)
    np.testing.assert_allclose(ours.means, theirs.means)
    np.testing.assert_allclose(ours.covariances, theirs.covariances, rtol=1e-9)


def test_kmeans_plusplus_start_takes_its_means_from_kmeans_plusplus():
    x = data(2)
    params = starts.start(x, 3, "k-means++", seed=np.random.default_rng(5))
    np.testing.assert_array_equal(params.means, kmeans.kmeans_plusplus(x, 3, seed=np.random.default_rng(5)))


def test_kmeans_start_is_one_m_step_from_the_kmeans_labels():
    x = data(3)
    params = starts.start(x, 3, "k-means", seed=4)
    centres = kmeans.kmeans_plusplus(x, 3, seed=np.random.default_rng(4))
    reference = KMeans(3, init=centres, n_init=1, algorithm="lloyd", tol=0.0).fit(x)
    np.testing.assert_allclose(params.means, reference.cluster_centers_, atol=1e-10)
    counts = np.bincount(reference.labels_, minlength=3)
    np.testing.assert_allclose(params.weights, counts / len(x), atol=1e-12)
    members = x[reference.labels_ == 0]
    np.testing.assert_allclose(params.covariances[0], np.cov(members.T, bias=True) + 1e-6 * np.eye(2),
                               atol=1e-10)


def test_random_responsibilities_start_near_the_overall_mean():
    x = data(4, n=2000)
    params = starts.start(x, 3, "random responsibilities", seed=0)
    assert np.abs(params.means - x.mean(axis=0)).max() < 0.3
    assert np.abs(params.weights - 1 / 3).max() < 0.02


def test_every_method_is_reproducible_and_valid():
    x = data(5)
    for method in starts.METHODS:
        a = starts.start(x, 3, method, seed=7)
        b = starts.start(x, 3, method, seed=7)
        np.testing.assert_array_equal(a.means, b.means)
        assert np.isfinite(gmm.log_likelihood(x, a))


def test_match_components_finds_the_best_permutation():
    rng = np.random.default_rng(0)
    for _ in range(20):
        reference = rng.normal(size=(4, 2))
        means = reference[rng.permutation(4)] + rng.normal(scale=0.3, size=(4, 2))
        order = starts.match_components(reference, means)
        cost = lambda p: np.sum((reference - means[list(p)]) ** 2)
        best = min(itertools.permutations(range(4)), key=cost)
        assert cost(order) == pytest.approx(cost(best))


def test_permute_keeps_the_density():
    x = data(6)
    params = starts.start(x, 3, "k-means", seed=0)
    swapped = starts.permute(params, [2, 0, 1])
    np.testing.assert_array_equal(swapped.means[0], params.means[2])
    assert gmm.log_likelihood(x, swapped) == pytest.approx(gmm.log_likelihood(x, params))
    back = starts.permute(swapped, starts.match_components(params.means, swapped.means))
    np.testing.assert_array_equal(back.means, params.means)


def test_degenerate_inputs_stay_finite():
    x = data(7, n=5)
    for method in ("random points", "k-means++"):
        params = starts.start(x, 5, method, seed=0)  # k = n
        assert np.all(np.isfinite(params.covariances))
    same = np.ones((6, 2))
    params = starts.start(same, 2, "k-means", seed=0)  # identical points: reg_covar keeps it valid
    assert np.all(np.isfinite(params.means))


def test_bad_arguments():
    x = data(8, n=10)
    with pytest.raises(ValueError, match="method among"):
        starts.start(x, 2, "kmeans")
    with pytest.raises(ValueError, match="n_components <= n_samples"):
        starts.start(x, 11)
    with pytest.raises(ValueError, match="finite numbers"):
        starts.start(np.full((3, 2), np.nan), 2)
    with pytest.raises(ValueError, match="reg_covar >= 0"):
        starts.start(x, 2, reg_covar=-1.0)
    with pytest.raises(ValueError, match="same shape"):
        starts.match_components(np.zeros((3, 2)), np.zeros((2, 2)))
    params = starts.start(x, 2, seed=0)
    with pytest.raises(ValueError, match="permutation of 0..1"):
        starts.permute(params, [0, 0])
