"""Tests of chapter 6's experiment (emteach.widgets.struggles), driven headless.

Caption numbers are recomputed here with SciPy densities and a hand-written
EM step, not with emteach.gmm.
"""

import base64
import re

import numpy as np
import pytest
from scipy import stats
from scipy.special import logsumexp

from emteach import starts, widgets
from emteach.widgets import THREE_CLUSTERS, caption_of, controls_of, output_of


def _png(out):
    return next(o["data"]["image/png"] for o in out.outputs if "image/png" in o.get("data", {}))


def _log_likelihood(x, weights, means, covariances):
    terms = np.column_stack([np.log(w) + stats.multivariate_normal(m, c).logpdf(x)
                             for w, m, c in zip(weights, means, covariances)])
    return logsumexp(terms, axis=1).sum(), terms


def _em_step(x, weights, means, covariances, reg_covar):
    _, terms = _log_likelihood(x, weights, means, covariances)
    resp = np.exp(terms - logsumexp(terms, axis=1, keepdims=True))
    sizes = resp.sum(axis=0)
    new_means = (resp.T @ x) / sizes[:, None]
    new_covs = np.array([(resp[:, k, None] * (x - new_means[k])).T @ (x - new_means[k]) / sizes[k]
                         + reg_covar * np.eye(2) for k in range(len(sizes))])
    return sizes / len(x), new_means, new_covs


def _caption_number(caption, name):
    return float(re.search(rf"{name} = (-?[\d.]+)", caption).group(1))


def test_data_at_separation_one_is_chapter_5s_and_separation_scales_the_means():
    x1 = widgets.struggle_data(1.0)
    np.testing.assert_allclose(x1, widgets.gmm_data("clusters")[0])
    x2 = widgets.struggle_data(2.0)
    means = np.asarray(THREE_CLUSTERS[1])
    # The same draws: each point moves by (2 - 1) times its cluster's mean.
    shift = x2 - x1
    assert {tuple(np.round(s, 9)) for s in shift} <= {tuple(m) for m in means}
    with pytest.raises(ValueError, match="separation > 0"):
        widgets.struggle_data(0.0)


def test_caption_numbers_match_an_independent_em_run():
    x = widgets.struggle_data(1.0)
    params = starts.start(x, 3, "k-means++", seed=3, reg_covar=1e-3)
    weights, means, covariances = params.weights, params.means, params.covariances
    for _ in range(4):
        weights, means, covariances = _em_step(x, weights, means, covariances, 1e-3)
    expected, _ = _log_likelihood(x, weights, means, covariances)
    _, caption = widgets.struggle_stepper_figure("k-means++", seed=3, reg_covar=1e-3, n_steps=4)
    assert "iteration 4" in caption
    assert _caption_number(caption, "log-likelihood") == pytest.approx(expected, abs=1e-3)
    shown = [float(w) for w in re.search(r"weights = \(([^)]*)\)", caption).group(1).split(",")]
    np.testing.assert_allclose(shown, weights, atol=1e-3)


def test_seed_20_without_a_floor_collapses_and_says_so():
    fig, caption = widgets.struggle_stepper_figure("random points", seed=20, reg_covar=0.0, n_steps=300)
    assert "COLLAPSED after iteration" in caption and "not positive definite" in caption
    iteration = int(re.search(r"iteration (\d+):", caption).group(1))
    assert iteration < 300
    assert "collapsed" in fig.axes[0].get_title()


def test_seed_20_with_the_default_floor_is_flagged_as_collapsing_at_the_floor():
    _, caption = widgets.struggle_stepper_figure("random points", seed=20, reg_covar=1e-6, n_steps=150)
    assert "Component 2 is collapsing" in caption
    assert "sqrt(reg_covar) = 0.001" in caption
    narrowest = re.search(r"narrowest sd per component = \(([^)]*)\)", caption).group(1).split(",")
    assert float(narrowest[2]) == pytest.approx(1e-3, rel=1e-2)
    _, healthy = widgets.struggle_stepper_figure("k-means", seed=0, reg_covar=1e-6, n_steps=50)
    assert "collapsing" not in healthy and "COLLAPSED" not in healthy


def test_every_control_redraws_caption_and_picture():
    experiment = widgets.struggle_stepper()
    controls = controls_of(experiment)
    out = output_of(experiment)
    moves = [("start", "k-means"), ("reg_covar", 1e-3), ("seed", 4), ("separation", 1.5), ("components", 4)]
    for name, value in moves:
        before_caption, before_png = caption_of(out), _png(out)
        controls[name].value = value
        after = caption_of(out)
        assert after != before_caption, name
        assert _png(out) != before_png, name
    caption = caption_of(out)
    assert caption.startswith("k-means start, seed 4, separation 1.5, reg_covar 0.001, iteration 0")
    x = widgets.struggle_data(1.5)
    start = starts.start(x, 4, "k-means", seed=4, reg_covar=1e-3)
    expected, _ = _log_likelihood(x, start.weights, start.means, start.covariances)
    assert _caption_number(caption, "log-likelihood") == pytest.approx(expected, abs=1e-3)


def test_buttons_step_run_and_reset():
    experiment = widgets.struggle_stepper()
    controls = controls_of(experiment)
    out = output_of(experiment)
    start_caption, start_png = caption_of(out), _png(out)
    assert "iteration 0" in start_caption and "seed 20" in start_caption and "reg_covar 0," in start_caption
    controls["step"].click()
    assert "iteration 1:" in caption_of(out) and _png(out) != start_png
    x = widgets.struggle_data(1.0)
    start = starts.start(x, 3, "random points", seed=20, reg_covar=0.0)
    expected, _ = _log_likelihood(x, *_em_step(x, start.weights, start.means, start.covariances, 0.0))
    assert _caption_number(caption_of(out), "log-likelihood") == pytest.approx(expected, abs=1e-3)
    controls["run"].click()
    assert "COLLAPSED" in caption_of(out)
    collapsed = caption_of(out)
    controls["step"].click()  # nothing more to do after a collapse
    assert caption_of(out) == collapsed
    controls["reset"].click()
    assert caption_of(out) == start_caption
