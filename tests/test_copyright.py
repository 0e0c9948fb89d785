"""The copyright page's lines: written date, ISBNs per format, edition, printer's key."""

from __future__ import annotations

import datetime as dt

import pytest
from pypdf import PdfReader

from conftest import run_cli
from outputs import fold
from quire.project.copyright import isbn_lines, printer_key, written_date

ISBN_EPUB, ISBN_PDF = "urn:isbn:9780000000019", "urn:isbn:9780000000026"
UUID = "urn:uuid:00000000-0000-4000-8000-000000000001"


@pytest.mark.parametrize("language, written", [
    ("en-GB", "1 November 2026"), ("en-US", "November 1, 2026"), ("fr", "1 novembre 2026"),
    ("de-DE", "1. November 2026"), ("xx-YY", "November 1, 2026")])
def test_the_date_is_written_out_in_the_books_language(language, written):
    assert written_date(dt.date(2026, 11, 1), language) == written


def test_isbns_per_format_are_named_and_urns_never_printed():
    assert isbn_lines({"epub": ISBN_EPUB, "pdf": ISBN_PDF, "docx": UUID}) == [
        "ISBN 978-0-00-000001-9 (EPUB)", "ISBN 978-0-00-000002-6 (PDF)"]
    assert isbn_lines({"epub": ISBN_PDF, "pdf": ISBN_PDF, "docx": ISBN_PDF}) == [
        "ISBN 978-0-00-000002-6"]
    assert isbn_lines({"epub": ISBN_PDF, "pdf": ISBN_PDF, "docx": UUID}) == [
        "ISBN 978-0-00-000002-6 (EPUB, PDF)"]
    assert isbn_lines({"epub": UUID, "pdf": UUID, "docx": UUID}) == []


@pytest.mark.parametrize("printing, key", [(1, "10 9 8 7 6 5 4 3 2 1"),
                                           (3, "12 11 10 9 8 7 6 5 4 3")])
def test_printers_key_counts_down_to_the_printing(printing, key):
    assert printer_key(printing) == key


def test_a_new_book_prints_no_raw_urn(tmp_path):
    assert run_cli("new", tmp_path / "fresh").code == 0
    result = run_cli("--project", tmp_path / "fresh", "build", "--format", "pdf")
    assert result.code == 0, result.err
    reader = PdfReader(next((tmp_path / "fresh" / "build").glob("*.pdf")))
    copyright_page = fold(reader.pages[3].extract_text())
    assert copyright_page.startswith("Fresh Published ")
    assert "urn:" not in " ".join(p.extract_text() for p in reader.pages)
