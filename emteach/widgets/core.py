"""Widget experiments for the chapters.

Each experiment is a function that builds with no arguments, wires a few
ipywidgets controls to :mod:`emteach` numerics and :mod:`emteach.plotting`
figures, and returns one widget to display. Callbacks write the figure and
the caption into their ``Output`` directly (``out.outputs = ...``) instead of
``with out:``; that works the same in JupyterLab, in a headless kernel under
nbval, and in plain pytest, where setting ``control.value`` redraws at once.

Figures are built with :class:`matplotlib.figure.Figure` (not pyplot), so a
redraw never leaks a figure into the notebook cell and never touches global
pyplot state.

Redraws are cheap because each experiment builds its figure once
(:class:`LiveFigure`) and, on a move, only updates the artists that depend
on the control (``set_data`` and friends). What does not change (axes,
ticks, labels, the data behind a model) is drawn once into a cached
background; a redraw pastes it back and draws the changed artists on top
(blitting), and the PNG is encoded straight from the canvas. A new
background is drawn only when the axes' limits or the static content change.

Every control carries an accessible name (its ``description``, plain text);
choices among a few values are menus (a ``<select>`` reads its value aloud)
rather than selection sliders, whose ARIA value is an option index. Figure
text is at least :data:`FONT_SIZE` points at :data:`WIDGET_DPI`, i.e. at
least 9 pt where the image is shown at its pixel size, and captions are
HTML that wraps only between words.
"""

from __future__ import annotations

import base64
import html
import io
import warnings
from collections import OrderedDict

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.text import Text
from PIL import Image

from emteach import coins, data, density, gmm, plotting, starts

__all__ = [
    "WIDGET_DPI", "FONT_SIZE", "new_figure", "caption_record", "figure_output", "show", "output_area",
    "caption_of", "controls_of", "output_of", "figure_of", "legible", "LiveFigure",
    "normal_curve_explorer", "normal_curve_figure",
    "HISTOGRAM_RULES", "HISTOGRAM_SIZES", "HISTOGRAM_SHAPES", "BANDWIDTH_RANGE", "histogram_figure",
    "histogram_explorer",
    "LIKELIHOOD_SIZES", "LIKELIHOOD_DATA", "likelihood_grid", "likelihood_sample", "likelihood_figure",
    "likelihood_explorer",
    "AMBIGUITY_THRESHOLD", "AMBIGUITY_THRESHOLDS", "overlap_figure", "overlap_explorer",
    "EM_MODELS", "RUN_ITERATIONS", "RUN_TOL", "em_stepper_figure", "em_stepper",
    "GMM_DATASETS", "THREE_CLUSTERS", "GMM_STARTS", "GMM_REG_COVARS", "GMM_RUN_CAPS", "gmm_data", "gmm_start",
    "gmm_stepper_figure", "gmm_stepper",
]

#: Pixel density of widget figures: sharp enough, and fast to redraw.
WIDGET_DPI = 80

#: Smallest font of a widget figure, in points at :data:`WIDGET_DPI`: 11 pt
#: there is 12.2 pixels, which reads as 9.2 pt on a 96-pixel-per-inch screen
#: where the PNG is shown at its own size.
FONT_SIZE = 11.0

#: Backgrounds kept per experiment (one per set of axes limits and content).
_BACKGROUNDS = 8


def new_figure(nrows=1, ncols=1, *, figsize=(8.0, 3.6)):
    """Return a pyplot-free figure and its axes for a widget redraw.

    Parameters
    ----------
    nrows, ncols : int
        Grid of axes, as in :func:`matplotlib.pyplot.subplots`.
    figsize : tuple of float
        Width and height in inches.

    Returns
    -------
    fig : matplotlib.figure.Figure
    axes : Axes or ndarray of Axes
    """
    fig = Figure(figsize=figsize, dpi=WIDGET_DPI, layout="constrained")
    axes = fig.subplots(nrows, ncols)
    return fig, axes


def caption_record(text):
    """Return the Output record of a caption: HTML that breaks only between words.

    Parameters
    ----------
    text : str
        The caption. Its plain-text form (``text/plain``, what
        :func:`caption_of` reads) is ``text`` with one final newline.

    Returns
    -------
    dict
        A ``display_data`` record. The HTML keeps every ``name = value``
        on one line (non-breaking spaces around "=") and asks the browser
        not to break inside words or numbers (JupyterLab's text outputs use
        ``word-break: break-all``).
    """
    plain = text.rstrip("\n") + "\n"
    body = html.escape(plain.rstrip("\n")).replace(" = ", "\u00a0=\u00a0").replace("\n", "<br>")
    markup = ('<div class="emteach-caption" style="white-space: normal; word-break: normal; '
              'overflow-wrap: normal; hyphens: none; font-family: var(--jp-code-font-family, monospace); '
              f'font-size: var(--jp-code-font-size, 13px)">{body}</div>')
    return {"output_type": "display_data", "data": {"text/html": markup, "text/plain": plain},
            "metadata": {"emteach": {"caption": True}}}


def _records(png, fig, text):
    """Output records of a base64 PNG of ``fig`` and an optional caption."""
    records = [{"output_type": "display_data",
                "data": {"image/png": png, "text/plain": f"<Figure: {_axes_titles(fig)}>"},
                "metadata": {}}]
    if text:
        records.append(caption_record(text))
    return tuple(records)


def figure_output(fig, text=None):
    """Return the Output-widget records that show ``fig`` and a caption.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to render as PNG.
    text : str, optional
        A caption shown under the figure (see :func:`caption_record`), e.g.
        the parameter values, so a test can read what was drawn.

    Returns
    -------
    tuple of dict
        Output records in the notebook format, ready for ``out.outputs``.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=WIDGET_DPI)
    return _records(base64.b64encode(buffer.getvalue()).decode("ascii"), fig, text)


def _axes_titles(fig):
    """Join the titles of a figure's axes, for the plain-text view of it."""
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    return "; ".join(titles) if titles else "figure"


def show(out, fig, text=None):
    """Replace what ``out`` shows with ``fig`` and an optional caption.

    Parameters
    ----------
    out : ipywidgets.Output
        The experiment's output area.
    fig : matplotlib.figure.Figure or LiveFigure
        The new figure (a :class:`LiveFigure` is redrawn by blitting).
    text : str, optional
        Caption shown under the figure.
    """
    out.outputs = fig.records(text) if isinstance(fig, LiveFigure) else figure_output(fig, text)


def output_area(height="340px"):
    """Return an ``Output`` with a fixed height, so redraws do not flicker."""
    return widgets.Output(layout=widgets.Layout(height=height))


def caption_of(out):
    """Return the text an experiment's Output shows (for tests and readers)."""
    parts = []
    for record in out.outputs:
        if record.get("output_type") == "stream":
            parts.append(record.get("text", ""))
        elif record.get("metadata", {}).get("emteach", {}).get("caption"):
            parts.append(record["data"]["text/plain"])
    return "".join(parts)


def controls_of(widget):
    """Map each control's description to the control, searching nested boxes.

    Parameters
    ----------
    widget : ipywidgets.Widget
        An experiment as returned by one of the functions below.

    Returns
    -------
    dict of str to ipywidgets.Widget
        Every descendant with a non-empty ``description``; set
        ``controls_of(w)["bins"].value = 5`` to drive an experiment from code.
    """
    found = {}
    for child in _descendants(widget):
        description = getattr(child, "description", "")
        if description:
            found[description] = child
    return found


def output_of(widget):
    """Return the first ``Output`` inside an experiment."""
    for child in _descendants(widget):
        if isinstance(child, widgets.Output):
            return child
    raise ValueError(f"Expected a widget that contains an Output, got {type(widget).__name__}")


def _descendants(widget):
    """Yield ``widget`` and everything nested in its ``children``."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _descendants(child)


def _fixed_figure(nrows=1, ncols=1, *, figsize, **margins):
    """Return a pyplot-free figure with fixed margins and its axes.

    Like :func:`new_figure`, but the margins are given (as in
    :meth:`matplotlib.figure.Figure.subplots_adjust`) instead of solved by
    the constrained layout engine, which halves the time of a redraw.
    """
    fig = Figure(figsize=figsize, dpi=WIDGET_DPI)
    fig.subplots_adjust(**margins)
    return fig, fig.subplots(nrows, ncols)


def legible(fig, size=FONT_SIZE):
    """Raise every text of ``fig`` (ticks, labels, titles, legends) to at least ``size`` points.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    size : float
        Smallest font size in points.

    Returns
    -------
    matplotlib.figure.Figure
    """
    for ax in fig.axes:
        for tick_label in ax.get_xticklabels(which="both") + ax.get_yticklabels(which="both"):
            tick_label.set_fontsize(max(size, tick_label.get_fontsize()))
        ax.tick_params(labelsize=size)
    for text in fig.findobj(Text):
        if text.get_fontsize() < size:
            text.set_fontsize(size)
    return fig


# --- Redrawing by blitting -------------------------------------------------


def _png(canvas):
    """Encode the canvas's pixels as base64 PNG (fast zlib level)."""
    width, height = canvas.get_width_height()
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="png", compress_level=1)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


class LiveFigure:
    """A widget figure built once and redrawn by updating and blitting artists.

    Parameters
    ----------
    nrows, ncols : int
        Grid of axes.
    figsize : tuple of float
        Width and height in inches (at :data:`WIDGET_DPI`).
    **margins
        Fixed margins, as in :meth:`matplotlib.figure.Figure.subplots_adjust`.

    Attributes
    ----------
    fig : matplotlib.figure.Figure
        A complete figure at all times: ``fig.savefig`` and ``display(fig)``
        draw everything, so a static copy of an experiment is its ``fig``.
    axes : Axes or ndarray of Axes
    dynamic : list of matplotlib.artist.Artist
        The artists a control changes; everything else is background.
    key : hashable
        Names the state of the background artists (with the axes limits, it
        picks the cached background); change it with them.

    Notes
    -----
    :meth:`records` draws the background (the figure with the dynamic
    artists hidden) once per ``key`` and per set of axes limits, keeps the
    last few, and for each redraw restores the matching one and draws only
    the dynamic artists over it. Callers pass a new ``key`` whenever a
    background artist changed.
    """

    def __init__(self, nrows=1, ncols=1, *, figsize, **margins):
        self.fig, self.axes = _fixed_figure(nrows, ncols, figsize=figsize, **margins)
        self.canvas = FigureCanvasAgg(self.fig)
        self.dynamic = []
        self.key = None
        self._backgrounds = OrderedDict()

    def _limits(self):
        return tuple((ax.get_xlim(), ax.get_ylim()) for ax in self.fig.axes)

    def draw(self, key=None):
        """Bring the canvas up to date, redrawing only the dynamic artists if possible.

        ``key`` (by default the attribute ``key``) names the state of the
        background artists: a view sets it whenever it changes one of them.
        """
        full_key = (self.key if key is None else key, self._limits())
        background = self._backgrounds.get(full_key)
        if background is None:
            # Texts are blanked rather than hidden: matplotlib places an axes title
            # from its drawn extent, and a hidden title would be pushed upwards.
            texts = [a for a in self.dynamic if isinstance(a, Text) and not isinstance(a, Legend)]
            others = [a for a in self.dynamic if a not in texts]
            words = [text.get_text() for text in texts]
            shown = [artist.get_visible() for artist in others]
            for text in texts:
                text.set_text(" ")
            for artist in others:
                artist.set_visible(False)
            self.canvas.draw()
            background = self.canvas.copy_from_bbox(self.fig.bbox)
            for text, word in zip(texts, words):
                text.set_text(word)
            for artist, visible in zip(others, shown):
                artist.set_visible(visible)
            self._backgrounds[full_key] = background
            while len(self._backgrounds) > _BACKGROUNDS:
                self._backgrounds.popitem(last=False)
        else:
            self._backgrounds.move_to_end(full_key)
            self.canvas.restore_region(background)
        for artist in sorted(self.dynamic, key=lambda a: a.get_zorder()):
            if artist.get_visible():
                (artist.axes or self.fig).draw_artist(artist)

    def forget(self):
        """Drop the cached backgrounds (after a change to background artists)."""
        self._backgrounds.clear()

    def records(self, text=None, key=None):
        """Return the Output records of the current picture and a caption."""
        self.draw(key)
        return _records(_png(self.canvas), self.fig, text)


def _headroom(current, needed, *, grow=1.15, shrink=0.45):
    """Return an axis top that moves only when ``needed`` leaves (shrink, 1] of it.

    Keeps a y axis still while a control moves, so that blitting can reuse
    the background and the reader sees the data change, not the scale.
    """
    if current is None or needed > current or needed < shrink * current:
        return grow * needed if needed > 0 else 1.0
    return current


def _value_slider(kind, description, value, low, high, step, **options):
    """A slider with an accessible name, no HTML in it, and updates on release."""
    return kind(value=value, min=low, max=high, step=step, description=description, description_allow_html=False,
                continuous_update=False, style={"description_width": "initial"}, **options)


def _menu(description, options, value, **options_):
    """A drop-down menu: its label is tied to the <select>, which reads out the value shown."""
    return widgets.Dropdown(options=options, value=value, description=description, description_allow_html=False,
                            style={"description_width": "initial"}, **options_)


def _button(description, tooltip):
    """A button: its text is its accessible name."""
    return widgets.Button(description=description, tooltip=tooltip)


def _checkbox(description, value=False):
    return widgets.Checkbox(value=value, description=description, description_allow_html=False, indent=False)


def _on_change(callback, *controls):
    for control in controls:
        control.observe(callback, names="value")


def _experiment(rows, out, live):
    """Stack rows of controls above ``out``; remember the figure for :func:`figure_of`."""
    box = widgets.VBox([widgets.HBox(row) for row in rows] + [out])
    box._emteach_live = live  # a LiveFigure, or a function returning the one shown now
    return box


def figure_of(widget):
    """Return the matplotlib figure an experiment draws into (for tests and readers).

    Parameters
    ----------
    widget : ipywidgets.VBox
        An experiment built by this module.

    Returns
    -------
    matplotlib.figure.Figure
        It always holds the picture shown last, complete (``fig.savefig``
        draws it all).
    """
    live = getattr(widget, "_emteach_live", None)
    if live is None:
        raise ValueError(f"Expected an experiment built by emteach.widgets, got {type(widget).__name__}")
    return (live() if callable(live) else live).fig


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
    mean_slider = _value_slider(widgets.FloatSlider, "mean", mean, -3.0, 3.0, 0.25)
    sd_slider = _value_slider(widgets.FloatSlider, "sd", sd, 0.25, 3.0, 0.25)
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


# --- Chapters 1-3 ------------------------------------------------------------


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
    bins = _value_slider(widgets.IntSlider, "bins", 50, 1, 100, 1)
    origin = _value_slider(widgets.FloatSlider, "bin origin", 0.0, 0.0, 0.95, 0.05,
                           tooltip="shift the bins by this fraction of their width")
    size = _menu("sample size", HISTOGRAM_SIZES, 2000)
    shape = _menu("data shape", HISTOGRAM_SHAPES, "normal")
    scale = _menu("heights", (("density", "density"), ("count per bin", "count")), "density")
    kde = _checkbox("kernel estimate")
    bandwidth = widgets.FloatLogSlider(value=0.2, base=10, min=np.log10(BANDWIDTH_RANGE[0]),
                                       max=np.log10(BANDWIDTH_RANGE[1]), step=0.05, description="bandwidth",
                                       description_allow_html=False, continuous_update=False,
                                       readout_format=".3f", style={"description_width": "initial"},
                                       tooltip="the kernel's standard deviation h: the smoothing dial")
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
    mean_slider = _value_slider(widgets.FloatSlider, "mean", start_mean, means[0], means[-1], 0.1)
    sd_slider = _value_slider(widgets.FloatSlider, "sd", start_sd, sds[0], sds[-1], 0.1)
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
    distance = _value_slider(widgets.FloatSlider, "distance", 20.0, 0.0, 40.0, 1.0)
    sd = _value_slider(widgets.FloatSlider, "sd", 5.0, 1.0, 15.0, 0.5)
    ratio = _value_slider(widgets.FloatSlider, "sd ratio", 1.0, 0.25, 4.0, 0.25,
                          tooltip="sd of process 1 divided by sd of process 0")
    weight = _value_slider(widgets.FloatSlider, "weight of process 0", 1 / 3, 0.05, 0.95, 0.05,
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


# --- Chapters 4-5 ------------------------------------------------------------


def _nice_limits(low, high, pad_low=0.0, pad_high=0.0):
    """Pad [low, high] and round it outwards to multiples of a 1-2-5 step.

    Nearby states then share their axis limits, so blitting reuses their
    background instead of drawing a new one for every small change.
    """
    span = max(high - low, 1e-6 * max(1.0, abs(high)))
    low, high = low - pad_low * span, high + pad_high * span
    raw = (high - low) / 4.0
    power = 10.0 ** np.floor(np.log10(raw))
    step = power * min((m for m in (1.0, 2.0, 5.0, 10.0) if m * power >= raw), default=10.0)
    return float(np.floor(low / step) * step), float(np.ceil(high / step) * step)


def _history_view(ax, log_likelihoods, previous):
    """Axis limits for a log-likelihood history that change only now and then.

    The x axis doubles (10, 20, 40, ... iterations); the y axis, rounded out
    to 1-2-5 steps with half the climb as headroom, changes only when the
    curve leaves it: a stepper's redraws reuse the background almost always.
    """
    values = np.asarray(log_likelihoods, dtype=float)
    iteration = values.size - 1
    x_high = 10
    while x_high < iteration:
        x_high *= 2
    low, high = float(values.min()), float(values.max())
    if previous is not None:
        (x_prev, (y_low, y_high)) = previous
        if x_prev == x_high and y_low <= low and high <= y_high:
            return previous
    # Before the first step there is no climb to scale by: guess 2% of the value.
    low = min(low, high - 0.02 * abs(high)) if values.size == 1 else low
    limits = (x_high, _nice_limits(low, high, 0.05, 0.5))
    ax.set_xlim(-0.5, x_high + 0.5)
    ax.set_ylim(*limits[1])
    return limits


def _update_history(ax, lines, log_likelihoods, bounds):
    """Point a history drawn by :func:`emteach.plotting.log_likelihood_history` at new values."""
    values_line, bounds_line, gaps = lines
    steps = np.arange(len(log_likelihoods))
    values_line.set_data(steps, log_likelihoods)
    bounds_line.set_data(steps[1:], bounds)
    gaps.set_segments([[(s, b), (s, v)] for s, b, v in zip(steps[1:], bounds, log_likelihoods[1:])])


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
    theta_a = _value_slider(widgets.FloatSlider, "start theta_A", 0.6, 0.05, 0.95, 0.05)
    theta_b = _value_slider(widgets.FloatSlider, "start theta_B", 0.5, 0.05, 0.95, 0.05)
    mean_0 = _value_slider(widgets.FloatSlider, "start mean 0", 24.0, 10.0, 50.0, 1.0)
    mean_1 = _value_slider(widgets.FloatSlider, "start mean 1", 30.0, 10.0, 50.0, 1.0)
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
    components = _value_slider(widgets.IntSlider, "components", 2, 1, 5, 1)
    seed = _value_slider(widgets.IntSlider, "seed", 0, 0, 20, 1)
    start = _menu("start", GMM_STARTS, "random points")
    reg_covar = _menu("reg_covar", GMM_REG_COVARS, 1e-6)
    n_init = _value_slider(widgets.IntSlider, "best of n starts", 1, 1, 10, 1)
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

    _on_change(restart, menu, components, seed, start, reg_covar)
    step.on_click(lambda _: advance(1))
    run.on_click(run_all)
    reset.on_click(lambda _: restart())
    restart()
    return _experiment([[menu, components, seed], [start, reg_covar, n_init, cap], [step, run, reset]], out,
                       lambda: view().live)
