"""Finishing pandoc's EPUB: structural semantics, titles, title and copyright pages, cover text.

Pandoc's EPUB writer cannot be told, by its options alone, what quire knows of
each file. This module rewrites the EPUB (a zip held in memory) once, after
pandoc, deterministically (same entries, order and timestamps):

- each content document's top section gets its ``epub:type`` and matching
  DPUB-ARIA ``role`` from quire's classes (``.chapter``, ``.part``,
  ``.appendix``, the ``#references`` section), and its ``<body>`` the matter
  it belongs to (``bodymatter``, ``backmatter``); every ``epub:type`` that has
  an ARIA role gets it;
- each file is titled by its first heading (not ``ch001.xhtml``);
- the title page holds title, subtitle, author and publisher, and a copyright
  page (``copyright.xhtml``, :mod:`quire.project.copyright`'s lines) follows it;
- the cover's SVG gets a text alternative;
- the navigation's landmarks: cover, title page, copyright page, contents,
  the first chapter (``bodymatter``) and the reference list;
- with the print edition's pages (:mod:`quire.render.page_list`), a page-break
  marker where each page begins and a ``page-list`` navigation.

The package document's accessibility metadata is :mod:`quire.render.epub_a11y`'s.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .epub_a11y import ContentFacts, finish_package
from .page_list import PageStart, mark_page_breaks
from .zip_rewrite import Entries, entry_like, rewrite_zip

if TYPE_CHECKING:
    from ..project.config import BookConfig

XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"
TYPE = f"{{{OPS}}}type"
TEXT_DIR = "EPUB/text/"
COPYRIGHT_FILE = "copyright.xhtml"

#: quire's section classes -> (epub:type, the matter the file belongs to).
SECTION_TYPES = {"chapter": ("chapter", "bodymatter"), "part": ("part", "bodymatter"),
                 "appendix": ("appendix", "backmatter")}
REFERENCES_ID = "references"

#: epub:type -> DPUB-ARIA role (the types quire or pandoc write that have one).
ROLES = {"chapter": "doc-chapter", "part": "doc-part", "appendix": "doc-appendix",
         "bibliography": "doc-bibliography", "footnotes": "doc-endnotes",
         "endnotes": "doc-endnotes", "footnote": "doc-footnote", "endnote": "doc-endnote",
         "noteref": "doc-noteref", "toc": "doc-toc", "preface": "doc-preface",
         "foreword": "doc-foreword", "prologue": "doc-prologue", "epilogue": "doc-epilogue",
         "introduction": "doc-introduction", "conclusion": "doc-conclusion",
         "afterword": "doc-afterword", "acknowledgments": "doc-acknowledgments",
         "dedication": "doc-dedication", "epigraph": "doc-epigraph", "glossary": "doc-glossary",
         "index": "doc-index", "colophon": "doc-colophon", "pagebreak": "doc-pagebreak",
         "page-list": "doc-pagelist"}
_ROLE_HOLDERS = {f"{{{XHTML}}}{tag}" for tag in ("section", "aside", "nav", "a", "div", "ol")}


@dataclass(frozen=True)
class EpubBook:
    """What the finishing step needs to know of the book beyond pandoc's files."""

    title: str
    subtitle: str | None
    authors: tuple[str, ...]
    publisher: str | None
    language: str
    copyright: tuple[str, ...]
    print_source: str | None = None  # the PDF's identifier: the page list's source

    @property
    def cover_text(self) -> str:
        """The cover's text alternative."""
        return f"Cover: {self.title}, by {' and '.join(self.authors)}"


def epub_book(config: "BookConfig") -> EpubBook:
    """The book's facts the finishing step needs, from its settings."""
    from ..project.copyright import copyright_lines

    return EpubBook(config.title, config.subtitle, config.authors, config.publisher,
                    config.language, tuple(copyright_lines(config)), config.identifier("pdf"))


def finish_epub(data: bytes, book: EpubBook, pages: list[PageStart] | None = None) -> bytes:
    """The EPUB with semantics, titles, copyright page and accessibility metadata added,
    and the print edition's page breaks when its ``pages`` are known."""
    return rewrite_zip(data, lambda entries: _finish_entries(entries, book, pages))


class MalformedXhtml(Exception):
    """An XHTML file of pandoc's EPUB that is not well-formed (raw HTML in the book's text that
    does not close, such as ``<script>`` or ``</title>``): its name, ids and the parser's word."""

    def __init__(self, name: str, ids: list[str], message: str) -> None:
        super().__init__(message)
        self.name, self.ids, self.message = name, ids, message


def _parse(name: str, content: bytes):  # -> lxml element
    from lxml import etree

    try:
        return etree.fromstring(content)
    except etree.XMLSyntaxError as exc:  # the ids and link targets before the failing line
        before = b"\n".join(content.split(b"\n")[:max(exc.lineno or 0, 1)])
        ids = [i.decode("utf-8", "replace")
               for i in re.findall(rb'\b(?:id="|href="[^"#]*#)([^"]+)"', before)]
        raise MalformedXhtml(name, ids, str(exc)) from None


def _finish_entries(entries: Entries, book: EpubBook, pages: list[PageStart] | None) -> Entries:
    facts = ContentFacts()
    trees = {info.filename: _parse(info.filename, content) for info, content in entries
             if info.filename.endswith(".xhtml")}
    if pages:
        chapters = sorted(n for n in trees if re.fullmatch(r"EPUB/text/ch\d+\.xhtml", n))
        facts.page_breaks = mark_page_breaks([(n, trees[n]) for n in chapters], pages)
    for name in sorted(trees, key=lambda n: n.endswith("/nav.xhtml")):  # the nav last
        _finish_document(name, trees[name], book, facts)
    out: Entries = []
    for info, content in entries:
        name = info.filename
        if name in trees:
            content = _serialise(trees[name])
        out.append((info, content))
        if name == TEXT_DIR + "title_page.xhtml":
            out.append((entry_like(info, TEXT_DIR + COPYRIGHT_FILE), copyright_page(book)))
    return [(info, finish_package(content, facts, book, COPYRIGHT_FILE)
             if info.filename.endswith(".opf") else content) for info, content in out]


def _serialise(tree) -> bytes:
    from lxml import etree

    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8",
                          doctype="<!DOCTYPE html>")


def _finish_document(name: str, root, book: EpubBook, facts: ContentFacts) -> None:
    """Types, roles and title of one XHTML file; facts about its content recorded."""
    body = root.find(f"{{{XHTML}}}body")
    short = name.rsplit("/", 1)[-1]
    if short == "title_page.xhtml":
        _title_page(body, book)
    elif short == "cover.xhtml":
        _cover(body, book)
    elif short == "nav.xhtml":
        facts.nav = root
    else:
        _type_sections(name, body, facts)
        facts.record(name, body)
    for element in root.iter():
        kind = element.get(TYPE)
        if (kind in ROLES and element.get("role") is None and element.tag in _ROLE_HOLDERS
                and (kind == "noteref") == (element.tag == f"{{{XHTML}}}a")):
            element.set("role", ROLES[kind])
    heading = next(body.iter(f"{{{XHTML}}}h1"), None)
    title = {"cover.xhtml": "Cover", "title_page.xhtml": book.title}.get(
        short, " ".join("".join(heading.itertext()).split()) if heading is not None else None)
    if title:
        root.find(f"{{{XHTML}}}head/{{{XHTML}}}title").text = title
    if short == "nav.xhtml":
        _landmarks(root, facts)


def _type_sections(name: str, body, facts: ContentFacts) -> None:
    section = body.find(f"{{{XHTML}}}section")
    if section is None:
        return
    classes = set((section.get("class") or "").split())
    found = next((SECTION_TYPES[c] for c in SECTION_TYPES if c in classes), None)
    if found is None and section.get("id") == REFERENCES_ID:
        found = ("bibliography", "backmatter")
    if found is None:
        return
    kind, matter = found
    section.set(TYPE, kind)
    body.set(TYPE, matter)
    facts.landmark(kind, name)


def _title_page(body, book: EpubBook) -> None:
    """Title, subtitle, author and publisher, centred by ``.titlepage`` in epub.css."""
    from lxml import etree

    for child in list(body):
        body.remove(child)
    section = etree.SubElement(body, f"{{{XHTML}}}section", {TYPE: "titlepage",
                                                             "class": "titlepage"})
    etree.SubElement(section, f"{{{XHTML}}}h1", {"class": "title"}).text = book.title
    if book.subtitle:
        etree.SubElement(section, f"{{{XHTML}}}p", {"class": "subtitle"}).text = book.subtitle
    etree.SubElement(section, f"{{{XHTML}}}p", {"class": "author"}).text = \
        " and ".join(book.authors)
    if book.publisher:
        etree.SubElement(section, f"{{{XHTML}}}p", {"class": "publisher"}).text = book.publisher


def copyright_page(book: EpubBook) -> bytes:
    """The copyright page as its own XHTML file (front matter)."""
    lang = html.escape(book.language, quote=True)
    paragraphs = "\n".join(f"  <p>{html.escape(line)}</p>" for line in book.copyright)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
            f'<html xmlns="{XHTML}" xmlns:epub="{OPS}" lang="{lang}" xml:lang="{lang}">\n'
            f'<head>\n  <meta charset="utf-8" />\n  <title>Copyright</title>\n'
            f'  <link rel="stylesheet" type="text/css" href="../styles/stylesheet1.css" />\n'
            f'</head>\n<body epub:type="frontmatter">\n'
            f'<section epub:type="copyright-page" class="copyright-page" '
            f'aria-label="Copyright">\n{paragraphs}\n</section>\n</body>\n</html>\n'
            ).encode("utf-8")


def _cover(body, book: EpubBook) -> None:
    from lxml import etree

    svg = next(body.iter("{http://www.w3.org/2000/svg}svg"), None)
    if svg is None:
        return
    svg.set("role", "img")
    svg.set("aria-label", book.cover_text)
    title = etree.Element("{http://www.w3.org/2000/svg}title")
    title.text = book.cover_text
    svg.insert(0, title)


def _landmarks(root, facts: ContentFacts) -> None:
    """The landmarks list: pandoc's, plus copyright page, body matter and bibliography."""
    from lxml import etree

    nav = next((n for n in root.iter(f"{{{XHTML}}}nav") if n.get(TYPE) == "landmarks"), None)
    if nav is None:
        return
    ol = nav.find(f"{{{XHTML}}}ol")
    wanted = [("text/" + COPYRIGHT_FILE, "copyright-page", "Copyright")]
    if facts.first_body:
        wanted.append((_relative(facts.first_body), "bodymatter", "Start of content"))
    if facts.bibliography:
        wanted.append((_relative(facts.bibliography), "bibliography", "References"))
    for href, kind, label in wanted:
        item = etree.SubElement(ol, f"{{{XHTML}}}li")
        etree.SubElement(item, f"{{{XHTML}}}a", {"href": href, TYPE: kind}).text = label
    if facts.page_breaks:  # the print edition's pages
        page_list = etree.Element(f"{{{XHTML}}}nav", {TYPE: "page-list", "role": "doc-pagelist",
                                                     "hidden": "hidden"})
        etree.SubElement(page_list, f"{{{XHTML}}}h2").text = "Pages"
        pages = etree.SubElement(page_list, f"{{{XHTML}}}ol")
        for name, folio in facts.page_breaks:
            item = etree.SubElement(pages, f"{{{XHTML}}}li")
            etree.SubElement(item, f"{{{XHTML}}}a",
                             {"href": f"{_relative(name)}#page-{folio}"}).text = folio
        nav.addnext(page_list)


def _relative(name: str) -> str:
    return name.removeprefix("EPUB/")
