"""Checking cited keys against the bibliography.

Every unknown key in the book is reported in one run, each as
``path:line:col: error: unknown citation key 'x' (did you mean 'y'?)``; a key holding an
invisible character (zero-width space, bidi override) is reported as such, the character
named, since it cannot be seen in an editor.
"""

from __future__ import annotations

import dataclasses
import difflib

from ..errors import QuireError, raise_all
from pathlib import Path

from ..model import Bibliography, Chapter, Citation
from ..project.textfiles import describe_character
from .syntax import CitationGroup, find_citation_groups, invisible_characters


def key_id(key: str) -> str:
    """A key as part of an id: every character a Typst label, an XML id or a URL fragment
    cannot hold written ``_<hex>_`` (and ``_`` as ``__``), so each key keeps its own id:
    ``a_3c_b`` for ``a<b``."""
    return "".join(c if c.isascii() and (c.isalnum() or c in "-.:") else
                   "__" if c == "_" else f"_{ord(c):x}_" for c in key)


def reference_anchor(key: str) -> str:
    """The id of a work's reference-list entry: ``ref-`` and :func:`key_id`."""
    return "ref-" + key_id(key)


def citation_groups(chapters: list[Chapter]) -> dict[Path, list[CitationGroup]]:
    """Every citation group of every chapter, by chapter file, each chapter read once; the
    groups of a chapter's title under :func:`title_key` (its offsets are the title's).

    Cross-references (``@fig-x``, ``[@tbl:y]``) look like citations but are not:
    :mod:`quire.crossref` checks and resolves them."""
    from ..crossref.references import is_crossref_group

    groups: dict[Path, list[CitationGroup]] = {}
    for chapter in chapters:
        in_title = [g for g in find_citation_groups(chapter.title, chapter.path,
                                                    chapter.heading_line)
                    if not is_crossref_group(g)]
        if in_title:  # columns as in the '# ' heading line
            groups[title_key(chapter.path)] = [_shifted(g, 2) for g in in_title]
        groups[chapter.path] = [g for g in find_citation_groups(chapter.body, chapter.path,
                                                                chapter.body_line)
                                if not is_crossref_group(g)]
    return groups


def title_key(path: Path) -> Path:
    """Where :func:`citation_groups` keeps the citation groups of a chapter's title."""
    return path.with_name(path.name + "#title")


def _shifted(group: CitationGroup, columns: int) -> CitationGroup:
    items = tuple(dataclasses.replace(item, location=dataclasses.replace(
        item.location, column=(item.location.column or 0) + columns)) for item in group.items)
    return dataclasses.replace(group, items=items)


def cited(groups: dict[Path, list[CitationGroup]]) -> list[Citation]:
    """Every cited key with its location, in reading order."""
    return [Citation(item.key, item.location)
            for chapter_groups in groups.values() for group in chapter_groups
            for item in group.items]


def check_citation_keys(citations: list[Citation], bibliography: Bibliography) -> None:
    """Raise one error per citation whose key is not in the bibliography."""
    known = bibliography.keys
    lowered = {k.lower(): k for k in known}
    errors = []
    for citation in citations:
        if citation.key in bibliography.entries or citation.key in bibliography.references:
            continue
        hidden = invisible_characters(citation.key)
        if hidden:
            shown = "".join(f"<{describe_character(c)}>" if c in hidden else c
                            for c in citation.key)
            errors.append(QuireError(f"citation key '{shown}' holds an invisible character "
                                     f"{describe_character(hidden[0])}: delete it",
                                     citation.location))
            continue
        if citation.key.lower() in lowered:
            hint = (f" (keys are case-sensitive: did you mean "
                    f"'{lowered[citation.key.lower()]}'?)")
        else:
            close = difflib.get_close_matches(citation.key, known, n=1, cutoff=0.75)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
        errors.append(QuireError(f"unknown citation key '{citation.key}'{hint}",
                                 citation.location))
    raise_all(errors)
