"""Cross-references, captions, headings and front/back matter end to end, in all three formats.

Two books of the repository's own: ``tests/books/quarto-style`` (Quarto's
syntax, numbered by chapter, APA captions, parts, a preface, acknowledgements,
an appendix of the author's, a chapter with two ``# `` headings) and
``tests/books/crossref-thesis`` (pandoc-crossref's syntax, numbered through the
book, plain captions, headings that number themselves). Each expected string is
written out; each must read the same in the EPUB, the PDF and the DOCX.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from html import unescape

import pytest

from conftest import BOOKS, run_cli
from outputs import docx_paragraphs, epub_text, epubcheck, fold, pdf_text

QUARTO_TEXT = [
    "This preface stands before the first chapter. The argument opens in the Introduction "
    "and its procedure is in Chapter 2.",
    "The square in Figure 1.1 is drawn in one colour; the scores in Table 1.1 come from two "
    "groups, and Equation 1.1 relates them (Smith & Jones, 2020).",
    "As Figure 1.1 showed and see above explained, the scores (Table 1.1) follow Equation "
    "1.1. The measures are in Appendix A.",
    "Figure 2.1 comes after Figure 1.1, and the introduction and Chapter 1 both lead back.",
    "Table A.1 lists them.",
    "Thanks go to everyone named in Chapter 1.",
]
QUARTO_CAPTIONS = [("Figure 1.1", "A small blue square"), ("Table 1.1", "Scores of the two groups"),
                   ("Figure 2.1", "The flow of the study"), ("Table A.1", "The measures used")]
QUARTO_CHAPTERS = ["Preface", "Part I: Groundwork", "Chapter 1: Introduction", "Part II: Method",
                   "Chapter 2: Methods", "Acknowledgements", "References",
                   "Appendix A: Measures",
                   "Appendix B: Smith & Jones, 2020 \u2014 A study of beginnings"]

THESIS_TEXT = [
    "A short summary of the thesis; its main result is 1 in Chapter 2.",
    "Figure 1 shows the sample; Figures 1 and 2 show it twice, and Table 1 counts it (see "
    "also Smith & Jones, 2020).",
    "and eq. 1 holds for both sites in Table 1. The aims (1.1 Aims) are met; the sample "
    "(fig. 1) is as in 1. Introduction.",
]
THESIS_CAPTIONS = ["Figure 1: The sample", "Figure 2: A detail of the sample",
                   "Table 1: Counts per site"]


def build_book(tmp_path_factory, name: str) -> dict:
    root = tmp_path_factory.mktemp(name) / "book"
    shutil.copytree(BOOKS / name, root)
    result = run_cli("--project", root, "build", "--format", "all", "--strict")
    assert result.code == 0, result.err
    outputs = {p.suffix[1:]: p for p in (root / "build").iterdir() if p.is_file()}
    return {"root": root, **outputs}


@pytest.fixture(scope="module")
def quarto(tmp_path_factory) -> dict:
    return build_book(tmp_path_factory, "quarto-style")


@pytest.fixture(scope="module")
def thesis(tmp_path_factory) -> dict:
    return build_book(tmp_path_factory, "crossref-thesis")


def all_texts(built: dict) -> dict[str, str]:
    docx = " ".join(text for _, text in docx_paragraphs(built["docx"]))
    return {"epub": epub_text(built["epub"]), "pdf": pdf_text(built["pdf"]), "docx": fold(docx)}


def test_quarto_references_read_the_same_in_every_format(quarto):
    for fmt, text in all_texts(quarto).items():
        for sentence in QUARTO_TEXT:
            assert fold(sentence) in text, (fmt, sentence)
        for label, title in QUARTO_CAPTIONS:
            assert f"{label} {title}" in text, (fmt, label)


def test_thesis_references_read_the_same_in_every_format(thesis):
    for fmt, text in all_texts(thesis).items():
        for sentence in THESIS_TEXT:
            assert fold(sentence) in text, (fmt, sentence)
        for caption in THESIS_CAPTIONS:
            assert caption in text, (fmt, caption)


def test_chapters_parts_and_matter_in_order(quarto, thesis):
    headings = [text for style, text in docx_paragraphs(quarto["docx"]) if style == "Heading 1"]
    assert headings == QUARTO_CHAPTERS
    assert ("Heading 2", "Analysis") in docx_paragraphs(quarto["docx"])  # second "# " heading
    thesis_headings = [t for s, t in docx_paragraphs(thesis["docx"]) if s == "Heading 1"]
    assert thesis_headings[:3] == ["Abstract", "1. Introduction", "2. Results"]
    with zipfile.ZipFile(quarto["epub"]) as zf:
        nav = zf.read("EPUB/nav.xhtml").decode()
    toc = re.search(r'<nav epub:type="toc".*?</nav>', nav, re.S).group(0)
    entries = [fold(unescape(re.sub("<[^>]+>", "", t))) for t in re.findall(r"<a [^>]*>(.*?)</a>", toc)]
    assert entries == QUARTO_CHAPTERS  # the title page is not a chapter of the contents


def test_pdf_front_matter_has_roman_folios(quarto):
    from pypdf import PdfReader

    reader = PdfReader(quarto["pdf"])
    pages = [fold(p.extract_text() or "") for p in reader.pages]
    labels = reader.page_labels
    contents = next(i for i, p in enumerate(pages) if p.startswith("Contents"))
    preface = next(i for i, p in enumerate(pages) if p.startswith("Preface This preface"))
    part = next(i for i, p in enumerate(pages) if p.startswith("PART I Groundwork"))
    chapter = next(i for i, p in enumerate(pages) if p.startswith("CHAPTER 1 Introduction The square"))
    folios = [pages[i].split()[-1] for i in (preface, part, chapter)]
    assert folios == [labels[i] for i in (preface, part, chapter)]  # each printed as labelled
    # the preface continues the roman folios of the title pages and contents; the
    # arabic ones start at 1 with Part I, and chapter 1 opens on a recto after it
    roman = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi"]
    assert folios[0] == roman[preface] and contents < preface < part < chapter
    assert folios[1] == "1" and int(folios[2]) % 2 == 1
    assert re.search(rf"Preface[ .]+{folios[0]} Part I: Groundwork[ .]+1 ", pages[contents])


def test_captions_are_apa_and_tables_have_them_above(quarto):
    with zipfile.ZipFile(quarto["docx"]) as zf:
        document = zf.read("word/document.xml").decode()
    caption = re.search(r'<w:p><w:pPr><w:pStyle w:val="ImageCaption" />'
                        r"(?:(?!</w:p>).)*?Figure\s1\.1(?:(?!</w:p>).)*</w:p>", document)
    assert caption and "<w:b />" in caption.group(0) and "<w:br />" in caption.group(0)
    assert re.search(r"<w:i />(?:(?!</w:r>).)*A small blue square", caption.group(0))
    assert document.index("Scores of the two groups") < document.index("<w:tbl>")
    pdf = pdf_text(quarto["pdf"])
    assert pdf.index("Table 1.1 Scores of the two groups") < pdf.index("Group Score A 12")
    with zipfile.ZipFile(quarto["epub"]) as zf:
        chapter = next(zf.read(n).decode() for n in zf.namelist()
                       if n.endswith(".xhtml") and "fig-square" in zf.read(n).decode()
                       and "<figure" in zf.read(n).decode())
    assert re.search("<figcaption><strong>Figure\u00a01.1</strong><br ?/>\n"
                     "<em>A small blue square</em></figcaption>", chapter)
    assert re.search("<caption><strong>Table\u00a01.1</strong><br ?/>\n"
                     "<em>Scores of the two groups</em>", chapter)


def test_every_internal_link_lands_in_the_epub(quarto, thesis):
    for built in (quarto, thesis):  # (EPUBCheck, which is slow, on the first)
        with zipfile.ZipFile(built["epub"]) as zf:
            pages = {n.rsplit("/", 1)[-1]: zf.read(n).decode() for n in zf.namelist()
                     if n.endswith(".xhtml")}
        ids = {(name, i) for name, page in pages.items()
               for i in re.findall(r' id="([^"]+)"', page)}
        links = [(target.rsplit("/", 1)[-1] or name, anchor) for name, page in pages.items()
                 for target, anchor in re.findall(r'href="([^"#:]*)#([^"]+)"', page)]
        assert len(links) >= 12
        assert [link for link in links if link not in ids] == []
    counts = epubcheck(quarto["epub"], quarto["root"])
    assert (counts["FATAL"], counts["ERROR"], counts["WARNING"]) == (0, 0, 0), counts["messages"]


def test_every_cross_reference_is_a_link_in_docx_and_pdf(quarto):
    with zipfile.ZipFile(quarto["docx"]) as zf:
        document = zf.read("word/document.xml").decode()
    anchors = set(re.findall(r'w:anchor="([^"]+)"', document))
    bookmarks = set(re.findall(r'w:bookmarkStart[^>]*w:name="([^"]+)"', document))
    assert {"fig-square", "tbl-scores", "eq-line", "sec-methods", "sec-intro", "fig-flow",
            "sec-measures", "tbl-measures", "sec-background", "chapter-1"} <= anchors <= bookmarks
    from pypdf import PdfReader

    reader = PdfReader(quarto["pdf"])
    named = reader.named_destinations
    texts = [p.extract_text() or "" for p in reader.pages]
    figure_page = next(i for i, t in enumerate(texts) if "A small blue square" in t)
    methods_page = next(i for i, t in enumerate(texts) if fold(t).startswith("CHAPTER 2 Methods"))
    numbers = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}

    def page_of(dest) -> int:  # an explicit destination, or a named one (Typst writes both)
        if isinstance(dest, list):
            return numbers[dest[0].idnum]
        return reader.get_destination_page_number(named[str(dest)])

    targets = [page_of(annot.get_object()["/Dest"])
               for annot in reader.pages[methods_page].get("/Annots") or []]
    # Figure 1.1, Background, Table 1.1, Equation 1.1 (all on one page), then Appendix A
    assert targets[:4] == [figure_page] * 4 and fold(texts[targets[4]]).startswith("APPENDIX A Measures")


def test_equations_are_numbered_in_every_format(thesis):
    with zipfile.ZipFile(thesis["docx"]) as zf:
        document = zf.read("word/document.xml").decode()
    math = re.findall(r"<m:oMath>.*?</m:oMath>", document, re.S)
    assert len(math) == 1 and re.sub(r"<[^>]+>", "", math[0]).endswith("(1)")
    assert re.search(r"𝑛0 \(1\) and eq\. 1 holds", pdf_text(thesis["pdf"]))
    with zipfile.ZipFile(thesis["epub"]) as zf:
        xhtml = " ".join(zf.read(n).decode() for n in zf.namelist() if n.endswith(".xhtml"))
    equation = re.search(r'id="eq:growth"[^>]*>(.*?)</math>', xhtml, re.S)
    assert equation and re.search(r"\(\s*(?:<[^>]+>\s*)*1\s*(?:<[^>]+>\s*)*\)", equation.group(1))


def test_editor_texts_of_a_chapter_with_two_top_headings(quarto):
    methods = fold((quarto["root"] / "build" / "chapters" / "02-methods.txt").read_text())
    assert methods.startswith("Part II: Method Chapter 2: Methods As Figure 1.1 showed")
    assert "Figure 2.1 The flow of the study Analysis A second level-one heading" in methods
    names = sorted(p.stem for p in (quarto["root"] / "build" / "chapters").glob("*.txt"))
    assert names == ["00-preface", "01-introduction", "02-methods", "03-measures", "04-thanks",
                     "appendix-smith2020", "references"]
    thanks = (quarto["root"] / "build" / "chapters" / "04-thanks.txt").read_text()
    assert fold(thanks) == "Acknowledgements Thanks go to everyone named in Chapter 1."
