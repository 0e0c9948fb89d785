"""Column widths for tables whose source gives none worth keeping.

Pandoc gives a pipe table with lines longer than its column limit relative
widths from the dashes of its separator line, which authors draw alike
(``|---|---|``): eight columns of 12.5 %, whatever they hold, and long words
or numbers then overflow into the next column. :func:`fit_columns` gives a
table whose relative widths are all equal widths in proportion to what each
column holds: one and a half times its longest unbreakable piece (text breaks
at spaces and after hyphens and slashes; a word of letters can be hyphenated,
so it counts as six letters, or all but its last three, while a number or a
code cannot) plus a
quarter of its average cell length, so that no column is narrower than its
longest number where the page allows. Widths an author set
apart (grid and multiline tables) and tables pandoc sizes itself (no widths)
are kept. The same widths reach EPUB, PDF and DOCX.
"""

from __future__ import annotations

import re
from typing import Any

from .tree import Nodes, map_lists

#: Fewer columns than this keep their equal widths (two or three equal columns are fine).
MIN_COLUMNS = 4
#: A word of letters can be hyphenated: it needs this many letters' room, or all but its
#: last three (the last syllable) when it is longer.
HYPHENATED = 6
_BREAKS = re.compile(r"\s+|(?<=[-/])(?=\D)")  # no break before a digit (Unicode UAX 14)


def fit_columns(blocks: Nodes) -> Nodes:
    """Every table in ``blocks`` with equal relative widths given widths by content."""
    return map_lists(blocks, blocks=lambda nodes: [_fit(node) if node["t"] == "Table" else node
                                                   for node in nodes])


def _fit(table: dict[str, Any]) -> dict[str, Any]:
    attr, caption, colspecs, head, bodies, foot = table["c"]
    widths = [spec[1].get("c") if spec[1]["t"] == "ColWidth" else None for spec in colspecs]
    if len(widths) < MIN_COLUMNS or None in widths or max(widths) - min(widths) > 1e-3:
        return table
    columns: list[list[str]] = [[] for _ in colspecs]
    for row in _rows(head, bodies, foot):
        position = 0
        for cell in row[1]:
            if position < len(columns):
                columns[position].append(_text(cell[4]))
            position += cell[3]  # column span
    weights = [_weight(cells) for cells in columns]
    total = sum(weights) or 1.0
    share = sum(widths)  # pandoc's widths sum to at most the full text width
    fitted = [[spec[0], {"t": "ColWidth", "c": round(share * w / total, 4)}]
              for spec, w in zip(colspecs, weights)]
    return {"t": "Table", "c": [attr, caption, fitted, head, bodies, foot]}


def _rows(head: Any, bodies: Any, foot: Any) -> Nodes:
    rows = list(head[1])
    for body in bodies:
        rows += body[2] + body[3]
    return rows + list(foot[1])


def _weight(cells: list[str]) -> float:
    """How much of the width a column asks for: its widest unbreakable piece counts most."""
    if not cells:
        return 1.0
    pieces = [word for text in cells for word in _BREAKS.split(text) if word]
    longest = max((max(min(len(word), HYPHENATED), len(word) - 3) if word.isalpha()
                   else len(word) for word in pieces), default=1)
    average = sum(len(text) for text in cells) / len(cells)
    return 1.5 * max(longest, 1) + average / 4


def _text(node: Any) -> str:
    """The visible text of a part of the tree, spaces as spaces."""
    if isinstance(node, dict):
        kind = node.get("t")
        if kind == "Str":
            return node["c"]
        if kind in ("Space", "SoftBreak", "LineBreak"):
            return " "
        if kind in ("Code", "Math"):
            return node["c"][1]
        return _text(node.get("c"))
    if isinstance(node, list):
        return " ".join(filter(None, (_text(item) for item in node))) \
            if node and isinstance(node[0], dict) and node[0].get("t") in ("Plain", "Para") \
            else "".join(_text(item) for item in node)
    return ""
