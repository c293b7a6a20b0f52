"""Figures for the book.

Every function here takes arrays that were already computed (by
:mod:`emteach.density`, :mod:`emteach.gmm`, ...), draws them on an optional
``ax`` and returns the axes. Nothing here fits a model, seeds a random number
generator or changes ``matplotlib.rcParams``. This module holds the palette,
the shared helpers and chapters 1-3; :mod:`emteach.plotting.em` chapters 4-5.

The book uses one colour-blind-safe palette everywhere: the eight colours of
Okabe and Ito (2008), in :data:`PALETTE`. :func:`colors` hands out the first
``n`` of them, cycling when more are needed.
"""

from __future__ import annotations

import numpy as np
import matplotlib.pyplot as plt

#: Okabe-Ito colours, safe for the common forms of colour blindness.
PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)

#: Grey for data drawn behind a model (histograms, scatter backgrounds).
DATA_COLOR = "#999999"


#: The order in which :func:`colors` hands out :data:`PALETTE`: blue, orange,
#: vermillion, reddish purple, sky blue, bluish green, yellow, black. Blue
#: and bluish green both look teal under tritanopia (blue-blind vision), so
#: bluish green comes after the five colours that stay apart under all three
#: dichromacies (the most components the book draws at once).
COLOR_ORDER = (0, 1, 5, 3, 4, 2, 6, 7)


def colors(n):
    """Return ``n`` palette colours, cycling when ``n`` exceeds the palette.

    Parameters
    ----------
    n : int
        How many colours.

    Returns
    -------
    list of str
        Hex colour strings of length ``n``, in :data:`COLOR_ORDER`.
    """
    if n < 0:
        raise ValueError(f"Expected a non-negative number of colours, got {n}")
    return [PALETTE[COLOR_ORDER[i % len(PALETTE)]] for i in range(n)]


def _axes(ax):
    """Return ``ax``, or the current axes of a new figure when it is None."""
    if ax is None:
        _, ax = plt.subplots()
    return ax


def label_axes(ax, title=None, xlabel=None, ylabel=None, legend=True):
    """Set the title and axis labels that every book figure carries.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes to label.
    title, xlabel, ylabel : str, optional
        Left unchanged when None.
    legend : bool
        Draw a frameless legend when anything drawn has a label.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if title is not None:
        ax.set_title(title)
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    if legend and ax.get_legend_handles_labels()[0]:
        ax.legend(frameon=False)
    return ax


# --- Chapters 1-3 (histograms, likelihood, latent variables) -----------------


def histogram(heights, edges, *, ax=None, color=DATA_COLOR, label=None, alpha=0.6,
              title=None, xlabel="x", ylabel="density"):
    """Draw histogram bars from heights and bin edges computed elsewhere.

    Parameters
    ----------
    heights : array_like of shape (n_bins,)
        Height of each bar: a density, a count or anything per bin, e.g. the
        first result of :func:`emteach.density.histogram`.
    edges : array_like of shape (n_bins + 1,)
        Bin edges, increasing.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure's axes when None.
    color : str
        Fill colour; the book's data grey by default.
    label : str, optional
        Legend entry.
    alpha : float
        Opacity of the fill (the outline is opaque).
    title, xlabel, ylabel : str, optional
        Labels of the axes.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If ``edges`` does not have one more entry than ``heights``.
    """
    heights = np.asarray(heights, dtype=float)
    edges = np.asarray(edges, dtype=float)
    if heights.ndim != 1 or edges.shape != (heights.shape[0] + 1,):
        raise ValueError(
            "Expected heights of shape (n_bins,) and edges of shape (n_bins + 1,), "
            f"got shapes {heights.shape} and {edges.shape}"
        )
    ax = _axes(ax)
    ax.stairs(heights, edges, fill=True, color=color, alpha=alpha, label=label)
    ax.stairs(heights, edges, color=color, linewidth=0.8)
    return label_axes(ax, title, xlabel, ylabel)


def stacked_histogram(heights, edges, *, labels=None, ax=None, alpha=0.7,
                      title=None, xlabel="x", ylabel="density"):
    """Draw groups' histograms stacked on one another, one palette colour each.

    Parameters
    ----------
    heights : array_like of shape (n_groups, n_bins)
        Each group's bar heights on the shared ``edges``. When every row is
        a group's share of a density histogram of all the data, the stack's
        top is the histogram of all the data.
    edges : array_like of shape (n_bins + 1,)
        Bin edges shared by the groups.
    labels : sequence of str, optional
        One legend entry per group.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure's axes when None.
    alpha : float
        Opacity of the fills.
    title, xlabel, ylabel : str, optional
        Labels of the axes.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If the shapes of ``heights``, ``edges`` and ``labels`` disagree.
    """
    heights = np.atleast_2d(np.asarray(heights, dtype=float))
    edges = np.asarray(edges, dtype=float)
    n_groups, n_bins = heights.shape
    if edges.shape != (n_bins + 1,):
        raise ValueError(
            f"Expected edges of shape ({n_bins + 1},) for {n_bins} bins, got shape {edges.shape}"
        )
    if labels is not None and len(labels) != n_groups:
        raise ValueError(f"Expected {n_groups} labels, one per group, got {len(labels)}")
    ax = _axes(ax)
    tops = np.cumsum(heights, axis=0)
    bottoms = tops - heights
    for group, color in enumerate(colors(n_groups)):
        label = None if labels is None else labels[group]
        ax.stairs(tops[group], edges, baseline=bottoms[group], fill=True,
                  color=color, alpha=alpha, label=label)
    ax.stairs(tops[-1], edges, color=DATA_COLOR, linewidth=0.8)
    return label_axes(ax, title, xlabel, ylabel)


def curve(x, y, *, ax=None, color=None, label=None, linestyle="-", linewidth=2.0,
          title=None, xlabel=None, ylabel=None):
    """Draw one curve, e.g. a density or a log-likelihood over a grid.

    Parameters
    ----------
    x : array_like of shape (n_points,)
        Where the curve was evaluated, increasing.
    y : array_like of shape (n_points,)
        Its values there.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure's axes when None.
    color : str, optional
        Line colour; the first palette colour by default.
    label : str, optional
        Legend entry.
    linestyle : str
        Matplotlib line style ("-", "--", ":", ...).
    linewidth : float
        Line width in points.
    title, xlabel, ylabel : str, optional
        Labels of the axes.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If ``x`` and ``y`` differ in shape.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(f"Expected x and y of the same shape (n_points,), got {x.shape} and {y.shape}")
    ax = _axes(ax)
    ax.plot(x, y, color=PALETTE[0] if color is None else color, label=label,
            linestyle=linestyle, linewidth=linewidth)
    return label_axes(ax, title, xlabel, ylabel)


def kernel_bumps(grid, bumps, total, *, points=None, ax=None, title=None,
                 xlabel="x", ylabel="density"):
    """Draw a kernel density estimate as the sum of its kernels.

    Parameters
    ----------
    grid : array_like of shape (n_grid,)
        Where the kernels were evaluated.
    bumps : array_like of shape (n_points, n_grid)
        Each data point's kernel on the grid, already divided by the number
        of points, so that the rows add up to ``total``.
    total : array_like of shape (n_grid,)
        The estimate itself.
    points : array_like of shape (n_points,), optional
        The data, drawn as a rug of ticks on the x axis.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure's axes when None.
    title, xlabel, ylabel : str, optional
        Labels of the axes.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If the shapes disagree.
    """
    grid = np.asarray(grid, dtype=float)
    bumps = np.atleast_2d(np.asarray(bumps, dtype=float))
    total = np.asarray(total, dtype=float)
    if bumps.shape[1] != grid.shape[0] or total.shape != grid.shape:
        raise ValueError(
            "Expected bumps of shape (n_points, n_grid) and total of shape (n_grid,) for a grid "
            f"of {grid.shape[0]} points, got shapes {bumps.shape} and {total.shape}"
        )
    ax = _axes(ax)
    for row, bump in enumerate(bumps):
        ax.plot(grid, bump, color=PALETTE[1], linewidth=1.0, linestyle="--",
                label="one kernel / n" if row == 0 else None)
    ax.plot(grid, total, color=PALETTE[0], linewidth=2.0, label="sum: the estimate")
    if points is not None:
        rug(points, ax=ax)
    return label_axes(ax, title, xlabel, ylabel)


def rug(points, *, ax=None, color=PALETTE[7], height=0.04, label="data"):
    """Mark data points as short ticks along the bottom of the axes.

    Parameters
    ----------
    points : array_like of shape (n_points,)
        Positions on the x axis.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure's axes when None.
    color : str
        Tick colour; black by default.
    height : float
        Tick length as a fraction of the axes' height.
    label : str, optional
        Legend entry.

    Returns
    -------
    matplotlib.axes.Axes
    """
    points = np.ravel(np.asarray(points, dtype=float))
    ax = _axes(ax)
    ax.vlines(points, 0.0, height, transform=ax.get_xaxis_transform(), color=color,
              linewidth=1.0, label=label)
    return ax


def vertical_lines(values, *, labels=None, ax=None, linestyles=None, title=None,
                   xlabel=None, ylabel=None):
    """Mark positions on the x axis with labelled vertical lines.

    Parameters
    ----------
    values : array_like of shape (n_lines,)
        Where to draw the lines (a true value, an estimate's average, ...).
    labels : sequence of str, optional
        One legend entry per line.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure's axes when None.
    linestyles : sequence of str, optional
        One line style per line; dashed by default.
    title, xlabel, ylabel : str, optional
        Labels of the axes.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If ``labels`` or ``linestyles`` does not have one entry per value.
    """
    values = np.ravel(np.asarray(values, dtype=float))
    n_lines = values.shape[0]
    for name, seq in (("labels", labels), ("linestyles", linestyles)):
        if seq is not None and len(seq) != n_lines:
            raise ValueError(f"Expected {n_lines} {name}, one per value, got {len(seq)}")
    ax = _axes(ax)
    for i, (value, color) in enumerate(zip(values, colors(n_lines))):
        ax.axvline(value, color=color, linewidth=2.0,
                   linestyle="--" if linestyles is None else linestyles[i],
                   label=None if labels is None else labels[i])
    return label_axes(ax, title, xlabel, ylabel)


def log_likelihood_surface(means, sds, log_likelihoods, *, point=None, best=None, ax=None,
                           depths=(1, 2, 5, 10, 20, 50, 100, 200, 500), label_contours=True,
                           title="Log-likelihood surface", xlabel="mean", ylabel="sd"):
    """Draw a log-likelihood over a grid of means and standard deviations.

    The filled contours show how far each grid point falls below the grid's
    highest value, so the picture reads the same whatever the sample size.

    Parameters
    ----------
    means : array_like of shape (n_means,)
        The grid's means (x axis), increasing.
    sds : array_like of shape (n_sds,)
        The grid's standard deviations (y axis), increasing.
    log_likelihoods : array_like of shape (n_means, n_sds)
        Log-likelihood at each (mean, sd), as
        :func:`emteach.density.log_likelihood_grid` returns it.
    point : tuple of float, optional
        A (mean, sd) to mark with a circle, e.g. a widget's current values.
    best : tuple of float, optional
        The maximum-likelihood (mean, sd), marked with a star.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure's axes when None.
    depths : sequence of float
        Contour levels, as drops below the maximum, increasing.
    label_contours : bool
        Write each level on its contour line (the colour bar shows the
        levels either way; leaving the labels out halves the drawing time).
    title, xlabel, ylabel : str, optional
        Labels of the axes.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If the grid's shape is not (n_means, n_sds).
    """
    means = np.asarray(means, dtype=float)
    sds = np.asarray(sds, dtype=float)
    log_likelihoods = np.asarray(log_likelihoods, dtype=float)
    if log_likelihoods.shape != (means.shape[0], sds.shape[0]):
        raise ValueError(
            f"Expected log_likelihoods of shape ({means.shape[0]}, {sds.shape[0]}) = "
            f"(n_means, n_sds), got shape {log_likelihoods.shape}"
        )
    ax = _axes(ax)
    drop = np.max(log_likelihoods) - log_likelihoods
    depths = np.sort(np.asarray(depths, dtype=float))
    levels = np.concatenate([[0.0], depths])
    filled = ax.contourf(means, sds, drop.T, levels=levels, cmap="viridis_r", extend="max")
    lines = ax.contour(means, sds, drop.T, levels=depths, colors="white", linewidths=0.6)
    if label_contours:
        ax.clabel(lines, fmt=lambda depth: f"{depth:g}", fontsize=7)
    # Contour labels and colour bar count the same positive drop, maximum minus log-likelihood.
    ax.figure.colorbar(filled, ax=ax, label="maximum − log-likelihood (drop below the top)")
    if best is not None:
        ax.plot(*best, "*", color=PALETTE[7], markersize=14, markeredgecolor="white",
                label="maximum likelihood")
    if point is not None:
        ax.plot(*point, "o", color=PALETTE[5], markersize=9, markeredgecolor="white",
                label="current (mean, sd)")
    label_axes(ax, title, xlabel, ylabel, legend=False)
    if point is not None or best is not None:
        ax.legend(loc="upper right", fontsize="small", framealpha=0.9)
    return ax


def responsibility_curve(grid, resp, *, labels=None, threshold=None, ax=None,
                         title="Responsibilities", xlabel="x",
                         ylabel="responsibility"):
    """Draw each component's responsibility as a function of x.

    Parameters
    ----------
    grid : array_like of shape (n_grid,)
        Positions, increasing.
    resp : array_like of shape (n_grid, n_components)
        Posterior probability of each component at each position; rows sum
        to one (e.g. from :func:`emteach.gmm.e_step`).
    labels : sequence of str, optional
        One legend entry per component.
    threshold : float, optional
        Shade where the largest responsibility is below it: the positions
        whose label is ambiguous.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure's axes when None.
    title, xlabel, ylabel : str, optional
        Labels of the axes.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If ``resp`` does not have one row per grid position, or ``labels``
        one entry per component.
    """
    grid = np.asarray(grid, dtype=float)
    resp = np.asarray(resp, dtype=float)
    if resp.ndim != 2 or resp.shape[0] != grid.shape[0]:
        raise ValueError(
            f"Expected resp of shape ({grid.shape[0]}, n_components), got shape {resp.shape}"
        )
    n_components = resp.shape[1]
    if labels is not None and len(labels) != n_components:
        raise ValueError(f"Expected {n_components} labels, one per component, got {len(labels)}")
    ax = _axes(ax)
    if threshold is not None:
        ambiguous = resp.max(axis=1) < threshold
        ax.fill_between(grid, 0.0, 1.0, where=ambiguous, color=PALETTE[3], alpha=0.2,
                        linewidth=0, label=f"max responsibility < {threshold:g}")
    for k, color in enumerate(colors(n_components)):
        ax.plot(grid, resp[:, k], color=color, linewidth=2.0,
                label=None if labels is None else labels[k])
    ax.set_ylim(-0.03, 1.03)
    return label_axes(ax, title, xlabel, ylabel)
