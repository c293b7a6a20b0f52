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
numbers are :class:`~emteach.widgets._slider.ValueSlider` (a native range
input tied to its label; ipywidgets' own slider has no accessible name), and
choices among a few values are menus (a ``<select>`` reads its value aloud)
rather than selection sliders, whose ARIA value is an option index. Figure
text is at least :data:`FONT_SIZE` points at :data:`WIDGET_DPI`, i.e. at
least 9 pt where the image is shown at its pixel size, and captions are
HTML that wraps only between words.

This module holds that shared machinery (figures, captions, outputs, the
control builders and the log-likelihood history helpers); the experiments
live in one module per topic (:mod:`emteach.widgets.histograms`, ...).
"""

from __future__ import annotations

import base64
import html
import io
from collections import OrderedDict

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.text import Text
from PIL import Image

from ._slider import FloatValueSlider, IntValueSlider

__all__ = [
    "WIDGET_DPI", "FONT_SIZE", "new_figure", "caption_record", "figure_output", "show", "output_area",
    "caption_of", "controls_of", "output_of", "figure_of", "legible", "LiveFigure",
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
    """A slider of ``kind`` (``int`` or ``float``) that a screen reader can name and read
    (:class:`~emteach.widgets._slider.ValueSlider`); it sends its value on release."""
    slider = {int: IntValueSlider, float: FloatValueSlider}[kind]
    return slider(value=value, min=low, max=high, step=step, description=description, **options)


def _menu(description, options, value, **options_):
    """A drop-down menu: its label is tied to the <select>, which reads out the value shown."""
    return widgets.Dropdown(options=options, value=value, description=description, description_allow_html=False,
                            style={"description_width": "initial"}, **options_)


def _button(description, tooltip):
    """A button: its text is its accessible name, and it is as wide as its text
    (ipywidgets' fixed width cuts "new sample" to "new ..." at a projector's font size)."""
    return widgets.Button(description=description, tooltip=tooltip, layout=widgets.Layout(width="auto"))


def _checkbox(description, value=False):
    return widgets.Checkbox(value=value, description=description, description_allow_html=False, indent=False)


def _on_change(callback, *controls):
    for control in controls:
        control.observe(callback, names="value")


def _experiment(rows, out, live):
    """Stack rows of controls above ``out``; remember the figure for :func:`figure_of`.

    A row wraps when the screen is too narrow for it (a projector's larger
    font), rather than squeezing its last control.
    """
    box = widgets.VBox([widgets.HBox(row, layout=widgets.Layout(flex_flow="row wrap")) for row in rows] + [out])
    box._emteach_live = live  # a LiveFigure, or a function returning the one shown now
    return box


def figure_of(widget):
    """Return the matplotlib figure an experiment draws into (for tests and readers).

    Parameters
    ----------
    widget : ipywidgets.VBox
        An experiment built by :mod:`emteach.widgets`.

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




# --- Log-likelihood histories (the EM and 2-D steppers) -------------------


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
