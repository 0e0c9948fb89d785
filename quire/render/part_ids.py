"""Heading ids unique across the book when each part is parsed on its own.

pandoc gives a heading without an id of its own one made from its title
(``## Summary`` -> ``summary``) and, in one document, the next free ``-1``,
``-2`` … to a title used again. Parsed part by part, two chapters may both say
``summary``: :func:`unique_part_ids` keeps the first and gives the later one the
next ``-N`` free in the book, and points that part's own links to it at the new
id. (Two headings given the same id by their author are an error of ``check``.)
"""

from __future__ import annotations

import json
from typing import Any

from .tree import LEAF_TYPES

#: Blocks whose content is inlines: no heading inside (a footnote's heading keeps its id).
_INLINE_HOLDERS = frozenset(("Para", "Plain", "LineBlock"))


def header_ids(blocks: list[Any]) -> list[str]:
    """The ids of the headings among ``blocks`` (nested ones too), in reading order."""
    found: list[str] = []

    def visit(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                visit(item)
        elif isinstance(node, dict):
            kind = node.get("t")
            if kind == "Header":
                if node["c"][1][0]:
                    found.append(node["c"][1][0])
            elif kind not in LEAF_TYPES and kind not in _INLINE_HOLDERS and "c" in node:
                visit(node["c"])

    visit(blocks)
    return found


def unique_part_ids(ids: list[list[str]], bodies: list[bytes]) -> list[bytes]:
    """Each part's blocks (JSON items, ``bodies``) with heading ids an earlier part holds
    renamed; ``ids`` are each part's heading ids, as :func:`header_ids` gives them."""
    used: set[str] = set()
    result = []
    for own_ids, body in zip(ids, bodies):
        own = set(own_ids)
        clashes = [ident for ident in dict.fromkeys(own_ids) if ident in used]
        renamed: dict[str, str] = {}
        for ident in clashes:
            number = 1
            while (candidate := f"{ident}-{number}") in used | own | set(renamed.values()):
                number += 1
            renamed[ident] = candidate
        used |= (own - set(clashes)) | set(renamed.values())
        result.append(_renamed(body, renamed) if renamed else body)
    return result


def _renamed(body: bytes, renamed: dict[str, str]) -> bytes:
    """A part's blocks with headings ``renamed`` (old id -> new) and its links following."""
    blocks = json.loads(b"[" + body + b"]")

    def visit(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                visit(item)
        elif isinstance(node, dict) and node.get("t") not in LEAF_TYPES and "c" in node:
            kind, content = node["t"], node["c"]
            if kind == "Header" and content[1][0] in renamed:
                content[1][0] = renamed[content[1][0]]
            elif kind == "Link" and content[2][0].startswith("#") \
                    and content[2][0][1:] in renamed:
                content[2][0] = "#" + renamed[content[2][0][1:]]
            visit(content)

    visit(blocks)
    return json.dumps(blocks, ensure_ascii=False, separators=(",", ":")).encode("utf-8")[1:-1]
