"""Command line of the book: ``python -m emteach toc | check | lab | execute``."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from emteach import book


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


def lab_command(root, extra):
    """Return the command that opens JupyterLab on the book's first chapter.

    Parameters
    ----------
    root : Path
        The book's root (JupyterLab serves it).
    extra : list of str
        Arguments passed through to ``jupyter lab``.

    Returns
    -------
    list of str
    """
    first = book.load(root).chapters[0].file
    return [
        sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={root}",
        f"--LabApp.default_url=/lab/tree/{first}", *extra,
    ]


def _lab(args):
    root = book.find_root(args.root)
    command = lab_command(root, args.jupyter_args)
    print("Starting JupyterLab on", book.load(root).chapters[0].file, "(Ctrl+C to stop)")
    try:
        return subprocess.call(command, cwd=root)
    except KeyboardInterrupt:
        return 0


def execute_notebook(path, timeout=600):
    """Run a notebook top to bottom in a fresh kernel and store its outputs.

    Parameters
    ----------
    path : str or Path
        The notebook; it is rewritten in place.
    timeout : int
        Seconds one cell may take.
    """
    import nbformat
    from nbconvert.preprocessors import ExecutePreprocessor

    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    env_backend = os.environ.pop("MPLBACKEND", None)  # would change the stored figures
    try:
        ExecutePreprocessor(timeout=timeout, kernel_name=book.KERNEL_NAME).preprocess(
            notebook, {"metadata": {"path": str(path.parent)}}
        )
    finally:
        if env_backend is not None:
            os.environ["MPLBACKEND"] = env_backend
    nbformat.write(notebook, path)


def _execute(args):
    from nbclient.exceptions import CellExecutionError

    failed = 0
    for path in args.notebooks:
        print(f"executing {path}")
        try:
            execute_notebook(path)
        except CellExecutionError as error:
            failed += 1
            print(f"emteach: {path}: a cell failed; the notebook was not rewritten.\n{error}", file=sys.stderr)
    return 1 if failed else 0


def main(argv=None):
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(prog="emteach", description="The EM textbook's command line.")
    commands = parser.add_subparsers(dest="command", required=True)

    toc = commands.add_parser("toc", help="print the numbered table of contents from book.toml")
    toc.add_argument("root", nargs="?", default=".", help="folder holding book.toml (default: here)")
    toc.set_defaults(run=_toc)

    check = commands.add_parser("check", help="check the notebooks against book.toml; exit 1 listing problems")
    check.add_argument("root", nargs="?", default=".", help="folder holding book.toml (default: here)")
    check.set_defaults(run=_check)

    lab = commands.add_parser("lab", help="open the book in JupyterLab; extra arguments go to jupyter lab")
    lab.add_argument("--root", default=None, help="the book's folder (default: found from here upwards)")
    lab.set_defaults(run=_lab)
    lab.epilog = "Any other arguments go to jupyter lab, e.g. --no-browser --port 8899."

    execute = commands.add_parser("execute", help="run notebooks top to bottom in a fresh kernel, storing outputs")
    execute.add_argument("notebooks", nargs="+", help="notebook files")
    execute.set_defaults(run=_execute)

    # `lab` passes what it does not know to JupyterLab; the others take no extras.
    args, extra = parser.parse_known_args(argv)
    if args.command == "lab":
        args.jupyter_args = extra
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return args.run(args)
    except book.BookError as error:
        print(f"emteach: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
