"""Hostile content: templates in text stay text; nothing outside the project reaches an output.

Each attempt to pull ``/etc/passwd`` into a book is tried against every format: the
build either fails with a located message (and writes nothing) or neutralises the
attempt; either way no output holds a byte of the file.
"""

from __future__ import annotations

import http.server
import os
import re
import shutil
import threading
import urllib.request
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


# --- a secret beside the project: no byte of it in any output, whatever names it (confine) ---

MARKER = "QUIRE-SECRET-b41c9e-never-in-a-book"


def every_byte_of(root: Path, cache: bool = True) -> bytes:
    """Every file under build/ (the cache too, unless not ``cache``), zip members unpacked,
    PDF text and every PDF stream decompressed."""
    from pypdf import PdfReader

    blob = b""
    for path in sorted((root / "build").rglob("*")) if (root / "build").is_dir() else []:
        if not path.is_file() or (not cache and ".cache" in path.parts):
            continue
        blob += path.read_bytes()
        if path.suffix in (".epub", ".docx"):
            with zipfile.ZipFile(path) as zf:
                blob += b"".join(zf.read(n) for n in zf.namelist())
        if path.suffix == ".pdf":
            reader = PdfReader(path)
            blob += pdf_text(path).encode()
            for number in range(1, len(reader.xref_objStm) + 1000):
                try:
                    obj = reader.get_object(number)
                except Exception:  # numbers past the end, free objects
                    continue
                if hasattr(obj, "get_data"):
                    blob += obj.get_data()
    return blob


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A folder beside the project whose files hold the marker (and are valid inputs)."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\n" + MARKER.encode())
    (folder / "secret.md").write_text(f"# Secret\n\n{MARKER}\n")
    (folder / "secret.css").write_text(f"/* {MARKER} */ body {{ color: red }}\n")
    (folder / "secret.txt").write_text(MARKER + "\n")
    (folder / "secret.csl").write_text(f"<style>{MARKER}</style>\n")
    entry = (BOOKS / "minimal/bibliography/entries/smith2020.md").read_text()
    (folder / "doe2021.md").write_text(entry.replace("smith2020", "doe2021") + MARKER + "\n")
    return folder


def _chapter(text: str):
    return lambda root, out: add_to_chapter(root, text.replace("{out}", str(out)))


def _link(name: str, target: str, then=None):
    def make(root: Path, out: Path) -> None:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(out / target, root / name)
        if then is not None:
            then(root, out)
    return make


def _yaml(text: str):
    def make(root: Path, out: Path) -> None:
        path = root / "book.yaml"
        path.write_text(path.read_text() + text.replace("{out}", str(out)) + "\n")
    return make


def _entry(text: str):
    def make(root: Path, out: Path) -> None:
        path = root / "bibliography/entries/smith2020.md"
        path.write_text(path.read_text() + "\n" + text.replace("{out}", str(out)) + "\n")
    return make


LEAKS = {
    "file-url": _chapter("![x](file://{out}/secret.png)"),
    "file-localhost": _chapter("![x](file://localhost{out}/secret.png)"),
    "file-one-slash": _chapter("![x](file:{out}/secret.png)"),
    "absolute": _chapter("![x]({out}/secret.png)"),
    "reference-style": _chapter("![x][s]\n\n[s]: {out}/secret.png"),
    "percent-encoded": _chapter("![x](%2E%2E/outside/secret.png)"),
    "html-entities": _chapter('<img src="&#47;{out}/secret.png">'.replace("/{out}", "{out}")),
    "html-srcset": _chapter('<img src="x" srcset="{out}/secret.png 2x">'),
    "html-style": _chapter('<div style="background:url({out}/secret.png)">x</div>'),
    "linked-image": _link("manuscript/x.png", "secret.png", _chapter("![x](manuscript/x.png)")),
    "metadata-author": _yaml("publisher: 'P ![a]({out}/secret.png)'"),
    "entry-section": _entry("![x]({out}/secret.png)"),
    "entry-passage": _entry('::: {.passage #p2 page="1"}\n![x]({out}/secret.png)\n:::'),
    "front-matter-title": lambda root, out: (root / CHAPTER).write_text(
        f"---\ntitle: '![x]({out}/secret.png)'\n---\n" + (root / CHAPTER).read_text()),
    "linked-chapter": _link("manuscript/chapters/03-secret.md", "secret.md"),
    "chapters-entry": _yaml("chapters: [chapters/01-beginnings.md, ../../outside/secret.md]"),
    "linked-css": _link("templates/epub.css", "secret.css"),
    "linked-include": _link("templates/x.txt", "secret.txt", lambda root, out: (
        (root / "templates/appendix.md.j2").write_text("# A\n\n{% include 'x.txt' %}\n"))),
    "linked-cover": _link("cover.png", "secret.png", _yaml("cover: cover.png")),
    "linked-style": _link("style.csl", "secret.csl", _yaml("csl: style.csl")),
    "linked-entry": _link("bibliography/entries/doe2021.md", "doe2021.md"),
    "typst-through-link": _link("manuscript/x.txt", "secret.txt", _chapter(
        '```{=typst}\n#raw(read("manuscript/x.txt"))\n```')),
}


@pytest.mark.parametrize("attempt", sorted(LEAKS))
def test_no_byte_of_a_secret_beside_the_project_reaches_any_output(book, secret, attempt):
    assert run_cli("--project", book, "build", "--format", "all").code == 0
    before = every_byte_of(book, cache=False)
    LEAKS[attempt](book, secret)
    result = run_cli("--project", book, "build", "--format", "all")
    assert result.code == 1 and "Traceback" not in result.err, result.err
    assert re.search(r"(outside the project|is a URL|leads outside the project)", result.err), \
        result.err
    assert MARKER not in result.err + result.out
    assert MARKER.encode() not in every_byte_of(book)
    assert every_byte_of(book, cache=False) == before


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        self.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(b"\x89PNG\r\n\x1a\n")

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server():
    """A local HTTP server on 127.0.0.1 that counts the requests it receives."""
    _CountingHandler.requests = []
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _CountingHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", _CountingHandler.requests
    httpd.shutdown()
    httpd.server_close()


def test_nothing_is_ever_fetched(book, server):
    url, requests = server
    urllib.request.urlopen(url + "/probe").read()  # the server counts
    assert requests == ["/probe"]
    requests.clear()
    add_to_chapter(book, f"![a]({url}/a.png)\n\n![b][b]\n\n[b]: {url}/b.png\n\n"
                         f'<img src="{url}/c.png" srcset="{url}/d.png 2x">\n\n'
                         f'<video poster="{url}/e.png"></video><object data="{url}/f.svg">'
                         f'</object>\n\n<p style="background:url({url}/g.png)">x</p>')
    (book / "templates").mkdir()
    (book / "templates/epub.css").write_text(f"@import '{url}/h.css';\nbody "
                                             f"{{ background: url({url}/i.png) }}\n")
    (book / "book.yaml").write_text((book / "book.yaml").read_text()
                                    + f"cover: {url}/cover.png\n")
    for command in ("check", "build"):
        result = run_cli("--project", book, command, "--strict")
        assert result.code == 1 and "Traceback" not in result.err
        assert "download the file into the project" in result.err
    assert requests == []


def test_links_to_a_server_build_and_fetch_nothing(book, server):
    url, requests = server
    add_to_chapter(book, f"A [plain link]({url}/page) and <{url}/auto>.")
    result = run_cli("--project", book, "build", "--format", "all", "--strict")
    assert result.code == 0, result.err
    assert f"{url}/page" in (book / "build/chapters/01-beginnings.md").read_text()
    assert requests == []
