"""The EPUB's page list: where each page of the print edition (the PDF) begins.

Print and EPUB come from one document tree, so the text is the same. For every
page of the PDF's body (arabic folios in its ``/PageLabels``),
:func:`print_page_starts` takes the first letters of the text inside the
page's text block (the running head and the folio lie outside it; a blank
verso has none), read with PDFium (pypdfium2: about 2 ms a page, where pypdf's
text extraction took 22). :func:`mark_page_breaks`
finds them, in order, in the EPUB's content documents and puts there an empty
``<span epub:type="pagebreak" role="doc-pagebreak" id="page-N" aria-label="N"/>``;
a blank page is marked where the next page begins. A page whose beginning
cannot be found is left out of the list. Comparison is on letters and digits
only (hyphenation, ligature spacing and punctuation differ between formats).

Vocabulary: a *page start* is (folio, letters); the *letter stream* of a
document is its visible text reduced to lower-case letters and digits, each
letter knowing the text node (element and ``text``/``tail``) it comes from.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from ..project.layout import MM_PER, PageLayout

PROBE = 40   # letters that identify where a page begins
SHORT_PROBE = 16
XHTML = "http://www.w3.org/1999/xhtml"
OPS_TYPE = "{http://www.idpf.org/2007/ops}type"
_NOT_LETTER = re.compile(r"[\W_]+")
_LETTER = re.compile(r"[^\W_]")  # one character :func:`letters` keeps
_HEADINGS = {f"{{{XHTML}}}h{level}" for level in range(1, 7)}
_PDFIUM = threading.Lock()  # PDFium is not thread-safe, and the formats render in threads


@dataclass(frozen=True)
class PageStart:
    """A page of the print edition: its folio and the letters it begins with."""

    folio: str
    letters: str


def print_page_starts(pdf: bytes, layout: PageLayout) -> list[PageStart]:
    """Folio and opening letters of every body page of the PDF (after its front matter)."""
    import pypdfium2

    pt = 1 / MM_PER["pt"]
    starts = []
    with _PDFIUM:
        document = pypdfium2.PdfDocument(pdf)
        try:
            for index in range(len(document)):
                folio = document.get_page_label(index)
                if folio.isdigit():
                    text = _text_block(document[index], layout, pt)
                    starts.append(PageStart(folio, letters(text)[:PROBE]))
        finally:
            document.close()
    return starts


def _text_block(page, layout: PageLayout, pt: float) -> str:
    """The text of a page inside its text block, the page's full width (what lies above
    the top margin or below the bottom one, 2 pt spared, is left out)."""
    top = page.get_height() - (layout.offset + layout.top) * pt + 2
    bottom = (layout.offset + layout.bottom) * pt - 2
    text = page.get_textpage()
    try:
        return text.get_text_bounded(bottom=bottom, top=top)
    finally:
        text.close()
        page.close()


def letters(text: str) -> str:
    """Only letters and digits, lower-cased (İ as i: the dot it lower-cases to is no letter)."""
    return _NOT_LETTER.sub("", text.replace("\u00ad", "").lower())


def mark_page_breaks(documents: list[tuple[str, object]], starts: list[PageStart]) -> list[
        tuple[str, str]]:
    """Put page-break markers into the documents (name, lxml root), in reading order;
    return (href fragment target document, folio) of each marker placed."""
    stream, segments = _letter_stream(documents)
    starts_at = [segment.start for segment in segments]
    placed: list[tuple[str, str]] = []
    waiting: list[str] = []  # blank pages: marked where the next page begins
    position = 0
    splits: dict[tuple[int, str], tuple[int, object]] = {}  # a text split by a marker
    for start in starts:
        if not start.letters:
            waiting.append(start.folio)
            continue
        found = stream.find(start.letters, position)
        if found < 0:
            found = stream.find(start.letters[:SHORT_PROBE], position)
        if found < 0:
            waiting = []
            continue
        name, node, attr, offset = _origin(segments, starts_at, found)
        for folio in [*waiting, start.folio]:
            node, attr, offset = _resolve(splits, node, attr, offset)
            span = _insert_marker(node, attr, offset, folio)
            if span is not None:
                splits[(id(node), attr)] = (offset, span)
            placed.append((name, folio))
        waiting = []
        position = found + 1
    return placed


@dataclass(frozen=True)
class _Segment:
    """One text node's letters in the stream: where they start, and the node's text."""

    start: int
    name: str
    node: object
    attr: str
    text: str


def _letter_stream(documents) -> tuple[str, list[_Segment]]:
    """The documents' letters as one string, and the text node each run comes from
    (a letter's place in its node is found again only where a marker goes: :func:`_origin`)."""
    chars: list[str] = []
    segments: list[_Segment] = []
    length = 0

    def add(name, node, attr, text):
        nonlocal length
        run = _NOT_LETTER.sub("", text or "")
        if run:
            lowered = run.lower()
            if len(lowered) != len(run):  # a letter that lower-cases to two (İ): its first
                lowered = "".join(c.lower()[0] for c in run)
            segments.append(_Segment(length, name, node, attr, text))
            chars.append(lowered)
            length += len(run)

    def walk(name, element):
        add(name, element, "text", element.text)
        for child in element:
            if isinstance(child.tag, str):
                walk(name, child)
            add(name, child, "tail", child.tail)

    for name, root in documents:
        body = root.find(f"{{{XHTML}}}body")
        if body is not None:
            walk(name, body)
    return "".join(chars), segments


def _origin(segments: list[_Segment], starts: list[int],
            position: int) -> tuple[str, object, str, int]:
    """(file, node, ``text``/``tail``, offset) of the letter at ``position`` of the stream."""
    import bisect
    from itertools import islice

    segment = segments[bisect.bisect_right(starts, position) - 1]
    letter = next(islice(_LETTER.finditer(segment.text), position - segment.start, None))
    return segment.name, segment.node, segment.attr, letter.start()


def _resolve(splits, node, attr: str, offset: int):
    """Where a letter now lies, after markers split the text it was in."""
    while (id(node), attr) in splits and offset >= splits[(id(node), attr)][0]:
        at, span = splits[(id(node), attr)]
        node, attr, offset = span, "tail", offset - at
    return node, attr, offset


def _insert_marker(node, attr: str, offset: int, folio: str):
    """Put a marker at a letter; return it when it split the text there."""
    from lxml import etree

    span = etree.Element(f"{{{XHTML}}}span", {OPS_TYPE: "pagebreak", "role": "doc-pagebreak",
                                              "id": f"page-{folio}", "aria-label": folio})
    if attr == "text" and offset == 0 and node.tag in _HEADINGS:
        node.addprevious(span)  # before a heading, not inside its text
        return None
    if attr == "text":
        span.tail, node.text = node.text[offset:], node.text[:offset]
        node.insert(0, span)
    else:
        rest, node.tail = node.tail[offset:], node.tail[:offset]
        node.addnext(span)
        span.tail = rest
    return span
