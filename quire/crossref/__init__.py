"""Cross-references, headings and internal links, numbered once for every format.

- :mod:`.labels`: what a chapter's Markdown names and links (labels, headings, links);
- :mod:`.index`: the book's structure (front matter, chapters, back matter, the
  author's appendices) and every target's number;
- :mod:`.references`: checking references and links, and the edits that resolve them;
- :mod:`.captions`: numbered captions in the parsed tree;
- :mod:`.settings`: book.yaml's ``crossref`` and ``parts``.

The two entry points: :func:`check_crossrefs` (``check`` and ``build``: every
problem, located) and :func:`resolve_crossrefs` (assembly: the chapters'
Markdown with references resolved, and their citation groups moved with it).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from ..citations.syntax import CitationGroup
from ..errors import QuireError
from ..model import Bibliography, Chapter
from .index import BookIndex, index_book
from .references import apply_edits, chapter_edits, check_links, shift_offset

if TYPE_CHECKING:
    from ..project.config import BookConfig

#: Ids quire itself gives outside the chapters (the reference list, research appendices).
FIXED_IDS = frozenset({"references", "refs"})


def book_ids(chapters: list[Chapter], bibliography: Bibliography) -> frozenset[str]:
    """The ids the book holds besides the chapters' own: reference list entries, research
    appendices and ``part-N`` part openers."""
    keys = {*bibliography.entries, *bibliography.references}
    return FIXED_IDS | {f"ref-{k}" for k in keys} | {f"appendix-{k}" for k in bibliography.entries} \
        | {f"part-{n}" for n in range(1, len(chapters) + 1)}


def check_crossrefs(chapters: list[Chapter], bibliography: Bibliography,
                    config: BookConfig) -> list[QuireError]:
    """Every unknown label, duplicate label, broken link and unknown link reference, and every
    part that opens with no chapter of the book."""
    ids = book_ids(chapters, bibliography)
    index = index_book(chapters, config.crossref, ids)
    numbers = {chapter.number for chapter in chapters if chapter.numbered}
    return check_links(chapters, index, ids) + [
        QuireError(f"part '{part.title}' opens with chapter {part.first_chapter}, which the "
                   f"book does not have (chapters: {', '.join(map(str, sorted(numbers)))})",
                   config.location("parts"))
        for part in config.parts if part.first_chapter not in numbers]


def resolve_crossrefs(chapters: list[Chapter], groups: dict[Path, list[CitationGroup]],
                      index: BookIndex) -> tuple[list[Chapter], dict[Path, list[CitationGroup]]]:
    """The chapters with their cross-references resolved, and their citation groups moved to
    where they now stand (a title's groups, kept under their own key, stay as they are)."""
    resolved, moved = [], dict(groups)
    for chapter in chapters:
        edits = chapter_edits(chapter, index)
        resolved.append(dataclasses.replace(chapter, body=apply_edits(chapter.body, edits)))
        moved[chapter.path] = [dataclasses.replace(
            group, start=shift_offset(group.start, edits),
            end=shift_offset(group.end, edits, end=True)) for group in groups[chapter.path]]
    return resolved, moved
