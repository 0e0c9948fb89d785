"""YAML front matter at the top of a Markdown file (chapters and research entries).

Front matter is a YAML mapping between a first line ``---`` and a closing
``---`` or ``...`` line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import QuireError, SourceLocation
from .yamlsource import load_yaml


def split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], Any, int]:
    """Return (metadata, the raw YAML node, the 1-based line where the body starts)."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return {}, None, 1
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            node = load_yaml("\n".join(lines[1:index]), path, first_line=2)
            if node is None:
                node = {}
            if not isinstance(node, dict):
                raise QuireError("front matter must be a YAML mapping", SourceLocation(path, 2))
            return dict(node), node, index + 2
    raise QuireError("front matter opened with '---' is never closed", SourceLocation(path, 1))
