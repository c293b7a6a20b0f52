"""The two install routes (pip and conda) install the same packages."""

import re
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _split(requirement):
    """Return (normalised name, specifier without spaces) of a requirement."""
    requirement = requirement.split(";")[0].replace(" ", "")
    name, specifier = re.match(r"([A-Za-z0-9_.\-]+)(.*)", requirement).groups()
    return re.sub(r"[-_.]+", "-", name).lower(), specifier


def pip_requirements():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["test"]
    return dict(_split(r) for r in requirements)


def conda_requirements():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    entries = [e for e in environment["dependencies"] if isinstance(e, str)]
    found = dict(_split(e) for e in entries)
    found.pop("python")
    found.pop("pip")
    return found


def test_conda_and_pip_list_the_same_packages_and_versions():
    assert conda_requirements() == pip_requirements()


def test_conda_environment_installs_the_package_itself():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_part = [e for e in environment["dependencies"] if isinstance(e, dict)]
    assert pip_part == [{"pip": ["-e ."]}]


def test_python_floor_agrees():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert f"python{project['requires-python']}" in environment["dependencies"]


def test_requirement_parsing_sees_versions():
    # the comparison above would be vacuous if versions were dropped
    assert _split("ipywidgets>=8.1,<9") == ("ipywidgets", ">=8.1,<9")
    assert _split("tomli>=2.0; python_version < '3.11'") == ("tomli", ">=2.0")
    assert _split("scikit_learn>=1.4") == ("scikit-learn", ">=1.4")


def test_readme_lists_the_chapters_of_book_toml_in_order():
    from emteach import book

    readme = (ROOT / "README.md").read_text()
    rows = re.findall(r"^\| (\d+) \| ([^|]+?) \|", readme, flags=re.M)
    chapters = book.load(ROOT).chapters
    assert [(int(n), title) for n, title in rows] == [(c.number, c.title) for c in chapters]


def test_readme_quick_start_gives_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "make lab" in quick_start and "make test" in quick_start
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^lab: ", makefile, flags=re.M) and re.search(r"^test: ", makefile, flags=re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text()
