"""Widget experiments for the chapters.

Each experiment is a function that builds with no arguments, wires a few
ipywidgets controls to :mod:`emteach` numerics and :mod:`emteach.plotting`
figures, and returns one widget to display. Callbacks write the figure and
the caption into their ``Output`` directly (``out.outputs = ...``) instead of
``with out:``; that works the same in JupyterLab, in a headless kernel under
nbval, and in plain pytest, where setting ``control.value`` redraws at once.

Figures are built with :class:`matplotlib.figure.Figure` (not pyplot), so a
redraw never leaks a figure into the notebook cell and never touches global
pyplot state.
"""

from __future__ import annotations

import base64
import io

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from emteach import coins, data, density, gmm, plotting

#: Pixel density of widget figures: sharp enough, and fast to redraw.
WIDGET_DPI = 80


def new_figure(nrows=1, ncols=1, *, figsize=(8.0, 3.6)):
    """Return a pyplot-free figure and its axes for a widget redraw.

    Parameters
    ----------
    nrows, ncols : int
        Grid of axes, as in :func:`matplotlib.pyplot.subplots`.
    figsize : tuple of float
        Width and height in inches.

    Returns
    -------
    fig : matplotlib.figure.Figure
    axes : Axes or ndarray of Axes
    """
    fig = Figure(figsize=figsize, dpi=WIDGET_DPI, layout="constrained")
    axes = fig.subplots(nrows, ncols)
    return fig, axes


def figure_output(fig, text=None):
    """Return the Output-widget records that show ``fig`` and a caption.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to render as PNG.
    text : str, optional
        A caption printed under the figure (stream output), e.g. the
        parameter values, so a test can read what was drawn.

    Returns
    -------
    tuple of dict
        Output records in the notebook format, ready for ``out.outputs``.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=WIDGET_DPI)
    png = base64.b64encode(buffer.getvalue()).decode("ascii")
    records = [
        {
            "output_type": "display_data",
            "data": {"image/png": png, "text/plain": f"<Figure: {_axes_titles(fig)}>"},
            "metadata": {},
        }
    ]
    if text:
        records.append({"output_type": "stream", "name": "stdout", "text": text.rstrip("\n") + "\n"})
    return tuple(records)


def _axes_titles(fig):
    """Join the titles of a figure's axes, for the plain-text view of it."""
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    return "; ".join(titles) if titles else "figure"


def show(out, fig, text=None):
    """Replace what ``out`` shows with ``fig`` and an optional caption.

    Parameters
    ----------
    out : ipywidgets.Output
        The experiment's output area.
    fig : matplotlib.figure.Figure
        The new figure.
    text : str, optional
        Caption printed under the figure.
    """
    out.outputs = figure_output(fig, text)


def output_area(height="340px"):
    """Return an ``Output`` with a fixed height, so redraws do not flicker."""
    return widgets.Output(layout=widgets.Layout(height=height))


def caption_of(out):
    """Return the text an experiment's Output shows (for tests and readers)."""
    return "".join(o.get("text", "") for o in out.outputs if o.get("output_type") == "stream")


def controls_of(widget):
    """Map each control's description to the control, searching nested boxes.

    Parameters
    ----------
    widget : ipywidgets.Widget
        An experiment as returned by one of the functions below.

    Returns
    -------
    dict of str to ipywidgets.Widget
        Every descendant with a non-empty ``description``; set
        ``controls_of(w)["bins"].value = 5`` to drive an experiment from code.
    """
    found = {}
    for child in _descendants(widget):
        description = getattr(child, "description", "")
        if description:
            found[description] = child
    return found


def output_of(widget):
    """Return the first ``Output`` inside an experiment."""
    for child in _descendants(widget):
        if isinstance(child, widgets.Output):
            return child
    raise ValueError(f"Expected a widget that contains an Output, got {type(widget).__name__}")


def _descendants(widget):
    """Yield ``widget`` and everything nested in its ``children``."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _descendants(child)


# --- Chapter 0 (welcome) -----------------------------------------------------


def normal_curve_explorer(mean=0.0, sd=1.0):
    """A first experiment: move a normal curve's mean and spread.

    The welcome chapter uses it to check that widgets work: two sliders
    redraw the density of a normal distribution beside the standard one.

    Parameters
    ----------
    mean, sd : float
        Starting values of the sliders.

    Returns
    -------
    ipywidgets.VBox
        The sliders ("mean", "sd") above the figure.
    """

    grid = np.linspace(-6.0, 6.0, 481)
    standard = density.pdf(grid)
    mean_slider = widgets.FloatSlider(value=mean, min=-3.0, max=3.0, step=0.25, description="mean",
                                      continuous_update=False)
    sd_slider = widgets.FloatSlider(value=sd, min=0.25, max=3.0, step=0.25, description="sd",
                                    continuous_update=False)
    out = output_area("320px")

    def redraw(_change=None):
        fig, ax = new_figure(figsize=(7.0, 3.4))
        values = density.pdf(grid, mean_slider.value, sd_slider.value)
        plotting.curve(grid, standard, ax=ax, color=plotting.DATA_COLOR, linestyle="--",
                       label="standard normal (mean 0, sd 1)")
        plotting.curve(grid, values, ax=ax, label=f"mean {mean_slider.value:.2f}, sd {sd_slider.value:.2f}",
                       title="A normal density", xlabel="x", ylabel="density")
        peak = float(density.pdf(mean_slider.value, mean_slider.value, sd_slider.value))
        show(out, fig, f"mean = {mean_slider.value:.2f}, sd = {sd_slider.value:.2f}, "
                       f"height of the peak = {peak:.3f}")

    mean_slider.observe(redraw, names="value")
    sd_slider.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox([mean_slider, sd_slider]), out])


# --- Chapters 1-3 ------------------------------------------------------------


def _fixed_figure(nrows=1, ncols=1, *, figsize, **margins):
    """Return a pyplot-free figure with fixed margins and its axes.

    Like :func:`new_figure`, but the margins are given (as in
    :meth:`matplotlib.figure.Figure.subplots_adjust`) instead of solved by
    the constrained layout engine, which halves the time of a redraw.
    """
    fig = Figure(figsize=figsize, dpi=WIDGET_DPI)
    fig.subplots_adjust(**margins)
    return fig, fig.subplots(nrows, ncols)


# Chapter 1: bins, rule and sample size.

#: The bin choices of the histogram experiment: (menu entry, ``bins`` value).
HISTOGRAM_RULES = (
    ("count (slider)", "count"),
    ("Sturges", "sturges"),
    ("Scott", "scott"),
    ("Freedman-Diaconis", "fd"),
)

#: Sample sizes offered by the histogram experiment.
HISTOGRAM_SIZES = (50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000)


def histogram_figure(x, bins=50, *, kde=False, true_density=(0.0, 1.0), xlim=(-4.5, 4.5),
                     figsize=(8.0, 3.6)):
    """Return the histogram experiment's figure and caption for one setting.

    Parameters
    ----------
    x : array_like of shape (n,)
        The sample.
    bins : int or {"sturges", "scott", "fd"}
        Number of bins, or the rule that chooses it.
    kde : bool
        Also draw the Gaussian kernel density estimate (Scott's bandwidth).
    true_density : tuple of float or None
        (mean, sd) of the Gaussian the sample came from, drawn for
        comparison; None draws no reference curve.
    xlim : tuple of float
        Range of the x axis, fixed so that settings compare at a glance.
    figsize : tuple of float
        Width and height in inches.

    Returns
    -------
    fig : matplotlib.figure.Figure
    caption : str
        The sample size, rule, number of bins and bin width drawn.
    """

    x = np.asarray(x, dtype=float)
    heights, edges = density.histogram(x, bins)
    n_bins = edges.size - 1
    width = float(edges[1] - edges[0])
    rule = "count" if not isinstance(bins, str) else bins
    grid = np.linspace(xlim[0], xlim[1], 400)
    fig, ax = _fixed_figure(figsize=figsize, left=0.08, right=0.98, bottom=0.14, top=0.91)
    plotting.histogram(heights, edges, ax=ax, label=f"histogram, {n_bins} bins")
    top = float(np.max(heights))
    if true_density is not None:
        reference = density.pdf(grid, *true_density)
        top = max(top, float(np.max(reference)))
        plotting.curve(grid, reference, ax=ax, color=plotting.PALETTE[0],
                       label=f"true density N({true_density[0]:g}, {true_density[1]:g}\u00b2)")
    if kde:
        estimate = density.kde(x, grid)
        top = max(top, float(np.max(estimate)))
        plotting.curve(grid, estimate, ax=ax, color=plotting.PALETTE[1], linestyle="--",
                       label="kernel density estimate")
    ax.set_xlim(*xlim)
    ax.set_ylim(0.0, 1.08 * top)
    plotting.label_axes(ax, f"{x.size} points, {n_bins} bins ({rule}), bin width {width:.3f}",
                    "x", "density")
    caption = f"sample size = {x.size}, rule = {rule}, bins = {n_bins}, bin width = {width:.3f}"
    return fig, caption


def histogram_explorer(seed=0):
    """Build the experiment on bins, bin-width rules and sample size (chapter 1).

    The sample of size n is the first n of 20,000 standard-normal draws
    made with ``seed``, so a larger sample keeps the points of a smaller one;
    with the default seed, n = 2000 is chapter 1's sample.

    Parameters
    ----------
    seed : int
        Seed of :func:`numpy.random.default_rng` for the draws.

    Returns
    -------
    ipywidgets.VBox
        Controls "rule", "bins", "sample size" and "kernel estimate", above
        an Output showing :func:`histogram_figure` and its caption.
    """
    pool = np.random.default_rng(seed).standard_normal(max(HISTOGRAM_SIZES))
    rule = widgets.Dropdown(options=HISTOGRAM_RULES, value="count", description="rule")
    bins = widgets.IntSlider(value=50, min=1, max=100, description="bins", continuous_update=False)
    size = widgets.SelectionSlider(options=HISTOGRAM_SIZES, value=2000, description="sample size",
                                   continuous_update=False, style={"description_width": "initial"})
    kde = widgets.Checkbox(value=False, description="kernel estimate")
    out = output_area()

    def redraw(change=None):
        bins.disabled = rule.value != "count"
        chosen = bins.value if rule.value == "count" else rule.value
        show(out, *histogram_figure(pool[: size.value], chosen, kde=kde.value))

    for control in (rule, bins, size, kde):
        control.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox([rule, bins]), widgets.HBox([size, kde]), out])


# Chapter 2: the mean and sd against the log-likelihood.

#: Sample sizes offered by the likelihood experiment.
LIKELIHOOD_SIZES = (10, 50, 200, 1000, 4000)


def likelihood_figure(x, mean, sd, *, means=None, sds=None, figsize=(9.0, 3.6)):
    """Return the likelihood experiment's figure and caption for one setting.

    Left: the sample's histogram with the Gaussian of the chosen ``mean`` and
    ``sd`` and the maximum-likelihood Gaussian. Right: the log-likelihood over
    a grid of means and sds with the chosen point and the maximum.

    Parameters
    ----------
    x : array_like of shape (n,)
        The sample.
    mean, sd : float
        The Gaussian to try.
    means : array_like of shape (n_means,), optional
        Grid of means for the surface; :func:`likelihood_grid` of ``x`` by default.
    sds : array_like of shape (n_sds,), optional
        Grid of sds (all > 0); :func:`likelihood_grid` of ``x`` by default.
    figsize : tuple of float
        Width and height in inches.

    Returns
    -------
    fig : matplotlib.figure.Figure
    caption : str
        The sample size, the chosen mean and sd, their log-likelihood, and
        the maximum-likelihood estimates with theirs.
    """

    x = np.asarray(x, dtype=float)
    best = density.gaussian_mle(x)
    if means is None or sds is None:
        default_means, default_sds = likelihood_grid(x)
        means = default_means if means is None else means
        sds = default_sds if sds is None else sds
    surface = density.log_likelihood_grid(x, means, sds)
    current = density.log_likelihood(x, mean, sd)
    top = density.log_likelihood(x, *best)
    grid = np.linspace(means[0] - sds[-1], means[-1] + sds[-1], 400)
    heights, edges = density.histogram(x, "fd")

    fig, (left, right) = _fixed_figure(1, 2, figsize=figsize, left=0.08, right=0.98, bottom=0.14,
                                       top=0.91, wspace=0.3)
    plotting.histogram(heights, edges, ax=left, label=f"{x.size} data points")
    plotting.curve(grid, density.pdf(grid, mean, sd), ax=left, color=plotting.PALETTE[5],
                   label=f"N({mean:.1f}, {sd:.1f}\u00b2): your choice")
    plotting.curve(grid, density.pdf(grid, *best), ax=left, color=plotting.PALETTE[7], linestyle="--",
                   linewidth=1.5, label="maximum likelihood")
    left.set_xlim(grid[0], grid[-1])
    plotting.label_axes(left, f"log-likelihood {current:.1f} (best {top:.1f})", "x", "density")
    left.legend(loc="upper left", fontsize="small", frameon=False)
    plotting.log_likelihood_surface(means, sds, surface, point=(mean, sd), best=best, ax=right,
                                    label_contours=False, title="Log-likelihood surface")
    right.set_xlim(means[0], means[-1])
    right.set_ylim(sds[0], sds[-1])
    caption = (
        f"sample size = {x.size}, mean = {mean:.2f}, sd = {sd:.2f}: log-likelihood = {current:.2f}; "
        f"maximum {top:.2f} at mean = {best[0]:.2f}, sd = {best[1]:.2f} ({top - current:.2f} below it)"
    )
    return fig, caption


def likelihood_grid(x, n_means=81, n_sds=61):
    """Return the grid of means and sds on which the likelihood experiment draws.

    Parameters
    ----------
    x : array_like of shape (n,)
        The sample.
    n_means, n_sds : int
        Grid sizes.

    Returns
    -------
    means : ndarray of shape (n_means,)
        From the sample mean minus to plus two sample sds, ends rounded to 0.1.
    sds : ndarray of shape (n_sds,)
        From 0.3 to 2 sample sds, ends rounded to 0.1 (and at least 0.1).
    """
    x = np.asarray(x, dtype=float)
    center, spread = float(np.mean(x)), max(float(np.std(x)), 0.1)
    means = np.linspace(round(center - 2.0 * spread, 1), round(center + 2.0 * spread, 1), n_means)
    sds = np.linspace(max(round(0.3 * spread, 1), 0.1), round(2.0 * spread, 1), n_sds)
    return means, sds


def likelihood_explorer(x=None, *, mean=None, sd=None, size=200, seed=0):
    """Build the experiment on a Gaussian's mean and sd against its log-likelihood (chapter 2).

    Parameters
    ----------
    x : array_like of shape (n,), optional
        The sample; by default the 4,000 draws of the source article's first
        process, N(20, 5^2), made by :func:`emteach.data.two_processes` with
        ``seed``. The sample size control takes its first n points.
    mean, sd : float, optional
        Starting values of the sliders; by default well away from the
        maximum, so that there is something to find.
    size : int
        Starting sample size, one of :data:`LIKELIHOOD_SIZES` or ``len(x)``.
    seed : int
        Seed of the default sample.

    Returns
    -------
    ipywidgets.VBox
        Sliders "mean", "sd" and "sample size" above an Output showing
        :func:`likelihood_figure` and its caption.
    """

    if x is None:
        x_all, z = data.two_processes(seed=seed)
        x = x_all[z == 0]
    x = np.asarray(x, dtype=float)
    sizes = tuple(n for n in LIKELIHOOD_SIZES if n < x.size) + (x.size,)
    means, sds = likelihood_grid(x)
    start_mean = round(float(np.mean(x) - 0.6 * np.std(x)), 1) if mean is None else mean
    start_sd = round(float(1.4 * np.std(x)), 1) if sd is None else sd
    mean = widgets.FloatSlider(value=start_mean, min=means[0], max=means[-1],
                               step=0.1, description="mean", continuous_update=False)
    sd = widgets.FloatSlider(value=start_sd, min=sds[0], max=sds[-1], step=0.1,
                             description="sd", continuous_update=False)
    size = widgets.SelectionSlider(options=sizes, value=size if size in sizes else sizes[-1],
                                   description="sample size", continuous_update=False,
                                   style={"description_width": "initial"})
    out = output_area("360px")

    def redraw(change=None):
        show(out, *likelihood_figure(x[: size.value], mean.value, sd.value, means=means, sds=sds))

    for control in (mean, sd, size):
        control.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox([mean, sd, size]), out])


# Chapter 3: how far apart the two processes are against label ambiguity.

#: A point's label is called ambiguous when its largest responsibility is below this.
AMBIGUITY_THRESHOLD = 0.9


def overlap_figure(distance=20.0, sd=5.0, *, n=(4000, 8000), center=30.0,
                   threshold=AMBIGUITY_THRESHOLD, seed=0, figsize=(8.0, 5.4)):
    """Return the overlap experiment's figure and caption for one setting.

    Two Gaussian processes with means ``center -+ distance / 2`` and a
    common ``sd``, ``n[0]`` and ``n[1]`` points each (the source article's
    data by default). Top: the data's histogram coloured by the true label,
    with the weighted component densities. Bottom: each process's
    responsibility, by Bayes' rule with the true parameters, against x, the
    ambiguous range shaded.

    Parameters
    ----------
    distance : float
        Distance between the two means, >= 0.
    sd : float
        The processes' common standard deviation, > 0.
    n : tuple of int
        Points drawn from each process.
    center : float
        Midpoint of the two means.
    threshold : float
        A point is ambiguous when its largest responsibility is below this.
    seed : int
        Seed of the data.
    figsize : tuple of float
        Width and height in inches.

    Returns
    -------
    fig : matplotlib.figure.Figure
    caption : str
        The distance, the sd, the fraction of ambiguous points, and how often
        the most responsible process is the true one.
    """

    means = (center - distance / 2.0, center + distance / 2.0)
    x, z = data.two_processes(n=n, means=means, sds=(sd, sd), seed=seed)
    weights = np.asarray(n, dtype=float) / np.sum(n)
    params = gmm.GMMParams.from_1d(weights, means, (sd, sd))
    resp, _ = gmm.e_step(x, params)
    ambiguous = float(np.mean(resp.max(axis=1) < threshold))
    agree = float(np.mean(np.argmax(resp, axis=1) == z))

    low, high = means[0] - 4.0 * sd, means[1] + 4.0 * sd
    grid = np.linspace(low, high, 400)
    grid_resp, _ = gmm.e_step(grid, params)
    stacked, edges = density.stacked_histogram(x, z, 50)
    labels = [f"process {k}: N({means[k]:.1f}, {sd:.1f}\u00b2)" for k in range(2)]
    fig, (top, bottom) = _fixed_figure(2, 1, figsize=figsize, left=0.09, right=0.98, bottom=0.09,
                                       top=0.94, hspace=0.38)
    plotting.stacked_histogram(stacked, edges, labels=[f"points from process {k}" for k in range(2)],
                               ax=top, title=f"Means {distance:.1f} apart, sd {sd:.1f}",
                               xlabel=None, ylabel="density")
    components = gmm.component_densities(grid, params)
    for k, color in enumerate(plotting.colors(2)):
        plotting.curve(grid, components[:, k], ax=top, color=color,
                       label=f"{weights[k]:.2f} \u00d7 " + labels[k].split(": ")[1])
    top.set_xlim(low, high)
    top.legend(loc="upper left", fontsize="small", frameon=False)
    plotting.responsibility_curve(grid, grid_resp, labels=["process 0", "process 1"], threshold=threshold,
                                  ax=bottom, title=f"{100 * ambiguous:.1f}% of the points are ambiguous")
    bottom.set_xlim(low, high)
    bottom.legend(loc="center left", fontsize="small", frameon=False)
    caption = (
        f"distance between means = {distance:.1f}, sd = {sd:.1f}: {100 * ambiguous:.1f}% of the points "
        f"have max responsibility < {threshold:g}; the most responsible process is the true one "
        f"for {100 * agree:.1f}%"
    )
    return fig, caption


def overlap_explorer(seed=0):
    """Build the experiment on overlapping processes and ambiguous labels (chapter 3).

    Parameters
    ----------
    seed : int
        Seed of the data, redrawn for every setting.

    Returns
    -------
    ipywidgets.VBox
        Sliders "distance" and "sd" above an Output showing
        :func:`overlap_figure` and its caption.
    """
    distance = widgets.FloatSlider(value=20.0, min=0.0, max=40.0, step=1.0, description="distance",
                                   continuous_update=False)
    sd = widgets.FloatSlider(value=5.0, min=1.0, max=15.0, step=0.5, description="sd",
                             continuous_update=False)
    out = output_area("480px")

    def redraw(change=None):
        show(out, *overlap_figure(distance.value, sd.value, seed=seed))

    for control in (distance, sd):
        control.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox([distance, sd]), out])

# --- Chapters 4-5 ------------------------------------------------------------


# Chapter 4: step EM by hand, on the two coins or on a 1-D mixture.

#: The models the EM stepper offers: (menu entry, key).
EM_MODELS = (("two coins", "coins"), ("1-D mixture", "mixture"))

#: Iterations one press of "run" may take at most, and the rise of the
#: log-likelihood (per data point) below which it stops earlier.
RUN_ITERATIONS = 50
RUN_TOL = 1e-6


class _CoinsModel:
    """The two-coin experiment of chapter 4, as the EM stepper sees it."""

    name = "two coins"
    slice_label = r"$\theta_A$ ($\theta_B$ held at its current value)"

    def __init__(self):

        self.heads, self.n_tosses = data.coin_sets()
        self.n_points = self.heads.shape[0]
        self.start = np.array([0.6, 0.5])
        self.grid = np.linspace(0.30, 0.98, 103)

    def log_likelihood(self, theta):

        return coins.log_likelihood(self.heads, self.n_tosses, theta)

    def step(self, theta):
        """Return (theta after one E- and M-step, bound after the M-step, its log-likelihood)."""

        resp = coins.e_step(self.heads, self.n_tosses, theta)
        new = coins.m_step(self.heads, self.n_tosses, resp)
        bound = coins.lower_bound(self.heads, self.n_tosses, new, resp)
        return new, bound, self.log_likelihood(new)

    def bound_slice(self, theta):
        """Return (grid, log-likelihood, bound, current, following) along theta_A."""
        return (self.grid, *coins.lower_bound_slice(self.heads, self.n_tosses, theta, self.grid))

    def describe(self, theta):
        return f"theta_A = {theta[0]:.3f}, theta_B = {theta[1]:.3f}"


class _MixtureModel:
    """A small version of the article's 1-D mixture, as the EM stepper sees it."""

    name = "1-D mixture"
    slice_label = "mean of component 0 (everything else held)"

    def __init__(self, seed=0):

        self.x, _ = data.two_processes(n=(100, 200), seed=seed)
        self.n_points = self.x.shape[0]
        self.start = gmm.GMMParams.from_1d([0.5, 0.5], [24.0, 30.0], [8.0, 8.0])

    def log_likelihood(self, params):

        return gmm.log_likelihood(self.x, params)

    def step(self, params):
        """Return (params after one E- and M-step, bound after the M-step, its log-likelihood)."""

        resp, _ = gmm.e_step(self.x, params)
        new = gmm.m_step(self.x, resp)
        return new, gmm.lower_bound(self.x, new, resp), self.log_likelihood(new)

    def bound_slice(self, params):
        """Return (grid, log-likelihood, bound, current, following) along the first mean."""

        resp, _ = gmm.e_step(self.x, params)
        current = float(params.means[0, 0])
        following = float(gmm.m_step(self.x, resp).means[0, 0])
        # Zoom on the step: the likelihood of 300 points is steep in the mean.
        half_width = max(3.0, 2.5 * abs(following - current))
        centre = (current + following) / 2
        grid = np.linspace(centre - half_width, centre + half_width, 81)
        return (grid, *gmm.lower_bound_slice(self.x, params, grid))

    def describe(self, params):
        sds = np.sqrt(params.covariances[:, 0, 0])
        return (f"weights = ({params.weights[0]:.2f}, {params.weights[1]:.2f}), "
                f"means = ({params.means[0, 0]:.2f}, {params.means[1, 0]:.2f}), "
                f"sds = ({sds[0]:.2f}, {sds[1]:.2f})")


def _em_model(key):
    """Return the stepper's model for a menu key."""
    if key == "coins":
        return _CoinsModel()
    if key == "mixture":
        return _MixtureModel()
    raise ValueError(f"Expected a model among {[k for _, k in EM_MODELS]}, got {key!r}")


def _em_draw(model, path, log_likelihoods, bounds, *, figsize=(9.5, 3.6)):
    """Draw the stepper's two panels for the current state; return (fig, caption)."""

    params = path[-1]
    iteration = len(path) - 1
    fig, (left, right) = _fixed_figure(1, 2, figsize=figsize, left=0.08, right=0.98, bottom=0.15, top=0.9,
                                       wspace=0.3)
    grid, log_lik, bound, current, following = model.bound_slice(params)
    plotting.bound_slice(grid, log_lik, bound, current, following=following, ax=left,
                         xlabel=model.slice_label, title=f"Iteration {iteration}: the bound touches")
    plotting.log_likelihood_history(log_likelihoods, bounds if bounds else None, ax=right,
                                    title="Log-likelihood so far")
    right.set_xlim(-0.5, max(10, iteration) + 0.5)
    caption = (f"{model.name}, iteration {iteration}: {model.describe(params)}, "
               f"log-likelihood = {log_likelihoods[-1]:.4f}")
    if bounds:
        caption += f", bound after the last M-step = {bounds[-1]:.4f}"
    return fig, caption


def em_stepper_figure(model="coins", n_steps=0):
    """Return the EM stepper's figure and caption after ``n_steps`` iterations.

    The same picture as :func:`em_stepper` shows after pressing "step"
    ``n_steps`` times, for a static copy of the experiment.

    Parameters
    ----------
    model : {"coins", "mixture"}
        The two-coin experiment from (0.6, 0.5), or a 1-D mixture of 300
        points (means 20 and 40, sd 5, weights 1/3 and 2/3) started from
        means 24 and 30, sds 8.
    n_steps : int
        EM iterations to run from the start.

    Returns
    -------
    fig : matplotlib.figure.Figure
    caption : str
    """
    state = _em_model(model)
    path, log_likelihoods, bounds = [state.start], [state.log_likelihood(state.start)], []
    for _ in range(n_steps):
        params, bound, log_lik = state.step(path[-1])
        path.append(params)
        bounds.append(bound)
        log_likelihoods.append(log_lik)
    return _em_draw(state, path, log_likelihoods, bounds)


def em_stepper():
    """Build the experiment that steps EM one iteration at a time (chapter 4).

    Returns
    -------
    ipywidgets.VBox
        A "model" menu (two coins or a 1-D mixture), the buttons "step",
        "run" (up to 50 iterations, until the log-likelihood rises by less
        than 1e-6 per data point) and "reset", above an Output with the
        bound touching the log-likelihood along one parameter, the
        log-likelihood history, and a caption with the current parameters.
    """
    menu = widgets.Dropdown(options=EM_MODELS, value="coins", description="model")
    step = widgets.Button(description="step", tooltip="one E-step and one M-step")
    run = widgets.Button(description="run", tooltip=f"up to {RUN_ITERATIONS} iterations, until it settles")
    reset = widgets.Button(description="reset", tooltip="back to the start")
    out = output_area(height="360px")
    state = {}

    def restart(change=None):
        model = _em_model(menu.value)
        state.update(model=model, path=[model.start], log_likelihoods=[model.log_likelihood(model.start)],
                     bounds=[])
        redraw()

    def advance(n_iterations, tol=None):
        model = state["model"]
        for _ in range(n_iterations):
            params, bound, log_lik = model.step(state["path"][-1])
            rise = log_lik - state["log_likelihoods"][-1]
            state["path"].append(params)
            state["bounds"].append(bound)
            state["log_likelihoods"].append(log_lik)
            if tol is not None and rise < tol * model.n_points:
                break
        redraw()

    def redraw():
        show(out, *_em_draw(state["model"], state["path"], state["log_likelihoods"], state["bounds"]))

    menu.observe(restart, names="value")
    step.on_click(lambda _: advance(1))
    run.on_click(lambda _: advance(RUN_ITERATIONS, RUN_TOL))
    reset.on_click(lambda _: restart())
    restart()
    return widgets.VBox([widgets.HBox([menu, step, run, reset]), out])


# Chapter 5: step EM on two-dimensional data.

#: The data sets of the 2-D stepper: (menu entry, key).
GMM_DATASETS = (("Old Faithful", "faithful"), ("three clusters", "clusters"))

#: The mixture behind the "three clusters" data: weights, means, covariances.
THREE_CLUSTERS = (
    (0.3, 0.4, 0.3),
    ((0.0, 0.0), (4.0, 1.0), (1.5, 4.0)),
    (((1.0, 0.6), (0.6, 1.0)), ((0.6, 0.0), (0.0, 0.6)), ((1.2, -0.5), (-0.5, 0.5))),
)


def gmm_data(key):
    """Return one of the 2-D stepper's data sets and its axis labels.

    Parameters
    ----------
    key : {"faithful", "clusters"}
        Old Faithful (272 eruptions: length and waiting time, in minutes),
        or 400 points drawn with seed 0 from :data:`THREE_CLUSTERS`.

    Returns
    -------
    x : ndarray of shape (n_samples, 2)
    axis_labels : tuple of 2 str
    """

    if key == "faithful":
        return data.old_faithful(), ("eruption length (minutes)", "waiting time (minutes)")
    if key == "clusters":
        x, _ = gmm.sample(gmm.GMMParams(*THREE_CLUSTERS), 400, seed=0)
        return x, ("$x_1$", "$x_2$")
    raise ValueError(f"Expected a data set among {[k for _, k in GMM_DATASETS]}, got {key!r}")


def gmm_start(x, n_components, seed):
    """Return a random start for EM: means at distinct data points, broad covariances.

    Parameters
    ----------
    x : ndarray of shape (n_samples, n_features)
        The data.
    n_components : int
        Number of components, at most n_samples.
    seed : int or numpy.random.Generator
        Chooses which points become the means.

    Returns
    -------
    emteach.gmm.GMMParams
        Equal weights, means at ``n_components`` data points drawn without
        replacement, and every covariance the covariance of the whole data
        (from an M-step with one component that owns every point), so each
        component starts by seeing all the data.
    """

    x = np.asarray(x, dtype=float)
    rng = np.random.default_rng(seed)
    chosen = rng.choice(x.shape[0], size=n_components, replace=False)
    overall = gmm.m_step(x, np.ones((x.shape[0], 1)))
    return gmm.GMMParams(np.full(n_components, 1.0 / n_components), x[chosen],
                         np.repeat(overall.covariances, n_components, axis=0))


def _gmm_em_step(x, params):
    """One EM iteration: (new params, its responsibilities, bound after the M-step, new log-likelihood)."""

    resp, _ = gmm.e_step(x, params)
    new = gmm.m_step(x, resp)
    bound = gmm.lower_bound(x, new, resp)
    new_resp, log_lik = gmm.e_step(x, new)
    return new, new_resp, bound, log_lik


def _gmm_draw(x, params, resp, log_likelihoods, bounds, *, axis_labels, name, seed, figsize=(9.5, 4.0)):
    """Draw the 2-D stepper's panels for the current state; return (fig, caption)."""

    iteration = len(log_likelihoods) - 1
    fig, (left, right) = _fixed_figure(1, 2, figsize=figsize, left=0.08, right=0.98, bottom=0.14, top=0.9,
                                       wspace=0.28)
    plotting.mixture_2d(x, params.means, params.covariances, resp, ax=left, axis_labels=axis_labels,
                        title=f"Iteration {iteration}: colours = responsibilities")
    # Keep the view on the data while the ellipses grow and shrink.
    low, high = x.min(axis=0), x.max(axis=0)
    pad = 0.1 * (high - low)
    left.set_xlim(low[0] - pad[0], high[0] + pad[0])
    left.set_ylim(low[1] - pad[1], high[1] + pad[1])
    plotting.log_likelihood_history(log_likelihoods, bounds if bounds else None, ax=right,
                                    title="Log-likelihood so far")
    right.set_xlim(-0.5, max(10, iteration) + 0.5)
    weights = ", ".join(f"{w:.2f}" for w in params.weights)
    caption = (f"{name}, {params.n_components} components, seed {seed}, iteration {iteration}: "
               f"log-likelihood = {log_likelihoods[-1]:.3f}, weights = ({weights})")
    return fig, caption


def gmm_stepper_figure(dataset="faithful", n_components=2, seed=0, n_steps=0):
    """Return the 2-D stepper's figure and caption after ``n_steps`` iterations.

    The same picture as :func:`gmm_stepper` shows with these settings after
    pressing "step" ``n_steps`` times, for a static copy of the experiment.

    Parameters
    ----------
    dataset : {"faithful", "clusters"}
        The data, see :func:`gmm_data`.
    n_components : int
        Number of components.
    seed : int
        Seed of the random start, see :func:`gmm_start`.
    n_steps : int
        EM iterations to run from the start.

    Returns
    -------
    fig : matplotlib.figure.Figure
    caption : str
    """

    x, axis_labels = gmm_data(dataset)
    params = gmm_start(x, n_components, seed)
    resp, log_lik = gmm.e_step(x, params)
    log_likelihoods, bounds = [log_lik], []
    for _ in range(n_steps):
        params, resp, bound, log_lik = _gmm_em_step(x, params)
        bounds.append(bound)
        log_likelihoods.append(log_lik)
    name = dict((key, label) for label, key in GMM_DATASETS)[dataset]
    return _gmm_draw(x, params, resp, log_likelihoods, bounds, axis_labels=axis_labels, name=name, seed=seed)


def gmm_stepper():
    """Build the experiment that steps EM on 2-D data (chapter 5).

    Returns
    -------
    ipywidgets.VBox
        A "data" menu (Old Faithful or three simulated clusters), sliders
        "components" (1 to 5) and "seed" (of the random start), the buttons
        "step", "run" (up to 50 iterations, until the log-likelihood rises
        by less than 1e-6 per point) and "reset", above an Output with the
        points coloured by responsibility, the components' ellipses and the
        log-likelihood history.
    """

    menu = widgets.Dropdown(options=GMM_DATASETS, value="faithful", description="data")
    components = widgets.IntSlider(value=2, min=1, max=5, description="components", continuous_update=False,
                                   style={"description_width": "initial"})
    seed = widgets.IntSlider(value=0, min=0, max=20, description="seed", continuous_update=False)
    step = widgets.Button(description="step", tooltip="one E-step and one M-step")
    run = widgets.Button(description="run", tooltip=f"up to {RUN_ITERATIONS} iterations, until it settles")
    reset = widgets.Button(description="reset", tooltip="back to the random start")
    out = output_area(height="380px")
    state = {}

    def restart(change=None):
        x, axis_labels = gmm_data(menu.value)
        params = gmm_start(x, components.value, seed.value)
        resp, log_lik = gmm.e_step(x, params)
        state.update(x=x, axis_labels=axis_labels, params=params, resp=resp, log_likelihoods=[log_lik],
                     bounds=[], note="")
        redraw()

    def advance(n_iterations, tol=None):
        x = state["x"]
        for _ in range(n_iterations):
            try:
                params, resp, bound, log_lik = _gmm_em_step(x, state["params"])
            except ValueError as error:  # a component collapsed onto a point
                state["note"] = f"\nEM stopped: {error}"
                break
            rise = log_lik - state["log_likelihoods"][-1]
            state.update(params=params, resp=resp)
            state["bounds"].append(bound)
            state["log_likelihoods"].append(log_lik)
            if tol is not None and rise < tol * x.shape[0]:
                break
        redraw()

    def redraw():
        name = dict((key, label) for label, key in GMM_DATASETS)[menu.value]
        fig, caption = _gmm_draw(state["x"], state["params"], state["resp"], state["log_likelihoods"],
                                 state["bounds"], axis_labels=state["axis_labels"], name=name, seed=seed.value)
        show(out, fig, caption + state["note"])

    for control in (menu, components, seed):
        control.observe(restart, names="value")
    step.on_click(lambda _: advance(1))
    run.on_click(lambda _: advance(RUN_ITERATIONS, RUN_TOL))
    reset.on_click(lambda _: restart())
    restart()
    return widgets.VBox([widgets.HBox([menu, components, seed]), widgets.HBox([step, run, reset]), out])
