"""Time the redraws of the chapters' widget experiments against a fresh figure.

Run from the repository root:

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_widgets.py

For every experiment of chapters 0-5 (built with no arguments), each control
is moved 20 times (sliders over their range, menus through their options,
check boxes toggled, buttons pressed) and every move is timed: the callback
runs at once, headless, so the time is the kernel's cost of one redraw,
PNG included. The baseline, measured in the same run, is the time to draw
one fresh small figure (one axes, a 30-bin histogram, a curve, title, axis
labels and legend) and encode it as PNG, the way every redraw used to work.
The target is an experiment median at most 0.6 times the baseline.

``--module PATH`` times the experiments of one other widgets file that
defines them all, e.g. the single ``emteach/widgets/core.py`` of a commit
before the package was split by topic, for a before/after table.
See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import statistics
import sys
import time

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from emteach.widgets._slider import IntValueSlider, ValueSlider

EXPERIMENTS = ("normal_curve_explorer", "histogram_explorer", "likelihood_explorer",
               "overlap_explorer", "em_stepper", "gmm_stepper")
MOVES = 20


def load(path):
    """Import a widgets module, the package's by default."""
    if path is None:
        import emteach.widgets
        return emteach.widgets
    spec = importlib.util.spec_from_file_location("widgets_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def baseline_ms(repeats=MOVES):
    """Median time (ms) to draw one fresh small figure and encode it as PNG."""
    rng = np.random.default_rng(0)
    heights, edges = np.histogram(rng.standard_normal(2000), bins=30, density=True)
    grid = np.linspace(-4, 4, 400)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fig = Figure(figsize=(6.4, 3.6), dpi=80)
        ax = fig.subplots()
        ax.stairs(heights, edges, fill=True, alpha=0.6, label="histogram")
        ax.plot(grid, np.exp(-grid**2 / 2) / np.sqrt(2 * np.pi), label="density")
        ax.set_title("A fresh figure")
        ax.set_xlabel("x")
        ax.set_ylabel("density")
        ax.legend(frameon=False)
        fig.savefig(io.BytesIO(), format="png", dpi=80)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def moves_of(control):
    """Return up to MOVES callables, each one move of ``control``."""
    if isinstance(control, widgets.Button):
        return [control.click] * MOVES
    if isinstance(control, widgets.Checkbox):
        return [lambda: setattr(control, "value", not control.value)] * MOVES
    if hasattr(control, "options") and not isinstance(control, widgets.Button):
        values = [value for value in _option_values(control)]
        if len(values) < 2:
            return []
        start = values.index(control.value)
        return [(lambda v: lambda: setattr(control, "value", v))(values[(start + i + 1) % len(values)])
                for i in range(MOVES)]
    if isinstance(control, widgets.FloatLogSlider):
        exponents = np.linspace(control.min, control.max, MOVES // 2)
        values = [control.base ** e for e in np.concatenate([exponents, exponents[::-1]])]
    elif isinstance(control, (widgets.IntSlider, IntValueSlider)):
        # Distinct neighbours only: a move to the same value would redraw nothing.
        span = list(range(control.min, control.max + 1, control.step))
        cycle = span[1:] + span[::-1][1:-1] + [control.min] if len(span) > 1 else []
        values = (cycle * MOVES)[:MOVES]
    elif hasattr(control, "min") and hasattr(control, "max"):
        values = np.linspace(control.min, control.max, MOVES // 2 + 1)[1:]
        values = np.concatenate([values, values[::-1][1:], [control.min]])
    else:
        return []
    return [(lambda v: lambda: setattr(control, "value", v))(value) for value in values[:MOVES]]


def _option_values(control):
    options = control.options
    if isinstance(options, dict):
        return list(options.values())
    return [o[1] if isinstance(o, tuple) else o for o in options]


def time_experiment(module, name):
    """Return {control: [ms per move that redrew]} for one experiment.

    Controls that only set up the next action (a run cap, a number of
    starts) redraw nothing when moved; such moves are not counted.
    """
    experiment = getattr(module, name)()
    out = module.output_of(experiment)
    results = {}
    for description, control in module.controls_of(experiment).items():
        if not isinstance(control, (widgets.ValueWidget, widgets.Button, ValueSlider)) or control.layout.display == "none":
            continue
        times = []
        for move in moves_of(control):
            shown = out.outputs
            start = time.perf_counter()
            move()
            elapsed = 1000 * (time.perf_counter() - start)
            if out.outputs is not shown:
                times.append(elapsed)
        if times:
            results[description] = times
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", help="path of a single-file widgets module (e.g. an old widgets/core.py) to time instead of the package")
    parser.add_argument("--only", nargs="*", default=EXPERIMENTS, help="experiments to time")
    args = parser.parse_args(argv)
    module = load(args.module)
    print(f"{'experiment':24s} {'control':22s} {'moves':>5s} {'median ms':>10s} {'max ms':>8s} {'ratio':>6s}")
    summary = []
    for name in args.only:
        # The machine's load drifts: the baseline is measured just before and just after each experiment.
        before = baseline_ms(MOVES // 2)
        results = time_experiment(module, name)
        base = (before + baseline_ms(MOVES // 2)) / 2
        for description, times in results.items():
            median = statistics.median(times)
            print(f"{name:24s} {description[:22]:22s} {len(times):5d} {median:10.1f} {max(times):8.1f} "
                  f"{median / base:6.2f}")
        every = [t for times in results.values() for t in times]
        summary.append((name, len(every), statistics.median(every), max(every), base))
    print()
    print("baseline: one fresh small figure drawn and encoded as PNG, measured around each experiment")
    print(f"{'experiment':24s} {'moves':>5s} {'median ms':>10s} {'max ms':>8s} {'baseline ms':>12s} "
          f"{'median/baseline':>16s}")
    for name, count, median, worst, base in summary:
        print(f"{name:24s} {count:5d} {median:10.1f} {worst:8.1f} {base:12.1f} {median / base:16.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
