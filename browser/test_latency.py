"""How long a reader waits: from a key press on a slider to the new figure painted.

Chapter 0's experiment (the normal curve) runs in JupyterLab in Chromium;
its first slider is moved 20 times with the arrow keys, and each time the
page records when the key went down and when the experiment's output changed
and was painted (the first animation frame after the change). The median
and the worst are printed: a measurement, not a timed assertion (these
machines are shared and noisy); issue 14's target is a median under 100 ms.
"""

import statistics

from conftest import ROOT, offline_context, open_and_run
from emteach import book

CHAPTERS = book.load(ROOT).chapters

MOVES = 20

WATCH = """(handle) => {
    const experiment = handle.closest('.widget-vbox');
    const output = experiment && experiment.querySelector('.widget-output');
    if (!output) return false;
    window.__latency = {down: [], painted: []};
    document.addEventListener('keydown', () => window.__latency.down.push(performance.now()), true);
    new MutationObserver(() => requestAnimationFrame(() => window.__latency.painted.push(performance.now())))
        .observe(output, {subtree: true, childList: true, attributes: true, attributeFilter: ['src']});
    return true;
}"""


def test_slider_to_painted_figure_latency(chromium, deck_lab, capsys):
    base, token = deck_lab
    context, blocked = offline_context(chromium)
    page = context.new_page()
    open_and_run(page, base, token, CHAPTERS[0], "latency")
    handle = page.locator(".jp-NotebookPanel:visible .emteach-slider input[type=range]").first
    handle.scroll_into_view_if_needed()
    assert handle.evaluate(WATCH), "the experiment's output area was not found"
    waits = []
    for move in range(MOVES):
        painted_before = page.evaluate("window.__latency.painted.length")
        handle.focus()
        handle.press("ArrowRight" if move % 2 == 0 else "ArrowLeft")
        page.wait_for_function(f"window.__latency.painted.length > {painted_before}", timeout=30_000)
        page.wait_for_timeout(150)  # let the redraw settle before the next key
        down = page.evaluate("window.__latency.down[window.__latency.down.length - 1]")
        first_paint = page.evaluate(f"window.__latency.painted[{painted_before}]")
        waits.append(first_paint - down)
    context.close()
    assert blocked == []
    assert all(w > 0 for w in waits)
    with capsys.disabled():  # shown in make test-browser's log, which does not pass -s
        print(f"\nslider key press to new figure painted, chapter 0, {MOVES} moves: "
              f"median {statistics.median(waits):.0f} ms, max {max(waits):.0f} ms (target: median < 100 ms)")
