"""The printer's boxes of a PDF with bleed: TrimBox and BleedBox on every page.

Typst sets only the MediaBox (the whole PDF page). When the book has a bleed,
the page is the trim plus the bleed and the room for crop marks
(:class:`quire.project.layout.PageLayout`), and a printer's software needs to know
where the trimmed page and the bleed lie: each page gets a ``/TrimBox`` and a
``/BleedBox``. pypdf appends them as an incremental update, so Typst's bytes
(and a PDF/A file's conformance) stay as they were; the result is deterministic.
Without a bleed the PDF is returned unchanged (its trim box is its media box).
"""

from __future__ import annotations

import io

from ..project.layout import MM_PER, PageLayout


def mark_print_boxes(pdf: bytes, layout: PageLayout) -> bytes:
    """``pdf`` with TrimBox and BleedBox on each page when ``layout`` has a bleed."""
    if not layout.bleed and not layout.crop_marks:
        return pdf
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, FloatObject, NameObject

    def box(inset_mm: float, page) -> ArrayObject:
        inset = inset_mm / MM_PER["pt"]
        x0, y0, x1, y1 = (float(v) for v in page.mediabox)
        return ArrayObject([FloatObject(round(v, 3)) for v in
                            (x0 + inset, y0 + inset, x1 - inset, y1 - inset)])

    writer = PdfWriter(PdfReader(io.BytesIO(pdf)), incremental=True)
    for page in writer.pages:
        page[NameObject("/TrimBox")] = box(layout.offset, page)
        page[NameObject("/BleedBox")] = box(layout.offset - layout.bleed, page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
