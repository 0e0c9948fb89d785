"""Assembling the whole book into one Pandoc Markdown document.

Front matter comes from metadata (title page, contents), then the chapters in
order, each opened by ``# Chapter N: Title {#chapter-N}``, then the back matter
(the reference list, then the research appendices). Citations are resolved first (:mod:`quire.citations.resolve`).
Chapter text is passed through as data: nothing in it is evaluated.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from .config import BookConfig
from .citations.resolve import references_markdown, resolve_citations
from .appendices import appendix_entries, build_appendices, render_appendix
from .appendix_config import Edition
from .citations.keys import cited
from .citations.syntax import CitationGroup
from .editorial.texts import unwrap_internal_links
from .model import AssembledBook, Bibliography, Chapter

REFERENCES_HEADING = "References"


def assemble_book(config: BookConfig, chapters: list[Chapter], bibliography: Bibliography,
                  csl_path: Path, groups: dict[Path, list[CitationGroup]],
                  edition: Edition | None = None) -> AssembledBook:
    """One document holding the whole book, citations resolved, and its metadata."""
    resolved = resolve_citations(chapters, groups, bibliography, csl_path)
    citations = cited(groups)
    named = [(chapter.path.stem,
              f"# {chapter.heading} {{#{chapter.anchor} .chapter}}\n\n{chapter.body.strip()}\n")
             for chapter in resolved.chapters]
    if resolved.references:
        named.append(("references", references_markdown(resolved.references,
                                                        REFERENCES_HEADING)))
    entries = appendix_entries(config, bibliography, citations)
    # "Cited in" names each chapter by its title, citations resolved to text (not links).
    titled = [dataclasses.replace(chapter, title=unwrap_internal_links(done.title))
              for chapter, done in zip(chapters, resolved.chapters)]
    appendices = build_appendices(config, edition, entries, titled, citations, bibliography,
                                  resolved.engine, csl_path)
    named += [(appendix.anchor, render_appendix(config, appendix)) for appendix in appendices]
    return AssembledBook("\n".join(text for _, text in named), book_metadata(config), csl_path,
                         config.root, tuple(named))


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
    return meta


#: Markup characters (and any at the start, where ``-``, ``1.``, ``:`` open blocks); quotes,
#: dashes and full stops elsewhere stay bare, so smart typography still curls and joins them.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]<>()#+!|~^$@&%=]|^[!-/:-@\[-`{-~])")


def plain_text(text: str) -> str:
    """``text`` as Pandoc Markdown that reads back as that text: markup characters
    backslash-escaped (which Markdown allows for any ASCII punctuation)."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)
