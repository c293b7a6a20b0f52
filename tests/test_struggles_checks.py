"""Chapter 6's checkers, each against a value computed here and a near miss on both sides.

The near miss sits at twice the checker's tolerance (rejected), the near hit
at two fifths of it (accepted).
"""

import math

import numpy as np
import pytest

from emteach import checks

PASS, FAIL, TODO = "\u2705", "\u274c", "\u270f\ufe0f"


def band(checker, expected, rtol, atol, capsys):
    width = atol + rtol * abs(expected)
    assert not checker(expected + 2.0 * width)
    assert FAIL in capsys.readouterr().out
    assert not checker(expected - 2.0 * width)
    capsys.readouterr()
    assert checker(expected + 0.4 * width)
    assert PASS in capsys.readouterr().out


def test_restart_miss(capsys):
    expected = 0.3**4
    band(lambda a: checks.check_restart_miss(a, 0.7, 4), expected, 1e-6, 1e-12, capsys)
    assert not checks.check_restart_miss(1 - 0.7**4, 0.7, 4)  # P(at least one hits), the usual slip


def test_collapse_gain(capsys):
    expected = 2 * 3 * math.log(10)  # two points, three dimensions, a tenfold narrowing
    band(lambda a: checks.check_collapse_gain(a, factor=10, n_points=2, n_features=3), expected, 1e-3, 1e-9,
         capsys)
    assert checks.check_collapse_gain(math.log(2), factor=2)  # defaults: one point in one dimension
    assert not checks.check_collapse_gain(math.log(10), factor=10, n_points=2, n_features=3)


def test_missing_information(capsys):
    pi = (15 + math.sqrt(225 + 4 * 197 * 68)) / 394
    a = 125 * pi / (2 + pi)
    expected = (250 / (2 + pi) ** 2) * 38 / (a + 72) ** 2  # the EM map's derivative at the MLE
    band(checks.check_missing_information, expected, 1e-3, 1e-9, capsys)
    assert checks.check_missing_information(0.1328)  # four digits, as the paper gives it


def test_lloyd_step(capsys):
    x = np.array([[0.0], [1.0], [2.0], [6.0], [7.0], [11.0]])
    centres = np.array([[1.0], [3.0]])
    assert checks.check_lloyd_step(np.array([[1.0], [8.0]]), x, centres)
    assert not checks.check_lloyd_step(np.array([[1.0], [8.0 + 2e-6]]), x, centres)
    assert checks.check_lloyd_step(np.array([[1.0], [8.0 + 4e-7]]), x, centres)
    capsys.readouterr()
    assert not checks.check_lloyd_step([1.0, 8.0], x, centres)  # wrong shape: feedback, not an error
    assert "shape (2, 1)" in capsys.readouterr().out
    assert not checks.check_lloyd_step("one and eight", x, centres)
    assert not checks.check_lloyd_step(None, x, centres)
    assert TODO in capsys.readouterr().out


@pytest.mark.parametrize("checker", [lambda a: checks.check_restart_miss(a, 0.5, 2),
                                     lambda a: checks.check_collapse_gain(a),
                                     checks.check_missing_information])
def test_no_checker_raises_on_odd_answers(checker, capsys):
    for odd in (None, "0.1", [0.1, 0.2], float("nan"), object()):
        assert not checker(odd)
