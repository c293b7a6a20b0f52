"""Widget experiment of chapter 4: step EM by hand, on the two coins or on a 1-D mixture."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from emteach import coins, data, gmm, plotting
from emteach.widgets._live import (
    legible, LiveFigure, output_area, show, _button, _experiment, _history_view, _menu, _nice_limits, _on_change,
    _update_history, _value_slider,
)

__all__ = [
    "EM_MODELS", "RUN_ITERATIONS", "RUN_TOL", "em_stepper_figure", "em_stepper",
]

# Chapter 4: step EM by hand, on the two coins or on a 1-D mixture.

#: The models the EM stepper offers: (menu entry, key).
EM_MODELS = (("two coins", "coins"), ("1-D mixture", "mixture"))

#: Iterations one press of "run" may take at most, and the rise of the
#: log-likelihood (per data point) below which it stops earlier.
RUN_ITERATIONS = 50
RUN_TOL = 1e-6


class _CoinsModel:
    """The two-coin experiment of chapter 4, as the EM stepper sees it."""

    name = "two coins"
    slice_label = r"$\theta_A$ ($\theta_B$ held at its current value)"
    path_labels = (r"$\theta_A$", r"$\theta_B$")
    default_start = (0.6, 0.5)
    _surface = None

    def __init__(self, start=None):
        self.heads, self.n_tosses = data.coin_sets()
        self.n_points = self.heads.shape[0]
        self.start = np.array(self.default_start if start is None else start, dtype=float)
        self.grid = np.linspace(0.30, 0.98, 103)
        self.path_grid = np.linspace(0.02, 0.98, 97)

    def log_likelihood(self, theta):
        return coins.log_likelihood(self.heads, self.n_tosses, theta)

    def e_step(self, theta):
        return coins.e_step(self.heads, self.n_tosses, theta)

    def m_step(self, resp):
        return coins.m_step(self.heads, self.n_tosses, resp)

    def bound(self, theta, resp):
        return coins.lower_bound(self.heads, self.n_tosses, theta, resp)

    def bound_slice(self, theta, resp=None):
        """Return (grid, log-likelihood, bound, current, following) along theta_A."""
        return (self.grid, *coins.lower_bound_slice(self.heads, self.n_tosses, theta, self.grid, resp=resp))

    def surface(self):
        """The log-likelihood over the (theta_A, theta_B) grid (computed once per process)."""
        if _CoinsModel._surface is None:
            _CoinsModel._surface = coins.log_likelihood_grid(self.heads, self.n_tosses, self.path_grid,
                                                             self.path_grid)
        return _CoinsModel._surface

    def coordinates(self, theta):
        return float(theta[0]), float(theta[1])

    def describe(self, theta):
        return f"theta_A = {theta[0]:.3f}, theta_B = {theta[1]:.3f}"


class _MixtureModel:
    """A small version of the article's 1-D mixture, as the EM stepper sees it."""

    name = "1-D mixture"
    slice_label = "mean of component 0 (everything else held)"
    path_labels = ("mean of component 0", "mean of component 1")
    default_start = (24.0, 30.0)

    def __init__(self, start=None, seed=0):
        self.x, _ = data.two_processes(n=(100, 200), seed=seed)
        self.n_points = self.x.shape[0]
        means = self.default_start if start is None else start
        self.start = gmm.GMMParams.from_1d([0.5, 0.5], list(means), [8.0, 8.0])

    def log_likelihood(self, params):
        return gmm.log_likelihood(self.x, params)

    def e_step(self, params):
        return gmm.e_step(self.x, params)[0]

    def m_step(self, resp):
        return gmm.m_step(self.x, resp)

    def bound(self, params, resp):
        return gmm.lower_bound(self.x, params, resp)

    def bound_slice(self, params, resp=None):
        """Return (grid, log-likelihood, bound, current, following) along the first mean."""
        e_resp, _ = gmm.e_step(self.x, params)
        current = float(params.means[0, 0])
        following = float(gmm.m_step(self.x, e_resp).means[0, 0])
        # Zoom on the step: the likelihood of 300 points is steep in the mean. The
        # window moves in whole units and widens in steps, so most steps keep its limits.
        half_width = float(max(3.0, 2.0 ** np.ceil(np.log2(max(2.5 * abs(following - current), 1e-9)))))
        centre = float(np.round((current + following) / 2))
        grid = np.linspace(centre - half_width, centre + half_width, 61)
        return (grid, *gmm.lower_bound_slice(self.x, params, grid))

    def surface(self):
        return None

    def coordinates(self, params):
        return float(params.means[0, 0]), float(params.means[1, 0])

    def describe(self, params):
        sds = np.sqrt(params.covariances[:, 0, 0])
        return (f"weights = ({params.weights[0]:.2f}, {params.weights[1]:.2f}), "
                f"means = ({params.means[0, 0]:.2f}, {params.means[1, 0]:.2f}), "
                f"sds = ({sds[0]:.2f}, {sds[1]:.2f})")


def _em_model(key, start=None):
    """Return the stepper's model for a menu key."""
    if key == "coins":
        return _CoinsModel(start)
    if key == "mixture":
        return _MixtureModel(start)
    raise ValueError(f"Expected a model among {[k for _, k in EM_MODELS]}, got {key!r}")


class _EmRun:
    """The EM stepper's state: the path so far, and whether the E-step was done at its end.

    ``e_done`` is True when the bound shown was built at the current
    parameters (it touches there); an M-step alone leaves it False: the
    parameters sit at the top of the old bound, below the log-likelihood.
    """

    def __init__(self, model):
        self.model = model
        self.path = [model.start]
        self.log_likelihoods = [model.log_likelihood(model.start)]
        self.bounds = []
        self.e_done = True
        self.resp = model.e_step(model.start)
        self.slice = model.bound_slice(model.start)

    def e_step(self, draw=True):
        """Responsibilities at the current parameters (and the bound's slice, unless ``draw`` is False)."""
        if not self.e_done:
            params = self.path[-1]
            self.resp = self.model.e_step(params)
            self.e_done = True
            self.slice = None
        if draw and self.slice is None:
            self.slice = self.model.bound_slice(self.path[-1])

    def m_step(self, draw=True):
        self.e_step(draw)  # the M-step climbs the bound of the E-step before it
        new = self.model.m_step(self.resp)
        self.bounds.append(self.model.bound(new, self.resp))
        self.log_likelihoods.append(self.model.log_likelihood(new))
        self.path.append(new)
        self.e_done = False

    def step(self, draw=True):
        self.m_step(draw=False)
        self.e_step(draw)

    def run(self, n_iterations=RUN_ITERATIONS, tol=RUN_TOL):
        """Step until the log-likelihood rises by less than ``tol`` per data point (or n_iterations)."""
        for _ in range(n_iterations):
            self.step(draw=False)
            if self.log_likelihoods[-1] - self.log_likelihoods[-2] < tol * self.model.n_points:
                break
        self.e_step()


class _EmView:
    """The EM stepper's figure: the bound along one parameter, the history, the path."""

    def __init__(self, figsize=(12.0, 4.5)):
        self.live = LiveFigure(1, 3, figsize=figsize, left=0.075, right=0.95, bottom=0.3, top=0.92, wspace=0.42)
        self.built = False

    def _build(self, run):
        model = run.model
        left, middle, right = self.live.axes
        for extra in self.live.fig.axes[3:]:  # the colour bar, before its parent axes is cleared
            extra.remove()
        for ax in (left, middle, right):
            ax.clear()
        grid, log_lik, bound, current, following = run.slice
        plotting.bound_slice(grid, log_lik, bound, current, following=following, ax=left, xlabel=model.slice_label,
                             legend=False)
        self.slice_lines = list(left.lines)
        # Below the axes: inside, the bound (which falls steeply) would run under it.
        left.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), frameon=False, ncol=2, columnspacing=0.8,
                    handlelength=1.5)
        plotting.log_likelihood_history(run.log_likelihoods, [np.nan] * (len(run.log_likelihoods) - 1), ax=middle,
                                        title="Log-likelihood so far")
        middle.set_xticks([0, 5, 10, 20, 40, 80])
        middle.legend(loc="lower right", frameon=False)
        self.history = (middle.lines[0], middle.lines[1], middle.collections[-1])
        surface = model.surface()
        history = np.array([model.coordinates(model.start)] * 2)
        if surface is not None:
            plotting.em_path(history, model.path_grid, model.path_grid, surface, ax=right,
                             title="Path (square: start, star: now)")
            right.get_legend().remove()  # it would hide part of the surface; the title says what is what
            right.set_xlim(0.02, 0.98)
            right.set_ylim(0.02, 0.98)
            self.path_lines = list(right.lines[:3])
        else:
            plotting.curve(history[:, 0], history[:, 1], ax=right, color=plotting.PALETTE[1], label="EM path",
                           title="Path of the two means", xlabel=model.path_labels[0], ylabel=model.path_labels[1])
            right.lines[-1].set_marker("o")
            right.lines[-1].set_markersize(4)
            right.plot([20.0], [40.0], "D", color=plotting.PALETTE[2], markersize=7, label="true means")
            right.plot(*history[0], "s", color=plotting.PALETTE[5], markersize=8, label="start")
            right.plot(*history[0], "*", color=plotting.PALETTE[7], markersize=12, label="now")
            right.set_xlim(10.0, 50.0)
            right.set_ylim(10.0, 50.0)
            right.legend(loc="lower right", frameon=False)
            self.path_lines = [right.lines[0], right.lines[2], right.lines[3]]
        legible(self.live.fig)
        self.live.dynamic = [*self.slice_lines, left.title, *self.history, *self.path_lines]
        self.live.forget()
        self.history_limits = None
        self.slice_limits = None

    def update(self, run, rebuild=False):
        model = run.model
        if rebuild or not self.built:
            self._build(run)
            self.built = True
        left, middle, _ = self.live.axes
        grid, log_lik, bound, current, following = run.slice
        iteration = len(run.path) - 1
        ll_line, bound_line, touch, top, guide = self.slice_lines
        ll_line.set_data(grid, log_lik)
        bound_line.set_data(grid, bound)
        touch.set_data([current], [np.interp(current, grid, log_lik)])
        touch.set_visible(run.e_done)
        top.set_data([following], [np.interp(following, grid, bound)])
        guide.set_xdata([following, following])
        left.set_xlim(grid[0], grid[-1])
        low, high = float(np.min(log_lik)), float(np.max(log_lik))
        span = max(high - low, 1e-9)
        if (self.slice_limits is None or not (self.slice_limits[0] <= low - 0.4 * span)
                or not (high + 0.05 * span <= self.slice_limits[1])
                or (self.slice_limits[1] - self.slice_limits[0]) > 3.0 * 1.7 * span):
            self.slice_limits = _nice_limits(low, high, 0.6, 0.1)
        left.set_ylim(*self.slice_limits)
        if run.e_done:
            left.set_title(f"Iteration {iteration}: the bound touches")
        else:
            left.set_title(f"Iteration {iteration}: M-step at the top of the bound")
        _update_history(middle, self.history, run.log_likelihoods, run.bounds)
        self.history_limits = _history_view(middle, run.log_likelihoods, self.history_limits)
        path = np.array([model.coordinates(p) for p in run.path])
        path_line, start, end = self.path_lines
        path_line.set_data(path[:, 0], path[:, 1])
        start.set_data([path[0, 0]], [path[0, 1]])
        end.set_data([path[-1, 0]], [path[-1, 1]])
        caption = (f"{model.name}, iteration {iteration}: {model.describe(run.path[-1])}, "
                   f"log-likelihood = {run.log_likelihoods[-1]:.4f}")
        if run.bounds:
            caption += f", bound after the last M-step = {run.bounds[-1]:.4f}"
        if not run.e_done:
            caption += "; M-step done, the next E-step makes the bound touch again"
        return caption


def em_stepper_figure(model="coins", n_steps=0, start=None):
    """Return the EM stepper's figure and caption after ``n_steps`` iterations.

    The same picture as :func:`em_stepper` shows after pressing "step"
    ``n_steps`` times, for a static copy of the experiment.

    Parameters
    ----------
    model : {"coins", "mixture"}
        The two-coin experiment from (0.6, 0.5), or a 1-D mixture of 300
        points (means 20 and 40, sd 5, weights 1/3 and 2/3) started from
        means 24 and 30, sds 8.
    n_steps : int
        EM iterations to run from the start.
    start : tuple of 2 float, optional
        Another start: (theta_A, theta_B) for the coins, the two means for
        the mixture.

    Returns
    -------
    fig : matplotlib.figure.Figure
    caption : str
    """
    run = _EmRun(_em_model(model, start))
    for _ in range(n_steps):
        run.step()
    view = _EmView()
    caption = view.update(run, rebuild=True)
    return view.live.fig, caption


def em_stepper():
    """Build the experiment that steps EM one iteration at a time (chapter 4).

    Returns
    -------
    ipywidgets.VBox
        A "model" menu (two coins or a 1-D mixture), the start (sliders
        "start theta_A" and "start theta_B" for the coins, "start mean 0"
        and "start mean 1" for the mixture; (0.5, 0.5) is the saddle where
        EM cannot move, swapping the start swaps the labels), the buttons
        "E-step" (the bound touches), "M-step" (climb to its top), "step"
        (both), "run" (up to 50 iterations, until the log-likelihood rises
        by less than 1e-6 per data point) and "reset", above an Output with
        the bound along one parameter, the log-likelihood history, the path
        of the parameters, and a caption with the current parameters.
    """
    menu = _menu("model", EM_MODELS, "coins")
    theta_a = _value_slider(float, "start theta_A", 0.6, 0.05, 0.95, 0.05)
    theta_b = _value_slider(float, "start theta_B", 0.5, 0.05, 0.95, 0.05)
    mean_0 = _value_slider(float, "start mean 0", 24.0, 10.0, 50.0, 1.0)
    mean_1 = _value_slider(float, "start mean 1", 30.0, 10.0, 50.0, 1.0)
    e_button = _button("E-step", "responsibilities at the current parameters: the bound touches")
    m_button = _button("M-step", "move to the top of the bound")
    step = _button("step", "one E-step and one M-step")
    run = _button("run", f"up to {RUN_ITERATIONS} iterations, until it settles")
    reset = _button("reset", "back to the start")
    out = output_area(height="380px")
    views = {}  # one figure per model, built on first use: switching back costs no rebuild
    state = {}

    def starts():
        coins_shown = menu.value == "coins"
        for slider in (theta_a, theta_b):
            slider.layout.display = None if coins_shown else "none"
        for slider in (mean_0, mean_1):
            slider.layout.display = "none" if coins_shown else None
        return (theta_a.value, theta_b.value) if coins_shown else (mean_0.value, mean_1.value)

    def restart(change=None):
        rebuild = menu.value not in views
        if rebuild:
            views[menu.value] = _EmView()
        state.update(run=_EmRun(_em_model(menu.value, starts())), view=views[menu.value])
        redraw(rebuild=rebuild)

    def act(action):
        def handler(_button=None):
            action(state["run"])
            redraw()
        return handler

    def redraw(rebuild=False):
        current, view = state["run"], state["view"]
        e_button.disabled = current.e_done
        show(out, view.live, view.update(current, rebuild=rebuild))

    menu.observe(restart, names="value")
    _on_change(restart, theta_a, theta_b, mean_0, mean_1)
    e_button.on_click(act(_EmRun.e_step))
    m_button.on_click(act(_EmRun.m_step))
    step.on_click(act(_EmRun.step))
    run.on_click(act(_EmRun.run))
    reset.on_click(lambda _: restart())
    restart()
    return _experiment([[menu, theta_a, theta_b, mean_0, mean_1], [e_button, m_button, step, run, reset]], out,
                       lambda: state["view"].live)
