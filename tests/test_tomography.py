"""Tests for emteach.tomography."""

import numpy as np
import pytest
from scipy import optimize, sparse, stats

from emteach import tomography


@pytest.fixture(scope="module")
def problem():
    size = 16
    phantom = tomography.shepp_logan(size)
    system = tomography.projection_matrix(size, n_angles=20)
    counts = tomography.simulate_counts(system, 40 * phantom, seed=1)
    return size, phantom, system, counts


def naive_step(a, y, x):
    """The ML-EM update written as explicit sums."""
    n_bins, n_pixels = a.shape
    projection = [sum(a[i, j] * x[j] for j in range(n_pixels)) for i in range(n_bins)]
    new = np.empty(n_pixels)
    for j in range(n_pixels):
        sensitivity = sum(a[i, j] for i in range(n_bins))
        new[j] = x[j] / sensitivity * sum(
            a[i, j] * y[i] / projection[i] for i in range(n_bins) if y[i] > 0)
    return new


# ---------------------------------------------------------------------------
# ML-EM
# ---------------------------------------------------------------------------

def test_step_against_explicit_sums():
    rng = np.random.default_rng(0)
    a = rng.random((5, 3))
    y = np.array([3.0, 0.0, 7.0, 1.0, 2.0])
    x = rng.random(3) + 0.1
    np.testing.assert_allclose(tomography.mlem_step(a, y, x), naive_step(a, y, x), rtol=1e-12)
    result = tomography.mlem(a, y, n_iter=2, init=x)
    np.testing.assert_allclose(result.images[1], naive_step(a, y, x), rtol=1e-12)
    np.testing.assert_allclose(result.images[2], naive_step(a, y, naive_step(a, y, x)),
                               rtol=1e-12)


def test_invariants(problem):
    _, _, system, counts = problem
    result = tomography.mlem(system, counts, n_iter=30)
    assert result.images.shape == (31, system.shape[1])
    assert result.log_likelihoods.shape == (31,) and result.n_iter == 30
    assert np.all(result.images >= 0)
    assert np.all(np.diff(result.log_likelihoods) >= -1e-9)
    # The expected total count matches the observed one, at the start and after
    # every iteration (column sums are the sensitivities).
    totals = np.asarray(system @ result.images.T).sum(axis=0)
    np.testing.assert_allclose(totals, counts.sum(), rtol=1e-12)


def test_log_likelihood_against_scipy_poisson(problem):
    _, phantom, system, counts = problem
    image = 40 * phantom.ravel() + 0.01
    expected = stats.poisson.logpmf(counts, system @ image).sum()
    assert tomography.poisson_log_likelihood(system, counts, image) == pytest.approx(
        expected, rel=1e-12)
    result = tomography.mlem(system, counts, n_iter=3)
    for image, value in zip(result.images, result.log_likelihoods):
        assert value == pytest.approx(stats.poisson.logpmf(counts, system @ image).sum(),
                                      rel=1e-12)


def test_exact_data_are_reconstructed():
    # A consistent, invertible system: the maximum-likelihood image is the solution.
    a = np.array([[1.0, 0.5, 0.0], [0.2, 1.0, 0.3], [0.0, 0.4, 1.0]])
    truth = np.array([2.0, 5.0, 1.0])
    result = tomography.mlem(a, a @ truth, n_iter=3000)
    np.testing.assert_allclose(result.images[-1], truth, rtol=1e-6)


def test_reaches_the_constrained_maximum_found_by_scipy():
    # More bins than pixels and Poisson counts: compare with L-BFGS-B on the
    # negative log-likelihood, bounded below by zero.
    rng = np.random.default_rng(2)
    a = rng.random((8, 3))
    y = rng.poisson(a @ np.array([4.0, 0.5, 6.0])).astype(float)

    def negative(x):
        projection = a @ x
        return -(np.sum(y * np.log(projection)) - projection.sum())

    def gradient(x):
        return -(a.T @ (y / (a @ x)) - a.sum(axis=0))

    reference = optimize.minimize(negative, np.ones(3), jac=gradient, method="L-BFGS-B",
                                  bounds=[(1e-12, None)] * 3,
                                  options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 10_000})
    assert reference.x[0] < 1e-9  # the maximum lies on the boundary: pixel 0 is empty
    result = tomography.mlem(a, y, n_iter=2000)
    np.testing.assert_allclose(result.images[-1], reference.x, atol=1e-8)
    best = tomography.poisson_log_likelihood(a, y, reference.x)
    assert result.log_likelihoods[-1] >= best - 1e-8


def test_noise_grows_with_iterations(problem):
    # Early stopping: the error against the truth falls, then rises again.
    size, phantom, system, counts = problem
    result = tomography.mlem(system, counts, n_iter=300)
    error = np.sqrt(np.mean((result.images - 40 * phantom.ravel()) ** 2, axis=1))
    best = int(np.argmin(error))
    assert 0 < best < 300
    assert error[-1] > error[best] * 1.1
    assert result.log_likelihoods[-1] > result.log_likelihoods[best]


def test_zero_counts_and_zero_pixels_stay_finite():
    a = np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]])
    result = tomography.mlem(a, [0, 0], n_iter=5)
    assert np.all(np.isfinite(result.images)) and np.all(np.isfinite(result.log_likelihoods))
    np.testing.assert_array_equal(result.images[-1], 0.0)
    assert result.log_likelihoods[-1] == 0.0
    # A pixel that starts at zero stays there; a pixel no bin sees keeps its value.
    blind = np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 0.0]])
    result = tomography.mlem(blind, [4, 2], n_iter=5, init=[0.0, 1.0, 7.0])
    assert np.all(np.isfinite(result.images))
    np.testing.assert_array_equal(result.images[:, 0], 0.0)
    np.testing.assert_array_equal(result.images[:, 2], 7.0)


def test_sparse_and_dense_agree(problem):
    _, _, system, counts = problem
    dense = tomography.mlem(system.toarray(), counts, n_iter=5)
    fromsparse = tomography.mlem(sparse.csr_matrix(system), counts, n_iter=5)
    np.testing.assert_allclose(dense.images, fromsparse.images, rtol=1e-12)
    assert dense.n_iter == 5


# ---------------------------------------------------------------------------
# Phantom, projections, counts
# ---------------------------------------------------------------------------

def test_phantom_values():
    phantom = tomography.shepp_logan(64)
    assert phantom.shape == (64, 64) and phantom.min() == 0.0 and phantom.max() == 1.0
    centre = 1.0 / 64  # pixel (32, 32) has its centre at x = 1/64, y = -1/64
    assert -1 + 32.5 * 2 / 64 == pytest.approx(centre)
    assert phantom[32, 32] == pytest.approx(0.2)  # brain
    assert phantom[0, 0] == 0.0  # outside the head
    assert phantom[32, 2] == 0.0  # x = -0.92: beyond the skull's half-width 0.69
    assert phantom[32, 10] == pytest.approx(1.0)  # x = -0.67: in the skull ring
    assert phantom[21, 32] == pytest.approx(0.3)  # y = 0.33: the feature at (0, 0.35)
    assert set(np.round(np.unique(phantom), 6)) <= {0.0, 0.1, 0.2, 0.3, 0.4, 1.0}


def test_projection_matrix_layout_and_column_sums():
    size, n_angles = 8, 6
    system = tomography.projection_matrix(size, n_angles=n_angles)
    assert system.shape == (n_angles * size, size * size)
    dense = system.toarray()
    assert np.all(dense >= 0)
    # Each pixel deposits its area over the bin width per angle, when all of
    # it projects inside the detector (true for pixels within radius 1 - a pixel).
    pixel = 2.0 / size
    rows, cols = np.divmod(np.arange(size * size), size)
    x = -1 + (cols + 0.5) * pixel
    y = 1 - (rows + 0.5) * pixel
    inner = np.hypot(x, y) < 1 - pixel
    np.testing.assert_allclose(dense.sum(axis=0)[inner], n_angles * pixel**2 / pixel)
    # At angle 0 the bins are the image's columns: pixel (r, c) lies in bin c.
    first = dense[:size]
    np.testing.assert_array_equal(np.argmax(first, axis=0), cols)
    # At angle pi/2 (t = y) bin b holds image row size - 1 - b.
    quarter = tomography.projection_matrix(size, n_angles=2).toarray()[size:]
    np.testing.assert_array_equal(np.argmax(quarter, axis=0), size - 1 - rows)


def test_projection_of_a_disc_is_its_chord_length():
    size = 64
    pixel = 2.0 / size
    centres = -1 + (np.arange(size) + 0.5) * pixel
    radius = 0.6
    disc = (centres[None, :] ** 2 + centres[::-1, None] ** 2 <= radius**2).astype(float)
    system = tomography.projection_matrix(size, n_angles=4, n_bins=32)
    sinogram = (system @ disc.ravel()).reshape(4, 32)
    t = -1 + (np.arange(32) + 0.5) * (2.0 / 32)
    chord = 2 * np.sqrt(np.clip(radius**2 - t**2, 0, None))
    for row in sinogram:  # up to the disc's pixelation
        np.testing.assert_allclose(row, chord, atol=0.03)
        # Every angle sees the whole disc: its area over the bin width.
        assert row.sum() == pytest.approx(disc.sum() * pixel**2 / (2.0 / 32), rel=1e-12)


@pytest.mark.parametrize("angle_index", [0, 1, 2, 5])
def test_strip_areas_against_fine_sampling(angle_index):
    # Pixel (1, 2) of a 4-by-4 image, 12 angles, 5 bins: the area of the
    # pixel inside each strip, estimated from a 600-by-600 grid of points.
    size, n_angles, n_bins = 4, 12, 5
    system = tomography.projection_matrix(size, n_angles=n_angles, n_bins=n_bins).toarray()
    pixel = 2.0 / size
    offsets = (np.arange(600) + 0.5) / 600 * pixel
    px = -1 + 2 * pixel + offsets[None, :]
    py = 1 - 2 * pixel + offsets[:, None]  # row 1 spans y in [1 - 2 pixel, 1 - pixel]
    angle = np.pi * angle_index / n_angles
    t = px * np.cos(angle) + py * np.sin(angle)
    bins = np.floor((t + 1) / (2.0 / n_bins)).astype(int)
    area = np.array([np.mean(bins == b) for b in range(n_bins)]) * pixel**2
    column = system[angle_index * n_bins:(angle_index + 1) * n_bins, 1 * size + 2]
    np.testing.assert_allclose(column * (2.0 / n_bins), area, atol=2e-4)


def test_simulate_counts_has_poisson_means():
    system = sparse.csr_array(np.array([[1.0, 0.0], [0.5, 0.5]]))
    counts = np.array([tomography.simulate_counts(system, [30.0, 10.0], seed=s)
                       for s in range(400)])
    assert counts.dtype.kind == "i"
    np.testing.assert_allclose(counts.mean(axis=0), [30.0, 20.0], rtol=0.05)
    np.testing.assert_array_equal(tomography.simulate_counts(system, [30.0, 10.0], seed=3),
                                  tomography.simulate_counts(system, [30.0, 10.0], seed=3))
    square = tomography.simulate_counts(np.eye(4), np.ones((2, 2)), seed=0)
    assert square.shape == (4,)


# ---------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("matrix, counts, kwargs, message", [
    ([[1.0, -0.5]], [1.0], {}, "system_matrix to be >= 0"),
    ([[1.0, 0.5]], [-1.0], {}, "counts to be >= 0"),
    ([[1.0, 0.5]], [1.0, 2.0], {}, r"counts of shape \(1,\), one per row"),
    ([1.0, 0.5], [1.0], {}, r"system_matrix of shape \(n_bins, n_pixels\)"),
    ([[1.0, np.inf]], [1.0], {}, "finite"),
    ([[1.0, 0.5]], [np.nan], {}, "finite"),
    ([[1.0, 0.5]], [1.0], dict(init=[1.0]), r"init of shape \(2,\), one per column"),
    ([[1.0, 0.5]], [1.0], dict(init=[-1.0, 1.0]), "init to be >= 0"),
    ([[1.0, 0.5]], [1.0], dict(n_iter=-1), "n_iter to be an integer >= 0"),
    ([[1.0, 0.0], [0.0, 0.0]], [1.0, 2.0], {}, "bin 1 has counts=2"),
    ([[1.0, 0.0], [0.0, 1.0]], [1.0, 2.0], dict(init=[1.0, 0.0]), "init projects nothing"),
])
def test_mlem_rejects_bad_input(matrix, counts, kwargs, message):
    with pytest.raises(ValueError, match=message):
        tomography.mlem(matrix, counts, **kwargs)


def test_sparse_matrix_entries_are_checked():
    with pytest.raises(ValueError, match="system_matrix to be >= 0"):
        tomography.mlem(sparse.csr_array(np.array([[1.0, -1.0]])), [1.0])
    with pytest.raises(ValueError, match="finite"):
        tomography.mlem(sparse.csr_array(np.array([[1.0, np.nan]])), [1.0])


def test_other_functions_check_their_arguments():
    with pytest.raises(TypeError, match="real numbers"):
        tomography.mlem([["a"]], [1.0])
    with pytest.raises(ValueError, match="size to be an integer >= 1"):
        tomography.shepp_logan(0)
    with pytest.raises(ValueError, match="n_angles"):
        tomography.projection_matrix(8, n_angles=0)
    with pytest.raises(ValueError, match=r"image of shape \(2,\)"):
        tomography.simulate_counts(np.eye(2), [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="image projects nothing"):
        tomography.mlem_step(np.eye(2), [1.0, 1.0], [1.0, 0.0])
    assert tomography.poisson_log_likelihood(np.eye(2), [1.0, 1.0], [1.0, 0.0]) == -np.inf
