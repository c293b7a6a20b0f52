"""Plotting for chapter 7, applications (clustering, colour quantisation, outliers, missing data, HMMs, tomography).

Like the rest of :mod:`emteach.plotting`, every function takes arrays that
were computed elsewhere, draws them on an optional ``ax`` and returns the
axes; nothing here fits a model.
"""

from __future__ import annotations

import numpy as np

from emteach.plotting.core import DATA_COLOR, PALETTE, _axes, label_axes

__all__ = [
    "highlight_points",
    "image_panel",
    "quantisation_errors",
    "missing_data_scatter",
    "state_posterior",
    "reconstruction_errors",
]


def highlight_points(x, mask, *, ax=None, color=PALETTE[5], label=None, size=90):
    """Ring chosen points of a 2-D scatter (ambiguous points, outliers, ...).

    Parameters
    ----------
    x : array_like of shape (n_samples, 2)
        The data, as drawn underneath.
    mask : array_like of shape (n_samples,), dtype bool
        Which points to ring.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure's axes when None.
    color : str
        Ring colour; vermillion by default.
    label : str, optional
        Legend entry.
    size : float
        Marker area in points squared.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If ``x`` is not (n_samples, 2) or ``mask`` has another length.
    """
    x = np.asarray(x, dtype=float)
    mask = np.asarray(mask, dtype=bool)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"Expected x of shape (n_samples, 2), got shape {x.shape}")
    if mask.shape != (x.shape[0],):
        raise ValueError(f"Expected mask of shape ({x.shape[0]},), got shape {mask.shape}")
    ax = _axes(ax)
    ax.scatter(x[mask, 0], x[mask, 1], s=size, facecolors="none", edgecolors=color, linewidths=1.6,
               label=label)
    return label_axes(ax)


def image_panel(image, *, title=None, cmap=None, vmin=None, vmax=None, ax=None, colorbar=False):
    """Show a picture (RGB, or one channel with a colour map) without axis ticks.

    Parameters
    ----------
    image : array_like of shape (height, width, 3) or (height, width)
        RGB values in [0, 1] or 0..255 integers, or one value per pixel.
    title : str, optional
        Axes title.
    cmap : str, optional
        Colour map of a one-channel image ("gray" by default for those).
    vmin, vmax : float, optional
        Range of the colour map of a one-channel image.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure's axes when None.
    colorbar : bool
        Add a colour bar (one-channel images only).

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If ``image`` is neither (height, width) nor (height, width, 3).
    """
    image = np.asarray(image)
    if not (image.ndim == 2 or (image.ndim == 3 and image.shape[2] == 3)):
        raise ValueError(f"Expected an image of shape (height, width) or (height, width, 3), "
                         f"got shape {image.shape}")
    ax = _axes(ax)
    if image.ndim == 2:
        shown = ax.imshow(image, cmap=cmap or "gray", vmin=vmin, vmax=vmax, interpolation="nearest")
        if colorbar:
            ax.figure.colorbar(shown, ax=ax, shrink=0.8)
    else:
        ax.imshow(image, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    return label_axes(ax, title, legend=False)


def quantisation_errors(n_colours, errors, *, names, title=None, ylabel="RMS colour error (0-255 scale)",
                        ax=None):
    """Draw each method's quantisation error against the number of colours K.

    Parameters
    ----------
    n_colours : array_like of shape (n_k,)
        The numbers of colours tried, drawn on a log2 axis.
    errors : array_like of shape (n_methods, n_k)
        One row of errors per method.
    names : sequence of str
        One legend name per method.
    title, ylabel : str, optional
        Labels of the axes.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure's axes when None.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If the shapes disagree.
    """
    n_colours = np.asarray(n_colours, dtype=float)
    errors = np.atleast_2d(np.asarray(errors, dtype=float))
    if n_colours.ndim != 1 or errors.shape[1] != n_colours.shape[0] or len(names) != errors.shape[0]:
        raise ValueError(
            f"Expected errors of shape (len(names), len(n_colours)) = ({len(names)}, {n_colours.shape[0]}), "
            f"got shape {errors.shape}"
        )
    ax = _axes(ax)
    markers = "osD^v"
    for row, (name, color) in enumerate(zip(names, PALETTE)):
        ax.plot(n_colours, errors[row], marker=markers[row % len(markers)], color=color, label=name)
    ax.set_xscale("log", base=2)
    ax.set_xticks(n_colours)
    ax.set_xticklabels([f"{k:g}" for k in n_colours])
    return label_axes(ax, title or "Quantisation error against the number of colours",
                      "number of colours K", ylabel)


def missing_data_scatter(x, missing, *, axis_labels=("$x_1$", "$x_2$"), title=None, ax=None):
    """Draw 2-D data whose second coordinate is sometimes missing.

    Complete rows are dots; rows whose second value is missing are ticks at
    their first value along the bottom of the axes (the only thing known).

    Parameters
    ----------
    x : array_like of shape (n_samples, 2)
        The data; entries of the second column may be NaN where missing.
    missing : array_like of shape (n_samples,), dtype bool
        True where the second value is missing.
    axis_labels : sequence of 2 str
        Labels of the axes.
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure's axes when None.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If ``x`` is not (n_samples, 2) or ``missing`` has another length.
    """
    x = np.asarray(x, dtype=float)
    missing = np.asarray(missing, dtype=bool)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"Expected x of shape (n_samples, 2), got shape {x.shape}")
    if missing.shape != (x.shape[0],):
        raise ValueError(f"Expected missing of shape ({x.shape[0]},), got shape {missing.shape}")
    ax = _axes(ax)
    ax.scatter(x[~missing, 0], x[~missing, 1], s=10, color=DATA_COLOR, alpha=0.7, linewidths=0,
               label=f"both values observed ({int((~missing).sum())})")
    ax.vlines(x[missing, 0], 0.0, 0.05, transform=ax.get_xaxis_transform(), color=PALETTE[7], linewidth=0.8,
              label=f"{axis_labels[1]} missing ({int(missing.sum())}): {axis_labels[0]} only")
    return label_axes(ax, title, axis_labels[0], axis_labels[1])


def state_posterior(posterior, states=None, decoded=None, *, state_name="loaded", title=None, ax=None):
    """Draw the posterior probability of one hidden state along a sequence.

    Parameters
    ----------
    posterior : array_like of shape (n_steps,)
        P(state at t | every observation), e.g. one column of the
        forward-backward posteriors.
    states : array_like of shape (n_steps,), optional
        The true indicator of the state (1 where in it), shaded behind.
    decoded : array_like of shape (n_steps,), optional
        A decoded indicator (e.g. from Viterbi), drawn as a step line.
    state_name : str
        Name of the state in the labels.
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure's axes when None.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If the arrays differ in length.
    """
    posterior = np.asarray(posterior, dtype=float)
    if posterior.ndim != 1:
        raise ValueError(f"Expected posterior of shape (n_steps,), got shape {posterior.shape}")
    steps = np.arange(1, posterior.shape[0] + 1)
    for name, values in (("states", states), ("decoded", decoded)):
        if values is not None and np.shape(values) != posterior.shape:
            raise ValueError(f"Expected {name} of shape {posterior.shape}, got shape {np.shape(values)}")
    ax = _axes(ax)
    if states is not None:
        ax.fill_between(steps, 0.0, np.asarray(states, dtype=float), step="mid", color=DATA_COLOR, alpha=0.35,
                        linewidth=0, label=f"truly {state_name}")
    ax.plot(steps, posterior, color=PALETTE[0], linewidth=1.5, label=f"P({state_name} | all rolls)")
    if decoded is not None:
        ax.step(steps, 0.03 + 0.94 * np.asarray(decoded, dtype=float), where="mid",
                color=PALETTE[5], linewidth=1.2, linestyle="--", label=f"Viterbi path ({state_name} up)")
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlim(steps[0] - 0.5, steps[-1] + 0.5)
    label_axes(ax, title or f"Posterior probability of the {state_name} state", "roll", "probability",
               legend=False)
    ax.legend(frameon=True, framealpha=0.9, fontsize="small", loc="upper right")
    return ax


def reconstruction_errors(iterations, errors, *, stop=None, title=None, ylabel="relative error vs the truth",
                          ax=None):
    """Draw a reconstruction's error against the truth after each iteration.

    Parameters
    ----------
    iterations : array_like of shape (n_points,)
        Iteration numbers.
    errors : array_like of shape (n_points,)
        The error after each.
    stop : int, optional
        An iteration to mark (e.g. where the error is smallest).
    title, ylabel : str, optional
        Labels of the axes.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure's axes when None.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If the shapes disagree.
    """
    iterations = np.asarray(iterations, dtype=float)
    errors = np.asarray(errors, dtype=float)
    if iterations.ndim != 1 or iterations.shape != errors.shape:
        raise ValueError(f"Expected iterations and errors of the same shape (n_points,), got "
                         f"{iterations.shape} and {errors.shape}")
    ax = _axes(ax)
    ax.plot(iterations, errors, color=PALETTE[2], linewidth=2.0, label="error")
    if stop is not None:
        ax.axvline(stop, color=PALETTE[5], linestyle="--", linewidth=1.5, label=f"smallest error (iteration {stop})")
    return label_axes(ax, title or "Error against the true image", "iteration", ylabel)
