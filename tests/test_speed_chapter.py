"""Chapter 9's helpers: naive E-steps, timing, plots, experiments and exercise checks."""

import math
from fractions import Fraction

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy import stats  # noqa: E402
from scipy.special import logsumexp  # noqa: E402

from emteach import checks, data, gmm, naive, plotting, timing, widgets  # noqa: E402
from emteach.widgets import caption_of, controls_of, output_of  # noqa: E402

START = gmm.GMMParams.from_1d([0.5, 0.5], [15.0, 45.0], [10.0, 10.0])


def _png(out):
    return next(o["data"]["image/png"] for o in out.outputs if "image/png" in o.get("data", {}))


# --- naive E-steps -----------------------------------------------------------

@pytest.mark.parametrize("e_step", [naive.e_step_loops, naive.e_step_vectorised])
def test_naive_e_steps_match_scipy(e_step):
    params = gmm.GMMParams([0.3, 0.7], [[0.0, 1.0], [2.0, -1.0]],
                           [[[1.0, 0.2], [0.2, 0.8]], [[0.5, 0.0], [0.0, 2.0]]])
    x = np.random.default_rng(0).normal(size=(50, 2))
    log_prob = np.column_stack([np.log(w) + stats.multivariate_normal(m, c).logpdf(x)
                                for w, m, c in zip(params.weights, params.means, params.covariances)])
    resp, log_likelihood = e_step(x, params)
    np.testing.assert_allclose(resp, np.exp(log_prob - logsumexp(log_prob, axis=1, keepdims=True)),
                               rtol=1e-10)
    assert log_likelihood == pytest.approx(logsumexp(log_prob, axis=1).sum(), rel=1e-12)


def test_probability_space_breaks_far_away():
    resp, log_likelihood = naive.e_step_vectorised([-500.0], START)
    assert np.all(np.isnan(resp)) and log_likelihood == -np.inf
    resp, log_likelihood = naive.e_step_loops([-500.0], START)
    assert np.all(np.isnan(resp)) and log_likelihood == -np.inf


def test_mahalanobis_three_ways():
    covariance = np.array([[2.0, 0.5], [0.5, 1.0]])
    point, mean = np.array([1.0, 2.0]), np.array([0.5, -1.0])
    r = point - mean
    # 2x2 inverse by hand: [[d, -b], [-c, a]] / (ad - bc)
    exact = Fraction(0)
    a, b, d = (Fraction(v) for v in (2.0, 0.5, 1.0))
    det = a * d - b * b
    rx, ry = Fraction(r[0]), Fraction(r[1])
    exact = (d * rx * rx - 2 * b * rx * ry + a * ry * ry) / det
    assert naive.mahalanobis_exact(point, mean, covariance) == exact
    assert naive.mahalanobis_inverse(point, mean, covariance) == pytest.approx(float(exact), rel=1e-14)
    assert naive.mahalanobis_cholesky(point, mean, covariance) == pytest.approx(float(exact), rel=1e-14)


# --- timing --------------------------------------------------------------------

def test_problems_are_reproducible_and_shaped():
    x, init = timing.random_problem(500, 3, 4, seed=1)
    again, _ = timing.random_problem(500, 3, 4, seed=1)
    assert x.shape == (500, 3) and init.n_components == 4 and np.array_equal(x, again)
    wide, start = timing.subnormal_problem(300)
    assert wide.shape == (300, 50) and start.n_components == 3


def test_runners_and_ms_per_iteration():
    x, init = timing.random_problem(300, 2, 2, seed=0)
    result = timing.ms_per_iteration({name: timing.runner(name) for name in timing.IMPLEMENTATIONS},
                                     x, init, few=1, many=2, repeats=1)
    assert set(result) == set(timing.IMPLEMENTATIONS) and all(v >= 0 for v in result.values())
    with pytest.raises(ValueError, match="Expected one of gmm.fit"):
        timing.runner("spark")


# --- plotting ------------------------------------------------------------------

def test_plots_have_titles_labels_and_legends():
    fig, axes = plt.subplots(1, 3)
    plotting.timing_bars(["a", "b"], [1.0, 10.0], reference=0.5, reference_label="floor",
                         title="t", ax=axes[0])
    plotting.chunk_statistics([[1.0, 2.0], [3.0, 4.0]], title="c", ax=axes[1])
    plotting.error_against_condition([1e2, 1e4], [[1e-15, 1e-13], [2e-15, 2e-13]],
                                     names=["inv", "chol"], title="e", ax=axes[2])
    for ax in axes:
        assert ax.get_title() and ax.get_xlabel() and ax.get_legend() is not None
    assert [t.get_text() for t in axes[1].texts] == ["4.0", "6.0"]  # totals over chunks
    plt.close(fig)


# --- widgets -------------------------------------------------------------------

def _expected_caption_numbers(n_steps):
    x, _ = data.two_processes(seed=0)
    params = START if n_steps == 0 else gmm.fit(x, 2, init=START, max_iter=n_steps, tol=0).params
    resp, log_likelihood = gmm.e_step(x, params)
    sizes = resp.sum(axis=0)
    means = (resp * x[:, None]).sum(axis=0) / sizes
    return sizes, log_likelihood, sizes / sizes.sum(), means


@pytest.mark.parametrize("n_chunks, n_steps", [(1, 0), (4, 0), (7, 3)])
def test_mapreduce_figure_caption(n_chunks, n_steps):
    fig, caption = widgets.mapreduce_figure(n_chunks, n_steps)
    sizes, log_likelihood, weights, means = _expected_caption_numbers(n_steps)
    assert f"{n_chunks} chunk(s)" in caption
    assert f"[{sizes[0]:,.1f}, {sizes[1]:,.1f}]" in caption
    assert f"{log_likelihood:,.2f}" in caption
    assert f"weights [{weights[0]:.4f}, {weights[1]:.4f}]" in caption
    assert f"means [{means[0]:.3f}, {means[1]:.3f}]" in caption
    assert fig.axes[0].get_title().startswith(f"{n_chunks} chunk(s)")


def test_mapreduce_explorer_controls_change_caption_and_image():
    experiment = widgets.mapreduce_explorer()
    out = output_of(experiment)
    controls = controls_of(experiment)
    first_caption, first_png = caption_of(out), _png(out)
    controls["chunks"].value = 2
    assert "2 chunk(s)" in caption_of(out) and _png(out) != first_png
    # same sums whatever the chunks
    assert caption_of(out).split("n_k")[1] == first_caption.split("n_k")[1]
    png = _png(out)
    controls["step"].click()
    sizes, *_ = _expected_caption_numbers(1)
    assert "after 1 iteration(s)" in caption_of(out) and f"{sizes[0]:,.1f}" in caption_of(out)
    assert _png(out) != png
    controls["reset"].click()
    assert caption_of(out).split("n_k")[1] == first_caption.split("n_k")[1]


def test_timing_explorer_shows_measured_figures_then_times():
    experiment = widgets.timing_explorer()
    out = output_of(experiment)
    controls = controls_of(experiment)
    measured = widgets.MEASURED_MS[(1_000_000, 2, 3)]
    assert caption_of(out).startswith(f"gmm.fit: {measured['gmm.fit']:.3g} ms per iteration")
    png = _png(out)
    controls["n"].value = 10_000
    controls["k"].value = 2
    controls["scikit-learn"].value = False
    # Until "time" is pressed the figure stays and the caption says what will be measured.
    assert caption_of(out).endswith("\nNext: press time to measure n = 10,000, d = 2, k = 2 with gmm.fit, fused.fit.\n")
    assert _png(out) == png
    controls["time"].click()
    caption = caption_of(out)
    assert "gmm.fit" in caption and "fused.fit" in caption and "scikit-learn" not in caption
    assert _png(out) != png
    for name in ("gmm.fit", "fused.fit"):
        controls[name].value = False
    timed = caption_of(out).split("\n")[0]
    controls["time"].click()
    assert caption_of(out) == (timed + "\nNext: press time to measure n = 10,000, d = 2, k = 2 with nothing: "
                               "tick at least one implementation.\n")


# --- checks --------------------------------------------------------------------

def test_check_responsibility_megabytes_near_miss(capsys):
    assert checks.check_responsibility_megabytes(24.0, 1_000_000, 3)
    assert checks.check_responsibility_megabytes(24.02, 1_000_000, 3)  # inside 1e-3
    assert not checks.check_responsibility_megabytes(24.03, 1_000_000, 3)  # just outside
    assert not checks.check_responsibility_megabytes(None, 1_000_000, 3)
    assert "8 bytes" in capsys.readouterr().out


def test_check_subnormal_threshold_near_miss():
    expected = -1022 * math.log(2)
    assert checks.check_subnormal_threshold(expected)
    assert checks.check_subnormal_threshold(expected + 0.04)
    assert not checks.check_subnormal_threshold(expected + 0.06)
    assert not checks.check_subnormal_threshold(math.log(5e-324))  # the smallest subnormal


def test_check_mahalanobis_near_miss():
    covariance = np.diag([4.0, 1.0])
    expected = 1.0 / 4.0 + 4.0  # (1, 2) with variances 4 and 1
    assert checks.check_mahalanobis(expected, [1.0, 2.0], [0.0, 0.0], covariance)
    assert checks.check_mahalanobis(expected * (1 + 5e-9), [1.0, 2.0], [0.0, 0.0], covariance)
    assert not checks.check_mahalanobis(expected * (1 + 2e-8), [1.0, 2.0], [0.0, 0.0], covariance)
    assert not checks.check_mahalanobis("four", [1.0, 2.0], [0.0, 0.0], covariance)


def test_check_merged_mean_near_miss():
    x, _ = data.two_processes(seed=0)
    first = gmm.sufficient_statistics(x[:5000], START)
    second = gmm.sufficient_statistics(x[5000:], START)
    resp, _ = gmm.e_step(x, START)
    expected = float((resp[:, 0] * x).sum() / resp[:, 0].sum())
    assert checks.check_merged_mean(expected, first, second)
    assert checks.check_merged_mean(expected * (1 + 5e-10), first, second)
    assert not checks.check_merged_mean(expected * (1 + 1e-8), first, second)
    assert not checks.check_merged_mean(expected, first, "second")
    assert not checks.check_merged_mean(None, first, second)
