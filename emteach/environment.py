"""Is this Python environment able to run the book?

Chapter 0 calls :func:`problems` to tell a reader, before they start, whether
every package the book needs is installed in a suitable version. The
requirements are read from emteach's own installed metadata, so they are the
ones in ``pyproject.toml`` and never a second list.
"""

from __future__ import annotations

import platform
from importlib import metadata

from packaging.requirements import Requirement

MIN_PYTHON = (3, 10)


def requirements(distribution="emteach"):
    """Return the runtime requirements of ``distribution`` that apply here.

    Parameters
    ----------
    distribution : str
        Installed distribution whose metadata lists the requirements.

    Returns
    -------
    list of packaging.requirements.Requirement
        Runtime requirements whose environment marker holds on this machine;
        the ``test`` extra is left out.
    """
    found = []
    for line in metadata.requires(distribution) or []:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            found.append(requirement)
    return found


def installed_version(name):
    """Return the installed version of package ``name``, or None."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def report(distribution="emteach"):
    """Return one row per requirement: name, wanted, installed, ok.

    Returns
    -------
    list of tuple (str, str, str or None, bool)
        Package name, the version range wanted, the installed version (None
        when missing) and whether it satisfies the range.
    """
    rows = []
    for requirement in requirements(distribution):
        version = installed_version(requirement.name)
        ok = version is not None and requirement.specifier.contains(version, prereleases=True)
        rows.append((requirement.name, str(requirement.specifier), version, ok))
    return rows


def problems(distribution="emteach", python_version=None):
    """List what stops this environment from running the book.

    Parameters
    ----------
    distribution : str
        Installed distribution whose requirements are checked.
    python_version : tuple of int, optional
        The interpreter's version; this one's by default.

    Returns
    -------
    list of str
        Empty when everything is in place.
    """
    python_version = tuple(python_version or map(int, platform.python_version_tuple()[:2]))
    found = []
    if python_version < MIN_PYTHON:
        wanted = ".".join(map(str, MIN_PYTHON))
        got = ".".join(map(str, python_version))
        found.append(f"Python {wanted} or newer is needed, this is Python {got}")
    for name, wanted, version, ok in report(distribution):
        if version is None:
            found.append(f"{name} is not installed (the book needs {name}{wanted})")
        elif not ok:
            found.append(f"{name} {version} is installed, the book needs {name}{wanted}")
    return found


def version_table(distribution="emteach"):
    """Return the requirements and installed versions as aligned text."""
    rows = [("Python", f">={'.'.join(map(str, MIN_PYTHON))}", platform.python_version(), True)]
    rows += report(distribution)
    width = max(len(row[0]) for row in rows)
    lines = []
    for name, wanted, version, ok in rows:
        mark = "ok" if ok else "PROBLEM"
        lines.append(f"{name:<{width}}  {version or 'missing':<10} wanted {wanted:<12} {mark}")
    return "\n".join(lines)
