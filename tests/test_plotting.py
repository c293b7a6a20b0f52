"""Tests of emteach.plotting."""

import numpy as np
import pytest

from emteach import plotting


# --- Chapters 0-3 ------------------------------------------------------------


@pytest.fixture
def fig_ax():
    from emteach.widgets import new_figure

    return new_figure()


def test_colors_cycle_through_the_okabe_ito_palette():
    # Blue, orange, vermillion: bluish green (PALETTE[2]) waits until the sixth colour.
    assert plotting.colors(3) == ["#0072B2", "#E69F00", "#D55E00"]
    assert sorted(plotting.colors(8)) == sorted(plotting.PALETTE)
    assert plotting.colors(10)[8] == plotting.PALETTE[0]
    with pytest.raises(ValueError, match="non-negative"):
        plotting.colors(-1)


# Machado, Oliveira & Fernandes (2009), severity 1.0, applied to linear RGB.
_DICHROMACY = {
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                   [0.004733, 0.691367, 0.303900]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                     [-0.011820, 0.042940, 0.968881]],
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                   [-0.003882, -0.048116, 1.051998]],
}


def _lab(hex_color, matrix=None):
    """CIELAB (D65) of a colour as seen through a dichromacy matrix."""
    srgb = np.array([int(hex_color[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    if matrix is not None:
        linear = np.clip(np.asarray(matrix) @ linear, 0.0, 1.0)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear
    xyz = xyz / np.array([0.9505, 1.0, 1.089])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


@pytest.mark.parametrize("vision", sorted(_DICHROMACY))
def test_first_five_colours_stay_apart_under_each_dichromacy(vision):
    # Chapter 5 draws up to five components; any two of them must differ by a clearly
    # visible CIELAB distance (Delta E > 15) as a dichromat sees them.
    first = plotting.colors(5)
    seen = [_lab(c, _DICHROMACY[vision]) for c in first]
    for i in range(5):
        for j in range(i + 1, 5):
            assert np.linalg.norm(seen[i] - seen[j]) > 15, (vision, first[i], first[j])


def test_components_0_and_2_no_longer_both_turn_teal_under_tritanopia():
    blue, third = (_lab(c, _DICHROMACY["tritanopia"]) for c in plotting.colors(3)[::2])
    assert np.linalg.norm(blue - third) > 50
    # The old third colour, bluish green, was within 20 of blue.
    assert np.linalg.norm(blue - _lab(plotting.PALETTE[2], _DICHROMACY["tritanopia"])) < 20


def test_histogram_draws_the_given_heights_on_the_given_axes(fig_ax):
    _, ax = fig_ax
    heights, edges = np.array([0.1, 0.5, 0.4]), np.array([0.0, 1.0, 2.0, 3.0])
    assert plotting.histogram(heights, edges, ax=ax, label="data", title="t") is ax
    fill = ax.patches[0]
    np.testing.assert_allclose(fill.get_data().values, heights)
    np.testing.assert_allclose(fill.get_data().edges, edges)
    assert ax.get_title() == "t" and ax.get_ylabel() == "density"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["data"]


def test_histogram_rejects_edges_that_do_not_match(fig_ax):
    with pytest.raises(ValueError, match=r"edges of shape \(n_bins \+ 1,\).*\(3,\) and \(3,\)"):
        plotting.histogram([1, 2, 3], [0, 1, 2], ax=fig_ax[1])


def test_histogram_without_axes_makes_a_figure():
    import matplotlib.pyplot as plt

    ax = plotting.histogram([1.0], [0.0, 1.0])
    try:
        assert ax.figure is plt.gcf() and ax.figure.axes == [ax]
        np.testing.assert_allclose(ax.patches[0].get_data().values, [1.0])
    finally:
        plt.close(ax.figure)


def test_stacked_histogram_stacks_groups_to_the_total(fig_ax):
    _, ax = fig_ax
    heights = np.array([[1.0, 2.0], [3.0, 0.5]])
    plotting.stacked_histogram(heights, [0.0, 1.0, 2.0], labels=["a", "b"], ax=ax)
    first, second, outline = ax.patches
    np.testing.assert_allclose(second.get_data().baseline, heights[0])
    np.testing.assert_allclose(second.get_data().values, heights.sum(axis=0))
    np.testing.assert_allclose(outline.get_data().values, heights.sum(axis=0))
    assert first.get_facecolor()[:3] != second.get_facecolor()[:3]
    with pytest.raises(ValueError, match="Expected 2 labels"):
        plotting.stacked_histogram(heights, [0.0, 1.0, 2.0], labels=["a"], ax=ax)
    with pytest.raises(ValueError, match=r"edges of shape \(3,\)"):
        plotting.stacked_histogram(heights, [0.0, 1.0], ax=ax)


def test_curve_plots_x_against_y_in_the_first_palette_colour(fig_ax):
    _, ax = fig_ax
    x, y = np.linspace(0, 1, 5), np.linspace(2, 3, 5)
    plotting.curve(x, y, ax=ax, label="c", xlabel="x", ylabel="y")
    line = ax.lines[0]
    np.testing.assert_allclose(line.get_xdata(), x)
    np.testing.assert_allclose(line.get_ydata(), y)
    assert line.get_color() == plotting.PALETTE[0]
    with pytest.raises(ValueError, match="same shape"):
        plotting.curve(x, y[:3], ax=ax)


def test_kernel_bumps_draws_one_line_per_kernel_and_the_sum(fig_ax):
    _, ax = fig_ax
    grid = np.linspace(-1, 1, 7)
    bumps = np.ones((3, 7)) / 3
    plotting.kernel_bumps(grid, bumps, bumps.sum(axis=0), points=[0.0, 0.2, 0.5], ax=ax)
    assert len(ax.lines) == 4
    np.testing.assert_allclose(ax.lines[-1].get_ydata(), 1.0)
    assert len(ax.collections) == 1  # the rug
    with pytest.raises(ValueError, match="bumps of shape"):
        plotting.kernel_bumps(grid, bumps[:, :5], bumps.sum(axis=0), ax=ax)


def test_vertical_lines_are_labelled_and_checked(fig_ax):
    _, ax = fig_ax
    plotting.vertical_lines([0.8, 1.0], labels=["mean", "truth"], ax=ax)
    assert [line.get_xdata()[0] for line in ax.lines] == [0.8, 1.0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["mean", "truth"]
    with pytest.raises(ValueError, match="Expected 2 labels"):
        plotting.vertical_lines([0.8, 1.0], labels=["one"], ax=ax)


def test_log_likelihood_surface_marks_the_point_and_the_best(fig_ax):
    _, ax = fig_ax
    means, sds = np.linspace(-1, 1, 21), np.linspace(0.5, 2, 16)
    surface = -(means[:, None] ** 2) * 50 - (sds[None, :] - 1) ** 2 * 50
    assert plotting.log_likelihood_surface(means, sds, surface, point=(0.5, 1.5), best=(0.0, 1.0), ax=ax) is ax
    markers = {line.get_label(): (line.get_xdata()[0], line.get_ydata()[0]) for line in ax.lines}
    assert markers == {"maximum likelihood": (0.0, 1.0), "current (mean, sd)": (0.5, 1.5)}
    assert ax.get_xlabel() == "mean" and ax.get_ylabel() == "sd"
    with pytest.raises(ValueError, match=r"shape \(21, 16\) = \(n_means, n_sds\), got shape \(16, 21\)"):
        plotting.log_likelihood_surface(means, sds, surface.T, ax=ax)


def test_responsibility_curve_shades_the_ambiguous_range(fig_ax):
    _, ax = fig_ax
    grid = np.linspace(-3, 3, 61)
    second = 1.0 / (1.0 + np.exp(-3 * grid))
    resp = np.column_stack([1 - second, second])
    plotting.responsibility_curve(grid, resp, labels=["a", "b"], threshold=0.9, ax=ax)
    assert len(ax.lines) == 2
    np.testing.assert_allclose(ax.lines[1].get_ydata(), second)
    shaded = ax.collections[0].get_paths()[0].vertices[:, 0]
    ambiguous = grid[resp.max(axis=1) < 0.9]
    assert shaded.min() >= ambiguous.min() - 1e-9 and shaded.max() <= ambiguous.max() + 1e-9
    with pytest.raises(ValueError, match=r"resp of shape \(61, n_components\)"):
        plotting.responsibility_curve(grid, resp[:10], ax=ax)


# --- Chapters 4-5 ------------------------------------------------------------


@pytest.fixture
def widget_axes():
    """Axes from the widgets' pyplot-free figure, and the pyplot figures open before."""
    import matplotlib.pyplot as plt

    from emteach.widgets import new_figure

    before = plt.get_fignums()
    fig, ax = new_figure()
    yield ax
    assert plt.get_fignums() == before  # drawing on given axes opens no pyplot figure


def _legend(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_coin_tosses_draws_one_square_per_toss(widget_axes):
    tosses = np.array([[1, 0, 1], [0, 0, 1]])
    ax = plotting.coin_tosses(tosses, np.array([1, 0]), ax=widget_axes)
    assert ax is widget_axes
    letters = [t.get_text() for t in ax.texts if t.get_text() in ("H", "T")]
    assert letters == ["H", "T", "H", "T", "T", "H"]
    assert "set 1  coin B" in [t.get_text() for t in ax.texts]
    assert "2 H, 1 T" in [t.get_text() for t in ax.texts]
    assert _legend(ax) == ["coin A", "coin B"]
    assert ax.get_title() == "The tosses, coins known"
    with pytest.raises(ValueError, match=r"coins of shape \(2,\), got shape \(3,\)"):
        plotting.coin_tosses(tosses, np.array([0, 1, 0]), ax=widget_axes)
    with pytest.raises(ValueError, match=r"tosses of shape \(n_sets, n_tosses\)"):
        plotting.coin_tosses(np.array([1, 0]), ax=widget_axes)


def test_coin_tosses_hidden_coins_are_grey_and_unlabelled(widget_axes):
    ax = plotting.coin_tosses(np.array([[1, 0]]), ax=widget_axes)
    assert "set 1  coin ?" in [t.get_text() for t in ax.texts]
    assert ax.get_legend() is None
    assert ax.get_title() == "The tosses, coins hidden"


def test_coin_responsibilities_stacks_to_one(widget_axes):
    resp = np.array([[0.45, 0.55], [0.8, 0.2]])
    plotting.coin_responsibilities(resp, np.array([5, 9]), ax=widget_axes)
    first, second = widget_axes.containers
    np.testing.assert_allclose([bar.get_width() for bar in first], resp[:, 0])
    np.testing.assert_allclose([bar.get_x() for bar in second], resp[:, 0])
    assert "0.55" in [t.get_text() for t in widget_axes.texts]
    with pytest.raises(ValueError, match=r"heads of shape \(2,\)"):
        plotting.coin_responsibilities(resp, np.array([5]), ax=widget_axes)


def test_em_path_marks_start_end_and_reference(widget_axes):
    grid = np.linspace(0.1, 0.9, 9)
    surface = -((grid[None, :] - 0.8) ** 2 + (grid[:, None] - 0.5) ** 2) * 100
    history = np.array([[0.6, 0.5], [0.7, 0.55], [0.8, 0.52]])
    plotting.em_path(history, grid, grid, surface, reference=(0.8, 0.45), reference_label="known", ax=widget_axes)
    lines = {line.get_label(): line for line in widget_axes.lines}
    np.testing.assert_allclose(lines["EM path"].get_xdata(), history[:, 0])
    assert lines["start"].get_xdata()[0] == 0.6 and lines["after 2 iterations"].get_ydata()[0] == 0.52
    assert lines["known"].get_ydata()[0] == 0.45
    with pytest.raises(ValueError, match=r"log_likelihood of shape \(9, 9\), got shape \(9, 8\)"):
        plotting.em_path(history, grid, grid, surface[:, :8], ax=widget_axes)
    with pytest.raises(ValueError, match=r"history of shape \(n_iter \+ 1, 2\)"):
        plotting.em_path(history[:, :1], grid, grid, surface, ax=widget_axes)


def test_log_likelihood_history_draws_bounds_below_the_next_value(widget_axes):
    log_liks = np.array([-10.0, -8.0, -7.5])
    bounds = np.array([-8.5, -7.7])
    plotting.log_likelihood_history(log_liks, bounds, ax=widget_axes)
    lines = {line.get_label(): line for line in widget_axes.lines}
    np.testing.assert_allclose(lines["log-likelihood"].get_ydata(), log_liks)
    np.testing.assert_allclose(lines["lower bound after M-step"].get_xdata(), [1, 2])
    segments = widget_axes.collections[0].get_segments()
    np.testing.assert_allclose([s[:, 1] for s in segments], [[-8.5, -8.0], [-7.7, -7.5]])
    with pytest.raises(ValueError, match=r"bounds of shape \(2,\), got shape \(3,\)"):
        plotting.log_likelihood_history(log_liks, np.zeros(3), ax=widget_axes)


def test_bound_slice_marks_the_touch_and_the_top(widget_axes):
    grid = np.linspace(0.0, 1.0, 101)
    log_lik = -(grid - 0.7) ** 2
    bound = log_lik - 3 * (grid - 0.5) ** 2
    plotting.bound_slice(grid, log_lik, bound, 0.5, following=0.55, ax=widget_axes, xlabel="t")
    lines = {line.get_label(): line for line in widget_axes.lines}
    assert lines["E-step: bound touches"].get_ydata()[0] == pytest.approx(-0.04)
    assert lines["M-step: top of the bound"].get_xdata()[0] == 0.55
    assert widget_axes.get_xlabel() == "t"
    assert len(_legend(widget_axes)) == 4
    with pytest.raises(ValueError, match="one shape"):
        plotting.bound_slice(grid, log_lik, bound[:5], 0.5, ax=widget_axes)


def test_bound_slice_without_legend(widget_axes):
    grid = np.linspace(0.0, 1.0, 5)
    plotting.bound_slice(grid, -grid, -2 * grid, 0.0, legend=False, ax=widget_axes)
    assert widget_axes.get_legend() is None


def test_mixture_responsibilities_sorts_by_x(widget_axes):
    x = np.array([3.0, 1.0, 2.0])
    resp = np.array([[0.1, 0.9], [0.9, 0.1], [0.5, 0.5]])
    plotting.mixture_responsibilities(x, resp, names=["left", "right"], ax=widget_axes)
    left = widget_axes.lines[0]
    np.testing.assert_allclose(left.get_xdata(), [1.0, 2.0, 3.0])
    np.testing.assert_allclose(left.get_ydata(), [0.9, 0.5, 0.1])
    assert _legend(widget_axes) == ["left", "right"]
    with pytest.raises(ValueError, match=r"resp of shape \(3, n_components\)"):
        plotting.mixture_responsibilities(x, resp[:2], ax=widget_axes)


def test_mixture_1d_draws_components_and_their_sum(widget_axes):
    grid = np.linspace(0, 1, 4)
    curves = np.array([[0.1, 0.2, 0.3, 0.4], [1.0, 1.0, 1.0, 1.0]])
    plotting.mixture_1d(np.array([0.0, 0.5, 1.0]), np.array([1.0, 1.2]), grid, curves, ax=widget_axes)
    lines = {line.get_label(): line for line in widget_axes.lines}
    np.testing.assert_allclose(lines["mixture"].get_ydata(), curves.sum(axis=0))
    assert lines["component 1"].get_color() == plotting.PALETTE[1]
    with pytest.raises(ValueError, match="Expected 3 edges for 2 bins"):
        plotting.mixture_1d(np.array([0.0, 1.0]), np.array([1.0, 1.2]), grid, curves, ax=widget_axes)
    with pytest.raises(ValueError, match=r"component_densities of shape \(n_components, 4\)"):
        plotting.mixture_1d(np.array([0.0, 0.5, 1.0]), np.array([1.0, 1.2]), grid, curves[:, :3],
                            ax=widget_axes)


def test_covariance_ellipses_follow_the_eigenvectors(widget_axes):
    from matplotlib.patches import Ellipse

    covariance = np.array([[4.0, 0.0], [0.0, 1.0]])
    rotated = np.array([[2.5, 1.5], [1.5, 2.5]])  # eigenvalues 4 and 1, major axis at 45 degrees
    plotting.covariance_ellipses(np.zeros((2, 2)), np.stack([covariance, rotated]), n_std=(1.0, 2.0),
                                 ax=widget_axes)
    ellipses = [p for p in widget_axes.patches if isinstance(p, Ellipse)]
    assert len(ellipses) == 4
    assert (ellipses[0].width, ellipses[0].height) == pytest.approx((4.0, 2.0))
    assert (ellipses[1].width, ellipses[1].height) == pytest.approx((8.0, 4.0))
    assert ellipses[0].angle % 180 == pytest.approx(0.0, abs=1e-9)
    assert ellipses[2].angle % 180 == pytest.approx(45.0)
    with pytest.raises(ValueError, match=r"covariances of shape \(2, 2, 2\)"):
        plotting.covariance_ellipses(np.zeros((2, 2)), covariance, ax=widget_axes)


def test_responsibility_colors_blend_the_palette():
    from matplotlib.colors import to_rgb

    rgb = plotting.responsibility_colors(np.array([[1.0, 0.0], [0.5, 0.5]]))
    np.testing.assert_allclose(rgb[0], to_rgb(plotting.PALETTE[0]))
    np.testing.assert_allclose(rgb[1], (np.array(to_rgb(plotting.PALETTE[0])) + to_rgb(plotting.PALETTE[1])) / 2)
    with pytest.raises(ValueError, match="resp of shape"):
        plotting.responsibility_colors(np.ones(3))


def test_mixture_2d_colours_points_and_names_components(widget_axes):
    x = np.array([[0.0, 0.0], [1.0, 1.0], [5.0, 5.0]])
    resp = np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]])
    plotting.mixture_2d(x, np.array([[0.0, 0.0], [5.0, 5.0]]), np.stack([np.eye(2)] * 2), resp,
                        names=["a", "b"], ax=widget_axes)
    points = widget_axes.collections[0]
    np.testing.assert_allclose(points.get_offsets(), x)
    np.testing.assert_allclose(points.get_facecolors()[:, :3], plotting.responsibility_colors(resp))
    assert _legend(widget_axes) == ["a", "b"]
    with pytest.raises(ValueError, match=r"resp of shape \(3, 2\)"):
        plotting.mixture_2d(x, np.zeros((2, 2)), np.stack([np.eye(2)] * 2), resp[:2], ax=widget_axes)
    with pytest.raises(ValueError, match=r"x of shape \(n_samples, 2\)"):
        plotting.mixture_2d(x[:, :1], np.zeros((2, 2)), np.stack([np.eye(2)] * 2), ax=widget_axes)


def test_information_criteria_marks_each_minimum(widget_axes):
    ks = np.arange(1, 5)
    plotting.information_criteria(ks, np.array([10.0, 6.0, 7.0, 8.0]), np.array([10.0, 6.0, 5.0, 5.5]),
                                  ax=widget_axes)
    labels = _legend(widget_axes)
    assert "BIC minimum (k = 2)" in labels and "AIC minimum (k = 3)" in labels
    with pytest.raises(ValueError, match="one shape"):
        plotting.information_criteria(ks, np.zeros(3), np.zeros(4), ax=widget_axes)


def test_jensen_puts_the_average_of_the_log_below_the_log_of_the_average(widget_axes):
    grid = np.linspace(0.5, 9.0, 50)
    points = np.array([1.0, 8.0])
    plotting.jensen(grid, np.log(grid), points, np.log(points), np.array([0.5, 0.5]), ax=widget_axes)
    lines = {line.get_label(): line for line in widget_axes.lines}
    above = lines["log of the average"].get_ydata()[0]
    below = lines["average of the log"].get_ydata()[0]
    assert below == pytest.approx(np.log(8.0) / 2)
    assert above == pytest.approx(np.log(4.5), abs=0.01)
    assert above > below
    with pytest.raises(ValueError, match="points, values and weights of one shape"):
        plotting.jensen(grid, np.log(grid), points, np.log(points), np.array([1.0]), ax=widget_axes)
