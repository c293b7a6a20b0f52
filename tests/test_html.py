"""The static book (emteach.html) built from a tiny book in a temporary folder."""

import base64
import re
from types import SimpleNamespace

import matplotlib
import nbformat
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from IPython.core.formatters import DisplayFormatter  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from emteach import book, html  # noqa: E402
from emteach.__main__ import main  # noqa: E402
from emteach.plotting.alt import alt_text, register_alt_text  # noqa: E402

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\nnot really").decode()
WIDGET = "application/vnd.jupyter.widget-view+json"


def _notebook(title, alt=None):
    cells = [
        nbformat.v4.new_markdown_cell(f"# {title}\n\nThe density $p(x \\mid \\theta)$ is\n\n$$\\frac{{1}}{{2}}$$"),
        nbformat.v4.new_markdown_cell("## Bins"),
        nbformat.v4.new_code_cell("plt.show()", execution_count=1, outputs=[
            nbformat.v4.new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"},
                                   metadata={"image/png": {"alt": alt}} if alt else {}),
        ]),
        nbformat.v4.new_code_cell("experiment()", execution_count=2, outputs=[
            nbformat.v4.new_output("display_data", data={WIDGET: {"model_id": "abc", "version_major": 2,
                                                                  "version_minor": 0},
                                                         "text/plain": "VBox(children=(...))"}),
        ]),
        nbformat.v4.new_markdown_cell("**Exercise 1.** Try it.", metadata={"tags": ["exercise"]}),
        nbformat.v4.new_code_cell("answer = 42\nprint(answer)", execution_count=3,
                                  metadata={"tags": ["solution"], "jupyter": {"source_hidden": True, "outputs_hidden": True}},
                                  outputs=[nbformat.v4.new_output("stream", name="stdout", text="42\n")]),
    ]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    return notebook


@pytest.fixture()
def tiny_book(tmp_path):
    (tmp_path / "notebooks").mkdir()
    nbformat.write(_notebook("First steps", alt="Counts against x."), str(tmp_path / "notebooks" / "00_first.ipynb"))
    nbformat.write(_notebook("Second steps"), str(tmp_path / "notebooks" / "01_second.ipynb"))
    (tmp_path / "book.toml").write_text(
        '[book]\ntitle = "Tiny <book>"\nauthors = ["A"]\nlicense = "MIT"\ndescription = "A book about bins."\n'
        '[[chapters]]\nfile = "notebooks/00_first.ipynb"\ntitle = "First steps"\nminutes = 5\n'
        'objectives = ["Count things."]\n'
        '[[chapters]]\nfile = "notebooks/01_second.ipynb"\ntitle = "Second steps"\nminutes = 7\n'
        'objectives = ["Count more things.", "Stop."]\n',
        encoding="utf-8",
    )
    return tmp_path


def test_build_writes_index_and_one_page_per_chapter(tiny_book):
    pages = html.build(tiny_book)
    out = tiny_book / "build" / "html"
    assert [p.name for p in pages] == ["index.html", "00_first.html", "01_second.html"]
    assert (out / "_static" / "mathjax" / "MathJax.js").is_file()
    assert (out / "_static" / "mathjax" / "config" / "TeX-AMS-MML_HTMLorMML-full.js").is_file()
    index = (out / "index.html").read_text()
    assert "<h1>Tiny &lt;book&gt;</h1>" in index
    assert "A book about bins." in index
    assert index.index('href="00_first.html"') < index.index('href="01_second.html"')
    assert "About 7 minutes" in index and "<li>Stop.</li>" in index


def test_chapter_page_is_offline_folded_and_described(tiny_book):
    html.build(tiny_book)
    first = (tiny_book / "build" / "html" / "00_first.html").read_text()
    second = (tiny_book / "build" / "html" / "01_second.html").read_text()
    # Nothing is loaded from outside: every script and stylesheet is local or inline.
    sources = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', first)
    assert sources == ["_static/mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full"]
    assert "require.js" not in first and "html-manager" not in first
    # The maths is left for the local MathJax, as TeX.
    assert "$p(x \\mid \\theta)$" in first
    # Solutions folded in a closed <details>, with their code inside.
    assert first.count('<details class="emteach-solution">') == 1
    assert "<details open" not in first
    folded = first[first.index('<details class="emteach-solution">'):first.index("</details>")]
    assert "answer" in folded
    # The widget becomes a line saying how to run it; the figure keeps its alt.
    assert html.LIVE_NOTE in first and "VBox(children" not in first
    assert 'alt="Counts against x."' in first
    assert 'alt="Figure from chapter 1, Second steps: section Bins"' in second
    # Previous / next links.
    assert 'rel="next" href="01_second.html"' in first and 'rel="prev"' not in first
    assert 'rel="prev" href="00_first.html"' in second and 'rel="next"' not in second


def test_prepare_leaves_the_stored_notebook_alone(tiny_book):
    path = tiny_book / "notebooks" / "01_second.ipynb"
    stored = nbformat.read(str(path), as_version=4)
    html.prepare(stored, book.load(tiny_book).chapters[1])
    assert "widgets" in stored.metadata
    assert WIDGET in stored.cells[3].outputs[0].data
    assert stored.cells[5].metadata["jupyter"]["source_hidden"] is True


def test_cli_html_writes_the_site(tiny_book, capsys):
    out = tiny_book / "site"
    assert main(["html", "--root", str(tiny_book), "--out", str(out)]) == 0
    assert (out / "01_second.html").is_file()
    assert "wrote 3 pages" in capsys.readouterr().out


def test_build_names_a_missing_notebook(tiny_book):
    (tiny_book / "notebooks" / "01_second.ipynb").unlink()
    with pytest.raises(book.BookError, match="01_second.ipynb: listed in book.toml but not found"):
        html.build(tiny_book)


def test_alt_text_reads_titles_labels_and_legend():
    fig, (left, right) = plt.subplots(1, 2)
    left.plot([0, 1], [0, 1], label="$\\hat\\theta$ path")
    left.set(title="Log-likelihood", xlabel="iteration", ylabel="$\\ell(\\theta)$")
    left.legend()
    right.set_title("Responsibilities")
    fig.suptitle("EM on the coins")
    assert alt_text(fig) == (
        "EM on the coins. panel 1: Log-likelihood; ell(theta) against iteration; legend: hattheta path. "
        "panel 2: Responsibilities."
    )
    plt.close(fig)
    bare = Figure()
    bare.add_subplot()
    assert alt_text(bare) == "Figure with 1 panel"


def test_register_alt_text_adds_alt_metadata_once():
    shell = SimpleNamespace(display_formatter=DisplayFormatter())
    png = shell.display_formatter.formatters["image/png"]
    png.for_type(Figure, lambda fig: b"\x89PNG-bytes")
    fig = Figure()
    fig.add_subplot().set(title="Counts", xlabel="x", ylabel="count")
    assert register_alt_text(shell) and register_alt_text(shell)  # twice: wrapped once
    data, metadata = shell.display_formatter.format(fig, include=["image/png"])
    assert data["image/png"]
    assert metadata["image/png"] == {"alt": "Counts; count against x."}
    assert register_alt_text(SimpleNamespace(display_formatter=DisplayFormatter())) is False
