"""The live preview page: the parsed book as one HTML page that reloads itself.

The page is made from the same pandoc tree as the EPUB, PDF and DOCX (citations,
inserted passages, appendices resolved), with the book's ``epub.css`` and math as
MathML. A small script polls the server's status (:data:`STATUS_PATH`): when the
version changes it reloads the page, and while the last build failed it shows the
errors, with their locations, over the last good text.

The page is held in memory and served; nothing is written to the project.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..render.pandoc import run_pandoc

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


def preview_html(ast: bytes, root: Path, epoch: int) -> bytes:
    """The book's HTML preview page from its pandoc tree (JSON)."""
    with tempfile.TemporaryDirectory(prefix="quire-preview-") as tmp:
        header = Path(tmp) / "reload.html"
        header.write_text(RELOAD_SCRIPT, encoding="utf-8")
        args = ["-f", "json", "-t", "html5", "--standalone", "--mathml", "--toc",
                "--toc-depth=1", f"--css={STYLE_PATH}", f"--include-in-header={header}",
                "-o", "-"]
        return run_pandoc(args, ast, cwd=root, epoch=epoch, what="preview").output
