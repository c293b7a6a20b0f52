"""Tests of the Makefile's set-up: help, a too-old Python, a stale or broken .venv.

They run ``make`` against throw-away venvs in tmp_path (``VENV=...``) and
never install anything: ``make -q`` only asks whether the set-up would run.
"""

import glob
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAKE = shutil.which("make")
pytestmark = pytest.mark.skipif(MAKE is None, reason="make is not installed")


def _make(*args, env=None):
    return subprocess.run([MAKE, "--no-print-directory", *args], cwd=ROOT, capture_output=True, text=True,
                          env=env, timeout=120)


def _targets():
    """Every target a person can type, read from the Makefile's rules."""
    text = (ROOT / "Makefile").read_text()
    names = set(re.findall(r"^([a-z][a-z0-9_-]*):(?!=)", text, flags=re.M))
    return names - {"FORCE"}


def test_help_lists_every_target():
    result = _make("help")
    assert result.returncode == 0
    listed = set(re.findall(r"^  make ([a-z][a-z0-9_-]*)\s", result.stdout, flags=re.M))
    assert _targets() <= listed, _targets() - listed
    assert {"lab", "test", "status", "reset", "update", "new", "test-browser"} <= listed


def _old_python():
    """A Python older than 3.10 that runs here, or None."""
    candidates = [shutil.which(n) for n in ("python3.9", "python3.8", "python3.7")]
    candidates += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.[6-9].*/bin/python3")))
    for candidate in filter(None, candidates):
        probe = subprocess.run([candidate, "-c", "import sys; print(sys.version_info[:2] < (3, 10))"],
                               capture_output=True, text=True)
        if probe.returncode == 0 and probe.stdout.strip() == "True":
            return candidate
    return None


def test_an_old_python_stops_at_once_with_one_clear_line(tmp_path):
    old = _old_python()
    if old is None:
        pytest.skip("no Python older than 3.10 on this machine")
    version = subprocess.run([old, "-c", "import platform; print(platform.python_version())"],
                             capture_output=True, text=True).stdout.strip()
    start = time.monotonic()
    result = _make("test", f"PYTHON={old}", f"VENV={tmp_path / 'venv'}")
    assert time.monotonic() - start < 30
    assert result.returncode != 0
    assert f"emteach needs Python 3.10 or newer, but {old} is Python {version}" in result.stdout
    assert not (tmp_path / "venv").exists()


def test_a_missing_python_is_named(tmp_path):
    result = _make("test", "PYTHON=python3-that-does-not-exist", f"VENV={tmp_path / 'venv'}")
    assert result.returncode != 0
    assert "'python3-that-does-not-exist' is not found" in result.stdout


@pytest.fixture
def venv(tmp_path):
    """A venv made by this test's Python, marked as installed."""
    path = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    (path / ".installed-stamp").touch()
    return path


def _up_to_date(venv, python):
    """Whether make would skip the set-up (``make -q`` exits 0)."""
    result = _make("-q", f"{venv}/.installed-stamp", f"VENV={venv}", f"PYTHON={python}")
    return result.returncode == 0


def test_a_venv_made_by_the_same_python_is_reused(venv):
    assert _up_to_date(venv, sys.executable)


def test_a_broken_venv_is_rebuilt(venv):
    for python in (venv / "bin").glob("python*"):
        python.unlink()
    assert not _up_to_date(venv, sys.executable)


def test_a_venv_made_by_another_python_is_rebuilt(venv, tmp_path):
    # Another Python: a different base prefix (a second copy of this one would do;
    # any other installed version is simpler).
    others = sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.1[0-9].*/bin/python3")))
    others += [shutil.which(n) for n in ("python3.10", "python3.11", "python3.12", "python3.13", "/usr/bin/python3")]
    base = sys.base_prefix
    for other in filter(None, others):
        probe = subprocess.run([other, "-c", "import sys; print(sys.base_prefix)"], capture_output=True, text=True)
        if probe.returncode == 0 and probe.stdout.strip() != base:
            assert not _up_to_date(venv, other)
            return
    pytest.skip("no second Python on this machine")
