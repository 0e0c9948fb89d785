"""Warnings: printed with their location and counted; ``--strict`` makes every one an error."""

from __future__ import annotations

from conftest import copy_sample_book, run_cli

CHAPTER_11 = "manuscript/chapters/11-neurological-contagion.md"
ENTRY = "bibliography/entries/rizzolatti2004.md"


def stale_book(tmp_path):
    root = copy_sample_book(tmp_path / "book")
    chapter = root / CHAPTER_11
    chapter.write_text(chapter.read_text().replace("mirroring is mutual", "mirroring is shared"))
    return root


def test_warnings_are_located_and_counted(tmp_path):
    root = stale_book(tmp_path)
    result = run_cli("--project", root, "build", "--format", "docx", "--allow-stale-quotes")
    assert result.code == 0, result.err
    lines = result.err.splitlines()
    assert lines[0].startswith(f"{root / ENTRY}:48: warning: stale quotation of chapter 11")
    assert lines[-1] == "1 warning"


def test_strict_turns_every_warning_into_an_error(tmp_path):
    root = stale_book(tmp_path)
    assert run_cli("--project", root, "build", "--format", "docx").code == 1
    assert run_cli("--project", root, "build", "--format", "docx",
                   "--allow-stale-quotes").code == 0
    before = (root / "build" / "narcissus-and-the-child.docx").read_bytes()
    chapter = root / CHAPTER_11
    chapter.write_text(chapter.read_text() + "\nOne more line.\n")
    for command in (("check",), ("build", "--format", "docx")):
        result = run_cli("--project", root, *command, "--allow-stale-quotes", "--strict")
        assert result.code == 1 and "Traceback" not in result.err
        assert result.err.splitlines()[0].startswith(
            f"{root / ENTRY}:48: error: stale quotation of chapter 11")
        assert "(warning treated as error: --strict)" in result.err
    assert (root / "build" / "narcissus-and-the-child.docx").read_bytes() == before


def test_make_book_is_strict():
    from conftest import REPO

    makefile = (REPO / "Makefile").read_text()
    book_recipe = makefile.split("\nbook:", 1)[1].split("\n\n", 1)[0]
    assert "--strict" in book_recipe
