"""Chapters quoting a study: passages stored in research entries, inserted by key and id.

An entry stores a passage of the study with its page::

    ::: {.passage #mirror-system page="172"}
    The mirror system ...
    :::

and a chapter quotes it with an empty div naming the key and the id::

    ::: {.passage from="rizzolatti2004#mirror-system"}
    :::

The build replaces the div with a block quotation followed by its citation,
``[@rizzolatti2004, p. 172]``, which the citation stage turns into
"(Rizzolatti & Craighero, 2004, p. 172)". The replacement keeps the chapter's
line count, so every later location in the chapter stays right.
"""

from __future__ import annotations

import dataclasses
import re

from ..errors import QuireError, SourceLocation, raise_all
from ..model import Bibliography, Chapter

_OPEN = re.compile(r'^(?P<fence>:::+)\s*\{\s*\.passage\s+from="(?P<key>[^"#]+)#(?P<id>[^"]+)"'
                   r'\s*\}\s*$')
_CLOSE = re.compile(r"^:::+\s*$")


def insert_passages(chapters: list[Chapter], bibliography: Bibliography) -> list[Chapter]:
    """The chapters with every passage div replaced by its block quotation and citation."""
    errors: list[QuireError] = []
    result = [_insert(chapter, bibliography, errors) for chapter in chapters]
    raise_all(errors)
    return result


def _insert(chapter: Chapter, bibliography: Bibliography,
            errors: list[QuireError]) -> Chapter:
    lines = chapter.body.split("\n")
    index = 0
    changed = False
    while index < len(lines):
        found = _OPEN.match(lines[index])
        if not found:
            index += 1
            continue
        where = SourceLocation(chapter.path, chapter.body_line + index,
                               lines[index].index('from="') + 7)
        if index + 1 >= len(lines) or not _CLOSE.match(lines[index + 1]):
            errors.append(QuireError("a passage div is empty: close it with ':::' on the "
                                     "next line", where))
            index += 1
            continue
        key, ident = found.group("key"), found.group("id")
        entry = bibliography.entries.get(key)
        passage = next((p for p in entry.passages if p.ident == ident), None) if entry else None
        if entry is None:
            errors.append(QuireError(f"unknown research entry '{key}' in a passage quotation",
                                     where))
        elif passage is None:
            known = ", ".join(p.ident for p in entry.passages) or "none"
            errors.append(QuireError(f"entry '{key}' has no passage '{ident}' (its passages: "
                                     f"{known})", where))
        else:
            locator = f", p. {passage.page}" if passage.page else ""
            lines[index:index + 2] = [f"> {passage.text} [@{key}{locator}]", ""]
            changed = True
        index += 2
    return dataclasses.replace(chapter, body="\n".join(lines)) if changed else chapter
