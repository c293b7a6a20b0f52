"""Widgets for chapter 7, applications (clustering, colour quantisation, outliers, missing data, HMMs, tomography).

The experiment of the chapter is the occasionally dishonest casino: move the
probabilities of switching dice and the number of rolls, and the posterior
probability of the loaded die (forward-backward) and the Viterbi path are
recomputed and redrawn.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from emteach import plotting
from emteach.widgets._live import _fixed_figure, _value_slider, output_area, show

__all__ = ["casino_model", "casino_summary", "casino_figure", "casino_explorer"]

#: Index of the loaded die among the casino's two states (0 is the fair die).
LOADED = 1


def casino_model(to_loaded=0.05, to_fair=0.10):
    """Return the casino's HMM with the given switching probabilities.

    Parameters
    ----------
    to_loaded : float
        P(next roll with the loaded die | this one with the fair die), in (0, 1).
    to_fair : float
        P(next roll with the fair die | this one with the loaded die), in (0, 1).

    Returns
    -------
    emteach.hmm.HMMParams
        The start and the emissions of :func:`emteach.hmm.casino_params`
        (Durbin et al. 1998), with the transitions
        ``[[1 - to_loaded, to_loaded], [to_fair, 1 - to_fair]]``.
    """
    from emteach import hmm  # imported here so that the other chapters' widgets never depend on it

    base = hmm.casino_params()
    transitions = np.array([[1.0 - to_loaded, to_loaded], [to_fair, 1.0 - to_fair]])
    return hmm.HMMParams(base.start, transitions, base.emissions)


def casino_summary(dice, posterior_loaded, decoded):
    """Return the numbers the casino experiment reports.

    Parameters
    ----------
    dice : array_like of shape (n_rolls,)
        The true die of each roll (1 loaded, 0 fair).
    posterior_loaded : array_like of shape (n_rolls,)
        P(loaded at roll t | all rolls).
    decoded : array_like of shape (n_rolls,)
        The Viterbi path (1 loaded, 0 fair).

    Returns
    -------
    dict
        ``loaded_fraction`` (share of rolls truly loaded), ``posterior_accuracy``
        (share of rolls where posterior > 0.5 names the right die) and
        ``viterbi_accuracy`` (share where the Viterbi path does).
    """
    dice = np.asarray(dice)
    posterior_loaded = np.asarray(posterior_loaded, dtype=float)
    decoded = np.asarray(decoded)
    return {
        "loaded_fraction": float(np.mean(dice == LOADED)),
        "posterior_accuracy": float(np.mean((posterior_loaded > 0.5) == (dice == LOADED))),
        "viterbi_accuracy": float(np.mean(decoded == dice)),
    }


def casino_figure(to_loaded=0.05, to_fair=0.10, n_rolls=300, seed=0, *, figsize=(9.5, 3.4)):
    """Return the casino experiment's figure and caption for one setting.

    Rolls are drawn from :func:`casino_model` with ``seed``; the posterior
    comes from :func:`emteach.hmm.forward_backward` and the path from
    :func:`emteach.hmm.viterbi`, both with the model that made the rolls.

    Parameters
    ----------
    to_loaded, to_fair : float
        The switching probabilities, see :func:`casino_model`.
    n_rolls : int
        Number of rolls.
    seed : int
        Seed of the rolls.
    figsize : tuple of float
        Width and height in inches.

    Returns
    -------
    fig : matplotlib.figure.Figure
    caption : str
    """
    from emteach import hmm

    params = casino_model(to_loaded, to_fair)
    rolls, dice = hmm.sample(params, n_rolls, seed=seed)
    posteriors, log_likelihood = hmm.forward_backward(rolls, params)
    decoded, _ = hmm.viterbi(rolls, params)
    summary = casino_summary(dice, posteriors[:, LOADED], decoded)
    fig, ax = _fixed_figure(1, 1, figsize=figsize, left=0.07, right=0.98, bottom=0.15, top=0.9)
    plotting.state_posterior(posteriors[:, LOADED], dice, decoded, ax=ax,
                             title=f"{n_rolls} rolls: where was the loaded die used?")
    caption = (f"{n_rolls} rolls, fair to loaded {to_loaded:.2f}, loaded to fair {to_fair:.2f}, seed {seed}: "
               f"loaded on {summary['loaded_fraction']:.1%} of the rolls; "
               f"posterior > 0.5 right on {summary['posterior_accuracy']:.1%}, "
               f"Viterbi right on {summary['viterbi_accuracy']:.1%}; "
               f"log-likelihood {log_likelihood:.2f}")
    return fig, caption


def casino_explorer():
    """Build the casino experiment (chapter 7).

    Returns
    -------
    ipywidgets.VBox
        Sliders "fair to loaded" and "loaded to fair" (the switching
        probabilities), "rolls" and "seed", above an Output with the
        posterior probability of the loaded die along the rolls, the true
        dice shaded and the Viterbi path, and a caption with the share of
        rolls each decoding gets right.
    """
    to_loaded = _value_slider(float, "fair to loaded", 0.05, 0.01, 0.30, 0.01)
    to_fair = _value_slider(float, "loaded to fair", 0.10, 0.01, 0.50, 0.01)
    rolls = _value_slider(int, "rolls", 300, 50, 2000, 50)
    seed = _value_slider(int, "seed", 0, 0, 20, 1)
    out = output_area(height="320px")

    def redraw(change=None):
        fig, caption = casino_figure(to_loaded.value, to_fair.value, rolls.value, seed.value)
        show(out, fig, caption)

    for control in (to_loaded, to_fair, rolls, seed):
        control.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox([to_loaded, to_fair]), widgets.HBox([rolls, seed]), out])
