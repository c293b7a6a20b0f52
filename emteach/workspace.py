"""The reader's own copies of the chapters, kept apart from the book.

JupyterLab autosaves what a reader changes. So that no experiment, wrong
answer or out-of-order run is ever saved over the book, ``emteach lab``
opens ``workspace/`` (at the book's root, ignored by git) instead of
``notebooks/``. The copies keep the chapters' file names
(``workspace/01_histograms.ipynb``) and are made from ``notebooks/`` on
first use, one chapter at a time, so a chapter added to the book later is
copied in then.

``workspace/.emteach-workspace.json`` records, for every copy, the hash of
the book's notebook it was made from. Comparing that hash with the copy and
with the book's notebook now tells the four states apart:

=========================  ===========================  ==============================
copy                       book's notebook              state
=========================  ===========================  ==============================
as copied                  as copied                    ``unchanged``
changed                    as copied                    ``edited``: the reader's work
as copied                  changed (``git pull``)       ``newer``: ``update`` brings it in
changed                    changed                      ``both``: the reader decides
=========================  ===========================  ==============================

Nothing here deletes a reader's work: a copy that is replaced is first
moved to ``workspace/backups/`` under a dated name. Copies are signed with
Jupyter's notary (as ``jupyter trust`` does) so that their stored outputs
render as the book's do.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from emteach import book

WORKSPACE_DIR = "workspace"
BACKUP_DIR = "backups"
RECORD = ".emteach-workspace.json"
RECORD_VERSION = 1

UNCHANGED = "unchanged"
EDITED = "edited"
NEWER = "newer"
BOTH = "both"
MISSING = "missing"  # no copy yet
ABSENT = "absent"  # the book lists the chapter but its notebook is not there

#: What each state means for the reader, and what to run next.
ADVICE = {
    UNCHANGED: ("unchanged", ""),
    EDITED: ("edited by you", "your work; `python -m emteach reset {n}` starts it over (your copy is backed up)"),
    NEWER: ("newer in the book", "`python -m emteach update` brings it in"),
    BOTH: (
        "edited by you, and newer in the book",
        "keep yours, or `python -m emteach reset {n}` for the new version (your copy is backed up)",
    ),
    MISSING: ("not copied yet", "`python -m emteach update` (or `lab`) copies it"),
    ABSENT: ("not in the book yet", ""),
}


class WorkspaceError(book.BookError):
    """A reader's mistake with the workspace (unknown chapter, missing notebook)."""


@dataclass(frozen=True)
class ChapterState:
    """Where one chapter's workspace copy stands.

    Attributes
    ----------
    chapter : book.Chapter
        The chapter, from ``book.toml``.
    copy : Path
        Its copy in the workspace (which may not exist yet).
    state : str
        One of ``unchanged``, ``edited``, ``newer``, ``both``, ``missing``, ``absent``.
    """

    chapter: book.Chapter
    copy: Path
    state: str

    def line(self, name_width=30, state_width=18):
        """One line for ``emteach status``: number, file, state and what to do."""
        words, todo = ADVICE[self.state]
        todo = todo.format(n=self.chapter.number)
        return f"{self.chapter.number:>2}  {self.copy.name:<{name_width}}  {words:<{state_width}}  {todo}".rstrip()


def content_hash(path):
    """Return a hash of a notebook's content, blind to JSON formatting.

    Two files holding the same notebook (keys in another order, other
    indentation, CRLF line ends) hash the same; a file that is not JSON is
    hashed byte for byte.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    str
        ``sha256:`` and 64 hexadecimal digits.
    """
    raw = Path(path).read_bytes()
    try:
        canonical = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    except ValueError:
        canonical = raw
    return "sha256:" + hashlib.sha256(canonical).hexdigest()


def workspace_dir(root):
    """Return the workspace folder of the book in ``root``."""
    return Path(root).resolve() / WORKSPACE_DIR


def copy_path(root, chapter):
    """Return where ``chapter``'s copy lives: ``workspace/<notebook name>``."""
    return workspace_dir(root) / Path(chapter.file).name


def _read_record(root):
    """Return the record ``{copy name: {...}}``; empty when absent or unreadable."""
    path = workspace_dir(root) / RECORD
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        copies = data["copies"]
        if not isinstance(copies, dict):
            raise TypeError(copies)
        return {name: entry for name, entry in copies.items() if isinstance(entry, dict)}
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, KeyError, TypeError):
        # A damaged record only loses the "unchanged" knowledge: every copy
        # that differs from the book then counts as the reader's (kept).
        return {}


def _write_record(root, copies):
    """Write the record atomically (a crash never leaves half a file)."""
    folder = workspace_dir(root)
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"version": RECORD_VERSION, "copies": copies}, indent=1, sort_keys=True) + "\n"
    _atomic_write(folder / RECORD, text.encode("utf-8"))


def _atomic_write(path, data):
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _state(root, chapter, record):
    source = Path(root).resolve() / chapter.file
    copy = copy_path(root, chapter)
    if not copy.exists():
        return ChapterState(chapter, copy, ABSENT if not source.is_file() else MISSING)
    if not source.is_file():
        entry = record.get(copy.name)
        edited = entry is None or content_hash(copy) != entry.get("source_hash")
        return ChapterState(chapter, copy, EDITED if edited else UNCHANGED)
    copy_hash, book_hash = content_hash(copy), content_hash(source)
    if copy_hash == book_hash:
        return ChapterState(chapter, copy, UNCHANGED)
    entry = record.get(copy.name)
    if entry is None:  # a copy we did not make (or a lost record): treat it as the reader's
        return ChapterState(chapter, copy, EDITED)
    copied_from = entry.get("source_hash")
    edited = copy_hash != copied_from
    newer = book_hash != copied_from
    if edited and newer:
        return ChapterState(chapter, copy, BOTH)
    return ChapterState(chapter, copy, EDITED if edited else NEWER)


def status(root="."):
    """Return the state of every chapter's workspace copy, in book order.

    Parameters
    ----------
    root : str or Path
        The book's root (holding ``book.toml``).

    Returns
    -------
    list of ChapterState
    """
    manifest = book.load(root)
    record = _read_record(manifest.root)
    return [_state(manifest.root, chapter, record) for chapter in manifest.chapters]


def trust(path):
    """Sign a notebook with Jupyter's notary, as ``jupyter trust`` does.

    A trusted notebook shows its stored outputs (HTML, widgets, JavaScript)
    when it is opened, as the book's own notebooks do.
    """
    import nbformat
    from nbformat.sign import NotebookNotary

    notebook = nbformat.read(str(path), as_version=4)
    notary = NotebookNotary()
    try:
        notary.sign(notebook)
    finally:
        notary.store.close()


def _copy_from_book(root, chapter, record):
    """Copy the book's notebook over the workspace copy, sign it, record it."""
    root = Path(root).resolve()
    source, copy = root / chapter.file, copy_path(root, chapter)
    copy.parent.mkdir(parents=True, exist_ok=True)
    _atomic_write(copy, source.read_bytes())
    try:
        trust(copy)
    except Exception:  # noqa: BLE001 - an unsigned copy still works; its outputs show as untrusted
        pass
    record[copy.name] = {
        "source": chapter.file,
        "source_hash": content_hash(source),
        "copied": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def backup(copy):
    """Move a copy to ``workspace/backups/`` under a dated name; return the new path.

    Never overwrites: a second backup in the same second gets a counter.
    """
    copy = Path(copy)
    folder = copy.parent / BACKUP_DIR
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y-%m-%d_%H%M%S")
    target = folder / f"{copy.stem}.{stamp}{copy.suffix}"
    counter = 2
    while target.exists():
        target = folder / f"{copy.stem}.{stamp}-{counter}{copy.suffix}"
        counter += 1
    shutil.copy2(copy, target)
    return target


def prepare(root="."):
    """Create the workspace and copy in the chapters that have no copy yet.

    Existing copies are left exactly as they are (edited or not).

    Parameters
    ----------
    root : str or Path
        The book's root.

    Returns
    -------
    list of ChapterState
        The states after copying (chapters just copied are ``unchanged``).
    """
    manifest = book.load(root)
    record = _read_record(manifest.root)
    states = [_state(manifest.root, chapter, record) for chapter in manifest.chapters]
    copied = False
    for state in states:
        if state.state == MISSING:
            _copy_from_book(manifest.root, state.chapter, record)
            copied = True
    if copied or not (workspace_dir(manifest.root) / RECORD).exists():
        _write_record(manifest.root, record)
    return [_state(manifest.root, chapter, record) for chapter in manifest.chapters]


def resolve_chapter(manifest, key):
    """Return the chapter named by a number, a file name or a stem.

    Accepts ``1``, ``01_histograms``, ``01_histograms.ipynb``,
    ``notebooks/01_histograms.ipynb`` and ``workspace/01_histograms.ipynb``.

    Raises
    ------
    WorkspaceError
        One line naming the chapters that exist.
    """
    key = str(key).strip()
    candidates = [int(key)] if key.isdigit() else [key, Path(key).name, Path(key).stem]
    for candidate in candidates:
        try:
            return manifest.chapter(candidate)
        except KeyError:
            continue
    last = manifest.chapters[-1].number
    raise WorkspaceError(
        f"no chapter {key!r} in {book.MANIFEST}: give a number from 0 to {last} or a notebook's name "
        "(`python -m emteach status` lists them)"
    )


def reset(root=".", keys=(), *, all_chapters=False):
    """Replace workspace copies with the book's chapters, backing up the reader's.

    Parameters
    ----------
    root : str or Path
        The book's root.
    keys : sequence of str or int
        Chapters to reset (see :func:`resolve_chapter`).
    all_chapters : bool
        Reset every chapter instead.

    Returns
    -------
    list of str
        One line per chapter saying what was done.

    Raises
    ------
    WorkspaceError
        For an unknown chapter or a chapter whose notebook is not in the book;
        nothing is changed then.
    """
    manifest = book.load(root)
    chapters = list(manifest.chapters) if all_chapters else [resolve_chapter(manifest, key) for key in keys]
    for chapter in chapters:
        if not (manifest.root / chapter.file).is_file() and not all_chapters:
            raise WorkspaceError(f"{chapter.file}: not in the book, so there is nothing to reset chapter {chapter.number} to")
    record = _read_record(manifest.root)
    lines = []
    for chapter in chapters:
        source, copy = manifest.root / chapter.file, copy_path(manifest.root, chapter)
        if not source.is_file():
            lines.append(f"{chapter.number:>2}  {copy.name}: not in the book yet, skipped")
            continue
        if copy.exists() and content_hash(copy) == content_hash(source):
            _copy_from_book(manifest.root, chapter, record)  # refreshes the record and the signature
            lines.append(f"{chapter.number:>2}  {copy.name}: already the book's version")
            continue
        saved = backup(copy) if copy.exists() else None
        _copy_from_book(manifest.root, chapter, record)
        kept = f"; your copy is kept as {saved.relative_to(manifest.root)}" if saved else ""
        lines.append(f"{chapter.number:>2}  {copy.name}: reset to the book's version{kept}")
    _write_record(manifest.root, record)
    return lines


def update(root="."):
    """Bring in the chapters that are newer in the book and not edited.

    Chapters with no copy yet are copied; edited chapters are left alone,
    with a line saying how to take the new version (``reset``, which backs
    the reader's copy up).

    Returns
    -------
    list of str
        One line per chapter that needs the reader's attention or was changed,
        and a last line summing up.
    """
    manifest = book.load(root)
    record = _read_record(manifest.root)
    lines, brought, kept = [], 0, 0
    for chapter in manifest.chapters:
        state = _state(manifest.root, chapter, record)
        name = state.copy.name
        if state.state in (NEWER, MISSING):
            _copy_from_book(manifest.root, chapter, record)
            brought += 1
            lines.append(f"{chapter.number:>2}  {name}: " + ("updated to the book's new version" if state.state == NEWER else "copied in"))
        elif state.state == BOTH:
            kept += 1
            lines.append(
                f"{chapter.number:>2}  {name}: newer in the book, but edited by you, so left as it is; "
                f"`python -m emteach reset {chapter.number}` takes the new version and backs yours up"
            )
    _write_record(manifest.root, record)
    summary = f"{brought} chapter(s) brought in"
    if kept:
        summary += f", {kept} newer in the book but edited by you (left as they are)"
    lines.append(summary + "; `python -m emteach status` shows every chapter.")
    return lines
