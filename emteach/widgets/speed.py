"""Widgets for chapter 9, making EM fast.

Two experiments. :func:`mapreduce_explorer` splits the article's data into
chunks and shows EM's statistics computed chunk by chunk and added up: the
same numbers as on the whole data (deterministic). :func:`timing_explorer`
times one EM iteration of the book's implementations and scikit-learn for a
chosen problem size; it shows figures measured on the book's machine until
its button is pressed, and live timings after.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from emteach import data, density, gmm, plotting, timing
from emteach.widgets._live import _value_slider, new_figure, output_area, show

__all__ = [
    "MAPREDUCE_START",
    "MEASURED_MS",
    "mapreduce_state",
    "mapreduce_figure",
    "mapreduce_explorer",
    "timing_figure",
    "timing_explorer",
]

#: The start of the map-reduce experiment, on the article's data.
MAPREDUCE_START = gmm.GMMParams.from_1d([0.5, 0.5], [15.0, 45.0], [10.0, 10.0])

#: Milliseconds per iteration (wall clock, best of 5) measured by
#: benchmarks/bench_gmm.py on the book's 2-core machine while other jobs ran
#: (27 November 2026; see the chapter's tables), keyed by (n, d, k), then
#: implementation.
MEASURED_MS = {
    (1_000_000, 2, 3): {"gmm.fit": 63.8, "fused.fit": 18.4, "scikit-learn": 666.7},
}


def mapreduce_state(n_chunks=4, n_steps=0):
    """Return the data, the parameters after ``n_steps`` and each chunk's statistics.

    Parameters
    ----------
    n_chunks : int
        Chunks of (nearly) equal size, in the data's order.
    n_steps : int
        EM iterations from :data:`MAPREDUCE_START` (by :func:`emteach.gmm.fit`).

    Returns
    -------
    x : ndarray of shape (12000,)
    params : GMMParams
    parts : list of SufficientStatistics
        One per chunk, under ``params``.
    """
    x, _ = data.two_processes(seed=0)
    params = MAPREDUCE_START
    if n_steps > 0:
        params = gmm.fit(x, 2, init=MAPREDUCE_START, max_iter=n_steps, tol=0.0).params
    parts = [gmm.sufficient_statistics(chunk, params) for chunk in np.array_split(x, n_chunks)]
    return x, params, parts


def mapreduce_figure(n_chunks=4, n_steps=0, *, figsize=(10.0, 3.8)):
    """Return the map-reduce experiment's figure and caption.

    Left: each chunk's share of the component sizes n_k, stacked (map, then
    reduce by +). Right: the histogram and the mixture that the M-step makes
    from the summed statistics.

    Parameters
    ----------
    n_chunks : int
    n_steps : int
    figsize : tuple of float

    Returns
    -------
    fig : matplotlib.figure.Figure
    caption : str
        The chunk count, the summed n_k, the new weights and means, and the
        log-likelihood summed over chunks.
    """
    x, params, parts = mapreduce_state(n_chunks, n_steps)
    total = sum(parts)
    new = gmm.m_step_from_statistics(total)
    fig, (left, right) = new_figure(1, 2, figsize=figsize)
    plotting.chunk_statistics([p.sizes for p in parts], names=["component 0", "component 1"], ax=left,
                              title=f"{n_chunks} chunk(s): n_k summed over chunks")
    heights, edges = density.histogram(x, 50)
    grid = np.linspace(0.0, 60.0, 300)
    plotting.mixture_1d(edges, heights, grid, gmm.component_densities(grid, new).T,
                        names=["component 0", "component 1"], ax=right,
                        title=f"M-step from the sums, after {n_steps + 1} iteration(s)")
    sizes = ", ".join(f"{v:,.1f}" for v in total.sizes)
    caption = (
        f"{n_chunks} chunk(s) of about {x.size // n_chunks:,} rows, parameters after {n_steps} "
        f"iteration(s): n_k summed over chunks = [{sizes}]; log-likelihood summed over chunks = "
        f"{total.log_likelihood:,.2f}; the M-step gives weights "
        f"[{new.weights[0]:.4f}, {new.weights[1]:.4f}] and means "
        f"[{new.means[0, 0]:.3f}, {new.means[1, 0]:.3f}]"
    )
    return fig, caption


def mapreduce_explorer():
    """Build the map-reduce experiment: choose the number of chunks, step EM.

    Returns
    -------
    ipywidgets.VBox
        A slider "chunks" (1 to 8), buttons "step" and "reset", and an
        Output with :func:`mapreduce_figure` and its caption. Whatever the
        number of chunks, the sums and the new parameters stay the same.
    """
    chunks = _value_slider(int, "chunks", 4, 1, 8, 1)
    step = widgets.Button(description="step", tooltip="one EM iteration")
    reset = widgets.Button(description="reset", tooltip="back to the start")
    out = output_area("360px")
    state = {"steps": 0}

    def redraw(change=None):
        show(out, *mapreduce_figure(chunks.value, state["steps"]))

    def do_step(_):
        state["steps"] += 1
        redraw()

    def do_reset(_):
        state["steps"] = 0
        redraw()

    chunks.observe(redraw, names="value")
    step.on_click(do_step)
    reset.on_click(do_reset)
    redraw()
    return widgets.VBox([widgets.HBox([chunks, step, reset]), out])


def timing_figure(milliseconds, *, title, figsize=(8.0, 3.0)):
    """Return a bar figure of ms per iteration and its caption.

    Parameters
    ----------
    milliseconds : dict of str to float
        Implementation name to milliseconds per iteration.
    title : str
    figsize : tuple of float

    Returns
    -------
    fig : matplotlib.figure.Figure
    caption : str
    """
    fig, ax = new_figure(figsize=figsize)
    names = list(milliseconds)
    values = [max(milliseconds[name], 1e-3) for name in names]
    plotting.timing_bars(names, values, title=title, ax=ax)
    caption = "; ".join(f"{name}: {value:.3g} ms per iteration" for name, value in
                        zip(names, values))
    return fig, caption


def timing_explorer():
    """Build the timing experiment: choose n, d, k and implementations, press "time".

    Returns
    -------
    ipywidgets.VBox
        Menus "n", "d", "k", checkboxes for each implementation, a button
        "time" and an Output. Until "time" is pressed the Output shows the
        figures measured on the book's machine for (1,000,000, 2, 3); timing
        a million points with scikit-learn takes a few seconds.
    """
    n_menu = widgets.Dropdown(options=[10_000, 100_000, 1_000_000], value=100_000,
                              description="n")
    d_menu = widgets.Dropdown(options=[1, 2, 10, 50], value=2, description="d")
    k_menu = widgets.Dropdown(options=[2, 3, 10], value=3, description="k")
    boxes = [widgets.Checkbox(value=True, description=name, indent=False)
             for name in timing.IMPLEMENTATIONS]
    button = widgets.Button(description="time", tooltip="time one iteration of each")
    out = output_area("300px")
    shown = {}

    def chosen_names():
        return [box.description for box in boxes if box.value]

    def display(fig, caption, note=""):
        shown.update(fig=fig, caption=caption)
        show(out, fig, caption + note)

    def announce(_change=None):
        # The menus act when "time" is pressed; say what it will measure, so a move is never silent.
        names = ", ".join(chosen_names()) or "nothing: tick at least one implementation"
        display(shown["fig"], shown["caption"],
                f"\nNext: press time to measure n = {n_menu.value:,}, d = {d_menu.value}, k = {k_menu.value} "
                f"with {names}.")

    def measure(_):
        names = chosen_names()
        if not names:
            announce()
            return
        x, init = timing.random_problem(n_menu.value, d_menu.value, k_menu.value)
        result = timing.ms_per_iteration({name: timing.runner(name) for name in names}, x, init,
                                         few=1, many=3, repeats=2)
        display(*timing_figure(
            result, title=f"n = {n_menu.value:,}, d = {d_menu.value}, k = {k_menu.value}: "
                          "measured now"))

    button.on_click(measure)
    for control in [n_menu, d_menu, k_menu, *boxes]:
        control.observe(announce, names="value")
    measured = MEASURED_MS[(1_000_000, 2, 3)]
    display(*timing_figure(measured, title="n = 1,000,000, d = 2, k = 3: measured on the "
                                           "book's 2-core machine"))
    return widgets.VBox([widgets.HBox([n_menu, d_menu, k_menu]), widgets.HBox(boxes + [button]),
                         out])
