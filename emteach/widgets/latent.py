"""Widget experiment of chapter 3: how far apart two processes are against label ambiguity."""

from __future__ import annotations

import warnings

import ipywidgets as widgets
import numpy as np

from emteach import data, density, gmm, plotting
from emteach.widgets._live import (
    FONT_SIZE, legible, LiveFigure, output_area, show, _checkbox, _experiment, _headroom, _menu, _on_change,
    _value_slider,
)

__all__ = [
    "AMBIGUITY_THRESHOLD", "AMBIGUITY_THRESHOLDS", "overlap_figure", "overlap_explorer",
]

# Chapter 3: how far apart the two processes are against label ambiguity.

#: A point's label is called ambiguous when its largest responsibility is below this.
AMBIGUITY_THRESHOLD = 0.9

#: Certainty thresholds offered by the overlap experiment.
AMBIGUITY_THRESHOLDS = (0.9, 0.99)

#: Fixed view of the overlap experiment: the midpoint of the means -+ this.
_OVERLAP_HALF_WIDTH = 45.0


class _OverlapView:
    """The overlap experiment's figure: data by true label with the components, and responsibilities.

    Built once on a fixed x range (the midpoint of the means -+ 45); a
    redraw moves the bars, curves, shading and crossing lines and blits them.
    """

    def __init__(self, center=30.0, figsize=(8.0, 5.6), n_grid=300, n_bins=60):
        self.live = LiveFigure(2, 1, figsize=figsize, left=0.1, right=0.98, bottom=0.09, top=0.94, hspace=0.45)
        top, bottom = self.live.axes
        self.center, self.n_bins = center, n_bins
        self.grid = grid = np.linspace(center - _OVERLAP_HALF_WIDTH, center + _OVERLAP_HALF_WIDTH, n_grid)
        flat = np.zeros((2, n_bins))
        plotting.stacked_histogram(flat, np.linspace(grid[0], grid[-1], n_bins + 1),
                                   labels=[f"points from process {k}" for k in range(2)], ax=top, title=" ",
                                   xlabel=None, ylabel="density")
        self.bars = list(top.patches[-3:])
        for k, color in enumerate(plotting.colors(2)):
            plotting.curve(grid, np.zeros_like(grid), ax=top, color=color, label=f"component {k}")
        for k in range(2):
            plotting.curve(grid, np.zeros_like(grid), ax=top, color=plotting.PALETTE[7], linestyle=":",
                           linewidth=1.8, label="fitted by EM" if k == 0 else None)
        self.curves = list(top.lines[-4:])
        top.set_xlim(grid[0], grid[-1])
        half = np.full((grid.size, 2), 0.5)
        plotting.responsibility_curve(grid, half, labels=["process 0", "process 1"], threshold=AMBIGUITY_THRESHOLD,
                                      ax=bottom, title=" ")
        self.shade = bottom.collections[-1]
        self.resp_lines = list(bottom.lines[-2:])
        plotting.vertical_lines([grid[0], grid[0]], ax=bottom, linestyles=[":", ":"])
        self.crossing_lines = list(bottom.lines[-2:])
        for line in self.crossing_lines:
            line.set_color(plotting.PALETTE[7])
            line.set_linewidth(1.2)
        bottom.set_xlim(grid[0], grid[-1])
        bottom.set_ylim(-0.03, 1.5)
        bottom.set_yticks([0.0, 0.5, 1.0])
        self.top_legend = top.legend()
        self.bottom_legend = bottom.legend()
        legible(self.live.fig)
        self.y_top = None

    def _legends(self, threshold, fit):
        """Legends with fixed labels (the numbers are in the titles and caption): background."""
        if self.live.key == (threshold, fit):
            return
        top, bottom = self.live.axes
        self.top_legend.remove()
        self.bottom_legend.remove()
        handles = self.bars[:2] + self.curves[:2] + ([self.curves[2]] if fit else [])
        names = ["points from process 0", "points from process 1", "process 0 \u00d7 its weight",
                 "process 1 \u00d7 its weight", "fitted by EM"][: len(handles)]
        self.top_legend = top.legend(handles, names, loc="upper left", frameon=False, ncol=2, fontsize=FONT_SIZE)
        self.bottom_legend = bottom.legend([self.shade, *self.resp_lines],
                                           [f"max responsibility < {threshold:g}", "process 0", "process 1"],
                                           loc="upper left", frameon=False, ncol=3, fontsize=FONT_SIZE)
        self.live.key = (threshold, fit)

    def update(self, distance=20.0, sd=5.0, *, n=(4000, 8000), threshold=AMBIGUITY_THRESHOLD, seed=0,
               sd_ratio=1.0, weight=None, fit=False):
        top, bottom = self.live.axes
        grid = self.grid
        total = int(np.sum(n))
        if weight is not None:
            first = min(max(int(round(weight * total)), 1), total - 1)
            n = (first, total - first)
        sds = (sd, sd * sd_ratio)
        means = (self.center - distance / 2.0, self.center + distance / 2.0)
        x, z = data.two_processes(n=n, means=means, sds=sds, seed=seed)
        weights = np.asarray(n, dtype=float) / np.sum(n)
        params = gmm.GMMParams.from_1d(weights, means, sds)
        resp, _ = gmm.e_step(x, params)
        ambiguous = float(np.mean(resp.max(axis=1) < threshold))
        agree = float(np.mean(np.argmax(resp, axis=1) == z))
        grid_resp, _ = gmm.e_step(grid, params)
        edges = np.linspace(grid[0], grid[-1], self.n_bins + 1)
        shares = np.vstack([np.histogram(x[z == k], bins=edges)[0] for k in range(2)]) / (x.size * np.diff(edges))
        components = gmm.component_densities(grid, params)
        crossings = density.crossing_points(weights, means, sds)

        tops = np.cumsum(shares, axis=0)
        self.bars[0].set_data(tops[0], edges, baseline=0.0)
        self.bars[1].set_data(tops[1], edges, baseline=tops[0])
        self.bars[2].set_data(tops[1], edges)
        for k in range(2):
            self.curves[k].set_ydata(components[:, k])
        estimate = None
        if fit:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", gmm.ConvergenceWarning)
                estimate = gmm.fit(x, 2, seed=seed, max_iter=300).params
            order = np.argsort(estimate.means[:, 0])
            est_weights = estimate.weights[order]
            est_means = estimate.means[order, 0]
            est_sds = np.sqrt(estimate.covariances[order, 0, 0])
            fitted = gmm.component_densities(grid, gmm.GMMParams.from_1d(est_weights, est_means, est_sds))
            for k in range(2):
                self.curves[2 + k].set_ydata(fitted[:, k])
        for line in self.curves[2:]:
            line.set_visible(estimate is not None)
        needed = float(max(np.max(tops[1]), np.max(components)))
        self.y_top = _headroom(self.y_top, 1.75 * needed)
        top.set_ylim(0.0, self.y_top)
        top.set_title(f"{weights[0]:.2f} \u00d7 N({means[0]:.1f}, {sds[0]:.1f}\u00b2) + "
                      f"{weights[1]:.2f} \u00d7 N({means[1]:.1f}, {sds[1]:.1f}\u00b2)")
        self.shade.set_data(grid, 0.0, 1.0, where=grid_resp.max(axis=1) < threshold)
        for k in range(2):
            self.resp_lines[k].set_ydata(grid_resp[:, k])
        for line, where in zip(self.crossing_lines, list(crossings[:2]) + [None, None]):
            line.set_visible(where is not None)
            if where is not None:
                line.set_xdata([where, where])
        bottom.set_title(f"{100 * ambiguous:.1f}% of the points are ambiguous (max responsibility < {threshold:g})")
        self._legends(threshold, estimate is not None)
        self.live.dynamic = [*self.bars, *self.curves, top.title, self.shade, *self.resp_lines,
                             *self.crossing_lines, bottom.title]
        where = ", ".join(f"{c + 0.0:.1f}".replace("-0.0", "0.0") for c in crossings) if crossings.size else "none"
        caption = (
            f"distance between means = {distance:.1f}, sd = {sd:.1f}: {100 * ambiguous:.1f}% of the points "
            f"have max responsibility < {threshold:g}; the most responsible process is the true one "
            f"for {100 * agree:.1f}%"
        )
        if sd_ratio != 1.0 or weight is not None:
            caption += (f"; sds = ({sds[0]:.1f}, {sds[1]:.1f}), weights = ({weights[0]:.2f}, {weights[1]:.2f}), "
                        f"responsibilities cross at x = {where}")
        if estimate is not None:
            caption += (f"; EM estimates: weights = ({est_weights[0]:.2f}, {est_weights[1]:.2f}), "
                        f"means = ({est_means[0]:.1f}, {est_means[1]:.1f}), "
                        f"sds = ({est_sds[0]:.1f}, {est_sds[1]:.1f})")
        return caption


def overlap_figure(distance=20.0, sd=5.0, *, n=(4000, 8000), center=30.0,
                   threshold=AMBIGUITY_THRESHOLD, seed=0, figsize=(8.0, 5.4), sd_ratio=1.0, weight=None,
                   fit=False):
    """Return the overlap experiment's figure and caption for one setting.

    Two Gaussian processes with means ``center -+ distance / 2``, sds ``sd``
    and ``sd * sd_ratio``, ``n[0]`` and ``n[1]`` points each (the source
    article's data by default). Top: the data's histogram coloured by the
    true label, with the weighted component densities (and, with ``fit``,
    the components EM estimates from the data alone). Bottom: each
    process's responsibility, by Bayes' rule with the true parameters,
    against x, the ambiguous range shaded and the crossing points marked.

    Parameters
    ----------
    distance : float
        Distance between the two means, >= 0.
    sd : float
        Standard deviation of process 0, > 0.
    n : tuple of int
        Points drawn from each process.
    center : float
        Midpoint of the two means.
    threshold : float
        A point is ambiguous when its largest responsibility is below this.
    seed : int
        Seed of the data (and of EM's random start).
    figsize : tuple of float
        Width and height in inches.
    sd_ratio : float
        sd of process 1 divided by that of process 0 (unequal sds give two
        crossing points).
    weight : float, optional
        Share of process 0 in the sum(n) points; ``n``'s split by default.
    fit : bool
        Also fit a two-component mixture by EM (:func:`emteach.gmm.fit`)
        and draw and report its estimates.

    Returns
    -------
    fig : matplotlib.figure.Figure
    caption : str
        The distance, the sd, the fraction of ambiguous points, and how often
        the most responsible process is the true one (then, when used, the
        sds, weights, crossing points and EM's estimates).
    """
    view = _OverlapView(center=center, figsize=figsize)
    caption = view.update(distance, sd, n=n, threshold=threshold, seed=seed, sd_ratio=sd_ratio, weight=weight,
                          fit=fit)
    return view.live.fig, caption


def overlap_explorer(seed=0):
    """Build the experiment on overlapping processes and ambiguous labels (chapter 3).

    Parameters
    ----------
    seed : int
        Seed of the data, redrawn for every setting.

    Returns
    -------
    ipywidgets.VBox
        Sliders "distance", "sd", "sd ratio" and "weight of process 0", a
        "certainty threshold" menu (0.9 or 0.99) and a "fit by EM" switch,
        above an Output showing :func:`overlap_figure` and its caption.
    """
    view = _OverlapView()
    distance = _value_slider(float, "distance", 20.0, 0.0, 40.0, 1.0)
    sd = _value_slider(float, "sd", 5.0, 1.0, 15.0, 0.5)
    ratio = _value_slider(float, "sd ratio", 1.0, 0.25, 4.0, 0.25,
                          tooltip="sd of process 1 divided by sd of process 0")
    # Steps of 1/60 from 0.05 hit the article's 1/3 exactly (a browser's range input snaps to its steps).
    weight = _value_slider(float, "weight of process 0", 1 / 3, 0.05, 0.95, 1 / 60,
                           readout_format=".2f")
    threshold = _menu("certainty threshold", AMBIGUITY_THRESHOLDS, AMBIGUITY_THRESHOLD)
    fit = _checkbox("fit by EM")
    out = output_area("500px")

    def redraw(change=None):
        share = None if abs(weight.value - 1 / 3) < 1e-9 else weight.value
        show(out, view.live, view.update(distance.value, sd.value, seed=seed, sd_ratio=ratio.value, weight=share,
                                         threshold=threshold.value, fit=fit.value))

    _on_change(redraw, distance, sd, ratio, weight, threshold, fit)
    redraw()
    return _experiment([[distance, sd, ratio], [weight, threshold, fit]], out, view.live)
