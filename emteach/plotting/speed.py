"""Plotting for chapter 9, making EM fast."""

from __future__ import annotations

import numpy as np

from emteach.plotting.core import DATA_COLOR, _axes, colors, label_axes

__all__ = ["timing_bars", "chunk_statistics", "error_against_condition"]


def timing_bars(labels, milliseconds, *, reference=None, reference_label=None, title=None,
                xlabel="milliseconds per EM iteration (log scale)", ax=None):
    """Draw one horizontal bar per implementation, on a log scale.

    Parameters
    ----------
    labels : sequence of str
        Implementation names, top to bottom.
    milliseconds : array_like of shape (n_bars,)
        Time of each, > 0.
    reference : float, optional
        A vertical line, e.g. the exp/log floor.
    reference_label : str, optional
        Its legend entry.
    title, xlabel : str, optional
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax)
    milliseconds = np.asarray(milliseconds, dtype=float)
    positions = np.arange(len(labels))[::-1]
    bars = ax.barh(positions, milliseconds, color=colors(len(labels)), label="time per iteration")
    for bar, value in zip(bars, milliseconds):
        ax.text(value * 1.08, bar.get_y() + bar.get_height() / 2, f"{value:.3g} ms",
                va="center", fontsize=8)
    ax.set_yticks(positions, labels)
    ax.set_xscale("log")
    ax.set_xlim(milliseconds.min() / 3, milliseconds.max() * 4)
    if reference is not None:
        ax.axvline(reference, color="black", linestyle="--", label=reference_label or "reference")
    label_axes(ax, title=title, xlabel=xlabel, legend=reference is not None)
    return ax


def chunk_statistics(sizes, *, names=None, title=None, ax=None):
    """Stack each chunk's share of every component's size n_k.

    Parameters
    ----------
    sizes : array_like of shape (n_chunks, n_components)
        sum of the responsibilities of component k over the rows of chunk c.
    names : sequence of str, optional
        Component names.
    title : str, optional
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        One bar per component whose height is the total n_k (the reduce), in
        segments, one per chunk (the map), alternating two shades of grey.
    """
    ax = _axes(ax)
    sizes = np.asarray(sizes, dtype=float)
    n_chunks, k = sizes.shape
    names = names or [f"component {j}" for j in range(k)]
    bottom = np.zeros(k)
    edge = colors(k)
    for c in range(n_chunks):
        shade = DATA_COLOR if c % 2 == 0 else "#DDDDDD"
        ax.bar(np.arange(k), sizes[c], bottom=bottom, color=shade, edgecolor=edge, linewidth=1.5,
               label="chunk 0, 2, ..." if c == 0 else ("chunk 1, 3, ..." if c == 1 else None))
        bottom += sizes[c]
    for j in range(k):
        ax.text(j, bottom[j], f"{bottom[j]:,.1f}", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(np.arange(k), names)
    ax.set_ylim(0, bottom.max() * 1.15)
    label_axes(ax, title=title, xlabel="component", ylabel=r"$n_k$ = sum of responsibilities")
    return ax


def error_against_condition(conditions, errors, *, names, title=None, ax=None):
    """Plot relative errors of several methods against the condition number, log-log.

    Parameters
    ----------
    conditions : array_like of shape (n,)
    errors : array_like of shape (n_methods, n)
    names : sequence of str
        One per method.
    title : str, optional
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        With the line cond * machine epsilon for scale.
    """
    ax = _axes(ax)
    conditions = np.asarray(conditions, dtype=float)
    markers = "os^vD"
    for index, (row, name, color) in enumerate(zip(np.asarray(errors, dtype=float), names,
                                                   colors(len(names)))):
        ax.loglog(conditions, row, marker=markers[index % len(markers)], color=color, label=name,
                  linestyle="-" if index == 0 else "--")
    ax.loglog(conditions, conditions * np.finfo(float).eps, color="black", linestyle=":",
              label=r"condition number $\times$ machine epsilon")
    label_axes(ax, title=title, xlabel="condition number of the covariance",
               ylabel="relative error of the squared distance")
    return ax
