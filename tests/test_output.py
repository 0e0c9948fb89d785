"""The output stage: atomic replacement, the build lock, clear errors on unwritable folders."""

from __future__ import annotations

import os

import pytest

from quire.errors import QuireError
from quire.model import Artifact
from quire.output import (STAGED, TEXT_NAMES, build_lock, stage_file, write_artifacts,
                          write_atomically)


def test_write_replaces_whole_file(tmp_path):
    target = tmp_path / "book.epub"
    target.write_bytes(b"old")
    assert write_artifacts([Artifact("epub", "book.epub", b"new")], tmp_path) == [target]
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["book.epub"]


def test_failed_write_keeps_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "book.pdf"
    target.write_bytes(b"previous good file")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(QuireError, match="No space left on device"):
        write_atomically(target, b"x" * 1000)
    assert target.read_bytes() == b"previous good file"
    assert [p.name for p in tmp_path.iterdir()] == ["book.pdf"]


def test_unwritable_build_folder_is_a_clear_error(tmp_path):
    blocker = tmp_path / "build"
    blocker.write_bytes(b"a file where the build folder should be")
    with pytest.raises(QuireError, match="cannot write to the build folder") as info:
        write_atomically(blocker / "a.pdf", b"x")
    assert info.value.location.path == blocker


def test_second_build_is_refused_while_lock_is_held(tmp_path):
    with build_lock(tmp_path):
        with pytest.raises(QuireError, match="another build of this project is running"):
            with build_lock(tmp_path):
                pass
    with build_lock(tmp_path):  # released: the next build may run
        pass


def test_lock_removes_temporaries_of_a_killed_build(tmp_path):
    folder = tmp_path / "build"
    staged = stage_file(folder / "book.pdf", b"half")  # as a killed build leaves it
    assert STAGED.match(staged.name) and TEXT_NAMES.match(staged.name)
    (folder / ".notes.tmp").write_bytes(b"the user's")  # not a name quire makes
    with build_lock(folder):
        assert not staged.exists()
    assert (folder / ".notes.tmp").read_bytes() == b"the user's"
