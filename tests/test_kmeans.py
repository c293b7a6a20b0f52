"""Tests for emteach.kmeans, against scikit-learn's KMeans and brute force."""

import warnings

import numpy as np
import pytest
from sklearn.cluster import KMeans

from emteach import kmeans


def sklearn_lloyd(x, init, max_iter=300):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return KMeans(len(init), init=np.asarray(init), n_init=1, algorithm="lloyd", tol=0.0,
                      max_iter=max_iter).fit(x)


def blobs(seed, n=150, d=2, k=3):
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=4.0, size=(k, d))
    return centres[rng.integers(k, size=n)] + rng.normal(size=(n, d))


@pytest.mark.parametrize("seed", range(12))
def test_same_as_sklearn_from_the_same_start(seed):
    rng = np.random.default_rng(100 + seed)
    d = 1 + seed % 3
    k = 1 + seed % 5
    x = blobs(seed, n=60 + 10 * seed, d=d, k=3)
    init = x[rng.choice(len(x), k, replace=False)] + rng.normal(scale=0.5, size=(k, d))
    reference = sklearn_lloyd(x, init)
    result = kmeans.fit(x, k, init=init)
    np.testing.assert_allclose(result.centers, reference.cluster_centers_, atol=1e-10)
    np.testing.assert_array_equal(result.labels, reference.labels_)
    assert result.inertia == pytest.approx(reference.inertia_, rel=1e-10)
    assert result.n_iter == reference.n_iter_
    assert result.converged


def test_empty_cluster_is_refilled_as_sklearn_does():
    x = blobs(3, n=80)
    init = np.vstack([x[:2], [[1e3, 1e3]]])  # the third centre owns nothing at first
    reference = sklearn_lloyd(x, init)
    result = kmeans.fit(x, 3, init=init)
    np.testing.assert_allclose(result.centers, reference.cluster_centers_, atol=1e-10)
    np.testing.assert_array_equal(result.labels, reference.labels_)
    assert np.bincount(result.labels, minlength=3).min() >= 1


def test_max_iter_stops_early_like_sklearn():
    x = blobs(5, n=200, k=4)
    init = x[:4]
    reference = sklearn_lloyd(x, init, max_iter=2)
    result = kmeans.fit(x, 4, init=init, max_iter=2)
    np.testing.assert_allclose(result.centers, reference.cluster_centers_, atol=1e-10)
    np.testing.assert_array_equal(result.labels, reference.labels_)
    assert result.n_iter == 2


def test_fixed_point_labels_are_nearest_centres_and_means_are_cluster_means():
    x = blobs(7)
    result = kmeans.fit(x, 3, seed=1)
    brute = np.array([np.argmin([np.sum((p - c) ** 2) for c in result.centers]) for p in x])
    np.testing.assert_array_equal(result.labels, brute)
    for j in range(3):
        np.testing.assert_allclose(result.centers[j], x[result.labels == j].mean(axis=0))
    assert result.inertia == pytest.approx(sum(np.sum((p - result.centers[j]) ** 2)
                                               for p, j in zip(x, result.labels)))
    assert kmeans.inertia(x, result.centers) == pytest.approx(result.inertia)


def test_inertia_never_increases_over_iterations():
    x = blobs(8, n=300, k=5)
    start = kmeans.kmeans_plusplus(x, 5, seed=0)
    values = [kmeans.fit(x, 5, init=start, max_iter=m).inertia for m in range(1, 15)]
    assert np.all(np.diff(values) <= 1e-9)


def test_hard_steps_compose_to_one_iteration():
    x = blobs(9)
    start = x[[0, 50, 100]]
    labels = kmeans.assign(x, start)
    centers = kmeans.update_centers(x, labels, 3)
    np.testing.assert_allclose(kmeans.fit(x, 3, init=start, max_iter=1).centers, centers)


def test_kmeans_plusplus_picks_distinct_data_rows_reproducibly():
    x = blobs(10)
    centres = kmeans.kmeans_plusplus(x, 3, seed=4)
    assert centres.shape == (3, 2)
    rows = {tuple(r) for r in x}
    assert all(tuple(c) in rows for c in centres)
    assert len({tuple(c) for c in centres}) == 3
    np.testing.assert_array_equal(centres, kmeans.kmeans_plusplus(x, 3, seed=4))
    np.testing.assert_array_equal(kmeans.fit(x, 3, seed=4).centers,
                                  kmeans.fit(x, 3, init=centres).centers)


def test_kmeans_plusplus_spreads_out_on_well_separated_blobs():
    rng = np.random.default_rng(0)
    x = np.vstack([rng.normal(c, 0.01, size=(50, 2)) for c in ([0, 0], [100, 0], [0, 100])])
    hits = 0
    for seed in range(20):
        centres = kmeans.kmeans_plusplus(x, 3, seed=seed)
        hits += len({tuple(np.round(c / 100)) for c in centres}) == 3
    assert hits >= 18  # D^2 sampling almost never picks two points of one blob


def test_degenerate_inputs_are_finite():
    same = np.ones((6, 2))
    result = kmeans.fit(same, 3, seed=0)
    assert np.all(np.isfinite(result.centers)) and result.inertia == 0.0
    x = blobs(11, n=5)
    result = kmeans.fit(x, 5, seed=0)  # k = n: every sample its own centre
    assert result.inertia == pytest.approx(0.0, abs=1e-20)
    assert sorted(result.labels.tolist()) == [0, 1, 2, 3, 4]
    one = kmeans.fit(x, 1, seed=0)
    np.testing.assert_allclose(one.centers[0], x.mean(axis=0))
    line = kmeans.fit(np.arange(10.0), 2, init=[[0.0], [9.0]])  # 1-D input
    np.testing.assert_allclose(line.centers[:, 0], [2.0, 7.0])


def test_bad_input_messages():
    x = blobs(12, n=20)
    with pytest.raises(ValueError, match="n_clusters <= n_samples"):
        kmeans.fit(x, 21)
    with pytest.raises(ValueError, match="n_clusters to be an integer >= 1"):
        kmeans.fit(x, 0)
    with pytest.raises(ValueError, match=r"init of shape \(3, 2\), got shape \(2, 2\)"):
        kmeans.fit(x, 3, init=x[:2])
    with pytest.raises(ValueError, match=r"init of shape \(2, 2\), got shape \(2, 3\)"):
        kmeans.fit(x, 2, init=np.zeros((2, 3)))
    bad = x.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="finite numbers, got 1 NaN"):
        kmeans.fit(bad, 2)
    with pytest.raises(ValueError, match="max_iter"):
        kmeans.fit(x, 2, max_iter=0)
    with pytest.raises(ValueError, match="tol >= 0"):
        kmeans.fit(x, 2, tol=-1.0)
    with pytest.raises(TypeError, match="real numbers"):
        kmeans.fit([["a", "b"]], 1)
    with pytest.raises(ValueError, match="labels in 0..1"):
        kmeans.update_centers(x, np.full(20, 2), 2)


def test_soft_assign_is_the_gmm_e_step_with_shared_spherical_covariance_and_hardens():
    from emteach import gmm
    x = blobs(13, n=50)
    centres = x[:3]
    for variance in (4.0, 0.5):
        params = gmm.GMMParams(np.full(3, 1 / 3), centres, np.repeat(variance * np.eye(2)[None], 3, axis=0))
        np.testing.assert_allclose(kmeans.soft_assign(x, centres, variance), gmm.e_step(x, params)[0],
                                   atol=1e-12)
    hard = kmeans.soft_assign(x, centres, 1e-6)
    np.testing.assert_array_equal(hard.argmax(axis=1), kmeans.assign(x, centres))
    assert np.all(hard.max(axis=1) > 1 - 1e-12)
    with pytest.raises(ValueError, match="variance > 0"):
        kmeans.soft_assign(x, centres, 0.0)


# ---------------------------------------------------------------------------
# The public helpers name what was wrong (found by `make mutate`)
# ---------------------------------------------------------------------------

_X4 = np.arange(8.0).reshape(4, 2)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: kmeans.assign(_X4, np.zeros((2, 3))), r"^Expected centers of shape \(n_clusters, 2\), got shape \(2, 3\)$"),
        (lambda: kmeans.soft_assign(_X4, np.zeros((2, 3)), 1.0),
         r"^Expected centers of shape \(n_clusters, 2\), got shape \(2, 3\)$"),
        (lambda: kmeans.inertia(_X4, np.zeros((2, 3)), np.array([0, 1, 0, 1])),
         r"^Expected centers of shape \(n_clusters, 2\), got shape \(2, 3\)$"),
        (lambda: kmeans.update_centers(_X4, np.array([0, 1, 0, 1.5]), 2),
         r"^Expected integer labels of shape \(4,\), got dtype float64 and shape \(4,\)$"),
        (lambda: kmeans.update_centers(_X4, np.array([0, 1, 0]), 2),
         r"^Expected integer labels of shape \(4,\), got dtype int64 and shape \(3,\)$"),
        (lambda: kmeans.update_centers(_X4, np.array([0, 1, 0, 1]), 0),
         r"^Expected n_clusters to be an integer >= 1, got n_clusters=0$"),
        (lambda: kmeans.inertia(_X4, np.zeros((2, 2)), np.array([0, 1, 0, 2])),
         r"^Expected integer labels of shape \(4,\) in 0\.\.1, got dtype int64 and shape \(4,\)$"),
        (lambda: kmeans.inertia(_X4, np.zeros((2, 2)), np.array([0, 1, 0, -1])),
         r"^Expected integer labels of shape \(4,\) in 0\.\.1"),
        (lambda: kmeans.inertia(_X4, np.zeros((2, 2)), np.array([0.0, 1.0, 0.0, 1.0])),
         r"^Expected integer labels of shape \(4,\) in 0\.\.1, got dtype float64"),
        (lambda: kmeans.inertia(_X4, np.zeros((2, 2)), np.array([0, 1, 0])),
         r"^Expected integer labels of shape \(4,\) in 0\.\.1, got dtype int64 and shape \(3,\)$"),
    ],
)
def test_helpers_say_what_they_expected(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_labels_on_the_last_centre_are_valid():
    # near miss of the range check: label k - 1 is allowed, k is not
    centers = np.array([[0.0, 0.0], [10.0, 10.0]])
    expected = np.sum((_X4 - centers[[0, 1, 1, 1]]) ** 2)
    assert kmeans.inertia(_X4, centers, np.array([0, 1, 1, 1])) == pytest.approx(expected)


def test_update_centers_with_one_cluster_and_an_empty_one():
    # one cluster is the mean of everything; a cluster with no points comes back as NaN, silently
    assert np.allclose(kmeans.update_centers(_X4, np.zeros(4, dtype=int), 1), [_X4.mean(axis=0)])
    with np.errstate(all="raise"):
        centers = kmeans.update_centers(_X4, np.array([0, 0, 0, 0]), 3)
    assert centers.shape == (3, 2) and np.allclose(centers[0], _X4.mean(axis=0)) and np.all(np.isnan(centers[1:]))


# ---------------------------------------------------------------------------
# D^2 sampling, empty clusters and the stopping rules (found by `make mutate`)
# ---------------------------------------------------------------------------


def test_kmeans_plusplus_never_repeats_a_point_while_another_has_weight():
    # five copies of the origin and one point at squared distance 0.25 from it: once a copy
    # is chosen, only the other point has any D^2 weight left
    x = np.vstack([np.zeros((5, 2)), [[0.5, 0.0]]])
    for seed in range(10):
        centres = kmeans.kmeans_plusplus(x, 2, seed=seed)
        assert sorted(centres[:, 0].tolist()) == [0.0, 0.5]


def test_kmeans_plusplus_draws_the_second_centre_with_probability_proportional_to_d2():
    from scipy import stats

    x = np.array([0.0, 1.0, 3.0, 7.0])
    d2 = (x[:, None] - x[None, :]) ** 2
    expected = d2 / d2.sum(axis=1, keepdims=True) / 4  # first centre uniform, then D^2
    rng = np.random.default_rng(2024)
    n_draws = 4000
    observed = np.zeros((4, 4))
    for _ in range(n_draws):
        first, second = kmeans.kmeans_plusplus(x, 2, seed=rng)[:, 0]
        observed[np.flatnonzero(x == first)[0], np.flatnonzero(x == second)[0]] += 1
    off = ~np.eye(4, dtype=bool)
    assert observed[~off].sum() == 0  # never the same point twice
    assert observed[3, 2] > 0 and observed[2, 3] > 0  # the last sample can be drawn second
    assert stats.chisquare(observed[off], n_draws * expected[off]).pvalue > 1e-3


def test_empty_clusters_take_the_farthest_samples_in_the_same_iteration():
    # All four samples are nearest to 0. Farthest from it: 10 (to cluster 1), then 2 (to
    # cluster 2); cluster 0 keeps 0 and 1, mean 0.5.
    x = np.array([[0.0], [1.0], [2.0], [10.0]])
    init = [[0.0], [100.0], [1000.0]]
    result = kmeans.fit(x, 3, init=init, max_iter=1)
    np.testing.assert_allclose(result.centers[:, 0], [0.5, 10.0, 2.0])
    np.testing.assert_allclose(result.centers, sklearn_lloyd(x, init, max_iter=1).cluster_centers_)
    assert result.converged is False and result.n_iter == 1


def test_a_cluster_emptied_by_the_refill_keeps_a_finite_centre():
    # 50 is the only sample of the centre at 40 and the farthest from its centre: it moves to
    # the empty cluster at 1000 and leaves the cluster at 40 with no sample
    x = np.array([[0.0], [1.0], [50.0]])
    result = kmeans.fit(x, 3, init=[[0.0], [40.0], [1000.0]], max_iter=1)
    assert np.all(np.isfinite(result.centers))
    assert result.centers[0, 0] == 0.5 and result.centers[2, 0] == 50.0


def test_tol_stops_when_the_centres_move_by_at_most_tol():
    # From 0 and 10 the first iteration moves each centre by 0.5: a total squared shift of 0.5
    x = np.array([[0.0], [1.0], [10.0], [11.0]])
    stopped = kmeans.fit(x, 2, init=[[0.0], [10.0]], tol=0.5)
    assert stopped.n_iter == 1 and stopped.converged is True
    np.testing.assert_allclose(stopped.centers[:, 0], [0.5, 10.5])
    by_labels = kmeans.fit(x, 2, init=[[0.0], [10.0]], tol=0.4)
    assert by_labels.n_iter == 2 and by_labels.converged is True  # the labels did not change
    unfinished = kmeans.fit(x, 2, init=[[0.0], [1.0]], max_iter=1)  # labels still move after one step
    assert unfinished.converged is False and unfinished.n_iter == 1


def test_errors_name_x_init_and_max_iter():
    x = blobs(12, n=20)
    bad = x.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match=r"^Expected x to hold finite numbers, got 1 NaN or infinite value\(s\)$"):
        kmeans.fit(bad, 2)
    with pytest.raises(ValueError, match=r"^Expected init to hold finite numbers, got 1 NaN or infinite value\(s\)$"):
        kmeans.fit(x, 2, init=[[np.nan, 0.0], [1.0, 1.0]])
    with pytest.raises(ValueError, match=r"^Expected max_iter to be an integer >= 1, got max_iter=0$"):
        kmeans.fit(x, 2, max_iter=0)
    # three centres of two features: labels run 0..2
    with pytest.raises(ValueError, match=r"^Expected integer labels of shape \(4,\) in 0\.\.2, got dtype int64"):
        kmeans.inertia(_X4, np.zeros((3, 2)), np.array([0, 1, 2, 3]))
