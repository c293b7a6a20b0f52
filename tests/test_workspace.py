"""Tests of emteach.workspace: the reader's copies, their states, reset and update.

Every test works on a tiny book in ``tmp_path`` (never the real
``workspace/`` or ``notebooks/``), with Jupyter's signature database moved
there too. Expected states are set up by hand: the test edits a copy or the
book's notebook itself and says which state that must give.
"""

import hashlib
import json
from pathlib import Path

import nbformat
import pytest
from nbformat.sign import NotebookNotary

from emteach import workspace
from emteach.__main__ import lab_command, main

MANIFEST = """\
[book]
title = "A tiny book"
authors = ["A. Author"]
license = "MIT"
description = "Three chapters for the tests."

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

[[chapters]]
file = "notebooks/02_last.ipynb"
title = "Last"
minutes = 10
objectives = ["Finish."]
"""

NAMES = ("00_intro.ipynb", "01_more.ipynb", "02_last.ipynb")


def _write_chapter(path, title, text="x = 1"):
    cells = [
        nbformat.v4.new_markdown_cell(f"# {title}", metadata={"slideshow": {"slide_type": "slide"}}),
        nbformat.v4.new_code_cell(text, metadata={"slideshow": {"slide_type": "-"}}),
    ]
    cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), str(path))


def _sha(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _edit(path, line="# my own note"):
    """Change a notebook's first code cell, as a reader would, and save it."""
    notebook = nbformat.read(str(path), as_version=4)
    notebook.cells[1].source = line + "\n" + notebook.cells[1].source
    nbformat.write(notebook, str(path))


@pytest.fixture(autouse=True)
def _own_signature_database(tmp_path, monkeypatch):
    """Keep the notary's database (trusted notebooks) out of the user's data folder."""
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "jupyter-data"))


@pytest.fixture
def tiny(tmp_path):
    root = tmp_path / "book"
    (root / "notebooks").mkdir(parents=True)
    (root / "book.toml").write_text(MANIFEST)
    for name, title in zip(NAMES, ("Intro", "More", "Last")):
        _write_chapter(root / "notebooks" / name, title)
    return root


def _states(root):
    return [s.state for s in workspace.status(root)]


def test_prepare_copies_every_chapter_and_leaves_the_book_alone(tiny):
    before = {name: _sha(tiny / "notebooks" / name) for name in NAMES}
    assert _states(tiny) == ["missing"] * 3
    states = workspace.prepare(tiny)
    assert [s.state for s in states] == ["unchanged"] * 3
    for name in NAMES:
        copy = tiny / "workspace" / name
        assert copy.read_bytes() == (tiny / "notebooks" / name).read_bytes()
        assert _sha(tiny / "notebooks" / name) == before[name]
    record = json.loads((tiny / "workspace" / workspace.RECORD).read_text())
    assert record["copies"]["01_more.ipynb"]["source"] == "notebooks/01_more.ipynb"
    # The recorded hash is of the notebook's content (here computed independently).
    content = json.loads((tiny / "notebooks/01_more.ipynb").read_text())
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    assert record["copies"]["01_more.ipynb"]["source_hash"] == "sha256:" + hashlib.sha256(canonical).hexdigest()


def test_copies_are_trusted_and_the_book_is_not_signed(tiny):
    workspace.prepare(tiny)
    notary = NotebookNotary()
    try:
        for name in NAMES:
            assert notary.check_signature(nbformat.read(str(tiny / "workspace" / name), as_version=4))
        # Signing is recorded in the database, not in the file: the copy is byte-identical.
        assert (tiny / "workspace" / NAMES[0]).read_bytes() == (tiny / "notebooks" / NAMES[0]).read_bytes()
    finally:
        notary.store.close()


def test_prepare_keeps_edited_copies_and_copies_a_chapter_added_later(tiny):
    workspace.prepare(tiny)
    _edit(tiny / "workspace/01_more.ipynb")
    edited = (tiny / "workspace/01_more.ipynb").read_bytes()
    (tiny / "workspace/02_last.ipynb").unlink()
    states = workspace.prepare(tiny)
    assert [s.state for s in states] == ["unchanged", "edited", "unchanged"]
    assert (tiny / "workspace/01_more.ipynb").read_bytes() == edited
    assert (tiny / "workspace/02_last.ipynb").exists()


@pytest.mark.parametrize(
    "change, expected",
    [
        ("nothing", "unchanged"),
        ("copy", "edited"),
        ("book", "newer"),
        ("copy and book", "both"),
        ("reformat copy", "unchanged"),  # JupyterLab re-saving the same content is not an edit
    ],
)
def test_status_tells_the_four_states_apart(tiny, change, expected):
    workspace.prepare(tiny)
    copy, source = tiny / "workspace/01_more.ipynb", tiny / "notebooks/01_more.ipynb"
    if "copy" in change and "reformat" not in change:
        _edit(copy)
    if "book" in change:
        _edit(source, "# the book's new version")
    if change == "reformat copy":
        copy.write_text(json.dumps(json.loads(copy.read_text()), indent=4))
    assert _states(tiny) == ["unchanged", expected, "unchanged"]


def test_status_lines_say_what_to_run_next(tiny):
    workspace.prepare(tiny)
    _edit(tiny / "workspace/01_more.ipynb")
    _edit(tiny / "notebooks/02_last.ipynb")
    lines = [s.line() for s in workspace.status(tiny)]
    assert lines[0].split() == ["0", "00_intro.ipynb", "unchanged"]
    assert "edited by you" in lines[1] and "reset 1" in lines[1]
    assert "newer in the book" in lines[2] and "emteach update" in lines[2]


def test_a_copy_without_a_record_counts_as_the_readers(tiny):
    workspace.prepare(tiny)
    (tiny / "workspace" / workspace.RECORD).write_text("{ damaged")
    _edit(tiny / "workspace/01_more.ipynb")
    # Equal to the book: unchanged; different and unknown origin: kept as the reader's.
    assert _states(tiny) == ["unchanged", "edited", "unchanged"]
    assert workspace.update(tiny)[0].startswith("0 chapter(s) brought in")


def test_a_chapter_whose_notebook_is_not_in_the_book_yet(tiny):
    (tiny / "notebooks/02_last.ipynb").unlink()
    workspace.prepare(tiny)
    assert _states(tiny) == ["unchanged", "unchanged", "absent"]
    with pytest.raises(workspace.WorkspaceError, match="notebooks/02_last.ipynb: not in the book"):
        workspace.reset(tiny, ["2"])


def test_reset_restores_the_chapter_and_keeps_the_edited_copy(tiny):
    workspace.prepare(tiny)
    copy = tiny / "workspace/01_more.ipynb"
    _edit(copy)
    edited = copy.read_bytes()
    lines = workspace.reset(tiny, ["1"])
    assert copy.read_bytes() == (tiny / "notebooks/01_more.ipynb").read_bytes()
    backups = list((tiny / "workspace" / workspace.BACKUP_DIR).glob("01_more.*.ipynb"))
    assert len(backups) == 1 and backups[0].read_bytes() == edited
    assert f"kept as workspace/backups/{backups[0].name}" in lines[0]
    assert _states(tiny) == ["unchanged"] * 3


def test_reset_twice_in_a_row_never_overwrites_a_backup(tiny):
    workspace.prepare(tiny)
    copy = tiny / "workspace/01_more.ipynb"
    contents = []
    for note in ("# first try", "# second try", "# third try"):
        _edit(copy, note)
        contents.append(copy.read_bytes())
        workspace.reset(tiny, ["01_more"])
    backups = sorted((tiny / "workspace" / workspace.BACKUP_DIR).iterdir())
    assert sorted(b.read_bytes() for b in backups) == sorted(contents)


@pytest.mark.parametrize("key", ["1", 1, "01_more", "01_more.ipynb", "notebooks/01_more.ipynb", "workspace/01_more.ipynb", "More"])
def test_reset_accepts_a_number_or_a_file_name(tiny, key):
    workspace.prepare(tiny)
    _edit(tiny / "workspace/01_more.ipynb")
    workspace.reset(tiny, [key])
    assert _states(tiny) == ["unchanged"] * 3


@pytest.mark.parametrize("key", ["3", "99", "01_mor", "chapter one"])
def test_reset_of_an_unknown_chapter_changes_nothing(tiny, key):
    workspace.prepare(tiny)
    _edit(tiny / "workspace/01_more.ipynb")
    edited = (tiny / "workspace/01_more.ipynb").read_bytes()
    with pytest.raises(workspace.WorkspaceError, match=rf"no chapter '{key}' in book.toml: give a number from 0 to 2"):
        workspace.reset(tiny, ["1", key])
    assert (tiny / "workspace/01_more.ipynb").read_bytes() == edited
    assert not (tiny / "workspace" / workspace.BACKUP_DIR).exists()


def test_reset_all_backs_up_only_what_differs(tiny):
    workspace.prepare(tiny)
    _edit(tiny / "workspace/00_intro.ipynb")
    _edit(tiny / "workspace/02_last.ipynb")
    lines = workspace.reset(tiny, all_chapters=True)
    assert "already the book's version" in lines[1]
    backups = sorted(p.name.split(".")[0] for p in (tiny / "workspace" / workspace.BACKUP_DIR).iterdir())
    assert backups == ["00_intro", "02_last"]
    assert _states(tiny) == ["unchanged"] * 3


def test_update_brings_in_new_versions_and_leaves_edited_ones(tiny):
    workspace.prepare(tiny)
    _edit(tiny / "notebooks/00_intro.ipynb", "# new in the book")  # newer, not edited
    _edit(tiny / "notebooks/01_more.ipynb", "# new in the book")  # newer, and edited
    _edit(tiny / "workspace/01_more.ipynb", "# mine")
    mine = (tiny / "workspace/01_more.ipynb").read_bytes()
    (tiny / "workspace/02_last.ipynb").unlink()  # missing: copied
    lines = workspace.update(tiny)
    assert lines[0] == " 0  00_intro.ipynb: updated to the book's new version"
    assert "01_more.ipynb: newer in the book, but edited by you, so left as it is" in lines[1]
    assert "reset 1" in lines[1]
    assert lines[2] == " 2  02_last.ipynb: copied in"
    assert lines[3].startswith("2 chapter(s) brought in, 1 newer in the book but edited by you")
    assert (tiny / "workspace/00_intro.ipynb").read_bytes() == (tiny / "notebooks/00_intro.ipynb").read_bytes()
    assert (tiny / "workspace/01_more.ipynb").read_bytes() == mine
    assert _states(tiny) == ["unchanged", "both", "unchanged"]
    # The reader decides: reset takes the new version and keeps theirs.
    workspace.reset(tiny, ["1"])
    assert _states(tiny) == ["unchanged"] * 3
    assert [p.read_bytes() for p in (tiny / "workspace/backups").iterdir()] == [mine]


def test_cli_status_reset_update(tiny, capsys):
    assert main(["status", "--root", str(tiny)]) == 0
    assert "not copied yet" in capsys.readouterr().out
    assert main(["update", "--root", str(tiny)]) == 0
    assert "3 chapter(s) brought in" in capsys.readouterr().out
    _edit(tiny / "workspace/01_more.ipynb")
    assert main(["status", "--root", str(tiny)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"Your copies in {tiny / 'workspace'}:"
    assert out[2].split()[:5] == ["1", "01_more.ipynb", "edited", "by", "you"]
    assert main(["reset", "1", "--root", str(tiny)]) == 0
    assert "reset to the book's version; your copy is kept as workspace/backups/" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["reset", "7"], "emteach: no chapter '7' in book.toml: give a number from 0 to 2"),
        (["reset"], "emteach: say which chapter to reset: `python -m emteach reset 1`, or `reset --all`"),
    ],
)
def test_cli_reset_mistakes_are_one_line(tiny, capsys, argv, message):
    assert main([*argv, "--root", str(tiny)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1


def test_lab_opens_the_workspace_and_book_mode_opens_the_book(tiny, monkeypatch, capsys):
    calls = []
    monkeypatch.setattr("emteach.__main__.subprocess.call", lambda command, cwd: calls.append(command) or 0)
    assert main(["lab", "--root", str(tiny), "--no-browser"]) == 0
    assert f"--ServerApp.root_dir={tiny.resolve() / 'workspace'}" in calls[0]
    assert "--LabApp.default_url=/lab/tree/00_intro.ipynb" in calls[0]
    assert calls[0][-1] == "--no-browser"
    assert _states(tiny) == ["unchanged"] * 3  # the copies were made before JupyterLab starts
    assert "Your copies of the chapters are in workspace/" in capsys.readouterr().out

    assert main(["lab", "--book", "--root", str(tiny)]) == 0
    assert f"--ServerApp.root_dir={tiny.resolve()}" in calls[1]
    assert "--LabApp.default_url=/lab/tree/notebooks/00_intro.ipynb" in calls[1]
    assert "changes the book" in capsys.readouterr().out


def test_lab_says_when_chapters_are_newer_in_the_book(tiny, monkeypatch, capsys):
    monkeypatch.setattr("emteach.__main__.subprocess.call", lambda command, cwd: 0)
    workspace.prepare(tiny)
    _edit(tiny / "notebooks/02_last.ipynb", "# new")
    main(["lab", "--root", str(tiny)])
    assert "Chapter(s) 2 are newer in the book" in capsys.readouterr().out


def test_lab_command_serves_the_workspace(tiny):
    command = lab_command(tiny, [])
    assert command[-2:] == [f"--ServerApp.root_dir={tiny.resolve() / 'workspace'}", "--LabApp.default_url=/lab/tree/00_intro.ipynb"]


def test_workspace_is_ignored_by_git():
    root = Path(__file__).resolve().parents[1]
    assert "workspace/" in (root / ".gitignore").read_text().splitlines()
