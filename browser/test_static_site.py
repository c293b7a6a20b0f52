"""The static book (``python -m emteach html``) read from ``file://`` with the network cut.

For every chapter page: no request leaves the machine, the maths is typeset
by the local MathJax (HTML-CSS output; no raw ``$$`` or ``\\frac`` left in the text), every
image has alt text, every solution sits in a closed ``<details>``, and each
widget experiment is replaced by a line saying how to run it live.
"""

import re

import pytest

from conftest import ROOT, offline_context
from emteach import book, html

CHAPTERS = book.load(ROOT).chapters
RAW_LATEX = re.compile(r"\$\$|\\frac|\\mathcal|\\theta|\\sum|\\mid")


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "html"
    html.build(ROOT, out)
    return out


def test_static_index_lists_chapters(chromium, site):
    context, blocked = offline_context(chromium)
    page = context.new_page()
    page.goto((site / "index.html").as_uri())
    manifest = book.load(ROOT)
    assert page.locator("h1").inner_text() == manifest.title
    links = page.locator("li.chapter h2 a")
    assert links.count() == len(CHAPTERS)
    for i, chapter in enumerate(CHAPTERS):
        assert links.nth(i).get_attribute("href") == f"{chapter.stem}.html"
        assert f"{chapter.minutes} minutes" in page.locator("li.chapter").nth(i).inner_text()
    assert blocked == []
    context.close()


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.stem for c in CHAPTERS])
def test_static_chapter_page_offline(chromium, site, chapter):
    context, blocked = offline_context(chromium)
    page = context.new_page()
    page.goto((site / f"{chapter.stem}.html").as_uri())
    # MathJax done: its queue empty and SVG maths on the page.
    page.wait_for_function(
        "() => window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0 && MathJax.Hub.queue.running === 0"
        " && document.querySelectorAll('.MathJax').length > 0",
        timeout=120_000,
    )
    assert page.locator("h1").first.inner_text().replace("¶", "").strip() == chapter.title
    text = page.locator(".jp-MarkdownOutput").all_inner_texts()
    raw = [t for t in text if RAW_LATEX.search(t)]
    assert raw == [], f"raw LaTeX left untypeset: {raw[:2]}"
    assert page.locator(".MathJax, .MathJax_Display").count() > 0
    assert page.locator(".MathJax .merror, .MathJax_Display .merror, .MathJax_Error").count() == 0, \
        "a TeX error or a [Math Processing Error] in the maths"
    assert "Math Processing Error" not in page.locator("body").inner_text()

    images = page.locator("img")
    assert images.count() > 0
    alts = [images.nth(i).get_attribute("alt") or "" for i in range(images.count())]
    assert all(a.strip() for a in alts), "an image without alt text"

    solutions = page.locator("details.emteach-solution")
    assert solutions.count() >= book.MIN_EXERCISES
    assert page.locator("details.emteach-solution[open]").count() == 0
    # A folded solution's code is not visible until opened.
    assert not solutions.first.locator(".jp-Cell").first.is_visible()

    assert page.locator(".widget-output, .jupyter-widgets").count() == 0
    assert page.locator(".emteach-live").count() >= 1
    nav = page.locator("nav.emteach-nav").first
    index = chapter.number
    if index > 0:
        assert nav.locator("a[rel=prev]").get_attribute("href") == f"{CHAPTERS[index - 1].stem}.html"
    if index + 1 < len(CHAPTERS):
        assert nav.locator("a[rel=next]").get_attribute("href") == f"{CHAPTERS[index + 1].stem}.html"
    page.wait_for_load_state("networkidle")
    assert blocked == [], f"requests to the network: {blocked[:3]}"
    context.close()
