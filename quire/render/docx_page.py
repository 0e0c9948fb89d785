"""The DOCX's page: the book's trim size and margins, facing pages, the title page.

Pandoc takes the page setup (and the running header and page-number footer)
of ``reference.docx``; a reference document holds one page size for every
book. This step sets the book's own, from :class:`quire.project.layout.PageLayout`:
``w:pgSz`` and ``w:pgMar`` of the document's section (inner margin as Word's
left one, with mirrored margins for facing pages, header and footer inside
the top and bottom margins), and puts the book's title in the running head until
Word updates its field to the chapter's title. (The contents start on a page of
their own through the reference document's "TOC Heading" style.)
The rewrite is deterministic (:mod:`quire.render.zip_rewrite`).
"""

from __future__ import annotations

import re

from ..project.layout import PageLayout
from .zip_rewrite import Entries, rewrite_zip

TWIPS_PER_MM = 1440 / 25.4
RUNNING_HEAD = b"QUIRE-RUNNING-HEAD"  # scripts/make_reference_docx.py writes it in the header
_SECTION = re.compile(rb"<w:sectPr>.*?</w:sectPr>|<w:sectPr\s[^>]*>.*?</w:sectPr>", re.S)
_PAGE_SIZE = re.compile(rb"<w:pgSz\b[^>]*/>")
_PAGE_MARGINS = re.compile(rb"<w:pgMar\b[^>]*/>")
_AFTER_MARGINS = re.compile(rb"<w:(?:paperSrc|pgBorders|lnNumType|pgNumType|cols|formProt|vAlign|"
                            rb"noEndnote|titlePg|textDirection|bidi|rtlGutter|docGrid)\b|</w:sectPr>")
_AFTER_MIRROR = re.compile(rb"<w:(?:alignBordersAndEdges|bordersDoNotSurround\w*|gutterAtTop|"
                           rb"hide\w*Errors|activeWritingStyle|proofState|formsDesign|"
                           rb"attachedTemplate|linkStyles|stylePane\w*|documentType|mailMerge|"
                           rb"revisionView|trackRevisions|doNotTrack\w*|documentProtection|"
                           rb"autoFormatOverride|styleLock\w*|defaultTabStop)\b")


def page_setup(layout: PageLayout) -> tuple[bytes, bytes]:
    """The ``w:pgSz`` and ``w:pgMar`` elements of ``layout`` (the trimmed page, no bleed)."""
    def twips(mm: float) -> int:
        return round(mm * TWIPS_PER_MM)

    size = f'<w:pgSz w:w="{twips(layout.width)}" w:h="{twips(layout.height)}" />'
    margins = (f'<w:pgMar w:top="{twips(layout.top)}" w:right="{twips(layout.outer)}" '
               f'w:bottom="{twips(layout.bottom)}" w:left="{twips(layout.inner)}" '
               f'w:header="{twips(layout.top / 2)}" w:footer="{twips(layout.bottom / 2)}" '
               f'w:gutter="0" />')
    return size.encode(), margins.encode()


def finish_docx(data: bytes, layout: PageLayout, title: str) -> bytes:
    """The DOCX with the book's page size and margins, and ``title`` as the running head
    shown until Word updates its field (the chapter's title)."""
    from xml.sax.saxutils import escape

    size, margins = page_setup(layout)

    def section(match: re.Match[bytes]) -> bytes:
        text = match.group(0)
        text = _PAGE_SIZE.sub(b"", text)
        text = _PAGE_MARGINS.sub(b"", text)
        at = _AFTER_MARGINS.search(text)  # the schema's order: references, notes, size, margins
        return text[:at.start()] + size + margins + text[at.start():]

    def transform(entries: Entries) -> Entries:
        out = []
        for info, content in entries:
            if info.filename == "word/document.xml":
                content = _SECTION.sub(section, content)
            elif re.fullmatch(r"word/header\d*\.xml", info.filename):
                content = content.replace(RUNNING_HEAD, escape(title).encode("utf-8"))
            elif info.filename == "word/settings.xml" and b"<w:mirrorMargins" not in content:
                at = _AFTER_MIRROR.search(content)  # mirrored margins: facing pages
                if at:
                    content = content[:at.start()] + b"<w:mirrorMargins />" + content[at.start():]
            out.append((info, content))
        return out

    return rewrite_zip(data, transform)
