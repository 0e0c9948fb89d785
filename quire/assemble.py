"""Assembling the whole book into one Pandoc Markdown document.

Front matter comes from metadata (title page, contents), then the chapters in
order, each opened by ``# Chapter N: Title {#chapter-N}``, then the back matter
(the reference list). Chapter text is passed through as data: nothing in it is
evaluated.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .config import BookConfig
from .model import AssembledBook, Bibliography, Chapter, Citation

REFERENCES_HEADING = "References"


def assemble_book(config: BookConfig, chapters: list[Chapter], bibliography: Bibliography,
                  citations: list[Citation], csl_path: Path) -> AssembledBook:
    """One document holding the whole book, and the metadata pandoc needs."""
    parts = [f"# {chapter.heading} {{#{chapter.anchor} .chapter}}\n\n{chapter.body.strip()}\n"
             for chapter in chapters]
    cited = sorted({c.key for c in citations})
    if cited:
        parts.append(f"# {REFERENCES_HEADING} {{#references .unnumbered .backmatter}}\n\n"
                     "::: {#refs}\n:::\n")
    metadata = book_metadata(config)
    metadata["references"] = [bibliography.item(key) for key in cited]
    return AssembledBook("\n".join(parts), metadata, csl_path, config.root)


def book_metadata(config: BookConfig) -> dict[str, Any]:
    """Pandoc metadata from book.yaml (title page, language, rights, dates)."""
    meta: dict[str, Any] = {
        "title": config.title,
        "author": list(config.authors),
        "lang": config.language,
        "date": config.date.isoformat(),
        "link-citations": True,
        "link-bibliography": True,
        "toc-title": "Contents",
    }
    for key, value in (("subtitle", config.subtitle), ("publisher", config.publisher),
                       ("rights", config.rights)):
        if value:
            meta[key] = value
    return meta
