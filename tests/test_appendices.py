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


# --- the appendix data as pure functions on small inputs (issue 15: fast enough to mutate) ---

import dataclasses  # noqa: E402
from pathlib import Path  # noqa: E402

from quire.build.appendices import (appendix_entries, build_appendices,  # noqa: E402
                              render_appendix, section_markdown)
from quire.crossref.index import letter as _letter  # noqa: E402  (appendices' letters)
from quire.project.appendix_config import AppendicesConfig, Edition  # noqa: E402
from quire.citations.keys import cited  # noqa: E402
from quire.citations.resolve import make_engine, resolve_citations  # noqa: E402
from quire.citations.style import style_path  # noqa: E402
from quire.citations.syntax import find_citation_groups  # noqa: E402
from quire.project.config import load_config  # noqa: E402
from quire.entries.store import load_bibliography  # noqa: E402
from quire.errors import QuireError, SourceLocation  # noqa: E402
from quire.project.manuscript import read_chapters  # noqa: E402
from quire.model import Bibliography, Entry, Section  # noqa: E402

FOUND, USED, CLINICAL, READING = ("What This Research Found", "How This Research Is Used in "
                                  "the Book", "Clinical Implications", "Further Reading")


def book_data(root: Path, bibliography: Bibliography | None = None):
    """What the build's stages hand to build_appendices, for a small book."""
    config = load_config(root)
    chapters = read_chapters(config)
    bibliography = bibliography or load_bibliography(root)
    csl = style_path(config)
    groups = {c.path: find_citation_groups(c.body, c.path, c.body_line) for c in chapters}
    resolved = resolve_citations(chapters, groups, bibliography, csl)
    return config, chapters, bibliography, csl, cited(groups), resolved.engine


def test_appendix_letters_run_a_to_z_then_aa():
    assert [_letter(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]


def test_the_appendix_of_a_cited_entry_holds_its_data():
    config, chapters, bibliography, csl, citations, engine = book_data(BOOKS / "passages")
    entries = appendix_entries(config, bibliography, citations)
    assert [e.key for e in entries] == ["smith2020"]
    (appendix,) = build_appendices(config, None, entries, chapters, citations, bibliography,
                                   engine, csl)
    assert (appendix.letter, appendix.key, appendix.anchor) == ("A", "smith2020",
                                                                 "appendix-smith2020")
    assert appendix.short == engine.short_form("smith2020")
    assert "Smith" in appendix.short and "2020" in appendix.short
    assert appendix.title == "A study of beginnings"
    assert appendix.reference == dict(engine.bibliography(["smith2020"]))["smith2020"]
    assert [s.title for s in appendix.sections] == [FOUND, USED, "Passages", CLINICAL]
    assert appendix.sections[0].text == ("It found that beginnings matter. {{ 7*7 }} and "
                                         "{% raw %} stay as written.")
    assert [(c.number, c.title, c.anchor) for c in appendix.cited_in] == [
        (1, "Beginnings", "chapter-1")]
    assert appendix.further_reading == []
    assert build_appendices(config, None, [], chapters, citations, bibliography, engine,
                            csl) == []


def two_entry_book(tmp_path: Path):
    """The passages book with a second, uncited entry that has further reading."""
    root = tmp_path / "book"
    shutil.copytree(BOOKS / "passages", root)
    bibliography = load_bibliography(root)
    path = root / "bibliography" / "entries" / "abel1999.md"
    extra = Entry("abel1999", path, {"id": "abel1999", "type": "book", "title": "Older work",
                                     "author": [{"family": "Abel", "given": "Z."}],
                                     "issued": {"date-parts": [[1999]]}, "publisher": "P"},
                  (Section(FOUND, "Found *this*.", 5), Section(CLINICAL, "Care.", 7),
                   Section(READING, "- ref", 9)), further_reading=("later2005",))
    later = {"id": "later2005", "type": "book", "title": "Later reading",
             "author": [{"family": "Later", "given": "L."}],
             "issued": {"date-parts": [[2005]]}, "publisher": "P"}
    bibliography = dataclasses.replace(bibliography,
                                       entries={**bibliography.entries, "abel1999": extra},
                                       references={**bibliography.references, "later2005": later})
    return book_data(root, bibliography)


def test_all_entries_get_appendices_in_reference_order_with_their_further_reading(tmp_path):
    config, chapters, bibliography, csl, citations, engine = two_entry_book(tmp_path)
    assert [e.key for e in appendix_entries(config, bibliography, citations)] == ["smith2020"]
    config = dataclasses.replace(config, appendices=AppendicesConfig(entries="all"))
    entries = appendix_entries(config, bibliography, citations)
    assert [e.key for e in entries] == ["abel1999", "smith2020"]
    first, second = build_appendices(config, None, entries[::-1], chapters, citations,
                                     bibliography, engine, csl)
    assert [(a.letter, a.key) for a in (first, second)] == [("A", "abel1999"), ("B", "smith2020")]
    assert first.cited_in == [] and first.title == "Older work"
    assert [s.title for s in first.sections] == [FOUND, CLINICAL]  # the list is not a section
    extra = make_engine(csl, {"later2005": bibliography.item("later2005")})
    assert first.further_reading == [text for _, text in extra.bibliography(["later2005"])]
    assert "Later" in first.further_reading[0]
    assert "Abel" in first.reference and "Abel" in first.short


def test_chosen_sections_and_editions_shape_the_appendix(tmp_path):
    config, chapters, bibliography, csl, citations, engine = two_entry_book(tmp_path)
    entries = [bibliography.entries["abel1999"]]

    def titles_and_reading(appendices: AppendicesConfig, edition: Edition | None):
        chosen = dataclasses.replace(config, appendices=appendices)
        (appendix,) = build_appendices(chosen, edition, entries, chapters, citations,
                                       bibliography, engine, csl)
        return [s.title for s in appendix.sections], len(appendix.further_reading)

    assert titles_and_reading(AppendicesConfig(sections=(CLINICAL, FOUND)), None) == (
        [CLINICAL, FOUND], 0)
    assert titles_and_reading(AppendicesConfig(), Edition("short", omit=(FOUND, READING))) == (
        [CLINICAL], 0)
    assert titles_and_reading(AppendicesConfig(), Edition("c", sections=(READING, CLINICAL))) == (
        [CLINICAL], 1)


def test_quotations_and_passages_become_one_line_block_quotations():
    text = ("Before.\n\n::: {.quotation chapter=\"3\"}\nQuoted words\nover two lines.\n:::\n\n"
            "Between.\n\n::: {.passage #p1 page=\"12\"}\nA passage\nof the study.\n:::\n\n"
            "::: {.passage #p2}\nNo page.\n:::\n\nAfter.")
    markdown = section_markdown(text)
    assert ":::" not in markdown and ".quotation" not in markdown and ".passage" not in markdown
    assert markdown.startswith("Before.\n\n") and markdown.endswith("\n\nAfter.")
    lines = markdown.split("\n")
    quoted = [line for line in lines if "Quoted words" in line]
    assert quoted and quoted[0].startswith(">") and "over two lines." in quoted[0]
    passage = [line for line in lines if "A passage" in line][0]
    assert passage.startswith(">") and "of the study." in passage and "12" in passage
    no_page = [line for line in lines if "No page." in line][0]
    assert no_page.startswith(">") and no_page.endswith("No page.")
    assert "Between." in lines
    assert section_markdown("Plain *text*.") == "Plain *text*."


def test_render_appendix_gives_the_template_the_appendix_and_the_book():
    config, chapters, bibliography, csl, citations, engine = book_data(BOOKS / "passages")
    (appendix,) = build_appendices(config, None, appendix_entries(config, bibliography,
                                                                  citations),
                                   chapters, citations, bibliography, engine, csl)
    text = render_appendix(config, appendix)
    assert "{{ 7*7 }}" in text and "{#appendix-smith2020" in text.replace("{ #", "{#")
    assert appendix.reference in text and "(#chapter-1)" in text


def test_a_template_error_names_the_template_and_its_line(tmp_path):
    root = tmp_path / "book"
    shutil.copytree(BOOKS / "passages", root)
    (root / "templates").mkdir()
    template = root / "templates" / "appendix.md.j2"
    template.write_text("# {{ appendix.title }}\n\n{{ appendix.no_such_field }}\n")
    config, chapters, bibliography, csl, citations, engine = book_data(root)
    (appendix,) = build_appendices(config, None, appendix_entries(config, bibliography,
                                                                  citations),
                                   chapters, citations, bibliography, engine, csl)
    with pytest.raises(QuireError) as raised:
        render_appendix(config, appendix)
    assert raised.value.message.startswith("template error: ")
    assert raised.value.location.path == template and raised.value.location.line == 3
    template.write_text("# {{ appendix.title }\n")
    with pytest.raises(QuireError) as raised:
        render_appendix(config, appendix)
    assert raised.value.message.startswith("template syntax error: ")
    assert (raised.value.location.path, raised.value.location.line) == (template, 1)


def test_the_template_gets_the_book_title_subtitle_and_authors(tmp_path):
    root = tmp_path / "book"
    shutil.copytree(BOOKS / "passages", root)
    (root / "book.yaml").write_text((root / "book.yaml").read_text().replace(
        "title: Quoting a Study", "title: Quoting a Study\nsubtitle: A Test"))
    (root / "templates").mkdir()
    (root / "templates" / "appendix.md.j2").write_text(
        "{{ book.title }} | {{ book.subtitle }} | {{ book.authors | join(', ') }} | "
        "{{ appendix.letter }}\n")
    config, chapters, bibliography, csl, citations, engine = book_data(root)
    (appendix,) = build_appendices(config, None, appendix_entries(config, bibliography,
                                                                  citations),
                                   chapters, citations, bibliography, engine, csl)
    assert render_appendix(config, appendix) == "Quoting a Study | A Test | Test Author | A\n"


def test_a_missing_or_unreadable_template_is_located(tmp_path, monkeypatch):
    import quire.project.templates

    config, chapters, bibliography, csl, citations, engine = book_data(BOOKS / "passages")
    (appendix,) = build_appendices(config, None, appendix_entries(config, bibliography,
                                                                  citations),
                                   chapters, citations, bibliography, engine, csl)
    root = tmp_path / "book"
    shutil.copytree(BOOKS / "passages", root)
    config = dataclasses.replace(config, root=root)
    monkeypatch.setattr(quire.project.templates, "DEFAULTS", tmp_path / "no-defaults")
    with pytest.raises(QuireError) as raised:
        render_appendix(config, appendix)
    assert raised.value.message == "template 'appendix.md.j2' not found"
    assert raised.value.location == SourceLocation(root / "templates")
    (root / "templates").mkdir()
    (root / "templates" / "appendix.md.j2").write_bytes(b"\xff\xfe not UTF-8 \xff")
    with pytest.raises(QuireError) as raised:
        render_appendix(config, appendix)
    assert raised.value.message.startswith("cannot read the template: ")
    assert raised.value.location == SourceLocation(root / "templates" / "appendix.md.j2")


def test_the_short_form_is_the_books_own_with_its_year_letters(tmp_path):
    root = tmp_path / "book"
    shutil.copytree(BOOKS / "passages", root)
    chapter_file = root / "manuscript" / "chapters" / "02-endings.md"
    chapter_file.write_text(chapter_file.read_text() + "\nAs also found [@smith2020b].\n")
    bibliography = load_bibliography(root)
    same_year = dict(bibliography.entries["smith2020"].csl, id="smith2020b", title="Another")
    bibliography = dataclasses.replace(bibliography, references={"smith2020b": same_year})
    config, chapters, bibliography, csl, citations, engine = book_data(root, bibliography)
    (appendix,) = build_appendices(config, None, appendix_entries(config, bibliography,
                                                                  citations),
                                   chapters, citations, bibliography, engine, csl)
    assert appendix.short == engine.short_form("smith2020")
    assert appendix.short.endswith(("2020a", "2020b"))   # told apart from smith2020b
    assert [c.number for c in appendix.cited_in] == [1]


def test_an_entry_without_a_title(tmp_path):
    config, chapters, bibliography, csl, citations, engine = two_entry_book(tmp_path)
    entry = bibliography.entries["abel1999"]
    untitled = dataclasses.replace(entry, csl={k: v for k, v in entry.csl.items() if k != "title"})
    bibliography = dataclasses.replace(bibliography, entries={"abel1999": untitled})
    (appendix,) = build_appendices(config, None, [untitled], chapters, citations, bibliography,
                                   engine, csl)
    assert appendix.title == "" and "Abel" in appendix.reference
