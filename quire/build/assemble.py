"""Assembling the whole book into one Pandoc Markdown document.

Front matter comes from metadata (title page, contents), then the chapters in
reading order: unnumbered front matter (``{.unnumbered}``: preface,
dedication …), the numbered chapters (``# Chapter N: Title {#id .chapter}``;
``book.yaml``'s ``crossref.chapter_label`` sets the form; ``parts`` put a
"Part I: Title" heading before a part's first chapter), unnumbered back matter;
then the reference list, the author's own appendices (``{.appendix}``,
lettered A, B …) and the research appendices, lettered after them.
Citations and cross-references are resolved first (:mod:`quire.citations.resolve`,
:mod:`quire.crossref`). Chapter text is passed through as data: nothing in it
is evaluated.

For the PDF, the metadata flag ``quire-front-matter`` keeps the title pages'
roman folios running through the author's front matter, and raw Typst marks
where the first numbered chapter begins (on a recto, arabic folios from 1); the
other formats ignore both.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from ..project.config import BookConfig
from ..project.copyright import copyright_lines, written_date
from ..citations.resolve import references_markdown, resolve_citations
from .appendices import appendix_entries, build_appendices, render_appendix
from ..project.appendix_config import Edition
from ..citations.keys import cited
from ..citations.memo import EngineStore
from ..citations.syntax import CitationGroup
from ..crossref import book_ids, resolve_crossrefs
from ..crossref.captions import STYLE_KEY
from ..crossref.index import Role, book_order, chapter_heading, index_book
from ..crossref.references import linked_ids
from ..crossref.settings import roman
from ..editorial.texts import unwrap_internal_links
from ..model import AssembledBook, Bibliography, Chapter

REFERENCES_HEADING = "References"
_ANGLE = re.compile(r"([<>])")
#: Raw Typst the PDF template reads: where roman and where arabic page numbers begin.
#: The first numbered chapter after the author's front matter opens on a recto as page 1
#: (the template's chapter-end marker keeps a blank verso before it free of folios).
MAIN_MATTER_MARK = ("```{=typst}\n#[#metadata(\"end\") <quire-chapter-end>]\n"
                    "#pagebreak(to: \"odd\", weak: true)\n#set page(numbering: \"1\")\n"
                    "#counter(page).update(1)\n```\n\n")


def assemble_book(config: BookConfig, chapters: list[Chapter], bibliography: Bibliography,
                  csl_path: Path, groups: dict[Path, list[CitationGroup]],
                  edition: Edition | None = None, store: EngineStore | None = None
                  ) -> AssembledBook:
    """One document holding the whole book, citations resolved, and its metadata
    (``store``: the citation engine's answers kept between builds)."""
    index = index_book(chapters, config.crossref, book_ids(chapters, bibliography))
    with_refs, groups = resolve_crossrefs(chapters, groups, index)
    resolved = resolve_citations(with_refs, groups, bibliography, csl_path, store)
    citations = cited(groups)
    linked = linked_ids(chapters, index)
    texts = {chapter.path: chapter_markdown(chapter, index.roles[chapter.path],
                                            index.anchors[chapter.path],
                                            [a for a in index.aliases[chapter.path] if a in linked],
                                            config)
             for chapter in resolved.chapters}
    ordered = book_order(chapters)
    body = [ch for ch in ordered if index.roles[ch.path].name != "appendix"]
    own_appendices = [ch for ch in ordered if index.roles[ch.path].name == "appendix"]
    openers = part_openers(config, body, index.roles)
    named = []
    for position, chapter in enumerate(body):
        role = index.roles[chapter.path]
        before = openers.get(chapter.path, "")
        if role.name == "main" and position and index.roles[body[position - 1].path].name == "front":
            before = MAIN_MATTER_MARK + before
        named.append((chapter.path.stem, before + texts[chapter.path]))
    if resolved.references:
        named.append(("references", references_markdown(resolved.references,
                                                        REFERENCES_HEADING)))
    named += [(chapter.path.stem, texts[chapter.path]) for chapter in own_appendices]
    entries = appendix_entries(config, bibliography, citations)
    # "Cited in" names each chapter by its title, citations resolved to text (not links).
    titled = [dataclasses.replace(chapter, title=unwrap_internal_links(done.title))
              for chapter, done in zip(chapters, resolved.chapters)]
    appendices = build_appendices(config, edition, entries, titled, citations, bibliography,
                                  resolved.engine, csl_path, first_letter=len(own_appendices),
                                  store=store)
    named += [(appendix.anchor, render_appendix(config, appendix)) for appendix in appendices]
    metadata = book_metadata(config)
    metadata["short-titles"] = [{"label": c.anchor, "title": c.short_title}  # running heads
                                for c in resolved.chapters if c.short_title]
    metadata[STYLE_KEY] = config.crossref.captions
    if any(index.roles[chapter.path].name == "front" for chapter in body):
        metadata["quire-front-matter"] = True  # roman folios run on (book.typ)
    return AssembledBook("\n".join(text for _, text in named), metadata, csl_path,
                         config.root, tuple(named))


def chapter_markdown(chapter: Chapter, role: Role, anchor: str, aliases: list[str],
                     config: BookConfig) -> str:
    """A chapter as the book holds it: its heading (its own id kept; ``chapter-N``, or the id
    pandoc would derive from the title, beside it as empty divs when something links to
    them) and its body."""
    classes = {"main": ".chapter", "appendix": ".chapter .appendix"}.get(
        role.name, f".unnumbered .{role.name}matter" if role.name != "interlude" else ".unnumbered")
    # A title is one line of text: raw HTML in it (``</title>``, ``<script>``) would end the
    # heading or swallow the chapter, so its angle brackets are printed as they stand.
    title = _ANGLE.sub(r"\\\1", chapter_heading(chapter, role, config.crossref))
    heading = f"# {title} {{#{anchor} {classes}}}"
    divs = "".join(f"::: {{#{alias}}}\n:::\n\n" for alias in aliases)
    return f"{heading}\n\n{divs}{chapter.body.strip()}\n"


def part_openers(config: BookConfig, body: list[Chapter], roles: dict[Path, Role]) -> dict[Path, str]:
    """The "Part I: Title" heading to put before each part's first chapter, by chapter file."""
    openers: dict[Path, str] = {}
    numbered = [ch for ch in body if roles[ch.path].name == "main"]
    for number, part in enumerate(config.parts, start=1):
        first = next((ch for ch in numbered if ch.number >= part.first_chapter), None)
        if first is not None and first.path not in openers:
            openers[first.path] = (f"# Part {roman(number)}: {part.title} "
                                   f"{{#part-{number} .unnumbered .part}}\n\n")
    return openers


def book_metadata(config: BookConfig) -> dict[str, Any]:
    """Pandoc metadata from book.yaml (title page, language, rights, dates).

    pandoc reads a metadata file's texts as Markdown: each of book.yaml's texts is escaped
    (:func:`plain_text`), so ``</dc:title><script>`` is a title, never markup, and an image
    or link written there is text.
    """
    meta: dict[str, Any] = {
        "title": plain_text(config.title),
        "author": [plain_text(author) for author in config.authors],
        "lang": config.language,
        "date": config.date.isoformat(),
        "toc-title": "Contents",
    }
    for key, value in (("subtitle", config.subtitle), ("publisher", config.publisher),
                       ("rights", config.rights)):
        if value:
            meta[key] = plain_text(value)
    # --- copyright page (publisher): the same lines in every format (quire/copyright.py) ---
    meta["copyright"] = copyright_lines(config)
    meta["date-written"] = written_date(config.date, config.language)
    return meta


#: Markup characters (and any at the start, where ``-``, ``1.``, ``:`` open blocks); quotes,
#: dashes and full stops elsewhere stay bare, so smart typography still curls and joins them.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]<>()#+!|~^$@&%=]|^[!-/:-@\[-`{-~])")


def plain_text(text: str) -> str:
    """``text`` as Pandoc Markdown that reads back as that text: markup characters
    backslash-escaped (which Markdown allows for any ASCII punctuation)."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)
