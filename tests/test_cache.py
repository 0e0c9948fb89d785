"""Stage results are cached by content: an unchanged book is not rendered again."""

from __future__ import annotations

import pytest

from quire.cache import ContentCache, content_key
from quire.errors import Reporter
from quire.pipeline import build


def test_content_key_separates_parts():
    assert content_key("ab", "c") != content_key("a", "bc")
    assert content_key("x") == content_key(b"x")


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
    kinds = sorted(name.split("-")[0] for name in before)
    assert kinds == ["ast", "book", "docx", "epub", "pdf", "plain"]  # every cached stage
    chapter = root / "manuscript/chapters/02-endings.md"
    chapter.write_text(chapter.read_text() + "\nMore.\n")
    build(root, None, Reporter())
    after = {p.name for p in cache_dir.iterdir()}
    assert len(after) == 6 and not after & before


def test_cache_without_folder_stores_nothing():
    cache = ContentCache(None)
    cache.put("ast", "k", b"x")
    assert cache.get("ast", "k") is None


def test_assembly_is_cached_and_follows_its_inputs(book_project, monkeypatch):
    """A second build does not resolve citations again; a changed entry does."""
    root = book_project("minimal")
    build(root, None, Reporter())
    calls = []
    import quire.pipeline as pipeline

    original = pipeline.assemble_book
    monkeypatch.setattr(pipeline, "assemble_book", lambda *a: calls.append(1) or original(*a))
    build(root, None, Reporter())
    assert calls == []
    entry = root / "bibliography/entries/smith2020.md"
    entry.write_text(entry.read_text().replace("[[2020]]", "[[2021]]"))
    build(root, None, Reporter())
    assert calls == [1]
    assert "Smith & Jones, 2021" in (root / "build/chapters/01-beginnings.md").read_text()
