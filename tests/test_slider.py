"""The accessible slider every experiment uses for numbers (emteach.widgets._slider)."""

import ipywidgets
import pytest

from emteach.widgets._slider import FloatValueSlider, IntValueSlider, readout_decimals


@pytest.mark.parametrize(("step", "fmt", "expected"), [
    (1, None, 0), (0.5, None, 1), (0.25, None, 2), (0.05, None, 2), (0.01, None, 2), (1.0, None, 0),
    (0.05, ".3f", 3), (1, "d", 0), (0.1, ".0f", 0),
])
def test_readout_decimals(step, fmt, expected):
    assert readout_decimals(step, fmt) == expected


def test_readout_format_must_be_fixed_point():
    with pytest.raises(ValueError, match=r"Expected a readout_format like '.2f' or 'd', got '.2e'"):
        readout_decimals(0.1, ".2e")


def test_value_is_clipped_to_its_range_and_keeps_its_type():
    slider = IntValueSlider(value=50, min=1, max=100, step=1, description="bins")
    assert slider.value == 50 and isinstance(slider.value, int)
    slider.value = 101
    assert slider.value == 100
    slider.value = 0
    assert slider.value == 1
    floats = FloatValueSlider(value=1 / 3, min=0.05, max=0.95, step=1 / 60, description="weight", readout_format=".2f")
    assert floats.value == pytest.approx(1 / 3) and floats.decimals == 2
    floats.value = 0.951
    assert floats.value == 0.95
    floats.value = 0.05
    assert floats.value == 0.05


def test_start_outside_the_range_is_clipped():
    assert IntValueSlider(value=500, min=1, max=100, description="bins").value == 100


def test_observers_see_every_change():
    slider = FloatValueSlider(value=0.2, min=0.0, max=1.0, step=0.1, description="x")
    seen = []
    slider.observe(lambda change: seen.append(change["new"]), names="value")
    slider.value = 0.3
    slider.value = 0.3
    slider.value = 2.0
    assert seen == [0.3, 1.0]


def test_bad_ranges_are_refused():
    with pytest.raises(ValueError, match="Expected min < max, got min=5 and max=5"):
        IntValueSlider(value=5, min=5, max=5, description="k")
    with pytest.raises(ValueError, match="Expected a positive step, got 0"):
        FloatValueSlider(value=0.5, min=0.0, max=1.0, step=0, description="x")


def test_front_end_names_the_input_and_reads_the_shown_value():
    # What a screen reader needs, in the browser code itself (the browser
    # suite checks the accessibility tree): a native range input tied to its
    # label, and aria-valuetext set to the readout's text.
    esm = IntValueSlider._esm
    assert 'input.type = "range"' in esm and "label.htmlFor = id" in esm
    assert 'setAttribute("aria-valuetext", shown)' in esm and "readout.textContent = shown" in esm
    # Sent on release (change), not on every pixel of a drag (input).
    assert 'addEventListener("change"' in esm and "model.save_changes()" in esm


def test_it_is_a_widget_with_the_synced_state_the_front_end_reads():
    slider = FloatValueSlider(value=0.25, min=0.0, max=1.0, step=0.25, description="sd ratio", tooltip="t")
    assert isinstance(slider, ipywidgets.DOMWidget)
    state = slider.get_state()
    for key, value in {"value": 0.25, "min": 0.0, "max": 1.0, "step": 0.25, "description": "sd ratio",
                       "tooltip": "t", "decimals": 2, "disabled": False}.items():
        assert state[key] == value, key


def test_start_must_lie_on_the_steps():
    # 1/3 is not on the steps of 0.05 from 0.05: a browser would show the thumb at 0.35 beside "0.33".
    with pytest.raises(ValueError, match=r"Expected a start on the slider's steps \(min \+ a multiple of step\), "
                                         r"got value=0.3333333333333333 with min=0.05 and step=0.05"):
        FloatValueSlider(value=1 / 3, min=0.05, max=0.95, step=0.05, description="weight")
    assert FloatValueSlider(value=1 / 3, min=0.05, max=0.95, step=1 / 60, description="weight").value == 1 / 3
    assert FloatValueSlider(value=0.35, min=0.05, max=0.95, step=0.05, description="weight").value == 0.35
