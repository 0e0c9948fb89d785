"""Pandoc citation syntax in chapter Markdown: groups, items, locators, and where they stand.

Forms (Pandoc's): ``[@key]`` (parenthetical), ``@key`` and ``@key [p. 33]``
(narrative: author in the running text), ``[-@key]`` (author suppressed),
``[@key, p. 12]``, ``[@key, pp. 3-5]``, ``[@key, chap. 2]`` (locators),
``[see @a; @b, for a review]`` (several works, prefixes and suffixes), and
``@{key with odd characters}``.

Vocabulary: a *citation group* is one citation as it stands in the text
(bracketed, or narrative); it holds *cite items*, one per work. A key starts
with a letter, digit or ``_`` and may hold single internal punctuation from
``:.#$%&-+?<>~/``. An ``@`` inside a word (an e-mail address), a URL, an
autolink, a link target, inline code or a fenced code block is not a citation.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..errors import SourceLocation
from ..model import Citation

#: Invisible characters (format controls: zero-width, bidi overrides, soft hyphen) and
#: combining accents are taken into a key, so that the key is checked whole: the first
#: are reported (:func:`invisible_characters`), the second composed (NFC).
INVISIBLE = "\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_KEY_CHAR = "[\\w\u0300-\u036f" + INVISIBLE + "]"
_KEY = (r"(?:\{(?P<braced>[^{}\n]+)\}|(?P<plain>" + _KEY_CHAR + "(?:" + _KEY_CHAR
        + r"|[:.#$%&+?<>~/-](?=" + _KEY_CHAR + "))*))")
_INVISIBLE = re.compile("[" + INVISIBLE + "]")
_CITE = re.compile(r"(?<![\w.+\-/@])(?P<minus>-)?@" + _KEY)
# The part before the first ``@`` excludes ``@``: one way to match, so a ``[`` followed by
# thousands of keys and no ``]`` costs one scan, not one per ``@`` (quadratic).
_GROUP = re.compile(r"\[(?P<body>[^\[\]@]*@[^\[\]]*)\](?![(\[:])")
_NARRATIVE_LOCATOR = re.compile(r"[ \t]\[(?P<body>[^\[\]@]+)\](?![(\[:])")
_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
_BACKTICKS = re.compile(r"`+")
_COMMENT_OPEN, _COMMENT_CLOSE = "<!--", "-->"
# Possessive loops (``*+``) never give back what they took: each start is one scan.
_URL = re.compile(r"(?=[<\]hfmw])"  # (each one's first character: skips the rest at once)
                  r"(?:<[^<>\s]++>|\]\((?:[^()\s]|\([^()\s]*+\))*+\)"
                  r"|\b(?:https?|ftp|mailto):[^\s<>)\]]+"
                  r"|\bwww\.[^\s<>)\]]+)")

#: Pandoc's English locator terms and the CSL locator label each stands for.
LOCATOR_TERMS: dict[str, str] = {}
for _label, _terms in {
    "book": "bk. bks. book books", "chapter": "chap. chaps. ch. chapter chapters",
    "column": "col. cols. column columns", "figure": "fig. figs. figure figures",
    "folio": "fol. fols. folio folios", "line": "l. ll. line lines",
    "note": "n. nn. note notes", "opus": "op. opp. opus", "page": "p. pp. page pages",
    "paragraph": "para. paras. paragraph paragraphs \u00b6 \u00b6\u00b6",
    "part": "pt. pts. part parts", "section": "sec. secs. section sections \u00a7 \u00a7\u00a7",
    "verse": "v. vv. verse verses", "volume": "vol. vols. volume volumes",
}.items():
    for _term in _terms.split():
        LOCATOR_TERMS[_term] = _label
_TERMS = "|".join(re.escape(t) for t in sorted(LOCATOR_TERMS, key=len, reverse=True))
_VALUE = (r"[0-9ivxlcdmIVXLCDM]+[a-z]?(?:\s*(?:[-\u2013\u2014]+|[,&])\s*"
          r"[0-9ivxlcdmIVXLCDM]+[a-z]?)*")
_LOCATOR = re.compile(r"^\s*(?:,\s*)?(?:(?P<label>" + _TERMS + r")(?<=\.)\s*|(?P<label2>" + _TERMS
                      + r")\s+)?(?P<value>" + _VALUE + r")(?P<suffix>.*)$", re.S)


@dataclass(frozen=True)
class CiteItem:
    """One cited work inside a citation group."""

    key: str
    location: SourceLocation
    prefix: str = ""
    suffix: str = ""
    locator: tuple[str, str] | None = None  # (CSL label, value)
    suppress_author: bool = False


@dataclass(frozen=True)
class CitationGroup:
    """One citation as it stands in the text: its items, its mode, its span in the text."""

    items: tuple[CiteItem, ...]
    narrative: bool
    start: int
    end: int


def find_citation_groups(text: str, path: Path, first_line: int = 1) -> list[CitationGroup]:
    """Every citation group in ``text`` (which starts at ``first_line`` of ``path``)."""
    masked = mask(text)
    starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def where(offset: int) -> SourceLocation:
        line = _line_index(starts, offset)
        return SourceLocation(path, first_line + line, offset - starts[line] + 1)

    groups: list[CitationGroup] = []
    taken = bytearray(len(masked) + 1)  # 1 where a bracketed group stands: O(1) per lookup
    for match in _GROUP.finditer(masked):
        items = _bracket_items(text, masked, match.start("body"), match.end("body"), where)
        if items:
            groups.append(CitationGroup(tuple(items), False, match.start(), match.end()))
            taken[match.start():match.end()] = b"\1" * (match.end() - match.start())
    for match in _CITE.finditer(masked):
        if taken[match.start()] or match.group("minus"):
            continue
        key = _key(match)
        end, locator, suffix = match.end(), None, ""
        after = _NARRATIVE_LOCATOR.match(masked, match.end())
        if after:
            locator, suffix = parse_locator(text[after.start("body"):after.end("body")])
            end = after.end()
        item = CiteItem(key, where(match.start()), suffix=suffix, locator=locator)
        groups.append(CitationGroup((item,), True, match.start(), end))
    return sorted(groups, key=lambda g: g.start)


def _bracket_items(text: str, masked: str, start: int, end: int, where) -> list[CiteItem]:
    items = []
    offset = start
    for part in masked[start:end].split(";"):
        cite = _CITE.search(part)
        if cite is None:
            return []  # a bracket with a part that cites nothing is not a citation
        at = offset + cite.start()
        original = text[offset:offset + len(part)]
        prefix = original[:cite.start()].strip()
        locator, suffix = parse_locator(original[cite.end():])
        items.append(CiteItem(_key(cite), where(at),
                              prefix, suffix, locator, bool(cite.group("minus"))))
        offset += len(part) + 1
    return items


def _key(match: re.Match[str]) -> str:
    """The key of a ``@key`` match, in Unicode NFC (a decomposed accent is composed)."""
    return unicodedata.normalize("NFC", match.group("braced") or match.group("plain"))


def invisible_characters(key: str) -> list[str]:
    """The invisible characters (zero-width, bidi controls) a key holds."""
    return _INVISIBLE.findall(key)


def parse_locator(rest: str) -> tuple[tuple[str, str] | None, str]:
    """Split the text after a key into a locator (label, value) and the suffix."""
    match = _LOCATOR.match(rest)
    if match:
        label = match.group("label") or match.group("label2")
        value = match.group("value")
        if label or value[0].isdigit():
            value = re.sub("[-\u2013\u2014]+", "-", value.strip())  # "179--181": a range
            return (LOCATOR_TERMS[label] if label else "page", value), \
                _suffix(match.group("suffix"))
    return None, _suffix(rest)


def _suffix(text: str) -> str:
    text = text.strip()
    if text and text[0] not in ",;.:":
        text = " " + text
    return text


def _line_index(starts: list[int], offset: int) -> int:
    import bisect

    return bisect.bisect_right(starts, offset) - 1


def mask(text: str, *, urls: bool = True) -> str:
    """Blank out fenced code, HTML comments, code spans and (unless ``urls`` is false) URLs and
    link targets, keeping every other character in place. Linear in the length of ``text``."""
    lines = text.split("\n")
    fence: str | None = None
    for index, line in enumerate(lines):
        found = _FENCE.match(line)
        if found and (fence is None or found.group(1).startswith(fence)):
            fence = found.group(1)[0] * len(found.group(1)) if fence is None else None
            lines[index] = " " * len(line)
        elif fence is not None:
            lines[index] = " " * len(line)
    text = _blank_spans("\n".join(lines), _comment_spans)
    text = _blank_spans(text, _code_spans)
    return _blank_spans(text, lambda t: [m.span() for m in _URL.finditer(t)]) if urls else text


def _blank_spans(text: str, spans) -> str:
    """``text`` with every character but newlines inside the ``spans(text)`` made a space."""
    parts, last = [], 0
    for start, end in spans(text):
        parts += [text[last:start], re.sub(r"[^\n]", " ", text[start:end])]
        last = end
    return "".join(parts) + text[last:]


def _comment_spans(text: str) -> list[tuple[int, int]]:
    """HTML comments ``<!-- … -->`` (an unclosed one is text, as for pandoc)."""
    spans, at = [], 0
    while (start := text.find(_COMMENT_OPEN, at)) >= 0:
        end = text.find(_COMMENT_CLOSE, start + len(_COMMENT_OPEN))
        if end < 0:
            break
        at = end + len(_COMMENT_CLOSE)
        spans.append((start, at))
    return spans


def _code_spans(text: str) -> list[tuple[int, int]]:
    """Code spans as CommonMark defines them: a run of n backticks up to the next run of exactly
    n. Each run's next run of the same length is found in one backward pass (linear; a regex
    with a backreference took cubic time on a line of backticks)."""
    runs = [m.span() for m in _BACKTICKS.finditer(text)]
    following: list[int | None] = [None] * len(runs)
    last_of_length: dict[int, int] = {}
    for index in range(len(runs) - 1, -1, -1):
        length = runs[index][1] - runs[index][0]
        following[index] = last_of_length.get(length)
        last_of_length[length] = index
    spans, index = [], 0
    while index < len(runs):
        closing = following[index]
        if closing is None:
            index += 1
            continue
        spans.append((runs[index][0], runs[closing][1]))
        index = closing + 1
    return spans


def find_citations(text: str, path: Path, first_line: int = 1) -> list[Citation]:
    """Every cited key in ``text``, with its location, in reading order."""
    return [Citation(item.key, item.location)
            for group in find_citation_groups(text, path, first_line) for item in group.items]
