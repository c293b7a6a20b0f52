"""Tests of emteach.environment, chapter 0's check of the installation."""

from importlib import metadata

import pytest

from emteach import environment


@pytest.fixture
def fake_metadata(monkeypatch):
    """A distribution needing numpy>=2 and a package that is not installed."""
    versions = {"numpy": "1.26.4", "scipy": "1.17.1"}
    requires = [
        "numpy>=2.0",
        "scipy>=1.11",
        "notinstalled>=1",
        "tomli>=2; python_version < '3.0'",
        "pytest>=8; extra == 'test'",
    ]

    def version(name):
        if name not in versions:
            raise metadata.PackageNotFoundError(name)
        return versions[name]

    monkeypatch.setattr(environment.metadata, "requires", lambda dist: requires)
    monkeypatch.setattr(environment.metadata, "version", version)


def test_requirements_skip_extras_and_markers_that_do_not_apply(fake_metadata):
    names = [r.name for r in environment.requirements("fake")]
    assert names == ["numpy", "scipy", "notinstalled"]


def test_problems_name_the_version_wanted_and_found(fake_metadata):
    assert environment.problems("fake", python_version=(3, 11)) == [
        "numpy 1.26.4 is installed, the book needs numpy>=2.0",
        "notinstalled is not installed (the book needs notinstalled>=1)",
    ]


def test_old_python_is_a_problem(fake_metadata):
    assert environment.problems("fake", python_version=(3, 9))[0] == (
        "Python 3.10 or newer is needed, this is Python 3.9"
    )


def test_table_marks_each_row(fake_metadata):
    table = environment.version_table("fake").splitlines()
    assert table[0].startswith("Python")
    assert table[1].split()[:2] == ["numpy", "1.26.4"] and table[1].endswith("PROBLEM")
    assert table[2].endswith(" ok")
    assert "missing" in table[3]


def test_this_environment_runs_the_book():
    assert environment.problems() == []
    assert {r.name for r in environment.requirements()} >= {"numpy", "matplotlib", "ipywidgets", "jupyterlab"}
