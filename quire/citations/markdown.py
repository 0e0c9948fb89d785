"""citeproc-py's HTML output as Pandoc Markdown.

citeproc-py renders with its HTML formatter: ``<i>``, ``<b>``, ``<span
style="font-variant:small-caps">``, entities for some characters and bare ones
for others. :func:`html_to_markdown` turns that into Markdown whose every
character of text is escaped where Markdown would read it as markup (so a
title holding ``*``, ``_``, ``[`` or ``@`` stays text), with URLs as
autolinks. :func:`collapse_punctuation` applies CSL's rule that punctuation
met at an affix boundary is not doubled ("goes?." -> "goes?").
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_ESCAPE = re.compile(r"([\\`*_{}\[\]<>#+!|~^$@])")
_URL = re.compile(r"(https?://[^\s<>\"]+[^\s<>\".,;:)\]])")
_MARKS = {"i": "*", "em": "*", "b": "**", "strong": "**"}
#: citeproc-py's HTML formatter leaves ``<`` and ``>`` of field values unescaped
#: (DOIs such as ``10.1175/1520-0477(1996)077<0437:TNYRP>2.0.CO;2`` hold them);
#: callers swap them for these private-use characters before rendering.
LT, GT = "\ue000", "\ue001"


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        mark, close = _MARKS.get(tag, ""), _MARKS.get(tag, "")
        if tag == "span" and any("small-caps" in (v or "") for _, v in attrs):
            mark, close = "[", "]{.smallcaps}"
        self.stack.append(close)
        self.out.append(mark)

    def handle_endtag(self, tag: str) -> None:
        self.out.append(self.stack.pop() if self.stack else "")

    def handle_data(self, data: str) -> None:
        self.out.append(escape_text(data))


def escape_text(text: str) -> str:
    """Plain text as Markdown: markup characters escaped, URLs as autolinks."""
    parts = _URL.split(text)
    out = []
    for index, part in enumerate(parts):
        if index % 2 and (LT in part or GT in part):  # an autolink cannot hold < or >
            shown = _ESCAPE.sub(r"\\\1", part.replace(LT, "<").replace(GT, ">"))
            target = part.replace(LT, "%3C").replace(GT, "%3E")
            out.append(f"[{shown}]({target.replace('(', '%28').replace(')', '%29')})")
        elif index % 2:
            out.append(f"<{part}>")
        else:
            out.append(_ESCAPE.sub(r"\\\1", part).replace(LT, "\\<").replace(GT, "\\>"))
    return "".join(out)


def html_to_markdown(text: str) -> str:
    """citeproc-py's HTML as Pandoc Markdown, whitespace folded."""
    converter = _Converter()
    converter.feed(collapse_punctuation(_protect_bare_ampersands(text)))
    converter.close()
    return re.sub(r"\s+", " ", "".join(converter.out)).strip()


def _protect_bare_ampersands(text: str) -> str:
    return re.sub(r"&(?![A-Za-z]+;|#\d+;|#x[0-9A-Fa-f]+;)", "&amp;", text)


_DOUBLED = re.compile(r"(?<!\.)([.?!])((?:</?[a-z]+>|[\"\u201d\u2019'])*)\.(?!\.)")


def collapse_punctuation(text: str) -> str:
    """Drop a period that follows a sentence end across closing tags or quotes."""
    return _DOUBLED.sub(r"\1\2", text)


def markdown_text(markdown: str) -> str:
    """Markdown from :func:`html_to_markdown` as the text a reader sees, ``*italics*`` kept."""
    text = re.sub(r"<(https?://[^>]+)>", r"\1", markdown)
    text = re.sub(r"\[((?:[^\[\]\\]|\\.)++)\]\((?:https?://|#)[^)]*+\)", r"\1", text)
    return html.unescape(re.sub(r"\\(.)", r"\1", text))
