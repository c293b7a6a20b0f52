"""Tests of emteach.widgets."""

import numpy as np
import pytest

from emteach import widgets


# --- Chapter 0 (the lead's) ----------------------------------------------------


def test_normal_curve_explorer_redraws_on_each_slider():
    from emteach.widgets import caption_of, controls_of, normal_curve_explorer, output_of

    experiment = normal_curve_explorer()
    out = output_of(experiment)
    assert caption_of(out) == "mean = 0.00, sd = 1.00, height of the peak = 0.399\n"
    first_png = out.outputs[0]["data"]["image/png"]
    controls = controls_of(experiment)
    controls["sd"].value = 2.0
    assert caption_of(out) == "mean = 0.00, sd = 2.00, height of the peak = 0.199\n"
    assert out.outputs[0]["data"]["image/png"] != first_png
    controls["mean"].value = 1.5
    assert caption_of(out).startswith("mean = 1.50, sd = 2.00")


def test_show_replaces_the_output_and_keeps_a_caption():
    from emteach.widgets import caption_of, new_figure, output_area, show

    out = output_area()
    fig, ax = new_figure()
    ax.set_title("first")
    show(out, fig, "one")
    fig, ax = new_figure()
    ax.set_title("second")
    show(out, fig, "two")
    assert len(out.outputs) == 2
    assert out.outputs[0]["data"]["text/plain"] == "<Figure: second>"
    assert caption_of(out) == "two\n"


def test_output_of_needs_an_output():
    import ipywidgets

    from emteach.widgets import output_of

    with pytest.raises(ValueError, match="Expected a widget that contains an Output, got HBox"):
        output_of(ipywidgets.HBox([ipywidgets.Button(description="b")]))


# --- Chapters 0-3 ------------------------------------------------------------


def _png(out):
    return out.outputs[0]["data"]["image/png"]


def test_histogram_explorer_redraws_for_bins_rule_size_and_kde():
    from emteach import density

    experiment = widgets.histogram_explorer()
    out = widgets.output_of(experiment)
    controls = widgets.controls_of(experiment)
    assert set(controls) == {"rule", "bins", "sample size", "kernel estimate"}
    assert widgets.caption_of(out).startswith("sample size = 2000, rule = count, bins = 50,")
    before = _png(out)
    controls["bins"].value = 5
    assert widgets.caption_of(out).startswith("sample size = 2000, rule = count, bins = 5,")
    assert _png(out) != before

    pool = np.random.default_rng(0).standard_normal(20000)
    controls["rule"].value = "fd"
    assert controls["bins"].disabled
    assert f"rule = fd, bins = {density.fd(pool[:2000])}," in widgets.caption_of(out)
    controls["sample size"].value = 20000
    assert widgets.caption_of(out).startswith(f"sample size = 20000, rule = fd, bins = {density.fd(pool)},")
    before = _png(out)
    controls["kernel estimate"].value = True
    assert _png(out) != before
    assert "kernel density estimate" in [t.get_text() for t in widgets.histogram_figure(pool, 10, kde=True)[0]
                                         .axes[0].get_legend().get_texts()]
    controls["rule"].value = "count"
    assert not controls["bins"].disabled
    assert "rule = count, bins = 5," in widgets.caption_of(out)


def test_histogram_figure_caption_states_the_bin_width():
    x = np.array([0.0, 1.0, 2.0, 4.0])
    fig, caption = widgets.histogram_figure(x, 2, true_density=None)
    assert caption == "sample size = 4, rule = count, bins = 2, bin width = 2.000"
    assert fig.axes[0].get_title() == "4 points, 2 bins (count), bin width 2.000"


def test_likelihood_explorer_moves_the_point_and_reports_the_log_likelihood():
    from emteach import data, density

    x_all, z = data.two_processes(seed=0)
    x = x_all[z == 0]
    experiment = widgets.likelihood_explorer()
    out = widgets.output_of(experiment)
    controls = widgets.controls_of(experiment)
    assert set(controls) == {"mean", "sd", "sample size"}
    assert controls["sample size"].value == 200
    before = _png(out)
    controls["mean"].value = 21.0
    caption = widgets.caption_of(out)
    expected = density.log_likelihood(x[:200], 21.0, controls["sd"].value)
    assert caption.startswith(f"sample size = 200, mean = 21.00, sd = {controls['sd'].value:.2f}: "
                              f"log-likelihood = {expected:.2f};")
    assert _png(out) != before
    controls["sd"].value = 5.0
    assert f"sd = 5.00: log-likelihood = {density.log_likelihood(x[:200], 21.0, 5.0):.2f}" in widgets.caption_of(out)
    controls["sample size"].value = 4000
    best = density.gaussian_mle(x)
    assert f"at mean = {best[0]:.2f}, sd = {best[1]:.2f}" in widgets.caption_of(out)


def test_likelihood_explorer_starts_where_asked_on_the_shared_grid():
    x = np.random.default_rng(1).normal(10.0, 2.0, size=300)
    means, sds = widgets.likelihood_grid(x)
    assert means.shape == (81,) and sds.shape == (61,)
    assert means[0] < np.mean(x) < means[-1] and sds[0] < np.std(x) < sds[-1]
    assert sds[0] > 0
    experiment = widgets.likelihood_explorer(x, mean=8.0, sd=3.0, size=50)
    controls = widgets.controls_of(experiment)
    assert (controls["mean"].min, controls["mean"].max) == (means[0], means[-1])
    assert controls["sample size"].options == (10, 50, 200, 300)
    _, expected = widgets.likelihood_figure(x[:50], 8.0, 3.0, means=means, sds=sds)
    assert widgets.caption_of(widgets.output_of(experiment)) == expected + "\n"


def test_likelihood_figure_at_the_maximum_is_zero_below_it():
    x = np.array([1.0, 2.0, 4.0, 7.0])
    mean, sd = np.mean(x), np.std(x)
    _, caption = widgets.likelihood_figure(x, mean, sd)
    assert caption.endswith("(0.00 below it)")


def test_overlap_explorer_makes_labels_ambiguous_as_processes_approach():
    import re

    def ambiguous(out):
        return float(re.search(r"sd = [\d.]+: ([\d.]+)% of the points", widgets.caption_of(out)).group(1))

    experiment = widgets.overlap_explorer()
    out = widgets.output_of(experiment)
    controls = widgets.controls_of(experiment)
    assert set(controls) == {"distance", "sd"}
    assert widgets.caption_of(out).startswith("distance between means = 20.0, sd = 5.0:")
    far = ambiguous(out)
    before = _png(out)
    controls["distance"].value = 8.0
    assert widgets.caption_of(out).startswith("distance between means = 8.0, sd = 5.0:")
    assert _png(out) != before
    assert ambiguous(out) > far
    controls["distance"].value = 20.0
    controls["sd"].value = 2.0
    assert widgets.caption_of(out).startswith("distance between means = 20.0, sd = 2.0:")
    assert ambiguous(out) < far


def test_overlap_figure_counts_ambiguous_points_like_the_e_step():
    from emteach import data, gmm

    _, caption = widgets.overlap_figure(10.0, 4.0, n=(300, 600), seed=3)
    x, z = data.two_processes(n=(300, 600), means=(25.0, 35.0), sds=(4.0, 4.0), seed=3)
    resp, _ = gmm.e_step(x, gmm.GMMParams.from_1d([1 / 3, 2 / 3], [25.0, 35.0], [4.0, 4.0]))
    share = 100 * np.mean(resp.max(axis=1) < 0.9)
    agree = 100 * np.mean(resp.argmax(axis=1) == z)
    assert f"{share:.1f}% of the points have max responsibility < 0.9" in caption
    assert caption.endswith(f"for {agree:.1f}%")


# --- Chapters 4-5 ------------------------------------------------------------


def _image(out):
    return next(o["data"]["image/png"] for o in out.outputs if "image/png" in o.get("data", {}))


def test_em_stepper_steps_runs_resets_and_switches_model():
    experiment = widgets.em_stepper()
    out = widgets.output_of(experiment)
    controls = widgets.controls_of(experiment)
    assert set(controls) == {"model", "step", "run", "reset"}
    assert widgets.caption_of(out) == ("two coins, iteration 0: theta_A = 0.600, theta_B = 0.500, "
                                       "log-likelihood = -33.0939\n")
    before = _image(out)
    controls["step"].click()
    caption = widgets.caption_of(out)
    assert caption.startswith("two coins, iteration 1: theta_A = 0.713, theta_B = 0.581,")
    assert "bound after the last M-step" in caption
    assert _image(out) != before
    controls["run"].click()
    assert widgets.caption_of(out).startswith("two coins, iteration ")
    assert "theta_A = 0.797, theta_B = 0.520" in widgets.caption_of(out)
    controls["reset"].click()
    assert widgets.caption_of(out).startswith("two coins, iteration 0: theta_A = 0.600")
    controls["model"].value = "mixture"
    assert widgets.caption_of(out).startswith(
        "1-D mixture, iteration 0: weights = (0.50, 0.50), means = (24.00, 30.00), sds = (8.00, 8.00)")
    controls["step"].click()
    assert widgets.caption_of(out).startswith("1-D mixture, iteration 1:")


def test_em_stepper_run_climbs_until_the_log_likelihood_settles():
    import re

    experiment = widgets.em_stepper()
    controls = widgets.controls_of(experiment)
    controls["model"].value = "mixture"
    # Chapter 4 points out that the first mean first moves away from where it ends.
    controls["step"].click()
    first_mean = float(re.search(r"means = \(([\d.]+),", widgets.caption_of(widgets.output_of(experiment))).group(1))
    controls["run"].click()
    caption = widgets.caption_of(widgets.output_of(experiment))
    final_mean = float(re.search(r"means = \(([\d.]+),", caption).group(1))
    assert first_mean > 24.0 > final_mean
    iteration = int(re.search(r"iteration (\d+)", caption).group(1))
    assert 1 < iteration <= widgets.RUN_ITERATIONS
    log_lik = float(re.search(r"log-likelihood = (-?[\d.]+)", caption).group(1))
    bound = float(re.search(r"bound after the last M-step = (-?[\d.]+)", caption).group(1))
    assert bound <= log_lik + 1e-4 and log_lik - bound < 1e-2


def test_em_stepper_figure_matches_the_widget_after_the_same_steps():
    experiment = widgets.em_stepper()
    for _ in range(3):
        widgets.controls_of(experiment)["step"].click()
    _, caption = widgets.em_stepper_figure("coins", n_steps=3)
    assert widgets.caption_of(widgets.output_of(experiment)) == caption + "\n"
    with pytest.raises(ValueError, match="Expected a model among"):
        widgets.em_stepper_figure("dice")


def test_gmm_stepper_redraws_for_every_control():
    experiment = widgets.gmm_stepper()
    out = widgets.output_of(experiment)
    controls = widgets.controls_of(experiment)
    assert set(controls) == {"data", "components", "seed", "step", "run", "reset"}
    assert controls["components"].continuous_update is False and controls["seed"].continuous_update is False
    assert widgets.caption_of(out).startswith("Old Faithful, 2 components, seed 0, iteration 0:")
    before = _image(out)
    controls["step"].click()
    assert widgets.caption_of(out).startswith("Old Faithful, 2 components, seed 0, iteration 1:")
    assert _image(out) != before
    controls["components"].value = 3
    assert widgets.caption_of(out).startswith("Old Faithful, 3 components, seed 0, iteration 0:")
    assert "weights = (0.33, 0.33, 0.33)" in widgets.caption_of(out)
    controls["seed"].value = 4
    assert widgets.caption_of(out).startswith("Old Faithful, 3 components, seed 4, iteration 0:")
    controls["data"].value = "clusters"
    assert widgets.caption_of(out).startswith("three clusters, 3 components, seed 4, iteration 0:")
    controls["run"].click()
    assert "iteration 0:" not in widgets.caption_of(out)
    controls["reset"].click()
    assert widgets.caption_of(out).startswith("three clusters, 3 components, seed 4, iteration 0:")


def test_gmm_stepper_figure_matches_the_widget():
    experiment = widgets.gmm_stepper()
    for _ in range(2):
        widgets.controls_of(experiment)["step"].click()
    fig, caption = widgets.gmm_stepper_figure("faithful", n_components=2, seed=0, n_steps=2)
    assert widgets.caption_of(widgets.output_of(experiment)) == caption + "\n"
    assert fig.axes[0].get_title() == "Iteration 2: colours = responsibilities"


def test_gmm_stepper_reports_a_failed_step_instead_of_raising(monkeypatch):
    def collapse(x, params):
        raise ValueError("covariances[1] is not positive definite")

    experiment = widgets.gmm_stepper()
    monkeypatch.setattr(widgets.core, "_gmm_em_step", collapse)
    widgets.controls_of(experiment)["step"].click()
    caption = widgets.caption_of(widgets.output_of(experiment))
    assert "iteration 0:" in caption and "EM stopped: covariances[1] is not positive definite" in caption


def test_gmm_start_puts_means_on_distinct_points_with_the_data_covariance():
    x, labels = widgets.gmm_data("faithful")
    assert x.shape == (272, 2) and labels[0].startswith("eruption")
    start = widgets.gmm_start(x, 3, seed=1)
    assert np.allclose(start.weights, 1 / 3)
    rows = [np.flatnonzero(np.all(x == mean, axis=1)) for mean in start.means]
    assert all(r.size for r in rows) and len({tuple(r) for r in rows}) == 3
    np.testing.assert_allclose(start.covariances[2], np.cov(x.T, bias=True) + 1e-6 * np.eye(2))
    with pytest.raises(ValueError, match="Expected a data set among"):
        widgets.gmm_data("iris")


def test_three_clusters_seed_20_ends_in_a_poorer_maximum():
    # Chapter 5 says so in its "things to try": most seeds agree, seed 20 does worse.
    from emteach import gmm

    x, _ = widgets.gmm_data("clusters")
    final = {seed: gmm.fit(x, 3, init=widgets.gmm_start(x, 3, seed), max_iter=500).log_likelihoods[-1]
             for seed in (0, 1, 2, 20)}
    assert final[0] == pytest.approx(final[1]) == pytest.approx(final[2])
    assert final[20] < final[0] - 10
