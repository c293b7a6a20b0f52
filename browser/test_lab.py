"""Each chapter, as a reader meets it: opened in JupyterLab in a real browser.

Not part of ``make test`` (it needs a Chromium from the system's packages);
run it with ``make test-browser``. The server is started the way a reader
starts it, ``python -m emteach lab``, on a copy of the book in a temporary
folder, so it serves the reader's copies in ``workspace/`` and nothing is
saved over any stored notebook. For every chapter in book.toml the test opens
the copy, checks that it is trusted (stored outputs render as the book's
do), waits for the kernel to be idle, runs all cells, and checks that no cell
fails and that the maths is typeset. Then, for every experiment, it reads
Chromium's accessibility tree (every control named, every slider announcing
the value its readout shows; accessibility.py) and moves, chooses, presses
or ticks each visible control as a reader would, checking that the
experiment redraws. A last test edits a cell in the workspace copy, saves
it, and checks that the book's ``notebooks/`` is unchanged.
"""

import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

playwright = pytest.importorskip("playwright.sync_api")

from accessibility import control_problems  # noqa: E402
from emteach import book, workspace  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHAPTERS = [c for c in book.load(ROOT).chapters if (ROOT / c.file).is_file()]
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _hashes(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(Path(folder).glob("*.ipynb"))}


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """``python -m emteach lab`` on a copy of the book; yields (base URL, token, the copy's root)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium) or set CHROMIUM")
    copy = tmp_path_factory.mktemp("book")
    shutil.copytree(ROOT / "notebooks", copy / "notebooks")
    shutil.copy(ROOT / "book.toml", copy / "book.toml")
    port, token = _free_port(), secrets.token_hex(8)
    command = [
        sys.executable, "-m", "emteach", "lab", "--root", str(copy),
        "--no-browser", "--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        # A fresh JupyterLab workspace: no tabs left open by an earlier session.
        f"--LabApp.workspaces_dir={copy / '.lab-workspaces'}",
        # Settings of its own (jupyterlab-deck saves "presenting" in the user's settings).
        f"--LabApp.user_settings_dir={copy / '.user-settings'}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    # The notary's database (which notebooks are trusted) of this run only.
    env = dict(os.environ, JUPYTER_DATA_DIR=str(copy / ".jupyter-data"))
    log = open(copy / "lab.log", "w")
    # Its own process group: `emteach lab` runs JupyterLab as a child, and both are stopped together.
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                os.killpg(server.pid, signal.SIGKILL)
                pytest.fail("JupyterLab did not start within 90 s:\n" + (copy / "lab.log").read_text()[-2000:])
            time.sleep(0.5)
    yield base, token, copy
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
    log.close()


@pytest.fixture
def page(chromium):
    """A new tab, closed after the test even when it fails (open tabs slow the next ones).

    ``chromium`` is conftest.py's one Playwright browser for the whole session
    (a second sync Playwright in the same process cannot start).
    """
    tab = chromium.new_page(viewport={"width": 1400, "height": 1000})
    yield tab
    tab.close()


def _open(page, lab, name, workspace_name):
    base, token, _ = lab
    # A JupyterLab workspace of its own per test, reset, so no other notebook's tab is restored.
    page.goto(f"{base}/lab/workspaces/{workspace_name}/tree/{name}?reset&token={token}")
    panel = page.locator(PANEL)
    heading = panel.locator(".jp-MarkdownOutput h1").first
    heading.wait_for(timeout=60_000)
    return panel, heading


KERNEL_IDLE = """() => {
    const panel = document.querySelector('%s');
    const indicator = panel && panel.querySelector('.jp-Notebook-ExecutionIndicator');
    const kernel = [...document.querySelectorAll('#jp-main-statusbar .jp-StatusBar-TextItem')]
        .find(e => (e.getAttribute('title') || '').startsWith('Change kernel'));
    // The indicator says "idle" before any kernel exists, so the status bar must also name one.
    return indicator !== null && indicator.dataset.status === 'idle'
        && kernel !== undefined && /Python.*\\| Idle$/.test(kernel.textContent.trim());
}""" % PANEL

ANY_QUEUED = """() => [...document.querySelectorAll('%s .jp-InputPrompt')].some(p => p.textContent.includes('*'))""" % PANEL


def _wait_until_idle(page, timeout=120.0, settle=1.0):
    """Wait until the notebook's kernel exists and stays idle for ``settle`` seconds."""
    deadline = time.monotonic() + timeout
    idle_since = None
    while time.monotonic() < deadline:
        if page.evaluate(KERNEL_IDLE) and not page.evaluate(ANY_QUEUED):
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since >= settle:
                return
        else:
            idle_since = None
        page.wait_for_timeout(200)
    pytest.fail(f"the kernel was not idle within {timeout:.0f} s")


def _run_all(page):
    # Pressing Run All before the kernel is ready loses cells now and then: wait first.
    _wait_until_idle(page)
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    # Queued and running cells show "[*]"; wait for that to start, then to end.
    page.wait_for_function(ANY_QUEUED, timeout=30_000)
    _wait_until_idle(page, timeout=180.0)


CONTROLS = ".jp-OutputArea-output :is(input[type=range], select, button, input[type=checkbox])"
# What a reader sees of an experiment: its captions and its images.
LOOK = """(cell) => {
    const outputs = [...cell.querySelectorAll('.widget-output')];
    return {text: outputs.map(o => o.innerText).join(' | '),
            images: outputs.flatMap(o => [...o.querySelectorAll('img')].map(i => i.getAttribute('src').slice(-300)))};
}"""
# A redraw: a new caption or a new image (the kernel-side tests check which
# of the two each control must change; here the point is that the browser's
# control reaches the kernel and the answer reaches the page).
REDRAWN = """([cell, old]) => {
    const outputs = [...cell.querySelectorAll('.widget-output')];
    const text = outputs.map(o => o.innerText).join(' | ');
    const images = outputs.flatMap(o => [...o.querySelectorAll('img')].map(i => i.getAttribute('src').slice(-300)));
    return images.length > 0 && (text !== old.text || images.join() !== old.images.join());
}"""


def _name(control):
    return control.evaluate("e => ((e.labels && e.labels[0] && e.labels[0].textContent) || e.textContent || e.title).trim()")


def _act(control):
    """Move a slider one step, choose another menu entry, press a button or tick a box."""
    kind = control.evaluate("e => e.tagName === 'SELECT' ? 'select' : e.type")
    if kind == "range":
        at_max = control.evaluate("e => Number(e.value) >= Number(e.max)")
        control.focus()
        control.press("ArrowLeft" if at_max else "ArrowRight")
    elif kind == "select":
        # The entry before the current one: in the timing experiment, a smaller problem.
        values = control.evaluate("e => [...e.options].map(o => o.value)")
        current = control.evaluate("e => e.value")
        control.select_option(values[(values.index(current) - 1) % len(values)])
    else:
        control.click()


def _exercise_every_control(page, cell):
    """Act on each visible, enabled control of one experiment; return the names of those after
    which neither its caption nor its figure changed."""
    controls = cell.locator(CONTROLS)
    dead = []
    for index in range(controls.count()):
        control = controls.nth(index)
        # Hidden (the other model's start) or already chosen (the pressed toggle): nothing to do.
        if control.is_disabled() or not control.is_visible() or "mod-active" in (control.get_attribute("class") or ""):
            continue
        # A box is ticked and then unticked again, so the buttons after it still have work to do.
        for _ in range(2 if control.get_attribute("type") == "checkbox" else 1):
            before = page.evaluate(LOOK, cell.element_handle())
            _act(control)
            try:
                page.wait_for_function(REDRAWN, arg=[cell.element_handle(), before], timeout=30_000)
            except playwright.TimeoutError:
                dead.append(_name(control))
                break
            # Let the redraw finish (a caption can change before its figure) before the next move.
            page.wait_for_timeout(300)
            _wait_for_quiet(page, cell)
    return dead


def _wait_for_quiet(page, cell, settle_ms=400, timeout_s=60):
    """Wait until the experiment's outputs stop changing for ``settle_ms``."""
    deadline = time.monotonic() + timeout_s
    last = page.evaluate(LOOK, cell.element_handle())
    while time.monotonic() < deadline:
        page.wait_for_timeout(settle_ms)
        now = page.evaluate(LOOK, cell.element_handle())
        if now == last:
            return
        last = now


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.stem for c in CHAPTERS])
def test_chapter_runs_in_jupyterlab(lab, page, chapter):
    name = Path(chapter.file).name
    panel, heading = _open(page, lab, name, chapter.stem)
    assert heading.inner_text().replace("¶", "").strip() == chapter.title
    # The workspace copy is trusted, as `emteach lab` signed it.
    trust = page.locator(".jp-StatusItem-trust")
    trust.wait_for(state="attached", timeout=20_000)  # the status bar may hide it when crowded
    assert (trust.get_attribute("title") or "").startswith("Notebook trusted"), trust.get_attribute("title")

    _run_all(page)

    errors = panel.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    texts = [errors.nth(i).inner_text() for i in range(errors.count())]
    assert not [t for t in texts if "Error" in t or "Traceback" in t], texts
    assert panel.locator("mjx-container").count() > 0, "no typeset maths"

    # Every experiment in the chapter, and every control in it: moved, chosen
    # or pressed as a reader would, each must redraw its experiment.
    experiments = panel.locator(".jp-CodeCell:has(.widget-output img)")
    experiments.first.wait_for(state="attached", timeout=30_000)
    dead, unheard, named = [], [], 0
    for index in range(experiments.count()):
        cell = experiments.nth(index)
        cell.scroll_into_view_if_needed()
        cell.locator(".widget-output img").first.wait_for(timeout=30_000)
        # As a screen reader meets it: every control named, every slider reading the value shown.
        count, problems = control_problems(page, cell)
        named += count
        unheard += problems
        dead += _exercise_every_control(page, cell)
    assert named > 0, "no widget control found after running the chapter"
    assert unheard == [], "accessibility:\n" + "\n".join(unheard)
    assert dead == [], f"controls that did not redraw their experiment: {dead}"
    if os.environ.get("BROWSER_SHOTS"):
        page.screenshot(path=str(Path(os.environ["BROWSER_SHOTS"]) / f"{chapter.stem}.png"))


def test_editing_the_workspace_copy_leaves_the_book_unchanged(lab, page, monkeypatch):
    base, token, copy = lab
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(copy / ".jupyter-data"))  # reset signs the new copy
    book_before = _hashes(copy / "notebooks")
    chapter = CHAPTERS[1] if len(CHAPTERS) > 1 else CHAPTERS[0]
    name = Path(chapter.file).name
    saved = copy / workspace.WORKSPACE_DIR / name
    note = f"# a reader's note {secrets.token_hex(4)}"

    panel, _ = _open(page, lab, name, "edit-" + chapter.stem)
    editor = panel.locator(".jp-CodeCell .cm-content").first
    editor.scroll_into_view_if_needed(timeout=30_000)
    editor.click()
    page.keyboard.press("Control+Home")
    page.keyboard.type(note)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.keyboard.press("Control+s")
    deadline = time.monotonic() + 30
    while note not in saved.read_text(encoding="utf-8"):
        assert time.monotonic() < deadline, "the edit was not saved to the workspace copy within 30 s"
        time.sleep(0.3)

    # The edit is in the reader's copy, and nowhere in the book.
    cells = json.loads(saved.read_text(encoding="utf-8"))["cells"]
    assert any("".join(c["source"]).startswith(note) for c in cells)
    assert _hashes(copy / "notebooks") == book_before
    assert not any(note in p.read_text(encoding="utf-8") for p in (copy / "notebooks").glob("*.ipynb"))
    # JupyterLab does not even serve the book's folder: only the copies.
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{base}/api/contents/notebooks/{name}?content=0&token={token}", timeout=10)
    assert missing.value.code == 404
    states = {s.chapter.number: s.state for s in workspace.status(copy)}
    assert states[chapter.number] == workspace.EDITED

    # And the reader can start over, their copy kept.
    lines = workspace.reset(copy, [chapter.number])
    assert (copy / "notebooks" / name).read_bytes() == saved.read_bytes()
    backup = copy / lines[0].split("kept as ")[1]
    assert note in backup.read_text(encoding="utf-8")
