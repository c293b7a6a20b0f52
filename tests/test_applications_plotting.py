"""Tests of emteach.plotting.applications (chapter 7's figures)."""

import numpy as np
import pytest

from emteach import plotting


@pytest.fixture
def ax():
    from emteach.widgets import new_figure

    return new_figure()[1]


def test_highlight_points_rings_only_the_masked_points(ax):
    x = np.array([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]])
    assert plotting.highlight_points(x, [True, False, True], ax=ax, label="flagged") is ax
    np.testing.assert_allclose(ax.collections[0].get_offsets(), x[[0, 2]])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["flagged"]


def test_highlight_points_rejects_bad_shapes(ax):
    with pytest.raises(ValueError, match=r"x of shape \(n_samples, 2\), got shape \(3,\)"):
        plotting.highlight_points(np.zeros(3), [True] * 3, ax=ax)
    with pytest.raises(ValueError, match=r"mask of shape \(3,\), got shape \(2,\)"):
        plotting.highlight_points(np.zeros((3, 2)), [True, False], ax=ax)


def test_image_panel_shows_rgb_and_grey_images_without_ticks(ax):
    rgb = np.random.default_rng(0).random((4, 5, 3))
    plotting.image_panel(rgb, title="rgb", ax=ax)
    np.testing.assert_allclose(ax.images[0].get_array(), rgb)
    assert ax.get_title() == "rgb" and not ax.get_xticks().size and not ax.get_yticks().size
    plotting.image_panel(np.eye(3), ax=ax, vmin=0, vmax=2, colorbar=True)
    assert ax.images[1].get_clim() == (0, 2) and ax.images[1].get_cmap().name == "gray"
    with pytest.raises(ValueError, match=r"shape \(height, width\) or \(height, width, 3\), got shape \(2, 2, 4\)"):
        plotting.image_panel(np.zeros((2, 2, 4)), ax=ax)


def test_quantisation_errors_draws_one_line_per_method_on_a_log2_axis(ax):
    ks = [2, 4, 8]
    plotting.quantisation_errors(ks, [[30, 20, 10], [25, 15, 8]], names=["a", "b"], ax=ax)
    assert [list(line.get_ydata()) for line in ax.lines] == [[30, 20, 10], [25, 15, 8]]
    assert ax.get_xscale() == "log" and ax.get_xlabel() == "number of colours K"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b"]
    with pytest.raises(ValueError, match=r"errors of shape \(len\(names\), len\(n_colours\)\) = \(1, 3\)"):
        plotting.quantisation_errors(ks, [[1, 2]], names=["a"], ax=ax)


def test_missing_data_scatter_counts_complete_and_incomplete_rows(ax):
    x = np.array([[0.0, 1.0], [1.0, np.nan], [2.0, 3.0], [3.0, np.nan]])
    missing = np.isnan(x[:, 1])
    plotting.missing_data_scatter(x, missing, ax=ax)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0] == "both values observed (2)" and labels[1].startswith("$x_2$ missing (2)")
    np.testing.assert_allclose(ax.collections[0].get_offsets(), x[~missing])
    with pytest.raises(ValueError, match=r"missing of shape \(4,\), got shape \(3,\)"):
        plotting.missing_data_scatter(x, missing[:3], ax=ax)


def test_state_posterior_draws_posterior_truth_and_path(ax):
    posterior = np.array([0.1, 0.8, 0.9, 0.2])
    plotting.state_posterior(posterior, [0, 1, 1, 0], [0, 1, 1, 1], ax=ax, title="t")
    np.testing.assert_allclose(ax.lines[0].get_ydata(), posterior)
    np.testing.assert_allclose(ax.lines[0].get_xdata(), [1, 2, 3, 4])
    assert ax.get_title() == "t" and ax.get_ylim() == (-0.05, 1.05)
    assert len(ax.get_legend().get_texts()) == 3
    with pytest.raises(ValueError, match=r"states of shape \(4,\), got shape \(3,\)"):
        plotting.state_posterior(posterior, [0, 1, 1], ax=ax)


def test_reconstruction_errors_marks_the_stop(ax):
    plotting.reconstruction_errors([0, 1, 2], [0.5, 0.3, 0.4], stop=1, ax=ax)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [0.5, 0.3, 0.4])
    assert "iteration 1" in ax.get_legend().get_texts()[1].get_text()
    with pytest.raises(ValueError, match="same shape"):
        plotting.reconstruction_errors([0, 1], [0.5], ax=ax)
