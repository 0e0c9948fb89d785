"""The author's book, built end to end, and its outputs opened and checked."""

from __future__ import annotations

from conftest import REPO, copy_sample_book, run_cli
from outputs import (docx_paragraphs, epub_text, epubcheck, fold, letters, pdf_fonts,
                     pdf_outline, pdf_text, seed_quotations)

SEED = REPO / "bibliography" / "sources" / "rizzolatti2004.txt"
CHAPTERS = [
    "Chapter 9: Neurological Architecture\u2014Networks, Connectivity, and Dysfunction",
    "Chapter 11: Neurological Contagion\u2014How Narcissistic Patterns Spread",
    "Chapter 18: Can Narcissus Be Healed?",
]


def test_epub_passes_epubcheck_without_errors_or_warnings(sample_build, tmp_path):
    counts = epubcheck(sample_build["epub"], tmp_path)
    assert (counts["FATAL"], counts["ERROR"], counts["WARNING"]) == (0, 0, 0), counts["messages"]


def test_epub_metadata(sample_build):
    import zipfile

    with zipfile.ZipFile(sample_build["epub"]) as zf:
        opf = zf.read("EPUB/content.opf").decode()
        names = zf.namelist()
    assert "<dc:language>en-GB</dc:language>" in opf
    assert "<dc:title" in opf and "Narcissus and the Child" in opf
    assert "urn:isbn:9780000000019" in opf
    assert 'properties="cover-image"' in opf
    assert any(n.endswith("nav.xhtml") for n in names)
    css = next(n for n in names if n.endswith(".css"))
    with zipfile.ZipFile(sample_build["epub"]) as zf:
        assert "quire's EPUB stylesheet" in zf.read(css).decode()


def test_every_format_carries_the_seed_quotations(sample_build):
    quotations = seed_quotations(SEED)
    assert [n for n, _ in quotations] == [9, 11, 18]
    epub, pdf = epub_text(sample_build["epub"]), pdf_text(sample_build["pdf"])
    docx = " ".join(text for _, text in docx_paragraphs(sample_build["docx"]))
    for _, passage in quotations:
        assert fold(passage.replace("---", "\u2014")) in epub
        assert letters(passage) in letters(pdf)
        assert fold(passage.replace("---", "\u2014")) in fold(docx)


def test_pdf_embeds_every_font(sample_build):
    fonts = pdf_fonts(sample_build["pdf"])
    assert fonts, "the PDF uses no fonts at all"
    assert all(fonts.values()), fonts


def test_pdf_outline_lists_the_chapters(sample_build):
    assert pdf_outline(sample_build["pdf"])[:3] == CHAPTERS


def test_pdf_is_a_book(sample_build):
    from pypdf import PdfReader

    reader = PdfReader(sample_build["pdf"])
    pages = [fold(p.extract_text() or "") for p in reader.pages]
    assert pages[0] == "Narcissus and the Child"                   # half-title
    assert pages[1] == ""                                           # its blank verso
    assert pages[2].startswith("Narcissus and the Child The Neuroscience")  # title page
    assert "ISBN 978-0-00-000002-6 (PDF)" in pages[3]               # copyright page
    assert pages[4].startswith("Contents")                          # table of contents
    openers = {}
    for item in reader.outline:
        if not isinstance(item, list):
            openers[item.title] = reader.get_destination_page_number(item)
    for title in CHAPTERS:                                          # chapters open new pages
        assert letters(pages[openers[title]]).startswith(letters(title))
    assert pages[openers[CHAPTERS[0]]].endswith(" 1")               # folio 1 at chapter 9
    running = [(i, text) for i, text in enumerate(pages)
               if i > openers[CHAPTERS[0]] and i not in openers.values() and text]
    assert running, "the sample book should have pages that are not chapter openers"
    heads = [t.split(": ", 1)[-1] for t in openers]  # running heads: titles without labels
    for index, text in running:                                     # running heads
        assert text.startswith("Narcissus and the Child") or any(
            text.startswith(t) for t in heads), text[:80]
        assert text.endswith(str(index - openers[CHAPTERS[0]] + 1)), text[-20:]
    assert reader.metadata.title == "Narcissus and the Child"


def test_pdf_internal_links_resolve(sample_build):
    from pypdf import PdfReader

    reader = PdfReader(sample_build["pdf"])
    internal = [a.get_object() for page in reader.pages for a in page.get("/Annots") or []
                if a.get_object().get("/Subtype") == "/Link" and "/Dest" in a.get_object()
                or a.get_object().get("/A", {}).get("/S") == "/GoTo"]
    assert internal, "no internal links (contents, citations) in the PDF"


def test_docx_chapter_titles_are_heading_1(sample_build):
    headings = [text for style, text in docx_paragraphs(sample_build["docx"])
                if style == "Heading 1"]
    assert headings[:3] == CHAPTERS


def test_docx_styles_come_from_the_reference_document(sample_build):
    import docx

    styles = {s.name for s in docx.Document(str(sample_build["docx"])).styles}
    assert {"Heading 1", "Body Text", "First Paragraph", "Title"} <= styles


def test_two_builds_are_byte_identical(sample_build, tmp_path):
    project = copy_sample_book(tmp_path / "again")
    result = run_cli("--project", project, "build", "--no-cache")
    assert result.code == 0, result.err
    for fmt, first in sample_build.items():
        second = project / "build" / first.name
        assert second.read_bytes() == first.read_bytes(), f"{fmt} differs between builds"


def test_outputs_leak_no_local_paths(sample_build):
    import zipfile

    for fmt in ("epub", "docx"):
        with zipfile.ZipFile(sample_build[fmt]) as zf:
            blob = b"".join(zf.read(n) for n in zf.namelist())
        assert b"site-packages" not in blob and b"/tmp/" not in blob, fmt


def test_sample_book_citations_are_apa(sample_build):
    text = epub_text(sample_build["epub"])
    assert "set out the evidence with care (Rizzolatti & Craighero, 2004)." in text
    assert "Rizzolatti and Craighero describe a system built for exchange (2004);" in text
    assert "how wide the door is (see Rizzolatti & Craighero, 2004, pp. 179\u2013181)." in text
