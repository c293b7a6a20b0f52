"""Checks for chapter 7, applications (clustering, colour quantisation, outliers, missing data, HMMs, tomography).

Each expected value is computed here from its definition (a formula, a
brute-force sum over every hidden path, one update written out), not by the
numerical modules the chapter uses, so a checker does not share their bugs.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from emteach.checks.core import Verdict, _almost, _feedback, _numbers, _unanswered, check_close

__all__ = [
    "check_quantised_bits",
    "check_conditional_normal",
    "check_state_posterior",
    "check_mlem_update",
]


def check_quantised_bits(answer, n_pixels, n_colours):
    """Check the bits needed to store a picture quantised to K colours.

    Parameters
    ----------
    answer : float
        The student's number of bits.
    n_pixels : int
        Pixels N in the picture.
    n_colours : int
        Colours K in the palette.

    Returns
    -------
    Verdict
        Whether ``answer`` equals 24 K + N log2 K (Bishop 2006, section
        9.1.1): the palette at 24 bits per colour plus log2 K bits of index
        per pixel.
    """
    if _unanswered(answer):
        return Verdict(False)
    expected = 24.0 * n_colours + n_pixels * math.log2(n_colours)
    if _almost(answer, 24.0 * n_pixels, rtol=1e-9):
        return _feedback(False, "That is the original picture (24 bits per pixel); the quantised one stores "
                                "a palette and one index per pixel.")
    if _almost(answer, n_pixels * math.log2(n_colours), rtol=1e-9):
        return _feedback(False, "The indices alone are not enough: the palette of K colours must be stored "
                                "too, at 24 bits each.")
    if _almost(answer, 24.0 * n_colours + n_pixels * math.ceil(math.log2(n_colours)), rtol=1e-9) \
            and not _almost(answer, expected, rtol=1e-9):
        return _feedback(False, "Close: you rounded log2 K up to whole bits, which a real file would do; "
                                "here use log2 K itself, as Bishop does.")
    return check_close(answer, expected, name="bits", rtol=1e-6,
                       hint="24 * K bits for the palette plus N * log2(K) bits for the indices.")


def check_conditional_normal(answer, mean, covariance, x1):
    """Check the conditional mean and variance of x2 given x1 in a 2-D normal.

    Parameters
    ----------
    answer : tuple of 2 float
        The student's (conditional mean, conditional variance).
    mean : array_like of shape (2,)
        The mean of (x1, x2).
    covariance : array_like of shape (2, 2)
        The covariance matrix.
    x1 : float
        The observed first coordinate.

    Returns
    -------
    Verdict
        Whether the answer equals mean[1] + c12 / c11 (x1 - mean[0]) and
        c22 - c12**2 / c11, within a relative 1e-6.
    """
    if _unanswered(answer):
        return Verdict(False)
    got = _numbers(answer)
    if got is None or got.shape != (2,):
        return _feedback(False, "Expected a pair (conditional mean, conditional variance).")
    mean = np.asarray(mean, dtype=float)
    covariance = np.asarray(covariance, dtype=float)
    slope = covariance[0, 1] / covariance[0, 0]
    expected_mean = mean[1] + slope * (x1 - mean[0])
    expected_var = covariance[1, 1] - covariance[0, 1] ** 2 / covariance[0, 0]
    mean_ok = _almost(got[0], expected_mean)
    if mean_ok and _almost(got[1], covariance[1, 1]):
        return _feedback(False, "The mean is right, but the variance is the marginal one: knowing x1 removes "
                                "c12^2 / c11 from it.")
    if mean_ok and _almost(got[1], 0.0):
        return _feedback(False, "The mean is right, but a filled-in value is not certain: its conditional "
                                "variance is c22 - c12^2 / c11, not 0. That is the term plain fill-in forgets.")
    if not mean_ok and _almost(got[0], mean[1]):
        return _feedback(False, "That is the mean of x2 alone; shift it by c12 / c11 times (x1 - mean[0]).")
    return check_close(got, [expected_mean, expected_var], name="(conditional mean, conditional variance)",
                       hint="mean: mean[1] + c12 / c11 * (x1 - mean[0]); variance: c22 - c12**2 / c11.")


def _path_posteriors(observations, start, transitions, emissions):
    """P(state at t = j | all observations) of shape (T, k), by summing over every path."""
    k = start.shape[0]
    n_steps = len(observations)
    posterior = np.zeros((n_steps, k))
    for path in itertools.product(range(k), repeat=n_steps):
        probability = start[path[0]] * emissions[path[0], observations[0]]
        for t in range(1, n_steps):
            probability *= transitions[path[t - 1], path[t]] * emissions[path[t], observations[t]]
        posterior[np.arange(n_steps), path] += probability
    return posterior / posterior[0].sum()


def check_state_posterior(answer, observations, start, transitions, emissions, *, state=1):
    """Check the posterior probability of one hidden state at the last step of a short sequence.

    Parameters
    ----------
    answer : float
        The student's P(state at the last step | every observation).
    observations : sequence of int
        Symbols 0..m-1, at most 12 of them (the check sums over all k**T paths).
    start : array_like of shape (k,)
        Initial state probabilities.
    transitions : array_like of shape (k, k)
        transitions[i, j] = P(next state j | state i).
    emissions : array_like of shape (k, m)
        emissions[i, s] = P(symbol s | state i).
    state : int
        Which state's probability is asked for.

    Returns
    -------
    Verdict
        Whether ``answer`` equals the brute-force posterior within 1e-6.
    """
    if _unanswered(answer):
        return Verdict(False)
    observations = [int(o) for o in observations]
    start = np.asarray(start, dtype=float)
    transitions = np.asarray(transitions, dtype=float)
    emissions = np.asarray(emissions, dtype=float)
    posterior = _path_posteriors(observations, start, transitions, emissions)
    expected = posterior[-1, state]
    others = [j for j in range(start.shape[0]) if j != state]
    if others and not _almost(answer, expected, atol=1e-6) \
            and any(_almost(answer, posterior[-1, j], atol=1e-6) for j in others):
        return _feedback(False, "That is the probability of another state; the question asks for state "
                                f"{state}.")
    uniform = _path_posteriors(observations, np.full(start.shape, 1.0 / start.shape[0]), transitions, emissions)
    if _almost(answer, uniform[-1, state], atol=1e-6) and not _almost(answer, expected, atol=1e-6):
        return _feedback(False, "You started from equal probabilities for the states; use the given start "
                                "probabilities in the first step.")
    return check_close(answer, expected, name=f"P(state {state} at the last step | all observations)",
                       rtol=0.0, atol=1e-6,
                       hint="alpha_1 = start * emissions[:, o_1]; alpha_t = (alpha_{t-1} @ transitions) * "
                            "emissions[:, o_t]; then divide alpha_T by its sum.")


def check_mlem_update(answer, system_matrix, counts, image):
    """Check one ML-EM update of an emission-tomography image.

    Parameters
    ----------
    answer : array_like of shape (n_pixels,)
        The student's image after one update.
    system_matrix : array_like of shape (n_detectors, n_pixels)
        Entry (i, j): the probability that an emission in pixel j is
        counted by detector i.
    counts : array_like of shape (n_detectors,)
        The measured counts.
    image : array_like of shape (n_pixels,)
        The current image, positive.

    Returns
    -------
    Verdict
        Whether ``answer`` equals image / A^T 1 * A^T (counts / (A image))
        within a relative 1e-6.
    """
    if _unanswered(answer):
        return Verdict(False)
    a = np.asarray(system_matrix, dtype=float)
    counts = np.asarray(counts, dtype=float)
    image = np.asarray(image, dtype=float)
    ratio = counts / (a @ image)
    sensitivity = a.sum(axis=0)
    expected = image * (a.T @ ratio) / sensitivity
    if _almost(answer, image * (a.T @ ratio), rtol=1e-6) and not np.allclose(sensitivity, 1.0):
        return _feedback(False, "Almost: divide by each pixel's sensitivity, the column sums A.sum(axis=0), "
                                "so that a pixel seen by many detectors is not counted twice.")
    if _almost(answer, a.T @ ratio / sensitivity, rtol=1e-6):
        return _feedback(False, "The update is multiplicative: multiply the back-projected ratio by the "
                                "current image.")
    return check_close(answer, expected, name="image after one update", rtol=1e-6,
                       hint="ratio = counts / (A @ image); new = image * (A.T @ ratio) / A.sum(axis=0).")
