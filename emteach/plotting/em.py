"""Figures for chapters 4-5: the EM algorithm and Gaussian mixtures.

Like :mod:`emteach.plotting.core`: every function takes arrays already
computed (by :mod:`emteach.coins`, :mod:`emteach.gmm`, ...), draws them on an
optional ``ax`` and returns the axes; nothing here fits a model.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.patches import Ellipse, Rectangle

from emteach.plotting.core import DATA_COLOR, PALETTE, _axes, colors, curve, histogram, label_axes

__all__ = [
    "coin_tosses",
    "coin_responsibilities",
    "em_path",
    "log_likelihood_history",
    "bound_slice",
    "mixture_responsibilities",
    "mixture_1d",
    "ellipse_shape",
    "covariance_ellipses",
    "responsibility_colors",
    "mixture_2d",
    "information_criteria",
    "jensen",
]

# Patches and colour conversion for the coin grid and the covariance ellipses.


def _ink(color):
    """Return black or white, whichever reads better on ``color``."""
    red, green, blue = to_rgb(color)
    return "black" if 0.2126 * red + 0.7152 * green + 0.0722 * blue > 0.4 else "white"


def coin_tosses(tosses, coins=None, *, names=("A", "B"), title=None, ax=None):
    """Draw sets of coin tosses as rows of heads (H) and tails (T).

    Parameters
    ----------
    tosses : ndarray of shape (n_sets, n_tosses)
        1 for heads, 0 for tails.
    coins : ndarray of shape (n_sets,), optional
        Index of the coin behind each set (0 for the first name, ...). When
        given, each row is drawn in its coin's colour and labelled with it;
        when None, every row is grey and labelled "coin ?".
    names : sequence of str
        Names of the coins, in index order.
    title : str, optional
        Axes title; a default describes what is drawn.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
    """
    tosses = np.asarray(tosses)
    if tosses.ndim != 2:
        raise ValueError(f"Expected tosses of shape (n_sets, n_tosses), got shape {tosses.shape}")
    n_sets, n_tosses = tosses.shape
    if coins is not None:
        coins = np.asarray(coins)
        if coins.shape != (n_sets,):
            raise ValueError(f"Expected coins of shape ({n_sets},), got shape {coins.shape}")
    ax = _axes(ax)
    palette = colors(len(names))
    for row in range(n_sets):
        y = n_sets - 1 - row
        color = DATA_COLOR if coins is None else palette[int(coins[row])]
        for col in range(n_tosses):
            heads = bool(tosses[row, col])
            ax.add_patch(
                Rectangle((col + 0.06, y + 0.06), 0.88, 0.88, facecolor=color if heads else "white",
                          edgecolor=color, linewidth=1.5)
            )
            ax.text(col + 0.5, y + 0.5, "H" if heads else "T", ha="center", va="center",
                    color=_ink(color) if heads else color, fontsize=10, fontweight="bold")
        coin = "?" if coins is None else names[int(coins[row])]
        ax.text(-0.3, y + 0.5, f"set {row + 1}  coin {coin}", ha="right", va="center")
        n_heads = int(tosses[row].sum())
        ax.text(n_tosses + 0.3, y + 0.5, f"{n_heads} H, {n_tosses - n_heads} T", ha="left", va="center")
    ax.set_xlim(-3.2, n_tosses + 2.6)
    ax.set_ylim(-0.1, n_sets + 0.1)
    ax.set_aspect("equal")
    ax.axis("off")
    if coins is not None:
        for index, name in enumerate(names):
            ax.add_patch(Rectangle((0, 0), 0, 0, facecolor=palette[index], label=f"coin {name}"))
    if title is None:
        title = "The tosses, coins known" if coins is not None else "The tosses, coins hidden"
    label_axes(ax, title=title, legend=False)
    if coins is not None:
        ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=len(names))
    return ax


def coin_responsibilities(resp, heads, *, names=("A", "B"), title=None, ax=None):
    """Draw each set's responsibilities as a horizontal stacked bar.

    Parameters
    ----------
    resp : ndarray of shape (n_sets, n_coins)
        Posterior probability of each coin for each set; rows sum to one.
    heads : ndarray of shape (n_sets,)
        Heads in each set, written beside its bar.
    names : sequence of str
        Names of the coins.
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
    """
    resp = np.asarray(resp, dtype=float)
    heads = np.asarray(heads)
    if resp.ndim != 2 or resp.shape[1] != len(names):
        raise ValueError(f"Expected resp of shape (n_sets, {len(names)}), got shape {resp.shape}")
    if heads.shape != (resp.shape[0],):
        raise ValueError(f"Expected heads of shape ({resp.shape[0]},), got shape {heads.shape}")
    ax = _axes(ax)
    rows = np.arange(resp.shape[0])
    left = np.zeros(resp.shape[0])
    for index, (name, color) in enumerate(zip(names, colors(len(names)))):
        ax.barh(rows, resp[:, index], left=left, color=color, label=f"coin {name}", height=0.7)
        for row in rows:
            if resp[row, index] > 0.08:
                ax.text(left[row] + resp[row, index] / 2, row, f"{resp[row, index]:.2f}",
                        ha="center", va="center", color=_ink(color), fontsize=9)
        left = left + resp[:, index]
    ax.set_yticks(rows, [f"set {r + 1} ({h} H)" for r, h in zip(rows, heads)])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    label_axes(ax, title=title or "Responsibilities: which coin made each set?",
           xlabel="posterior probability", legend=False)
    ax.legend(frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
    return ax


def em_path(history, grid_a, grid_b, log_likelihood, *, reference=None, reference_label="reference",
            names=("A", "B"), title=None, ax=None):
    """Draw an EM path over the contours of a two-parameter log-likelihood.

    Parameters
    ----------
    history : ndarray of shape (n_iter + 1, 2)
        Parameters after 0, 1, ..., n_iter iterations.
    grid_a : ndarray of shape (n_a,)
        Values of the first parameter (horizontal axis).
    grid_b : ndarray of shape (n_b,)
        Values of the second parameter (vertical axis).
    log_likelihood : ndarray of shape (n_b, n_a)
        Log-likelihood at ``(grid_a[j], grid_b[i])`` in row ``i``, column ``j``.
    reference : sequence of 2 floats, optional
        A point to mark, e.g. the complete-data estimate.
    reference_label : str
        Legend label of ``reference``.
    names : sequence of str
        Names of the two parameters' coins, for the axis labels.
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
    """
    history = np.asarray(history, dtype=float)
    grid_a = np.asarray(grid_a, dtype=float)
    grid_b = np.asarray(grid_b, dtype=float)
    log_likelihood = np.asarray(log_likelihood, dtype=float)
    if history.ndim != 2 or history.shape[1] != 2:
        raise ValueError(f"Expected history of shape (n_iter + 1, 2), got shape {history.shape}")
    if log_likelihood.shape != (grid_b.size, grid_a.size):
        raise ValueError(
            f"Expected log_likelihood of shape ({grid_b.size}, {grid_a.size}), got shape {log_likelihood.shape}"
        )
    ax = _axes(ax)
    # Contours at fixed drops below the highest value on the grid, finer near the top.
    drop = log_likelihood - np.max(log_likelihood)
    levels = -np.array([40.0, 20.0, 10.0, 6.0, 4.0, 2.0, 1.0, 0.5, 0.0])
    filled = ax.contourf(grid_a, grid_b, drop, levels=levels, cmap="Blues", extend="min")
    ax.contour(grid_a, grid_b, drop, levels=levels[:-1], colors="white", linewidths=0.6)
    ax.figure.colorbar(filled, ax=ax, label="log-likelihood minus its maximum")
    ax.plot(history[:, 0], history[:, 1], "-o", color=PALETTE[1], markersize=4, label="EM path")
    ax.plot(*history[0], "s", color=PALETTE[5], markersize=8, label="start")
    ax.plot(*history[-1], "*", color=PALETTE[7], markersize=12, label=f"after {len(history) - 1} iterations")
    if reference is not None:
        ax.plot(*reference, "D", color=PALETTE[2], markersize=7, label=reference_label)
    ax.set_aspect("equal")
    label_axes(ax, title=title or "EM path on the log-likelihood surface",
           xlabel=rf"$\theta_{names[0]}$", ylabel=rf"$\theta_{names[1]}$", legend=False)
    ax.legend(loc="lower left", framealpha=0.9, fontsize="small")
    return ax


def log_likelihood_history(log_likelihoods, bounds=None, *, title=None, ax=None):
    """Draw the log-likelihood after each EM iteration, with the bound between.

    Parameters
    ----------
    log_likelihoods : ndarray of shape (n_iter + 1,)
        Log-likelihood at the start (entry 0) and after each iteration.
    bounds : ndarray of shape (n_iter,), optional
        Entry ``t``: the lower bound after iteration ``t + 1``'s M-step, with
        the responsibilities of its E-step, ``L(q_t, theta_{t+1})``. It is
        drawn at iteration ``t + 1``, below that iteration's log-likelihood;
        the vertical gap is what the next E-step closes.
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
    """
    log_likelihoods = np.asarray(log_likelihoods, dtype=float)
    if log_likelihoods.ndim != 1 or log_likelihoods.size < 1:
        raise ValueError(f"Expected log_likelihoods of shape (n_iter + 1,), got shape {log_likelihoods.shape}")
    ax = _axes(ax)
    steps = np.arange(log_likelihoods.size)
    ax.plot(steps, log_likelihoods, "-o", color=PALETTE[0], markersize=4, label="log-likelihood")
    if bounds is not None:
        bounds = np.asarray(bounds, dtype=float)
        if bounds.shape != (log_likelihoods.size - 1,):
            raise ValueError(
                f"Expected bounds of shape ({log_likelihoods.size - 1},), got shape {bounds.shape}"
            )
        ax.plot(steps[1:], bounds, "v", color=PALETTE[1], markersize=6, label="lower bound after M-step")
        ax.vlines(steps[1:], bounds, log_likelihoods[1:], color=PALETTE[1], linewidth=1)
    if log_likelihoods.size <= 25:
        ax.set_xticks(steps[:: max(1, log_likelihoods.size // 10)])
    label_axes(ax, title=title or "Log-likelihood never decreases", xlabel="iteration", ylabel="log-likelihood")
    return ax


def bound_slice(grid, log_likelihood, bound, current, *, following=None, xlabel=r"$\theta$", title=None,
                legend=True, ax=None):
    """Draw a log-likelihood curve and a lower bound that touches it.

    Parameters
    ----------
    grid : ndarray of shape (n_grid,)
        Values of the one parameter that varies along the slice.
    log_likelihood : ndarray of shape (n_grid,)
        Log-likelihood along the slice.
    bound : ndarray of shape (n_grid,)
        Lower bound along the slice, with the responsibilities of the E-step
        at ``current``; it lies below ``log_likelihood`` and touches it there.
    current : float
        Parameter value where the E-step was done (the bound touches here).
    following : float, optional
        Where the bound is highest on the slice: the M-step's next value.
    xlabel : str
        Name of the parameter.
    title : str, optional
        Axes title.
    legend : bool
        Whether to draw the legend (at the bottom of the axes).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
    """
    grid = np.asarray(grid, dtype=float)
    log_likelihood = np.asarray(log_likelihood, dtype=float)
    bound = np.asarray(bound, dtype=float)
    if grid.ndim != 1 or log_likelihood.shape != grid.shape or bound.shape != grid.shape:
        raise ValueError(
            "Expected grid, log_likelihood and bound of one shape (n_grid,), got shapes "
            f"{grid.shape}, {log_likelihood.shape} and {bound.shape}"
        )
    ax = _axes(ax)
    ax.plot(grid, log_likelihood, color=PALETTE[0], linewidth=2, label="log-likelihood")
    ax.plot(grid, bound, color=PALETTE[1], linestyle="--", linewidth=2, label="lower bound")
    touch = np.interp(current, grid, log_likelihood)
    ax.plot([current], [touch], "o", color=PALETTE[7], markersize=6, label="E-step: bound touches")
    if following is not None:
        top = np.interp(following, grid, bound)
        ax.plot([following], [top], "^", color=PALETTE[5], markersize=8, label="M-step: top of the bound")
        ax.axvline(following, color=PALETTE[5], linewidth=0.8, linestyle=":")
    # Keep the interesting part in view (the bound falls steeply far from where it
    # touches) and leave room at the bottom for the legend.
    low = np.min(log_likelihood)
    span = np.max(log_likelihood) - low
    ax.set_ylim(low - 0.6 * span, np.max(log_likelihood) + 0.1 * span)
    label_axes(ax, title=title or "The lower bound touches the log-likelihood", xlabel=xlabel,
           ylabel="log-likelihood", legend=False)
    if legend:
        ax.legend(loc="lower center", frameon=False, fontsize="small", ncol=2)
    return ax


def mixture_responsibilities(x, resp, *, names=None, title=None, ax=None):
    """Draw each component's responsibility as a function of a 1-D point.

    Parameters
    ----------
    x : ndarray of shape (n_samples,)
        The data.
    resp : ndarray of shape (n_samples, n_components)
        Responsibility of each component for each point.
    names : sequence of str, optional
        Legend names of the components; "component k" by default.
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
    """
    x = np.asarray(x, dtype=float).reshape(-1)
    resp = np.asarray(resp, dtype=float)
    if resp.ndim != 2 or resp.shape[0] != x.size:
        raise ValueError(f"Expected resp of shape ({x.size}, n_components), got shape {resp.shape}")
    names = names or [f"component {k}" for k in range(resp.shape[1])]
    ax = _axes(ax)
    order = np.argsort(x)
    for k, color in enumerate(colors(resp.shape[1])):
        ax.plot(x[order], resp[order, k], color=color, linewidth=2, label=names[k])
    ax.plot(x, np.full(x.size, -0.04), "|", color=DATA_COLOR, markersize=6, alpha=0.3)
    ax.set_ylim(-0.08, 1.05)
    label_axes(ax, title=title or "Responsibilities", xlabel="x", ylabel="responsibility")
    return ax


def mixture_1d(edges, heights, grid, component_densities, *, names=None, title=None, ax=None):
    """Draw a density histogram with a 1-D mixture's weighted components and total.

    Parameters
    ----------
    edges : ndarray of shape (n_bins + 1,)
        Bin edges of the histogram.
    heights : ndarray of shape (n_bins,)
        Density heights of the histogram.
    grid : ndarray of shape (n_grid,)
        Points where the densities were evaluated.
    component_densities : ndarray of shape (n_components, n_grid)
        ``weights[k] * pdf(grid, means[k], sds[k])`` for each component; the
        mixture density is their sum.
    names : sequence of str, optional
        Legend names of the components.
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
    """
    edges = np.asarray(edges, dtype=float)
    heights = np.asarray(heights, dtype=float)
    grid = np.asarray(grid, dtype=float)
    component_densities = np.atleast_2d(np.asarray(component_densities, dtype=float))
    if edges.shape != (heights.size + 1,):
        raise ValueError(f"Expected {heights.size + 1} edges for {heights.size} bins, got shape {edges.shape}")
    if component_densities.shape[1] != grid.size:
        raise ValueError(
            f"Expected component_densities of shape (n_components, {grid.size}), got shape "
            f"{component_densities.shape}"
        )
    n_components = component_densities.shape[0]
    names = names or [f"component {k}" for k in range(n_components)]
    ax = _axes(ax)
    ax.stairs(heights, edges, fill=True, color=DATA_COLOR, alpha=0.5, label="data (density histogram)")
    ax.plot(grid, component_densities.sum(axis=0), color=PALETTE[7], linewidth=2, label="mixture", zorder=2)
    # Components filled and drawn on top, so that none hides under the mixture where it dominates.
    for k, color in enumerate(colors(n_components)):
        ax.fill_between(grid, component_densities[k], color=color, alpha=0.2, linewidth=0, zorder=2.5)
        ax.plot(grid, component_densities[k], color=color, linestyle="--", linewidth=1.8, label=names[k], zorder=3)
    label_axes(ax, title=title or "Mixture density over the histogram", xlabel="x", ylabel="density")
    return ax


def ellipse_shape(covariance):
    """Return the standard deviations along a 2-D covariance's axes and the major axis's angle.

    Parameters
    ----------
    covariance : ndarray of shape (2, 2)
        Symmetric, positive semi-definite.

    Returns
    -------
    sds : ndarray of shape (2,)
        Square roots of the eigenvalues, largest first: an ellipse at
        Mahalanobis radius s has width ``2 s sds[0]`` and height ``2 s sds[1]``.
    angle : float
        Direction of the largest eigenvector, in degrees (as
        :class:`matplotlib.patches.Ellipse` takes it).
    """
    covariance = np.asarray(covariance, dtype=float)
    values, vectors = np.linalg.eigh((covariance + covariance.T) / 2)
    return np.sqrt(np.maximum(values[::-1], 0.0)), float(np.degrees(np.arctan2(vectors[1, -1], vectors[0, -1])))


def covariance_ellipses(means, covariances, *, n_std=(1.0, 2.0), ax=None, names=None, component_colors=None):
    """Draw each component's mean and its covariance as ellipses.

    The ellipse at ``s`` standard deviations is the set of points at
    Mahalanobis distance ``s`` from the mean: its axes point along the
    covariance's eigenvectors, with half-lengths ``s * sqrt(eigenvalue)``.

    Parameters
    ----------
    means : ndarray of shape (n_components, 2)
        Component means.
    covariances : ndarray of shape (n_components, 2, 2)
        Component covariance matrices (symmetric, positive definite).
    n_std : sequence of float
        Mahalanobis radii of the ellipses to draw.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.
    names : sequence of str, optional
        Legend names of the components; no legend entries when None.
    component_colors : sequence of str, optional
        One colour per component; the palette by default.

    Returns
    -------
    matplotlib.axes.Axes
    """
    means = np.asarray(means, dtype=float)
    covariances = np.asarray(covariances, dtype=float)
    if means.ndim != 2 or means.shape[1] != 2:
        raise ValueError(f"Expected means of shape (n_components, 2), got shape {means.shape}")
    if covariances.shape != (means.shape[0], 2, 2):
        raise ValueError(f"Expected covariances of shape ({means.shape[0]}, 2, 2), got shape {covariances.shape}")
    ax = _axes(ax)
    palette = component_colors or colors(means.shape[0])
    for k, (mean, covariance) in enumerate(zip(means, covariances)):
        sds, angle = ellipse_shape(covariance)
        for index, radius in enumerate(n_std):
            width, height = 2 * radius * sds
            ax.add_patch(
                Ellipse(mean, width, height, angle=angle, fill=False, edgecolor=palette[k],
                        linewidth=2.0 if index == 0 else 1.2, linestyle="-" if index == 0 else "--")
            )
        label = names[k] if names else None
        ax.plot(*mean, "X", color=palette[k], markeredgecolor="black", markersize=10, label=label)
    return ax


def responsibility_colors(resp):
    """Blend the palette colours of the components by each point's responsibilities.

    Parameters
    ----------
    resp : ndarray of shape (n_samples, n_components)
        Responsibilities; rows sum to one.

    Returns
    -------
    ndarray of shape (n_samples, 3)
        RGB colours in [0, 1]: a point owned by one component gets its
        colour, a point shared between two gets a mix.
    """
    resp = np.asarray(resp, dtype=float)
    if resp.ndim != 2:
        raise ValueError(f"Expected resp of shape (n_samples, n_components), got shape {resp.shape}")
    rgb = np.array([to_rgb(c) for c in colors(resp.shape[1])])
    return np.clip(resp @ rgb, 0.0, 1.0)


def mixture_2d(x, means, covariances, resp=None, *, names=None, axis_labels=("$x_1$", "$x_2$"), title=None,
               ax=None):
    """Draw 2-D data coloured by responsibility, with the components' ellipses.

    Parameters
    ----------
    x : ndarray of shape (n_samples, 2)
        The data.
    means : ndarray of shape (n_components, 2)
        Component means.
    covariances : ndarray of shape (n_components, 2, 2)
        Component covariances; drawn as 1- and 2-standard-deviation ellipses.
    resp : ndarray of shape (n_samples, n_components), optional
        Responsibilities; each point's colour mixes the component colours in
        these proportions. Grey points when None.
    names : sequence of str, optional
        Legend names of the components; "component k" by default.
    axis_labels : sequence of 2 str
        Labels of the horizontal and vertical axes.
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
    """
    x = np.asarray(x, dtype=float)
    means = np.asarray(means, dtype=float)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"Expected x of shape (n_samples, 2), got shape {x.shape}")
    if resp is not None and np.shape(resp) != (x.shape[0], means.shape[0]):
        raise ValueError(f"Expected resp of shape ({x.shape[0]}, {means.shape[0]}), got shape {np.shape(resp)}")
    ax = _axes(ax)
    point_colors = DATA_COLOR if resp is None else responsibility_colors(resp)
    ax.scatter(x[:, 0], x[:, 1], s=12, c=point_colors, alpha=0.7, linewidths=0)
    names = names or [f"component {k}" for k in range(means.shape[0])]
    covariance_ellipses(means, covariances, ax=ax, names=names)
    label_axes(ax, title=title or "Mixture components (1 and 2 sd ellipses)", xlabel=axis_labels[0],
           ylabel=axis_labels[1])
    return ax


def information_criteria(n_components, bic, aic, *, title=None, ax=None):
    """Draw BIC and AIC against the number of components, minima marked.

    Parameters
    ----------
    n_components : ndarray of shape (n_models,)
        Numbers of components tried.
    bic, aic : ndarray of shape (n_models,)
        Criterion of the best fit with each number of components (lower is
        better).
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
    """
    n_components = np.asarray(n_components)
    bic = np.asarray(bic, dtype=float)
    aic = np.asarray(aic, dtype=float)
    if not (n_components.shape == bic.shape == aic.shape) or n_components.ndim != 1:
        raise ValueError(
            "Expected n_components, bic and aic of one shape (n_models,), got shapes "
            f"{n_components.shape}, {bic.shape} and {aic.shape}"
        )
    ax = _axes(ax)
    for values, name, color, marker in ((bic, "BIC", PALETTE[0], "o"), (aic, "AIC", PALETTE[1], "s")):
        best = int(np.argmin(values))
        ax.plot(n_components, values, "-" + marker, color=color, label=name)
        ax.plot(n_components[best], values[best], marker, color=color, markersize=14, fillstyle="none",
                markeredgewidth=2, label=f"{name} minimum (k = {n_components[best]})")
    ax.set_xticks(n_components)
    label_axes(ax, title=title or "Choosing the number of components", xlabel="number of components k",
           ylabel="criterion (lower is better)")
    return ax


def jensen(grid, curve, points, values, weights, *, names=("log of the average", "average of the log"),
           title=None, ax=None):
    """Draw Jensen's inequality: a concave curve at an average lies above the average of the curve.

    Parameters
    ----------
    grid : ndarray of shape (n_grid,)
        Where the concave function was evaluated.
    curve : ndarray of shape (n_grid,)
        The function on ``grid`` (e.g. ``np.log(grid)``).
    points : ndarray of shape (n_points,)
        The values y_j being averaged.
    values : ndarray of shape (n_points,)
        The function at ``points``.
    weights : ndarray of shape (n_points,)
        Non-negative weights summing to one.
    names : sequence of 2 str
        Legend labels of f(sum_j w_j y_j) and of sum_j w_j f(y_j).
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
    """
    grid = np.asarray(grid, dtype=float)
    curve = np.asarray(curve, dtype=float)
    points = np.asarray(points, dtype=float)
    values = np.asarray(values, dtype=float)
    weights = np.asarray(weights, dtype=float)
    if curve.shape != grid.shape or grid.ndim != 1:
        raise ValueError(f"Expected grid and curve of one shape (n_grid,), got {grid.shape} and {curve.shape}")
    if not (points.shape == values.shape == weights.shape) or points.ndim != 1:
        raise ValueError(
            "Expected points, values and weights of one shape (n_points,), got shapes "
            f"{points.shape}, {values.shape} and {weights.shape}"
        )
    ax = _axes(ax)
    average = float(weights @ points)
    on_curve = float(np.interp(average, grid, curve))
    below = float(weights @ values)
    ax.plot(grid, curve, color=PALETTE[0], linewidth=2, label="concave function")
    order = np.argsort(points)
    ax.plot(points[order], values[order], "o--", color=DATA_COLOR, label="chord between the points")
    ax.plot([average], [on_curve], "o", color=PALETTE[0], markersize=9, label=names[0])
    ax.plot([average], [below], "s", color=PALETTE[1], markersize=8, label=names[1])
    ax.vlines(average, below, on_curve, color=PALETTE[5], linewidth=1.5)
    label_axes(ax, title=title or "Jensen's inequality", xlabel="y", ylabel="f(y)")
    return ax
