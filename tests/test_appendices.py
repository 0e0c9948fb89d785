"""Research appendices: sections, reference, "Cited in" links, editions, templates as data."""

from __future__ import annotations

import re
import shutil
import zipfile

import pytest

from conftest import BOOKS, copy_sample_book, run_cli
from outputs import docx_paragraphs, epub_text, epubcheck, fold, letters, pdf_lines, pdf_text

APPENDIX = "Appendix A: Rizzolatti & Craighero, 2004 \u2014 The mirror-neuron system"
SECTIONS = ["What This Research Found", "How This Research Is Used in the Book",
            "Why This Matters for Survivors", "Clinical Implications", "Broader Implications",
            "Limitations and Considerations", "Historical Context"]


def appendix_page(epub) -> str:
    with zipfile.ZipFile(epub) as zf:
        return next(zf.read(n).decode() for n in sorted(zf.namelist())
                    if n.endswith(".xhtml") and 'id="appendix-rizzolatti2004"' in zf.read(n).decode())


def test_sample_appendix_has_reference_sections_and_cited_in(sample_build):
    page = appendix_page(sample_build["epub"])
    text = fold(re.sub(r"<[^>]+>", "", page.replace("&amp;", "&")))
    assert APPENDIX in text
    assert ("Rizzolatti, G., & Craighero, L. (2004). The mirror-neuron system. Annual Review of "
            "Neuroscience, 27, 169\u2013192.") in text
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", page)
    assert headings == SECTIONS + ["Cited in", "Further Reading"]
    assert "<blockquote>" in page  # the book's quotations, set as block quotations
    assert "Iacoboni, M. (2008). Mirroring people: The new science of how we connect with others." \
        in text


def test_cited_in_links_reach_the_chapters(sample_build):
    page = appendix_page(sample_build["epub"])
    links = re.findall(r'<a href="(ch\d+\.xhtml)#(chapter-\d+)">Chapter (\d+):', page)
    assert [int(n) for _, _, n in links] == [9, 11, 18]
    with zipfile.ZipFile(sample_build["epub"]) as zf:
        for target, anchor, _ in links:
            assert f'id="{anchor}"' in zf.read(f"EPUB/text/{target}").decode()
    with zipfile.ZipFile(sample_build["docx"]) as zf:
        document = zf.read("word/document.xml").decode()
    for number in (9, 11, 18):
        assert f'w:anchor="chapter-{number}"' in document
        assert f'w:name="chapter-{number}"' in document


def test_pdf_appendix_links_go_back_to_the_chapters(sample_build):
    from pypdf import PdfReader

    reader = PdfReader(sample_build["pdf"])
    numbers = {p.indirect_reference.idnum: i for i, p in enumerate(reader.pages)}
    outline = {item.title: reader.get_destination_page_number(item) for item in reader.outline
               if not isinstance(item, list)}
    assert APPENDIX in outline
    chapter_pages = sorted(v for k, v in outline.items() if k.startswith("Chapter"))
    targets = []
    for page in reader.pages[outline[APPENDIX]:]:
        for annot in page.get("/Annots") or []:
            dest = annot.get_object().get("/Dest")
            dest = dest.get_object() if dest is not None else None
            if isinstance(dest, str):  # a named destination: the chapter's label
                targets.append(reader.get_destination_page_number(reader.named_destinations[dest]))
            elif isinstance(dest, list):
                targets.append(numbers[dest[0].idnum])
    assert sorted(set(targets)) == chapter_pages


def test_every_format_carries_the_appendix(sample_build, tmp_path):
    assert fold(APPENDIX) in epub_text(sample_build["epub"])
    assert letters(APPENDIX) in letters(pdf_text(sample_build["pdf"]))
    headings = [t for s, t in docx_paragraphs(sample_build["docx"]) if s == "Heading 1"]
    assert headings[-2:] == ["References", APPENDIX]
    counts = epubcheck(sample_build["epub"], tmp_path)
    assert (counts["ERROR"], counts["WARNING"]) == (0, 0), counts["messages"]


def test_an_edition_without_clinical_implications(sample_build, tmp_path):
    root = copy_sample_book(tmp_path / "book")
    result = run_cli("--project", root, "build", "--edition", "survivors", "--format", "epub")
    assert result.code == 0, result.err
    edition = root / "build" / "narcissus-and-the-child-survivors.epub"
    assert result.out.split() == [str(edition)]
    full, less = epub_text(sample_build["epub"]), epub_text(edition)
    start = full.index("Clinical Implications For psychiatrists")
    end = full.index("Broader Implications Mirror neuron research extends")
    assert less == full[:start] + full[end:]  # that section gone, and nothing else


def test_unknown_edition(book_project):
    result = run_cli("--project", book_project("minimal"), "build", "--edition", "nope")
    assert result.code == 1 and "unknown edition 'nope' (editions: none are defined)" in result.err


@pytest.fixture
def passages_book(tmp_path):
    root = tmp_path / "passages"
    shutil.copytree(BOOKS / "passages", root)
    return root


def test_entry_text_is_data_never_a_template(passages_book):
    assert run_cli("--project", passages_book, "build", "--format", "epub", "--strict").code == 0
    text = epub_text(passages_book / "build" / "quoting-a-study.epub")
    assert "{{ 7*7 }} and {% raw %} stay as written." in text
    assert "49" not in text


def test_a_chapter_quotes_a_passage_of_the_study(passages_book):
    assert run_cli("--project", passages_book, "build", "--format", "epub").code == 0
    text = epub_text(passages_book / "build" / "quoting-a-study.epub")
    assert ("As the study puts it: Beginnings shape what follows more than any middle does. "
            "(Smith & Jones, 2020, p. 7) And the chapter goes on.") in text


def test_unknown_passage_id_is_located(passages_book):
    chapter = passages_book / "manuscript/chapters/01-beginnings.md"
    chapter.write_text(chapter.read_text().replace("#beginnings", "#endings"))
    result = run_cli("--project", passages_book, "check")
    assert result.code == 1 and "Traceback" not in result.err
    assert result.err.splitlines()[0] == (
        f"{chapter}:7:21: error: entry 'smith2020' has no passage 'endings' (its passages: "
        "beginnings)")


def test_template_errors_name_the_template_file_and_line(passages_book):
    templates = passages_book / "templates"
    templates.mkdir()
    (templates / "appendix.md.j2").write_text("# {{ appendix.title }}\n\n{{ appendix.nope }}\n")
    result = run_cli("--project", passages_book, "build")
    assert result.code == 1 and "Traceback" not in result.err
    assert result.err.startswith(f"{templates / 'appendix.md.j2'}:3: error: template error: ")
    assert "nope" in result.err.splitlines()[0]
    (templates / "appendix.md.j2").write_text("# {{ appendix.title }\n")
    broken = run_cli("--project", passages_book, "check")
    assert broken.code == 1
    assert broken.err.startswith(f"{templates / 'appendix.md.j2'}:1: error: template syntax error")


def test_a_project_template_replaces_the_default(passages_book):
    templates = passages_book / "templates"
    templates.mkdir()
    (templates / "appendix.md.j2").write_text(
        "# Study {{ appendix.letter }}: {{ appendix.short }} { #{{ appendix.anchor }} }\n\n"
        "{% for s in appendix.sections %}{{ s.title }}; {% endfor %}\n")
    assert run_cli("--project", passages_book, "build", "--format", "epub").code == 0
    text = epub_text(passages_book / "build" / "quoting-a-study.epub")
    assert "Study A: Smith & Jones, 2020 What This Research Found; How This Research Is Used" in text


#: The author's commentary after a chapter quotation in the sample's entry, and the quotation.
AFTER_QUOTE = "The book uses this framework to explain why interactions"
QUOTED = "Giacomo Rizzolatti\u2019s discovery of mirror neurons"


def test_text_after_a_quotation_is_outside_the_block_quotation(sample_build):
    """The paragraph after ``:::`` is the author's, not a lazy continuation of the quote."""
    from lxml import etree

    root = etree.fromstring(appendix_page(sample_build["epub"]).encode())
    paragraphs = [("".join(p.itertext()), p) for p in root.iter("{*}p")]
    after = next(p for text, p in paragraphs if text.startswith(AFTER_QUOTE))
    quoted = next(p for text, p in paragraphs if text.startswith(QUOTED))
    assert quoted.getparent().tag.endswith("blockquote")
    assert not any(a.tag.endswith("blockquote") for a in after.iterancestors())

    paragraphs_docx = docx_paragraphs(sample_build["docx"])  # chapter 9 holds the text too
    assert [s for s, text in paragraphs_docx if text.startswith(QUOTED)][-1] == "Block Text"
    assert next(s for s, text in paragraphs_docx if text.startswith(AFTER_QUOTE)) != "Block Text"

    lines = pdf_lines(sample_build["pdf"])  # a block quotation is inset from the left margin
    quote_x = [x for _, x, _, text in lines if text.startswith(QUOTED[:25])][-1]
    after_x = next(x for _, x, _, text in lines if text.startswith(AFTER_QUOTE[:25]))
    assert after_x < quote_x - 5
