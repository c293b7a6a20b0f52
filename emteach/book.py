"""The book's manifest (``book.toml``) and the checks run against it.

``book.toml`` sits at the root of the repository and lists the chapters in
reading order. This module reads it into frozen records, checks that the
notebooks agree with it, and gives the chapters a way to show their own
objectives and estimated time (so those live in one place only).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

try:  # Python 3.11+
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib

MANIFEST = "book.toml"
NOTEBOOK_DIR = "notebooks"
KERNEL_NAME = "python3"
SLIDE_TYPES = ("slide", "subslide", "fragment", "skip", "-", "notes")
MIN_EXERCISES = 3


class BookError(ValueError):
    """A missing or malformed ``book.toml``; the message names file and line."""


@dataclass(frozen=True)
class Chapter:
    """One chapter of the book.

    Attributes
    ----------
    number : int
        Position in reading order, starting at 0.
    file : str
        Path of the notebook, relative to the book's root.
    title : str
        The chapter's title; the notebook's first heading must equal it.
    objectives : tuple of str
        What a reader can do after the chapter.
    minutes : int
        Estimated reading and working time.
    """

    number: int
    file: str
    title: str
    objectives: tuple
    minutes: int

    @property
    def stem(self):
        """The notebook's file name without directory and extension."""
        return Path(self.file).stem


@dataclass(frozen=True)
class Book:
    """The whole manifest: the ``[book]`` table and the chapters in order."""

    root: Path
    title: str
    authors: tuple
    license: str
    description: str
    chapters: tuple

    def chapter(self, key):
        """Return the chapter whose number, file, stem or title is ``key``.

        Raises
        ------
        KeyError
            When no chapter matches.
        """
        for chapter in self.chapters:
            if key in (chapter.number, chapter.file, chapter.stem, chapter.title, Path(chapter.file).name):
                return chapter
        known = ", ".join(chapter.stem for chapter in self.chapters)
        raise KeyError(f"No chapter {key!r} in {MANIFEST}; the chapters are: {known}")

    def toc(self):
        """Return the numbered table of contents as text."""
        lines = [self.title, ""]
        for chapter in self.chapters:
            lines.append(f"{chapter.number:>2}. {chapter.title}  ({chapter.minutes} min)  {chapter.file}")
        total = sum(chapter.minutes for chapter in self.chapters)
        lines += ["", f"{len(self.chapters)} chapters, about {total} minutes in all."]
        return "\n".join(lines)


def find_root(start=None):
    """Return the nearest folder at or above ``start`` that holds ``book.toml``.

    Parameters
    ----------
    start : str or Path, optional
        Where to start looking; the current directory by default. A notebook's
        kernel starts in ``notebooks/``, so the search walks upwards.

    Raises
    ------
    BookError
        When no folder up to the file-system root has a ``book.toml``.
    """
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / MANIFEST).is_file():
            return folder
    raise BookError(f"{MANIFEST}: not found in {here} or any folder above it")


def _header_lines(text, header):
    """Return the 1-based line numbers where ``[[header]]`` tables start."""
    pattern = re.compile(rf"^\s*\[\[\s*{re.escape(header)}\s*\]\]")
    return [i for i, line in enumerate(text.splitlines(), start=1) if pattern.match(line)]


def load(root="."):
    """Read and validate the manifest in ``root``.

    Parameters
    ----------
    root : str or Path
        Folder holding ``book.toml``.

    Returns
    -------
    Book

    Raises
    ------
    BookError
        With ``book.toml:LINE: what is wrong`` for a missing file, invalid
        TOML, a missing or ill-typed field.
    """
    root = Path(root).resolve()
    path = root / MANIFEST
    if not path.is_file():
        raise BookError(f"{path}: not found (expected the book's manifest {MANIFEST} in {root})")
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = getattr(error, "lineno", None)
        message = str(error)
        if line is None:  # Python < 3.14 only puts the position in the message
            found = re.search(r"line (\d+)", message)
            line = int(found.group(1)) if found else "?"
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
        raise BookError(f"{path}:{line}: invalid TOML: {message}") from None

    book = data.get("book")
    if not isinstance(book, dict):
        raise BookError(f"{path}:1: expected a [book] table with title, authors, license and description")
    book_line = next((i for i, l in enumerate(text.splitlines(), 1) if l.strip() == "[book]"), 1)
    for key in ("title", "license", "description"):
        if not isinstance(book.get(key), str) or not book[key].strip():
            raise BookError(f"{path}:{book_line}: [book] needs a non-empty string '{key}'")
    authors = book.get("authors")
    if not isinstance(authors, list) or not authors or not all(isinstance(a, str) for a in authors):
        raise BookError(f"{path}:{book_line}: [book] needs 'authors', a list of names")

    chapters = data.get("chapters")
    if not isinstance(chapters, list) or not chapters:
        raise BookError(f"{path}:1: expected at least one [[chapters]] table")
    starts = _header_lines(text, "chapters")
    parsed = []
    for number, entry in enumerate(chapters):
        line = starts[number] if number < len(starts) else "?"
        where = f"{path}:{line}: chapter {number}"
        if not isinstance(entry.get("file"), str) or not entry["file"].strip():
            raise BookError(f"{where} needs 'file', the notebook's path")
        if not isinstance(entry.get("title"), str) or not entry["title"].strip():
            raise BookError(f"{where} needs 'title', a non-empty string")
        objectives = entry.get("objectives", [])
        if not isinstance(objectives, list) or not all(isinstance(o, str) for o in objectives):
            raise BookError(f"{where}: 'objectives' must be a list of strings, got {objectives!r}")
        minutes = entry.get("minutes")
        if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes <= 0:
            raise BookError(f"{where}: 'minutes' must be a positive whole number, got {minutes!r}")
        parsed.append(Chapter(number, entry["file"], entry["title"], tuple(objectives), minutes))
    return Book(
        root=root,
        title=book["title"],
        authors=tuple(authors),
        license=book["license"],
        description=" ".join(book["description"].split()),
        chapters=tuple(parsed),
    )


def _first_heading(notebook):
    """Return the text of the first Markdown heading in a notebook, or None."""
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        for line in "".join(cell.get("source", "")).splitlines():
            found = re.match(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", line)
            if found:
                return found.group(1)
    return None


def _source(cell):
    """Return a cell's source as one string."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def notebook_problems(path, title, name=None):
    """List what is wrong with one chapter notebook.

    Checks the first heading against ``title``, that the stored outputs come
    from one top-to-bottom run (execution counts 1, 2, 3, ... on every
    non-empty code cell), that no error output is stored, that the kernelspec
    is ``python3``, slide metadata on every cell, and the exercises: at least
    three, each solution folded (source and outputs hidden) and skipped on
    slides, so that neither its code nor its printed answer shows before the
    student tries.

    Parameters
    ----------
    path : Path
        The notebook.
    title : str
        The title the manifest gives it.
    name : str, optional
        How the problems name the notebook; ``path`` by default.

    Returns
    -------
    list of str
        One line per problem, each starting with the notebook's path.
    """
    try:
        notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return [f"{name or path}: cannot be read as a notebook ({error})"]
    path = name or path
    problems = []
    heading = _first_heading(notebook)
    if heading != title:
        problems.append(f"{path}: first heading is {heading!r}, but book.toml's title is {title!r}")
    kernel = notebook.get("metadata", {}).get("kernelspec", {}).get("name")
    if kernel != KERNEL_NAME:
        problems.append(f"{path}: kernelspec is {kernel!r}, expected {KERNEL_NAME!r}")

    code = [c for c in notebook.get("cells", []) if c.get("cell_type") == "code" and _source(c).strip()]
    counts = [c.get("execution_count") for c in code]
    if counts != list(range(1, len(code) + 1)):
        problems.append(
            f"{path}: outputs are not from one top-to-bottom run (execution counts {counts}); "
            "re-run it with `make execute NB=...`"
        )
    for index, cell in enumerate(notebook.get("cells", [])):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                problems.append(f"{path}: cell {index} stores an error ({output.get('ename')}: {output.get('evalue')})")
        slide = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
        if slide not in SLIDE_TYPES:
            problems.append(f"{path}: cell {index} has no slide type (metadata.slideshow.slide_type)")

    exercises = [c for c in notebook.get("cells", []) if "exercise" in c.get("metadata", {}).get("tags", [])]
    solutions = [c for c in notebook.get("cells", []) if "solution" in c.get("metadata", {}).get("tags", [])]
    if len(exercises) < MIN_EXERCISES:
        problems.append(f"{path}: {len(exercises)} cells tagged 'exercise', expected at least {MIN_EXERCISES}")
    if len(solutions) < len(exercises):
        problems.append(f"{path}: {len(exercises)} exercises but only {len(solutions)} cells tagged 'solution'")
    for index, cell in enumerate(notebook.get("cells", [])):
        metadata = cell.get("metadata", {})
        if "solution" not in metadata.get("tags", []):
            continue
        folded = metadata.get("jupyter", {})
        for key in ("source_hidden", "outputs_hidden"):
            if not folded.get(key):
                problems.append(f"{path}: solution cell {index} is not folded (metadata.jupyter.{key})")
        slide = metadata.get("slideshow", {}).get("slide_type")
        if slide != "skip":
            problems.append(f"{path}: solution cell {index} has slide type {slide!r}, expected 'skip'")
    return problems


def check(root="."):
    """List every problem of the book in ``root``; an empty list means none.

    Parameters
    ----------
    root : str or Path
        Folder holding ``book.toml`` and ``notebooks/``.

    Returns
    -------
    list of str

    Raises
    ------
    BookError
        When the manifest itself cannot be read.
    """
    book = load(root)
    problems = []
    seen = {}
    for chapter in book.chapters:
        if chapter.file in seen:
            problems.append(f"{MANIFEST}: {chapter.file} is listed twice (chapters {seen[chapter.file]} and {chapter.number})")
            continue
        seen[chapter.file] = chapter.number
        if not chapter.objectives or any(not o.strip() or o.strip().upper() == "TODO" for o in chapter.objectives):
            problems.append(f"{MANIFEST}: chapter {chapter.number} ({chapter.title}) has no objectives")
        path = book.root / chapter.file
        if not path.is_file():
            problems.append(f"{MANIFEST}: chapter {chapter.number} lists {chapter.file}, which does not exist")
            continue
        problems += notebook_problems(path, chapter.title, name=chapter.file)
    listed = {(book.root / c.file).resolve() for c in book.chapters}
    for notebook in sorted((book.root / NOTEBOOK_DIR).glob("*.ipynb")):
        if notebook.resolve() not in listed:
            problems.append(f"{NOTEBOOK_DIR}/{notebook.name}: not listed in {MANIFEST}")
    return problems


def show_intro(key, root=None):
    """Display a chapter's estimated time and objectives, read from book.toml.

    Call it from the chapter's first code cell: the manifest stays the one
    place where objectives and times are written. It also registers the
    book's alt text for figures (:func:`emteach.plotting.alt.register_alt_text`):
    from then on every matplotlib figure the chapter shows is stored with
    ``output.metadata["image/png"]["alt"]`` made from its titles and axis
    labels, which the static book (``python -m emteach html``) uses.

    Parameters
    ----------
    key : int or str
        Chapter number, notebook stem (``"01_histograms"``) or title.
    root : str or Path, optional
        The book's root; found by walking up from the current folder.
    """
    from IPython.display import Markdown, display

    chapter = load(find_root(root)).chapter(key)
    _register_alt_text()
    display(Markdown(intro_markdown(chapter)))


def _register_alt_text():
    """Register figure alt text if pyplot is already in use (chapters import it first)."""
    import sys

    if "matplotlib.pyplot" in sys.modules:
        from emteach.plotting.alt import register_alt_text

        register_alt_text()


def intro_markdown(chapter):
    """Return the Markdown block of a chapter's time and objectives."""
    lines = [f"**Estimated time:** {chapter.minutes} minutes", "", "**By the end of this chapter you can:**", ""]
    lines += [f"- {objective}" for objective in chapter.objectives]
    return "\n".join(lines)


def show_toc(root=None):
    """Display the book's chapters as a Markdown list (for the welcome chapter)."""
    from IPython.display import Markdown, display

    book = load(find_root(root))
    lines = [f"{c.number}. **{c.title}** ({c.minutes} min): {c.objectives[0] if c.objectives else ''}" for c in book.chapters]
    display(Markdown("\n".join(lines)))
