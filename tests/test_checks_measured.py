"""Tests of emteach.checks.measured (chapter 8), each with a near miss."""

import math

import numpy as np
import pytest

from emteach import checks
from emteach.data import linkage_counts


def test_iterations_for_digits(capsys):
    # 0.5^t <= 1e-3: 2^10 = 1024 >= 1000, 2^9 = 512 < 1000, so t = 10.
    assert checks.check_iterations_for_digits(10, 0.5, 3)
    assert capsys.readouterr().out.startswith(checks.PASS)
    assert not checks.check_iterations_for_digits(9, 0.5, 3)
    assert "round up" in capsys.readouterr().out
    assert not checks.check_iterations_for_digits(3.5, 0.5, 3)
    assert not checks.check_iterations_for_digits(None, 0.5, 3)
    # 0.9^t <= 1e-6: brute force.
    t = 0
    while 0.9 ** t > 1e-6:
        t += 1
    assert checks.check_iterations_for_digits(t, 0.9, 6)


def test_linkage_standard_error_near_miss(capsys):
    counts = linkage_counts()
    y1, y2, y3, y4 = counts
    n = sum(counts)
    b = y1 - 2 * (y2 + y3) - y4
    pi = (b + math.sqrt(b * b + 8 * n * y4)) / (2 * n)  # the positive root, solved here
    info = y1 / (2 + pi) ** 2 + (y2 + y3) / (1 - pi) ** 2 + y4 / pi**2
    se = 1 / math.sqrt(info)
    assert checks.check_linkage_standard_error(se * (1 + 5e-5), pi)
    assert not checks.check_linkage_standard_error(se * (1 + 5e-4), pi)
    assert not checks.check_linkage_standard_error(1 / info, pi)
    assert "sqrt" in capsys.readouterr().out


def test_success_fraction(capsys):
    finals = np.array([-10.0, -10.0005, -12.0, -10.0, -11.0])
    assert checks.check_success_fraction(0.6, finals, -10.0, 1e-3)
    assert not checks.check_success_fraction(0.4, finals, -10.0, 1e-3)
    assert not checks.check_success_fraction(0.6 + 1e-6, finals, -10.0, 1e-3)
    assert checks.check_success_fraction(0.6 + 1e-10, finals, -10.0, 1e-3)
    assert not checks.check_success_fraction("most", finals, -10.0, 1e-3)


def test_t_weight(capsys):
    expected = (3 + 1) / (3 + ((5.0 - 1.0) / 2.0) ** 2)
    assert checks.check_t_weight(expected * (1 + 5e-7), 5.0, 1.0, 2.0, 3.0)
    assert not checks.check_t_weight(expected * (1 + 5e-6), 5.0, 1.0, 2.0, 3.0)
    assert not checks.check_t_weight(1.0, 5.0, 1.0, 2.0, 3.0)
    assert "nu + 1" in capsys.readouterr().out


@pytest.mark.parametrize("answer", [None, "x", [1, 2], float("nan"), {}])
def test_never_raise(answer, capsys):
    checks.check_iterations_for_digits(answer, 0.5, 3)
    checks.check_linkage_standard_error(answer, 0.6)
    checks.check_success_fraction(answer, [0.0], 0.0, 1.0)
    checks.check_t_weight(answer, 0.0, 0.0, 1.0, 3.0)
