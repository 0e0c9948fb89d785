"""Make quire's reference.docx: the Word styles and page furniture of the DOCX.

Run ``make reference-docx`` (or ``.venv/bin/python scripts/make_reference_docx.py``).
It starts from the reference.docx of the pinned pandoc and sets, with python-docx,
the look of the PDF (``quire/templates/book.typ``): Libertinus Serif (Georgia where
it is missing) at 10.5 pt, justified body text with a first-line indent, chapter
headings that start a new page, block quotations, the hanging-indent
Bibliography style, a title page, a running header (the current chapter, a
STYLEREF field) and a page number (a PAGE field) in the footer. The page size and
margins are the book's own: quire sets them in each DOCX it makes. A publisher
may replace the file in the project's templates/ with their own.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import docx
import pypandoc
from docx.enum.section import WD_SECTION_START
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

REPO = Path(__file__).resolve().parent.parent
TARGETS = (REPO / "quire" / "templates" / "reference.docx", REPO / "templates" / "reference.docx")
FONT, FALLBACK = "Libertinus Serif", "Georgia"
BLACK = RGBColor(0, 0, 0)
#: The running head's text until Word updates its field: quire writes the book's title here.
RUNNING_HEAD = "QUIRE-RUNNING-HEAD"


def serif_fallback(document) -> None:
    """Declare the font as a serif with Georgia as its alternative (where it is missing)."""
    from lxml import etree

    part = next(p for p in document.part.package.parts if p.partname == "/word/fontTable.xml")
    root = etree.fromstring(part.blob)
    font = etree.SubElement(root, qn("w:font"), {qn("w:name"): FONT})
    etree.SubElement(font, qn("w:altName"), {qn("w:val"): FALLBACK})
    etree.SubElement(font, qn("w:family"), {qn("w:val"): "roman"})
    etree.SubElement(font, qn("w:pitch"), {qn("w:val"): "variable"})
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def pinned(data: bytes) -> bytes:
    """The package with every zip timestamp pinned, so the script's output is reproducible."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0)),
                            source.read(info), compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def pandoc_reference() -> bytes:
    """The default reference.docx of the pandoc quire runs."""
    return subprocess.run([pypandoc.get_pandoc_path(), "--print-default-data-file",
                           "reference.docx"], capture_output=True, check=True).stdout


def style(document, name: str, *, size: float | None = None, bold: bool | None = None,
          italic: bool | None = None, align=None, before: float | None = None,
          after: float | None = None, indent: float | None = None,
          hanging: float | None = None, left: float | None = None,
          page_break: bool = False, keep: bool = False):
    """Set one paragraph style's font and paragraph format."""
    found = document.styles[name]
    font = found.font
    font.name, font.color.rgb = FONT, BLACK
    rfonts = found.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        rfonts.attrib.pop(qn(attr), None)
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    fmt = found.paragraph_format
    if align is not None:
        fmt.alignment = align
    if before is not None:
        fmt.space_before = Pt(before)
    if after is not None:
        fmt.space_after = Pt(after)
    if indent is not None:
        fmt.first_line_indent = Pt(indent)
    if hanging is not None:
        fmt.left_indent, fmt.first_line_indent = Pt(hanging), Pt(-hanging)
    if left is not None:
        fmt.left_indent = Pt(left)
    if page_break:
        fmt.page_break_before = True
    if keep:
        fmt.keep_with_next = True
    return found


def field(paragraph, instruction: str, shown: str) -> None:
    """A Word field (PAGE, STYLEREF …) in ``paragraph``, ``shown`` until Word updates it."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("separate", None),
                       (None, None), ("end", None)):
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {text} "
            run._r.append(instr)
        else:
            placeholder = OxmlElement("w:t")
            placeholder.text = shown
            run._r.append(placeholder)


def make() -> bytes:
    document = docx.Document(io.BytesIO(pandoc_reference()))
    body = dict(size=10.5, align=WD_ALIGN_PARAGRAPH.JUSTIFY, before=0, after=0)
    style(document, "Normal", **body)
    style(document, "Body Text", indent=12.6, **body)
    style(document, "First Paragraph", indent=0, **body)
    style(document, "Compact", size=10.5, before=0, after=2)
    style(document, "Title", size=24, bold=False, align=WD_ALIGN_PARAGRAPH.CENTER,
          before=96, after=12)
    style(document, "Subtitle", size=13, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=36)
    style(document, "Author", size=13, align=WD_ALIGN_PARAGRAPH.CENTER, after=6)
    style(document, "Date", size=10.5, align=WD_ALIGN_PARAGRAPH.CENTER, before=72)
    style(document, "TOC Heading", size=17, bold=False, page_break=True, before=60, after=24)
    style(document, "Heading 1", size=17, bold=False, page_break=True, before=90, after=30,
          align=WD_ALIGN_PARAGRAPH.LEFT, keep=True)
    style(document, "Heading 2", size=12, bold=True, before=18, after=8, keep=True)
    style(document, "Heading 3", size=10.5, bold=False, italic=True, before=12, after=6,
          keep=True)
    style(document, "Block Text", size=10, left=16, before=8, after=8, indent=0)
    style(document, "Bibliography", size=10.5, hanging=21, after=6,
          align=WD_ALIGN_PARAGRAPH.LEFT)
    style(document, "Footnote Text", size=8.5)

    section = document.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Mm(148), Mm(210)  # quire sets the book's own
    section.different_first_page_header_footer = True            # no head on the title page
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    field(header, 'STYLEREF "Heading 1"', RUNNING_HEAD)
    for run in header.runs:
        run.font.italic, run.font.size, run.font.name = True, Pt(8.5), FONT
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field(footer, "PAGE", "1")
    for run in footer.runs:
        run.font.size, run.font.name = Pt(9), FONT
    serif_fallback(document)
    import datetime as dt

    properties = document.core_properties
    properties.title, properties.author = "quire reference document", "quire"
    properties.created = properties.modified = dt.datetime(2026, 1, 1)
    properties.last_modified_by, properties.revision = "quire", 1
    out = io.BytesIO()
    document.save(out)
    return pinned(out.getvalue())


if __name__ == "__main__":
    data = make()
    for target in TARGETS if "--sample-too" in sys.argv else TARGETS[:1]:
        target.write_bytes(data)
        print(target)
