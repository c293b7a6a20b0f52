"""Self-checks for the exercises.

Each checker compares a student's answer with the right one, prints a short
feedback line and returns a :class:`Verdict`, true when the answer is right
and silent as a cell's last value. A checker never raises: an
answer of the wrong type or shape is feedback too, so a student who is still
experimenting is told what went wrong instead of being shown a traceback. The
stored notebooks call ``assert check_...(solution)`` in the worked solution so
that a wrong solution fails the build.
"""

from __future__ import annotations

import numpy as np

from emteach import coins, data, density, gmm

PASS = "\u2705"  # check mark
FAIL = "\u274c"  # cross
TODO = "\u270f\ufe0f"  # pencil


class Verdict:
    """The outcome of a check: true when the answer is right.

    It behaves as a bool (``assert check_...(answer)``, ``if not ...``), and
    it shows nothing when it is the last value of a cell, so that a student's
    cell shows only the feedback line, not a stray ``True`` or ``False``.
    """

    __slots__ = ("passed",)

    def __init__(self, passed):
        self.passed = bool(passed)

    def __bool__(self):
        return self.passed

    def __repr__(self):
        return f"Verdict(passed={self.passed})"

    def _ipython_display_(self):
        """Display nothing: the checker already printed its feedback."""


def _feedback(ok, message):
    """Print one feedback line and return the :class:`Verdict`."""
    print(f"{PASS if ok else FAIL} {message}")
    return Verdict(ok)


def _unanswered(answer):
    """Print the "not answered yet" line when ``answer`` is None or Ellipsis."""
    if answer is None or answer is Ellipsis:
        print(f"{TODO} No answer yet: replace the placeholder with your answer and run the cell again.")
        return True
    return False


def _weights_means_sds(answer):
    """The student's (weights, means, sds), or the Verdict when unanswered or not three items."""
    if _unanswered(answer):
        return Verdict(False)
    try:
        weights, means, sds = answer
    except (TypeError, ValueError):
        return _feedback(False, "Expected a tuple (weights, means, sds) of three arrays.")
    return weights, means, sds


def _weights_means_sds_of(params):
    """(weights, means, sds) of a one-dimensional gmm.GMMParams."""
    return params.weights, params.means[:, 0], np.sqrt(params.covariances[:, 0, 0])


def check_close(answer, expected, *, name="answer", rtol=1e-6, atol=1e-9, hint=None):
    """Check a number or array against the expected value, with a tolerance.

    Parameters
    ----------
    answer : object
        What the student computed; anything that converts to a float array.
    expected : array_like
        The right value.
    name : str
        How the feedback names the quantity.
    rtol, atol : float
        Tolerances as in :func:`numpy.allclose`.
    hint : str, optional
        Printed after a wrong answer.

    Returns
    -------
    Verdict
        Whether the answer is right.

    Notes
    -----
    Feedback stays one line: an answer of more than four numbers is reported
    by how many entries differ and the first one that does, not printed whole.
    """
    if _unanswered(answer):
        return Verdict(False)
    expected = np.asarray(expected, dtype=float)
    got = _numbers(answer)
    if got is None:
        return _feedback(False, f"Expected a number for {name}, got {type(answer).__name__}.")
    if got.shape != expected.shape:
        shape = "a single number" if expected.shape == () else f"an array of shape {expected.shape}"
        return _feedback(False, f"Expected {name} as {shape}, got shape {got.shape}.")
    if not np.all(np.isfinite(got)):
        return _feedback(False, f"{name} contains NaN or infinity.")
    wrong = ~np.isclose(got, expected, rtol=rtol, atol=atol)
    long = expected.size > 4
    if not np.any(wrong):
        if long:
            return _feedback(True, f"Correct: all {expected.size} entries of {name} match.")
        return _feedback(True, f"Correct: {name} = {_show(got)}.")
    if long:
        first = tuple(int(i) for i in np.argwhere(wrong)[0])
        where = first[0] if len(first) == 1 else first
        message = (f"Not quite: {int(wrong.sum())} of {expected.size} entries of {name} differ; "
                   f"entry {where} is {got[first]:.4g}, expected {expected[first]:.4g}.")
    else:
        message = f"Not quite: you gave {name} = {_show(got)}."
    if hint:
        message += f" Hint: {hint}"
    return _feedback(False, message)


def _numbers(answer):
    """Return ``answer`` as a float array, or None when it is not numeric."""
    try:
        return np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return None


def _show(value):
    """Format a float or array with four significant digits."""
    value = np.asarray(value, dtype=float)
    if value.shape == ():
        return f"{float(value):.4g}"
    return np.array2string(value, precision=4, separator=", ")


# --- Chapter 0 (welcome) -----------------------------------------------------


def check_log_product(answer, probabilities):
    """Check the log of a product of probabilities, computed as a sum of logs.

    Parameters
    ----------
    answer : float
        The student's value of :math:`\\log \\prod_i p_i`.
    probabilities : array_like of shape (n,)
        The probabilities :math:`p_i`.

    Returns
    -------
    Verdict
    """
    expected = np.sum(np.log(np.asarray(probabilities, dtype=float)))
    return check_close(answer, expected, name="log of the product",
                       hint="the log of a product is the sum of the logs: np.sum(np.log(p)).")


def check_mixture_mean(answer, weights, means):
    """Check the mean of a mixture, the weighted sum of the component means.

    Parameters
    ----------
    answer : float
        The student's mixture mean.
    weights : array_like of shape (n_components,)
        Mixing weights, summing to one.
    means : array_like of shape (n_components,)
        Component means.

    Returns
    -------
    Verdict
    """
    expected = np.dot(np.asarray(weights, dtype=float), np.asarray(means, dtype=float))
    return check_close(answer, expected, name="mixture mean",
                       hint="multiply each mean by its weight and add up: np.sum(weights * means).")


def check_log_sum_exp(answer, log_values):
    """Check :math:`\\log \\sum_k \\exp(a_k)` computed without underflow.

    Parameters
    ----------
    answer : float
        The student's value.
    log_values : array_like of shape (n,)
        The numbers :math:`a_k`, e.g. log-probabilities.

    Returns
    -------
    Verdict
    """
    log_values = np.asarray(log_values, dtype=float)
    top = np.max(log_values)
    expected = top + np.log(np.sum(np.exp(log_values - top)))
    if _unanswered(answer):
        return Verdict(False)
    try:
        infinite = np.isinf(float(answer))
    except (TypeError, ValueError):
        infinite = False
    if infinite:
        return _feedback(False, "Your answer is infinite: exp() underflowed to 0 before the log. "
                                "Subtract the largest value first, then add it back.")
    return check_close(answer, expected, name="log-sum-exp",
                       hint="take out the largest value m: m + log(sum(exp(a - m))).")



# --- Chapters 1-3 ------------------------------------------------------------


def _almost(answer, expected, rtol=1e-6, atol=1e-9):
    """Whether ``answer`` is numeric, shaped like ``expected`` and close to it."""
    got = _numbers(answer)
    expected = np.asarray(expected, dtype=float)
    return (got is not None and got.shape == expected.shape and bool(np.all(np.isfinite(got)))
            and bool(np.allclose(got, expected, rtol=rtol, atol=atol)))


def check_bin_count(answer, x, rule):
    """Check a number of histogram bins worked out by one of the rules.

    Parameters
    ----------
    answer : int
        The student's number of bins.
    x : array_like of shape (n,)
        The sample the rule is applied to.
    rule : {"sturges", "scott", "fd"}
        Which rule: Sturges, Scott or Freedman--Diaconis.

    Returns
    -------
    Verdict
        Whether ``answer`` equals the rule's count from
        :func:`emteach.density.bin_edges`.
    """

    hints = {
        "sturges": "Sturges uses ceil(log2(n)) + 1 bins.",
        "scott": "Scott's width is 3.49 * sd * n**(-1/3) (sd dividing by n); "
                 "the count is ceil((max - min) / width).",
        "fd": "The Freedman-Diaconis width is 2 * IQR * n**(-1/3), IQR from np.percentile "
              "at 75 and 25; the count is ceil((max - min) / width).",
    }
    if rule not in hints:
        return _feedback(False, f"Unknown rule {rule!r}: expected one of {sorted(hints)}.")
    expected = density.bin_edges(x, rule).size - 1
    return check_close(answer, expected, name=f"number of bins by the {rule} rule",
                       rtol=0.0, atol=1e-9, hint=hints[rule])


def check_density_heights(answer, x, bins):
    """Check histogram counts turned into density heights.

    Parameters
    ----------
    answer : array_like of shape (n_bins,)
        The student's heights.
    x : array_like of shape (n,)
        The sample.
    bins : int or str
        The bins, as passed to :func:`emteach.density.histogram`.

    Returns
    -------
    Verdict
        Whether the heights equal count / (n * bin width), bin by bin.
    """

    expected, edges = density.histogram(x, bins, density=True)
    counts, _ = density.histogram(x, bins, density=False)
    if _almost(answer, counts / np.sum(counts)):
        return _feedback(False, "Those are proportions (count / n): divide by the bin width too.")
    if _almost(answer, counts / np.diff(edges)):
        return _feedback(False, "Divide by the number of points n as well as by the bin width.")
    return check_close(answer, expected, name="density heights",
                        hint="height = count / (n * bin width); the area under the bars is then 1.")


def check_kde_at(answer, x, point, bandwidth):
    """Check a kernel density estimate evaluated by hand at one point.

    Parameters
    ----------
    answer : float
        The student's estimate at ``point``.
    x : array_like of shape (n,)
        The sample.
    point : float
        Where the estimate is evaluated.
    bandwidth : float
        The kernel's standard deviation h.

    Returns
    -------
    Verdict
        Whether ``answer`` equals :func:`emteach.density.kde` at ``point``.
    """

    expected = float(density.kde(x, point, bandwidth=bandwidth))
    return check_close(answer, expected, name=f"estimate at {point:g}",
                       hint="average the n Gaussian densities N(point | x_i, h^2), one per data point.")


def check_log_likelihood(answer, x, mean, sd):
    """Check the log-likelihood of a Gaussian sample computed by hand.

    Parameters
    ----------
    answer : float
        The student's total log-likelihood.
    x : array_like of shape (n,)
        The sample.
    mean, sd : float
        The Gaussian's parameters.

    Returns
    -------
    Verdict
        Whether ``answer`` equals :func:`emteach.density.log_likelihood`.
    """

    expected = density.log_likelihood(x, mean, sd)
    got = _numbers(answer)
    if got is not None and got.shape == () and np.isfinite(got) and np.isclose(-got, expected):
        return _feedback(False, "Right size, wrong sign: the log-likelihood here is negative.")
    return check_close(answer, expected, name="log-likelihood",
                       hint="sum over the points of -(x - mean)**2 / (2 sd**2) - log(sd) - log(2 pi) / 2.")


def check_gaussian_mle(answer, x):
    """Check a maximum-likelihood (mean, sd) pair for a Gaussian sample.

    Parameters
    ----------
    answer : tuple of float
        The student's ``(mean, sd)``.
    x : array_like of shape (n,)
        The sample.

    Returns
    -------
    Verdict
        Whether it equals :func:`emteach.density.gaussian_mle`.
    """

    mean, sd = density.gaussian_mle(x)
    n = np.size(x)
    if n > 1 and _almost(answer, (mean, sd * np.sqrt(n / (n - 1)))):
        return _feedback(False, "Your sd divides by n - 1; the maximum-likelihood sd divides by n.")
    if _almost(answer, (mean, sd**2)) and not np.isclose(sd, 1.0):
        return _feedback(False, "The second number is a variance; give the standard deviation (its square root).")
    return check_close(answer, (mean, sd), name="(mean, sd)",
                       hint="the mean is the sample average; sd = sqrt(mean of (x - mean)**2).")


def check_unbiased_variance(answer, x):
    """Check the unbiased variance estimate (dividing by n - 1).

    Parameters
    ----------
    answer : float
        The student's variance estimate.
    x : array_like of shape (n,)
        The sample, with at least two points.

    Returns
    -------
    Verdict
        Whether ``answer`` equals sum((x - mean)^2) / (n - 1).
    """

    n = np.size(x)
    if n < 2:
        return _feedback(False, f"The unbiased variance needs at least 2 points, the sample has {n}.")
    _, sd = density.gaussian_mle(x)
    if _almost(answer, sd**2):
        return _feedback(False, "That is the maximum-likelihood variance (divided by n); divide by n - 1.")
    if _almost(answer, sd * np.sqrt(n / (n - 1))):
        return _feedback(False, "That is a standard deviation; the question asks for a variance.")
    return check_close(answer, sd**2 * n / (n - 1), name="unbiased variance",
                       hint="sum of (x - mean)**2 divided by n - 1.")


def check_bernoulli_mle(answer, successes, trials):
    """Check a maximum-likelihood probability of heads.

    Parameters
    ----------
    answer : float
        The student's estimate.
    successes : int or array_like of int
        Heads in each set.
    trials : int or array_like of int
        Tosses in each set.

    Returns
    -------
    Verdict
        Whether it equals :func:`emteach.density.bernoulli_mle`.
    """

    expected = density.bernoulli_mle(successes, trials)
    if not np.isclose(expected, 0.5) and _almost(answer, 1.0 - expected):
        return _feedback(False, "That is the proportion of tails; the question asks for heads.")
    return check_close(answer, expected, name="probability of heads",
                       hint="total heads divided by total tosses.")


def check_complete_data_mle(answer, x, z):
    """Check the mixture's parameters estimated with the labels known.

    Parameters
    ----------
    answer : tuple of array_like
        The student's ``(weights, means, sds)``, each of shape (n_components,).
    x : array_like of shape (n,)
        The data.
    z : array_like of int, shape (n,)
        Each point's label, 0 to n_components - 1.

    Returns
    -------
    Verdict
        Whether each group's weight is its share of the points and its mean
        and sd are :func:`emteach.density.gaussian_mle` of its points.
    """

    if _unanswered(answer):
        return Verdict(False)
    x = np.asarray(x, dtype=float)
    z = np.asarray(z)
    groups = np.unique(z)
    fits = np.array([density.gaussian_mle(x[z == k]) for k in groups])
    expected = np.vstack([[np.mean(z == k) for k in groups], fits[:, 0], fits[:, 1]])
    got = _numbers(answer)
    if got is None or got.shape != expected.shape:
        shape = "something that is not three lists of numbers" if got is None else f"shape {got.shape}"
        return _feedback(False, f"Expected (weights, means, sds), three arrays of {groups.size} numbers, "
                                f"got {shape}.")
    wrong = [name for name, row, right in zip(("weights", "means", "sds"), got, expected)
             if not _almost(row, right)]
    if not wrong:
        return _feedback(True, f"Correct: weights {_show(got[0])}, means {_show(got[1])}, sds {_show(got[2])}.")
    hints = {
        "weights": "a weight is the fraction of all points in its group.",
        "means": "a mean is the average of its group's points only.",
        "sds": "an sd is the maximum-likelihood sd (divide by the group's size) of its group's points.",
    }
    return _feedback(False, f"Not quite: check your {' and '.join(wrong)}. Hint: "
                            + " ".join(hints[name] for name in wrong))


def _mixture_1d(weights, means, sds):
    """Return the GMMParams of a 1-D mixture."""

    return gmm.GMMParams.from_1d(weights, means, sds)


def check_responsibilities(answer, x, weights, means, sds):
    """Check responsibilities computed by Bayes' rule.

    Parameters
    ----------
    answer : array_like of shape (n, n_components), or (n_components,) for one point
        The student's posterior probability of each component for each point.
    x : float or array_like of shape (n,)
        The points.
    weights, means, sds : array_like of shape (n_components,)
        The mixture's parameters.

    Returns
    -------
    Verdict
        Whether the answer equals the responsibilities of
        :func:`emteach.gmm.e_step`.
    """

    single = np.ndim(x) == 0
    resp, _ = gmm.e_step(np.atleast_1d(np.asarray(x, dtype=float)), _mixture_1d(weights, means, sds))
    expected = resp[0] if single else resp
    got = _numbers(answer)
    if got is not None and got.shape == expected.shape and np.all(np.isfinite(got)):
        if not np.allclose(got.sum(axis=-1), 1.0, atol=1e-6):
            return _feedback(False, "Each point's responsibilities should add up to 1: divide by their sum.")
    return check_close(answer, expected, name="responsibilities", rtol=1e-6, atol=1e-8,
                        hint="weight_k * N(x | mean_k, sd_k^2), divided by the sum of that over k.")


def check_ambiguous_fraction(answer, x, weights, means, sds, threshold=0.9):
    """Check the fraction of points whose label is ambiguous.

    Parameters
    ----------
    answer : float
        The student's fraction, between 0 and 1.
    x : array_like of shape (n,)
        The points.
    weights, means, sds : array_like of shape (n_components,)
        The mixture's parameters.
    threshold : float
        A point is ambiguous when its largest responsibility is below this.

    Returns
    -------
    Verdict
        Whether the answer matches, to within half a point in a thousand.
    """

    resp, _ = gmm.e_step(np.asarray(x, dtype=float), _mixture_1d(weights, means, sds))
    expected = float(np.mean(resp.max(axis=1) < threshold))
    got = _numbers(answer)
    if got is not None and got.shape == () and got > 1 and _almost(got / 100.0, expected, rtol=0.0, atol=5e-4):
        return _feedback(False, "That looks like a percentage; give a fraction between 0 and 1.")
    if (got is not None and got.shape == () and abs(expected - 0.5) > 1e-3
            and _almost(1.0 - got, expected, rtol=0.0, atol=5e-4)):
        return _feedback(False, f"That is the fraction whose largest responsibility is at least {threshold:g}: "
                                "the unambiguous points.")
    return check_close(answer, expected, name="fraction of ambiguous points", rtol=0.0, atol=5e-4,
                       hint=f"take each point's largest responsibility and count how often it is below {threshold:g}.")


def check_mixture_log_likelihood(answer, x, weights, means, sds):
    """Check the log-likelihood of a 1-D Gaussian mixture computed by hand.

    Parameters
    ----------
    answer : float
        The student's total log-likelihood.
    x : array_like of shape (n,)
        The data.
    weights, means, sds : array_like of shape (n_components,)
        The mixture's parameters.

    Returns
    -------
    Verdict
        Whether it equals :func:`emteach.gmm.log_likelihood`.
    """

    expected = gmm.log_likelihood(np.asarray(x, dtype=float), _mixture_1d(weights, means, sds))
    return check_close(answer, expected, name="mixture log-likelihood",
                       hint="for each point, log-sum-exp over k of log(weight_k) + logpdf(x, mean_k, sd_k); "
                            "then sum over the points.")


def check_exponential_rate(answer, x):
    """Check the maximum-likelihood rate of an exponential sample, derived by hand.

    Parameters
    ----------
    answer : float
        The student's rate estimate.
    x : array_like of shape (n,)
        The waiting times, all positive.

    Returns
    -------
    Verdict
        Whether ``answer`` equals n / sum(x), the zero of the derivative of
        n log(rate) - rate * sum(x).
    """

    x = np.asarray(x, dtype=float)
    expected = x.size / x.sum()
    if _almost(answer, x.mean(), rtol=1e-6):
        return _feedback(False, "That is the mean waiting time; the rate is the number of events per unit "
                                "of time. Solve n / rate - sum(x) = 0 for the rate.")
    return check_close(answer, expected, name="maximum-likelihood rate", rtol=1e-6,
                       hint="the log-likelihood is n log(rate) - rate * sum(x); set its derivative to zero.")


def check_pooled_sd(answer, x, z):
    """Check the complete-data MLE of one standard deviation shared by all groups.

    Parameters
    ----------
    answer : float
        The student's shared sd.
    x : array_like of shape (n,)
        The data.
    z : array_like of shape (n,)
        The group label of each point.

    Returns
    -------
    Verdict
        Whether ``answer`` equals the root of the mean squared deviation of
        each point from its own group's mean (dividing by n).
    """

    x = np.asarray(x, dtype=float)
    z = np.asarray(z)
    groups = [x[z == label] for label in np.unique(z)]
    expected = np.sqrt(sum(np.sum((g - g.mean()) ** 2) for g in groups) / x.size)
    if _almost(answer, x.std(), rtol=1e-6):
        return _feedback(False, "That is the sd around the overall mean, which includes the distance between "
                                "the groups; measure each point from its own group's mean.")
    if _almost(answer, np.mean([g.std() for g in groups]), rtol=1e-6):
        return _feedback(False, "That is the plain average of the groups' sds; average the squared deviations "
                                "of all n points instead, then take the square root.")
    if _almost(answer, expected ** 2, rtol=1e-6):
        return _feedback(False, "That is the variance: take the square root.")
    return check_close(answer, expected, name="shared sd", rtol=1e-6,
                       hint="sqrt(sum over groups of sum (x - group mean)^2, divided by n).")


# --- Chapters 4-5 ------------------------------------------------------------


def _coin_data():
    """Return the heads per set and the tosses per set of the two-coin experiment."""

    return data.coin_sets()


def check_coin_responsibility(answer, set_index=1, theta=(0.6, 0.5)):
    """Check the posterior probability that one set of tosses came from coin A.

    Parameters
    ----------
    answer : float
        The student's P(coin A | set, theta).
    set_index : int
        Which set (0-based; 1 is the second set, 9 heads and 1 tail).
    theta : sequence of 2 floats
        Heads probabilities of coins A and B used in the E-step.

    Returns
    -------
    Verdict
        Whether ``answer`` equals ``coins.e_step(heads, n_tosses, theta)[set_index, 0]``.
    """

    heads, n_tosses = _coin_data()
    resp = coins.e_step(heads, n_tosses, theta)
    expected = resp[set_index, 0]
    if _almost(answer, resp[set_index, 1], rtol=1e-4):
        return _feedback(False, "That is the probability of coin B; the question asks for coin A.")
    h, t = heads[set_index], n_tosses - heads[set_index]
    unnormalised = theta[0] ** h * (1 - theta[0]) ** t
    if _almost(answer, unnormalised, rtol=1e-4) or _almost(answer, 0.5 * unnormalised, rtol=1e-4):
        return _feedback(False, "That is coin A's likelihood alone: divide by the sum of both coins' likelihoods.")
    return check_close(answer, expected, name="P(coin A | set)", rtol=1e-4,
                       hint="Bayes' rule with equal priors: theta_A^h (1-theta_A)^t divided by the "
                            "same expression for A plus the one for B.")


def check_coins_second_iteration(answer, theta_init=(0.6, 0.5)):
    """Check the coins' heads probabilities after the second EM iteration.

    Parameters
    ----------
    answer : array_like of shape (2,)
        The student's (theta_A, theta_B) after two iterations from ``theta_init``.
    theta_init : sequence of 2 floats
        The start.

    Returns
    -------
    Verdict
        Whether ``answer`` equals ``coins.fit(heads, n_tosses, theta_init, max_iter=2).history[2]``.
    """

    heads, n_tosses = _coin_data()
    path = coins.fit(heads, n_tosses, theta_init=theta_init, max_iter=2).history
    if _almost(answer, path[1], rtol=0.0, atol=5e-4):
        return _feedback(False, "Those are the values after the first iteration; do the E-step again at them.")
    return check_close(answer, path[2], name="theta after two iterations", rtol=0.0, atol=5e-4,
                       hint="E-step at the first iteration's theta, then theta_c = "
                            "sum_i resp[i, c] h_i / sum_i resp[i, c] n_i.")


def check_em_gap(answer):
    """Check the gap between the log-likelihood and the bound after one M-step.

    The gap is ``log_likelihood(theta_1) - lower_bound(theta_1, q_0)`` where
    ``q_0`` are the responsibilities at the start (0.6, 0.5) and ``theta_1``
    the first iteration's parameters; it equals the KL divergence from
    ``q_0`` to the posterior at ``theta_1``.

    Parameters
    ----------
    answer : float
        The student's KL divergence.

    Returns
    -------
    Verdict
        Whether ``answer`` equals that gap.
    """

    heads, n_tosses = _coin_data()
    q0 = coins.e_step(heads, n_tosses, (0.6, 0.5))
    theta1 = coins.m_step(heads, n_tosses, q0)
    expected = coins.log_likelihood(heads, n_tosses, theta1) - coins.lower_bound(heads, n_tosses, theta1, q0)
    got = _numbers(answer)
    if got is not None and got.shape == () and np.isfinite(got) and got < 0:
        return _feedback(False, f"A KL divergence is never negative, got {float(got):.4g}: "
                                "is the ratio inside the log upside down?")
    return check_close(answer, expected, name="KL(q0 || posterior at theta1)", rtol=1e-6,
                       hint="sum over sets and coins of q0 * log(q0 / p1), with p1 = the E-step at theta1.")


def check_swapped_start(answer):
    """Check where EM ends from the start (0.3, 0.7) after 50 iterations.

    Parameters
    ----------
    answer : array_like of shape (2,)
        The student's (theta_A, theta_B).

    Returns
    -------
    Verdict
        Whether ``answer`` matches ``coins.fit(..., theta_init=(0.3, 0.7), max_iter=50).theta``
        to three decimals.
    """

    heads, n_tosses = _coin_data()
    expected = coins.fit(heads, n_tosses, theta_init=(0.3, 0.7), max_iter=50).theta
    if _almost(answer, expected[::-1], atol=1e-3):
        return _feedback(False, "Those are the usual values, coin A first: from this start EM ends with "
                                "the coins' names swapped. Print your loop's theta, not the paper's.")
    return check_close(answer, expected, name="theta after 50 iterations from (0.3, 0.7)", rtol=0.0,
                       atol=1e-3, hint="alternate theta = coins.m_step(..., coins.e_step(..., theta)) 50 times.")


def check_far_log_responsibility(answer):
    """Check the log-responsibility of component 0 for a point far from both components.

    The mixture is chapter 5's deliberately poor start: weights 1/2 and 1/2,
    means 10 and 30, standard deviations 8; the point is x = 400, where both
    densities underflow to zero in double precision.

    Parameters
    ----------
    answer : float
        The student's log P(component 0 | x = 400) (natural logarithm).

    Returns
    -------
    Verdict
        Whether ``answer`` equals the log of :func:`emteach.gmm.e_step`'s
        responsibility, -118.75.
    """

    if _unanswered(answer):
        return Verdict(False)
    params = gmm.GMMParams.from_1d([0.5, 0.5], [10.0, 30.0], [8.0, 8.0])
    expected = float(np.log(gmm.e_step(np.array([400.0]), params)[0][0, 0]))
    got = _numbers(answer)
    if got is not None and got.shape == () and np.isnan(got):
        return _feedback(False, "NaN is 0 / 0: both densities underflowed to zero. Work with log-densities "
                                "(density.logpdf) and np.logaddexp.")
    if got is not None and got.shape == () and (got == 0 or np.isneginf(got)):
        return _feedback(False, "The responsibility underflowed: compute its logarithm directly, as "
                                "log-density minus the log of the sum (np.logaddexp).")
    if _almost(answer, np.exp(expected), rtol=1e-6):
        return _feedback(False, "That is the responsibility itself; the question asks for its (natural) logarithm.")
    if _almost(answer, expected / np.log(10.0), rtol=1e-6):
        return _feedback(False, "That is a base-10 logarithm; use the natural logarithm.")
    return check_close(answer, expected, name="log P(component 0 | x = 400)", rtol=1e-6,
                       hint="log(weights[0]) + logpdf(400, 10, 8) minus np.logaddexp of that and "
                            "log(weights[1]) + logpdf(400, 30, 8).")


def check_gmm_m_step(answer, x, resp):
    """Check a one-dimensional M-step computed by hand.

    Parameters
    ----------
    answer : tuple of 3 array_like of shape (n_components,)
        The student's ``(weights, means, sds)``.
    x : array_like of shape (n_samples,)
        The data.
    resp : array_like of shape (n_samples, n_components)
        The responsibilities the M-step uses.

    Returns
    -------
    Verdict
        Whether the three arrays match :func:`emteach.gmm.m_step` (standard
        deviations being the square roots of its variances).
    """

    unpacked = _weights_means_sds(answer)
    if isinstance(unpacked, Verdict):
        return unpacked
    weights, means, sds = unpacked
    params = gmm.m_step(x, resp, reg_covar=0.0)
    expected = _weights_means_sds_of(params)
    nk = np.sum(np.asarray(resp, dtype=float), axis=0)
    if _almost(weights, nk, rtol=1e-6):
        return _feedback(False, "Those weights are the effective counts nk: divide them by the number of points.")
    if _almost(sds, expected[2] ** 2, rtol=1e-5) and not _almost(sds, expected[2], rtol=1e-5):
        return _feedback(False, "Those look like variances: take the square root to get standard deviations.")
    right = [_almost(got, want, rtol=1e-5) for got, want in zip((weights, means, sds), expected)]
    if all(right):
        return _feedback(True, f"Correct: weights {_show(weights)}, means {_show(means)}, sds {_show(sds)}.")
    wrong = [name for name, ok in zip(("weights", "means", "sds"), right) if not ok]
    return _feedback(False, f"Not quite: check your {', '.join(wrong)}. Hint: nk = resp.sum(axis=0); "
                            "weights = nk / n; means = resp.T @ x / nk; "
                            "sds = sqrt of sum_i resp[i, k] (x_i - means[k])^2 / nk.")


def check_n_parameters(answer, n_components=3, n_features=2):
    """Check the number of free parameters of a full-covariance Gaussian mixture.

    Parameters
    ----------
    answer : int
        The student's count.
    n_components : int
        Number of components k.
    n_features : int
        Dimension d.

    Returns
    -------
    Verdict
        Whether ``answer`` equals :func:`emteach.gmm.n_parameters` for k and d.
    """

    k, d = n_components, n_features
    shape = gmm.GMMParams(np.full(k, 1.0 / k), np.zeros((k, d)), np.repeat(np.eye(d)[np.newaxis], k, axis=0))
    expected = gmm.n_parameters(shape)
    if _almost(answer, expected + 1):
        return _feedback(False, f"One too many: the {k} weights sum to one, so only {k - 1} of them are free.")
    if d > 1 and _almost(answer, expected + k * d * (d - 1) // 2):
        return _feedback(False, "A covariance matrix is symmetric: count its d (d + 1) / 2 distinct entries, "
                                "not all d * d.")
    return check_close(answer, expected, name=f"number of free parameters (k = {k}, d = {d})", rtol=0.0,
                       atol=1e-9, hint="(k - 1) weights + k * d means + k * d * (d + 1) / 2 covariance entries.")


def check_bic(answer, x, params):
    """Check a Bayesian information criterion computed by hand.

    Parameters
    ----------
    answer : float
        The student's BIC.
    x : array_like of shape (n_samples, n_features)
        The data.
    params : emteach.gmm.GMMParams
        The fitted mixture.

    Returns
    -------
    Verdict
        Whether ``answer`` equals :func:`emteach.gmm.bic` (lower is better:
        -2 log-likelihood + n_parameters log n).
    """

    expected = gmm.bic(x, params)
    if _almost(answer, gmm.aic(x, params), rtol=1e-6):
        return _feedback(False, "That is the AIC (penalty 2 per parameter); the BIC's penalty is log(n) per parameter.")
    n_samples = np.shape(x)[0]
    penalty = gmm.n_parameters(params)
    if _almost(answer, expected - penalty * np.log(n_samples) + penalty * np.log10(n_samples), rtol=1e-6):
        return _feedback(False, "Use the natural logarithm (np.log) of n, not log10.")
    if _almost(answer, -expected, rtol=1e-6) or _almost(answer, expected / -2.0, rtol=1e-6):
        return _feedback(False, "Check the sign and the factor: BIC = -2 * log-likelihood + p * log(n).")
    return check_close(answer, expected, name="BIC", rtol=1e-6,
                       hint="-2 * gmm.log_likelihood(x, params) + p * np.log(n), p the number of free parameters.")


def _coins_with_prior(heads, n_tosses, theta, weight_a, n_iter):
    """EM for the two coins with P(coin A) estimated too; returns (theta_A, theta_B, weight_A)."""

    theta = np.asarray(theta, dtype=float)
    for _ in range(n_iter):
        log_a = np.log(weight_a) + heads * np.log(theta[0]) + (n_tosses - heads) * np.log(1 - theta[0])
        log_b = np.log(1 - weight_a) + heads * np.log(theta[1]) + (n_tosses - heads) * np.log(1 - theta[1])
        r_a = np.exp(log_a - np.logaddexp(log_a, log_b))
        resp = np.stack([r_a, 1 - r_a], axis=1)
        theta = coins.m_step(heads, n_tosses, resp)
        weight_a = float(r_a.mean())
    return np.array([theta[0], theta[1], weight_a])


def check_coin_prior(answer, n_iter=200):
    """Check EM for the two coins when the probability of picking coin A is estimated too.

    Parameters
    ----------
    answer : array_like of shape (3,)
        The student's (theta_A, theta_B, weight_A) after ``n_iter``
        iterations from theta = (0.6, 0.5) and weight_A = 1/2.
    n_iter : int
        Number of EM iterations.

    Returns
    -------
    Verdict
        Whether ``answer`` matches, to 1e-4, EM whose E-step uses the prior
        weight_A and whose M-step sets weight_A to the mean responsibility of A.
    """

    heads, n_tosses = _coin_data()
    expected = _coins_with_prior(heads, n_tosses, (0.6, 0.5), 0.5, n_iter)
    fixed = coins.fit(heads, n_tosses, theta_init=(0.6, 0.5), max_iter=n_iter).theta
    got = _numbers(answer)
    if got is not None and got.shape == (3,) and np.allclose(got[:2], fixed, atol=1e-4) and np.isclose(got[2], 0.5):
        return _feedback(False, "You kept P(coin A) at 1/2. Use it in the E-step (prior times likelihood) and "
                                "set it to the mean responsibility of coin A in the M-step.")
    return check_close(answer, expected, name="(theta_A, theta_B, P(coin A))", rtol=0.0, atol=1e-4,
                       hint="E-step: r_A = w L_A / (w L_A + (1 - w) L_B); M-step: theta as before, w = mean of r_A.")


def check_weight_update(answer, resp):
    """Check the Lagrange multiplier and the weights that maximise the weights' part of Q.

    Maximising sum_i sum_k resp[i, k] log(weights_k) subject to sum_k weights_k = 1
    gives nk / weights_k = multiplier for every k, so multiplier = n and
    weights = nk / n.

    Parameters
    ----------
    answer : tuple of (float, array_like of shape (n_components,))
        The student's ``(multiplier, weights)``.
    resp : array_like of shape (n_samples, n_components)
        The responsibilities.

    Returns
    -------
    Verdict
        Whether both match.
    """

    if _unanswered(answer):
        return Verdict(False)
    try:
        multiplier, weights = answer
    except (TypeError, ValueError):
        return _feedback(False, "Expected a pair (multiplier, weights).")
    nk = np.sum(np.asarray(resp, dtype=float), axis=0)
    n_samples = nk.sum()
    if _almost(multiplier, -n_samples, rtol=1e-6):
        return _feedback(False, "The sign depends on how you wrote the Lagrangian; with "
                                "Q + multiplier * (1 - sum weights) it is +n. Use that convention.")
    if not _almost(multiplier, n_samples, rtol=1e-6):
        return _feedback(False, f"Not quite: the multiplier is {_show(_numbers(multiplier))}? Sum the "
                                "conditions nk = multiplier * weights_k over k, using sum_k weights_k = 1.")
    return check_close(weights, nk / n_samples, name="weights", rtol=1e-6, hint="weights_k = nk / multiplier.")


def check_em_loop(answer, x, init, n_iter):
    """Check a one-dimensional Gaussian-mixture EM loop written by the student.

    Parameters
    ----------
    answer : tuple of 3 array_like of shape (n_components,)
        The student's ``(weights, means, sds)`` after ``n_iter`` iterations,
        components in the order of ``init``.
    x : array_like of shape (n_samples,)
        The data.
    init : emteach.gmm.GMMParams
        The one-dimensional start.
    n_iter : int
        Number of iterations (E-step then M-step).

    Returns
    -------
    Verdict
        Whether the answer matches :func:`emteach.gmm.fit` run for exactly
        ``n_iter`` iterations from ``init`` without a variance floor.
    """

    unpacked = _weights_means_sds(answer)
    if isinstance(unpacked, Verdict):
        return unpacked
    weights, means, sds = unpacked

    def run(iterations):
        params = gmm.fit(x, init.n_components, init=init, max_iter=iterations, tol=0.0, reg_covar=0.0).params
        return _weights_means_sds_of(params)

    def matches(expected):
        return all(_almost(got, want, rtol=1e-5) for got, want in zip((weights, means, sds), expected))

    expected = run(n_iter)
    if matches(expected):
        return _feedback(True, f"Correct: your loop matches gmm.fit after {n_iter} iterations: weights "
                               f"{_show(weights)}, means {_show(means)}, sds {_show(sds)}.")
    for off in (-1, 1):
        if 0 < n_iter + off and matches(run(n_iter + off)):
            return _feedback(False, f"Your loop ran {n_iter + off} iterations, not {n_iter}.")
    if _almost(sds, expected[2] ** 2, rtol=1e-5):
        return _feedback(False, "Your sds look like variances: take the square root.")
    if matches(tuple(a[::-1] for a in expected)):
        return _feedback(False, "Right values, components swapped: keep the order of the start.")
    wrong = [name for name, got, want in zip(("weights", "means", "sds"), (weights, means, sds), expected)
             if not _almost(got, want, rtol=1e-5)]
    return _feedback(False, f"Not quite: your {', '.join(wrong)} differ from gmm.fit's. Hint: each iteration "
                            "does the E-step with the current parameters, then all three M-step updates from "
                            "the same resp; the new means go into the new variances.")
