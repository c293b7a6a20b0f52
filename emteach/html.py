"""The book as a static web site that reads offline: ``python -m emteach html``.

Builds ``build/html/`` from the notebooks' STORED outputs (nothing is
re-executed): ``index.html`` with the book's title, description and chapters
(objectives and minutes from ``book.toml``), and one page per chapter named
after its notebook (``01_histograms.html``) with previous/next links.

Offline by construction:

- maths is typeset in the browser by a local MathJax 2.7 copied from the
  ``jupyter-server-mathjax`` package into ``_static/mathjax``, with the HTML-CSS
  output and its STIX-Web fonts (woff files beside the pages);
- no require.js, no widget manager and no Mermaid script are referenced;
- a widget experiment's output is replaced by one line saying how to run it
  live (its static ``*_figure`` cell beside it stays);
- exercises' solutions are folded in a closed ``<details>``;
- every figure carries alt text: the ``alt`` that
  :func:`emteach.plotting.alt.register_alt_text` stores in the output's
  metadata, or, for outputs stored before it, a description naming the
  chapter and section.

No maths here: this is book management, like :mod:`emteach.book`.
"""

from __future__ import annotations

import copy
import html
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from emteach import book as _book

OUT_DIR = Path("build") / "html"
STATIC = "_static"
MATHJAX_DIR = f"{STATIC}/mathjax"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
LIVE_NOTE = (
    "Interactive experiment: run this chapter live to move its controls "
    "(<code>make lab</code>, or <code>python -m emteach lab</code>); "
    "the static figure next to it shows the same experiment."
)
SOLUTION_SUMMARY = "Solution (try the exercise first)"
# MathJax sub-folders the pages need (the package's combined configuration
# TeX-AMS-MML_HTMLorMML-full holds the TeX input and the HTML-CSS output; its
# STIX-Web fonts in woff); other font formats and localization/ (English is
# built in) are left out.
MATHJAX_PARTS = ("MathJax.js", "LICENSE", "config", "extensions", "fonts/HTML-CSS/STIX-Web/woff", "jax")

_PAGE_TEMPLATE = r"""{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_js_mathjax -%}
<script type="text/x-mathjax-config">
MathJax.Hub.Config({
  TeX: {equationNumbers: {autoNumber: "AMS", useLabelIds: true}},
  tex2jax: {inlineMath: [['$', '$'], ['\\(', '\\)']], displayMath: [['$$', '$$'], ['\\[', '\\]']],
            processEscapes: true, processEnvironments: true},
  "HTML-CSS": {linebreaks: {automatic: true}, availableFonts: ["STIX-Web"], preferredFont: "STIX-Web", webFont: "STIX-Web", imageFont: null},
  displayAlign: "center", messageStyle: "none", showMathMenu: false
});
</script>
<script src="{{ resources.mathjax_url }}"></script>
<style>
  .emteach-nav { display: flex; justify-content: space-between; gap: 1em; max-width: 1100px;
                 margin: 0.5em auto; padding: 0.5em 1em; font-size: 1rem; font-family: sans-serif; }
  details.emteach-solution { border: 1px solid #bbb; border-radius: 4px; margin: 0.5em 0 0.5em 4.5em; padding: 0.3em 0.6em; }
  details.emteach-solution > summary { cursor: pointer; font-weight: bold; }
  .emteach-live { border-left: 4px solid #0072B2; padding: 0.3em 0.8em; background: #f3f7fb; }
</style>
{%- endblock html_head_js_mathjax -%}
{% block any_cell %}
{%- if 'solution' in cell.metadata.get('tags', []) -%}
<details class="emteach-solution"><summary>""" + SOLUTION_SUMMARY + r"""</summary>
{{ super() }}
</details>
{%- else -%}
{{ super() }}
{%- endif -%}
{% endblock any_cell %}
{% block data_png scoped %}
<div class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}">
<img src="data:image/png;base64,{{ output.data['image/png'] | escape_html }}" alt="{{ (output | get_metadata('alt', 'image/png')) | escape_html }}">
</div>
{%- endblock data_png %}
"""


@dataclass(frozen=True)
class Page:
    """One written page: the chapter it shows and its file name in the site."""

    chapter: _book.Chapter
    name: str


def page_name(chapter):
    """Return a chapter's page file name: its notebook's stem plus ``.html``."""
    return f"{chapter.stem}.html"


def _headings(source):
    """Yield the text of each Markdown heading in ``source``."""
    for line in source.splitlines():
        found = re.match(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", line)
        if found:
            yield re.sub(r"[*_`$\\]", "", found.group(1)).strip()


def prepare(notebook, chapter):
    """Return a copy of ``notebook`` ready for the static page.

    Widget views become one line saying how to run the experiment live, the
    saved widget state is dropped (nothing on the page loads a widget
    manager), solutions are unfolded inside their ``<details>`` (the template
    folds them), and an image without ``alt`` metadata gets one naming the
    chapter and section it belongs to.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        The stored notebook; it is not changed.
    chapter : emteach.book.Chapter

    Returns
    -------
    nbformat.NotebookNode
    """
    import nbformat

    notebook = copy.deepcopy(notebook)
    notebook.metadata.pop("widgets", None)
    section = chapter.title
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for heading in _headings(cell.source):
                section = heading
            continue
        if cell.cell_type != "code":
            continue
        cell.metadata.pop("jupyter", None)  # a folded solution opens inside its <details>
        outputs = []
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_MIME in data:
                outputs.append(nbformat.v4.new_output(
                    "display_data", data={"text/html": f'<p class="emteach-live">{LIVE_NOTE}</p>'}))
                continue
            if "image/png" in data:
                metadata = output.setdefault("metadata", {}).setdefault("image/png", {})
                if not str(metadata.get("alt", "")).strip():
                    metadata["alt"] = f"Figure from chapter {chapter.number}, {chapter.title}: section {section}"
            outputs.append(output)
        if "outputs" in cell:
            cell.outputs = outputs
    return notebook


def _nav(manifest, index):
    """Return the previous / contents / next links of chapter ``index``."""
    chapters = manifest.chapters
    links = []
    if index > 0:
        before = chapters[index - 1]
        links.append(f'<a rel="prev" href="{page_name(before)}">&larr; {before.number}. {html.escape(before.title)}</a>')
    else:
        links.append("<span></span>")
    links.append('<a href="index.html">Contents</a>')
    if index + 1 < len(chapters):
        after = chapters[index + 1]
        links.append(f'<a rel="next" href="{page_name(after)}">{after.number}. {html.escape(after.title)} &rarr;</a>')
    else:
        links.append("<span></span>")
    return f'<nav class="emteach-nav" aria-label="Chapters">{"".join(links)}</nav>'


def chapter_page(manifest, index, mathjax_url=f"{MATHJAX_DIR}/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full"):
    """Return the HTML of chapter ``index``, converted from its stored outputs.

    Parameters
    ----------
    manifest : emteach.book.Book
    index : int
        Position of the chapter in ``manifest.chapters``.
    mathjax_url : str
        Where the page loads MathJax from (relative to the page).

    Returns
    -------
    str
    """
    import jinja2
    import nbformat
    from nbconvert import HTMLExporter

    chapter = manifest.chapters[index]
    notebook = nbformat.read(str(manifest.root / chapter.file), as_version=4)
    exporter = HTMLExporter(
        template_name="lab",
        template_file="emteach_page.html.j2",
        extra_loaders=[jinja2.DictLoader({"emteach_page.html.j2": _PAGE_TEMPLATE})],
        mathjax_url=mathjax_url,
    )
    resources = {"metadata": {"name": f"{chapter.number}. {chapter.title} - {manifest.title}"}}
    body, _ = exporter.from_notebook_node(prepare(notebook, chapter), resources=resources)
    nav = _nav(manifest, index)
    body = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + "\n" + nav, body, count=1)
    return body.replace("</body>", nav + "\n</body>", 1)


def index_page(manifest):
    """Return the HTML of the site's front page: title, description and chapters."""
    items = []
    for chapter in manifest.chapters:
        objectives = "".join(f"<li>{html.escape(o)}</li>" for o in chapter.objectives)
        items.append(
            f'<li class="chapter"><h2><a href="{page_name(chapter)}">{chapter.number}. {html.escape(chapter.title)}</a></h2>'
            f'<p class="minutes">About {chapter.minutes} minutes</p><ul class="objectives">{objectives}</ul></li>'
        )
    total = sum(c.minutes for c in manifest.chapters)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{html.escape(manifest.title)}</title>
<style>
  body {{ font-family: sans-serif; max-width: 52em; margin: 2em auto; padding: 0 1em; line-height: 1.5; color: #222; }}
  ol.chapters {{ list-style: none; padding: 0; }}
  li.chapter h2 {{ margin-bottom: 0.1em; font-size: 1.3em; }}
  p.minutes {{ margin: 0; color: #555; }}
</style>
</head>
<body>
<main>
<h1>{html.escape(manifest.title)}</h1>
<p class="description">{html.escape(manifest.description)}</p>
<p>{len(manifest.chapters)} chapters, about {total} minutes in all. {", ".join(html.escape(a) for a in manifest.authors)}; {html.escape(manifest.license)} licence.
These pages show the stored results; to move the experiments and check your answers, run the chapters in JupyterLab (<code>make lab</code>).</p>
<ol class="chapters">
{"".join(items)}
</ol>
</main>
</body>
</html>
"""


def copy_mathjax(target):
    """Copy the parts of MathJax 2.7 the pages use into ``target``.

    The copy comes from the ``jupyter-server-mathjax`` package (Jupyter's own
    packaging of MathJax, installed with the book), so nothing is downloaded.
    """
    try:
        import jupyter_server_mathjax
    except ImportError:
        raise _book.BookError(
            "the static book needs MathJax from the package jupyter-server-mathjax: "
            "pip install jupyter-server-mathjax (or `make html`, which installs it)"
        ) from None
    source = Path(jupyter_server_mathjax.__file__).parent / "static"
    target = Path(target)
    if target.exists():
        shutil.rmtree(target)
    for part in MATHJAX_PARTS:
        origin = source / part
        destination = target / part
        destination.parent.mkdir(parents=True, exist_ok=True)
        if origin.is_dir():
            shutil.copytree(origin, destination)
        else:
            shutil.copy2(origin, destination)


def build(root=".", out=None):
    """Build the static site; return the pages written.

    Parameters
    ----------
    root : str or Path
        The book's root (holding ``book.toml``).
    out : str or Path, optional
        Output folder; ``ROOT/build/html`` by default.

    Returns
    -------
    list of Path
        ``index.html`` first, then one page per chapter in reading order.

    Raises
    ------
    emteach.book.BookError
        When the manifest or a chapter's notebook cannot be read.
    """
    manifest = _book.load(root)
    out = Path(out) if out is not None else manifest.root / OUT_DIR
    out.mkdir(parents=True, exist_ok=True)
    for chapter in manifest.chapters:
        if not (manifest.root / chapter.file).is_file():
            raise _book.BookError(f"{chapter.file}: listed in {_book.MANIFEST} but not found")
    copy_mathjax(out / MATHJAX_DIR)
    written = [out / "index.html"]
    written[0].write_text(index_page(manifest), encoding="utf-8")
    for index, chapter in enumerate(manifest.chapters):
        path = out / page_name(chapter)
        path.write_text(chapter_page(manifest, index), encoding="utf-8")
        written.append(path)
    return written
