"""The EPUB's page list read from the print edition: each body page's folio (from the PDF's
/PageLabels) and the letters its text block begins with, never the running head or the folio.

The PDFs here are small Typst documents laid out as book.typ lays out a book (a running head
in the top margin, the folio in the bottom one, roman front matter, arabic body), compiled in
the test, with and without a bleed and crop marks around the trimmed page.
"""

from __future__ import annotations

import pytest
import typst

from quire.project.layout import PageLayout
from quire.render.page_list import PROBE, PageStart, letters, mark_page_breaks, print_page_starts

HEAD = "Runninghead Quire"  # on every body page, above the text block
BODY_PAGES = [  # the text each body page holds, "" for a page with only its head and folio
    "Alpha begins the body of this book on its first arabic page, and the text runs on for"
    " more letters than the probe reads.",
    "Bravo opens the second page.",
    "",
    "Charlie ends at 42, then nothing.",
]


def book_pdf(layout: PageLayout) -> bytes:
    """Two roman pages of front matter, then the body pages, each with a running head and a
    folio outside its text block (margins and page size include the layout's offset)."""
    off = layout.offset
    pages = "\n#pagebreak()\n".join(f"#block[{text}]" if text else "#[]" for text in BODY_PAGES)
    source = f"""
#set page(width: {layout.width + 2 * off}mm, height: {layout.height + 2 * off}mm,
  margin: (inside: {layout.inner + off}mm, outside: {layout.outer + off}mm,
           top: {layout.top + off}mm, bottom: {layout.bottom + off}mm),
  numbering: "i", footer: context align(center, counter(page).display()))
#set par(justify: true)
Contents of the front matter, roman.
#pagebreak()
A preface, roman too.
#pagebreak()
#set page(numbering: "1", header: align(right, emph[{HEAD}]),
  footer: context align(center, counter(page).display()))
#counter(page).update(1)
{pages}
"""
    return typst.compile(source.encode(), format="pdf", ignore_system_fonts=True)


LAYOUTS = {
    "a5": PageLayout(148, 210, inner=20, outer=16, top=18, bottom=21),
    "trade with bleed and crop marks": PageLayout(152.4, 228.6, inner=22, outer=18, top=20,
                                                  bottom=22, bleed=3.175, crop_marks=True),
}


@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=LAYOUTS.keys())
def test_every_body_page_begins_with_its_own_text(layout):
    starts = print_page_starts(book_pdf(layout), layout)
    expected = [PageStart(str(n), letters(text)[:PROBE]) for n, text in
                enumerate(BODY_PAGES, start=1)]
    assert starts == expected  # no page lost, front matter left out, heads and folios too


@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=LAYOUTS.keys())
def test_neither_the_running_head_nor_the_folio_is_read(layout):
    starts = {start.folio: start.letters for start in print_page_starts(book_pdf(layout), layout)}
    assert starts["3"] == ""  # a page with a head and a folio but no text counts as blank
    assert starts["2"] == "bravoopensthesecondpage"  # not followed by its folio, 2
    assert starts["4"] == "charlieendsat42thennothing"  # not 42...4
    assert not any(letters(HEAD) in text for text in starts.values())
    assert len(starts["1"]) == PROBE


def test_the_text_block_moves_with_the_offset():
    """Read with an A5 page's bounds, the bleed book's running head falls inside the block."""
    bleed = LAYOUTS["trade with bleed and crop marks"]
    unshifted = PageLayout(bleed.width, bleed.height, bleed.inner, bleed.outer, bleed.top,
                           bleed.bottom)
    starts = print_page_starts(book_pdf(bleed), unshifted)
    assert starts[0].letters.startswith(letters(HEAD))


def test_a_pdf_without_an_arabic_folio_gives_no_page_starts():
    layout = LAYOUTS["a5"]
    source = (f"#set page(width: {layout.width}mm, height: {layout.height}mm, numbering: \"i\")\n"
              "Only front matter.\n#pagebreak()\nStill roman.")
    assert print_page_starts(typst.compile(source.encode(), format="pdf",
                                           ignore_system_fonts=True), layout) == []


def xhtml(body: str):
    from lxml import etree

    return etree.fromstring(f'<html xmlns="http://www.w3.org/1999/xhtml"><body>{body}</body>'
                            f'</html>'.encode())


def test_markers_go_before_the_letter_each_page_begins_with():
    from lxml import etree

    documents = [
        ("ch1.xhtml", xhtml("<h1>İstanbul Days</h1><p>Ferry boats cross; <em>the</em> "
                            "Bos\u00adphorus shines at noon.</p>")),
        ("ch2.xhtml", xhtml("<h1>Later</h1><p>Nothing here starts a page.</p>"
                            "<p>The end comes in ch2, after all.</p><p>Then silence.</p>")),
    ]
    starts = [PageStart("1", letters("İstanbul Days Ferry")), PageStart("2", ""),
              PageStart("3", letters("the Bosphorus shines")), PageStart("4", "zzzznotfound"),
              PageStart("5", letters("The end comes in ch2")),
              PageStart("6", letters("The"))]  # found after page 5, not at ch1's "the"
    placed = mark_page_breaks(documents, starts)
    assert placed == [("ch1.xhtml", "1"), ("ch1.xhtml", "2"), ("ch1.xhtml", "3"),
                      ("ch2.xhtml", "5"), ("ch2.xhtml", "6")]
    texts = [etree.tostring(root, encoding="unicode") for _, root in documents]
    marker = '<span xmlns:ns0="http://www.idpf.org/2007/ops" ns0:type="pagebreak" ' \
             'role="doc-pagebreak" id="page-{0}" aria-label="{0}"/>'
    assert marker.format(1) + "<h1>İstanbul" in texts[0]  # before the heading, not in it
    assert marker.format(2) + marker.format(3) + "the</em>" in texts[0].replace("<em>", "")
    assert "<p>" + marker.format(5) + "The end" in texts[1]
    assert "all.</p><p>" + marker.format(6) + "Then silence" in texts[1]
