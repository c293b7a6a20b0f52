"""Each chapter, as a reader meets it: opened in JupyterLab in a real browser.

Not part of ``make test`` (it needs a Chromium from the system's packages);
run it with ``make test-browser``. For every chapter in book.toml it starts
from a copy of the book (so nothing is saved over the stored notebooks),
opens the notebook, runs all cells, and checks that no cell fails, that the
maths is typeset, that every widget experiment shows a figure, and that
moving a slider redraws the experiment with the new value in its caption.
"""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

playwright = pytest.importorskip("playwright.sync_api")

from emteach import book  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHAPTERS = book.load(ROOT).chapters
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic",
]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """A JupyterLab server on a copy of the book; yields (base URL, token)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium) or set CHROMIUM")
    copy = tmp_path_factory.mktemp("book")
    shutil.copytree(ROOT / "notebooks", copy / "notebooks")
    shutil.copy(ROOT / "book.toml", copy / "book.toml")
    port, token = _free_port(), secrets.token_hex(8)
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
        "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={copy}",
        # A fresh workspace: no tabs left open by an earlier session.
        f"--LabApp.workspaces_dir={copy / '.workspaces'}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("JupyterLab did not start within 60 s")
            time.sleep(0.5)
    yield base, token
    server.terminate()
    server.wait(timeout=20)


@pytest.fixture(scope="session")
def browser():
    with playwright.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


def _run_all(page):
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    # Done when no cell is queued or running ("[*]") and the kernel reports idle.
    page.wait_for_timeout(1000)
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-InputPrompt')];
            const busy = prompts.some(p => p.textContent.includes('*'));
            const status = document.querySelector('.jp-StatusBar-Widget, #jp-main-statusbar');
            return !busy && status !== null && /Idle/.test(document.body.innerText);
        }""",
        timeout=120_000,
    )


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.stem for c in CHAPTERS])
def test_chapter_runs_in_jupyterlab(lab, browser, chapter):
    base, token = lab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    # A workspace of its own per chapter, reset, so no other notebook's tab is restored.
    page.goto(f"{base}/lab/workspaces/{chapter.stem}/tree/{chapter.file}?reset&token={token}")
    panel = page.locator(".jp-NotebookPanel:visible")
    heading = panel.locator(".jp-MarkdownOutput h1").first
    heading.wait_for(timeout=60_000)
    assert heading.inner_text().replace("¶", "").strip() == chapter.title

    _run_all(page)

    errors = panel.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    texts = [errors.nth(i).inner_text() for i in range(errors.count())]
    assert not [t for t in texts if "Error" in t or "Traceback" in t], texts
    assert panel.locator("mjx-container").count() > 0, "no typeset maths"

    images = panel.locator(".widget-output img")
    images.first.wait_for(timeout=30_000)
    output = panel.locator(".widget-output").first
    output.scroll_into_view_if_needed()
    before = output.inner_text()
    sliders = panel.locator(".widget-slider .noUi-handle")
    steps = panel.locator(".widget-button", has_text="step")
    if sliders.count():
        sliders.first.focus()
        sliders.first.press("ArrowRight")
    else:
        steps.first.click()
    # The experiment redraws: new caption text, and a figure in its Output.
    page.wait_for_function(
        "([el, old]) => el.innerText !== old && el.querySelector('img') !== null",
        arg=[output.element_handle(), before],
        timeout=20_000,
    )
    if os.environ.get("BROWSER_SHOTS"):
        page.screenshot(path=str(Path(os.environ["BROWSER_SHOTS"]) / f"{chapter.stem}.png"))
    page.close()
