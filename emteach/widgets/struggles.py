"""Widget experiment for chapter 6, when EM struggles: starts, collapsing components, reg_covar.

:func:`struggle_stepper` steps EM on a 2-D mixture whose clusters can be
pushed together or apart, from a start method and seed of the reader's
choosing, with any ``reg_covar`` including 0; it says so plainly when a
component collapses. :func:`struggle_stepper_figure` draws the same picture
for given settings, as the static copy beside it.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from emteach import gmm, plotting, starts
from emteach.widgets._live import _fixed_figure, _value_slider, output_area, show
from emteach.widgets.mixtures import THREE_CLUSTERS

__all__ = [
    "STRUGGLE_REG_COVARS",
    "COLLAPSE_SD",
    "struggle_data",
    "struggle_stepper_figure",
    "struggle_stepper",
]

#: reg_covar values offered by the experiment: (menu entry, value).
STRUGGLE_REG_COVARS = (("0 (no floor)", 0.0), ("1e-6", 1e-6), ("1e-3", 1e-3), ("0.1", 0.1))

#: A component whose smallest standard deviation falls below this (the data's
#: are about 1) is reported as collapsing.
COLLAPSE_SD = 0.01

#: Iterations one press of "run" may take, and the rise per point that ends it.
STRUGGLE_RUN_ITERATIONS = 300
STRUGGLE_RUN_TOL = 1e-6


def struggle_data(separation=1.0):
    """Return the experiment's data: chapter 5's three clusters, spread by ``separation``.

    Parameters
    ----------
    separation : float
        Factor applied to the three cluster means of
        :data:`emteach.widgets.mixtures.THREE_CLUSTERS` (1 gives chapter 5's data;
        smaller pushes the clusters together). The covariances stay.

    Returns
    -------
    ndarray of shape (400, 2)
        400 points drawn with seed 0, so every separation moves the same
        points (same labels, same noise).
    """
    weights, means, covariances = THREE_CLUSTERS
    if not separation > 0:
        raise ValueError(f"Expected separation > 0, got separation={separation}")
    params = gmm.GMMParams(weights, separation * np.asarray(means, dtype=float), covariances)
    return gmm.sample(params, 400, seed=0)[0]


class _Run:
    """One EM run: the parameters, responsibilities, log-likelihoods and what stopped it."""

    def __init__(self, x, params, reg_covar):
        self.x, self.reg_covar, self.params = x, reg_covar, params
        self.resp, log_lik = gmm.e_step(x, params)
        self.log_likelihoods = [log_lik]
        self.collapsed = ""

    def advance(self, n_iterations, tol=None):
        for _ in range(n_iterations):
            if self.collapsed:
                return
            try:
                params = gmm.m_step(self.x, self.resp, self.reg_covar)
            except ValueError as error:  # the M-step found a singular covariance
                self.collapsed = str(error)
                return
            self.params = params
            self.resp, log_lik = gmm.e_step(self.x, params)
            self.log_likelihoods.append(log_lik)
            if tol is not None and log_lik - self.log_likelihoods[-2] < tol * self.x.shape[0]:
                return

    def status(self):
        """Lines that say whether a component has collapsed or is collapsing."""
        iteration = len(self.log_likelihoods) - 1
        if self.collapsed:
            return (f"\nCOLLAPSED after iteration {iteration}: the next M-step failed. {self.collapsed}")
        sds = np.sqrt(np.linalg.eigvalsh(self.params.covariances)[:, 0])
        narrow = np.flatnonzero(sds < COLLAPSE_SD)
        if narrow.size == 0:
            return ""
        j = int(narrow[0])
        points = self.params.weights[j] * self.x.shape[0]
        held = (f", held up only by the floor sqrt(reg_covar) = {np.sqrt(self.reg_covar):.3g}"
                if self.reg_covar > 0 else "")
        return (f"\nComponent {j} is collapsing: it covers about {points:.1f} points and its narrowest "
                f"standard deviation is {sds[j]:.3g}{held}.")


def _draw(run, *, method, seed, separation, figsize=(10.0, 4.2)):
    """Return (figure, caption) for the current state of a run."""
    x, params = run.x, run.params
    iteration = len(run.log_likelihoods) - 1
    fig, (left, right) = _fixed_figure(1, 2, figsize=figsize, left=0.07, right=0.98, bottom=0.14, top=0.9,
                                       wspace=0.28)
    state = "collapsed" if run.collapsed else "colours = responsibilities"
    plotting.mixture_2d(x, params.means, params.covariances, run.resp, ax=left,
                        title=f"Iteration {iteration}: {state}")
    low, high = x.min(axis=0), x.max(axis=0)
    pad = 0.1 * (high - low)
    left.set_xlim(low[0] - pad[0], high[0] + pad[0])
    left.set_ylim(low[1] - pad[1], high[1] + pad[1])
    left.legend(loc="upper left", frameon=False, fontsize="small")
    plotting.log_likelihood_history(run.log_likelihoods, ax=right, title="Log-likelihood so far")
    right.set_xlim(-0.5, max(10, iteration) + 0.5)
    sds = np.sqrt(np.linalg.eigvalsh(params.covariances)[:, 0])
    caption = (f"{method} start, seed {seed}, separation {separation:g}, reg_covar {run.reg_covar:g}, "
               f"iteration {iteration}: log-likelihood = {run.log_likelihoods[-1]:.3f}, "
               f"weights = ({', '.join(f'{w:.3f}' for w in params.weights)}), "
               f"narrowest sd per component = ({', '.join(f'{s:.3g}' for s in sds)})")
    return fig, caption + run.status()


def _new_run(method, seed, reg_covar, separation, n_components):
    x = struggle_data(separation)
    return _Run(x, starts.start(x, n_components, method, seed=seed, reg_covar=reg_covar), reg_covar)


def struggle_stepper_figure(method="random points", seed=20, reg_covar=0.0, separation=1.0, n_components=3,
                            n_steps=0):
    """Return the experiment's figure and caption after ``n_steps`` iterations.

    The picture :func:`struggle_stepper` shows with these settings after
    pressing "step" ``n_steps`` times (it stops early if a component
    collapses), for a static copy of the experiment.

    Parameters
    ----------
    method : str
        A start method of :data:`emteach.starts.METHODS`.
    seed : int
        Seed of the start.
    reg_covar : float
        Floor added to every covariance's diagonal, >= 0.
    separation : float
        Spread of the clusters, see :func:`struggle_data`.
    n_components : int
        Number of components.
    n_steps : int
        EM iterations to run.

    Returns
    -------
    fig : matplotlib.figure.Figure
    caption : str
        Settings, iteration, log-likelihood, weights, each component's
        narrowest standard deviation, and a line when a component collapsed
        or is collapsing.
    """
    run = _new_run(method, seed, reg_covar, separation, n_components)
    run.advance(n_steps)
    return _draw(run, method=method, seed=seed, separation=separation)


def struggle_stepper():
    """Build the experiment: EM on a 2-D mixture that can fail (chapter 6).

    Returns
    -------
    ipywidgets.VBox
        Menus "start" (:data:`emteach.starts.METHODS`) and "reg_covar"
        (0, 1e-6, 1e-3, 0.1), sliders "seed" (0 to 30), "separation" (0.5
        to 2) and "components" (2 to 5), the buttons "step", "run" (up to 300
        iterations, until the log-likelihood rises by less than 1e-6 per
        point) and "reset", above an Output with the ellipses, the
        log-likelihood path and a caption that names a collapsing component.
    """
    method = widgets.Dropdown(options=starts.METHODS, value="random points", description="start")
    reg_covar = widgets.Dropdown(options=STRUGGLE_REG_COVARS, value=0.0, description="reg_covar")
    seed = _value_slider(int, "seed", 20, 0, 30, 1)
    separation = _value_slider(float, "separation", 1.0, 0.5, 2.0, 0.25)
    components = _value_slider(int, "components", 3, 2, 5, 1)
    step = widgets.Button(description="step", tooltip="one E-step and one M-step")
    run = widgets.Button(description="run", tooltip=f"up to {STRUGGLE_RUN_ITERATIONS} iterations, until it settles")
    reset = widgets.Button(description="reset", tooltip="back to the start")
    out = output_area(height="400px")
    state = {}

    def restart(change=None):
        state["run"] = _new_run(method.value, seed.value, reg_covar.value, separation.value, components.value)
        redraw()

    def advance(n_iterations, tol=None):
        state["run"].advance(n_iterations, tol)
        redraw()

    def redraw():
        show(out, *_draw(state["run"], method=method.value, seed=seed.value, separation=separation.value))

    for control in (method, reg_covar, seed, separation, components):
        control.observe(restart, names="value")
    step.on_click(lambda _: advance(1))
    run.on_click(lambda _: advance(STRUGGLE_RUN_ITERATIONS, STRUGGLE_RUN_TOL))
    reset.on_click(lambda _: restart())
    restart()
    return widgets.VBox([widgets.HBox([method, reg_covar, seed]), widgets.HBox([separation, components]),
                         widgets.HBox([step, run, reset]), out])
