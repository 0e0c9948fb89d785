"""The live preview page: the parsed book as one HTML page that reloads itself.

The page is made from the same pandoc tree as the EPUB, PDF and DOCX (citations,
inserted passages, appendices resolved), with the book's ``epub.css`` and math as
MathML, part by part: each part's HTML is cached by its tree, so a saved edit
writes one chapter's HTML again; its footnotes follow it, numbered from 1. A small script polls the server's status (:data:`STATUS_PATH`): when the
version changes it reloads the page, and while the last build failed it shows the
errors, with their locations, over the last good text.

The page is held in memory and served; nothing is written to the project.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..build.cache import ContentCache, code_fingerprint, content_key
from ..model import ParsedBook
from ..render.pandoc import pandoc_version, run_pandoc

STATUS_PATH = "/__quire/status"
STYLE_PATH = "/__quire/style.css"

#: Polls the status every 250 ms; reloads on a new version; shows the errors of a
#: failed build in a banner (as text, never as HTML).
RELOAD_SCRIPT = """<script>
(function () {
  var seen = null;
  function banner(errors) {
    var box = document.getElementById("quire-errors");
    if (!errors.length) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("pre");
      box.id = "quire-errors";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;top:0;left:0;right:0;margin:0;padding:1em;" +
        "background:#fff0f0;color:#900;border-bottom:2px solid #900;white-space:pre-wrap;" +
        "z-index:10;font:14px monospace";
      document.body.prepend(box);
    }
    box.textContent = "The last build failed; this is the last good preview.\\n" +
      errors.join("\\n");
  }
  function poll() {
    fetch("%(status)s", {cache: "no-store"}).then(function (r) { return r.json(); })
      .then(function (s) {
        if (seen === null) seen = s.version;
        if (s.version !== seen) { location.reload(); return; }
        banner(s.errors);
      }).catch(function () {}).finally(function () { setTimeout(poll, 250); });
  }
  poll();
})();
</script>
""" % {"status": STATUS_PATH}


def preview_html(book: ParsedBook, root: Path, epoch: int,
                 cache: ContentCache | None = None) -> bytes:
    """The book's HTML preview page from its pandoc tree: pandoc's standalone page (title,
    style, the reload script) around each part's HTML, an unchanged part read back from
    ``cache``; the contents list links every part's opening heading."""
    cache = cache or ContentCache(None)
    keys = [content_key(pandoc_version(), code_fingerprint(), "preview", body)
            for _, body in book.parts]
    pieces = {key: cache.get("preview-part", key) for key in set(keys)}
    missing = [(key, body) for key, (_, body) in dict(zip(keys, book.parts)).items()
               if pieces[key] is None]
    with ThreadPoolExecutor(max_workers=min(len(missing), os.cpu_count() or 1) or 1) as pool:
        for key, html in zip([key for key, _ in missing], pool.map(
                lambda item: _part_html(book, item[1], root, epoch), missing)):
            pieces[key] = html
            cache.put("preview-part", key, html)
    parts = [_own_notes(pieces[key].decode("utf-8"), number)
             for number, key in enumerate(keys, start=1)]
    frame = _frame(book, root, epoch).decode("utf-8")
    before, _, after = frame.partition(_BODY_MARK)
    return (before + _contents(parts, book) + "".join(parts) + after).encode("utf-8")


def _part_html(book: ParsedBook, body: bytes, root: Path, epoch: int) -> bytes:
    return run_pandoc(["-f", "json", "-t", "html5", "--mathml", "-o", "-"],
                      book.document((body,)), cwd=root, epoch=epoch, what="preview").output


def _frame(book: ParsedBook, root: Path, epoch: int) -> bytes:
    """pandoc's standalone page around a marker where the parts go."""
    marker = json.dumps({"t": "RawBlock", "c": ["html", _BODY_MARK]}).encode("utf-8")
    with tempfile.TemporaryDirectory(prefix="quire-preview-") as tmp:
        header = Path(tmp) / "reload.html"
        header.write_text(RELOAD_SCRIPT, encoding="utf-8")
        args = ["-f", "json", "-t", "html5", "--standalone", "--mathml",
                f"--css={STYLE_PATH}", f"--include-in-header={header}", "-o", "-"]
        return run_pandoc(args, book.document((marker,)), cwd=root, epoch=epoch,
                          what="preview").output


_BODY_MARK = "<!-- quire: the book's parts -->"
_NOTE_IDS = re.compile(r'(id="|href="#)(fn|fnref)(\d+)"')
_OPENING = re.compile(r'<h1\b[^>]*?\bid="([^"]+)"[^>]*>(.*?)</h1>', re.S)
_LINKS_AND_NOTES = re.compile(r'<a\s+href="#(?:p\d+-)?fn\d+"[^>]*>.*?</a>|</?a\b[^>]*>', re.S)


def _own_notes(html: str, number: int) -> str:
    """A part's HTML with its footnotes' ids its own (pandoc numbers each run from 1)."""
    return _NOTE_IDS.sub(lambda m: f'{m.group(1)}p{number}-{m.group(2)}{m.group(3)}"', html)


def _contents(parts: list[str], book: ParsedBook) -> str:
    """The contents list: each part's opening heading, linked."""
    title = re.search(rb'"toc-title":\{"t":"MetaInlines","c":\[\{"t":"Str","c":"([^"]*)"',
                      book.head)
    items = "".join(f'<li><a href="#{found.group(1)}" id="toc-{found.group(1)}">'
                    f'{_LINKS_AND_NOTES.sub("", found.group(2))}</a></li>'
                    for part in parts if (found := _OPENING.search(part)))
    heading = f'<h2 id="toc-title">{title.group(1).decode("utf-8")}</h2>' if title else ""
    return f'<nav id="TOC" role="doc-toc">\n{heading}\n<ul>\n{items}\n</ul>\n</nav>\n'
