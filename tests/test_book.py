"""Tests of emteach.book and the command line (python -m emteach)."""

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from emteach import book
from emteach.__main__ import lab_command, main

ROOT = Path(__file__).resolve().parents[1]

MANIFEST = """\
[book]
title = "A tiny book"
authors = ["A. Author"]
license = "MIT"
description = "Two chapters for the tests."

[[chapters]]
file = "notebooks/00_intro.ipynb"
title = "Intro"
minutes = 5
objectives = ["Read a chapter."]

[[chapters]]
file = "notebooks/01_more.ipynb"
title = "More"
minutes = 10
objectives = ["Read another chapter."]
"""


FOLDED = {"source_hidden": True, "outputs_hidden": True}


def _notebook(title, *, counts=(1, 2), n_exercises=3, error=False, kernel="python3", collapsed=FOLDED,
              solution_slide="skip"):
    """A small chapter notebook that passes every check unless told otherwise."""
    slide = {"slideshow": {"slide_type": "slide"}}
    cells = [nbformat.v4.new_markdown_cell(f"# {title}\n\nText.", metadata=dict(slide))]
    for count in counts:
        cell = nbformat.v4.new_code_cell("x = 1", metadata=dict(slide))
        cell.execution_count = count
        cells.append(cell)
    for _ in range(n_exercises):
        cells.append(nbformat.v4.new_markdown_cell("### Exercise", metadata={**slide, "tags": ["exercise"]}))
        solution = nbformat.v4.new_code_cell(
            "y = 2",
            metadata={"slideshow": {"slide_type": solution_slide}, "tags": ["solution"], "jupyter": dict(collapsed)},
        )
        cells.append(solution)
    if error:
        cells[1].outputs = [nbformat.v4.new_output("error", ename="NameError", evalue="x", traceback=[])]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": kernel, "display_name": "Python 3", "language": "python"}
    return notebook


def _fix_counts(notebook):
    """Number the code cells 1, 2, ... as one top-to-bottom run would."""
    code = [c for c in notebook.cells if c.cell_type == "code"]
    for count, cell in enumerate(code, start=1):
        cell.execution_count = count
    return notebook


@pytest.fixture
def tiny_book(tmp_path):
    (tmp_path / "book.toml").write_text(MANIFEST)
    (tmp_path / "notebooks").mkdir()
    nbformat.write(_fix_counts(_notebook("Intro")), tmp_path / "notebooks/00_intro.ipynb")
    nbformat.write(_fix_counts(_notebook("More")), tmp_path / "notebooks/01_more.ipynb")
    return tmp_path


def test_load_reads_the_manifest_in_order(tiny_book):
    manifest = book.load(tiny_book)
    assert manifest.title == "A tiny book"
    assert [c.title for c in manifest.chapters] == ["Intro", "More"]
    assert [c.number for c in manifest.chapters] == [0, 1]
    assert manifest.chapter("01_more").minutes == 10
    assert manifest.chapter(1).objectives == ("Read another chapter.",)


def test_unknown_chapter_names_the_known_ones(tiny_book):
    with pytest.raises(KeyError, match="00_intro, 01_more"):
        book.load(tiny_book).chapter("99_nothing")


def test_toc_numbers_the_chapters(tiny_book):
    toc = book.load(tiny_book).toc()
    assert " 0. Intro  (5 min)" in toc
    assert " 1. More  (10 min)" in toc
    assert "2 chapters, about 15 minutes in all." in toc


def test_a_consistent_book_has_no_problems(tiny_book):
    assert book.check(tiny_book) == []


def test_unlisted_notebook_is_reported(tiny_book):
    nbformat.write(_fix_counts(_notebook("Stray")), tiny_book / "notebooks/02_stray.ipynb")
    assert book.check(tiny_book) == ["notebooks/02_stray.ipynb: not listed in book.toml"]


def test_missing_and_twice_listed_files_are_reported(tiny_book):
    extra = '\n[[chapters]]\nfile = "notebooks/09_gone.ipynb"\ntitle = "Gone"\nminutes = 1\nobjectives = ["x"]\n'
    text = MANIFEST.replace("01_more", "00_intro") + extra
    (tiny_book / "book.toml").write_text(text)
    problems = book.check(tiny_book)
    assert any("notebooks/00_intro.ipynb is listed twice" in p for p in problems)
    assert any("notebooks/09_gone.ipynb, which does not exist" in p for p in problems)
    assert any("notebooks/01_more.ipynb: not listed" in p for p in problems)


@pytest.mark.parametrize(
    "notebook, expected",
    [
        (_notebook("Wrong title"), "first heading is 'Wrong title', but book.toml's title is 'More'"),
        (_notebook("More", counts=(2, 1)), "outputs are not from one top-to-bottom run"),
        (_notebook("More", counts=(1, None)), "outputs are not from one top-to-bottom run"),
        (_fix_counts(_notebook("More", error=True)), "stores an error (NameError: x)"),
        (_fix_counts(_notebook("More", kernel="julia")), "kernelspec is 'julia', expected 'python3'"),
        (_fix_counts(_notebook("More", n_exercises=2)), "2 cells tagged 'exercise', expected at least 3"),
        (_fix_counts(_notebook("More", collapsed={})), "is not folded (metadata.jupyter.source_hidden)"),
        # Near miss: the code is folded but its printed answer still shows under the exercise.
        (_fix_counts(_notebook("More", collapsed={"source_hidden": True})),
         "solution cell 4 is not folded (metadata.jupyter.outputs_hidden)"),
        (_fix_counts(_notebook("More", collapsed={"source_hidden": True, "outputs_hidden": False})),
         "is not folded (metadata.jupyter.outputs_hidden)"),
        (_fix_counts(_notebook("More", solution_slide="fragment")), "has slide type 'fragment', expected 'skip'"),
    ],
)
def test_notebook_problems_are_named(tiny_book, notebook, expected):
    nbformat.write(notebook, tiny_book / "notebooks/01_more.ipynb")
    problems = book.check(tiny_book)
    assert any(expected in p and p.startswith("notebooks/01_more.ipynb") for p in problems), problems


def test_cell_without_slide_type_is_reported(tiny_book):
    notebook = _fix_counts(_notebook("More"))
    del notebook.cells[1].metadata["slideshow"]
    nbformat.write(notebook, tiny_book / "notebooks/01_more.ipynb")
    assert book.check(tiny_book) == ["notebooks/01_more.ipynb: cell 1 has no slide type (metadata.slideshow.slide_type)"]


def test_chapter_without_objectives_is_reported(tiny_book):
    (tiny_book / "book.toml").write_text(MANIFEST.replace('["Read another chapter."]', "[]"))
    assert book.check(tiny_book) == ["book.toml: chapter 1 (More) has no objectives"]


@pytest.mark.parametrize("objectives", ['["TODO"]', '["Read.", "todo "]', '["   "]', '["Read.", ""]'])
def test_placeholder_objectives_are_reported(tiny_book, objectives):
    (tiny_book / "book.toml").write_text(MANIFEST.replace('["Read another chapter."]', objectives))
    assert book.check(tiny_book) == ["book.toml: chapter 1 (More) has no objectives"]


def test_an_objective_that_mentions_todo_is_real(tiny_book):
    # near miss: "TODO" inside a real sentence is not a placeholder
    (tiny_book / "book.toml").write_text(MANIFEST.replace('["Read another chapter."]', '["Write a TODO list."]'))
    assert book.check(tiny_book) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        (MANIFEST.replace('title = "More"', 'title = "More'), r"book.toml:15: invalid TOML"),
        (MANIFEST.replace('title = "More"\n', ""), r"book.toml:13: chapter 1 needs 'title'"),
        (MANIFEST.replace("minutes = 10", 'minutes = "ten"'), r"book.toml:13: chapter 1: 'minutes' must be a positive whole number, got 'ten'"),
        (MANIFEST.replace('objectives = ["Read a chapter."]', 'objectives = "Read"'), r"book.toml:7: chapter 0: 'objectives' must be a list of strings"),
        (MANIFEST.replace('license = "MIT"\n', ""), r"book.toml:1: \[book\] needs a non-empty string 'license'"),
        (MANIFEST.split("[[chapters]]")[0], r"book.toml:1: expected at least one \[\[chapters\]\] table"),
    ],
)
def test_malformed_manifest_names_file_and_line(tmp_path, text, expected):
    (tmp_path / "book.toml").write_text(text)
    with pytest.raises(book.BookError, match=expected):
        book.load(tmp_path)


def test_missing_manifest(tmp_path):
    with pytest.raises(book.BookError, match=r"book.toml: not found"):
        book.load(tmp_path)
    with pytest.raises(book.BookError, match="not found in"):
        book.find_root(tmp_path)


def test_find_root_walks_up_from_the_notebooks_folder(tiny_book):
    assert book.find_root(tiny_book / "notebooks") == tiny_book.resolve()


def test_intro_markdown_lists_time_and_objectives(tiny_book):
    text = book.intro_markdown(book.load(tiny_book).chapter(0))
    assert text.startswith("**Estimated time:** 5 minutes")
    assert "- Read a chapter." in text


def test_cli_check_exits_0_on_a_good_book_and_1_listing_problems(tiny_book, capsys):
    assert main(["check", str(tiny_book)]) == 0
    assert "OK: 2 chapters" in capsys.readouterr().out
    nbformat.write(_fix_counts(_notebook("Stray")), tiny_book / "notebooks/02_stray.ipynb")
    assert main(["check", str(tiny_book)]) == 1
    out = capsys.readouterr().out
    assert "1 problem(s)" in out
    assert "notebooks/02_stray.ipynb: not listed in book.toml" in out


def test_cli_reports_a_broken_manifest_in_one_line(tmp_path):
    (tmp_path / "book.toml").write_text("[book\n")
    result = subprocess.run(
        [sys.executable, "-m", "emteach", "toc", str(tmp_path)], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "book.toml:1: invalid TOML" in lines[0]


def test_cli_toc(tiny_book, capsys):
    assert main(["toc", str(tiny_book)]) == 0
    assert " 1. More  (10 min)  notebooks/01_more.ipynb" in capsys.readouterr().out


def test_lab_command_opens_the_first_chapter_and_passes_arguments(tiny_book):
    command = lab_command(tiny_book, ["--no-browser", "--port", "8899"], book_mode=True)
    assert command[:3] == [sys.executable, "-m", "jupyterlab"]
    assert "--LabApp.default_url=/lab/tree/notebooks/00_intro.ipynb" in command
    assert command[-3:] == ["--no-browser", "--port", "8899"]


def test_console_script_is_declared():
    text = (ROOT / "pyproject.toml").read_text()
    assert 'emteach = "emteach.__main__:main"' in text


def test_the_book_itself_passes_its_check():
    assert book.check(ROOT) == []


def test_cli_lab_passes_unknown_arguments_to_jupyter(tiny_book, monkeypatch, capsys):
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tiny_book / "jupyter-data"))  # the copies' signatures
    calls = []
    monkeypatch.setattr("emteach.__main__.subprocess.call", lambda command, cwd: calls.append((command, cwd)) or 0)
    assert main(["lab", "--root", str(tiny_book), "--no-browser", "--port", "8899"]) == 0
    command, cwd = calls[0]
    assert command[-3:] == ["--no-browser", "--port", "8899"]
    assert cwd == tiny_book.resolve()
    assert command[-4] == "--LabApp.default_url=/lab/tree/00_intro.ipynb"  # the reader's copy in workspace/
    assert "Starting JupyterLab" in capsys.readouterr().out


def test_cli_other_commands_refuse_unknown_options(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["toc", "--bogus"])
    assert stop.value.code == 2
    assert "unrecognized arguments: --bogus" in capsys.readouterr().err


# A reader's mistakes on the command line: one line, non-zero exit, no traceback.

def _run_cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "emteach", *args], capture_output=True, text=True, cwd=cwd)


def test_cli_without_arguments_prints_the_help(tmp_path):
    result = _run_cli(cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout.startswith("usage: emteach")
    for command in ("lab", "status", "reset", "update", "new", "execute", "check", "toc"):
        assert f"    {command} " in result.stdout


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("missing.ipynb", None, "missing.ipynb: no such file"),
        ("folder", "FOLDER", "folder: is a folder; give notebook files"),
        ("text.ipynb", "hello, not JSON", "text.ipynb: is not a notebook (not JSON)"),
        ("empty.ipynb", "", "empty.ipynb: is not a notebook (not JSON)"),
        ("list.ipynb", "[]", "list.ipynb: is not a valid notebook"),
        ("cells.ipynb", '{"cells": 3}', "cells.ipynb: is not a valid notebook"),
        ("half.ipynb", '{"nbformat": 4, "nbformat_minor": 5, "cells": []}', "half.ipynb: is not a valid notebook"),
    ],
)
def test_cli_execute_of_a_bad_path_is_one_line(tmp_path, name, content, message):
    if content == "FOLDER":
        (tmp_path / name).mkdir()
    elif content is not None:
        (tmp_path / name).write_text(content)
    result = _run_cli("execute", name, cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"emteach: {message}"), result.stderr
    if content not in (None, "FOLDER"):
        assert (tmp_path / name).read_text() == content  # never rewritten


@pytest.mark.parametrize(
    "args, message",
    [
        (("reset", "12"), "emteach: no chapter '12' in book.toml"),
        (("reset", "--root", "{root}", "nothing"), "emteach: no chapter 'nothing' in book.toml"),
        (("frobnicate",), "emteach: argument COMMAND: invalid choice: 'frobnicate'"),
        (("execute",), "emteach execute: the following arguments are required: notebooks"),
        (("new",), "emteach new: the following arguments are required: title"),
    ],
)
def test_cli_other_mistakes_are_one_line(tiny_book, args, message):
    result = _run_cli(*(a.format(root=tiny_book) for a in args), cwd=tiny_book)
    assert result.returncode in (1, 2)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), result.stderr


def test_cli_execute_exits_1_when_a_cell_fails_and_keeps_the_notebook(tmp_path):
    good = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(6 * 7)")])
    bad = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("raise ValueError('planted')")])
    for notebook in (good, bad):
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(good, tmp_path / "good.ipynb")
    nbformat.write(bad, tmp_path / "bad.ipynb")
    stored = (tmp_path / "bad.ipynb").read_text()
    result = _run_cli("execute", "bad.ipynb", "good.ipynb", cwd=tmp_path)
    assert result.returncode == 1
    assert "emteach: bad.ipynb: a cell failed; the notebook was not rewritten." in result.stderr
    assert "ValueError: planted" in result.stderr
    assert (tmp_path / "bad.ipynb").read_text() == stored
    # The other notebook still ran and stored its output.
    ran = nbformat.read(tmp_path / "good.ipynb", as_version=4)
    assert ran.cells[0].execution_count == 1 and ran.cells[0].outputs[0].text == "42\n"
