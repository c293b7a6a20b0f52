"""Plotting for chapter 8, EM's advantages and disadvantages measured.

Like the rest of :mod:`emteach.plotting`: every function takes arrays
computed elsewhere (by :mod:`emteach.direct`, :mod:`emteach.gmm`, ...), draws
on an optional ``ax`` and returns the axes; nothing here fits or times.
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import NullFormatter, ScalarFormatter

from emteach.plotting.core import PALETTE, _axes, colors, label_axes

__all__ = [
    "increase_histogram",
    "gap_paths",
    "success_fractions",
    "cost_scaling",
]

#: Gaps below this are drawn at this height on a log axis (rounding level of a total log-likelihood).
GAP_FLOOR = 1e-12


def increase_histogram(increases, *, ax=None, title=None, floor=1e-16):
    """Histogram of the per-iteration rises of the log-likelihood, on a log scale.

    Parameters
    ----------
    increases : array_like of shape (n,)
        log-likelihood[t + 1] - log-likelihood[t], pooled over runs.
    ax : matplotlib.axes.Axes, optional
    title : str, optional
    floor : float
        Rises at or below ``floor`` (zero, or negative by rounding) are
        counted in the leftmost bar, labelled "<= floor".

    Returns
    -------
    matplotlib.axes.Axes
    """
    increases = np.asarray(increases, dtype=float).ravel()
    ax = _axes(ax)
    low = increases <= floor
    logs = np.log10(increases[~low]) if np.any(~low) else np.array([])
    edges = np.arange(np.floor(np.log10(floor)), np.ceil(max(logs.max(), 0.0) if logs.size else 1.0) + 1.0, 1.0)
    counts, _ = np.histogram(logs, bins=edges)
    ax.bar(edges[:-1] + 0.5, counts, width=0.9, color=PALETTE[0], label="rise > 0 (by decade)")
    falls = int(np.sum(increases < -floor))
    label = (f"|rise| <= {floor:g} (zero up to rounding)" if falls == 0
             else f"rise <= {floor:g}, of which {falls} below -{floor:g}")
    ax.bar([edges[0] - 0.5], [int(low.sum())], width=0.9, color=PALETTE[5], label=label)
    ax.set_yscale("log")
    ax.set_ylim(0.5, 30.0 * max(counts.max(initial=1), int(low.sum()), 1))  # room for the legend
    return label_axes(ax, title or "How much each EM iteration raised the log-likelihood",
                      r"$\log_{10}$ of the rise", "iterations (log scale)")


def gap_paths(paths, labels, *, xs=None, ax=None, xlabel="iteration", title=None, floor=GAP_FLOOR,
              markers=None):
    """Gaps to the best known maximum along several paths, on a log axis.

    Parameters
    ----------
    paths : sequence of array_like
        Each the gap best - log-likelihood along one method's path.
    labels : sequence of str
        Legend entries.
    xs : sequence of array_like, optional
        The horizontal positions (iterations by default; seconds for time).
    ax : matplotlib.axes.Axes, optional
    xlabel, title : str
    floor : float
        Gaps below ``floor`` are drawn at ``floor``.
    markers : sequence of str, optional
        One marker per path.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    markers = markers or [None] * len(paths)
    for i, (path, label, color) in enumerate(zip(paths, labels, colors(len(paths)))):
        path = np.maximum(np.asarray(path, dtype=float), floor)
        x = np.arange(path.shape[0]) if xs is None else np.asarray(xs[i], dtype=float)
        ax.semilogy(x, path, color=color, label=label, marker=markers[i], markersize=3, linewidth=1.8)
    return label_axes(ax, title or "Distance to the best known maximum", xlabel,
                      "best log-likelihood minus log-likelihood")


def success_fractions(names, fractions, *, ax=None, title=None, counts=None):
    """Horizontal bars: the fraction of starts that reached the best known maximum.

    Parameters
    ----------
    names : sequence of str
        One per problem.
    fractions : array_like of shape (n_problems,)
        Values in [0, 1].
    ax : matplotlib.axes.Axes, optional
    title : str, optional
    counts : sequence of str, optional
        Text written at the end of each bar (e.g. "41/50").

    Returns
    -------
    matplotlib.axes.Axes
    """
    fractions = np.asarray(fractions, dtype=float)
    ax = _axes(ax)
    positions = np.arange(fractions.shape[0])
    ax.barh(positions, fractions, color=colors(fractions.shape[0]))
    ax.barh(positions, 1.0 - fractions, left=fractions, color="#dddddd")
    for y, f, text in zip(positions, fractions, counts or [f"{f:.0%}" for f in fractions]):
        ax.text(min(f, 0.85) + 0.02, y, text, va="center")
    ax.set_yticks(positions, names)
    ax.set_xlim(0.0, 1.0)
    ax.invert_yaxis()
    return label_axes(ax, title or "Random starts that reach the best known maximum",
                      "fraction of starts (grey: stopped at a lower maximum)", None, legend=False)


def cost_scaling(sizes, seconds, *, labels, ax=None, xlabel="n", title=None, slopes=None):
    """Log-log lines of time per iteration against a size (n, k or d).

    Parameters
    ----------
    sizes : sequence of array_like
        The sizes of each series.
    seconds : sequence of array_like
        Time per iteration of each series.
    labels : sequence of str
        Legend entries.
    ax : matplotlib.axes.Axes, optional
    xlabel, title : str
    slopes : sequence of float, optional
        Fitted log-log slopes, appended to the labels.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    for i, (size, sec, label, color) in enumerate(zip(sizes, seconds, labels, colors(len(labels)))):
        text = label if slopes is None else f"{label} (slope {slopes[i]:.2f})"
        ax.loglog(np.asarray(size, dtype=float), 1e3 * np.asarray(sec, dtype=float), marker="o",
                  color=color, label=text)
    ticks = np.unique(np.concatenate([np.asarray(size, dtype=float) for size in sizes]))
    ax.set_xticks(ticks, [f"{t:,.0f}" for t in ticks])
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.yaxis.set_major_formatter(ScalarFormatter())
    ax.yaxis.set_minor_formatter(NullFormatter())
    return label_axes(ax, title or "Cost of one EM iteration", xlabel, "milliseconds per iteration")
