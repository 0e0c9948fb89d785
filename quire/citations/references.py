"""Formatting reference-list entries with citeproc-py, as Markdown.

citeproc-py renders a CSL-JSON item with the book's CSL style (APA 7 by
default) to HTML; :func:`html_to_markdown` turns that into Pandoc Markdown
(``*italics*``), the form the rest of the build and ``cite --parse`` use.
"""

from __future__ import annotations

import html
import re
import warnings
from pathlib import Path
from typing import Any


def format_references(items: list[dict[str, Any]], style: Path) -> list[str]:
    """Each item as a reference-list entry (Markdown), in the order given."""
    from citeproc import (Citation, CitationItem, CitationStylesBibliography,
                          CitationStylesStyle, formatter)
    from citeproc.source.json import CiteProcJSON

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        keyed = [_protect(dict(item, id=item.get("id") or f"item{i}"))
                 for i, item in enumerate(items)]
        css = CitationStylesStyle(str(style), validate=False)
        bibliography = CitationStylesBibliography(css, CiteProcJSON(keyed), formatter.html)
        for item in keyed:
            bibliography.register(Citation([CitationItem(item["id"].lower())]))
        rendered = {str(key).lower(): str(entry)
                    for key, entry in zip(bibliography.keys, bibliography.bibliography())}
    return [html_to_markdown(rendered[item["id"].lower()]) for item in keyed]


def format_reference(item: dict[str, Any], style: Path) -> str:
    """One item as a reference-list entry (Markdown)."""
    return format_references([item], style)[0]


#: citeproc-py's HTML formatter does not escape ``<`` and ``>`` in field values
#: (DOIs such as ``10.1175/1520-0477(1996)077<0437:TNYRP>2.0.CO;2`` hold them),
#: so they travel as private-use characters and are restored afterwards.
_LT, _GT = "\ue000", "\ue001"


def _protect(item: dict[str, Any]) -> dict[str, Any]:
    return {key: value.replace("<", _LT).replace(">", _GT) if isinstance(value, str) else value
            for key, value in item.items()}


def html_to_markdown(text: str) -> str:
    """citeproc-py's HTML output as Pandoc Markdown."""
    text = re.sub(r"</?(?:i|em)>", "*", text)
    text = re.sub(r"</?(?:b|strong)>", "**", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = html.unescape(text).replace(_LT, "<").replace(_GT, ">")
    return re.sub(r"\s+", " ", text).strip()
