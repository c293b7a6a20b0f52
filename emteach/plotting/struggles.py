"""Plotting for chapter 6, when EM struggles (restarts, collapse, slow convergence, k-means, acceleration).

Like :mod:`emteach.plotting.core`: every function takes computed arrays, draws
on an optional ``ax`` and returns the axes; nothing here fits or seeds.
"""

from __future__ import annotations

import numpy as np

from emteach.plotting.core import DATA_COLOR, PALETTE, _axes, colors, label_axes

__all__ = [
    "final_log_likelihoods",
    "start_methods",
    "likelihood_blowup",
    "error_path",
    "iterations_vs_separation",
    "evaluation_counts",
    "hardening",
]


def final_log_likelihoods(values, *, best=None, bins=25, title=None, ax=None):
    """Draw a histogram of the final log-likelihoods of many EM runs.

    Parameters
    ----------
    values : array_like of shape (n_runs,)
        The final log-likelihood of each run (each start).
    best : float, optional
        The best value found, marked by a vertical line.
    bins : int
        Number of histogram bins.
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"Expected values of shape (n_runs,), got shape {values.shape}")
    ax = _axes(ax)
    ax.hist(values, bins=bins, color=PALETTE[0], alpha=0.8, label=f"{values.size} runs")
    if best is not None:
        ax.axvline(best, color=PALETTE[5], linestyle="--", linewidth=2, label="best found")
    ax.yaxis.get_major_locator().set_params(integer=True)
    return label_axes(ax, title or "Where the runs end", "final log-likelihood", "number of runs")


def start_methods(names, n_iter, final, *, best=None, title=None, ax=None):
    """Draw each run's iterations against its final log-likelihood, one colour per start method.

    Parameters
    ----------
    names : sequence of str
        The start methods.
    n_iter : sequence of array_like
        For each method, the iterations each of its runs took.
    final : sequence of array_like
        For each method, the final log-likelihood of each run (same lengths).
    best : float, optional
        The best log-likelihood found, drawn as a horizontal line.
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if not (len(names) == len(n_iter) == len(final)):
        raise ValueError(
            f"Expected one entry per method in names, n_iter and final, got lengths {len(names)}, "
            f"{len(n_iter)} and {len(final)}"
        )
    ax = _axes(ax)
    markers = ("o", "s", "^", "D", "v", "P")
    for index, (name, iterations, values, color) in enumerate(zip(names, n_iter, final, colors(len(names)))):
        iterations = np.asarray(iterations, dtype=float)
        values = np.asarray(values, dtype=float)
        if iterations.shape != values.shape:
            raise ValueError(f"Expected as many iterations as values for {name!r}, got "
                             f"{iterations.shape} and {values.shape}")
        ax.scatter(iterations, values, s=36, color=color, marker=markers[index % len(markers)],
                   alpha=0.75, edgecolors="black", linewidths=0.4, label=name)
    if best is not None:
        ax.axhline(best, color=DATA_COLOR, linestyle="--", linewidth=1, label="best found")
    ax.set_xscale("log")
    ax.legend(frameon=False, fontsize="small")
    return label_axes(ax, title or "Start methods: cost and outcome", "EM iterations (log scale)",
                      "final log-likelihood", legend=False)


def likelihood_blowup(widths, log_likelihoods, *, title=None, ax=None):
    """Draw the log-likelihood against the width of a component that sits on one point.

    Parameters
    ----------
    widths : array_like of shape (n_widths,)
        The collapsing component's standard deviation, decreasing.
    log_likelihoods : array_like of shape (n_widths,)
        The mixture's log-likelihood at each width.
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
    """
    widths = np.asarray(widths, dtype=float)
    log_likelihoods = np.asarray(log_likelihoods, dtype=float)
    if widths.shape != log_likelihoods.shape or widths.ndim != 1:
        raise ValueError(f"Expected widths and log_likelihoods of one shape (n,), got {widths.shape} "
                         f"and {log_likelihoods.shape}")
    ax = _axes(ax)
    ax.plot(widths, log_likelihoods, "-o", color=PALETTE[5], markersize=5, label="log-likelihood")
    ax.set_xscale("log")
    ax.invert_xaxis()
    return label_axes(ax, title or "A component on one point: no upper bound",
                      "standard deviation of the collapsing component (log scale, shrinking)",
                      "log-likelihood")


def error_path(errors, *, rate=None, title=None, ax=None):
    """Draw the distance to the fixed point after each iteration, on a log scale.

    Parameters
    ----------
    errors : array_like of shape (n_iter + 1,)
        |theta_t - theta*| for t = 0, 1, ...; zeros are not drawn.
    rate : float, optional
        A rate r; the line errors[0] * r**t is drawn for comparison.
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
    """
    errors = np.asarray(errors, dtype=float)
    if errors.ndim != 1 or errors.size < 1:
        raise ValueError(f"Expected errors of shape (n_iter + 1,), got shape {errors.shape}")
    ax = _axes(ax)
    steps = np.arange(errors.size)
    shown = errors > 0
    ax.semilogy(steps[shown], errors[shown], "o-", color=PALETTE[0], markersize=5, label="EM error")
    if rate is not None:
        ax.semilogy(steps, errors[0] * rate**steps, "--", color=PALETTE[1], linewidth=1.5,
                    label=f"error$_0$ x {rate:.4f}$^t$")
    return label_axes(ax, title or "Linear convergence: a straight line on a log scale", "iteration t",
                      r"$|\theta_t - \hat\theta|$")


def iterations_vs_separation(separations, n_iter, rates, *, title=None, ax=None):
    """Draw EM's iterations to converge against the separation of two components.

    Parameters
    ----------
    separations : array_like of shape (n,)
        Distance between the two means in standard deviations.
    n_iter : array_like of shape (n,)
        Iterations EM needed at each separation.
    rates : array_like of shape (n,)
        The measured linear rate at each separation, written beside its point.
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
    """
    separations = np.asarray(separations, dtype=float)
    n_iter = np.asarray(n_iter, dtype=float)
    rates = np.asarray(rates, dtype=float)
    if not (separations.shape == n_iter.shape == rates.shape) or separations.ndim != 1:
        raise ValueError(f"Expected separations, n_iter and rates of one shape (n,), got "
                         f"{separations.shape}, {n_iter.shape} and {rates.shape}")
    ax = _axes(ax)
    ax.semilogy(separations, n_iter, "o-", color=PALETTE[2], markersize=6, label="iterations to converge")
    for where, count, rate in zip(separations, n_iter, rates):
        ax.annotate(f"rate {rate:.3f}", (where, count), textcoords="offset points", xytext=(6, 6),
                    fontsize="small")
    ax.margins(x=0.1, y=0.15)
    ax.invert_xaxis()
    return label_axes(ax, title or "More overlap, slower EM", "separation of the means (sd units)",
                      "iterations (log scale)")


def evaluation_counts(problems, plain, accelerated, *, names=("plain EM", "SQUAREM"), title=None, ax=None):
    """Draw grouped bars: EM-map evaluations of two methods on several problems.

    Parameters
    ----------
    problems : sequence of str
        Problem names, one group of bars each.
    plain, accelerated : array_like of shape (n_problems,)
        Evaluations each method needed.
    names : tuple of 2 str
        Legend names of the two methods.
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
    """
    plain = np.asarray(plain, dtype=float)
    accelerated = np.asarray(accelerated, dtype=float)
    if not (len(problems) == plain.size == accelerated.size):
        raise ValueError(f"Expected one count per problem ({len(problems)}), got {plain.size} and "
                         f"{accelerated.size}")
    ax = _axes(ax)
    where = np.arange(len(problems))
    for offset, counts, name, color in ((-0.2, plain, names[0], PALETTE[0]),
                                        (0.2, accelerated, names[1], PALETTE[1])):
        bars = ax.bar(where + offset, counts, width=0.4, color=color, label=name)
        ax.bar_label(bars, labels=[f"{c:.0f}" for c in counts], fontsize="small")
    ax.set_xticks(where, problems)
    ax.set_yscale("log")
    return label_axes(ax, title or "EM-map evaluations to the same tolerance", None,
                      "evaluations (log scale)")


def hardening(grid, resp, variances, *, title=None, ax=None):
    """Draw one component's responsibility along a line for several shared variances.

    Parameters
    ----------
    grid : array_like of shape (n_grid,)
        Positions along the line.
    resp : array_like of shape (n_variances, n_grid)
        The component's responsibility at each position, one row per variance.
    variances : array_like of shape (n_variances,)
        The shared variance eps of each row; smaller eps gives a sharper step.
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
    """
    grid = np.asarray(grid, dtype=float)
    resp = np.asarray(resp, dtype=float)
    variances = np.asarray(variances, dtype=float)
    if resp.shape != (variances.size, grid.size):
        raise ValueError(f"Expected resp of shape ({variances.size}, {grid.size}), got shape {resp.shape}")
    ax = _axes(ax)
    for row, variance, color in zip(resp, variances, colors(variances.size)):
        ax.plot(grid, row, color=color, linewidth=2, label=rf"$\varepsilon$ = {variance:g}")
    ax.set_ylim(-0.03, 1.03)
    return label_axes(ax, title or r"Responsibilities harden as $\varepsilon \to 0$",
                      "position along the line between two centres", "responsibility of the first centre")
