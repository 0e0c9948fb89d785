"""The DOCX: the book's page, running head and folio, title page, contents field, styles."""

from __future__ import annotations

import importlib.util
import re
import shutil
import zipfile

import docx
import pytest

from conftest import BOOKS, REPO, run_cli

TWIPS_PER_MM = 1440 / 25.4


def part(path, name: str) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read(name).decode()


def test_page_is_the_books_trim_with_facing_margins(sample_build):
    section = docx.Document(str(sample_build["docx"])).sections[0]
    assert section.page_width.mm == pytest.approx(148, abs=0.1)
    assert section.page_height.mm == pytest.approx(210, abs=0.1)
    assert section.left_margin > section.right_margin  # the inner margin, at the binding
    assert "<w:mirrorMargins />" in part(sample_build["docx"], "word/settings.xml")


def test_running_head_folio_and_contents_fields(sample_build):
    path = sample_build["docx"]
    headers = [n for n in zipfile.ZipFile(path).namelist() if re.match(r"word/header\d*", n)]
    head = "".join(part(path, n) for n in headers)
    assert 'STYLEREF "Heading 1"' in head and "Narcissus and the Child" in head
    assert "QUIRE-RUNNING-HEAD" not in head
    footers = [n for n in zipfile.ZipFile(path).namelist() if re.match(r"word/footer\d*", n)]
    assert any(" PAGE " in part(path, n) for n in footers)
    document = part(path, "word/document.xml")
    assert 'TOC \\o &quot;1-1&quot;' in document
    assert "<w:titlePg />" in document  # no running head on the title page


def test_title_page_and_styles_look_like_the_pdf(sample_build):
    document = docx.Document(str(sample_build["docx"]))
    first = [(p.style.name, p.text) for p in document.paragraphs[:4]]
    assert first == [("Title", "Narcissus and the Child"),
                     ("Subtitle", "The Neuroscience of Narcissistic Abuse and the Path to Recovery"),
                     ("Author", "A. N. Author"), ("Date", "1 November 2026")]
    heading = document.styles["Heading 1"]
    assert heading.paragraph_format.page_break_before  # chapters start on new pages
    assert heading.font.color.rgb == docx.shared.RGBColor(0, 0, 0)
    assert document.styles["Normal"].font.name == "Libertinus Serif"
    assert document.styles["Normal"].font.size.pt == 10.5
    assert document.styles["Bibliography"].paragraph_format.first_line_indent < 0


def test_trade_size_reaches_the_docx(tmp_path):
    project = tmp_path / "book"
    shutil.copytree(BOOKS / "minimal", project)
    (project / "book.yaml").write_text((project / "book.yaml").read_text()
                                       + "output:\n  paper: 6x9in\n")
    result = run_cli("--project", project, "build", "--format", "docx")
    assert result.code == 0, result.err
    section = docx.Document(str(next((project / "build").glob("*.docx")))).sections[0]
    assert section.page_width.inches == pytest.approx(6, abs=0.01)
    assert section.page_height.inches == pytest.approx(9, abs=0.01)


def test_reference_docx_is_what_its_script_makes():
    spec = importlib.util.spec_from_file_location("make_reference_docx",
                                                  REPO / "scripts" / "make_reference_docx.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    made = script.make()
    assert made == (REPO / "quire" / "templates" / "reference.docx").read_bytes()
    assert made == script.make()  # reproducible
