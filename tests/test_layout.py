"""The printed page's settings: trim sizes, lengths, margins, bleed; errors at book.yaml's line."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_cli
from quire.errors import QuireError, SourceLocation
from quire.project.layout import PageLayout, default_margins, parse_length, parse_paper

HERE = SourceLocation(Path("book.yaml"), 3)


@pytest.mark.parametrize("written, size", [
    ("a5", (148, 210)), ("royal", (156, 234)), ("6x9in", (152.4, 228.6)),
    ("5.5 x 8.5 in", (139.7, 215.9)), ("156x234mm", (156, 234)), ("15.6cm x 23.4cm", (156, 234)),
    ("US-Trade", (152.4, 228.6))])
def test_trim_sizes_by_name_or_dimensions(written, size):
    assert parse_paper(written, HERE) == pytest.approx(size)


@pytest.mark.parametrize("written", ["a7x", "6x9", "6 by 9 in", "1x2in", 5])
def test_an_unknown_trim_size_is_an_error_at_its_line(written):
    with pytest.raises(QuireError) as info:
        parse_paper(written, HERE)
    assert info.value.location == HERE


@pytest.mark.parametrize("written, mm", [("3mm", 3), ("0.125in", 3.175), ("1cm", 10),
                                         ("72pt", 25.4)])
def test_lengths(written, mm):
    assert parse_length(written, HERE) == pytest.approx(mm)


@pytest.mark.parametrize("paper", ["a5", "royal", "us-trade", "us-digest", "a4"])
@pytest.mark.parametrize("size", [9.5, 10.5, 12])
def test_default_margins_give_a_book_measure_with_the_inner_margin_larger(paper, size):
    width, height = parse_paper(paper, HERE)
    margins = default_margins(width, height, size)
    layout = PageLayout(width, height, **margins)
    assert 55 <= layout.measure(size) <= 70
    assert margins["inner"] > margins["outer"]


def check(book_project, output: str):
    project = book_project("minimal")
    config = project / "book.yaml"
    config.write_text(config.read_text() + output)
    return config, run_cli("--project", project, "check")


def line_of(config: Path, text: str) -> int:
    return config.read_text().splitlines().index(text) + 1


def test_check_rejects_an_unknown_paper_size_at_its_line(book_project):
    config, result = check(book_project, "output:\n  paper: a7x\n")
    assert result.code == 1
    assert result.err.startswith(f"{config}:{line_of(config, '  paper: a7x')}: error: "
                                 f"unknown paper size 'a7x'")


def test_check_rejects_a_bleed_with_no_room_at_its_line(book_project):
    config, result = check(book_project, "output:\n  paper: a5\n  bleed: 3mm\n  margins:\n"
                                         "    outer: 4mm\n")
    assert result.code == 1
    assert result.err.startswith(
        f"{config}:{line_of(config, '  bleed: 3mm')}: error: a bleed of 3 mm leaves no room "
        f"on this paper: the outer margin (4 mm)")


def test_check_rejects_margins_that_make_lines_too_long(book_project):
    config, result = check(book_project, "output:\n  margins:\n    inner: 5mm\n    outer: 5mm\n")
    assert result.code == 1
    assert f"{config}:{line_of(config, '  margins:')}: error: the margins leave about" in result.err


def test_check_rejects_an_unknown_pdf_standard(book_project):
    config, result = check(book_project, "output:\n  pdf_standard: pdf/x-4\n")
    assert result.code == 1
    assert f"{config}:{line_of(config, '  pdf_standard: pdf/x-4')}: error: unknown PDF " \
           f"standard" in result.err
