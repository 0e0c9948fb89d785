"""Stage results are cached by content: an unchanged book is not rendered again."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from quire.build.cache import CACHE_NAMES, MAGIC, ContentCache, content_key, sealed, unsealed
from quire.errors import Reporter, display_path
from quire.build.pipeline import build


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
    kinds = sorted(name.rsplit("-", 1)[0] for name in before)
    assert kinds == ["ast", "book", "docx", "epub", "epub-final", "pdf", "plain"]  # every stage
    chapter = root / "manuscript/chapters/02-endings.md"
    chapter.write_text(chapter.read_text() + "\nMore.\n")
    build(root, None, Reporter())
    after = {p.name for p in cache_dir.iterdir()}
    assert len(after) == 7 and not after & before


def test_cache_without_folder_stores_nothing():
    cache = ContentCache(None)
    cache.put("ast", "k", b"x")
    assert cache.get("ast", "k") is None


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


# --- the cache can be wrong without harm (confine) ---

def test_entries_are_sealed_with_length_and_hash():
    data = b'{"markdown": "x"}'
    stored = sealed(data)
    assert stored.startswith(MAGIC + b" 17 ") and unsealed(stored) == data
    assert unsealed(sealed(b"")) == b""
    for damaged in (b"", stored[:-1], stored[:10], stored + b"x", stored.replace(b"x", b"y"),
                    data, b"quire-cache 1 17 " + b"0" * 64 + b"\n" + data):
        assert unsealed(damaged) is None, damaged


def test_put_flushes_before_the_rename(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: events.append("fsync") or real_fsync(fd))
    monkeypatch.setattr(os, "replace", lambda a, b: events.append("rename") or real_replace(a, b))
    cache = ContentCache(tmp_path)
    cache.put("ast", "k" * 64, b"data")
    assert events[:2] == ["fsync", "rename"] and events[2:] == ["fsync"]  # then the folder
    assert cache.get("ast", "k" * 64) == b"data"
    assert [p.name for p in tmp_path.iterdir()] == ["ast-" + "k" * 64]


def test_a_damaged_entry_is_dropped_with_a_note(tmp_path):
    reporter = Reporter()
    cache = ContentCache(tmp_path, reporter=reporter)
    cache.put("epub", "a" * 64, b"the book")
    entry = tmp_path / ("epub-" + "a" * 64)
    entry.write_bytes(entry.read_bytes()[:-3])  # a power cut in the middle of the write
    assert cache.get("epub", "a" * 64) is None
    assert not entry.exists()
    assert [n.format() for n in reporter.notes] == [
        f"{display_path(entry)}: note: damaged cache entry dropped (truncated or corrupt); "
        "its stage runs again"]
    assert reporter.warnings == []


@pytest.mark.parametrize("kind, damage", [("epub", b""), ("book", b"{not json"),
                                          ("ast", b"quire-cache 1 5 x\nabc")])
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
    assert len(reporter.warnings) == len(stuck) == 7  # one entry of each cached stage
    assert all(w.message.startswith("could not remove this stale file after the build "
                                    "(Operation not permitted)") for w in reporter.warnings)


def test_prune_deletes_only_its_own_names(tmp_path):
    cache = ContentCache(tmp_path)
    cache.put("ast", "b" * 64, b"x")
    (tmp_path / ("pdf-" + "c" * 64)).write_bytes(b"old")
    (tmp_path / ".tmp-abcd1234").write_bytes(b"half")
    cache.get("ast", "b" * 64)
    assert cache.prune() == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ast-" + "b" * 64]
    assert all(CACHE_NAMES.match(n) for n in ("ast-" + "b" * 64, "svg-png-" + "c" * 64, "epub-final-" + "d" * 64, ".tmp-abcd1234"))
    assert not CACHE_NAMES.match("notes.txt") and not CACHE_NAMES.match("ast-xyz")


@given(st.binary(max_size=300), st.binary(max_size=40), st.integers(0, 400))
def test_any_damage_to_a_sealed_entry_is_detected(data, noise, cut):
    stored = sealed(data)
    damaged = stored[:cut] + noise + stored[cut + len(noise):]
    result = unsealed(damaged)
    assert result is None or sealed(result) == damaged  # only an intact entry reads back
