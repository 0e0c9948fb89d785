"""Finding what a chapter's Markdown names and links: labels, headings, internal links.

Vocabulary: a *label* is an id the author gives an element with a Pandoc
attribute block (``{#fig-x}``, ``{#tbl:x}``, ``{#eq-x}``, ``## Methods {#sec-m}``);
its *kind* comes from its prefix, Quarto's (``fig-``) or pandoc-crossref's
(``fig:``): ``figure``, ``table``, ``equation``, ``listing``; any other id is a plain
*anchor*. A *heading* is an ATX heading of the chapter's body, with its own id
or the one pandoc derives from its text (:func:`auto_identifier`). A *link* is
``[text](#id)``; an *outward link* leaves the book (``[text](https://…)``); a *reference link* is ``[text][Heading]`` or ``[Heading]``,
which Pandoc resolves to a heading of that text.

Only the text outside code is scanned (:func:`quire.citations.syntax.mask`).
Offsets are into the chapter's body, so the assembly can edit it in place.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..citations.syntax import mask
from ..errors import SourceLocation
from ..model import Chapter

KINDS = {"fig": "figure", "tbl": "table", "eq": "equation", "lst": "listing", "sec": "section"}
_PREFIX = re.compile(r"^(?P<prefix>fig|tbl|eq|lst|sec)[-:]", re.I)
_ATTRS = re.compile(r"\{(?P<body>[^{}\n]*)\}")
_ID = re.compile(r"(?:^|\s)#(?P<id>[^\s}#.][^\s}]*)")
_HEADING = re.compile(r"^(?P<hashes>#{1,6})[ \t]+(?P<text>.*?)(?:[ \t]+\{(?P<attrs>[^{}\n]*)\})?"
                      r"(?:[ \t]+#+)?[ \t]*$", re.M)
_LINK = re.compile(r"(?<!\\)\]\(#(?P<id>[^)\s]*)\)")
_OUTWARD = re.compile(r"(?<!\\)\]\((?P<target>[^)\s#<][^)\s]*)(?:\s+\"[^\"\n]*\")?\)"
                      r"|(?<!\\)<(?P<auto>[A-Za-z][\w+.-]*:[^>\s]*)>")
_REF_LINK = re.compile(r"(?<![!\]\\])\[(?P<text>[^\[\]\n^@]+)\](?:\[(?P<ref>[^\[\]\n]*)\])?"
                       r"(?![(\[{:])")
_DEFINITION = re.compile(r"^[ ]{0,3}\[(?P<ref>[^\]\n]+)\]:", re.M)
_DISPLAY_MATH_END = re.compile(r"\$\$[ \t]*\n?[ \t]*$")  # "$$ {#eq-x}", or "{#eq-x}" on the next line
_HTML_ID = re.compile(r"<[A-Za-z][\w-]*\s[^<>]*?\bid\s*=\s*[\"'](?P<id>[^\"']+)[\"']")
_FENCE_ATTRS = re.compile(r"^[ \t]{0,3}(?:`{3,}|~{3,})[ \t]*(?P<attrs>\{[^{}\n]*\})[ \t]*$", re.M)


@dataclass(frozen=True)
class Label:
    """An id given in the chapter: where it stands, and what kind of element it names."""

    ident: str
    kind: str  # figure, table, equation, section, anchor
    location: SourceLocation
    start: int  # offset of the attribute block's "{" in the body
    end: int  # offset just after its "}"
    math_start: int | None = None  # an equation written ``$$ ... $$ {#eq-x}``: where "$$" opens


@dataclass(frozen=True)
class Heading:
    """A heading of the chapter's body."""

    level: int
    text: str  # as written, without attributes
    ident: str | None  # its own id, if given
    location: SourceLocation
    line_start: int  # offset of the line in the body
    text_end: int  # offset just after its text
    attrs_start: int | None  # offset of its attribute block's "{", if it has one


@dataclass(frozen=True)
class Link:
    """An internal link ``[text](#id)``, or a reference link ``[text][ref]`` / ``[ref]``."""

    target: str  # the id (links) or the reference text (reference links)
    text: str
    location: SourceLocation
    start: int
    end: int
    reference: bool  # True for [text][ref] and [ref]
    explicit: bool = True  # False for a bare [ref], which is plain text unless it names a heading


@dataclass(frozen=True)
class ChapterScan:
    """Everything the cross-reference checks and numbering need from one chapter."""

    labels: tuple[Label, ...]
    headings: tuple[Heading, ...]
    links: tuple[Link, ...]
    definitions: frozenset[str]  # normalised texts of ``[ref]: url`` definitions
    outward: tuple[Link, ...] = ()  # links out of the book: ``[text](https://…)``, ``<https://…>``
    html_ids: frozenset[str] = frozenset()  # ids given in raw HTML (``<p id="x">``): EPUB only


def _is_image(text: str, close: int) -> bool:
    """Whether the ``]`` at ``close`` ends an image's description (``![…](…)``)."""
    depth = 0
    for index in range(close - 1, max(-1, close - 5000), -1):
        if text[index] == "]" and text[index - 1:index] != "\\":
            depth += 1
        elif text[index] == "[" and text[index - 1:index] != "\\":
            if depth == 0:
                return text[index - 1:index] == "!"
            depth -= 1
    return False


def kind_of(ident: str) -> str:
    """The kind a label's prefix gives it: ``fig-x`` -> ``figure``, others ``anchor``."""
    match = _PREFIX.match(ident)
    return KINDS[match.group("prefix").lower()] if match else "anchor"


def scan_chapter(chapter: Chapter) -> ChapterScan:
    """The labels, headings and links of a chapter's body, in reading order."""
    body = chapter.body
    masked = mask(body, urls=False)
    starts = [0] + [m.end() for m in re.finditer("\n", body)]

    def where(offset: int) -> SourceLocation:
        import bisect

        line = bisect.bisect_right(starts, offset) - 1
        return SourceLocation(chapter.path, chapter.body_line + line, offset - starts[line] + 1)

    headings = []
    heading_lines = set()
    for match in _HEADING.finditer(masked):
        ident = None
        if match.group("attrs"):
            found = _ID.search(match.group("attrs"))
            ident = found.group("id") if found else None
        headings.append(Heading(len(match.group("hashes")), body[match.start("text"):
                                match.end("text")].strip(), ident, where(match.start()),
                                match.start(), match.end("text"),
                                match.start("attrs") - 1 if match.group("attrs") is not None
                                else None))
        heading_lines.add(match.start())
    labels = []
    for match in _ATTRS.finditer(masked):
        found = _ID.search(match.group("body"))
        if not found:
            continue
        ident = found.group("id")
        line_start = masked.rfind("\n", 0, match.start()) + 1
        if line_start in heading_lines:
            kind = "section"
        else:  # {#sec-x} on something that is not a heading is a plain anchor
            kind = kind_of(ident) if kind_of(ident) != "section" else "anchor"
        math_start = None
        before = masked[:match.start()]
        if kind == "equation" and _DISPLAY_MATH_END.search(before):
            opening = before.rstrip()[:-2].rfind("$$")
            math_start = opening if opening >= 0 else None
        labels.append(Label(ident, kind, where(match.start() + found.start("id")),  # the "#"
                            match.start(), match.end(), math_start))
    for match in _FENCE_ATTRS.finditer(body):  # ```{#lst:code .python caption="…"}
        found = _ID.search(match.group("attrs")[1:-1])
        if found and kind_of(found.group("id")) == "listing":
            labels.append(Label(found.group("id"), "listing",
                                where(match.start("attrs") + 1 + found.start("id")),
                                match.start("attrs"), match.end("attrs")))
    labels.sort(key=lambda label: label.start)
    links = [Link(m.group("id"), "", where(m.start() + 2), m.start(), m.end(), False)
             for m in _LINK.finditer(masked)]
    for match in _REF_LINK.finditer(masked):
        ref = match.group("ref")
        explicit = ref is not None
        target = ref if ref else match.group("text")
        links.append(Link(target, match.group("text"), where(match.start()), match.start(),
                          match.end(), True, explicit))
    definitions = frozenset(normalise(m.group("ref")) for m in _DEFINITION.finditer(masked))
    outward = []
    for match in _OUTWARD.finditer(masked):
        if match.group("target") and _is_image(masked, match.start()):
            continue  # an image: its file is checked with the chapter's other resources
        name = "target" if match.group("target") else "auto"
        outward.append(Link(match.group(name), "", where(match.start(name)), match.start(),
                            match.end(), False))
    html_ids = frozenset(m.group("id") for m in _HTML_ID.finditer(masked))
    return ChapterScan(tuple(labels), tuple(headings),
                       tuple(sorted(links, key=lambda link: link.start)), definitions,
                       tuple(outward), html_ids)


def normalise(text: str) -> str:
    """A reference text as Pandoc matches it: case and runs of spaces ignored."""
    return " ".join(plain_heading_text(text).split()).casefold()


def plain_heading_text(text: str) -> str:
    """Markdown emphasis, code marks and link targets removed from a heading's text."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]*)\]\{[^}]*\}", r"\1", text)
    return re.sub(r"[*_`]", "", text).replace("\\", "")


def auto_identifier(text: str) -> str:
    """The id pandoc gives a heading without one (its ``auto_identifiers`` extension)."""
    text = plain_heading_text(re.sub(r"\[\^[^\]]*\]", "", text))
    text = "".join(c for c in unicodedata.normalize("NFC", text)
                   if c.isalnum() or c in "_-. " or c.isspace())
    text = re.sub(r"\s+", "-", text.strip()).lower()
    text = re.sub(r"^[^a-z\u00c0-\uffff]+", "", text)
    return text or "section"
