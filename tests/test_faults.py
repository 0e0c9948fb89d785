"""A build that fails or is killed leaves the previous good outputs in place."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from conftest import REPO, run_cli

OUTPUTS = ("a-minimal-book.epub", "a-minimal-book.pdf", "a-minimal-book.docx")


def outputs(root):
    return {name: (root / "build" / name).read_bytes() for name in OUTPUTS}


def test_failed_render_replaces_nothing(book_project):
    root = book_project("minimal")
    assert run_cli("--project", root, "build").code == 0
    before = outputs(root)
    chapter = root / "manuscript/chapters/01-beginnings.md"
    chapter.write_text(chapter.read_text() + "\nA new sentence.\n")
    (root / "templates").mkdir()
    (root / "templates" / "book.typ").write_text("$body$\n#let broken = (\n")
    result = run_cli("--project", root, "build")
    assert result.code == 1 and "Traceback" not in result.err
    assert result.err.startswith(f"{root}/templates/book.typ: error: Typst could not make the PDF")
    assert outputs(root) == before  # EPUB and DOCX rendered fine, but nothing was written


def test_killed_build_leaves_whole_files(book_project):
    root = book_project("minimal")
    assert run_cli("--project", root, "build").code == 0
    old = outputs(root)
    chapter = root / "manuscript/chapters/01-beginnings.md"
    chapter.write_text(chapter.read_text() + "\nA sentence the killed builds were writing.\n")
    for delay in (0.05, 0.2, 0.4, 0.7, 1.0, 1.5):
        proc = subprocess.Popen([sys.executable, str(REPO / "build.py"), "--project", str(root),
                                 "build", "--no-cache"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        for name, data in outputs(root).items():
            assert data == old[name] or name in _complete(root, name), (delay, name)
    assert run_cli("--project", root, "build").code == 0
    new = outputs(root)
    assert new != old
    leftovers = [p.name for p in (root / "build").glob(".*.tmp")]
    assert leftovers == []


def _complete(root, name):
    """Names of outputs that are whole files (a new, finished rendering)."""
    import zipfile

    path = root / "build" / name
    if name.endswith(".pdf"):
        return {name} if path.read_bytes().rstrip().endswith(b"%%EOF") else set()
    try:
        with zipfile.ZipFile(path) as zf:
            return {name} if zf.testzip() is None else set()
    except zipfile.BadZipFile:
        return set()
