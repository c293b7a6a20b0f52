"""The rule the accessibility check applies to a slider, with its near misses (no browser needed)."""

import pytest

from accessibility import _same_value


@pytest.mark.parametrize(("spoken", "shown"), [(1, "1.00"), (2000, "2000"), ("0.333", "0.33"), (0.2, "0.20")])
def test_spoken_value_matches_the_readout(spoken, shown):
    assert _same_value(spoken, shown)


@pytest.mark.parametrize(("spoken", "shown"), [
    (5, "2000"),       # an option index instead of the value (ipywidgets' SelectionSlider)
    (0.35, "0.33"),    # a thumb snapped off the readout (a start off the slider's steps)
    (0.3, "0.33"),     # rounded to one decimal (ipywidgets' slider handle)
    (None, "1"),       # nothing announced
])
def test_near_misses_are_caught(spoken, shown):
    assert not _same_value(spoken, shown)
