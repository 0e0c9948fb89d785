"""Formatting reference-list entries on their own (``cite --parse``, the parser's corpus test).

The book's reference list is made by :mod:`quire.citations.resolve`; this
module formats any CSL-JSON items with the same engine, as Pandoc Markdown
(``*italics*``, URLs as ``<autolinks>``), in the order given.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .resolve import make_engine


def format_references(items: list[dict[str, Any]], style: Path) -> list[str]:
    """Each item as a reference-list entry (Markdown), in the order given."""
    keyed = {item.get("id") or f"item{i}": item for i, item in enumerate(items)}
    rendered = dict(make_engine(style, keyed).bibliography(list(keyed)))
    return [rendered[key] for key in keyed]


def format_reference(item: dict[str, Any], style: Path) -> str:
    """One item as a reference-list entry (Markdown)."""
    return format_references([item], style)[0]
