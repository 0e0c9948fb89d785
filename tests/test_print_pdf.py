"""The print-ready PDF: page order, rectos, folios and page labels, trim and bleed, standards."""

from __future__ import annotations

import re
import shutil

import pytest
from pypdf import PdfReader

from conftest import BOOKS, run_cli
from outputs import fold, pdf_fonts, pdf_lines

MM = 72 / 25.4
ROMAN = re.compile(r"^[ivxlc]+$")


def openers(reader: PdfReader) -> dict[str, int]:
    return {item.title: reader.get_destination_page_number(item) for item in reader.outline
            if not isinstance(item, list)}


def test_every_opening_is_on_a_recto_after_a_blank_verso_when_needed(sample_build):
    reader = PdfReader(sample_build["pdf"])
    opened = openers(reader)
    assert len(opened) == 5  # three chapters, the references, one appendix
    texts = [fold(p.extract_text() or "") for p in reader.pages]
    for title, index in opened.items():
        assert (index + 1) % 2 == 1, f"{title} opens on physical page {index + 1}"
    blanks = [index for index, text in enumerate(texts) if not text]
    assert blanks, "the sample book has openings that need a blank verso"
    for index in blanks:  # a verso (no head, no folio): behind the half-title, or before an opening
        assert (index + 1) % 2 == 0
        assert index == 1 or index + 1 in set(opened.values())


def test_page_labels_match_the_printed_folios(sample_build):
    reader = PdfReader(sample_build["pdf"])
    labels = reader.page_labels
    body = openers(reader)[next(iter(openers(reader)))]
    assert labels[:body] == ["i", "ii", "iii", "iv", "v", "vi"][:body]
    assert labels[body:] == [str(n) for n in range(1, len(labels) - body + 1)]
    assert (body + 1) % 2 == 1                                  # page 1 is a recto
    checked = 0
    for index, page in enumerate(reader.pages):
        if index < 4:  # half-title, title and copyright pages carry no folio
            continue
        words = (page.extract_text() or "").split()
        if words and (words[-1].isdigit() or ROMAN.match(words[-1])):
            assert words[-1] == labels[index], f"physical page {index + 1}"
            checked += 1
    assert checked >= len(labels) - 8  # every page but the unnumbered and blank ones


def test_running_heads_title_on_versos_chapter_on_rectos(sample_build):
    reader = PdfReader(sample_build["pdf"])
    first = min(openers(reader).values())
    for index in range(first + 1, len(reader.pages)):
        lines = (reader.pages[index].extract_text() or "").splitlines()
        if not lines or index in openers(reader).values():
            continue
        if (index + 1) % 2 == 0:
            assert lines[0] == "Narcissus and the Child"
        else:
            assert not lines[0].startswith(("Chapter", "Appendix")), lines[0]


def test_trim_box_is_the_page_and_fonts_are_embedded(sample_build):
    reader = PdfReader(sample_build["pdf"])
    for page in reader.pages:
        assert float(page.trimbox.width) == pytest.approx(148 * MM, abs=0.5)
        assert float(page.trimbox.height) == pytest.approx(210 * MM, abs=0.5)
    assert all(pdf_fonts(sample_build["pdf"]).values())


def test_copyright_page_prints_isbns_date_edition_and_no_urn(sample_build):
    page = fold(PdfReader(sample_build["pdf"]).pages[3].extract_text())
    for line in ("Published by Quire Press", "First edition published 1 November 2026",
                 "ISBN 978-0-00-000001-9 (EPUB)", "ISBN 978-0-00-000002-6 (PDF)",
                 "10 9 8 7 6 5 4 3 2 1"):
        assert line in page
    assert "urn:" not in page and "2026-11-01" not in page
    assert "Re- covery" not in page and "Recov- ery" not in page


def test_further_reading_has_a_hanging_indent(sample_build):
    lines = pdf_lines(sample_build["pdf"])
    start = next(i for i, line in enumerate(lines) if line[3].startswith("Gallese, V. (2003)"))
    page, x, y, _ = lines[start]
    below = [line for line in lines[start + 1:] if line[0] == page and line[2] < y - 5]
    second = min(line[1] for line in below if line[2] == below[0][2])  # the entry's next line
    assert second - x == pytest.approx(2 * 10.5, abs=1.5)  # a 2em hanging indent at 10.5 pt


def build_with(tmp_path, output: str):
    project = tmp_path / "book"
    shutil.copytree(BOOKS / "minimal", project)
    (project / "book.yaml").write_text((project / "book.yaml").read_text() + output)
    result = run_cli("--project", project, "build", "--format", "pdf")
    assert result.code == 0, result.err
    return PdfReader(next((project / "build").glob("*.pdf")))


def test_trade_size_with_bleed_crop_marks_and_both_standards(tmp_path):
    reader = build_with(tmp_path, "output:\n  paper: 6x9in\n  bleed: 0.125in\n"
                                  "  pdf_standard: pdf/a-2b+ua-1\n")
    offset = (3.175 + 8) * MM  # the bleed, and the room for the crop marks
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(6 * 72 + 2 * offset, abs=0.1)
        assert float(page.trimbox.width) == pytest.approx(6 * 72, abs=0.1)
        assert float(page.trimbox.height) == pytest.approx(9 * 72, abs=0.1)
        assert float(page.bleedbox.width) == pytest.approx(6 * 72 + 2 * 3.175 * MM, abs=0.1)
        assert float(page.trimbox.left) == pytest.approx(offset, abs=0.1)
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "<pdfaid:part>2</pdfaid:part>" in xmp and "<pdfaid:conformance>B" in xmp
    assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
    assert "/StructTreeRoot" in reader.trailer["/Root"]


@pytest.mark.parametrize("standard, marker", [("pdf/a-2b", "pdfaid:part"),
                                              ("pdf/ua-1", "pdfuaid:part")])
def test_each_standard_alone(tmp_path, standard, marker):
    reader = build_with(tmp_path, f"output:\n  paper: royal\n  pdf_standard: {standard}\n")
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert marker in xmp
    assert float(reader.pages[0].mediabox.width) == pytest.approx(156 * MM, abs=0.1)


def test_short_title_is_the_running_head_of_rectos(tmp_path):
    project = tmp_path / "book"
    shutil.copytree(BOOKS / "minimal", project)
    chapter = next((project / "manuscript" / "chapters").glob("01-*.md"))
    paragraph = ("A long paragraph that fills the page with plain words, one after another, "
                 "so that the chapter runs on to a right-hand page with a running head. ")
    chapter.write_text("# A Very Long Chapter Title That Would Not Fit in the Running Head "
                       "{short=\"Long Chapter\"}\n\n" + (paragraph * 6 + "\n\n") * 12)
    result = run_cli("--project", project, "build", "--format", "pdf")
    assert result.code == 0, result.err
    reader = PdfReader(next((project / "build").glob("*.pdf")))
    first = openers(reader)["Chapter 1: A Very Long Chapter Title That Would Not Fit in the "
                            "Running Head"]
    heads = {index: (reader.pages[index].extract_text() or "").splitlines()[0]
             for index in range(first + 1, first + 4)}
    assert heads[first + 1] == "A Minimal Book"   # verso: the book's title
    assert heads[first + 2] == "Long Chapter"     # recto: the chapter's short title
