"""Tests of emteach.plotting.struggles (chapter 6)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from emteach import plotting


def teardown_function():
    plt.close("all")


def labelled(ax):
    return bool(ax.get_title() and ax.get_xlabel() and ax.get_ylabel())


def test_final_log_likelihoods_counts_every_run():
    values = np.array([-10.0, -10.0, -12.5, -10.1, -20.0])
    ax = plotting.final_log_likelihoods(values, best=-10.0, bins=5)
    assert sum(p.get_height() for p in ax.patches) == values.size
    assert labelled(ax) and ax.get_legend() is not None
    with pytest.raises(ValueError, match="n_runs"):
        plotting.final_log_likelihoods(np.zeros((2, 2)))


def test_start_methods_one_series_per_method():
    ax = plotting.start_methods(["a", "b"], [[1, 2, 3], [10, 20]], [[-5.0, -5.0, -6.0], [-5.0, -7.0]], best=-5.0)
    assert [c.get_label() for c in ax.collections] == ["a", "b"]
    assert [len(c.get_offsets()) for c in ax.collections] == [3, 2]
    assert ax.get_xscale() == "log" and labelled(ax)
    with pytest.raises(ValueError, match="one entry per method"):
        plotting.start_methods(["a"], [[1], [2]], [[1.0]])
    with pytest.raises(ValueError, match="as many iterations as values"):
        plotting.start_methods(["a"], [[1, 2]], [[1.0]])


def test_likelihood_blowup_and_error_path():
    ax = plotting.likelihood_blowup([1.0, 0.1, 0.01], [-3.0, -1.0, 1.0])
    assert ax.get_xscale() == "log" and ax.xaxis_inverted() and labelled(ax)
    errors = 0.5 * 0.2 ** np.arange(6)
    errors[-1] = 0.0  # a zero error (reached exactly) is not drawn on a log scale
    ax = plotting.error_path(errors, rate=0.2)
    em, reference = ax.get_lines()
    assert len(em.get_xdata()) == 5 and np.allclose(reference.get_ydata(), 0.5 * 0.2 ** np.arange(6))
    assert labelled(ax)


def test_iterations_vs_separation_annotates_each_rate():
    ax = plotting.iterations_vs_separation([4.0, 3.0, 2.0], [10, 40, 300], [0.3, 0.8, 0.97])
    assert [t.get_text() for t in ax.texts] == ["rate 0.300", "rate 0.800", "rate 0.970"]
    assert ax.xaxis_inverted() and ax.get_yscale() == "log" and labelled(ax)
    with pytest.raises(ValueError, match="one shape"):
        plotting.iterations_vs_separation([1.0], [1, 2], [0.5])


def test_evaluation_counts_bars_and_labels():
    ax = plotting.evaluation_counts(["p", "q"], [14, 192], [10, 31])
    heights = [p.get_height() for p in ax.patches]
    assert heights == [14, 192, 10, 31]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["p", "q"]
    with pytest.raises(ValueError, match="one count per problem"):
        plotting.evaluation_counts(["p"], [1, 2], [1])


def test_hardening_one_curve_per_variance():
    grid = np.linspace(0, 1, 5)
    resp = np.array([[0.9, 0.7, 0.5, 0.3, 0.1], [1.0, 1.0, 0.5, 0.0, 0.0]])
    ax = plotting.hardening(grid, resp, [1.0, 0.01])
    assert [line.get_label() for line in ax.get_lines()] == [r"$\varepsilon$ = 1", r"$\varepsilon$ = 0.01"]
    with pytest.raises(ValueError, match=r"shape \(2, 5\)"):
        plotting.hardening(grid, resp.T, [1.0, 0.01])
