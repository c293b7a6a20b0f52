"""Tests of emteach.checks.applications (chapter 7's exercise checkers).

Every expected value is written out here from its formula or by hand, and
every checker gets a near miss: just outside its tolerance rejected, just
inside accepted.
"""

import math

import numpy as np
import pytest

from emteach import checks

# The occasionally dishonest casino (Durbin et al. 1998): start fair, fair -> loaded 0.05,
# loaded -> fair 0.10, the loaded die shows a six half the time.
START = np.array([1.0, 0.0])
TRANSITIONS = np.array([[0.95, 0.05], [0.10, 0.90]])
EMISSIONS = np.array([[1 / 6] * 6, [0.1] * 5 + [0.5]])


def _verdict(result, capsys):
    return bool(result), capsys.readouterr().out


# --- bits of a quantised picture --------------------------------------------------


def test_quantised_bits_right_near_miss_and_common_mistakes(capsys):
    expected = 24 * 10 + 1000 * math.log2(10)  # 240 + 3321.928...
    ok, text = _verdict(checks.check_quantised_bits(expected * (1 + 5e-7), 1000, 10), capsys)
    assert ok and "Correct" in text
    ok, text = _verdict(checks.check_quantised_bits(expected * (1 + 2e-6), 1000, 10), capsys)
    assert not ok and "Not quite" in text
    ok, text = _verdict(checks.check_quantised_bits(24_000, 1000, 10), capsys)
    assert not ok and "original picture" in text
    ok, text = _verdict(checks.check_quantised_bits(1000 * math.log2(10), 1000, 10), capsys)
    assert not ok and "palette" in text
    ok, text = _verdict(checks.check_quantised_bits(240 + 1000 * 4, 1000, 10), capsys)
    assert not ok and "rounded" in text


def test_quantised_bits_power_of_two_has_no_rounding_hint(capsys):
    # log2 16 = 4 exactly: the rounded-up count is the right answer, not a near miss.
    ok, text = _verdict(checks.check_quantised_bits(24 * 16 + 500 * 4, 500, 16), capsys)
    assert ok and "Correct" in text


# --- conditional normal ----------------------------------------------------------


MEAN = np.array([1.0, -2.0])
COVARIANCE = np.array([[4.0, 1.2], [1.2, 1.0]])
# x2 | x1 = 3: mean -2 + 1.2 / 4 * (3 - 1) = -1.4; variance 1 - 1.44 / 4 = 0.64.
RIGHT = (-1.4, 0.64)


def test_conditional_normal_right_and_near_miss(capsys):
    ok, text = _verdict(checks.check_conditional_normal((-1.4 * (1 + 5e-7), 0.64), MEAN, COVARIANCE, 3.0), capsys)
    assert ok and "Correct" in text
    ok, text = _verdict(checks.check_conditional_normal((-1.4, 0.64 * (1 + 3e-6)), MEAN, COVARIANCE, 3.0), capsys)
    assert not ok and "Not quite" in text


@pytest.mark.parametrize("answer, phrase", [
    ((-1.4, 1.0), "marginal"),
    ((-1.4, 0.0), "forgets"),
    ((-2.0, 0.64), "mean of x2 alone"),
    ((1.0, 2.0, 3.0), "pair"),
    ("text", "pair"),
])
def test_conditional_normal_mistakes(answer, phrase, capsys):
    ok, text = _verdict(checks.check_conditional_normal(answer, MEAN, COVARIANCE, 3.0), capsys)
    assert not ok and phrase in text


# --- HMM posterior by brute force -----------------------------------------------


def _by_hand_posterior_last(observations, start):
    """Forward recursion written out with plain floats, for two states."""
    alpha = [start[j] * EMISSIONS[j, observations[0]] for j in range(2)]
    for o in observations[1:]:
        alpha = [sum(alpha[i] * TRANSITIONS[i, j] for i in range(2)) * EMISSIONS[j, o] for j in range(2)]
    return alpha[1] / (alpha[0] + alpha[1])


def test_state_posterior_matches_the_forward_recursion_written_by_hand(capsys):
    rolls = [5, 5, 5, 2, 5, 5]
    expected = _by_hand_posterior_last(rolls, START)
    ok, text = _verdict(checks.check_state_posterior(expected + 9e-7, rolls, START, TRANSITIONS, EMISSIONS), capsys)
    assert ok and "Correct" in text
    ok, text = _verdict(checks.check_state_posterior(expected + 2e-6, rolls, START, TRANSITIONS, EMISSIONS), capsys)
    assert not ok and "Not quite" in text


def test_state_posterior_mistakes(capsys):
    rolls = [5, 5, 5, 5]
    expected = _by_hand_posterior_last(rolls, START)
    ok, text = _verdict(checks.check_state_posterior(1 - expected, rolls, START, TRANSITIONS, EMISSIONS), capsys)
    assert not ok and "another state" in text
    uniform = _by_hand_posterior_last(rolls, [0.5, 0.5])
    ok, text = _verdict(checks.check_state_posterior(uniform, rolls, START, TRANSITIONS, EMISSIONS), capsys)
    assert not ok and "start probabilities" in text
    ok, text = _verdict(checks.check_state_posterior(None, rolls, START, TRANSITIONS, EMISSIONS), capsys)
    assert not ok and "No answer yet" in text


def test_state_posterior_of_state_zero(capsys):
    rolls = [0, 1, 2]
    expected = 1 - _by_hand_posterior_last(rolls, START)
    ok, _ = _verdict(checks.check_state_posterior(expected, rolls, START, TRANSITIONS, EMISSIONS, state=0), capsys)
    assert ok


# --- one ML-EM update ---------------------------------------------------------------


A = np.array([[0.5, 0.25, 0.0], [0.25, 0.5, 0.25], [0.0, 0.25, 0.5]])
COUNTS = np.array([4.0, 6.0, 2.0])
IMAGE = np.array([2.0, 4.0, 2.0])


def _mlem_by_hand():
    # A @ image = (2, 3, 2); ratios (2, 2, 1); A.T @ ratio = (1.5, 1.75, 1.0); column sums (0.75, 1, 0.75).
    return np.array([2.0 * 1.5 / 0.75, 4.0 * 1.75 / 1.0, 2.0 * 1.0 / 0.75])


def test_mlem_update_right_and_near_miss(capsys):
    expected = _mlem_by_hand()
    np.testing.assert_allclose(expected, [4.0, 7.0, 8.0 / 3.0])
    ok, text = _verdict(checks.check_mlem_update(expected * (1 + 5e-7), A, COUNTS, IMAGE), capsys)
    assert ok and "Correct" in text
    ok, text = _verdict(checks.check_mlem_update(expected * (1 + 3e-6), A, COUNTS, IMAGE), capsys)
    assert not ok and "Not quite" in text


def test_mlem_update_mistakes(capsys):
    ok, text = _verdict(checks.check_mlem_update(IMAGE * np.array([1.5, 1.75, 1.0]), A, COUNTS, IMAGE), capsys)
    assert not ok and "sensitivity" in text
    ok, text = _verdict(checks.check_mlem_update(np.array([1.5 / 0.75, 1.75, 1.0 / 0.75]), A, COUNTS, IMAGE), capsys)
    assert not ok and "multiplicative" in text
    ok, text = _verdict(checks.check_mlem_update([1.0, 2.0], A, COUNTS, IMAGE), capsys)
    assert not ok and "shape" in text


@pytest.mark.parametrize("answer", [None, ..., "abc", [1, 2], float("nan"), object()])
def test_chapter_7_checkers_never_raise_on_odd_answers(answer, capsys):
    assert not checks.check_quantised_bits(answer, 100, 8)
    assert not checks.check_conditional_normal(answer, MEAN, COVARIANCE, 0.0)
    assert not checks.check_state_posterior(answer, [5, 5], START, TRANSITIONS, EMISSIONS)
    assert not checks.check_mlem_update(answer, A, COUNTS, IMAGE)
    assert capsys.readouterr().out.count("\n") == 4
