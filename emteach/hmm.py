"""Hidden Markov models with categorical emissions, fitted by Baum-Welch (EM).

A hidden Markov model (HMM) with k states and m symbols draws a hidden state
sequence s_0, s_1, ..., s_{T-1} from a Markov chain and one symbol o_t per
state::

    P(s_0 = i) = start[i]
    P(s_t = j | s_{t-1} = i) = transitions[i, j]
    P(o_t = v | s_t = i) = emissions[i, v]

The parameters live in one frozen record, :class:`HMMParams`. EM for an HMM
is the Baum-Welch algorithm: its E-step, :func:`e_step`, is the
forward-backward pass, which gives the posterior probability of every state
at every time and the expected number of each transition; its M-step,
:func:`m_step`, turns those expected counts into new probabilities; and
:func:`fit` only loops over the two and records the log-likelihood.
:func:`viterbi` finds the single most probable state path.

Conventions
-----------
* ``obs`` is a one-dimensional sequence of integer symbols 0, ..., m - 1.
* The forward and backward passes are *scaled* (Rabiner 1989): the forward
  variables are renormalised to sum to one at every step and the
  log-likelihood is the sum of the logarithms of the normalising constants,
  so nothing underflows, however long the sequence. Viterbi works with
  logarithms.
* The passes run in compiled loops (numba) over time, with the small sums
  over states written out; the first call in a fresh installation compiles
  them (about a second) and caches the result on disk.

The scores, posteriors and Baum-Welch iterations agree with
:class:`hmmlearn.hmm.CategoricalHMM` started from the same parameters.

References
----------
L. R. Rabiner, "A tutorial on hidden Markov models and selected applications
in speech recognition", Proc. IEEE 77(2), 257--286 (1989).
R. Durbin, S. Eddy, A. Krogh and G. Mitchison, *Biological Sequence
Analysis*, Cambridge University Press (1998), section 3.2 (the occasionally
dishonest casino).

Examples
--------
>>> params = casino_params()
>>> rolls, dice = sample(params, 300, seed=0)
>>> posteriors, log_likelihood = forward_backward(rolls, params)
>>> posteriors.shape
(300, 2)
>>> states, log_probability = viterbi(rolls, params)
>>> bool(log_probability <= log_likelihood)
True
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numba
import numpy as np

from emteach import _em
from emteach._validation import (
    _describe,
    as_float_array,
    check_float,
    check_int,
    check_nonnegative,
    make_rng,
    read_only,
)

__all__ = [
    "HMMParams",
    "HMMFit",
    "forward",
    "forward_backward",
    "e_step",
    "m_step",
    "log_likelihood",
    "viterbi",
    "fit",
    "sample",
    "casino_params",
]

_ROW_TOL = 1e-8  # probability vectors must sum to one within this
# Largest value a scaled backward variable may take. It is reached only for
# states the forward pass has already ruled out (probability zero), where the
# exact value can grow without bound and would overflow to inf (0 * inf = NaN).
_BETA_CAP = 1e300
_SMALLEST_NORMAL = float(np.finfo(np.float64).tiny)


# ---------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------

def _check_probabilities(array: np.ndarray, name: str) -> None:
    """Check that the last axis of ``array`` holds probability vectors."""
    check_nonnegative(array, name)
    sums = array.sum(axis=-1)
    bad = np.abs(sums - 1.0) > _ROW_TOL
    if np.any(bad):
        if array.ndim == 1:
            raise ValueError(f"Expected {name} to sum to 1, got a sum of {float(sums)!r}")
        row = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"Expected every row of {name} to sum to 1, got {float(sums[row])!r} in row {row}"
        )


@dataclass(frozen=True, eq=False)
class HMMParams:
    """Parameters of a hidden Markov model with categorical emissions.

    Parameters
    ----------
    start : array_like of shape (n_states,)
        start[i] = P(s_0 = i): non-negative, summing to one (within 1e-8).
    transitions : array_like of shape (n_states, n_states)
        transitions[i, j] = P(s_t = j | s_{t-1} = i): each row non-negative,
        summing to one.
    emissions : array_like of shape (n_states, n_symbols)
        emissions[i, v] = P(o_t = v | s_t = i): each row non-negative,
        summing to one.

    Attributes
    ----------
    start, transitions, emissions : ndarray
        Read-only float64 copies of the inputs.
    n_states : int
        The number of hidden states k.
    n_symbols : int
        The number of symbols m.

    Raises
    ------
    ValueError
        If the shapes disagree, a value is negative or not finite, or a
        probability vector does not sum to one.

    Notes
    -----
    The record is immutable and validated once, on construction. Zeros are
    allowed anywhere (a state that cannot start, a forbidden transition, a
    symbol a state never emits). Records compare by identity.

    Examples
    --------
    >>> params = HMMParams([1.0, 0.0], [[0.9, 0.1], [0.2, 0.8]], [[0.5, 0.5], [0.1, 0.9]])
    >>> params.n_states, params.n_symbols
    (2, 2)
    """

    start: np.ndarray
    transitions: np.ndarray
    emissions: np.ndarray

    def __post_init__(self):
        start = np.array(as_float_array(self.start, "start"), dtype=np.float64)
        transitions = np.array(as_float_array(self.transitions, "transitions"), dtype=np.float64)
        emissions = np.array(as_float_array(self.emissions, "emissions"), dtype=np.float64)
        if start.ndim != 1:
            raise ValueError(f"Expected start of shape (n_states,), got shape {start.shape}")
        k = start.shape[0]
        if transitions.shape != (k, k):
            raise ValueError(
                "Expected transitions of shape (n_states, n_states) = "
                f"{(k, k)}, got shape {transitions.shape}"
            )
        if emissions.ndim != 2 or emissions.shape[0] != k:
            raise ValueError(
                f"Expected emissions of shape (n_states, n_symbols) with n_states={k}, "
                f"got shape {emissions.shape}"
            )
        _check_probabilities(start, "start")
        _check_probabilities(transitions, "transitions")
        _check_probabilities(emissions, "emissions")
        self._set(start, transitions, emissions)

    def _set(self, start, transitions, emissions):
        for name, value in (("start", start), ("transitions", transitions),
                            ("emissions", emissions)):
            object.__setattr__(self, name, read_only(value))

    @classmethod
    def _trusted(cls, start, transitions, emissions) -> "HMMParams":
        """Build a record from arrays already known to be valid (no checks)."""
        params = object.__new__(cls)
        params._set(start, transitions, emissions)
        return params

    @property
    def n_states(self) -> int:
        """The number of hidden states."""
        return int(self.start.shape[0])

    @property
    def n_symbols(self) -> int:
        """The number of distinct symbols."""
        return int(self.emissions.shape[1])


@dataclass(frozen=True, eq=False)
class HMMFit:
    """Result of :func:`fit`.

    Attributes
    ----------
    params : HMMParams
        The fitted parameters.
    log_likelihoods : ndarray of shape (n_iter + 1,)
        Entry i is log P(obs) under the parameters after i iterations:
        entry 0 belongs to the start, the last one to ``params``.
    n_iter : int
        The number of Baum-Welch iterations (M-steps) run.
    converged : bool
        Whether the change in log-likelihood per observation fell below ``tol``.
    """

    params: HMMParams
    log_likelihoods: np.ndarray
    n_iter: int
    converged: bool


# ---------------------------------------------------------------------------
# Compiled kernels. They trust their inputs: obs holds int64 symbols in range,
# emissions_t = emissions.T is (n_symbols, n_states) and C-contiguous, so the
# column of emission probabilities for one symbol is one contiguous row.
# ---------------------------------------------------------------------------

@numba.njit(cache=True, nogil=True, error_model="numpy")
def _rescale(values, total):  # pragma: no cover
    """Divide ``values`` in place by ``total`` > 0 (by its reciprocal when that is finite)."""
    if total >= _SMALLEST_NORMAL:
        inverse = 1.0 / total
        for i in range(values.shape[0]):
            values[i] *= inverse
    else:  # 1 / total would overflow
        for i in range(values.shape[0]):
            values[i] /= total


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _forward_kernel(start, transitions, emissions_t, obs, alpha, scale):  # pragma: no cover
    """Scaled forward pass; returns the first time with probability zero, or -1.

    alpha[t] = P(s_t | o_0..o_t) (rows sum to one) and
    scale[t] = P(o_t | o_0..o_{t-1}), so log P(obs) = sum_t log scale[t].
    """
    k = start.shape[0]
    n = obs.shape[0]
    row = emissions_t[obs[0]]
    total = 0.0
    for i in range(k):
        value = start[i] * row[i]
        alpha[0, i] = value
        total += value
    scale[0] = total
    if not total > 0.0:
        return 0
    _rescale(alpha[0], total)
    for t in range(1, n):
        row = emissions_t[obs[t]]
        total = 0.0
        for j in range(k):
            value = 0.0
            for i in range(k):
                value += alpha[t - 1, i] * transitions[i, j]
            value *= row[j]
            alpha[t, j] = value
            total += value
        scale[t] = total
        if not total > 0.0:
            return t
        _rescale(alpha[t], total)
    return -1


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _backward_kernel(transitions, emissions_t, obs, alpha, scale, counts,
                     want_counts):  # pragma: no cover
    """Scaled backward pass: turns alpha into the posteriors in place and, if
    asked, adds the expected transition counts (k, k) to ``counts``.

    beta[i] = P(o_{t+1}.. | s_t = i) / P(o_{t+1}.. | o_0..o_t), so that
    posteriors[t] = alpha[t] * beta and the expected count of the transition
    from i at t to j at t + 1 is alpha[t, i] transitions[i, j] weighted[j]
    with weighted[j] = emissions[j, o_{t+1}] beta'[j] / scale[t + 1]. Both
    sum to one at each t in exact arithmetic and are renormalised against
    rounding. Where beta belongs to a state the forward pass has ruled out
    (alpha = 0) it can grow without bound; it is capped at _BETA_CAP, which
    changes nothing else (it is always multiplied by a zero).
    """
    k = alpha.shape[1]
    n = obs.shape[0]
    beta = np.ones(k)
    weighted = np.empty(k)
    pair = np.empty((k, k))
    filtered = np.empty(k)
    # At the last step the posterior is the filtered vector (already summing to one).
    for t in range(n - 2, -1, -1):
        row = emissions_t[obs[t + 1]]
        inverse_scale = 1.0 / scale[t + 1]
        for j in range(k):
            weighted[j] = min(row[j] * beta[j] * inverse_scale, _BETA_CAP)
        if want_counts:
            pair_total = 0.0
            for i in range(k):
                for j in range(k):
                    value = alpha[t, i] * transitions[i, j] * weighted[j]
                    pair[i, j] = value
                    pair_total += value
            if pair_total > 0.0:
                inverse = 1.0 / pair_total
                for i in range(k):
                    for j in range(k):
                        counts[i, j] += pair[i, j] * inverse
        total = 0.0
        for i in range(k):
            value = 0.0
            for j in range(k):
                value += transitions[i, j] * weighted[j]
            value = min(value, _BETA_CAP)
            beta[i] = value
            filtered[i] = alpha[t, i]
            value *= alpha[t, i]
            alpha[t, i] = value
            total += value
        if total > 0.0:
            _rescale(alpha[t], total)
        else:  # unreachable in exact arithmetic; keep the filtered probabilities
            for i in range(k):
                alpha[t, i] = filtered[i]


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _viterbi_kernel(log_start, log_transitions, log_emissions_t, obs, states):  # pragma: no cover
    """Most probable state path (written to ``states``); returns its log-probability."""
    k = log_start.shape[0]
    n = obs.shape[0]
    back = np.empty((n, k), dtype=np.int64)
    delta = np.empty(k)
    following = np.empty(k)
    row = log_emissions_t[obs[0]]
    for i in range(k):
        delta[i] = log_start[i] + row[i]
    for t in range(1, n):
        row = log_emissions_t[obs[t]]
        for j in range(k):
            best = 0
            best_value = delta[0] + log_transitions[0, j]
            for i in range(1, k):
                value = delta[i] + log_transitions[i, j]
                if value > best_value:
                    best = i
                    best_value = value
            back[t, j] = best
            following[j] = best_value + row[j]
        for j in range(k):
            delta[j] = following[j]
    best = 0
    for i in range(1, k):
        if delta[i] > delta[best]:
            best = i
    states[n - 1] = best
    for t in range(n - 1, 0, -1):
        states[t - 1] = back[t, states[t]]
    return delta[best]


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _sample_kernel(cumulative_start, cumulative_transitions, cumulative_emissions,
                   u_states, u_symbols, states, obs):  # pragma: no cover
    """Run the chain on given uniforms.

    Each draw is the first index whose cumulative probability exceeds u.
    """
    n = states.shape[0]
    state = 0
    for t in range(n):
        cumulative = cumulative_start if t == 0 else cumulative_transitions[state]
        state = _draw(cumulative, u_states[t])
        states[t] = state
        obs[t] = _draw(cumulative_emissions[state], u_symbols[t])


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _draw(cumulative, uniform):  # pragma: no cover
    """The first index whose cumulative probability exceeds uniform * total (one draw)."""
    size = cumulative.shape[0]
    u = uniform * cumulative[size - 1]
    index = 0
    while index < size - 1 and (u >= cumulative[index] or cumulative[index] == 0.0):
        index += 1
    return index


# ---------------------------------------------------------------------------
# Validation at the public boundary
# ---------------------------------------------------------------------------

def _check_params(params) -> HMMParams:
    if not isinstance(params, HMMParams):
        raise TypeError(f"Expected params to be an HMMParams, got {type(params).__name__}")
    return params


def _check_obs(obs, n_symbols: int | None = None) -> np.ndarray:
    """Validate a sequence of symbols; return it as a C-contiguous int64 array."""
    try:
        raw = np.asarray(obs)
    except ValueError as exc:
        raise ValueError(
            f"Expected obs to be a sequence of integer symbols, got {_describe(obs)}"
        ) from exc
    if raw.dtype.kind == "O":
        if not all(isinstance(value, numbers.Integral) and not isinstance(value, bool)
                   for value in raw.ravel()):
            raise TypeError(f"Expected obs to hold integer symbols, got {_describe(obs)}")
        raw = raw.astype(np.int64)
    if raw.dtype.kind not in "iuf":
        raise TypeError(
            f"Expected obs to hold integer symbols, got an array of dtype {raw.dtype} "
            f"({_describe(obs)})"
        )
    if raw.ndim == 2 and raw.shape[1] == 1:  # hmmlearn's column layout
        raw = raw[:, 0]
    if raw.ndim != 1:
        raise ValueError(
            f"Expected obs of shape (n_steps,), got an array of shape {raw.shape}"
        )
    if raw.shape[0] == 0:
        raise ValueError("Expected obs to hold at least one symbol, got an empty sequence")
    if raw.dtype.kind == "f":
        if not np.all(np.isfinite(raw)) or np.any(raw != np.round(raw)):
            bad = raw[~(np.isfinite(raw) & (raw == np.round(raw)))]
            raise ValueError(
                "Expected obs to hold integer symbols, got non-integer values such as "
                f"{float(bad[0])}"
            )
    low, high = raw.min(), raw.max()
    if low < 0 or (n_symbols is not None and high >= n_symbols):
        upper = "m - 1" if n_symbols is None else str(n_symbols - 1)
        bad = low if low < 0 else high
        raise ValueError(
            f"Expected symbols in 0..{upper}, got the symbol {bad.item()!r} in obs"
        )
    # A writable, C-ordered int64 array (copied unless it is one already): the
    # kernels are then compiled once for one array type, whatever came in.
    if raw.dtype == np.int64 and raw.flags.c_contiguous and raw.flags.writeable:
        return raw
    return np.array(raw, dtype=np.int64, order="C")


def _impossible(t: int) -> ValueError:
    return ValueError(
        f"The observations have probability zero under params: no state can emit "
        f"obs[{t}] after obs[:{t}] (check for zero emission or transition probabilities)"
    )


# ---------------------------------------------------------------------------
# Private core (trusted inputs)
# ---------------------------------------------------------------------------

def _kernel_arrays(params: HMMParams):
    """Writable C-ordered copies of start, transitions and emissions.T for the kernels.

    The records hold read-only arrays, which numba types apart from writable
    ones; copies (k-by-k and k-by-m, tiny) keep one compiled version.
    """
    return (np.array(params.start, order="C"), np.array(params.transitions, order="C"),
            np.array(params.emissions.T, order="C"))


def _forward(obs: np.ndarray, params: HMMParams):
    """Filtered probabilities (T, k) and scales (T,); raises if P(obs) = 0."""
    n = obs.shape[0]
    alpha = np.empty((n, params.n_states))
    scale = np.empty(n)
    start, transitions, emissions_t = _kernel_arrays(params)
    where = _forward_kernel(start, transitions, emissions_t, obs, alpha, scale)
    if where >= 0:
        raise _impossible(int(where))
    return alpha, scale


def _e_step(obs: np.ndarray, params: HMMParams, want_counts: bool = True):
    """Posteriors (T, k), expected transition counts (k, k), log-likelihood."""
    posteriors, scale = _forward(obs, params)  # filtered, turned into posteriors in place
    counts = np.zeros((params.n_states, params.n_states))
    _, transitions, emissions_t = _kernel_arrays(params)
    _backward_kernel(transitions, emissions_t, obs, posteriors, scale, counts,
                     bool(want_counts))
    return posteriors, counts, float(np.log(scale).sum())


def _normalise_rows(counts: np.ndarray) -> np.ndarray:
    """Rows divided by their sums; a row of zeros becomes uniform."""
    sums = counts.sum(axis=-1, keepdims=True)
    width = counts.shape[-1]
    with np.errstate(invalid="ignore", divide="ignore"):  # empty rows are replaced below
        rows = np.where(sums > 0, counts / sums, 1.0 / width)
    return rows


def _m_step(obs: np.ndarray, posteriors: np.ndarray, counts: np.ndarray,
            n_symbols: int) -> HMMParams:
    """Expected counts -> probabilities (trusted inputs)."""
    k = posteriors.shape[1]
    start = _normalise_rows(posteriors[0])
    transitions = _normalise_rows(counts)
    emission_counts = np.zeros((k, n_symbols))
    for i in range(k):
        emission_counts[i] = np.bincount(obs, weights=posteriors[:, i], minlength=n_symbols)
    emissions = _normalise_rows(emission_counts)
    return HMMParams._trusted(start, transitions, emissions)


# ---------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------

def forward(obs, params):
    """Run the forward pass alone: filtered state probabilities.

    Parameters
    ----------
    obs : array_like of shape (n_steps,)
        Integer symbols in 0..n_symbols - 1.
    params : HMMParams
        The parameters.

    Returns
    -------
    filtered : ndarray of shape (n_steps, n_states)
        filtered[t, i] = P(s_t = i | o_0, ..., o_t): what the rolls so far say
        about the current state. Rows sum to one.
    log_likelihood : float
        log P(o_0, ..., o_{T-1}).

    Raises
    ------
    ValueError
        On invalid input, or if the observations have probability zero
        under ``params``.

    Notes
    -----
    With the filtered vector at t - 1, the prediction for t is
    filtered[t - 1] @ transitions; multiplying by emissions[:, o_t] and
    renormalising gives filtered[t], and the normalising constant is
    P(o_t | o_0..o_{t-1}). The log-likelihood is the sum of the logarithms of
    these constants.
    """
    params = _check_params(params)
    obs = _check_obs(obs, params.n_symbols)
    alpha, scale = _forward(obs, params)
    return alpha, float(np.log(scale).sum())


def forward_backward(obs, params):
    """Compute the posterior probability of each state at each time.

    Parameters
    ----------
    obs : array_like of shape (n_steps,)
        Integer symbols in 0..n_symbols - 1.
    params : HMMParams
        The parameters.

    Returns
    -------
    posteriors : ndarray of shape (n_steps, n_states)
        posteriors[t, i] = P(s_t = i | o_0, ..., o_{T-1}): each row sums to one.
    log_likelihood : float
        log P(o_0, ..., o_{T-1}), summed over all state paths.

    Raises
    ------
    ValueError
        On invalid input, or if the observations have probability zero
        under ``params``.

    Notes
    -----
    The forward pass gives filtered[t] = P(s_t | o_0..o_t) (see
    :func:`forward`); the backward pass runs from the end with
    beta[t, i] proportional to P(o_{t+1}, ..., o_{T-1} | s_t = i), and
    posteriors[t] is filtered[t] * beta[t] renormalised. Both passes are
    scaled at every step, so the result is exact to rounding for sequences
    of any length (there is no product of T probabilities to underflow).
    Cost: O(T k^2).
    """
    params = _check_params(params)
    obs = _check_obs(obs, params.n_symbols)
    posteriors, _, total = _e_step(obs, params, want_counts=False)
    return posteriors, total


def e_step(obs, params):
    """Compute the expected state and transition counts (the Baum-Welch E-step).

    Parameters
    ----------
    obs : array_like of shape (n_steps,)
        Integer symbols in 0..n_symbols - 1.
    params : HMMParams
        The current parameters.

    Returns
    -------
    posteriors : ndarray of shape (n_steps, n_states)
        P(s_t = i | obs), as in :func:`forward_backward`.
    transition_counts : ndarray of shape (n_states, n_states)
        sum_t P(s_t = i, s_{t+1} = j | obs): the expected number of
        transitions from i to j. Sums to n_steps - 1.
    log_likelihood : float
        log P(obs) under ``params``.
    """
    params = _check_params(params)
    obs = _check_obs(obs, params.n_symbols)
    return _e_step(obs, params)


def m_step(obs, posteriors, transition_counts, n_symbols) -> HMMParams:
    """Re-estimate the parameters from expected counts (the Baum-Welch M-step).

    Parameters
    ----------
    obs : array_like of shape (n_steps,)
        Integer symbols in 0..n_symbols - 1.
    posteriors : array_like of shape (n_steps, n_states)
        P(s_t = i | obs), rows summing to one (e.g. from :func:`e_step`).
    transition_counts : array_like of shape (n_states, n_states)
        Expected transition counts, non-negative.
    n_symbols : int
        The number of symbols m.

    Returns
    -------
    HMMParams
        start = posteriors[0];
        transitions[i, j] = transition_counts[i, j] / sum_j transition_counts[i, j];
        emissions[i, v] = sum_{t: o_t = v} posteriors[t, i] / sum_t posteriors[t, i].
        A state with no expected visits (a zero row) gets a uniform row.
    """
    n_symbols = check_int(n_symbols, "n_symbols", minimum=1)
    obs = _check_obs(obs, n_symbols)
    posteriors = as_float_array(posteriors, "posteriors")
    if posteriors.ndim != 2 or posteriors.shape[0] != obs.shape[0]:
        raise ValueError(
            f"Expected posteriors of shape (n_steps, n_states) with n_steps={obs.shape[0]}, "
            f"got shape {posteriors.shape}"
        )
    _check_probabilities(posteriors, "posteriors")
    k = posteriors.shape[1]
    counts = as_float_array(transition_counts, "transition_counts")
    if counts.shape != (k, k):
        raise ValueError(
            f"Expected transition_counts of shape {(k, k)}, got shape {counts.shape}"
        )
    check_nonnegative(counts, "transition_counts")
    return _m_step(obs, posteriors, counts, n_symbols)


def log_likelihood(obs, params) -> float:
    """Return log P(obs) under an HMM (the forward pass).

    Parameters
    ----------
    obs : array_like of shape (n_steps,)
        Integer symbols in 0..n_symbols - 1.
    params : HMMParams
        The parameters.

    Returns
    -------
    float
        The log-probability of the sequence, summed over all state paths;
        -inf if it is impossible under ``params``.
    """
    params = _check_params(params)
    obs = _check_obs(obs, params.n_symbols)
    try:
        _, scale = _forward(obs, params)
    except ValueError:
        return -math.inf
    return float(np.log(scale).sum())


def viterbi(obs, params):
    """Find the most probable hidden state path (the Viterbi algorithm).

    Parameters
    ----------
    obs : array_like of shape (n_steps,)
        Integer symbols in 0..n_symbols - 1.
    params : HMMParams
        The parameters.

    Returns
    -------
    states : ndarray of shape (n_steps,), dtype int
        argmax over paths of P(s_0, ..., s_{T-1} | obs); ties go to the
        lower state index.
    log_probability : float
        log P(states, obs), the joint log-probability of that path and the
        observations (at most the log-likelihood).

    Raises
    ------
    ValueError
        On invalid input, or if the observations have probability zero
        under ``params``.

    Notes
    -----
    delta[t, j] = max over paths ending in j of log P(s_0..s_t, o_0..o_t) =
    max_i (delta[t-1, i] + log transitions[i, j]) + log emissions[j, o_t];
    the best predecessors are kept and followed back from the best final
    state. Logarithms throughout (log 0 = -inf marks forbidden moves).
    """
    params = _check_params(params)
    obs = _check_obs(obs, params.n_symbols)
    with np.errstate(divide="ignore"):  # log 0 = -inf: a forbidden start, move or symbol
        log_start = np.log(params.start)
        log_transitions = np.log(params.transitions)
        log_emissions_t = np.array(np.log(params.emissions).T, order="C")
    states = np.empty(obs.shape[0], dtype=np.int64)
    best = float(_viterbi_kernel(log_start, log_transitions, log_emissions_t, obs, states))
    if best == -math.inf:
        _forward(obs, params)  # raises, naming the first impossible step
    return states, best


def sample(params, n, seed=None):
    """Draw a sequence of observations and the hidden states behind them.

    Parameters
    ----------
    params : HMMParams
        The parameters.
    n : int
        The length of the sequence, >= 1.
    seed : None, int or numpy.random.Generator, optional
        Source of randomness; the same seed gives the same sequence.

    Returns
    -------
    obs : ndarray of shape (n,), dtype int
        The symbols.
    states : ndarray of shape (n,), dtype int
        The hidden state at each step.
    """
    params = _check_params(params)
    n = check_int(n, "n", minimum=1)
    rng = make_rng(seed)
    u_states = rng.random(n)
    u_symbols = rng.random(n)
    states = np.empty(n, dtype=np.int64)
    obs = np.empty(n, dtype=np.int64)
    _sample_kernel(np.cumsum(params.start), np.cumsum(params.transitions, axis=1),
                   np.cumsum(params.emissions, axis=1), u_states, u_symbols, states, obs)
    return obs, states


def casino_params() -> HMMParams:
    """Return the occasionally dishonest casino of Durbin et al. (1998).

    Returns
    -------
    HMMParams
        State 0 is a fair die (each face 1/6), state 1 a loaded die (a six
        with probability 1/2, each other face 1/10). The casino switches from
        the fair to the loaded die with probability 0.05 per roll and back
        with probability 0.10, and starts with the fair die. Symbols 0..5
        stand for the faces 1..6.

    Examples
    --------
    >>> casino_params().emissions[1].tolist()
    [0.1, 0.1, 0.1, 0.1, 0.1, 0.5]
    """
    return HMMParams(
        start=[1.0, 0.0],
        transitions=[[0.95, 0.05], [0.10, 0.90]],
        emissions=[[1 / 6] * 6, [0.1] * 5 + [0.5]],
    )


# ---------------------------------------------------------------------------
# The EM loop
# ---------------------------------------------------------------------------

def _random_start(n_states: int, n_symbols: int, rng: np.random.Generator) -> HMMParams:
    """Uniform start; transition and emission rows drawn from Dirichlet(1, ..., 1)."""
    start = np.full(n_states, 1.0 / n_states)
    transitions = rng.dirichlet(np.ones(n_states), size=n_states)
    emissions = rng.dirichlet(np.ones(n_symbols), size=n_states)
    return HMMParams._trusted(start, transitions, emissions)


def fit(obs, n_states, *, n_symbols=None, init=None, max_iter=100, tol=1e-6,
        seed=None) -> HMMFit:
    """Fit an HMM to one sequence by Baum-Welch (EM).

    Parameters
    ----------
    obs : array_like of shape (n_steps,)
        Integer symbols.
    n_states : int
        The number of hidden states, >= 1.
    n_symbols : int, optional
        The number of symbols m (symbols must lie in 0..m-1). Default:
        ``init.n_symbols`` if ``init`` is given, else ``max(obs) + 1``.
    init : HMMParams, optional
        Starting parameters. If omitted, a random start is drawn (see Notes).
    max_iter : int, default=100
        The largest number of iterations (M-step followed by E-step).
    tol : float, default=1e-6
        Stop when the log-likelihood per observation changes by less than
        ``tol`` in one iteration. With ``tol=0`` exactly ``max_iter``
        iterations run.
    seed : None, int or numpy.random.Generator, optional
        Source of randomness for the random start.

    Returns
    -------
    HMMFit
        ``params``, ``log_likelihoods`` (entry i after i iterations, entry 0
        the start), ``n_iter`` and ``converged``.

    Warns
    -----
    emteach.gmm.ConvergenceWarning
        If ``tol > 0`` and all ``max_iter`` iterations ran without meeting it.

    Notes
    -----
    The random start has a uniform start vector and transition and emission
    rows drawn from a flat Dirichlet distribution, so the states start
    different from one another. Each iteration never lowers the
    log-likelihood; like all EM runs, Baum-Welch finds a local maximum, and
    the states come out in an arbitrary order (label switching).

    The log-likelihoods equal the ``monitor_.history`` of
    ``hmmlearn.hmm.CategoricalHMM`` started from ``init`` (which records the
    log-likelihood before each of its M-steps).
    """
    n_states = check_int(n_states, "n_states", minimum=1)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    tol = check_float(tol, "tol", minimum=0.0)
    if init is not None:
        init = _check_params(init)
        if init.n_states != n_states:
            raise ValueError(
                f"Expected init with n_states={n_states}, got n_states={init.n_states}"
            )
        if n_symbols is None:
            n_symbols = init.n_symbols
    if n_symbols is not None:
        n_symbols = check_int(n_symbols, "n_symbols", minimum=1)
        if init is not None and init.n_symbols != n_symbols:
            raise ValueError(
                f"Expected init with n_symbols={n_symbols}, got n_symbols={init.n_symbols}"
            )
    obs = _check_obs(obs, n_symbols)
    if n_symbols is None:
        n_symbols = int(obs.max()) + 1
    rng = make_rng(seed)
    params = init if init is not None else _random_start(n_states, n_symbols, rng)

    def expected_counts(current):
        posteriors, counts, total = _e_step(obs, current)
        return (posteriors, counts), total

    def maximise(statistics):
        return _m_step(obs, *statistics, n_symbols)

    params, log_likelihoods, converged = _em.iterate(
        expected_counts, maximise, params, n_observations=obs.shape[0], max_iter=max_iter,
        tol=tol, name="Baum-Welch",
        advice="Raise max_iter, loosen tol, or try another start (seed).",
    )
    return HMMFit(
        params=params,
        log_likelihoods=read_only(log_likelihoods),
        n_iter=log_likelihoods.shape[0] - 1,
        converged=converged,
    )
