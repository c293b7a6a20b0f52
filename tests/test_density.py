"""Tests for emteach.density."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import optimize, stats

from emteach import density
from emteach.data import two_processes


# ---------------------------------------------------------------------------
# Gaussian density
# ---------------------------------------------------------------------------

class TestGaussianDensity:
    def test_logpdf_matches_scipy(self):
        x = np.linspace(-30, 30, 61)
        np.testing.assert_allclose(
            density.logpdf(x, 2.0, 3.0), stats.norm.logpdf(x, 2.0, 3.0), rtol=1e-13
        )

    def test_pdf_matches_scipy_with_broadcasting(self):
        x = np.linspace(-3, 3, 7)[:, np.newaxis]
        means = np.array([0.0, 1.0])
        sds = np.array([0.5, 2.0])
        result = density.pdf(x, means, sds)
        assert result.shape == (7, 2)
        np.testing.assert_allclose(result, stats.norm.pdf(x, means, sds), rtol=1e-13)

    def test_scalar_in_scalar_out(self):
        assert np.ndim(density.logpdf(0.0)) == 0
        assert density.logpdf(0.0) == pytest.approx(-0.5 * np.log(2 * np.pi))

    def test_far_tail_stays_finite_in_log_space(self):
        assert density.pdf(1e3) == 0.0
        assert density.logpdf(1e3) == pytest.approx(-0.5e6 - 0.5 * np.log(2 * np.pi))

    @pytest.mark.parametrize("sd", [0.0, -1.0, [1.0, 0.0]])
    def test_non_positive_sd(self, sd):
        with pytest.raises(ValueError, match="Expected sd > 0"):
            density.logpdf([0.0, 1.0], 0.0, sd)

    def test_nan_x(self):
        with pytest.raises(ValueError, match="Expected x to hold finite numbers, got 1 NaN"):
            density.pdf([0.0, np.nan])

    def test_string_x(self):
        with pytest.raises(TypeError, match="Expected x to hold real numbers"):
            density.pdf("abc")


# ---------------------------------------------------------------------------
# Bin rules and histograms
# ---------------------------------------------------------------------------

def _samples():
    rng = np.random.default_rng(0)
    yield rng.normal(size=2000)
    yield rng.normal(size=37) * 50 + 1000
    yield rng.exponential(size=500)
    yield np.concatenate([rng.normal(20, 5, 400), rng.normal(40, 5, 800)])
    yield rng.integers(0, 5, size=100).astype(float)
    yield rng.standard_t(2, size=300)


class TestBinRules:
    @pytest.mark.parametrize("rule", ["sturges", "scott", "fd"])
    def test_edges_match_numpy(self, rule):
        for x in _samples():
            expected = np.histogram_bin_edges(x, bins=rule)
            got = density.bin_edges(x, rule)
            assert got.shape == expected.shape
            np.testing.assert_allclose(got, expected, rtol=1e-14)
            assert getattr(density, rule)(x) == expected.size - 1

    def test_sturges_formula(self):
        x = np.random.default_rng(1).normal(size=2000)
        assert density.sturges(x) == int(np.ceil(np.log2(2000) + 1)) == 12

    @pytest.mark.parametrize("power", [1, 2, 5, 10, 12, 14])
    def test_sturges_at_powers_of_two(self, power):
        # ceil(log2 n) is exact in integers: (n - 1).bit_length(). At n = 2**k the rule gives k + 1 bins,
        # for every sample: a count computed through a width could round up to k + 2.
        n = 2**power
        expected = (n - 1).bit_length() + 1
        assert expected == power + 1
        for seed in range(20):
            x = np.random.default_rng(seed).normal(size=n)
            assert density.sturges(x) == expected
            assert density.bin_edges(x, "sturges").size == expected + 1
        # One more point needs one more bin.
        assert density.sturges(np.random.default_rng(0).normal(size=n + 1)) == n.bit_length() + 1

    def test_integer_bins(self):
        x = np.random.default_rng(2).normal(size=100)
        edges = density.bin_edges(x, 7)
        np.testing.assert_allclose(edges, np.histogram_bin_edges(x, 7))

    @pytest.mark.parametrize("rule", ["sturges", "scott", "fd"])
    @pytest.mark.parametrize(
        "x",
        [np.full(10, 3.0), np.array([2.5]), np.array([0, 0, 0, 0, 0, 0, 0, 1.0])],
        ids=["all-equal", "single", "zero-iqr"],
    )
    def test_degenerate_data_gives_one_finite_bin_or_more(self, rule, x):
        n_bins = getattr(density, rule)(x)
        assert isinstance(n_bins, int) and n_bins >= 1
        heights, edges = density.histogram(x, rule)
        assert np.all(np.isfinite(heights)) and np.all(np.isfinite(edges))
        assert np.sum(heights * np.diff(edges)) == pytest.approx(1.0)
        np.testing.assert_allclose(edges, np.histogram_bin_edges(x, rule))

    def test_all_equal_edges_span_one_unit(self):
        np.testing.assert_array_equal(density.bin_edges([4.0, 4.0], "fd"), [3.5, 4.5])

    @pytest.mark.parametrize(
        "bins, error, message",
        [
            ("auto", ValueError, r"one of \['fd', 'scott', 'sturges'\], got 'auto'"),
            (0, ValueError, r"Expected bins to be an integer >= 1, got bins=0"),
            (2.5, ValueError, r"Expected bins to be an integer >= 1, got 2.5"),
        ],
    )
    def test_bad_bins(self, bins, error, message):
        with pytest.raises(error, match=message):
            density.bin_edges([1.0, 2.0], bins)

    def test_empty_and_2d(self):
        with pytest.raises(ValueError, match="Expected x to hold at least one value"):
            density.sturges([])
        with pytest.raises(ValueError, match=r"one-dimensional, got an array of shape \(2, 2\)"):
            density.scott(np.ones((2, 2)))


class TestHistogram:
    @pytest.mark.parametrize("bins", [5, 50, "sturges", "scott", "fd"])
    def test_matches_numpy(self, bins):
        x = np.random.default_rng(3).normal(size=2000)
        for density_flag in (True, False):
            heights, edges = density.histogram(x, bins, density=density_flag)
            expected, expected_edges = np.histogram(x, bins=bins, density=density_flag)
            np.testing.assert_allclose(edges, expected_edges, rtol=1e-14)
            np.testing.assert_allclose(heights, expected, rtol=1e-12)

    def test_counts_are_integers_summing_to_n(self):
        x = np.random.default_rng(4).normal(size=333)
        counts, _ = density.histogram(x, 13, density=False)
        assert counts.dtype.kind == "i" and counts.sum() == 333

    def test_outlier_beside_a_tight_cluster_is_capped(self):
        # The bulk is 1e-4 wide, the range 2e6: Freedman-Diaconis wants ~1e11 bins.
        x = np.concatenate([np.linspace(0.0, 1e-4, 50), [2e6]])
        assert density.fd(x) == density.MAX_RULE_BINS
        heights, edges = density.histogram(x, "fd")
        assert edges.size == density.MAX_RULE_BINS + 1

    def test_right_edge_belongs_to_last_bin(self):
        counts, edges = density.histogram([0.0, 1.0, 2.0, 2.0], 2, density=False)
        np.testing.assert_array_equal(counts, [1, 3])
        np.testing.assert_array_equal(edges, [0.0, 1.0, 2.0])

    @settings(max_examples=40, deadline=None)
    @given(
        arrays(np.float64, st.integers(1, 60),
               elements=st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)),
        st.sampled_from([1, 3, 10, "sturges", "scott", "fd"]),
    )
    def test_density_integrates_to_one(self, x, bins):
        heights, edges = density.histogram(x, bins)
        assert np.all(np.isfinite(heights))
        assert np.sum(heights * np.diff(edges)) == pytest.approx(1.0, rel=1e-9)


# ---------------------------------------------------------------------------
# Kernel density estimate
# ---------------------------------------------------------------------------

class TestKde:
    @pytest.mark.parametrize("rule", ["scott", "silverman"])
    def test_matches_scipy(self, rule):
        x = np.random.default_rng(5).normal(size=500)
        grid = np.linspace(-5, 5, 201)
        expected = stats.gaussian_kde(x, bw_method=rule)(grid)
        np.testing.assert_allclose(density.kde(x, grid, rule), expected, rtol=1e-10, atol=1e-15)

    def test_number_is_the_kernel_sd(self):
        x = np.random.default_rng(6).normal(size=100)
        grid = np.linspace(-4, 4, 50)
        h = 0.3
        expected = stats.gaussian_kde(x, bw_method=h / x.std(ddof=1))(grid)
        np.testing.assert_allclose(density.kde(x, grid, h), expected, rtol=1e-10)
        naive = np.mean(stats.norm.pdf(grid[:, None], x[None, :], h), axis=1)
        np.testing.assert_allclose(density.kde(x, grid, h), naive, rtol=1e-12)

    def test_blocks_give_the_same_answer(self, monkeypatch):
        x = np.random.default_rng(7).normal(size=1000)
        grid = np.linspace(-3, 3, 64)
        whole = density.kde(x, grid)
        monkeypatch.setattr(density, "_KDE_BLOCK", 200)  # 3 points per block
        np.testing.assert_allclose(density.kde(x, grid), whole, rtol=1e-13)

    def test_grid_shape_is_kept(self):
        x = np.random.default_rng(8).normal(size=50)
        assert density.kde(x, np.zeros((3, 4))).shape == (3, 4)
        assert np.ndim(density.kde(x, 0.0)) == 0

    def test_integrates_to_one(self):
        x = np.random.default_rng(9).normal(size=300)
        grid = np.linspace(-10, 10, 4001)
        assert np.trapezoid(density.kde(x, grid), grid) == pytest.approx(1.0, abs=1e-6)

    def test_bad_bandwidths(self):
        with pytest.raises(ValueError, match="Expected bandwidth > 0, got bandwidth=0.0"):
            density.kde([1.0, 2.0], [0.0], 0.0)
        with pytest.raises(ValueError, match="got 'auto'"):
            density.kde([1.0, 2.0], [0.0], "auto")
        with pytest.raises(ValueError, match="all values are equal; pass a number"):
            density.kde([1.0, 1.0], [0.0])
        with pytest.raises(ValueError, match="Expected at least 2 points"):
            density.kde([1.0], [0.0])
        # A number works on degenerate data.
        assert density.kde([1.0, 1.0], [1.0], 1.0) == pytest.approx(stats.norm.pdf(0.0))


# ---------------------------------------------------------------------------
# Gaussian likelihood
# ---------------------------------------------------------------------------

class TestGaussianLikelihood:
    def test_mle_matches_numpy_and_is_biased(self):
        x = np.random.default_rng(10).normal(3.0, 2.0, size=50)
        mean, sd = density.gaussian_mle(x)
        assert mean == pytest.approx(np.mean(x))
        assert sd == pytest.approx(np.std(x, ddof=0))
        assert sd < np.std(x, ddof=1)

    def test_mle_maximises_against_numerical_optimiser(self):
        x = np.random.default_rng(11).normal(-1.0, 0.5, size=200)
        mean, sd = density.gaussian_mle(x)

        def negative(theta):
            return -density.log_likelihood(x, theta[0], np.exp(theta[1]))

        result = optimize.minimize(negative, x0=[0.0, 0.0], method="Nelder-Mead",
                                   options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 4000})
        assert result.x[0] == pytest.approx(mean, abs=1e-6)
        assert np.exp(result.x[1]) == pytest.approx(sd, rel=1e-6)
        assert density.log_likelihood(x, mean, sd) >= -result.fun - 1e-9

    def test_log_likelihood_matches_scipy(self):
        x = np.random.default_rng(12).normal(size=40)
        assert density.log_likelihood(x, 0.3, 1.7) == pytest.approx(
            np.sum(stats.norm.logpdf(x, 0.3, 1.7)), rel=1e-13
        )

    def test_grid_matches_direct_sum(self):
        x = np.random.default_rng(13).normal(20.0, 5.0, size=300)
        means = np.linspace(10, 30, 9)
        sds = np.linspace(1, 10, 7)
        grid = density.log_likelihood_grid(x, means, sds)
        assert grid.shape == (9, 7)
        direct = np.array([[np.sum(stats.norm.logpdf(x, m, s)) for s in sds] for m in means])
        np.testing.assert_allclose(grid, direct, rtol=1e-12)

    def test_grid_maximum_at_the_mle(self):
        x = np.random.default_rng(14).normal(5.0, 2.0, size=100)
        mean, sd = density.gaussian_mle(x)
        means = mean + np.linspace(-1, 1, 21)
        sds = sd * np.linspace(0.5, 1.5, 21)
        grid = density.log_likelihood_grid(x, means, sds)
        assert np.unravel_index(np.argmax(grid), grid.shape) == (10, 10)

    def test_errors(self):
        with pytest.raises(ValueError, match="Expected sd > 0, got sd=0.0"):
            density.log_likelihood([1.0], 0.0, 0.0)
        with pytest.raises(ValueError, match="Expected every entry of sds to be > 0"):
            density.log_likelihood_grid([1.0], [0.0], [1.0, -1.0])
        with pytest.raises(ValueError, match="Expected x to hold at least one value"):
            density.gaussian_mle([])


# ---------------------------------------------------------------------------
# Bernoulli likelihood
# ---------------------------------------------------------------------------

class TestBernoulli:
    def test_mle(self):
        assert density.bernoulli_mle(24, 30) == pytest.approx(0.8)
        assert density.bernoulli_mle([5, 4], [10, 10]) == pytest.approx(0.45)

    def test_log_likelihood_matches_scipy_binomial_minus_coefficient(self):
        theta = np.linspace(0.05, 0.95, 19)
        expected = stats.binom.logpmf(7, 10, theta) - np.log(120.0)  # C(10, 7) = 120
        np.testing.assert_allclose(density.bernoulli_log_likelihood(theta, 7, 10), expected,
                                   rtol=1e-12)

    def test_mle_maximises_against_numerical_optimiser(self):
        heads, tosses = [5, 9, 8, 4, 7], 10
        result = optimize.minimize_scalar(
            lambda t: -density.bernoulli_log_likelihood(t, heads, tosses),
            bounds=(1e-6, 1 - 1e-6), method="bounded", options={"xatol": 1e-10},
        )
        assert result.x == pytest.approx(density.bernoulli_mle(heads, tosses), abs=1e-6)

    def test_boundary_thetas(self):
        assert density.bernoulli_log_likelihood(0.0, 0, 10) == 0.0
        assert density.bernoulli_log_likelihood(1.0, 10, 10) == 0.0
        assert density.bernoulli_log_likelihood(0.0, 3, 10) == -np.inf
        assert isinstance(density.bernoulli_log_likelihood(0.5, 3, 10), float)

    def test_errors(self):
        with pytest.raises(ValueError, match=r"Expected every theta in \[0, 1\], got theta=1.5"):
            density.bernoulli_log_likelihood(1.5, 3, 10)
        with pytest.raises(ValueError, match=r"Expected 0 <= successes <= trials"):
            density.bernoulli_mle(11, 10)
        with pytest.raises(ValueError, match="Expected trials to be whole numbers >= 1"):
            density.bernoulli_mle(0, 0)
        with pytest.raises(ValueError, match="whole numbers"):
            density.bernoulli_mle(2.5, 10)
        with pytest.raises(ValueError, match="matching shapes"):
            density.bernoulli_mle([1, 2], [3, 4, 5])


class TestStackedHistogram:
    def test_rows_add_up_to_the_density_histogram(self):
        x, z = two_processes(n=(300, 600), seed=3)
        shares, edges = density.stacked_histogram(x, z, 40)
        heights, same_edges = density.histogram(x, 40)
        np.testing.assert_allclose(shares.sum(axis=0), heights)
        np.testing.assert_array_equal(edges, same_edges)
        # each group's area is its share of the points
        np.testing.assert_allclose(shares @ np.diff(edges), [1 / 3, 2 / 3])

    def test_bad_labels(self):
        with pytest.raises(ValueError, match=r"Expected labels of shape \(3,\) like x, got shape \(2,\)"):
            density.stacked_histogram([1.0, 2.0, 3.0], [0, 1])
        with pytest.raises(ValueError, match="non-negative integers"):
            density.stacked_histogram([1.0, 2.0], [0.5, 1.0])


# ---------------------------------------------------------------------------
# Small samples, where the rules' choices of standard deviation show
# ---------------------------------------------------------------------------


def _samples_where_the_sd_divisor_matters(rule_constant, n, count=5):
    """Samples of size n whose bin count differs between the sd divided by n and by n - 1.

    The count is computed here from the rule's formula, independently of
    emteach: ceil(range / (constant * sd * n^(-1/3))).
    """
    rng = np.random.default_rng(99)
    found = []
    while len(found) < count:
        x = rng.normal(size=n)
        spread = np.ptp(x)
        by_n = math.ceil(spread / (rule_constant * np.std(x, ddof=0) * n ** (-1 / 3)))
        by_n1 = math.ceil(spread / (rule_constant * np.std(x, ddof=1) * n ** (-1 / 3)))
        if by_n != by_n1:
            found.append((x, by_n, by_n1))
    return found


@pytest.mark.parametrize("n", [3, 5, 8])
def test_scott_divides_the_sd_by_n_on_small_samples(n):
    constant = (24.0 * math.sqrt(math.pi)) ** (1.0 / 3.0)  # 3.49
    for x, by_n, by_n1 in _samples_where_the_sd_divisor_matters(constant, n):
        assert density.scott(x) == by_n != by_n1
        assert density.scott(x) == np.histogram_bin_edges(x, "scott").size - 1


# ---------------------------------------------------------------------------
# Every bad argument is named in its error, and the defaults are the standard normal
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: density.logpdf(np.nan), r"Expected x to hold finite numbers"),
        (lambda: density.logpdf(0.0, np.nan, 1.0), r"Expected mean to hold finite numbers"),
        (lambda: density.logpdf(0.0, 0.0, np.nan), r"Expected sd to hold finite numbers"),
        (lambda: density.pdf(0.0, np.inf, 1.0), r"Expected mean to hold finite numbers"),
        (lambda: density.pdf(0.0, 0.0, -1.0), r"Expected sd > 0, got sd=-1.0"),
        (lambda: density.kde([1.0, 2.0], np.nan, 1.0), r"Expected grid to hold finite numbers"),
        (lambda: density.kde([1.0, np.nan], 0.0, 1.0), r"Expected x to hold finite numbers"),
        (lambda: density.kde([1.0, 2.0], 0.0, "wide"),
         r"^Expected bandwidth to be a positive number, 'scott' or 'silverman', got 'wide'$"),
        (lambda: density.kde([1.0, 2.0], 0.0, -1.0), r"Expected bandwidth > 0, got bandwidth=-1.0"),
        (lambda: density.kde([1.0, 2.0], 0.0, 0.0), r"Expected bandwidth > 0, got bandwidth=0.0"),
        (lambda: density.log_likelihood([1.0, 2.0], np.nan, 1.0), r"Expected mean to be a finite number, got mean=nan"),
        (lambda: density.log_likelihood([1.0, 2.0], 0.0, 0.0), r"Expected sd > 0, got sd=0.0"),
        (lambda: density.log_likelihood_grid([1.0, 2.0], [np.nan], [1.0]), r"Expected means to hold finite"),
        (lambda: density.log_likelihood_grid([1.0, 2.0], [0.0], [np.nan]), r"Expected sds to hold finite"),
        (lambda: density.bernoulli_log_likelihood(0.5, [np.nan], [3]), r"Expected successes to hold finite"),
        (lambda: density.bernoulli_log_likelihood(0.5, [1], [np.nan]), r"Expected trials to hold finite"),
        (lambda: density.bernoulli_log_likelihood(0.5, [4], [3]), r"Expected 0 <= successes <= trials"),
        (lambda: density.bernoulli_log_likelihood(0.5, [1.5], [3]), r"Expected successes to be whole numbers"),
        (lambda: density.stacked_histogram([1.0, 2.0], [0, -1]),
         r"^Expected labels to be non-negative integers \(the group of each point\)$"),
    ],
)
def test_errors_name_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_defaults_are_the_standard_normal():
    assert density.pdf(0.0) == pytest.approx(1.0 / math.sqrt(2.0 * math.pi), rel=1e-15)
    assert density.logpdf(1.0) == pytest.approx(-0.5 - 0.5 * math.log(2.0 * math.pi), rel=1e-15)
    assert isinstance(density.pdf(0.0), float)
    assert isinstance(density.logpdf(0.0), float)
    assert density.pdf(np.zeros(3)).shape == (3,)


def test_default_bins_rule_is_sturges():
    x = np.random.default_rng(7).normal(size=100)  # Sturges: ceil(log2 100) + 1 = 8
    assert density.bin_edges(x).size - 1 == math.ceil(math.log2(100)) + 1
    heights, edges = density.histogram(x)
    assert edges.size - 1 == 8
    assert np.sum(heights * np.diff(edges)) == pytest.approx(1.0)  # density by default


# --- Bin origin, sample shapes and crossing points (the histogram and overlap experiments) ---


def test_bin_origin_shifts_the_edges_by_a_fraction_of_the_width():
    x = np.array([0.0, 1.0, 4.0, 10.0])
    np.testing.assert_allclose(density.bin_edges(x, 5, origin=0.25), [-0.5, 1.5, 3.5, 5.5, 7.5, 9.5, 11.5])
    counts, edges = density.histogram(x, 5, density=False, origin=0.25)
    np.testing.assert_array_equal(counts, np.histogram(x, bins=edges)[0])
    heights, _ = density.histogram(x, 5, origin=0.25)
    assert np.sum(heights * np.diff(edges)) == pytest.approx(1.0)
    np.testing.assert_array_equal(density.bin_edges(x, 5, origin=0.0), np.linspace(0.0, 10.0, 6))
    with pytest.raises(ValueError, match=r"Expected origin in \[0, 1\)"):
        density.bin_edges(x, 5, origin=1.0)
    with pytest.raises(ValueError, match="origin"):
        density.bin_edges(x, 5, origin=-0.1)


@pytest.mark.parametrize("shape", sorted(density.SAMPLE_SHAPES))
def test_sample_shape_follows_its_density(shape):
    x = density.sample_shape(shape, 20000, seed=1)
    assert x.shape == (20000,)
    np.testing.assert_array_equal(x, density.sample_shape(shape, 20000, seed=1))
    # Kolmogorov-Smirnov against the CDF obtained by integrating shape_pdf on a fine grid.
    grid = np.linspace(-40.0, 60.0, 400001)
    cdf = np.cumsum(density.shape_pdf(shape, grid)) * (grid[1] - grid[0])
    assert cdf[-1] == pytest.approx(1.0, abs=1e-4)
    statistic = np.max(np.abs(np.searchsorted(np.sort(x), grid, side="right") / x.size - cdf))
    assert statistic < 0.015


def test_shape_pdf_matches_scipy():
    from scipy import stats

    grid = np.linspace(-3.0, 5.0, 17)
    np.testing.assert_allclose(density.shape_pdf("skewed", grid),
                               stats.lognorm(s=0.5, loc=-2.0, scale=2.0).pdf(grid), atol=1e-12)
    np.testing.assert_allclose(density.shape_pdf("two processes", grid),
                               stats.norm.pdf(grid, -1.5, 0.75) / 3 + 2 * stats.norm.pdf(grid, 1.5, 0.75) / 3)
    with pytest.raises(ValueError, match="Expected a shape among"):
        density.sample_shape("uniform", 10)


def test_crossing_points_are_where_the_weighted_densities_meet():
    from scipy import stats
    from scipy.optimize import brentq

    # Equal sds: one crossing, 30 - (25 / 20) log 2 for weights 1/3 and 2/3 (hand formula).
    np.testing.assert_allclose(density.crossing_points([1 / 3, 2 / 3], [20, 40], [5, 5]),
                               [30 - 1.25 * math.log(2)])
    # Unequal sds: two crossings, found by bisection on SciPy's densities.
    def gap(t):
        return 0.4 * stats.norm.pdf(t, 20, 5) - 0.6 * stats.norm.pdf(t, 40, 12)

    expected = [brentq(gap, -20, 20), brentq(gap, 20, 39)]
    np.testing.assert_allclose(density.crossing_points([0.4, 0.6], [20, 40], [5, 12]), expected, rtol=1e-10)
    # A light narrow component below a heavy wide one everywhere: no crossing.
    assert density.crossing_points([0.001, 0.999], [0, 0.1], [1, 1.01]).size == 0
    assert density.crossing_points([0.5, 0.5], [0, 0], [1, 1]).size == 0
    with pytest.raises(ValueError, match="weights > 0"):
        density.crossing_points([0, 1], [0, 1], [1, 1])


def test_kde_bandwidth_is_scotts_rule_or_the_number_given():
    x = np.array([0.0, 1.0, 3.0])
    assert density.kde_bandwidth(x) == pytest.approx(np.std(x, ddof=1) * 3 ** (-1 / 5))
    assert density.kde_bandwidth(x, 0.3) == 0.3


# --- Edge cases of the rules, the bin origin, kde blocks and named errors (found by `make mutate`) ---


def test_scott_gives_one_bin_when_the_width_exceeds_the_range():
    # n = 2, sd 0.5: width 3.49 * 0.5 * 2^(-1/3) = 1.39 > range 1
    assert density.scott([0.0, 1.0]) == 1 == np.histogram_bin_edges([0.0, 1.0], "scott").size - 1


def test_bin_origin_on_data_that_does_not_start_at_zero():
    # range 2..12 in 5 bins: width 2; origin 0.5 moves the grid left by 1 and adds a bin
    x = np.array([2.0, 4.0, 12.0])
    expected = [1.0, 3.0, 5.0, 7.0, 9.0, 11.0, 13.0]
    np.testing.assert_allclose(density.bin_edges(x, 5, origin=0.5), expected)
    counts, edges = density.histogram(x, 5, density=False, origin=0.5)
    np.testing.assert_allclose(edges, expected)
    np.testing.assert_array_equal(counts, [1, 1, 0, 0, 0, 1])  # 2 in [1, 3), 4 in [3, 5), 12 in [11, 13]


def test_stacked_histogram_defaults_to_sturges():
    x, z = two_processes(n=(30, 70), seed=4)
    shares, edges = density.stacked_histogram(x, z)
    np.testing.assert_allclose(edges, np.histogram_bin_edges(x, "sturges"))
    np.testing.assert_allclose(shares.sum(axis=0), np.histogram(x, bins=edges, density=True)[0])


def test_kde_sums_over_every_block(monkeypatch):
    # Blocks of 2 samples for 2 grid points: 5 samples need 3 blocks.
    x = np.array([-1.0, 0.0, 0.5, 2.0, 3.0])
    grid = np.array([0.0, 1.0])
    monkeypatch.setattr(density, "_KDE_BLOCK", 4)
    naive = np.mean(stats.norm.pdf(grid[:, None], x[None, :], 0.7), axis=1)
    np.testing.assert_allclose(density.kde(x, grid, 0.7), naive, rtol=1e-13)


def test_tangent_and_zero_crossings():
    # 1 N(x | 0, 1) and 2 N(x | 0, 2) touch at 0 only: the wider one is above elsewhere
    np.testing.assert_allclose(density.crossing_points([1, 2], [0, 0], [1, 2]), [0.0], atol=1e-15)
    # 1 N(x | 1, 1) and 2 N(x | 2, 2) are equal at 0 and 4/3 (check: both exponents are -1/2, -1/18)
    np.testing.assert_allclose(density.crossing_points([1, 2], [1, 2], [1, 2]), [0.0, 4 / 3], atol=1e-15)
    # 1 N(x | -2, 1) and 2 N(x | -4, 2) are equal at -8/3 and 0 (both exponents -2/9, then -2)
    np.testing.assert_allclose(density.crossing_points([1, 2], [-2, -4], [1, 2]), [-8 / 3, 0.0], atol=1e-15)
    for root in (-8 / 3, 0.0):
        assert stats.norm.pdf(root, -2, 1) == pytest.approx(2 * stats.norm.pdf(root, -4, 2), rel=1e-14)


def test_bernoulli_log_likelihood_of_a_scalar_is_a_python_float():
    value = density.bernoulli_log_likelihood(0.5, 3, 10)
    assert type(value) is float and value == pytest.approx(10 * math.log(0.5))


def test_sample_shape_of_one_point():
    x = density.sample_shape("two processes", 1, seed=0)
    assert x.shape == (1,) and np.isfinite(x[0])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: density.bin_edges([1.0, 2.0], 2, origin=-0.1), r"^Expected origin >= 0.0, got origin=-0.1$"),
        (lambda: density.kde([1.0], [0.0]),
         r"^Expected at least 2 points for bandwidth='scott', got 1; pass a number as bandwidth instead$"),
        (lambda: density.log_likelihood_grid([1.0, 2.0], [0.0], [1.0, 0.0]),
         r"^Expected every entry of sds to be > 0, got sds=\[1.0, 0.0\]$"),
        (lambda: density.bernoulli_mle([1, 2], [3, 4, 5]),
         r"^Expected successes and trials of matching shapes, got shapes \(2,\) and \(3,\)$"),
        (lambda: density.bernoulli_log_likelihood([0.5, np.nan], 3, 10),
         r"^Expected theta to hold finite numbers, got 1 NaN or infinite value\(s\)$"),
        (lambda: density.sample_shape("normal", 0), r"^Expected n to be an integer >= 1, got n=0$"),
        (lambda: density.shape_pdf("normal", [0.0, np.inf]),
         r"^Expected grid to hold finite numbers, got 1 NaN or infinite value\(s\)$"),
        (lambda: density.crossing_points([np.nan, 1.0], [0.0, 1.0], [1.0, 1.0]),
         r"^Expected weights to hold finite numbers, got 1 NaN or infinite value\(s\)$"),
        (lambda: density.crossing_points([1.0, 1.0], [0.0, np.nan], [1.0, 1.0]),
         r"^Expected means to hold finite numbers, got 1 NaN or infinite value\(s\)$"),
        (lambda: density.crossing_points([1.0, 1.0], [0.0, 1.0], [np.inf, 1.0]),
         r"^Expected sds to hold finite numbers, got 1 NaN or infinite value\(s\)$"),
    ],
)
def test_errors_quote_the_argument_exactly(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("name", ["weights", "means", "sds"])
def test_crossing_points_needs_two_components(name):
    arguments = {"weights": [0.5, 0.5], "means": [0.0, 1.0], "sds": [1.0, 1.0]}
    arguments[name] = [1.0, 1.0, 1.0]
    with pytest.raises(ValueError, match=f"Expected {name} to have length 2, got length 3"):
        density.crossing_points(**arguments)
