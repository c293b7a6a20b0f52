"""A slider a screen reader can use, for every experiment's numeric controls.

ipywidgets 8.1 draws ``IntSlider`` and ``FloatSlider`` as a noUiSlider
handle (``role=slider``) with the description in a separate label that
nothing ties to the handle, so the accessibility tree gives the slider no
name, and the handle announces its value rounded to one decimal (1/3 is
read as 0.3). Nothing on the Python side can set ``aria-label``.

:class:`ValueSlider` is a small `anywidget <https://anywidget.dev>`_ widget
instead: the browser's own ``<input type="range">`` with a ``<label for>``
that names it, an ``aria-valuetext`` equal to the readout next to it, and the
keyboard, pointer and touch handling that comes with a native control. Like
the book's other sliders it sends a new value on release (the ``change``
event, also fired by each arrow key), not on every pixel of a drag, while
its readout follows the drag. From Python it behaves like an ipywidgets
slider: ``value``, ``min``, ``max``, ``step``, ``description``, ``observe``.
The front end ships inside the anywidget package (a prebuilt JupyterLab
extension), so it works offline and on jupyterlab-deck's slides.
"""

from __future__ import annotations

import anywidget
import traitlets

__all__ = ["ValueSlider", "IntValueSlider", "FloatValueSlider", "readout_decimals"]

_ESM = r"""
function render({ model, el }) {
  const id = `emteach-slider-${Math.random().toString(36).slice(2)}`;
  el.classList.add("emteach-slider");
  const label = document.createElement("label");
  label.htmlFor = id;
  label.className = "emteach-slider-label";
  const input = document.createElement("input");
  input.type = "range";
  input.id = id;
  const readout = document.createElement("output");
  readout.htmlFor = id;
  readout.className = "emteach-slider-readout";
  // The readout is also in the name's aria-valuetext: hidden here so it is not read twice.
  readout.setAttribute("aria-hidden", "true");

  const text = (value) => Number(value).toFixed(model.get("decimals"));
  const show = (value) => {
    const shown = text(value);
    readout.textContent = shown;
    input.setAttribute("aria-valuetext", shown);
  };
  const sync = () => {
    label.textContent = model.get("description");
    input.title = model.get("tooltip");
    input.min = String(model.get("min"));
    input.max = String(model.get("max"));
    input.step = String(model.get("step"));
    input.disabled = model.get("disabled");
    input.value = String(model.get("value"));
    show(model.get("value"));
  };
  // JupyterLab listens for shortcuts on the document (arrow keys move between
  // cells or slides there): the keys a range input uses stay with the input.
  const own = new Set(["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End", "PageUp", "PageDown"]);
  input.addEventListener("keydown", (event) => { if (own.has(event.key)) event.stopPropagation(); });
  input.addEventListener("input", () => show(input.value));
  input.addEventListener("change", () => {
    model.set("value", Number(input.value));
    model.save_changes();
  });
  model.on("change", sync);
  sync();
  el.append(label, input, readout);
  return () => model.off("change", sync);
}

export default { render };
"""

_CSS = """
.emteach-slider { display: flex; align-items: center; gap: 0.6em; margin: 2px 0;
  font-family: var(--jp-ui-font-family); font-size: var(--jp-widgets-font-size, 13px);
  color: var(--jp-widgets-label-color, inherit); }
.emteach-slider-label { white-space: nowrap; }
.emteach-slider input[type=range] { width: 14em; margin: 0; }
.emteach-slider-readout { min-width: 3.5em; font-variant-numeric: tabular-nums; }
"""


def readout_decimals(step, readout_format=None):
    """How many decimals a slider's readout shows.

    Parameters
    ----------
    step : float
        The slider's step.
    readout_format : str, optional
        A format spec such as ``".2f"`` or ``"d"``; by default the step's own
        decimals (0.05 shows two, 0.5 one, 1 none).

    Returns
    -------
    int
    """
    if readout_format is not None:
        if readout_format == "d":
            return 0
        if not (readout_format.startswith(".") and readout_format.endswith("f") and readout_format[1:-1].isdigit()):
            raise ValueError(f"Expected a readout_format like '.2f' or 'd', got {readout_format!r}")
        return int(readout_format[1:-1])
    text = f"{float(step):.10f}".rstrip("0")
    return len(text.split(".")[1])


class ValueSlider(anywidget.AnyWidget):
    """A labelled slider that reads out its value; see the module's docstring.

    Parameters
    ----------
    value, min, max, step : int or float
        As for ipywidgets' sliders; ``value`` is clipped to [min, max].
    description : str
        The visible label, which is also the slider's accessible name.
    readout_format : str, optional
        ``".2f"``, ``"d"``...; by default the step's decimals.
    tooltip : str
        Shown on hover.
    """

    _esm = _ESM
    _css = _CSS
    description = traitlets.Unicode("").tag(sync=True)
    tooltip = traitlets.Unicode("").tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)
    decimals = traitlets.Int(0, min=0, max=10).tag(sync=True)

    def __init__(self, *, value, min, max, step=1, description="", readout_format=None, tooltip="", **kwargs):
        if not min < max:
            raise ValueError(f"Expected min < max, got min={min!r} and max={max!r}")
        if not step > 0:
            raise ValueError(f"Expected a positive step, got {step!r}")
        steps = (value - min) / step
        if abs(steps - round(steps)) > 1e-6:
            # The browser's range input would snap it, and the thumb would disagree with the readout.
            raise ValueError(f"Expected a start on the slider's steps (min + a multiple of step), got value={value!r} "
                             f"with min={min!r} and step={step!r}")
        super().__init__(min=min, max=max, step=step, description=description, tooltip=tooltip,
                         decimals=readout_decimals(step, readout_format), **kwargs)
        self.value = value

    @traitlets.validate("value")
    def _clip(self, proposal):
        return type(proposal["value"])(min(max(proposal["value"], self.min), self.max))


class IntValueSlider(ValueSlider):
    """A :class:`ValueSlider` of integers."""

    value = traitlets.Int(0).tag(sync=True)
    min = traitlets.Int(0).tag(sync=True)
    max = traitlets.Int(100).tag(sync=True)
    step = traitlets.Int(1).tag(sync=True)


class FloatValueSlider(ValueSlider):
    """A :class:`ValueSlider` of floats."""

    value = traitlets.Float(0.0).tag(sync=True)
    min = traitlets.Float(0.0).tag(sync=True)
    max = traitlets.Float(1.0).tag(sync=True)
    step = traitlets.Float(0.1).tag(sync=True)
