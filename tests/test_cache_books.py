"""The cache in whole builds: an unchanged book is not rendered again, stale entries are
pruned, and a damaged cache never damages a build (the cache module's own tests are in
test_cache.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from quire.errors import Reporter
from quire.build.pipeline import build


def test_unchanged_book_is_served_from_cache(book_project, monkeypatch):
    root = book_project("minimal")
    first = {p.name: p.read_bytes() for p in build(root, None, Reporter())}

    def no_pandoc(*args, **kwargs):
        raise AssertionError("pandoc ran although nothing changed")

    monkeypatch.setattr("quire.render.parse.run_pandoc", no_pandoc)
    monkeypatch.setattr("quire.render.formats.run_pandoc", no_pandoc)
    second = {p.name: p.read_bytes() for p in build(root, None, Reporter())}
    assert second == first
    with pytest.raises(AssertionError, match="pandoc ran"):
        build(root, None, Reporter(), use_cache=False)


def test_stale_entries_are_pruned(book_project):
    root = book_project("minimal")
    build(root, None, Reporter())
    cache_dir = root / "build" / ".cache"
    before = {p.name for p in cache_dir.iterdir()}
    kinds = {name.rsplit("-", 1)[0] for name in before}
    per_part = {"part", "plain", "prepared-docx", "prepared-epub", "prepared-pdf",
                "typst-part"}
    assert kinds == {"book", "citations", "docx", "epub", "epub-final", "meta", "pdf",
                     "typst-frame", *per_part}  # every stage
    chapter = root / "manuscript/chapters/02-endings.md"
    chapter.write_text(chapter.read_text() + "\nMore.\n")
    build(root, None, Reporter())
    after = {p.name for p in cache_dir.iterdir()}
    assert len(after) == len(before)  # each stale entry replaced by its new one
    dropped = {name.rsplit("-", 1)[0] for name in before - after}
    assert dropped == {"book", "docx", "epub", "epub-final", "pdf", *per_part}  # the edited
    # chapter's parts and the whole book's files; the other chapter's parts are read back
    assert {name.rsplit("-", 1)[0] for name in before & after} == {
        "citations", "meta", "typst-frame", *per_part}


def test_assembly_is_cached_and_follows_its_inputs(book_project, monkeypatch):
    """A second build does not resolve citations again; a changed entry does."""
    root = book_project("minimal")
    build(root, None, Reporter())
    calls = []
    import quire.build.pipeline as pipeline

    original = pipeline.assemble_book
    monkeypatch.setattr(pipeline, "assemble_book", lambda *a: calls.append(1) or original(*a))
    build(root, None, Reporter())
    assert calls == []
    entry = root / "bibliography/entries/smith2020.md"
    entry.write_text(entry.read_text().replace("[[2020]]", "[[2021]]"))
    build(root, None, Reporter())
    assert calls == [1]
    assert "Smith & Jones, 2021" in (root / "build/chapters/01-beginnings.md").read_text()


@pytest.mark.parametrize("kind, damage", [("epub", b""), ("book", b"{not json"),
                                          ("meta", b"quire-cache 1 5 x\nabc")])
def test_a_build_over_a_damaged_cache_is_whole(book_project, kind, damage):
    root = book_project("minimal")
    first = {p.name: p.read_bytes() for p in build(root, None, Reporter(strict=True))}
    entries = [e for e in (root / "build/.cache").iterdir() if e.name.rsplit("-", 1)[0] == kind]
    assert len(entries) == 1
    entries[0].write_bytes(damage)
    reporter = Reporter(strict=True)
    second = {p.name: p.read_bytes() for p in build(root, None, reporter)}
    assert second == first and all(len(data) > 1000 for data in second.values())
    assert len(reporter.notes) == 1 and "damaged cache entry" in reporter.notes[0].message


def test_prune_that_fails_does_not_fail_the_build(book_project, monkeypatch):
    root = book_project("minimal")
    build(root, None, Reporter())
    chapter = root / "manuscript/chapters/02-endings.md"
    chapter.write_text(chapter.read_text() + "\nMore.\n")
    stuck = {p.name for p in (root / "build/.cache").iterdir()}
    real_unlink = Path.unlink

    def immutable(self, missing_ok=False):
        if self.name in stuck:
            raise PermissionError(1, "Operation not permitted", str(self))
        return real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", immutable)
    reporter = Reporter(strict=True)
    written = build(root, None, reporter)
    assert sorted(p.suffix for p in written) == [".docx", ".epub", ".pdf"]
    # the stale ones: the whole book's five entries and the edited chapter's six
    assert len(reporter.warnings) == 11 and len(stuck) > 11
    assert all(w.message.startswith("could not remove this stale file after the build "
                                    "(Operation not permitted)") for w in reporter.warnings)
