"""Finding citation keys in Pandoc Markdown, with their line and column.

Pandoc's citation syntax: ``[@key]``, ``@key``, ``[@key, p. 12]``, ``[-@key]``,
``[see @a; @b, for a review]``, and ``@{key with odd characters}``. A key
starts with a letter, digit or ``_`` and may contain single internal
punctuation from ``:.#$%&-+?<>~/``. An ``@`` inside a word (an e-mail
address), a URL, an autolink, a link target or code is not a citation.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import SourceLocation
from ..model import Citation

_KEY = r"(?:\{(?P<braced>[^{}\n]+)\}|(?P<plain>[\w](?:[\w]|[:.#$%&+?<>~/-](?=[\w]))*))"
_CITE = re.compile(r"(?<![\w.+\-/@])-?@" + _KEY)
_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_URL = re.compile(r"<[^<>\s]+>|\]\([^)\s]*\)|\b(?:https?|ftp|mailto):[^\s<>)\]]+|\bwww\.[^\s<>)\]]+")


def find_citations(text: str, path: Path, first_line: int = 1) -> list[Citation]:
    """Every citation key in ``text`` (which starts at ``first_line`` of ``path``)."""
    found: list[Citation] = []
    fence: str | None = None
    for offset, line in enumerate(text.split("\n")):
        fence_match = _FENCE.match(line)
        if fence_match:
            marker = fence_match.group(1)
            if fence is None:
                fence = marker[0] * len(marker)
                continue
            if marker.startswith(fence):
                fence = None
                continue
        if fence is not None:
            continue
        masked = _mask(line)
        for match in _CITE.finditer(masked):
            key = match.group("braced") or match.group("plain")
            column = match.start() + 1
            found.append(Citation(key, SourceLocation(path, first_line + offset, column)))
    return found


def _mask(line: str) -> str:
    """Blank out code spans and URLs, keeping every other column where it is."""
    for pattern in (_CODE_SPAN, _URL):
        line = pattern.sub(lambda m: " " * len(m.group(0)), line)
    return line
