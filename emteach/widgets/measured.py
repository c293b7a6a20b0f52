"""Widget experiments for chapter 8, EM's advantages and disadvantages measured.

:func:`em_vs_lbfgs` races EM against scipy's quasi-Newton L-BFGS-B on the
same two-component log-likelihood (:mod:`emteach.direct`): pick how far
apart the components are and whether to look at iterations or seconds.
:func:`em_vs_lbfgs_figure` draws the same picture for a static copy.
"""

from __future__ import annotations

from functools import lru_cache

import ipywidgets as widgets
import numpy as np

from emteach import direct, plotting
from emteach.widgets._live import _fixed_figure, _menu, output_area, show

__all__ = [
    "SEPARATIONS",
    "GAP",
    "race",
    "em_vs_lbfgs_figure",
    "em_vs_lbfgs",
]

#: Separations offered by the race (distance between the means in standard deviations).
SEPARATIONS = (2.0, 2.5, 3.0, 4.0, 6.0)

#: The race counts iterations until the gap to the best known maximum is below this.
GAP = 1e-6


@lru_cache(maxsize=len(SEPARATIONS))
def race(separation):
    """Run EM and L-BFGS from the same start on :func:`emteach.direct.comparison_problem`.

    Parameters
    ----------
    separation : float

    Returns
    -------
    em_path, lbfgs_path : emteach.direct.PathFit
    best : float
        The best known maximum (the higher of the two ends).

    Notes
    -----
    Cached: the first call for a separation measures its times, later calls
    return the same paths.
    """
    x, init = direct.comparison_problem(separation)
    em_path = direct.em(x, init, max_iter=2000, tol=1e-12)
    lbfgs_path = direct.lbfgs(x, init, max_iter=1000)
    best = max(float(em_path.log_likelihoods.max()), float(lbfgs_path.log_likelihoods.max()))
    return em_path, lbfgs_path, best


def em_vs_lbfgs_figure(separation=2.0, axis="iteration"):
    """The race's figure and caption for one separation.

    Parameters
    ----------
    separation : float
        One of :data:`SEPARATIONS`.
    axis : {"iteration", "time"}
        What the horizontal axis shows: iterations, or measured seconds.

    Returns
    -------
    fig : matplotlib.figure.Figure
    caption : str
        Iterations and evaluations to a gap below :data:`GAP` (deterministic;
        times are only drawn, never printed).
    """
    if axis not in ("iteration", "time"):
        raise ValueError(f"Expected axis 'iteration' or 'time', got {axis!r}")
    em_path, lbfgs_path, best = race(float(separation))
    gaps = [best - em_path.log_likelihoods, best - lbfgs_path.log_likelihoods]
    reach = [direct.iterations_to_gap(p.log_likelihoods, best, GAP) for p in (em_path, lbfgs_path)]
    fig, ax = _fixed_figure(figsize=(8.0, 3.8), left=0.11, right=0.98, bottom=0.14, top=0.9)
    if axis == "time":
        xs = [1e3 * em_path.seconds, 1e3 * lbfgs_path.seconds]
        xlabel = "milliseconds (measured now)"
    else:
        xs, xlabel = None, "iteration"
    plotting.gap_paths(gaps, ["EM", "L-BFGS"], xs=xs, ax=ax, xlabel=xlabel, markers=[None, "o"],
                       title=f"Means {separation:g} sd apart: distance to the best maximum")
    ax.axhline(GAP, color=plotting.DATA_COLOR, linestyle=":", linewidth=1, label=f"gap {GAP:g}")
    ax.legend(frameon=False)

    def said(count):
        return f"{count} iterations" if count >= 0 else "not within the iteration budget"

    caption = (f"separation {separation:g}: gap below {GAP:g} after {said(reach[0])} of EM "
               f"and {said(reach[1])} of L-BFGS ({lbfgs_path.n_evaluations} evaluations in "
               f"{lbfgs_path.n_iter} iterations)")
    return fig, caption


def em_vs_lbfgs():
    """Build the race between EM and L-BFGS (chapter 8).

    Returns
    -------
    ipywidgets.VBox
        A "separation" menu over :data:`SEPARATIONS` and an "x axis"
        toggle ("iteration" or "time") above an Output with
        :func:`em_vs_lbfgs_figure` and its caption.
    """
    # A menu, not a SelectionSlider: a selection slider tells a screen reader its option index (2), not 3.0.
    separation = _menu("separation", [(f"{s:g}", s) for s in SEPARATIONS], 3.0)
    axis = widgets.ToggleButtons(options=["iteration", "time"], value="iteration", description="x axis")
    out = output_area("360px")

    def redraw(_change=None):
        show(out, *em_vs_lbfgs_figure(separation.value, axis.value))

    separation.observe(redraw, names="value")
    axis.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox([separation, axis]), out])
