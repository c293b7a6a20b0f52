"""Chapters presented as slides with jupyterlab-deck, in JupyterLab itself, offline.

jupyterlab-deck presents the open notebook inside the same JupyterLab app,
so the widget manager is the one the notebook already uses and experiments
work on a slide (RISE's separate slideshow app, built against JupyterLab
4.3, fails to load the widget manager with 4.6). Every test runs at
1280x720 with the network cut. Names contain ``slide`` so that
``pytest browser -k slide`` selects them.
"""

import os
from pathlib import Path

from conftest import ROOT, offline_context, open_and_run, stop_deck
from emteach import book

CHAPTERS = book.load(ROOT).chapters
EXPERIMENT_CHAPTER = CHAPTERS[1]   # histograms: a bin-count slider
SOLUTIONS_CHAPTER = CHAPTERS[4]    # the EM chapter: the longest slides, solutions once shown
MIN_BODY_PX = 20

START_AT = """(predicate) => {
    const notebook = window.jupyterapp.shell.currentWidget.content;
    const index = notebook.widgets.findIndex(cell => cell.node.querySelector(predicate) !== null);
    notebook.activeCellIndex = Math.max(index, 0);
    return index;
}"""
PRESENTING = "() => document.body.dataset.jpDeckMode === 'presenting'"


def _shot(page, name):
    if os.environ.get("BROWSER_SHOTS"):
        page.screenshot(path=str(Path(os.environ["BROWSER_SHOTS"]) / name))


def test_slide_experiment_redraws_offline(chromium, deck_lab):
    base, token = deck_lab
    context, blocked = offline_context(chromium)
    page = context.new_page()
    open_and_run(page, base, token, EXPERIMENT_CHAPTER, "slide-experiment")

    index = page.evaluate(START_AT, ".emteach-slider")
    assert index >= 0, "no slider in the chapter after running it"
    page.evaluate("window.jupyterapp.commands.execute('deck:start')")
    page.wait_for_function(PRESENTING, timeout=30_000)
    page.wait_for_timeout(1000)
    slide = page.locator(".jp-deck-mod-visible")
    handle = slide.locator(".emteach-slider input[type=range]").first
    handle.wait_for(state="visible", timeout=30_000)
    output = slide.locator(".widget-output").first
    output.locator("img").first.wait_for(timeout=30_000)
    before = output.inner_text()
    image_before = output.locator("img").first.get_attribute("src")
    _shot(page, "slide_before.png")

    handle.focus()
    handle.press("ArrowRight")
    page.wait_for_function(
        "([el, old, src]) => el.innerText !== old && el.querySelector('img') !== null"
        " && el.querySelector('img').src !== src",
        arg=[output.element_handle(), before, image_before],
        timeout=30_000,
    )
    _shot(page, "slide_after.png")
    # Still presenting, on the same slide: the experiment ran on the slide.
    assert page.evaluate(PRESENTING)
    assert handle.is_visible()

    # Readable on a projector: body text at least 20 px, figures inside the screen.
    sizes = page.evaluate(
        "() => [...document.querySelectorAll('.jp-deck-mod-visible .jp-RenderedMarkdown p, "
        ".jp-deck-mod-visible .widget-label, .jp-deck-mod-visible .emteach-slider-label')].map(p => parseFloat(getComputedStyle(p).fontSize))")
    assert sizes and min(sizes) >= MIN_BODY_PX, sizes
    heights = page.evaluate(
        "() => [...document.querySelectorAll('.jp-deck-mod-visible .jp-OutputArea-output img')]"
        ".map(i => i.getBoundingClientRect().height)")
    assert heights and max(heights) <= 720, heights
    assert blocked == [], f"requests to the network: {blocked[:3]}"
    stop_deck(page)  # deck remembers 'presenting' in the server's settings
    context.close()


def test_slide_deck_never_shows_solutions(chromium, deck_lab):
    base, token = deck_lab
    context, blocked = offline_context(chromium)
    page = context.new_page()
    chapter = SOLUTIONS_CHAPTER
    page.goto(f"{base}/lab/workspaces/slide-solutions/tree/{chapter.file}?reset&token={token}")
    page.locator(".jp-NotebookPanel:visible .jp-MarkdownOutput h1").first.wait_for(timeout=90_000)
    page.evaluate("window.jupyterapp.shell.currentWidget.content.activeCellIndex = 0")
    page.evaluate("window.jupyterapp.commands.execute('deck:start')")
    page.wait_for_function(PRESENTING, timeout=30_000)
    shown_solutions = set()
    seen = []
    for _ in range(200):
        page.wait_for_timeout(250)
        state = page.evaluate("""() => {
            const notebook = window.jupyterapp.shell.currentWidget.content;
            const visible = notebook.widgets.map((c, i) => [c, i]).filter(([c]) => c.node.classList.contains('jp-deck-mod-visible'));
            return {
                active: notebook.activeCellIndex,
                solutions: visible.filter(([c]) => (c.model.getMetadata('tags') || []).includes('solution')).map(([, i]) => i),
                font: visible.flatMap(([c]) => [...c.node.querySelectorAll('.jp-RenderedMarkdown p')])
                             .map(p => parseFloat(getComputedStyle(p).fontSize)),
            };
        }""")
        shown_solutions.update(state["solutions"])
        assert all(size >= MIN_BODY_PX for size in state["font"]), state["font"]
        if seen and state["active"] == seen[-1]:
            break
        seen.append(state["active"])
        page.evaluate("window.jupyterapp.commands.execute('deck:forward')")
    assert len(seen) > 5, "the deck did not advance"
    assert shown_solutions == set(), f"solution cells shown on slides: {sorted(shown_solutions)}"
    assert blocked == []
    stop_deck(page)
    context.close()
