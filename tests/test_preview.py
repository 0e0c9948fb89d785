"""``watch``: the live preview's page, server and rebuilds (quire/preview/).

The end-to-end test runs ``watch`` as a user would and opens the page in a real
headless browser (Debian's chromium, driven by Playwright); it skips, saying why,
where either is missing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest

from conftest import REPO
from quire.preview.server import PreviewState, project_file, serve


def test_project_file_serves_media_inside_the_project_only(tmp_path):
    root = tmp_path / "book"
    (root / "manuscript/images").mkdir(parents=True)
    (root / "manuscript/images/fig.png").write_bytes(b"png")
    (root / "book.yaml").write_text("title: x\n")
    (root / "build").mkdir()
    (root / "build/x.png").write_bytes(b"png")
    (root / ".hidden.png").write_bytes(b"png")
    outside = tmp_path / "secret.png"
    outside.write_bytes(b"secret")
    (root / "manuscript/images/link.png").symlink_to(outside)
    assert project_file(root, "/manuscript/images/fig.png") == \
        (root / "manuscript/images/fig.png").resolve()
    assert project_file(root, "/manuscript/images/fig%2Epng") is not None
    for refused in ("/book.yaml", "/build/x.png", "/.hidden.png", "/../secret.png",
                    "/manuscript/images/link.png", "/manuscript/images/none.png",
                    "/manuscript/images", "/%00.png", "/"):
        assert project_file(root, refused) is None, refused


def test_state_keeps_the_last_good_page_when_a_build_fails():
    state = PreviewState()
    state.publish(b"<p>one</p>")
    state.fail(["a.md:1: error: bad"])
    assert state.page == b"<p>one</p>"
    assert json.loads(state.status()) == {"version": 1, "errors": ["a.md:1: error: bad"]}
    state.publish(b"<p>two</p>")
    assert json.loads(state.status()) == {"version": 2, "errors": []}


def test_server_answers_page_status_style_and_404(tmp_path):
    state = PreviewState()
    state.publish(b"<p>page</p>")
    server = serve(tmp_path, state, 0)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        assert urllib.request.urlopen(base + "/").read() == b"<p>page</p>"
        assert json.loads(urllib.request.urlopen(base + "/__quire/status").read())["version"] == 1
        assert b"font" in urllib.request.urlopen(base + "/__quire/style.css").read()
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(base + "/../../etc/passwd")
        assert missing.value.code == 404
    finally:
        server.shutdown()


class Watch:
    """``build.py watch`` running in the background, its output lines collected."""

    def __init__(self, project: Path, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-u", str(REPO / "build.py"), "-p", str(project), "watch",
             "--port", "0", *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True)
        self.lines: list[str] = []
        self.updated = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            with self.updated:
                self.lines.append(line.rstrip("\n"))
                self.updated.notify_all()

    def wait_for(self, prefix: str, count: int = 1, timeout: float = 60) -> str:
        with self.updated:
            ok = self.updated.wait_for(
                lambda: sum(line.startswith(prefix) for line in self.lines) >= count, timeout)
        assert ok, self.lines
        return [line for line in self.lines if line.startswith(prefix)][count - 1]

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def test_watch_reloads_the_page_in_a_real_browser(book_project):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    root = book_project("minimal")
    chapter = root / "manuscript/chapters/01-beginnings.md"
    watch = Watch(root, "--no-pdf")
    try:
        url = watch.wait_for("preview: ").split()[1]
        watch.wait_for("preview updated")
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium)
            page = browser.new_page()
            page.goto(url)
            assert "(Smith & Jones, 2020" in page.inner_text("body")
            # A saved edit reaches the open page with no reload from the test.
            chapter.write_text(chapter.read_text() + "\nA zebra crossed the page.\n")
            page.wait_for_function(
                "document.body.innerText.includes('A zebra crossed the page.')", timeout=30000)
            # A mistake: the page keeps its text and shows the located error over it.
            chapter.write_text(chapter.read_text() + "\nSee [@nokey1999].\n")
            page.wait_for_selector("#quire-errors", timeout=30000)
            banner = page.inner_text("#quire-errors")
            assert f"{chapter}:" in banner and "unknown citation key 'nokey1999'" in banner
            assert "A zebra crossed the page." in page.inner_text("body")
            browser.close()
    finally:
        watch.stop()
    assert any(line.startswith(f"{chapter}:") and "nokey1999" in line for line in watch.lines)


def test_watch_keeps_the_pdf_current(book_project):
    from pypdf import PdfReader

    root = book_project("minimal")
    chapter = root / "manuscript/chapters/02-endings.md"
    watch = Watch(root)
    try:
        watch.wait_for("PDF updated")
        chapter.write_text(chapter.read_text() + "\nThe quokka smiled at last.\n")
        pdf = Path(watch.wait_for("PDF updated", count=2).split(": ", 1)[1])
        text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
        assert "The quokka smiled at last." in " ".join(text.split())
    finally:
        watch.stop()
    assert not any("Traceback" in line for line in watch.lines)


def test_the_page_is_made_part_by_part_with_contents_and_notes_of_its_own(tmp_path, monkeypatch):
    from quire.build.cache import ContentCache
    from quire.errors import Reporter
    from quire.model import AssembledBook
    from quire.preview import page as module
    from quire.render.parse import parse_book

    from conftest import record_pandoc_runs

    runs = record_pandoc_runs(monkeypatch, module)
    cache = ContentCache(tmp_path / "cache")

    def page_of(parts):
        book = AssembledBook("", {"title": "T", "toc-title": "Contents"}, tmp_path / "a.csl",
                             tmp_path, parts)
        return module.preview_html(parse_book(book, 0, cache, Reporter()), tmp_path, 0,
                                   cache).decode()

    parts = (("01-a", "# Chapter 1: *Alpha*[^1] {#chapter-1 .chapter}\n\nOne.[^2]\n\n"
                      "[^1]: In the title.\n\n[^2]: First note.\n"),
             ("02-b", "# Beta {#chapter-2 .chapter}\n\nTwo.[^1]\n\n[^1]: Second note.\n"))
    html = page_of(parts)
    assert len(runs) == 3  # each part, and the page around them
    toc = html[html.index('<nav id="TOC"'):html.index("</nav>")]
    assert '<h2 id="toc-title">Contents</h2>' in toc
    assert '<li><a href="#chapter-1" id="toc-chapter-1">Chapter 1: <em>Alpha</em></a></li>' \
        in toc and '<a href="#chapter-2" id="toc-chapter-2">Beta</a>' in toc
    assert html.index("</nav>") < html.index('id="chapter-1"') < html.index('id="chapter-2"')
    ids = re.findall(r'id="(p\d-fn\d)"', html)
    assert ids == ["p1-fn1", "p1-fn2", "p2-fn1"]  # each part's notes, ids its own
    assert all(f'href="#{ident}"' in html for ident in ids)
    assert "First note." in html and "Second note." in html and "quire-body" not in html
    runs.clear()
    edited = page_of((parts[0], ("02-b", parts[1][1].replace("Two.", "Deux."))))
    assert len(runs) == 2 and b"Deux." in runs[0] and b"Alpha" not in runs[0]
    assert edited == html.replace("Two.", "Deux.")
