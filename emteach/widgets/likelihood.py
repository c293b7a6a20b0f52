"""Widget experiment of chapter 2: the mean and sd against the log-likelihood."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from emteach import data, density, plotting
from emteach.widgets._live import (
    legible, LiveFigure, output_area, show, _button, _experiment, _headroom, _menu, _on_change, _value_slider,
)

__all__ = [
    "LIKELIHOOD_SIZES", "LIKELIHOOD_DATA", "likelihood_grid", "likelihood_sample", "likelihood_figure",
    "likelihood_explorer",
]

# Chapter 2: the mean and sd against the log-likelihood.

#: Sample sizes offered by the likelihood experiment.
LIKELIHOOD_SIZES = (10, 50, 200, 1000, 4000)

#: The likelihood experiment's data: (menu entry, key).
LIKELIHOOD_DATA = (("one process", "one"), ("two processes", "two"))

#: Drops below the maximum at which the surface is contoured (as
#: :func:`emteach.plotting.log_likelihood_surface` does).
_DEPTHS = (1, 2, 5, 10, 20, 50, 100, 200, 500)


def likelihood_grid(x, n_means=81, n_sds=61):
    """Return the grid of means and sds on which the likelihood experiment draws.

    Parameters
    ----------
    x : array_like of shape (n,)
        The sample.
    n_means, n_sds : int
        Grid sizes.

    Returns
    -------
    means : ndarray of shape (n_means,)
        From the sample mean minus to plus two sample sds, ends rounded to 0.1.
    sds : ndarray of shape (n_sds,)
        From 0.3 to 2 sample sds, ends rounded to 0.1 (and at least 0.1).
    """
    x = np.asarray(x, dtype=float)
    center, spread = float(np.mean(x)), max(float(np.std(x)), 0.1)
    means = np.linspace(round(center - 2.0 * spread, 1), round(center + 2.0 * spread, 1), n_means)
    sds = np.linspace(max(round(0.3 * spread, 1), 0.1), round(2.0 * spread, 1), n_sds)
    return means, sds


def likelihood_sample(key="one", seed=0, draw=0):
    """Return the likelihood experiment's data.

    Parameters
    ----------
    key : {"one", "two"}
        The first process of :func:`emteach.data.two_processes` (4,000
        draws of N(20, 5^2)), or both processes (12,000 points, shuffled so
        that the first n hold both in proportion).
    seed : int
        Seed of the draws.
    draw : int
        0 for the chapter's sample; 1, 2, ... for new samples.

    Returns
    -------
    ndarray of shape (n,)
    """
    if key not in dict((k, v) for v, k in LIKELIHOOD_DATA):
        raise ValueError(f"Expected data among {[k for _, k in LIKELIHOOD_DATA]}, got {key!r}")
    x, z = data.two_processes(seed=seed if draw == 0 else np.random.default_rng([seed, draw]))
    if key == "one":
        return x[z == 0]
    return x[np.random.default_rng(seed).permutation(x.size)]


class _LikelihoodView:
    """The likelihood experiment's figure: the sample with two Gaussians, and the surface."""

    def __init__(self, figsize=(10.0, 3.8)):
        self.live = LiveFigure(1, 2, figsize=figsize, left=0.07, right=0.97, bottom=0.15, top=0.9, wspace=0.32)
        self.left, self.right = self.live.axes
        self.sample_key = None
        self.top = None

    def _set_sample(self, x, means, sds):
        """Draw what depends on the sample only: histogram, MLE curve, surface, best point."""
        left, right = self.left, self.right
        self.best = density.gaussian_mle(x)
        self.grid = np.linspace(means[0] - sds[-1], means[-1] + sds[-1], 300)
        heights, edges = density.histogram(x, "fd")
        self.hist_top = float(np.max(heights))
        surface = density.log_likelihood_grid(x, means, sds)
        if self.sample_key is not None:
            self._move_sample(x, means, sds, heights, edges, surface)
            return
        plotting.histogram(heights, edges, ax=left, label=f"{x.size} data points")
        plotting.curve(self.grid, density.pdf(self.grid, *self.best), ax=left, color=plotting.PALETTE[7],
                       linestyle="--", linewidth=1.5, label="maximum likelihood")
        plotting.curve(self.grid, density.pdf(self.grid, *self.best), ax=left, color=plotting.PALETTE[5],
                       label="your choice")
        self.choice = left.lines[-1]
        left.set_xlim(self.grid[0], self.grid[-1])
        plotting.label_axes(left, "log-likelihood", "x", "density", legend=False)
        self.legend = left.legend(loc="upper left", frameon=False)
        plotting.log_likelihood_surface(means, sds, surface, point=self.best, best=self.best, ax=right,
                                        depths=_DEPTHS, label_contours=False,
                                        title="Log-likelihood (star: best, dot: yours)")
        if right.get_legend() is not None:
            right.get_legend().remove()  # it would cover the surface; the title names the markers
        self.point = right.lines[-1]
        right.set_xlim(means[0], means[-1])
        right.set_ylim(sds[0], sds[-1])
        legible(self.live.fig)
        self._set_dynamic()
        self.top = None

    def _set_dynamic(self):
        """Everything that depends on the sample or the choice is redrawn over a background of axes only."""
        left, right = self.left, self.right
        surface = [c for c in right.collections if hasattr(c, "levels")][:2]
        self.live.dynamic = [*left.patches[:2], left.lines[0], self.choice, self.legend, left.title, *surface,
                             right.lines[0], self.point]

    def _move_sample(self, x, means, sds, heights, edges, surface):
        """Point the sample's artists at another sample (the background is redrawn or reused)."""
        left, right = self.left, self.right
        for bars in left.patches[:2]:
            bars.set_data(heights, edges)
        self.legend.get_texts()[0].set_text(f"{x.size} data points")
        left.lines[0].set_data(self.grid, density.pdf(self.grid, *self.best))
        self.choice.set_xdata(self.grid)
        left.set_xlim(self.grid[0], self.grid[-1])
        # The same levels and colours as plotting.log_likelihood_surface, so its colour bar still holds.
        filled, lines = [c for c in right.collections if hasattr(c, "levels")][:2]
        drop = (np.max(surface) - surface).T
        options = {"zorder": filled.get_zorder()}
        filled.remove()
        lines.remove()
        right.contourf(means, sds, drop, levels=filled.levels, cmap=filled.get_cmap(), extend="max", **options)
        right.contour(means, sds, drop, levels=lines.levels, colors="white", linewidths=0.6, **options)
        right.lines[0].set_data([self.best[0]], [self.best[1]])
        right.set_xlim(means[0], means[-1])
        right.set_ylim(sds[0], sds[-1])
        self._set_dynamic()
        self.top = None

    def update(self, x, mean, sd, *, means=None, sds=None, sample_key=None):
        x = np.asarray(x, dtype=float)
        if means is None or sds is None:
            default_means, default_sds = likelihood_grid(x)
            means = default_means if means is None else means
            sds = default_sds if sds is None else sds
        key = (sample_key, x.size, float(x[0]), float(means[0]), float(sds[-1])) if sample_key is not None else None
        if key is None or key != self.sample_key:
            self._set_sample(x, np.asarray(means, dtype=float), np.asarray(sds, dtype=float))
            self.sample_key = key
        current = density.log_likelihood(x, mean, sd)
        top = density.log_likelihood(x, *self.best)
        values = density.pdf(self.grid, mean, sd)
        self.choice.set_ydata(values)
        label = f"N({mean:.1f}, {sd:.1f}\u00b2): your choice"
        self.choice.set_label(label)
        self.legend.get_texts()[-1].set_text(label)
        self.point.set_data([mean], [sd])
        self.left.set_title(f"log-likelihood {current:.1f} (best {top:.1f})")
        self.top = _headroom(self.top, 1.4 * max(self.hist_top, float(np.max(values))))
        self.left.set_ylim(0.0, self.top)
        return (f"sample size = {x.size}, mean = {mean:.2f}, sd = {sd:.2f}: log-likelihood = {current:.2f}; "
                f"maximum {top:.2f} at mean = {self.best[0]:.2f}, sd = {self.best[1]:.2f} "
                f"({top - current:.2f} below it)")


def likelihood_figure(x, mean, sd, *, means=None, sds=None, figsize=(10.0, 3.8)):
    """Return the likelihood experiment's figure and caption for one setting.

    Left: the sample's histogram with the Gaussian of the chosen ``mean`` and
    ``sd`` and the maximum-likelihood Gaussian. Right: the log-likelihood over
    a grid of means and sds with the chosen point and the maximum.

    Parameters
    ----------
    x : array_like of shape (n,)
        The sample.
    mean, sd : float
        The Gaussian to try.
    means : array_like of shape (n_means,), optional
        Grid of means for the surface; :func:`likelihood_grid` of ``x`` by default.
    sds : array_like of shape (n_sds,), optional
        Grid of sds (all > 0); :func:`likelihood_grid` of ``x`` by default.
    figsize : tuple of float
        Width and height in inches.

    Returns
    -------
    fig : matplotlib.figure.Figure
    caption : str
        The sample size, the chosen mean and sd, their log-likelihood, and
        the maximum-likelihood estimates with theirs.
    """
    view = _LikelihoodView(figsize=figsize)
    caption = view.update(x, mean, sd, means=means, sds=sds)
    return view.live.fig, caption


def likelihood_explorer(x=None, *, mean=None, sd=None, size=200, seed=0):
    """Build the experiment on a Gaussian's mean and sd against its log-likelihood (chapter 2).

    Parameters
    ----------
    x : array_like of shape (n,), optional
        The sample; by default the 4,000 draws of the source article's first
        process, N(20, 5^2), made by :func:`emteach.data.two_processes` with
        ``seed`` (see :func:`likelihood_sample`). The sample size control
        takes its first n points.
    mean, sd : float, optional
        Starting values of the sliders; by default well away from the
        maximum, so that there is something to find.
    size : int
        Starting sample size, one of :data:`LIKELIHOOD_SIZES` or ``len(x)``.
    seed : int
        Seed of the default sample and of the new samples.

    Returns
    -------
    ipywidgets.VBox
        Sliders "mean" and "sd", menus "sample size" and "data", buttons
        "new sample" (another draw: watch the maximum move) and "jump to the
        MLE", above an Output showing :func:`likelihood_figure` and its
        caption. With "two processes" the best single Gaussian still fits
        the two humps badly.
    """
    given = None if x is None else np.asarray(x, dtype=float)
    view = _LikelihoodView()
    state = {"draw": 0}

    def sample():
        if given is not None and state["draw"] == 0 and which.value == "one":
            return given
        return likelihood_sample(which.value, seed, state["draw"])

    which = _menu("data", LIKELIHOOD_DATA, "one")
    x0 = sample()
    sizes = tuple(n for n in LIKELIHOOD_SIZES if n < x0.size) + (x0.size,)
    means, sds = likelihood_grid(x0)
    start_mean = round(float(np.mean(x0) - 0.6 * np.std(x0)), 1) if mean is None else mean
    start_sd = round(float(1.4 * np.std(x0)), 1) if sd is None else sd
    mean_slider = _value_slider(float, "mean", start_mean, means[0], means[-1], 0.1)
    sd_slider = _value_slider(float, "sd", start_sd, sds[0], sds[-1], 0.1)
    size_menu = _menu("sample size", sizes, size if size in sizes else sizes[-1])
    new_sample = _button("new sample", "draw another sample from the same processes")
    jump = _button("jump to the MLE", "move mean and sd to the maximum-likelihood estimates")
    out = output_area("370px")
    grids = {"key": None, "means": means, "sds": sds}
    quiet = {"on": False}

    def redraw(change=None):
        if quiet["on"]:
            return
        x_all = sample()
        key = (which.value, state["draw"])
        if key != grids["key"]:
            grids["means"], grids["sds"] = likelihood_grid(x_all)
            grids["key"] = key
        x_now = x_all[: size_menu.value]
        show(out, view.live, view.update(x_now, mean_slider.value, sd_slider.value, means=grids["means"],
                                         sds=grids["sds"], sample_key=key))

    def change_data(change=None):
        x_all = sample()
        means_, sds_ = likelihood_grid(x_all)
        quiet["on"] = True
        try:
            sizes_ = tuple(n for n in LIKELIHOOD_SIZES if n < x_all.size) + (x_all.size,)
            keep = size_menu.value if size_menu.value in sizes_ else sizes_[-1]
            size_menu.options = sizes_
            size_menu.value = keep
            for slider, low, high, value in ((mean_slider, means_[0], means_[-1], np.mean(x_all) - 0.6 * np.std(x_all)),
                                             (sd_slider, sds_[0], sds_[-1], 1.4 * np.std(x_all))):
                slider.min, slider.max = min(slider.min, low), max(slider.max, high)
                slider.value = round(float(value), 1)
                slider.min, slider.max = low, high
        finally:
            quiet["on"] = False
        redraw()

    def resample(_button=None):
        state["draw"] += 1
        redraw()

    def to_mle(_button=None):
        best = density.gaussian_mle(sample()[: size_menu.value])
        quiet["on"] = True
        try:
            mean_slider.value = best[0]
        finally:
            quiet["on"] = False
        sd_slider.value = best[1]
        if sd_slider.value == best[1] and mean_slider.value == best[0]:
            redraw()

    _on_change(redraw, mean_slider, sd_slider, size_menu)
    which.observe(change_data, names="value")
    new_sample.on_click(resample)
    jump.on_click(to_mle)
    redraw()
    return _experiment([[mean_slider, sd_slider], [which, size_menu, new_sample, jump]], out, view.live)
