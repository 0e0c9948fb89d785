"""The content cache: keys, sealed entries, storing, verifying and pruning (the cache in whole
builds is tested in test_cache_books.py)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from hypothesis import given, strategies as st

from quire.build.cache import CACHE_NAMES, MAGIC, ContentCache, content_key, sealed, unsealed
from quire.errors import Reporter, display_path


def test_content_key_separates_parts():
    assert content_key("ab", "c") != content_key("a", "bc")
    assert content_key("x") == content_key(b"x")


def test_content_key_is_a_hash_of_length_prefixed_parts():
    """Keys name stored entries: their recipe is fixed (8-byte big-endian length, then bytes)."""
    expected = hashlib.sha256(b"\0" * 7 + b"\x02" + "é".encode() + b"\0" * 8)
    assert content_key("é", b"") == expected.hexdigest()


def test_cache_without_folder_stores_nothing():
    cache = ContentCache(None)
    cache.put("ast", "k", b"x")
    assert cache.get("ast", "k") is None


# --- the cache can be wrong without harm (confine) ---

def test_entries_are_sealed_with_length_and_hash():
    data = b'{"markdown": "x"}'
    stored = sealed(data)
    assert stored.startswith(MAGIC + b" 17 ") and unsealed(stored) == data
    assert unsealed(sealed(b"")) == b""
    assert unsealed(sealed(b"two\nlines\n")) == b"two\nlines\n"
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


# --- what a reader accepts, where the writer puts things (make mutate) ---

def test_only_the_exact_header_is_accepted():
    data = b"the data"
    stored = sealed(data)
    header, body = stored.split(b"\n", 1)
    length, digest = str(len(data)).encode(), hashlib.sha256(data).hexdigest().encode()
    for damaged in (stored.replace(b" ", b"  ", 1), stored.replace(b" ", b"\t", 1),
                    b"quire-cache 1 " + length + b"\n" + body,
                    b" ".join([MAGIC, length, digest, b"extra"]) + b"\n" + body):
        assert unsealed(damaged) is None, damaged


def test_a_linked_entry_is_never_read(tmp_path):
    cache = ContentCache(tmp_path / "cache")
    cache.put("ast", "a" * 64, b"data")
    elsewhere = tmp_path / "elsewhere"
    (tmp_path / "cache" / ("ast-" + "a" * 64)).rename(elsewhere)
    (tmp_path / "cache" / ("ast-" + "a" * 64)).symlink_to(elsewhere)
    assert cache.get("ast", "a" * 64) is None
    assert elsewhere.read_bytes() == sealed(b"data")


def test_put_creates_the_folder_and_stages_under_an_own_name(tmp_path, monkeypatch):
    folder = tmp_path / "build" / ".cache"
    seen = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: seen.append(sorted(
        p.name for p in folder.iterdir())) or real_fsync(fd))
    cache = ContentCache(folder)
    cache.put("ast", "a" * 64, b"data")
    assert len(seen[0]) == 1 and seen[0][0].startswith(".tmp-") and CACHE_NAMES.match(seen[0][0])
    assert cache.get("ast", "a" * 64) == b"data"


def test_a_cache_that_cannot_be_written_is_no_error(tmp_path, monkeypatch):
    (tmp_path / "build").write_bytes(b"a file where the folder would be")
    cache = ContentCache(tmp_path / "build" / ".cache")
    cache.put("ast", "a" * 64, b"data")  # the folder cannot be made
    assert cache.get("ast", "a" * 64) is None

    def failed_rename(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failed_rename)
    cache = ContentCache(tmp_path / "cache")
    cache.put("ast", "a" * 64, b"data")
    assert list((tmp_path / "cache").iterdir()) == []  # its temporary removed

    def vanished_rename(src, dst):
        Path(src).unlink()
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr(os, "replace", vanished_rename)
    cache.put("ast", "a" * 64, b"data")
    assert list((tmp_path / "cache").iterdir()) == []
