"""Widget experiments of chapters 0 and 1: the normal curve and the histogram explorer."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from emteach import density, plotting
from emteach.widgets._live import (
    FONT_SIZE, legible, LiveFigure, output_area, show, _button, _checkbox, _experiment, _headroom, _menu,
    _on_change, _value_slider,
)

__all__ = [
    "normal_curve_explorer", "normal_curve_figure", "HISTOGRAM_RULES", "HISTOGRAM_SIZES", "HISTOGRAM_SHAPES",
    "BANDWIDTH_RANGE", "histogram_figure", "histogram_explorer",
]

# --- Chapter 0 (welcome) -----------------------------------------------------


class _NormalCurveView:
    """The normal-curve experiment's figure: the standard curve stays, one curve moves."""

    grid = np.linspace(-6.0, 6.0, 481)

    def __init__(self):
        self.live = LiveFigure(figsize=(7.0, 3.4), left=0.1, right=0.98, bottom=0.17, top=0.9)
        ax = self.live.axes
        plotting.curve(self.grid, density.pdf(self.grid), ax=ax, color=plotting.DATA_COLOR, linestyle="--",
                       label="standard normal (mean 0, sd 1)")
        plotting.curve(self.grid, density.pdf(self.grid), ax=ax, label="mean 0.00, sd 1.00",
                       title="A normal density", xlabel="x", ylabel="density")
        self.line = ax.lines[-1]
        ax.set_xlim(self.grid[0], self.grid[-1])
        # Upper left, above the standard curve's flat left tail; the y axis leaves it room.
        self.legend = ax.legend(loc="upper left", frameon=False)
        legible(self.live.fig)
        self.live.dynamic = [self.line, self.legend]
        self.top = None

    def update(self, mean, sd):
        peak = float(density.pdf(mean, mean, sd))
        self.line.set_ydata(density.pdf(self.grid, mean, sd))
        label = f"mean {mean:.2f}, sd {sd:.2f}"
        self.line.set_label(label)
        self.legend.get_texts()[1].set_text(label)
        self.top = _headroom(self.top, 1.5 * max(peak, float(density.pdf(0.0))), grow=1.0, shrink=0.5)
        self.live.axes.set_ylim(0.0, self.top)
        return f"mean = {mean:.2f}, sd = {sd:.2f}, height of the peak = {peak:.3f}"


def normal_curve_explorer(mean=0.0, sd=1.0):
    """A first experiment: move a normal curve's mean and spread.

    The welcome chapter uses it to check that widgets work: two sliders
    redraw the density of a normal distribution beside the standard one.

    Parameters
    ----------
    mean, sd : float
        Starting values of the sliders.

    Returns
    -------
    ipywidgets.VBox
        The sliders ("mean", "sd") above the figure.
    """
    view = _NormalCurveView()
    mean_slider = _value_slider(float, "mean", mean, -3.0, 3.0, 0.25)
    sd_slider = _value_slider(float, "sd", sd, 0.25, 3.0, 0.25)
    out = output_area("320px")

    def redraw(_change=None):
        show(out, view.live, view.update(mean_slider.value, sd_slider.value))

    _on_change(redraw, mean_slider, sd_slider)
    redraw()
    return _experiment([[mean_slider, sd_slider]], out, view.live)


def normal_curve_figure(mean=0.0, sd=1.0):
    """Return the normal-curve experiment's figure and caption for one setting."""
    view = _NormalCurveView()
    caption = view.update(mean, sd)
    return view.live.fig, caption


# Chapter 1: bins, rule, bin origin, sample size and shape, kernel bandwidth.

#: The bin choices of the histogram experiment: (menu entry, ``bins`` value).
HISTOGRAM_RULES = (
    ("count (slider)", "count"),
    ("Sturges", "sturges"),
    ("Scott", "scott"),
    ("Freedman-Diaconis", "fd"),
)

#: Sample sizes offered by the histogram experiment.
HISTOGRAM_SIZES = (50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000)

#: The data shapes of the histogram experiment: (menu entry, key of
#: :data:`emteach.density.SAMPLE_SHAPES`), and the x range each is shown on.
HISTOGRAM_SHAPES = (("normal", "normal"), ("two processes", "two processes"), ("skewed", "skewed"),
                    ("with outliers", "outliers"))
_SHAPE_XLIM = {"normal": (-4.5, 4.5), "two processes": (-4.5, 4.5), "skewed": (-3.0, 6.0),
               "outliers": (-12.0, 12.0)}

#: Kernel bandwidths offered by the smoothing dial (log-spaced).
BANDWIDTH_RANGE = (0.02, 2.0)


def _histogram_pool(shape, seed, draw):
    """The 20,000 draws of one shape; draw 0 of "normal" is chapter 1's sample."""
    size = max(HISTOGRAM_SIZES)
    if shape == "normal" and draw == 0:
        return np.random.default_rng(seed).standard_normal(size)
    return density.sample_shape(shape, size, seed=np.random.default_rng([seed, draw, len(shape)]))


class _HistogramView:
    """The histogram experiment's figure: bars, the true density and a kernel estimate."""

    def __init__(self, figsize=(8.0, 3.6), n_grid=240):
        self.live = LiveFigure(figsize=figsize, left=0.09, right=0.98, bottom=0.15, top=0.9)
        ax = self.live.axes
        self.n_grid = n_grid
        plotting.histogram([0.0], [0.0, 1.0], ax=ax, label="histogram")
        self.fill, self.outline = ax.patches[-2:]
        plotting.curve(np.zeros(2), np.zeros(2), ax=ax, color=plotting.PALETTE[0], label="true density")
        self.truth = ax.lines[-1]
        plotting.curve(np.zeros(2), np.zeros(2), ax=ax, color=plotting.PALETTE[1], linestyle="--",
                       label="kernel density estimate")
        self.estimate = ax.lines[-1]
        self.legend = ax.legend(loc="upper right", frameon=False)
        plotting.label_axes(ax, "histogram", "x", "density", legend=False)
        legible(self.live.fig)
        self.live.dynamic = [self.fill, self.outline, self.truth, self.estimate, self.legend, ax.title]
        self.top = None
        self.scale_key = None

    def update(self, x, bins=50, *, shape="normal", true_density=(0.0, 1.0), kde=False, bandwidth="scott",
               origin=0.0, counts=False, xlim=None):
        ax = self.live.axes
        x = np.asarray(x, dtype=float)
        heights, edges = density.histogram(x, bins, density=not counts, origin=origin)
        n_bins = edges.size - 1
        width = float(edges[1] - edges[0])
        scale = x.size * width if counts else 1.0  # counts per bin = n * width * density
        xlim = _SHAPE_XLIM.get(shape, (-4.5, 4.5)) if xlim is None else xlim
        grid = np.linspace(xlim[0], xlim[1], self.n_grid)
        rule = "count" if not isinstance(bins, str) else bins
        self.fill.set_data(heights, edges)
        self.outline.set_data(heights, edges)
        self.fill.set_label(f"histogram, {n_bins} bins")
        top = float(np.max(heights))
        reference = None
        if true_density is not None:
            reference = scale * (density.pdf(grid, *true_density) if shape == "normal"
                                 else density.shape_pdf(shape, grid))
            top = max(top, float(np.max(reference)))
            self.truth.set_data(grid, reference)
        self.truth.set_visible(reference is not None)
        h = None
        if kde:
            h = density.kde_bandwidth(x, bandwidth)
            estimate = scale * density.kde(x, grid, bandwidth=h)
            top = max(top, float(np.max(estimate)))
            self.estimate.set_data(grid, estimate)
        self.estimate.set_visible(bool(kde))
        labels = [f"histogram, {n_bins} bins"]
        handles = [self.fill]
        if reference is not None:
            name = (f"true density N({true_density[0]:g}, {true_density[1]:g}\u00b2)"
                    if shape == "normal" else f"true density ({shape})")
            labels.append(name)
            handles.append(self.truth)
        if kde:
            labels.append(f"kernel estimate, h = {h:.3f}")
            handles.append(self.estimate)
        self.live.dynamic.remove(self.legend)
        self.legend.remove()
        self.legend = ax.legend(handles, labels, loc="upper right", frameon=False, fontsize=FONT_SIZE)
        self.live.dynamic.append(self.legend)
        # The y axis moves only when the picture outgrows it or shrinks well below it
        # (or the data or the scale change), and leaves room for the legend.
        scale_key = (shape, counts)
        if scale_key != self.scale_key:
            self.top, self.scale_key = None, scale_key
        self.top = _headroom(self.top, 1.45 * top)
        ax.set_xlim(*xlim)
        ax.set_ylim(0.0, self.top)
        ax.set_ylabel("count per bin" if counts else "density")
        self.live.key = counts  # the y label is part of the background
        ax.set_title(f"{x.size} points, {n_bins} bins ({rule}), bin width {width:.3f}")
        caption = f"sample size = {x.size}, rule = {rule}, bins = {n_bins}, bin width = {width:.3f}"
        if origin:
            caption += f", bin origin shifted by {origin:.2f} of a bin"
        if counts:
            caption += ", heights = counts per bin"
        if kde:
            caption += f", kernel bandwidth = {h:.3f}"
        return caption


def histogram_figure(x, bins=50, *, kde=False, true_density=(0.0, 1.0), xlim=(-4.5, 4.5), figsize=(8.0, 3.6),
                     bandwidth="scott", origin=0.0, counts=False, shape="normal"):
    """Return the histogram experiment's figure and caption for one setting.

    Parameters
    ----------
    x : array_like of shape (n,)
        The sample.
    bins : int or {"sturges", "scott", "fd"}
        Number of bins, or the rule that chooses it.
    kde : bool
        Also draw the Gaussian kernel density estimate.
    true_density : tuple of float or None
        (mean, sd) of the Gaussian the sample came from, drawn for
        comparison (for another ``shape``, any value draws that shape's
        density); None draws no reference curve.
    xlim : tuple of float
        Range of the x axis, fixed so that settings compare at a glance.
    figsize : tuple of float
        Width and height in inches.
    bandwidth : float or {"scott", "silverman"}
        The kernel's standard deviation, or the rule for it.
    origin : float in [0, 1)
        Shift of the bins, as a fraction of their width
        (:func:`emteach.density.bin_edges`).
    counts : bool
        Bar heights are counts per bin (curves scaled to match) instead of
        densities.
    shape : str
        The key of :data:`emteach.density.SAMPLE_SHAPES` the sample came
        from, for the reference curve.

    Returns
    -------
    fig : matplotlib.figure.Figure
    caption : str
        The sample size, rule, number of bins and bin width drawn (and the
        bin origin and kernel bandwidth when they are used).
    """
    view = _HistogramView(figsize=figsize)
    caption = view.update(x, bins, shape=shape, true_density=true_density, kde=kde, bandwidth=bandwidth,
                          origin=origin, counts=counts, xlim=xlim)
    return view.live.fig, caption


def histogram_explorer(seed=0):
    """Build the experiment on bins, bin-width rules, sample size and shape, and smoothing (chapter 1).

    The sample of size n is the first n of 20,000 draws of the chosen
    shape made with ``seed``, so a larger sample keeps the points of a
    smaller one; with the default seed, n = 2000 of the normal shape is
    chapter 1's sample. "new sample" draws another 20,000.

    Parameters
    ----------
    seed : int
        Seed of the draws.

    Returns
    -------
    ipywidgets.VBox
        Controls "rule", "bins", "bin origin", "sample size", "data shape",
        "heights", "kernel estimate", "bandwidth" and "new sample", above an
        Output showing :func:`histogram_figure` and its caption.
    """
    view = _HistogramView()
    rule = _menu("rule", HISTOGRAM_RULES, "count")
    bins = _value_slider(int, "bins", 50, 1, 100, 1)
    origin = _value_slider(float, "bin origin", 0.0, 0.0, 0.95, 0.05,
                           tooltip="shift the bins by this fraction of their width")
    size = _menu("sample size", HISTOGRAM_SIZES, 2000)
    shape = _menu("data shape", HISTOGRAM_SHAPES, "normal")
    scale = _menu("heights", (("density", "density"), ("count per bin", "count")), "density")
    kde = _checkbox("kernel estimate")
    # A plain slider, not a FloatLogSlider: a log slider's handle announces the exponent (-0.7)
    # to a screen reader while its readout shows the bandwidth (0.200).
    bandwidth = _value_slider(float, "bandwidth", 0.2, BANDWIDTH_RANGE[0], BANDWIDTH_RANGE[1], 0.01,
                              readout_format=".2f", tooltip="the kernel's standard deviation h: the smoothing dial")
    new_sample = _button("new sample", "draw another sample of the same shape")
    out = output_area("330px")
    state = {"draw": 0}
    pools = {}

    def pool():
        key = (shape.value, state["draw"])
        if key not in pools:
            pools.clear()
            pools[key] = _histogram_pool(shape.value, seed, state["draw"])
        return pools[key]

    def redraw(change=None):
        bins.disabled = rule.value != "count"
        if change is not None and change.get("owner") is bandwidth and not kde.value:
            kde.value = True  # moving the dial asks to see the estimate; that redraws
            return
        chosen = bins.value if rule.value == "count" else rule.value
        caption = view.update(pool()[: size.value], chosen, shape=shape.value, kde=kde.value,
                              bandwidth=bandwidth.value, origin=origin.value, counts=scale.value == "count")
        show(out, view.live, caption)

    def resample(_button=None):
        state["draw"] += 1
        redraw()

    _on_change(redraw, rule, bins, origin, size, shape, scale, kde, bandwidth)
    new_sample.on_click(resample)
    redraw()
    return _experiment([[rule, bins, origin], [shape, size, scale, new_sample], [kde, bandwidth]], out, view.live)
