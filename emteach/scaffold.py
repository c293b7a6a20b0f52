"""``emteach new "Title"``: a new chapter with the book's required structure.

It writes ``notebooks/NN_slug.ipynb`` (NN the next chapter number) and
appends its ``[[chapters]]`` entry to ``book.toml``. The notebook has every
part ``emteach check`` and CURRICULUM.md ask for, as placeholders to replace:
the title, the set-up cell that shows the objectives from ``book.toml``, a
section that explains and then computes with an ``assert``, a figure, three
exercises each with an answer cell, a self-check and a folded worked
solution, and a summary. Once executed (``make execute NB=...``) it passes
``emteach check``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from emteach import book

#: Slide types by the role a cell plays (CONTRIBUTING.md).
SLIDE, SUBSLIDE, FRAGMENT, SKIP = "slide", "subslide", "fragment", "skip"


def slug(title):
    """Return a file-name stem for a title: lower case ASCII words joined by ``_``.

    >>> slug("When EM struggles!")
    'when_em_struggles'
    """
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())
    return "_".join(words)[:40].rstrip("_") or "chapter"


def _toml_string(text):
    """Return ``text`` as a TOML basic string (JSON's escapes are valid TOML)."""
    return json.dumps(text, ensure_ascii=False)


def _cell(kind, source, slide, tags=(), hidden=False):
    import nbformat

    metadata = {"slideshow": {"slide_type": slide}}
    if tags:
        metadata["tags"] = list(tags)
    if hidden:
        metadata["jupyter"] = {"source_hidden": True, "outputs_hidden": True}
    make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
    return make(source, metadata=metadata)


def chapter_notebook(title, stem):
    """Return the scaffold notebook of a chapter titled ``title``.

    Parameters
    ----------
    title : str
        The chapter's title; the first heading.
    stem : str
        The notebook's file name without ``.ipynb`` (``show_intro`` finds the
        chapter's objectives in ``book.toml`` by it).

    Returns
    -------
    nbformat.NotebookNode
    """
    import nbformat

    cells = [
        _cell("markdown", f"# {title}\n\n"
              "Say in a paragraph what question this chapter answers and how it follows from the one before.",
              SLIDE),
        _cell("code", "import numpy as np\nimport matplotlib.pyplot as plt\n\n"
              "from emteach import book, checks, plotting\n\n"
              "SEED = 2026  # every random draw in a chapter comes from this seed\n"
              "rng = np.random.default_rng(SEED)\n\n"
              f'book.show_intro("{stem}")', SKIP),
        _cell("markdown", "## The first idea\n\n"
              "Explain the idea before any cell computes it. Write the maths with the code's names: "
              "the sample mean $\\bar x = \\frac{1}{n} \\sum_{i=1}^{n} x_i$ is `x.mean()`.", SLIDE),
        _cell("code", "x = rng.normal(loc=1.0, scale=2.0, size=200)  # replace with the chapter's data\n"
              'print(f"{x.size} points, sample mean {x.mean():.3f}")\n'
              "# Every fact the prose states is asserted, so a wrong claim fails the build.\n"
              "assert abs(x.mean() - 1.0) < 0.5", FRAGMENT),
        _cell("markdown", "A figure with a title, axis labels and a legend. A widget experiment from "
              "`emteach.widgets` goes beside a static figure like this one.", FRAGMENT),
        _cell("code", "fig, ax = plt.subplots(figsize=(6, 3.5))\n"
              'ax.hist(x, bins=20, density=True, color=plotting.PALETTE[0], alpha=0.6, label="sample")\n'
              'plotting.label_axes(ax, title="The sample", xlabel="$x$", ylabel="density")\n'
              "plt.show()", FRAGMENT),
        _cell("markdown", "## Exercises", SLIDE),
    ]
    for number in range(1, book.MIN_EXERCISES + 1):
        cells += [
            _cell("markdown", f"### Exercise {number}: a name for it\n\n"
                  "Ask one question the reader can answer with a few lines of code. "
                  "This placeholder asks for the sample mean of `x`.", SUBSLIDE, tags=["exercise"]),
            _cell("code", f"answer_{number} = None  # replace None with your answer\n"
                  f'checks.check_close(answer_{number}, x.mean(), name="the sample mean")', FRAGMENT),
            _cell("code", f"answer_{number} = x.sum() / x.size\n"
                  f'assert checks.check_close(answer_{number}, x.mean(), name="the sample mean")',
                  SKIP, tags=["solution"], hidden=True),
        ]
    cells.append(_cell("markdown", "## Summary\n\n- What the reader can now do, one line per objective.", SLIDE))
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": book.KERNEL_NAME, "display_name": "Python 3 (ipykernel)", "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    return notebook


def manifest_entry(file, title, minutes):
    """Return the ``[[chapters]]`` table of a new chapter, as TOML text."""
    return (
        "\n[[chapters]]\n"
        f"file = {_toml_string(file)}\n"
        f"title = {_toml_string(title)}\n"
        f"minutes = {int(minutes)}\n"
        "objectives = [\n"
        '    "Replace this with what a reader can do after the chapter, one objective a line.",\n'
        "]\n"
    )


def new_chapter(root, title, minutes=30):
    """Write a new chapter's notebook and append its entry to ``book.toml``.

    Parameters
    ----------
    root : str or Path
        The book's root.
    title : str
        The chapter's title.
    minutes : int
        Estimated reading and working time.

    Returns
    -------
    book.Chapter
        The new chapter as ``book.toml`` now lists it.

    Raises
    ------
    book.BookError
        For an empty title, a title or file the book already has, or a
        non-positive time; nothing is written then.
    """
    import nbformat

    title = " ".join(str(title).split())
    if not title:
        raise book.BookError('a chapter needs a title: python -m emteach new "Title of the chapter"')
    if not isinstance(minutes, int) or minutes <= 0:
        raise book.BookError(f"minutes must be a positive whole number, got {minutes!r}")
    manifest = book.load(root)
    if any(chapter.title == title for chapter in manifest.chapters):
        raise book.BookError(f"{book.MANIFEST} already has a chapter titled {title!r}")
    number = len(manifest.chapters)
    stem = f"{number:02d}_{slug(title)}"
    file = f"{book.NOTEBOOK_DIR}/{stem}.ipynb"
    path = manifest.root / file
    if path.exists():
        raise book.BookError(f"{file} already exists; pick another title or add it to {book.MANIFEST} by hand")
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(chapter_notebook(title, stem), str(path))
    manifest_path = manifest.root / book.MANIFEST
    text = manifest_path.read_text(encoding="utf-8")
    manifest_path.write_text(text.rstrip("\n") + "\n" + manifest_entry(file, title, minutes), encoding="utf-8")
    return book.load(manifest.root).chapter(number)
