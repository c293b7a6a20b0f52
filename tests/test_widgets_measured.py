"""Tests of emteach.widgets.measured (chapter 8): the race between EM and L-BFGS."""

import numpy as np
import pytest

from emteach import direct, gmm
from emteach.widgets import caption_of, controls_of, output_of
from emteach.widgets.measured import GAP, em_vs_lbfgs, em_vs_lbfgs_figure


def em_iterations_to_gap(separation):
    """EM's iterations to the gap from gmm.fit's own path, against its converged end."""
    x, init = direct.comparison_problem(separation)
    path = gmm.fit(x, 2, init=init, tol=0.0, max_iter=300, reg_covar=0.0).log_likelihoods
    return int(np.flatnonzero(path.max() - path <= GAP)[0])


def test_static_figure_caption_counts_em_iterations_independently():
    fig, caption = em_vs_lbfgs_figure(6.0)
    assert caption.startswith("separation 6: gap below 1e-06 after ")
    assert f"after {em_iterations_to_gap(6.0)} iterations of EM" in caption
    assert fig.axes[0].get_title() == "Means 6 sd apart: distance to the best maximum"
    assert fig.axes[0].get_xlabel() == "iteration"
    _, timed = em_vs_lbfgs_figure(6.0, "time")
    assert timed == caption  # times are drawn, never printed
    with pytest.raises(ValueError, match="axis"):
        em_vs_lbfgs_figure(6.0, "seconds")


def test_experiment_redraws_for_each_control():
    experiment = em_vs_lbfgs()
    out = output_of(experiment)
    controls = controls_of(experiment)
    assert caption_of(out).startswith("separation 3: ")
    png = out.outputs[0]["data"]["image/png"]
    controls["separation"].value = 4.0
    caption = caption_of(out)
    assert caption.startswith("separation 4: ")
    assert f"after {em_iterations_to_gap(4.0)} iterations of EM" in caption
    assert out.outputs[0]["data"]["image/png"] != png
    png = out.outputs[0]["data"]["image/png"]
    controls["x axis"].value = "time"
    assert caption_of(out) == caption
    assert out.outputs[0]["data"]["image/png"] != png
