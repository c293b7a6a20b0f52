"""Command line of the book: ``python -m emteach COMMAND``.

Readers use ``lab`` (JupyterLab on their own copies in ``workspace/``),
``status``, ``reset`` and ``update``; authors use ``lab --book``, ``new``,
``execute``, ``check`` and ``toc``. A reader's mistake (a missing file, an
unknown chapter) is reported in one line, with a non-zero exit status and no
traceback.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

from emteach import book, workspace

USAGE_EXIT = 2


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line naming the help to read."""

    def error(self, message):
        self.exit(USAGE_EXIT, f"{self.prog}: {message} (see `python -m {self.prog} --help`)\n")


def _toc(args):
    print(book.load(args.root).toc())
    return 0


def _check(args):
    problems = book.check(args.root)
    if problems:
        print(f"{len(problems)} problem(s) in the book at {Path(args.root).resolve()}:")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    manifest = book.load(args.root)
    print(f"OK: {len(manifest.chapters)} chapters, all notebooks listed, executed and consistent with {book.MANIFEST}.")
    return 0


def lab_command(root, extra, *, book_mode=False):
    """Return the command that opens JupyterLab on the first chapter.

    Parameters
    ----------
    root : Path
        The book's root.
    extra : list of str
        Arguments passed through to ``jupyter lab``.
    book_mode : bool
        Serve the book itself (``notebooks/``, for authors) instead of the
        reader's copies in ``workspace/``.

    Returns
    -------
    list of str
    """
    root = Path(root).resolve()
    first = book.load(root).chapters[0]
    if book_mode:
        served, opened = root, first.file
    else:
        served, opened = workspace.workspace_dir(root), Path(first.file).name
    return [
        sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={served}",
        f"--LabApp.default_url=/lab/tree/{opened}", *extra,
    ]


def _lab(args):
    root = book.find_root(args.root)
    if args.book:
        print(f"Opening the book itself ({book.NOTEBOOK_DIR}/): what you save there changes the book.")
    else:
        states = workspace.prepare(root)
        newer = [s.chapter.number for s in states if s.state in (workspace.NEWER, workspace.BOTH)]
        print(f"Your copies of the chapters are in {workspace.WORKSPACE_DIR}/; {book.NOTEBOOK_DIR}/ stays as the book ships it.")
        if newer:
            listed = ", ".join(str(n) for n in newer)
            print(f"Chapter(s) {listed} are newer in the book: `python -m emteach status` says what to do.")
    command = lab_command(root, args.jupyter_args, book_mode=args.book)
    print("Starting JupyterLab (Ctrl+C to stop)")
    try:
        return subprocess.call(command, cwd=root)
    except KeyboardInterrupt:
        return 0


def _status(args):
    root = book.find_root(args.root)
    states = workspace.status(root)
    print(f"Your copies in {workspace.workspace_dir(root)}:")
    name_width = max(len(s.copy.name) for s in states)
    state_width = max(len(workspace.ADVICE[s.state][0]) for s in states)
    for state in states:
        print(state.line(name_width, state_width))
    return 0


def _reset(args):
    root = book.find_root(args.root)
    if not args.all and not args.chapters:
        raise workspace.WorkspaceError("say which chapter to reset: `python -m emteach reset 1`, or `reset --all`")
    for line in workspace.reset(root, args.chapters, all_chapters=args.all):
        print(line)
    return 0


def _update(args):
    for line in workspace.update(book.find_root(args.root)):
        print(line)
    return 0


def _html(args):
    import time

    from emteach import html

    root = book.find_root(args.root)
    start = time.perf_counter()
    pages = html.build(root, args.out)
    out = pages[0].parent
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    print(f"wrote {len(pages)} pages to {out} ({size / 1e6:.1f} MB, {time.perf_counter() - start:.0f} s); "
          f"open {pages[0]} in a browser (works offline)")
    return 0


def _new(args):
    from emteach import scaffold

    root = book.find_root(args.root)
    chapter = scaffold.new_chapter(root, args.title, minutes=args.minutes)
    print(f"wrote {chapter.file} and its entry (chapter {chapter.number}) in {book.MANIFEST}")
    print(f"next: write it, then `make execute NB={chapter.file}`, `make test`; CONTRIBUTING.md lists every step")
    return 0


def read_notebook(path):
    """Read a notebook to execute, or raise BookError saying in one line why not.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    nbformat.NotebookNode
    """
    import nbformat

    path = Path(path)
    if not path.exists():
        raise book.BookError(f"{path}: no such file (`python -m emteach toc` lists the chapters' notebooks)")
    if path.is_dir():
        raise book.BookError(f"{path}: is a folder; give notebook files, e.g. {path}/*.ipynb")
    restore = "restore it with `git checkout -- FILE`, or `python -m emteach reset N` for your copy"
    try:
        notebook = nbformat.read(str(path), as_version=4)
    except nbformat.reader.NotJSONError:
        raise book.BookError(f"{path}: is not a notebook (not JSON); {restore}") from None
    except OSError as error:
        raise book.BookError(f"{path}: cannot be read ({error.strerror or error})") from None
    except Exception as error:  # noqa: BLE001 - nbformat raises many kinds for a damaged notebook
        raise book.BookError(f"{path}: is not a valid notebook ({_first_line(error)}); {restore}") from None
    try:
        nbformat.validate(notebook)
    except nbformat.ValidationError as error:
        raise book.BookError(f"{path}: is not a valid notebook ({_first_line(error)}); {restore}") from None
    return notebook


def _first_line(error):
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def execute_notebook(path, timeout=600):
    """Run a notebook top to bottom in a fresh kernel and store its outputs.

    Parameters
    ----------
    path : str or Path
        The notebook; it is rewritten in place only when every cell ran.
    timeout : int
        Seconds one cell may take.

    Raises
    ------
    book.BookError
        When the file is missing, a folder, or not a valid notebook.
    nbclient.exceptions.CellExecutionError
        When a cell fails.
    """
    import nbformat
    from nbconvert.preprocessors import ExecutePreprocessor

    path = Path(path)
    notebook = read_notebook(path)
    env_backend = os.environ.pop("MPLBACKEND", None)  # would change the stored figures
    try:
        ExecutePreprocessor(timeout=timeout, kernel_name=book.KERNEL_NAME).preprocess(
            notebook, {"metadata": {"path": str(path.parent)}}
        )
    finally:
        if env_backend is not None:
            os.environ["MPLBACKEND"] = env_backend
    nbformat.write(notebook, str(path))


def _execute(args):
    from nbclient.exceptions import CellExecutionError

    failed = 0
    for path in args.notebooks:
        try:
            read_notebook(path)
        except book.BookError as error:
            failed += 1
            print(f"emteach: {error}", file=sys.stderr)
            continue
        print(f"executing {path}")
        try:
            execute_notebook(path)
        except CellExecutionError as error:
            failed += 1
            plain = re.sub(r"\x1b\[[0-9;]*m", "", str(error))  # the kernel's colours, unreadable in a log
            print(f"emteach: {path}: a cell failed; the notebook was not rewritten.\n{plain}", file=sys.stderr)
        except Exception as error:  # noqa: BLE001 - a dead kernel or a timeout: say so in one line
            failed += 1
            print(f"emteach: {path}: could not be run ({type(error).__name__}: {_first_line(error)}); "
                  "the notebook was not rewritten", file=sys.stderr)
    return 1 if failed else 0


def _parser():
    parser = _Parser(
        prog="emteach",
        description="The EM textbook's command line. Readers: `lab` opens your own copies of the chapters "
        "(in workspace/), `status`, `reset` and `update` manage them. Authors: `lab --book`, `new`, "
        "`execute`, `check`, `toc`.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def root_option(sub):
        sub.add_argument("--root", default=None, help="the book's folder (default: found from here upwards)")

    lab = commands.add_parser(
        "lab", help="open your copies of the chapters (workspace/) in JupyterLab; --book opens the book itself",
        epilog="Any other arguments go to jupyter lab, e.g. --no-browser --port 8899.",
    )
    root_option(lab)
    lab.add_argument("--book", action="store_true",
                     help="open notebooks/ itself, for authors: what you save there changes the book")
    lab.set_defaults(run=_lab)

    status = commands.add_parser("status", help="one line per chapter: unchanged, edited by you, or newer in the book")
    root_option(status)
    status.set_defaults(run=_status)

    reset = commands.add_parser("reset", help="start chapters over from the book; your copy is kept in workspace/backups/")
    reset.add_argument("chapters", nargs="*", metavar="CHAPTER", help="chapter number or notebook name, e.g. 1 or 01_histograms")
    reset.add_argument("--all", action="store_true", help="reset every chapter")
    root_option(reset)
    reset.set_defaults(run=_reset)

    update = commands.add_parser("update", help="after `git pull`: bring in chapters that are newer in the book and that you did not edit")
    root_option(update)
    update.set_defaults(run=_update)

    toc = commands.add_parser("toc", help="print the numbered table of contents from book.toml")
    toc.add_argument("root", nargs="?", default=".", help="folder holding book.toml (default: here)")
    toc.set_defaults(run=_toc)

    check = commands.add_parser("check", help="check the notebooks against book.toml; exit 1 listing problems")
    check.add_argument("root", nargs="?", default=".", help="folder holding book.toml (default: here)")
    check.set_defaults(run=_check)

    execute = commands.add_parser("execute", help="run notebooks top to bottom in a fresh kernel, storing outputs")
    execute.add_argument("notebooks", nargs="+", help="notebook files")
    execute.set_defaults(run=_execute)

    new = commands.add_parser("new", help='start a new chapter: writes notebooks/NN_title.ipynb and its book.toml entry')
    new.add_argument("title", help="the chapter's title, in quotes")
    new.add_argument("--minutes", type=int, default=30, help="estimated time (default: 30)")
    root_option(new)
    new.set_defaults(run=_new)
    html = commands.add_parser("html", help="build the static book in build/html/ from the stored outputs (reads offline)")
    html.add_argument("--out", default=None, help="output folder (default: build/html in the book's root)")
    root_option(html)
    html.set_defaults(run=_html)
    return parser


def main(argv=None):
    """Run the command line; return the exit status."""
    parser = _parser()
    # `lab` passes what it does not know to JupyterLab; the others take no extras.
    args, extra = parser.parse_known_args(argv)
    if args.command is None:
        parser.print_help()
        return USAGE_EXIT
    if args.command == "lab":
        args.jupyter_args = extra
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return args.run(args)
    except book.BookError as error:
        print(f"emteach: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `python -m emteach status | head`: the reader has seen enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
