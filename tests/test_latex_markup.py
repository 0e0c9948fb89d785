"""LaTeX in chapters: math environments become display math with labels; the rest is warned."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_cli
from quire.errors import Reporter
from quire.checks.latex_markup import convert_latex
from quire.model import Chapter


def _convert(body: str, number: int = 3) -> tuple[str, list[str]]:
    chapter = Chapter(Path("/book/03-x.md"), number, "X", 1, body, 2)
    reporter = Reporter()
    [converted] = convert_latex([chapter], reporter)
    assert converted.body.count("\n") == body.count("\n")  # every line keeps its place
    return converted.body, [d.format() for d in reporter.warnings]


def test_labelled_equation_becomes_display_math_with_its_attribute():
    body, warnings = _convert("Before\n\\begin{equation}\n\\label{eq:ratio}\n"
                              "\\rho = \\frac{a}{b}\n\\end{equation}\nafter")
    assert body == "Before\n$$\n{}\n\\rho = \\frac{a}{b}\n$$ {#eq:ratio}\nafter"
    assert warnings == []


@pytest.mark.parametrize("source,expected", [
    ("\\begin{align}\na &= b \\label{eq-sum} \\\\\nc &= d \\nonumber\n\\end{align}",
     "$$\\begin{aligned}\na &= b  \\\\\nc &= d \n\\end{aligned}$$ {#eq-sum}"),
    ("\\begin{align*}\na &= b\n\\end{align*}", "$$\\begin{aligned}\na &= b\n\\end{aligned}$$"),
    ("\\begin{gather}x \\\\ y\\end{gather}",
     "$$\\begin{gathered}x \\\\ y\\end{gathered}$$ {#eq:quire-3-1}"),
    ("\\begin{gather*}x\\end{gather*}", "$$\\begin{gathered}x\\end{gathered}$$"),
    ("\\begin{multline}x \\\\ y\\end{multline}",
     "$$\\begin{gathered}x \\\\ y\\end{gathered}$$ {#eq:quire-3-1}"),
    ("\\begin{equation*}k\\end{equation*}", "$$k$$"),
    ("\\begin{alignat}{2}a &= b & c &= d\\end{alignat}",
     "$$\\begin{alignedat}{2}a &= b & c &= d\\end{alignedat}$$ {#eq:quire-3-1}"),
    ("\\begin{gathered}p \\\\ q\\end{gathered}", "$$\\begin{gathered}p \\\\ q\\end{gathered}$$"),
    ("\\begin{equation}\n\\begin{gathered}p\\end{gathered}\n(\\#eq:bd)\n\\end{equation}",
     "$$\n\\begin{gathered}p\\end{gathered}\n{}\n$$ {#eq:bd}"),
])
def test_environments(source, expected):
    body, warnings = _convert(source)
    assert body == expected
    assert warnings == []


@pytest.mark.parametrize("source,expected", [
    ("$$\n\\begin{equation} (\\#eq:CJ)\ny = b\n\\end{equation}\n$$",
     "$$\n{}\ny = b\n{}\n$$ {#eq:CJ}"),
    ("$$ x \\label{eq:a} $$", "$$ x  $$ {#eq:a}"),
    ("$$\\begin{align}a\\end{align}$$ {#eq-own}", "$$\\begin{aligned}a\\end{aligned}$$ {#eq-own}"),
    ("$$\\begin{equation}a\\end{equation}$$", "$$a$$ {#eq:quire-3-1}"),
    ("$$ x $$ {#eq:x} and $$ y $$", "$$ x $$ {#eq:x} and $$ y $$"),
])
def test_display_math_holding_an_environment_or_a_label(source, expected):
    body, warnings = _convert(source)
    assert body == expected
    assert warnings == []


def test_latex_math_delimiters_become_dollars():
    body, warnings = _convert("Inline \\( a + \\beta \\) and\n\\[\n\\frac{1}{2}\n\\]\n"
                              "`\\(code\\)` and \\\\(not math\\\\)")
    assert body == ("Inline $a + \\beta$ and\n$$\n\\frac{1}{2}\n$$\n"
                    "`\\(code\\)` and \\\\(not math\\\\)")
    assert warnings == []


def test_unlabelled_numbered_environments_are_numbered_in_order_per_chapter():
    body, _ = _convert("\\begin{equation}a\\end{equation}\n\\begin{equation*}b\\end{equation*}\n"
                       "\\begin{align}c\\end{align}\n\\begin{equation}d\\label{eq:d}"
                       "\\end{equation}\n$$\\begin{equation}e\\end{equation}$$\n"
                       "$$ f $$ {#eq:f}", number=7)
    assert body.split("\n") == ["$$a$$ {#eq:quire-7-1}", "$$b$$", "$$\\begin{aligned}c"
                                "\\end{aligned}$$ {#eq:quire-7-2}", "$$d$$ {#eq:d}",
                                "$$e$$ {#eq:quire-7-4}", "$$ f $$ {#eq:f}"]


def test_code_and_existing_math_are_left_alone():
    source = ("`\\begin{equation}x\\end{equation}`\n```\n\\begin{equation}y\\end{equation}\n"
              "\\foo\n```\n$$\\begin{aligned}a\\end{aligned}$$ and $\\alpha$")
    body, warnings = _convert(source)
    assert body == source and warnings == []


def test_extra_labels_are_a_warning():
    body, warnings = _convert("x\n\\begin{align}a \\label{eq:a} \\\\ b \\label{eq:b}\\end{align}")
    assert body.endswith("{#eq:a}")
    assert warnings == ["/book/03-x.md:3:1: warning: 'align' has 2 labels; an equation block "
                        "gets one number, so only 'eq:a' is kept"]


def test_raw_latex_is_a_warning_at_its_line_and_column():
    _, warnings = _convert("Plain text.\nSee \\ref{eq:a} and \\foo[x]{y}.\n\\newpage\n"
                           "\\begin{figure}\n\\includegraphics{a.png}\n\\end{figure}\n"
                           "Escaped \\\\bar is text, $\\beta$ is math.\n"
                           "\\index{term}\\noindent Quiet \\newline markers.")
    assert warnings == [
        "/book/03-x.md:3:5: warning: raw LaTeX '\\ref{eq:a}' is shown in no format: "
        "write @label",
        "/book/03-x.md:3:20: warning: raw LaTeX '\\foo[x]{y}' is shown in no format: "
        "write it in Markdown",
        "/book/03-x.md:5:1: warning: LaTeX environment 'figure' is shown in no format "
        "(raw LaTeX is dropped): write it in Markdown"]


def test_check_reports_raw_latex_and_strict_fails(book_project):
    project = book_project("minimal")
    chapter = project / "manuscript" / "chapters" / "01-beginnings.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nA \\textbf{bold} word.\n",
                       encoding="utf-8")
    line = chapter.read_text(encoding="utf-8").split("\n").index("A \\textbf{bold} word.") + 1
    result = run_cli("--project", project, "check")
    assert result.code == 0, result.err
    assert (f"01-beginnings.md:{line}:3: warning: raw LaTeX '\\textbf{{bold}}' is shown in no "
            "format: write **text**") in result.err
    strict = run_cli("--project", project, "check", "--strict")
    assert strict.code == 1 and "Traceback" not in strict.err
    assert f"01-beginnings.md:{line}:3: error: raw LaTeX" in strict.err


def test_time_stays_linear_on_unclosed_environments_and_delimiters():
    import time

    body = ("\\begin{equation} x \\begin{figure} \\( \\[ $$ y " * 20_000)[:600_000]
    start = time.perf_counter()
    _, warnings = _convert(body)
    assert time.perf_counter() - start < 10  # about 2 s; quadratic would take minutes
    assert warnings  # every unclosed \begin is reported as raw LaTeX
