"""Resolving citations: every citation in the chapters replaced by its APA (or other CSL) text.

This runs before pandoc, so the resolved text of a chapter is the same in
EPUB, PDF and DOCX and can be read and diffed as Markdown. The reference list
holds exactly the works cited, sorted as the style says, each entry a div
``#ref-<key>`` that the in-text citations link to.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import QuireError, SourceLocation
from ..model import Bibliography, Chapter
from .engine import Cite, CitationEngine
from .keys import reference_anchor, title_key
from .syntax import CitationGroup

if TYPE_CHECKING:
    from .memo import EngineStore, RememberedEngine


@dataclass(frozen=True)
class ResolvedCitations:
    """The chapters with citations replaced, and the reference list entries (key, Markdown)."""

    chapters: list[Chapter]
    references: list[tuple[str, str]]
    engine: CitationEngine | RememberedEngine | None = None


def resolve_citations(chapters: list[Chapter], groups: dict[Path, list[CitationGroup]],
                      bibliography: Bibliography, csl_path: Path,
                      store: EngineStore | None = None) -> ResolvedCitations:
    """Replace every citation group in ``chapters``; the keys must already be known
    (``store``: the engine's answers kept between builds, :mod:`quire.citations.memo`)."""
    cited = list(dict.fromkeys(item.key for chapter in chapters
                               for key in (title_key(chapter.path), chapter.path)
                               for group in groups.get(key, []) for item in group.items))
    if not cited:
        return ResolvedCitations(list(chapters), [])
    items = {key: bibliography.item(key) for key in cited}
    engine = remembered(store, csl_path, items, bibliography.locations)
    resolved = []
    for chapter in chapters:  # the title's citations first: its reading order
        title = _replace(engine, chapter.title, groups.get(title_key(chapter.path), []),
                         bibliography, csl_path)
        body = _replace(engine, chapter.body, groups[chapter.path], bibliography, csl_path)
        resolved.append(dataclasses.replace(chapter, title=title, body=body))
    return ResolvedCitations(resolved, engine.bibliography(cited), engine)


def _replace(engine: CitationEngine | RememberedEngine, text: str, groups: list[CitationGroup],
             bibliography: Bibliography, csl_path: Path) -> str:
    """``text`` with each citation group replaced by its resolved text (pieces joined once:
    replacing in place would copy the chapter once per citation)."""
    pieces, at = [], 0
    for group in groups:  # in reading order, as found
        cites = [Cite(i.key, i.prefix, i.suffix, i.locator, i.suppress_author)
                 for i in group.items]
        try:
            cited = engine.cite(cites, group.narrative)
        except Exception as exc:  # citeproc-py on a value it cannot format
            raise _item_error(cites[0].key, exc, bibliography.locations, csl_path) from None
        pieces += [text[at:group.start], cited]
        at = group.end
    pieces.append(text[at:])
    return "".join(pieces)


def remembered(store: EngineStore | None, csl_path: Path, items: dict,
               locations: dict[str, SourceLocation] | None = None
               ) -> CitationEngine | RememberedEngine:
    """The engine for ``items``: made now, or (with a ``store``) made when first needed."""
    if store is None:
        return make_engine(csl_path, items, locations)
    return store.engine(csl_path, items, lambda: make_engine(csl_path, items, locations))


def make_engine(csl_path: Path, items: dict,
                locations: dict[str, SourceLocation] | None = None) -> CitationEngine:
    """A citation engine for the style, every item's entry and citation rendered once.

    A style citeproc-py cannot use is the style's error; an item it cannot
    format is that item's error, at the item's location (or named by its key).
    """
    try:
        engine = CitationEngine(csl_path, items)
        engine.bibliography(list(items))
        for key in items:
            engine.short_form(key)
        return engine
    except Exception as exc:  # citeproc-py and lxml raise many kinds
        failure = exc
    try:
        CitationEngine(csl_path, {})
    except Exception as exc:
        raise QuireError(f"the citation style cannot be used: {exc}",
                         SourceLocation(csl_path)) from None
    for key, item in items.items():
        try:
            alone = CitationEngine(csl_path, {key: item})
            alone.bibliography([key])
            alone.short_form(key)
        except Exception as exc:
            raise _item_error(key, exc, locations or {}, csl_path) from None
    raise QuireError(f"the citations cannot be formatted with this style: {failure}",
                     SourceLocation(csl_path)) from None


def _item_error(key: str, exc: Exception, locations: dict[str, SourceLocation],
                csl_path: Path) -> QuireError:
    """The error of a work the style cannot format, at the work's own location."""
    where = locations.get(key)
    return QuireError(f"reference '{key}' cannot be formatted with the citation style "
                      f"'{csl_path.stem}': {type(exc).__name__}: {exc}", where)


def references_markdown(references: list[tuple[str, str]], heading: str) -> str:
    """The reference list section: a heading, then one entry div per work."""
    entries = "\n".join(f"::: {{#{reference_anchor(key)} .csl-entry "
                        f"custom-style=\"Bibliography\"}}\n{text}\n:::\n"
                        for key, text in references)
    return (f"# {heading} {{#references .unnumbered .backmatter}}\n\n"
            f":::::: {{#refs .references .csl-bib-body .hanging-indent}}\n{entries}::::::\n")
