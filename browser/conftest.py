"""Shared pieces of the browser tests: Chromium, an offline page, a JupyterLab server.

Every page opened through :func:`offline_context` has the network cut: a
request to anything but the local server (or a ``file://`` / ``data:`` /
``blob:`` URL) is aborted and recorded, so a test can assert that none was
made.
"""

import json
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

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic",
]
LOCAL = ("http://127.0.0.1", "file://", "data:", "blob:", "about:")
# A projector: what the slides and the static pages must be readable at.
PROJECTOR = {"width": 1280, "height": 720}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def chromium():
    """A headless Chromium (Debian's package, driven by Playwright)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium) or set CHROMIUM")
    with sync_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


def offline_context(browser, **options):
    """Return (context, blocked): a browser context with the network cut, and
    the list that collects every outside URL it tried to load."""
    context = browser.new_context(viewport=PROJECTOR, **options)
    blocked = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(LOCAL):
            request_route.continue_()
        else:
            blocked.append(url)
            request_route.abort()

    context.route("**/*", route)
    return context, blocked


def start_lab(folder, *extra):
    """Start JupyterLab on ``folder``; return (process, base URL, token)."""
    port, token = free_port(), secrets.token_hex(8)
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
        "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={folder}",
        f"--LabApp.workspaces_dir={Path(folder) / '.workspaces'}",
        # Settings of its own: jupyterlab-deck saves "presenting" in the user's
        # settings, which would start every later JupyterLab in a slideshow.
        f"--LabApp.user_settings_dir={Path(folder) / '.user-settings'}", *extra,
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            return server, base, token
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("JupyterLab did not start within 90 s")
            time.sleep(0.5)


@pytest.fixture(scope="session")
def deck_lab(tmp_path_factory):
    """JupyterLab on a copy of the book, with the repository's settings
    (jupyter/overrides.json: the slides' sizes), every cell rendered, and the
    app exposed to the page so a test can run commands; yields (base URL, token)."""
    copy = tmp_path_factory.mktemp("deckbook")
    shutil.copytree(ROOT / "notebooks", copy / "notebooks")
    shutil.copy(ROOT / "book.toml", copy / "book.toml")
    settings = copy / ".settings"
    settings.mkdir()
    overrides = json.loads((ROOT / "jupyter" / "overrides.json").read_text(encoding="utf-8"))
    # Every cell rendered, on screen or not: with the default windowing
    # (content-visibility) an off-screen cell's images and controls are not
    # laid out, and the slide tests measure them before presenting.
    overrides.setdefault("@jupyterlab/notebook-extension:tracker", {})["windowingMode"] = "none"
    (settings / "overrides.json").write_text(json.dumps(overrides), encoding="utf-8")
    server, base, token = start_lab(
        copy, "--LabApp.expose_app_in_browser=True", f"--LabApp.app_settings_dir={settings}")
    yield base, token
    server.terminate()
    server.wait(timeout=20)


KERNEL_IDLE = """() => {
    const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
    return !!k && k.status === 'idle';
}"""


def stop_deck(page):
    """Leave a slideshow that jupyterlab-deck restored from its settings."""
    if page.evaluate("() => document.body.dataset.jpDeckMode === 'presenting'"):
        page.evaluate("window.jupyterapp.commands.execute('deck:stop')")
        page.wait_for_function("() => document.body.dataset.jpDeckMode !== 'presenting'", timeout=30_000)


def open_and_run(page, base, token, chapter, workspace):
    """Open a chapter in JupyterLab, wait for its kernel, run every cell."""
    page.goto(f"{base}/lab/workspaces/{workspace}/tree/{chapter.file}?reset&token={token}")
    page.locator(".jp-NotebookPanel:visible .jp-MarkdownOutput h1").first.wait_for(timeout=90_000)
    page.wait_for_function(KERNEL_IDLE, timeout=180_000)
    stop_deck(page)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_timeout(1000)
    page.wait_for_function(
        """() => ![...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-InputPrompt')]
                   .some(p => p.textContent.includes('*'))""",
        timeout=180_000,
    )
    page.wait_for_function(KERNEL_IDLE, timeout=60_000)
