"""Hostile content: templates in text stay text; nothing outside the project reaches an output.

Each attempt to pull ``/etc/passwd`` into a book is tried against every format: the
build either fails with a located message (and writes nothing) or neutralises the
attempt; either way no output holds a byte of the file.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest

from conftest import BOOKS, run_cli
from outputs import docx_paragraphs, epub_text, pdf_text

SECRET = Path("/etc/passwd")
CHAPTER = "manuscript/chapters/01-beginnings.md"


def secret_line() -> str:
    return SECRET.read_text().splitlines()[0]


def everything_in(root: Path) -> bytes:
    """Every byte of every output, zip members unpacked, PDF text extracted."""
    blob = b""
    for path in (root / "build").rglob("*"):
        if not path.is_file() or ".cache" in path.parts:
            continue
        blob += path.read_bytes()
        if path.suffix in (".epub", ".docx"):
            with zipfile.ZipFile(path) as zf:
                blob += b"".join(zf.read(n) for n in zf.namelist())
        if path.suffix == ".pdf":
            blob += pdf_text(path).encode()
    return blob


@pytest.fixture
def book(tmp_path: Path) -> Path:
    root = tmp_path / "book"
    shutil.copytree(BOOKS / "minimal", root)
    return root


def add_to_chapter(root: Path, text: str) -> Path:
    chapter = root / CHAPTER
    chapter.write_text(chapter.read_text() + "\n" + text + "\n")
    return chapter


def test_template_syntax_in_chapters_is_text_in_every_format(book):
    add_to_chapter(book, "Curly {{ 7*7 }} and {% raw %} and {# note #} stay.")
    result = run_cli("--project", book, "build", "--strict")
    assert result.code == 0, result.err
    sentence = "Curly {{ 7*7 }} and {% raw %} and {# note #} stay."
    assert sentence in epub_text(book / "build/a-minimal-book.epub")
    assert sentence in " ".join(t for _, t in docx_paragraphs(book / "build/a-minimal-book.docx"))
    assert "{{ 7*7 }}" in pdf_text(book / "build/a-minimal-book.pdf")


ATTEMPTS = {
    "markdown-image": "![x](/etc/passwd)",
    "raw-html-img": '<img src="/etc/passwd" alt="">',
    "raw-html-entities": '<img src="&#47;etc&#47;passwd" alt="">',
    "raw-html-object": '<object data="../../../../../../etc/passwd"></object>',
    "raw-html-link": '<link rel="stylesheet" href="/etc/passwd">',
    "symlink-image": "![x](manuscript/link.png)",
    "raw-typst-read": '```{=typst}\n#raw(read("/etc/passwd"))\n```',
    "raw-typst-include": '```{=typst}\n#include "../../../../../../etc/passwd"\n```',
    "raw-typst-image": '```{=typst}\n#image("/etc/passwd")\n```',
    "raw-latex": "```{=latex}\n\\input{/etc/passwd}\n```\n\n\\verbatiminput{/etc/passwd}",
}


@pytest.mark.parametrize("fmt", ["epub", "pdf", "docx"])
@pytest.mark.parametrize("attempt", sorted(ATTEMPTS))
def test_no_file_outside_the_project_reaches_an_output(book, fmt, attempt):
    os.symlink(SECRET, book / "manuscript/link.png")
    add_to_chapter(book, ATTEMPTS[attempt])
    result = run_cli("--project", book, "build", "--format", fmt)
    assert "Traceback" not in result.err
    if result.code == 0:  # neutralised: the writer dropped it
        assert attempt == "raw-latex" or (attempt.startswith("raw-typst") and fmt != "pdf"), \
            attempt
    else:
        assert result.code == 1
        assert any(s in result.err for s in ("outside the project folder",
                                              "Typst could not make the PDF")), result.err
        assert not list((book / "build").glob("a-minimal-book.*"))
    blob = everything_in(book) if (book / "build").exists() else b""
    assert secret_line().encode() not in blob
