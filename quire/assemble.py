"""Assembling the whole book into one Pandoc Markdown document.

Front matter comes from metadata (title page, contents), then the chapters in
order, each opened by ``# Chapter N: Title {#chapter-N}``, then the back matter
(the reference list, then the research appendices). Citations are resolved first (:mod:`quire.citations.resolve`).
Chapter text is passed through as data: nothing in it is evaluated.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .config import BookConfig
from .copyright import copyright_lines, written_date
from .citations.resolve import references_markdown, resolve_citations
from .appendices import appendix_entries, build_appendices, render_appendix
from .appendix_config import Edition
from .citations.keys import cited
from .citations.syntax import CitationGroup
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
    appendices = build_appendices(config, edition, entries, chapters, citations, bibliography,
                                  resolved.engine, csl_path)
    named += [(appendix.anchor, render_appendix(config, appendix)) for appendix in appendices]
    metadata = book_metadata(config)
    metadata["short-titles"] = [{"label": c.anchor, "title": c.short_title}  # running heads
                                for c in resolved.chapters if c.short_title]
    return AssembledBook("\n".join(text for _, text in named), metadata, csl_path,
                         config.root, tuple(named))


def book_metadata(config: BookConfig) -> dict[str, Any]:
    """Pandoc metadata from book.yaml (title page, language, rights, dates)."""
    meta: dict[str, Any] = {
        "title": config.title,
        "author": list(config.authors),
        "lang": config.language,
        "date": config.date.isoformat(),
        "toc-title": "Contents",
    }
    for key, value in (("subtitle", config.subtitle), ("publisher", config.publisher),
                       ("rights", config.rights)):
        if value:
            meta[key] = value
    # --- copyright page (publisher): the same lines in every format (quire/copyright.py) ---
    meta["copyright"] = copyright_lines(config)
    meta["date-written"] = written_date(config.date, config.language)
    return meta
