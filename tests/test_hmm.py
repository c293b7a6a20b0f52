"""Tests for emteach.hmm (and emteach.data.casino)."""

import itertools
import logging
import warnings

import numpy as np
import pytest
from hmmlearn.hmm import CategoricalHMM
from scipy.special import logsumexp

from emteach import data, hmm
from emteach.gmm import ConvergenceWarning


# ---------------------------------------------------------------------------
# References: every state path enumerated, and hmmlearn
# ---------------------------------------------------------------------------

def path_log_probs(obs, start, transitions, emissions):
    """log P(path, obs) for every one of the k**T paths, with the paths (k**T, T)."""
    k = len(start)
    paths = np.array(list(itertools.product(range(k), repeat=len(obs))))
    with np.errstate(divide="ignore"):
        log_p = np.log(start[paths[:, 0]]) + np.log(emissions[paths[:, 0], obs[0]])
        for t in range(1, len(obs)):
            log_p = (log_p + np.log(transitions[paths[:, t - 1], paths[:, t]])
                     + np.log(emissions[paths[:, t], obs[t]]))
    return paths, log_p


def brute_force(obs, params):
    """Likelihood, posteriors, transition counts and best path by enumeration."""
    obs = np.asarray(obs)
    paths, log_p = path_log_probs(obs, params.start, params.transitions, params.emissions)
    total = logsumexp(log_p)
    weight = np.exp(log_p - total)
    k = params.n_states
    posteriors = np.zeros((len(obs), k))
    counts = np.zeros((k, k))
    for path, w in zip(paths, weight):
        posteriors[np.arange(len(obs)), path] += w
        for a, b in zip(path[:-1], path[1:]):
            counts[a, b] += w
    best = int(np.argmax(log_p))
    return total, posteriors, counts, paths[best], log_p[best]


def random_params(k, m, rng):
    return hmm.HMMParams(
        rng.dirichlet(np.ones(k)),
        rng.dirichlet(np.ones(k), size=k),
        rng.dirichlet(np.ones(m), size=k),
    )


def hmmlearn_model(hmm_params, **options):
    model = CategoricalHMM(n_components=hmm_params.n_states, n_features=hmm_params.n_symbols,
                           init_params="", **options)
    model.startprob_ = hmm_params.start.copy()
    model.transmat_ = hmm_params.transitions.copy()
    model.emissionprob_ = hmm_params.emissions.copy()
    return model


CASINO = hmm.casino_params()


@pytest.fixture(scope="module")
def long_rolls():
    rolls, dice = hmm.sample(CASINO, 100_000, seed=7)
    return rolls, dice


# ---------------------------------------------------------------------------
# HMMParams
# ---------------------------------------------------------------------------

def test_params_shapes_and_read_only():
    assert (CASINO.n_states, CASINO.n_symbols) == (2, 6)
    with pytest.raises(ValueError):
        CASINO.start[0] = 0.5


def test_casino_params_are_durbin_et_al():
    np.testing.assert_array_equal(CASINO.start, [1.0, 0.0])
    np.testing.assert_allclose(CASINO.transitions, [[0.95, 0.05], [0.10, 0.90]])
    np.testing.assert_allclose(CASINO.emissions[0], np.full(6, 1 / 6))
    np.testing.assert_allclose(CASINO.emissions[1], [0.1] * 5 + [0.5])


@pytest.mark.parametrize("kwargs, message", [
    (dict(start=[0.5, 0.6]), "Expected start to sum to 1"),
    (dict(transitions=[[0.9, 0.2], [0.5, 0.5]]), "every row of transitions to sum to 1, got 1.1"),
    (dict(emissions=[[0.5, 0.5, 0.0], [0.5, 0.5, 0.5]]), "row 1"),
    (dict(start=[1.5, -0.5]), "every entry of start to be >= 0"),
    (dict(start=[[0.5, 0.5]]), "start of shape"),
    (dict(transitions=[[1.0]]), r"transitions of shape .* \(2, 2\)"),
    (dict(emissions=[[1.0], [1.0], [1.0]]), "emissions of shape"),
    (dict(start=[np.nan, 1.0]), "finite"),
])
def test_params_reject_bad_input(kwargs, message):
    values = dict(start=[0.5, 0.5], transitions=[[0.9, 0.1], [0.5, 0.5]],
                  emissions=[[0.5, 0.5, 0.0], [0.2, 0.3, 0.5]])
    values.update(kwargs)
    with pytest.raises(ValueError, match=message):
        hmm.HMMParams(**values)


def test_params_reject_strings():
    with pytest.raises(TypeError, match="real numbers"):
        hmm.HMMParams(["a", "b"], [[1.0, 0.0], [0.0, 1.0]], [[1.0], [1.0]])


# ---------------------------------------------------------------------------
# Forward-backward, Viterbi: brute force on short sequences
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("k, m, n_steps, seed", [(2, 3, 1, 0), (2, 3, 5, 1), (3, 2, 6, 2),
                                                 (3, 4, 4, 3), (1, 3, 4, 4)])
def test_against_enumeration_of_all_paths(k, m, n_steps, seed):
    rng = np.random.default_rng(seed)
    params = random_params(k, m, rng)
    obs = rng.integers(0, m, n_steps)
    total, posteriors, counts, best_path, best_log_p = brute_force(obs, params)

    got_posteriors, got_total = hmm.forward_backward(obs, params)
    assert got_total == pytest.approx(total, rel=1e-12)
    np.testing.assert_allclose(got_posteriors, posteriors, atol=1e-12)

    e_posteriors, e_counts, e_total = hmm.e_step(obs, params)
    np.testing.assert_allclose(e_posteriors, posteriors, atol=1e-12)
    np.testing.assert_allclose(e_counts, counts, atol=1e-12)
    assert e_total == pytest.approx(total, rel=1e-12)
    assert hmm.log_likelihood(obs, params) == pytest.approx(total, rel=1e-12)

    states, log_probability = hmm.viterbi(obs, params)
    np.testing.assert_array_equal(states, best_path)
    assert log_probability == pytest.approx(best_log_p, rel=1e-12)


def test_forward_gives_filtered_probabilities():
    rng = np.random.default_rng(5)
    params = random_params(3, 3, rng)
    obs = rng.integers(0, 3, 5)
    filtered, total = hmm.forward(obs, params)
    for t in range(len(obs)):
        # Filtering at t is smoothing for the sequence cut at t.
        _, posteriors, *_ = brute_force(obs[:t + 1], params)
        np.testing.assert_allclose(filtered[t], posteriors[t], atol=1e-12)
    assert total == pytest.approx(brute_force(obs, params)[0], rel=1e-12)


def test_zero_probabilities_handled_like_enumeration():
    # A state that cannot start, a forbidden transition, a symbol never emitted.
    params = hmm.HMMParams([1.0, 0.0, 0.0], [[0.5, 0.5, 0.0], [0.0, 0.5, 0.5], [0.3, 0.0, 0.7]],
                           [[0.5, 0.5, 0.0], [0.0, 0.4, 0.6], [0.2, 0.2, 0.6]])
    obs = np.array([0, 1, 2, 2, 0, 1])
    total, posteriors, counts, best_path, best_log_p = brute_force(obs, params)
    got, got_total = hmm.forward_backward(obs, params)
    assert np.all(np.isfinite(got))
    assert got_total == pytest.approx(total, rel=1e-12)
    np.testing.assert_allclose(got, posteriors, atol=1e-12)
    np.testing.assert_allclose(hmm.e_step(obs, params)[1], counts, atol=1e-12)
    states, log_probability = hmm.viterbi(obs, params)
    np.testing.assert_array_equal(states, best_path)
    assert log_probability == pytest.approx(best_log_p)


def test_single_symbol_and_single_state():
    posteriors, total = hmm.forward_backward([5], CASINO)
    np.testing.assert_allclose(posteriors, [[1.0, 0.0]])
    assert total == pytest.approx(np.log(1 / 6))
    states, log_probability = hmm.viterbi([5], CASINO)
    assert states.tolist() == [0] and log_probability == pytest.approx(np.log(1 / 6))
    one = hmm.HMMParams([1.0], [[1.0]], [[0.25, 0.75]])
    obs = [1, 1, 0, 1]
    posteriors, total = hmm.forward_backward(obs, one)
    np.testing.assert_array_equal(posteriors, np.ones((4, 1)))
    assert total == pytest.approx(3 * np.log(0.75) + np.log(0.25))


def test_ruled_out_state_gives_no_nan_on_long_sequences(long_rolls):
    # State 1 cannot be reached, but fits the sixes far better: its exact
    # backward variable grows without bound along the sequence.
    params = hmm.HMMParams([1.0, 0.0], [[1.0, 0.0], [0.0, 1.0]],
                           [[0.9, 0.02, 0.02, 0.02, 0.02, 0.02], [0.0, 0.0, 0.0, 0.0, 0.0, 1.0]])
    obs = np.full(20_000, 5)
    posteriors, total = hmm.forward_backward(obs, params)
    assert np.all(np.isfinite(posteriors))
    np.testing.assert_array_equal(posteriors[:, 0], 1.0)
    assert total == pytest.approx(20_000 * np.log(0.02))
    post, counts, _ = hmm.e_step(obs, params)
    assert np.all(np.isfinite(counts))
    np.testing.assert_allclose(counts, [[19_999, 0], [0, 0]])


def test_impossible_sequence_raises_and_scores_minus_infinity():
    params = hmm.HMMParams([1.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match=r"probability zero under params.*obs\[2\]"):
        hmm.forward_backward([0, 0, 1], params)
    with pytest.raises(ValueError, match="probability zero"):
        hmm.viterbi([0, 0, 1], params)
    assert hmm.log_likelihood([0, 0, 1], params) == -np.inf


# ---------------------------------------------------------------------------
# hmmlearn's CategoricalHMM as the reference for long sequences
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("implementation", ["log", "scaling"])
def test_against_hmmlearn_on_100000_rolls(long_rolls, implementation):
    rolls, _ = long_rolls
    model = hmmlearn_model(CASINO, implementation=implementation)
    posteriors, total = hmm.forward_backward(rolls, CASINO)
    x = rolls.reshape(-1, 1)
    assert total == pytest.approx(model.score(x), rel=1e-10)
    np.testing.assert_allclose(posteriors, model.predict_proba(x), atol=1e-8)


def test_viterbi_against_hmmlearn(long_rolls):
    rolls, _ = long_rolls
    rolls = rolls[:20_000]
    states, log_probability = hmm.viterbi(rolls, CASINO)
    reference_log_probability, reference_states = hmmlearn_model(CASINO).decode(
        rolls.reshape(-1, 1), algorithm="viterbi")
    np.testing.assert_array_equal(states, reference_states)
    assert log_probability == pytest.approx(reference_log_probability, rel=1e-10)


def test_against_hmmlearn_three_states():
    rng = np.random.default_rng(11)
    params = random_params(3, 4, rng)
    obs, _ = hmm.sample(params, 3000, seed=rng)
    model = hmmlearn_model(params)
    posteriors, total = hmm.forward_backward(obs, params)
    assert total == pytest.approx(model.score(obs.reshape(-1, 1)), rel=1e-10)
    np.testing.assert_allclose(posteriors, model.predict_proba(obs.reshape(-1, 1)), atol=1e-8)


@pytest.mark.parametrize("k, m, seed", [(2, 6, 0), (3, 4, 1)])
def test_baum_welch_path_matches_hmmlearn(k, m, seed):
    rng = np.random.default_rng(seed)
    truth = hmm.casino_params() if k == 2 else random_params(k, m, rng)
    obs, _ = hmm.sample(truth, 500, seed=rng)
    init = random_params(k, m, rng)
    n_iter = 15
    result = hmm.fit(obs, k, init=init, max_iter=n_iter, tol=0.0)
    # hmmlearn records the log-likelihood before each of its M-steps, so
    # after n_iter iterations its history holds our entries 0..n_iter-1.
    model = hmmlearn_model(init, n_iter=n_iter, tol=-np.inf, params="ste")
    logging.getLogger("hmmlearn").setLevel(logging.ERROR)
    model.fit(obs.reshape(-1, 1))
    np.testing.assert_allclose(result.log_likelihoods[:-1], list(model.monitor_.history),
                               rtol=1e-10)
    np.testing.assert_allclose(result.params.start, model.startprob_, atol=1e-8)
    np.testing.assert_allclose(result.params.transitions, model.transmat_, atol=1e-8)
    np.testing.assert_allclose(result.params.emissions, model.emissionprob_, atol=1e-8)
    assert result.log_likelihoods[-1] == pytest.approx(model.score(obs.reshape(-1, 1)),
                                                       rel=1e-10)


# ---------------------------------------------------------------------------
# Baum-Welch
# ---------------------------------------------------------------------------

def test_m_step_against_explicit_counts():
    rng = np.random.default_rng(3)
    params = random_params(2, 3, rng)
    obs = rng.integers(0, 3, 6)
    _, posteriors, counts, *_ = brute_force(obs, params)
    new = hmm.m_step(obs, posteriors, counts, 3)
    np.testing.assert_allclose(new.start, posteriors[0])
    np.testing.assert_allclose(new.transitions, counts / counts.sum(axis=1, keepdims=True))
    for i in range(2):
        for v in range(3):
            expected = posteriors[obs == v, i].sum() / posteriors[:, i].sum()
            assert new.emissions[i, v] == pytest.approx(expected)


def test_m_step_gives_uniform_rows_for_unvisited_states():
    posteriors = np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]])
    counts = np.array([[2.0, 0.0], [0.0, 0.0]])
    new = hmm.m_step([0, 1, 1], posteriors, counts, 3)
    np.testing.assert_allclose(new.transitions, [[1.0, 0.0], [0.5, 0.5]])
    np.testing.assert_allclose(new.emissions, [[1 / 3, 2 / 3, 0.0], [1 / 3, 1 / 3, 1 / 3]])


def test_fit_log_likelihood_never_falls_and_records_the_start():
    rolls, _ = data.casino(400, seed=1)
    init = hmm.HMMParams([0.5, 0.5], [[0.8, 0.2], [0.3, 0.7]],
                         [[0.2, 0.2, 0.2, 0.2, 0.1, 0.1], [0.1, 0.1, 0.1, 0.1, 0.2, 0.4]])
    result = hmm.fit(rolls, 2, init=init, max_iter=60, tol=0.0)
    assert result.n_iter == 60 and not result.converged
    assert result.log_likelihoods.shape == (61,)
    assert result.log_likelihoods[0] == pytest.approx(hmm.log_likelihood(rolls, init))
    assert result.log_likelihoods[-1] == pytest.approx(hmm.log_likelihood(rolls, result.params))
    assert np.all(np.diff(result.log_likelihoods) >= -1e-9)
    assert result.params.n_symbols == 6


def test_fit_converges_and_is_reproducible():
    rolls, _ = data.casino(300, seed=2)
    first = hmm.fit(rolls, 2, max_iter=2000, tol=1e-6, seed=4)
    second = hmm.fit(rolls, 2, max_iter=2000, tol=1e-6, seed=4)
    assert first.converged
    assert first.n_iter == len(first.log_likelihoods) - 1 < 2000
    np.testing.assert_array_equal(first.log_likelihoods, second.log_likelihoods)
    change = abs(first.log_likelihoods[-1] - first.log_likelihoods[-2]) / len(rolls)
    assert change < 1e-6


def test_fit_recovers_the_casino_from_many_rolls():
    rolls, _ = hmm.sample(CASINO, 20_000, seed=5)
    init = hmm.HMMParams([0.5, 0.5], [[0.9, 0.1], [0.1, 0.9]],
                         [np.full(6, 1 / 6), [0.15, 0.15, 0.15, 0.15, 0.15, 0.25]])
    result = hmm.fit(rolls, 2, init=init, max_iter=500, tol=1e-7)
    assert result.converged
    np.testing.assert_allclose(result.params.transitions, CASINO.transitions, atol=0.03)
    np.testing.assert_allclose(result.params.emissions, CASINO.emissions, atol=0.03)


def test_fit_warns_when_not_converged():
    rolls, _ = data.casino(200, seed=0)
    with pytest.warns(ConvergenceWarning, match="max_iter=2"):
        result = hmm.fit(rolls, 2, max_iter=2, tol=1e-12, seed=0)
    assert not result.converged and result.n_iter == 2


def test_fit_with_constant_sequence_is_finite():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = hmm.fit([3, 3, 3, 3], 2, n_symbols=6, seed=0)
    assert np.all(np.isfinite(result.log_likelihoods))
    assert result.log_likelihoods[-1] == pytest.approx(0.0, abs=1e-6)
    assert np.all(np.isfinite(result.params.transitions))
    single = hmm.fit([2], 3, seed=1)
    assert single.params.n_symbols == 3 and np.isfinite(single.log_likelihoods).all()


@pytest.mark.parametrize("kwargs, message", [
    (dict(n_states=0), "n_states to be an integer >= 1"),
    (dict(n_states=2.0), "n_states to be an integer"),
    (dict(max_iter=0), "max_iter"),
    (dict(tol=-1.0), "tol >= 0"),
    (dict(n_symbols=3), r"symbols in 0..2, got the symbol 5"),
    (dict(init=hmm.casino_params(), n_states=3), "init with n_states=3"),
    (dict(init=hmm.casino_params(), n_symbols=7), "init with n_symbols=7"),
    (dict(seed=-1), "seed"),
])
def test_fit_rejects_bad_arguments(kwargs, message):
    arguments = dict(obs=[0, 5, 2, 1], n_states=2)
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=message):
        hmm.fit(**arguments)


# ---------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("obs, message", [
    ([], "at least one symbol"),
    ([0, 6, 1], r"symbols in 0..5, got the symbol 6"),
    ([0, -1], r"got the symbol -1"),
    ([0.0, 1.5], "integer symbols, got non-integer values such as 1.5"),
    ([0.0, np.nan], "integer symbols"),
    ([[0, 1], [1, 0]], r"shape \(n_steps,\)"),
])
def test_bad_observations(obs, message):
    with pytest.raises(ValueError, match=message):
        hmm.forward_backward(obs, CASINO)


@pytest.mark.parametrize("obs", [["a", "b"], [True, False], [object()]])
def test_observations_that_are_not_numbers(obs):
    with pytest.raises(TypeError, match="integer symbols"):
        hmm.viterbi(obs, CASINO)


def test_whole_floats_and_columns_are_accepted():
    expected = hmm.forward_backward(np.array([0, 5, 5]), CASINO)[1]
    assert hmm.forward_backward([0.0, 5.0, 5.0], CASINO)[1] == expected
    assert hmm.forward_backward([[0], [5], [5]], CASINO)[1] == expected


def test_params_must_be_a_record():
    with pytest.raises(TypeError, match="HMMParams"):
        hmm.forward_backward([0, 1], {"start": [1.0]})


def test_m_step_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="posteriors of shape"):
        hmm.m_step([0, 1], np.full((3, 2), 0.5), np.ones((2, 2)), 2)
    with pytest.raises(ValueError, match=r"transition_counts of shape \(2, 2\)"):
        hmm.m_step([0, 1], np.full((2, 2), 0.5), np.ones((3, 3)), 2)
    with pytest.raises(ValueError, match="transition_counts to be >= 0"):
        hmm.m_step([0, 1], np.full((2, 2), 0.5), -np.ones((2, 2)), 2)
    with pytest.raises(ValueError, match="every row of posteriors to sum to 1"):
        hmm.m_step([0, 1], np.full((2, 2), 0.6), np.ones((2, 2)), 2)


# ---------------------------------------------------------------------------
# Sampling and the casino data
# ---------------------------------------------------------------------------

def test_sample_follows_the_chain(long_rolls):
    rolls, dice = long_rolls
    assert dice[0] == 0
    # Stationary share of the loaded die: 0.05 / (0.05 + 0.10) = 1/3.
    assert dice.mean() == pytest.approx(1 / 3, abs=0.02)
    switches = np.zeros((2, 2))
    np.add.at(switches, (dice[:-1], dice[1:]), 1)
    np.testing.assert_allclose(switches / switches.sum(axis=1, keepdims=True),
                               CASINO.transitions, atol=0.01)
    for die in (0, 1):
        frequencies = np.bincount(rolls[dice == die], minlength=6) / np.sum(dice == die)
        np.testing.assert_allclose(frequencies, CASINO.emissions[die], atol=0.015)


def test_sample_never_draws_impossible_values():
    params = hmm.HMMParams([0.0, 1.0, 0.0], [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]],
                           [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    obs, states = hmm.sample(params, 30, seed=0)
    np.testing.assert_array_equal(states, np.tile([1, 2, 0], 10))
    np.testing.assert_array_equal(obs, np.tile([2, 1, 0], 10))


def test_sample_checks_its_arguments():
    with pytest.raises(ValueError, match="n to be an integer >= 1"):
        hmm.sample(CASINO, 0)
    with pytest.raises(TypeError, match="HMMParams"):
        hmm.sample(None, 3)


def test_casino_data():
    rolls, dice = data.casino(seed=0)
    assert rolls.shape == dice.shape == (300,)
    assert rolls.dtype.kind == dice.dtype.kind == "i"
    assert set(np.unique(rolls)) <= set(range(6)) and set(np.unique(dice)) <= {0, 1}
    assert dice[0] == 0
    again, again_dice = data.casino(seed=0)
    np.testing.assert_array_equal(rolls, again)
    np.testing.assert_array_equal(dice, again_dice)
    assert data.casino(5, seed=1)[0].shape == (5,)
    with pytest.raises(ValueError, match="n_rolls"):
        data.casino(0)
