"""Alt text for the book's figures, made from what the figure already says.

:func:`alt_text` reads a figure's suptitle and each axes' title, axis labels
and legend entries into one sentence-like description. :func:`register_alt_text`
makes IPython store that description with every PNG of a matplotlib figure
(``output.metadata["image/png"]["alt"]``), so notebooks executed after the call
carry alt text and the static book (:mod:`emteach.html`) puts it on each
``<img>``. Chapters call it through :func:`emteach.book.show_intro`.
"""

from __future__ import annotations

__all__ = ["alt_text", "register_alt_text"]


def _clean(text):
    """Return ``text`` without TeX dollars and backslashes, on one line."""
    text = str(text or "").replace("$", "").replace("\\", "")
    return " ".join(text.split())


def _axes_description(ax):
    """Describe one axes: title, kind of plot, axis labels and legend entries."""
    parts = []
    title = _clean(ax.get_title()) or _clean(ax.get_title(loc="left")) or _clean(ax.get_title(loc="right"))
    if title:
        parts.append(title)
    xlabel, ylabel = _clean(ax.get_xlabel()), _clean(ax.get_ylabel())
    if xlabel and ylabel:
        parts.append(f"{ylabel} against {xlabel}")
    elif xlabel or ylabel:
        parts.append(f"axis: {xlabel or ylabel}")
    legend = ax.get_legend()
    if legend is not None:
        entries = [_clean(t.get_text()) for t in legend.get_texts()]
        entries = [e for e in entries if e]
        if entries:
            parts.append("legend: " + ", ".join(entries))
    return "; ".join(parts)


def alt_text(fig):
    """Return a short text description of a matplotlib figure.

    Built only from what the figure shows in words: the figure's suptitle,
    then for each axes with something to say its title, "y label against
    x label" and its legend entries. Colour bars and empty axes add nothing.

    Parameters
    ----------
    fig : matplotlib.figure.Figure

    Returns
    -------
    str
        Never empty: a figure with no words at all is described as
        ``"Figure with N panel(s)"``.
    """
    described = []
    suptitle = getattr(fig, "_suptitle", None)
    if suptitle is not None and _clean(suptitle.get_text()):
        described.append(_clean(suptitle.get_text()))
    panels = [ax for ax in fig.get_axes() if ax.get_label() != "<colorbar>"]
    texts = [_axes_description(ax) for ax in panels]
    texts = [t for t in texts if t]
    if len(texts) > 1:
        texts = [f"panel {i}: {t}" for i, t in enumerate(texts, start=1)]
    described += texts
    if not described:
        return f"Figure with {len(panels)} panel{'s' if len(panels) != 1 else ''}"
    return ". ".join(described) + "."


def _marked(function):
    return getattr(function, "_emteach_alt", False)


def register_alt_text(ip=None):
    """Store :func:`alt_text` with every PNG of a matplotlib figure in IPython.

    Wraps the PNG formatter that the inline backend registered for
    ``Figure`` (so the image itself is unchanged) and returns
    ``(png, {"alt": alt_text(fig)})``. Call it after ``matplotlib.pyplot`` is
    imported (the chapters' first cell does, through
    :func:`emteach.book.show_intro`). Calling it twice changes nothing;
    outside IPython it does nothing.

    Parameters
    ----------
    ip : IPython.core.interactiveshell.InteractiveShell, optional
        The shell; the running one by default.

    Returns
    -------
    bool
        True when the formatter is registered.
    """
    if ip is None:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython comes with Jupyter
            return False
        ip = get_ipython()
    if ip is None:
        return False
    from matplotlib.figure import Figure

    formatter = ip.display_formatter.formatters["image/png"]
    try:
        previous = formatter.lookup_by_type(Figure)
    except KeyError:
        return False  # no PNG figures in this shell (another backend)
    if _marked(previous):
        return True

    def png_with_alt(fig):
        data = previous(fig)
        metadata = {}
        if isinstance(data, tuple):
            data, metadata = data
        if data is None:
            return None
        return data, {**(metadata or {}), "alt": alt_text(fig)}

    png_with_alt._emteach_alt = True
    formatter.for_type(Figure, png_with_alt)
    return True
