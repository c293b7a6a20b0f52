"""Widget experiment of chapter 5: step EM on two-dimensional data (``gmm_stepper``)."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from emteach import data, gmm, plotting, starts
from emteach.widgets._live import (
    legible, LiveFigure, output_area, show, _button, _experiment, _history_view, _menu, _on_change, _update_history,
    _value_slider,
)
from emteach.widgets.em import RUN_ITERATIONS, RUN_TOL

__all__ = [
    "GMM_DATASETS", "THREE_CLUSTERS", "GMM_STARTS", "GMM_REG_COVARS", "GMM_RUN_CAPS", "gmm_data", "gmm_start",
    "gmm_stepper_figure", "gmm_stepper",
]

# Chapter 5: step EM on two-dimensional data.

#: The data sets of the 2-D stepper: (menu entry, key).
GMM_DATASETS = (("Old Faithful", "faithful"), ("three clusters", "clusters"))

#: The mixture behind the "three clusters" data: weights, means, covariances.
THREE_CLUSTERS = (
    (0.3, 0.4, 0.3),
    ((0.0, 0.0), (4.0, 1.0), (1.5, 4.0)),
    (((1.0, 0.6), (0.6, 1.0)), ((0.6, 0.0), (0.0, 0.6)), ((1.2, -0.5), (-0.5, 0.5))),
)

#: The random starts of the 2-D stepper: the methods of :func:`emteach.starts.start`.
GMM_STARTS = starts.METHODS

#: reg_covar values offered by the 2-D stepper.
GMM_REG_COVARS = (("1e-6", 1e-6), ("1e-3", 1e-3), ("0.01", 1e-2), ("0.1", 1e-1), ("0", 0.0))

#: Caps on one press of "run" offered by the 2-D stepper.
GMM_RUN_CAPS = (50, 100, 200, 500, 1000)


def gmm_data(key):
    """Return one of the 2-D stepper's data sets and its axis labels.

    Parameters
    ----------
    key : {"faithful", "clusters"}
        Old Faithful (272 eruptions: length and waiting time, in minutes),
        or 400 points drawn with seed 0 from :data:`THREE_CLUSTERS`.

    Returns
    -------
    x : ndarray of shape (n_samples, 2)
    axis_labels : tuple of 2 str
    """
    if key == "faithful":
        return data.old_faithful(), ("eruption length (minutes)", "waiting time (minutes)")
    if key == "clusters":
        x, _ = gmm.sample(gmm.GMMParams(*THREE_CLUSTERS), 400, seed=0)
        return x, ("$x_1$", "$x_2$")
    raise ValueError(f"Expected a data set among {[k for _, k in GMM_DATASETS]}, got {key!r}")


def gmm_start(x, n_components, seed, method="random points", reg_covar=1e-6):
    """Return a random start for EM (the stepper's; :func:`emteach.starts.start`).

    Parameters
    ----------
    x : ndarray of shape (n_samples, n_features)
        The data.
    n_components : int
        Number of components, at most n_samples.
    seed : int or numpy.random.Generator
        Source of the random choices.
    method : str
        One of :data:`emteach.starts.METHODS`. "random points" (the default)
        puts the means at data points drawn uniformly without replacement,
        with equal weights and every covariance the covariance of the whole
        data, so each component starts by seeing all the data; "k-means++"
        spreads those points out; "k-means" starts from k-means' clusters
        (scikit-learn's default); "random responsibilities" is an M-step
        from uniform random responsibilities (scikit-learn's
        ``init_params="random"``): every mean starts near the data's mean,
        and EM stalls for many iterations before the components separate.
    reg_covar : float
        Added to the covariances' diagonals.

    Returns
    -------
    emteach.gmm.GMMParams
    """
    return starts.start(x, n_components, method, seed=seed, reg_covar=reg_covar)


def _gmm_em_step(x, params, reg_covar=1e-6):
    """One EM iteration: (new params, its responsibilities, bound after the M-step, new log-likelihood)."""
    resp, _ = gmm.e_step(x, params)
    new = gmm.m_step(x, resp, reg_covar=reg_covar)
    bound = gmm.lower_bound(x, new, resp)
    new_resp, log_lik = gmm.e_step(x, new)
    return new, new_resp, bound, log_lik


class _GmmRun:
    """The 2-D stepper's state: parameters, responsibilities and history of one EM run."""

    def __init__(self, x, start, reg_covar=1e-6):
        self.x, self.reg_covar = x, reg_covar
        self.params = start
        self.resp, log_lik = gmm.e_step(x, start)
        self.log_likelihoods, self.bounds, self.note = [log_lik], [], ""

    def advance(self, n_iterations, tol=None):
        for _ in range(n_iterations):
            try:
                params, resp, bound, log_lik = _gmm_em_step(self.x, self.params, self.reg_covar)
            except ValueError as error:  # a component collapsed onto a point
                self.note = (f"\nEM stopped at iteration {len(self.log_likelihoods) - 1}, a component collapsed: "
                             f"{error}")
                return
            rise = log_lik - self.log_likelihoods[-1]
            self.params, self.resp = params, resp
            self.bounds.append(bound)
            self.log_likelihoods.append(log_lik)
            if tol is not None and rise < tol * self.x.shape[0]:
                return


class _GmmView:
    """The 2-D stepper's figure: points coloured by responsibility with ellipses, and the history."""

    def __init__(self, figsize=(10.0, 4.2)):
        self.live = LiveFigure(1, 2, figsize=figsize, left=0.07, right=0.985, bottom=0.14, top=0.9, wspace=0.26)
        self.key = None

    def _build(self, run, axis_labels):
        left, right = self.live.axes
        for ax in (left, right):
            ax.clear()
        x, params = run.x, run.params
        plotting.mixture_2d(x, params.means, params.covariances, run.resp, ax=left, axis_labels=axis_labels,
                            title="Iteration 0: colours = responsibilities")
        self.points = left.collections[0]
        low, high = x.min(axis=0), x.max(axis=0)
        pad = 0.1 * (high - low)
        left.set_xlim(low[0] - pad[0], high[0] + pad[0])
        # Room above the data for the legend (two entries a row), so that it covers no point.
        rows = (params.n_components + 1) // 2
        left.set_ylim(low[1] - pad[1], high[1] + (0.2 + 0.17 * rows) * (high[1] - low[1]))
        left.legend(loc="upper left", frameon=False, ncol=2)
        plotting.log_likelihood_history(run.log_likelihoods, [np.nan] * (len(run.log_likelihoods) - 1), ax=right,
                                        title="Log-likelihood so far")
        right.set_xticks([0, 10, 20, 40, 80, 160, 320, 640])
        right.legend(loc="lower right", frameon=False)
        self.history = (right.lines[0], right.lines[1], right.collections[-1])
        legible(self.live.fig)
        self.live.forget()
        self.history_limits = None

    def update(self, run, *, key, axis_labels, name, seed, extra=""):
        left, right = self.live.axes
        if key != self.key:
            self._build(run, axis_labels)
            self.key = key
        params = run.params
        # The ellipses and mean markers drawn by plotting.mixture_2d, moved in place
        # (two ellipses per component, 1 and 2 sd, then one marker per component).
        for k, (mean, covariance) in enumerate(zip(params.means, params.covariances)):
            sds, angle = plotting.ellipse_shape(covariance)
            for radius, patch in zip((1.0, 2.0), left.patches[2 * k: 2 * k + 2]):
                patch.set_center(mean)
                patch.set_width(2 * radius * sds[0])
                patch.set_height(2 * radius * sds[1])
                patch.set_angle(angle)
            left.lines[k].set_data([mean[0]], [mean[1]])
        self.points.set_facecolor(plotting.responsibility_colors(run.resp))
        iteration = len(run.log_likelihoods) - 1
        left.set_title(f"Iteration {iteration}: colours = responsibilities")
        _update_history(right, self.history, run.log_likelihoods, run.bounds)
        self.history_limits = _history_view(right, run.log_likelihoods, self.history_limits)
        self.live.dynamic = [self.points, *left.patches, *left.lines, left.title, *self.history]
        weights = ", ".join(f"{w:.2f}" for w in params.weights)
        log_lik = run.log_likelihoods[-1]
        caption = (f"{name}, {params.n_components} components, seed {seed}, iteration {iteration}: "
                   f"log-likelihood = {log_lik:.3f}, weights = ({weights}), "
                   f"BIC = {gmm.bic(run.x, params):.1f}, AIC = {gmm.aic(run.x, params):.1f}")
        return caption + extra + run.note


def _dataset_name(key):
    return dict((k, label) for label, k in GMM_DATASETS)[key]


def gmm_stepper_figure(dataset="faithful", n_components=2, seed=0, n_steps=0, *, start="random points",
                       reg_covar=1e-6):
    """Return the 2-D stepper's figure and caption after ``n_steps`` iterations.

    The same picture as :func:`gmm_stepper` shows with these settings after
    pressing "step" ``n_steps`` times, for a static copy of the experiment.

    Parameters
    ----------
    dataset : {"faithful", "clusters"}
        The data, see :func:`gmm_data`.
    n_components : int
        Number of components.
    seed : int
        Seed of the random start, see :func:`gmm_start`.
    n_steps : int
        EM iterations to run from the start.
    start : str
        How the start is drawn, one of :data:`emteach.starts.METHODS`.
    reg_covar : float
        Added to the covariances' diagonals in every M-step.

    Returns
    -------
    fig : matplotlib.figure.Figure
    caption : str
    """
    x, axis_labels = gmm_data(dataset)
    run = _GmmRun(x, gmm_start(x, n_components, seed, start, reg_covar), reg_covar)
    run.advance(n_steps)
    view = _GmmView()
    caption = view.update(run, key=(dataset, n_components), axis_labels=axis_labels, name=_dataset_name(dataset),
                          seed=seed)
    return view.live.fig, caption


def gmm_stepper():
    """Build the experiment that steps EM on 2-D data (chapter 5).

    Returns
    -------
    ipywidgets.VBox
        A "data" menu (Old Faithful or three simulated clusters), sliders
        "components" (1 to 5) and "seed" (of the random start), menus
        "start" (random points, k-means++, k-means, or scikit-learn's random
        responsibilities, which stall), "reg_covar" and "run cap" (50 to
        1,000 iterations), a slider "best of n starts", and the buttons
        "step", "run" (until the log-likelihood rises by less than 1e-6 per
        point, or the cap; with n starts > 1, from each of n starts with
        seeds seed, seed + 1, ... keeping the best) and "reset", above an
        Output with the points coloured by responsibility, the components'
        ellipses, the log-likelihood history and a caption with the
        log-likelihood, weights, BIC and AIC.
    """
    menu = _menu("data", GMM_DATASETS, "faithful")
    components = _value_slider(int, "components", 2, 1, 5, 1)
    seed = _value_slider(int, "seed", 0, 0, 20, 1)
    start = _menu("start", GMM_STARTS, "random points")
    reg_covar = _menu("reg_covar", GMM_REG_COVARS, 1e-6)
    n_init = _value_slider(int, "best of n starts", 1, 1, 10, 1)
    cap = _menu("run cap", GMM_RUN_CAPS, RUN_ITERATIONS)
    step = _button("step", "one E-step and one M-step")
    run = _button("run", "until it settles, or the run cap")
    reset = _button("reset", "back to the random start")
    out = output_area(height="400px")
    views = {}  # one figure per (data, components), built on first use
    state = {}

    def view():
        key = (menu.value, components.value)
        if key not in views:
            views[key] = _GmmView()
        return views[key]

    def restart(change=None):
        x, axis_labels = gmm_data(menu.value)
        state.update(x=x, axis_labels=axis_labels, extra="",
                     run=_GmmRun(x, gmm_start(x, components.value, seed.value, start.value, reg_covar.value),
                                 reg_covar.value))
        redraw()

    def advance(n_iterations, tol=None):
        state["extra"] = ""
        state["run"].advance(n_iterations, tol)
        redraw()

    def run_all(_button=None):
        if n_init.value == 1:
            advance(cap.value, RUN_TOL)
            return
        x = state["x"]
        runs = []
        for offset in range(n_init.value):
            attempt = _GmmRun(x, gmm_start(x, components.value, seed.value + offset, start.value, reg_covar.value),
                              reg_covar.value)
            attempt.advance(cap.value, RUN_TOL)
            runs.append(attempt)
        best = int(np.argmax([r.log_likelihoods[-1] for r in runs]))
        finals = ", ".join(f"{r.log_likelihoods[-1]:.1f}" for r in runs)
        state.update(run=runs[best], extra=(f"; best of {len(runs)} starts (seeds {seed.value} to "
                                            f"{seed.value + len(runs) - 1}): seed {seed.value + best}; "
                                            f"final log-likelihoods {finals}"))
        redraw()

    def redraw():
        current = view()
        show(out, current.live, current.update(state["run"], key=(menu.value, components.value),
                                         axis_labels=state["axis_labels"], name=_dataset_name(menu.value),
                                         seed=seed.value, extra=state["extra"]))

    def announce(change=None):
        # The run's settings act when "run" is pressed; say so at once, so a move is never silent.
        starts_ = f"the best of {n_init.value} starts" if n_init.value > 1 else "one start"
        state["extra"] = f"; press run for {starts_}, up to {cap.value} iterations"
        redraw()

    _on_change(restart, menu, components, seed, start, reg_covar)
    _on_change(announce, n_init, cap)
    step.on_click(lambda _: advance(1))
    run.on_click(run_all)
    reset.on_click(lambda _: restart())
    restart()
    return _experiment([[menu, components, seed], [start, reg_covar, n_init, cap], [step, run, reset]], out,
                       lambda: view().live)
