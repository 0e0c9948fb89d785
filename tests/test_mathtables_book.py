"""The example book tests/books/mathtables built once: math, tables and figures in all formats.

Every assertion opens what the build wrote: the EPUB's XHTML, the DOCX's XML,
the PDF's text per page (pypdf) and its word boxes (``pdftotext -bbox``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pytest

from conftest import BOOKS, run_cli
from outputs import epubcheck

#: A letter of each display equation of chapter 1, in order (one per environment).
DISPLAY_LETTERS = ["s", "\u03c1", "\u03c9", "u", "\u03ba", "\u03c3", "\u03b8", "\u03b7"]
GREEK = ["\u03b3", "\u03c1", "\u03b1", "\u03b2", "\u03c9", "\u03ba", "\u03bb", "\u03bc", "\u03c3",
         "\u03c4", "\u03b8", "\u03c7", "\u03c8", "\u03b7", "\u03b6", "\u03bd", "\u03be"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    project = tmp_path_factory.mktemp("mathtables") / "book"
    shutil.copytree(BOOKS / "mathtables", project)
    result = run_cli("--project", project, "build", "--format", "all", "--strict")
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    return {Path(line).suffix[1:]: Path(line) if Path(line).is_absolute() else project / line
            for line in result.out.split()}


def _zip_text(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read(name).decode("utf-8")


def _pages(pdf: Path) -> list[str]:
    """The text of each page; a word hyphenated at a line's end (soft hyphen) whole again."""
    from pypdf import PdfReader

    return [unicodedata.normalize("NFKC", page.extract_text() or "").replace("\xad\n", "")
            for page in PdfReader(pdf).pages]


def _text(pdf: Path) -> str:
    """The text of the whole PDF, whitespace folded (lines break where the measure says)."""
    return " ".join(" ".join(_pages(pdf)).split())


def _words(pdf: Path, page: int) -> list[tuple[float, float, float, float, str]]:
    """(xMin, yMin, xMax, yMax, word) of every word on a page (1-based), from poppler."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not installed: apt-get install poppler-utils")
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    return [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
        out)]


# --- math ---

def test_epub_math_is_mathml(built):
    chapter = _zip_text(built["epub"], "EPUB/text/ch001.xhtml")
    blocks = re.findall(r'<math\b[^>]*display="block"[^>]*>(.*?)</math>', chapter, re.S)
    assert len(blocks) == len(DISPLAY_LETTERS)
    inline = re.findall(r'<math\b[^>]*display="inline"[^>]*>(.*?)</math>', chapter, re.S)
    assert len(inline) == 2 and "<mi>\u03b3</mi>" in inline[1]  # $…$ and \(…\)
    for block, letter in zip(blocks, DISPLAY_LETTERS):
        assert f"<mi>{letter}</mi>" in block
    visible = re.sub(r"<annotation.*?</annotation>", "", chapter, flags=re.S)
    assert "$$" not in visible and "\\begin" not in visible and "\\frac" not in visible
    assert "<mfrac>" in chapter and "<mtable>" in chapter  # fractions; aligned rows


def test_docx_math_is_word_equations(built):
    document = _zip_text(built["docx"], "word/document.xml")
    assert document.count("<m:oMathPara>") == len(DISPLAY_LETTERS)
    assert document.count("<m:oMath>") == len(DISPLAY_LETTERS) + 2  # and the inline ones
    math_text = "".join(re.findall(r"<m:t[^>]*>([^<]*)</m:t>", document))
    for letter in GREEK:
        assert letter in math_text
    assert "\\begin" not in document and "$$" not in document


def test_pdf_math_glyphs(built):
    text = "".join(_pages(built["pdf"]))
    for letter in GREEK:
        assert letter in text, letter
    assert "\u2211" in text  # the sum of eq:squares
    assert "\\begin" not in text and "$$" not in text


def test_newpage_is_a_page_break_in_pdf_and_docx(built):
    pages = _pages(built["pdf"])
    before = next(i for i, page in enumerate(pages) if "\u03c8" in page)
    after = next(i for i, page in enumerate(pages) if "After the page break" in page)
    assert after == before + 1
    assert len(pages[before]) < 1400  # the page before the break is not full
    document = _zip_text(built["docx"], "word/document.xml")
    breaks = [m.start() for m in re.finditer(r'<w:br w:type="page" ?/>', document)]
    assert len(breaks) == 1
    assert document.index("\u03c8") < breaks[0] < document.index("After the page break")


# --- tables ---

def test_long_table_breaks_with_its_header_on_every_page(built):
    pages = _pages(built["pdf"])
    holding = [i for i, page in enumerate(pages) if re.search(r"^row \d+ ", page, re.M)]
    assert len(holding) >= 2
    assert holding == list(range(holding[0], holding[-1] + 1))
    for index in holding:
        assert "Row Square Cube" in pages[index]
    rows = [int(n) for i in holding for n in re.findall(r"^row (\d+) ", pages[i], re.M)]
    assert rows == list(range(1, 71))  # every row, once, in order
    assert "Long powers" in pages[holding[0]]


def test_table_captions_stand_above_their_tables(built):
    pages = _pages(built["pdf"])
    page = next(i for i, text in enumerate(pages) if "Long powers" in text) + 1
    words = _words(built["pdf"], page)
    caption = next(w for w in words if w[4] == "powers")
    header = next(w for w in words if w[4] == "Square")
    assert caption[3] < header[1]  # the caption's bottom above the header's top
    epub = _zip_text(built["epub"], "EPUB/text/ch002.xhtml")
    assert re.search(r"<table>\s*<caption>Long powers</caption>\s*<thead>", epub)
    document = _zip_text(built["docx"], "word/document.xml")
    long_table = document[document.index("Long powers"):]
    long_table = long_table[long_table.index("<w:tbl>"):long_table.index("</w:tbl>")]
    first_row = long_table[long_table.index("<w:tr>"):long_table.index("</w:tr>")]
    assert "<w:tblHeader" in first_row and ">Square<" in first_row  # repeated on each page


@pytest.mark.parametrize("caption,longest", [("Sample codes", "ACC202604010000123456789012345"),
                                              ("Wide participants", "123456789012")])
def test_wide_table_columns_do_not_overlap(built, caption, longest):
    pages = _pages(built["pdf"])
    page = next(i for i, text in enumerate(pages) if caption in text) + 1
    words = [w for w in _words(built["pdf"], page) if w[4].strip()]
    assert any(w[4] == longest for w in words)
    for i, a in enumerate(words):
        for b in words[i + 1:]:
            overlap_x = min(a[2], b[2]) - max(a[0], b[0])
            overlap_y = min(a[3], b[3]) - max(a[1], b[1])
            assert overlap_x <= -1 or overlap_y <= 0.5, (a, b)  # 1 pt apart at least
    width = _page_width(built["pdf"], page)
    assert all(w[2] < width - 40 for w in words)  # inside the outer margin (16 mm)
    # the longest piece keeps most of its cells' padding (3 pt each) from the next column
    code = next(w for w in words if w[4] == longest)
    beside = [w for w in words if w[0] > code[2] and min(w[3], code[3]) - max(w[1], code[1]) > 0]
    assert min(w[0] for w in beside) - code[2] >= 3.5


def _page_width(pdf: Path, page: int) -> float:
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    return float(re.search(r'<page width="([\d.]+)"', out).group(1))


@pytest.mark.parametrize("caption,cells", [
    ("Pipe measures", ["alpha", "34"]), ("Simple measures", ["gamma", "78"]),
    ("Grid measures", ["epsilon", "11"]), ("Multiline terms", ["theta", "instrument"])])
def test_every_table_syntax_in_every_format(built, caption, cells):
    epub = _zip_text(built["epub"], "EPUB/text/ch002.xhtml")
    docx = _zip_text(built["docx"], "word/document.xml")
    pdf = _text(built["pdf"])
    table = re.search(r"<table.*?</table>", epub[epub.index(caption) - 200:], re.S)
    assert table is not None and caption in table.group(0)
    for cell in cells:
        assert re.search(rf"<td[^>]*>{cell}", table.group(0)) or cell in table.group(0)
        assert cell in docx and cell in pdf
    assert caption in docx and caption in pdf


# --- figures and inline markup ---

def test_svg_figure_is_a_png_in_the_docx_and_svg_elsewhere(built):
    with zipfile.ZipFile(built["docx"]) as zf:
        media = {n: zf.read(n) for n in zf.namelist() if n.startswith("word/media/")}
        document = zf.read("word/document.xml").decode("utf-8")
    assert len(media) == 2 and all(n.endswith(".png") for n in media)
    assert all(data.startswith(b"\x89PNG") for data in media.values())
    drawn = max(media.values(), key=len)  # the triangle, not the 40-pixel grey square
    width, height = int.from_bytes(drawn[16:20], "big"), int.from_bytes(drawn[20:24], "big")
    assert (width, height) == (240, 240)  # 120 CSS pixels (1.25 in) at 192 pixels per inch
    assert document.count("<pic:pic") == 2
    assert 'cx="1143000"' in document  # shown 1.25 in wide (914400 EMU per inch)
    with zipfile.ZipFile(built["epub"]) as zf:
        assert any(n.endswith(".svg") for n in zf.namelist())
        assert any(n.endswith(".png") for n in zf.namelist())
    assert "A triangle in a square" in " ".join(_pages(built["pdf"]))


def test_raw_html_sup_and_sub_in_every_format(built):
    epub = _zip_text(built["epub"], "EPUB/text/ch003.xhtml")
    assert "H<sub>2</sub>O" in epub and "r<sup>2</sup>" in epub
    assert "<strong>bold</strong>" in epub
    document = _zip_text(built["docx"], "word/document.xml")
    for kind in ("subscript", "superscript"):
        assert re.search(rf'<w:vertAlign w:val="{kind}" ?/></w:rPr><w:t[^>]*>2</w:t>', document)
    assert re.search(r'<w:b ?/>.*?<w:t[^>]*>bold</w:t>', document)
    pages = _pages(built["pdf"])
    page = next(i for i, text in enumerate(pages) if "water is" in text) + 1
    sized = [w for w in _words(built["pdf"], page) if w[4] in ("H2O,", "r2,")]
    assert len(sized) == 4
    set_apart = {w[4]: sorted(x[2] - x[0] for x in sized if x[4] == w[4]) for w in sized}
    for word, (narrow, plain) in set_apart.items():
        assert narrow < plain - 0.5, word  # the superscript/subscript 2 is a smaller glyph


def test_typst_field_access_after_strong_builds(built):
    text = _text(built["pdf"])
    assert "Restart RStudio.Then wait" in text
    assert "emphasis.next also works" in text


def test_epubcheck_passes(built, tmp_path):
    if shutil.which("java") is None:
        pytest.skip("java not installed: apt-get install default-jre-headless")
    report = epubcheck(built["epub"], tmp_path)
    assert report["FATAL"] == report["ERROR"] == report["WARNING"] == 0, report["messages"]


def test_docx_with_drawn_svg_is_deterministic(built, tmp_path):
    project = tmp_path / "again"
    shutil.copytree(BOOKS / "mathtables", project)
    result = run_cli("--project", project, "build", "--format", "docx", "--no-cache")
    assert result.code == 0, result.err
    [line] = result.out.split()
    path = Path(line) if Path(line).is_absolute() else project / line
    assert path.read_bytes() == built["docx"].read_bytes()
