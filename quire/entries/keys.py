"""Citation keys for imported references: surname of the first author, then the year.

``rizzolatti2004``, ``vanijzendoorn1999`` (particles belong to the surname),
``koriat2008a`` (the year's letter), ``uscensusbureaund`` (a group author, no
date). Lower-case ASCII letters and digits only.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from ..checks.confine import check_file_name
from ..errors import SourceLocation


def citation_key(item: dict[str, Any]) -> str:
    """The key for a CSL-JSON item, or '' when it has no author or editor to name it by."""
    names = item.get("author") or item.get("editor") or []
    first = next((n for n in names if n.get("family") or n.get("literal") != "…"), None)
    if first is None:
        return ""
    surname = " ".join(filter(None, (first.get("non-dropping-particle"),
                                     first.get("family") or first.get("literal"))))
    parts = item.get("issued", {}).get("date-parts") or []
    year = str(parts[0][0]) if parts and parts[0] else (
        "inpress" if item.get("status") == "in press" else "nd")
    suffix = item.get("custom", {}).get("year-suffix", "")
    return ascii_letters(surname) + year + suffix


def ascii_letters(text: str) -> str:
    """``van IJzendoorn`` -> ``vanijzendoorn``; accents dropped, only a-z and 0-9 kept."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def entry_file_name(key: str, where: SourceLocation | None = None) -> str:
    """The file name of the entry ``key`` (``<key>.md``), or a located error.

    A key becomes a file name, so beyond the citation-key alphabet it must be
    one plain path component: no ``/``, no leading ``.``, not too long.
    """
    return check_file_name(key, "key", where) + ".md"
