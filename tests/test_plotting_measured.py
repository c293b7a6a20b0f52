"""Tests of emteach.plotting.measured (chapter 8)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np

from emteach import plotting


def teardown_function():
    plt.close("all")


def test_increase_histogram_counts_every_iteration():
    increases = np.array([1.0, 0.5, 1e-3, 1e-9, 0.0, 0.0, -1e-17])
    ax = plotting.increase_histogram(increases)
    heights = [p.get_height() for p in ax.patches]
    assert sum(heights) == increases.size
    assert heights[-1] == 3  # the zero and rounding-level rises, drawn apart
    assert ax.get_title() and ax.get_xlabel() and ax.get_legend() is not None
    assert ax.get_legend_handles_labels()[1][1] == "|rise| <= 1e-16 (zero up to rounding)"
    ax = plotting.increase_histogram(np.array([1.0, -0.5, -1e-3, 0.0]))
    assert ax.get_legend_handles_labels()[1][1] == "rise <= 1e-16, of which 2 below -1e-16"


def test_gap_paths_floor_and_axes():
    ax = plotting.gap_paths([np.array([1.0, 1e-3, 0.0]), np.array([1.0, 0.0])], ["EM", "L-BFGS"],
                            xs=[np.array([0.0, 1.0, 2.0]), np.array([0.0, 5.0])], xlabel="ms")
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["EM", "L-BFGS"]
    assert lines[0].get_ydata()[-1] == plotting.measured.GAP_FLOOR
    assert list(lines[1].get_xdata()) == [0.0, 5.0]
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "ms"


def test_success_fractions_bars():
    ax = plotting.success_fractions(["a", "b"], [1.0, 0.25], counts=["4/4", "1/4"])
    widths = [p.get_width() for p in ax.patches]
    assert widths == [1.0, 0.25, 0.0, 0.75]
    assert [t.get_text() for t in ax.texts] == ["4/4", "1/4"]


def test_cost_scaling_in_milliseconds():
    ax = plotting.cost_scaling([[1, 10, 100]], [[0.001, 0.01, 0.1]], labels=["n"], slopes=[1.0])
    line = ax.get_lines()[0]
    np.testing.assert_allclose(line.get_ydata(), [1.0, 10.0, 100.0])
    assert line.get_label() == "n (slope 1.00)"
    assert ax.get_xscale() == "log"


def test_cost_scaling_ticks_at_the_sizes():
    ax = plotting.cost_scaling([[2, 4, 8]], [[0.001, 0.002, 0.004]], labels=["K"])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2", "4", "8"]
