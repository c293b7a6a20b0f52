"""Tests of emteach.scaffold (``python -m emteach new "Title"``) on a tiny book in tmp_path."""

import json

import nbformat
import pytest

from emteach import book, scaffold
from emteach.__main__ import execute_notebook, main

MANIFEST = """\
[book]
title = "A tiny book"
authors = ["A. Author"]
license = "MIT"
description = "One chapter for the tests."

[[chapters]]
file = "notebooks/00_intro.ipynb"
title = "Intro"
minutes = 5
objectives = ["Read a chapter."]
"""


@pytest.fixture
def tiny(tmp_path):
    (tmp_path / "book.toml").write_text(MANIFEST)
    (tmp_path / "notebooks").mkdir()
    return tmp_path


@pytest.mark.parametrize(
    "title, expected",
    [("When EM struggles", "when_em_struggles"), ("Mixtures: a \"quoted\" title — ok?", "mixtures_a_quoted_title_ok"),
     ("Élan & café", "elan_cafe"), ("!!!", "chapter")],
)
def test_slug(title, expected):
    assert scaffold.slug(title) == expected


def test_new_writes_the_notebook_and_its_manifest_entry(tiny, capsys):
    title = 'Hidden "states" — a first look'
    assert main(["new", title, "--minutes", "25", "--root", str(tiny)]) == 0
    out = capsys.readouterr().out
    assert "wrote notebooks/01_hidden_states_a_first_look.ipynb and its entry (chapter 1)" in out
    chapter = book.load(tiny).chapter(1)
    assert (chapter.file, chapter.title, chapter.minutes) == ("notebooks/01_hidden_states_a_first_look.ipynb", title, 25)
    assert chapter.objectives and "TODO" not in chapter.objectives[0]
    # The earlier text of book.toml is kept as it was.
    assert (tiny / "book.toml").read_text().startswith(MANIFEST)

    notebook = json.loads((tiny / chapter.file).read_text())
    cells = notebook["cells"]
    assert "".join(cells[0]["source"]).splitlines()[0] == f"# {title}"
    assert 'book.show_intro("01_hidden_states_a_first_look")' in "".join(cells[1]["source"])
    assert all(c["metadata"]["slideshow"]["slide_type"] in book.SLIDE_TYPES for c in cells)
    exercises = [c for c in cells if "exercise" in c["metadata"].get("tags", [])]
    solutions = [c for c in cells if "solution" in c["metadata"].get("tags", [])]
    assert len(exercises) == len(solutions) == book.MIN_EXERCISES
    for solution in solutions:
        assert solution["metadata"]["jupyter"] == {"source_hidden": True, "outputs_hidden": True}
        assert solution["metadata"]["slideshow"]["slide_type"] == "skip"
    assert "".join(cells[-1]["source"]).startswith("## Summary")
    # Not executed yet: check says so, and only that.
    problems = book.check(tiny)
    assert problems and all("re-run it with `make execute" in p or "00_intro" in p for p in problems)


def test_new_chapter_passes_check_once_executed(tiny):
    chapter = scaffold.new_chapter(tiny, "A new chapter")
    execute_notebook(tiny / chapter.file, timeout=120)
    assert book.notebook_problems(tiny / chapter.file, chapter.title) == []
    executed = nbformat.read(tiny / chapter.file, as_version=4)
    text = "".join(o.get("text", "") for c in executed.cells if c.cell_type == "code" for o in c.outputs)
    assert "No answer yet" in text and "❌" not in text


@pytest.mark.parametrize(
    "title, message",
    [("   ", "a chapter needs a title"), ("Intro", "already has a chapter titled 'Intro'")],
)
def test_new_refuses_in_one_line(tiny, capsys, title, message):
    before = (tiny / "book.toml").read_text()
    assert main(["new", title, "--root", str(tiny)]) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert (tiny / "book.toml").read_text() == before


def test_new_never_overwrites_a_notebook(tiny):
    (tiny / "notebooks/01_taken.ipynb").write_text("mine")
    with pytest.raises(book.BookError, match="notebooks/01_taken.ipynb already exists"):
        scaffold.new_chapter(tiny, "Taken")
    assert (tiny / "notebooks/01_taken.ipynb").read_text() == "mine"
