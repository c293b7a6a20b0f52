"""Tests for emteach.data."""

import numpy as np
import pytest

from emteach import data


class TestTwoProcesses:
    def test_shapes_labels_and_order(self):
        x, z = data.two_processes(seed=0)
        assert x.shape == (12000,) and z.shape == (12000,)
        assert z.dtype.kind == "i"
        np.testing.assert_array_equal(z[:4000], 0)
        np.testing.assert_array_equal(z[4000:], 1)

    def test_moments_match_the_processes(self):
        x, z = data.two_processes(seed=1)
        # Standard error of a mean of 4000 draws with sd 5 is about 0.08.
        assert abs(x[z == 0].mean() - 20.0) < 0.4
        assert abs(x[z == 1].mean() - 40.0) < 0.3
        assert abs(x[z == 0].std() - 5.0) < 0.3
        assert abs(x[z == 1].std() - 5.0) < 0.2

    def test_seed_reproducible_and_different_seeds_differ(self):
        a, _ = data.two_processes(seed=3)
        b, _ = data.two_processes(seed=3)
        c, _ = data.two_processes(seed=4)
        np.testing.assert_array_equal(a, b)
        assert not np.array_equal(a, c)

    def test_accepts_a_generator(self):
        a, _ = data.two_processes(n=(5, 5), seed=np.random.default_rng(7))
        b, _ = data.two_processes(n=(5, 5), seed=np.random.default_rng(7))
        np.testing.assert_array_equal(a, b)

    def test_three_processes(self):
        x, z = data.two_processes(n=(2, 3, 4), means=(0, 100, 200), sds=(1, 1, 1), seed=0)
        assert x.shape == (9,)
        np.testing.assert_array_equal(z, [0, 0, 1, 1, 1, 2, 2, 2, 2])
        assert np.all(np.abs(x - np.array([0, 0, 100, 100, 100, 200, 200, 200, 200])) < 10)

    @pytest.mark.parametrize(
        "kwargs, message",
        [
            ({"n": (10, 0)}, r"Expected every count in n to be >= 1, got n=\[10, 0\]"),
            ({"n": (10.5, 3)}, r"Expected n to hold whole numbers"),
            ({"sds": (5.0, -1.0)}, r"Expected every standard deviation in sds to be > 0"),
            ({"means": (1.0, 2.0, 3.0)}, r"same length, got lengths 2, 3 and 2"),
            ({"means": (np.nan, 2.0)}, r"Expected means to hold finite numbers"),
            ({"seed": "abc"}, r"Expected seed to be None, an int or a numpy Generator"),
        ],
    )
    def test_bad_arguments(self, kwargs, message):
        with pytest.raises(ValueError, match=message):
            data.two_processes(**kwargs)

    def test_non_numeric_is_a_type_error(self):
        with pytest.raises(TypeError, match="Expected means to hold real numbers"):
            data.two_processes(means=("a", "b"))


class TestCoins:
    def test_coin_sets_values(self):
        heads, n_tosses = data.coin_sets()
        np.testing.assert_array_equal(heads, [5, 9, 8, 4, 7])
        assert n_tosses == 10

    def test_tosses_match_the_paper(self):
        tosses, coins = data.coin_tosses()
        assert tosses.shape == (5, 10)
        assert set(np.unique(tosses)) == {0, 1}
        as_text = ["".join("H" if t else "T" for t in row) for row in tosses]
        assert as_text == ["HTTTHHTHTH", "HHHHTHHHHH", "HTHHHHHTHH", "HTHTTTHHTT", "THHHTHHHTH"]
        np.testing.assert_array_equal(coins, [1, 0, 0, 1, 0])

    def test_tosses_agree_with_sets_and_complete_data_mle(self):
        tosses, coins = data.coin_tosses()
        heads, n_tosses = data.coin_sets()
        np.testing.assert_array_equal(tosses.sum(axis=1), heads)
        assert tosses.shape[1] == n_tosses
        assert tosses[coins == 0].mean() == pytest.approx(24 / 30)
        assert tosses[coins == 1].mean() == pytest.approx(9 / 20)

    def test_returns_fresh_arrays(self):
        heads, _ = data.coin_sets()
        heads[0] = 99
        assert data.coin_sets()[0][0] == 5


class TestOldFaithful:
    def test_shape_and_known_means(self):
        faithful = data.old_faithful()
        assert faithful.shape == (272, 2)
        assert faithful.dtype == np.float64
        assert faithful[:, 0].mean() == pytest.approx(3.4878, abs=5e-5)
        assert faithful[:, 1].mean() == pytest.approx(70.897, abs=5e-4)

    def test_plausible_ranges(self):
        faithful = data.old_faithful()
        assert 1.5 < faithful[:, 0].min() and faithful[:, 0].max() < 5.5
        assert 40 <= faithful[:, 1].min() and faithful[:, 1].max() <= 100
        np.testing.assert_array_equal(faithful[0], [3.6, 79.0])
