"""The output stage: atomic replacement, the build lock, clear errors on unwritable folders."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, run_cli
from outputs import epub_text
from quire.errors import QuireError, Reporter, SourceLocation, display_path
from quire.model import Artifact
from quire.build.output import (STAGED, TEXT_NAMES, WriteInterrupted, build_lock, clean_up_after_write,
                          prune_text_folder, stage_file, write_artifacts, write_atomically)


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


# --- the build folder is quire's own; the write stage tells the truth (confine) ---

def test_write_atomically_creates_the_folder_with_readable_files(tmp_path):
    target = tmp_path / "build" / "deeper" / "book.epub"
    assert write_atomically(target, b"the book") == target
    assert target.read_bytes() == b"the book"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in target.parent.iterdir()] == ["book.epub"]


def test_an_interruption_between_renames_says_what_was_replaced(tmp_path, monkeypatch):
    for name in ("a.epub", "b.pdf", "c.docx"):
        (tmp_path / name).write_bytes(b"old")
    real_replace, calls = os.replace, []

    def interrupted_replace(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", interrupted_replace)
    artifacts = [Artifact("", name, b"new") for name in ("a.epub", "b.pdf", "c.docx")]
    with pytest.raises(WriteInterrupted) as info:
        write_artifacts(artifacts, tmp_path)
    assert str(info.value) == (f"interrupted while writing the outputs; replaced: "
                               f"{display_path(tmp_path / 'a.epub')}; left as they were: "
                               f"{display_path(tmp_path / 'b.pdf')}, "
                               f"{display_path(tmp_path / 'c.docx')}")
    assert [(tmp_path / n).read_bytes() for n in ("a.epub", "b.pdf", "c.docx")] == \
        [b"new", b"old", b"old"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.epub", "b.pdf", "c.docx"]


def test_an_interruption_before_any_rename_leaves_everything(tmp_path, monkeypatch):
    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(WriteInterrupted, match="outputs left as they were$"):
        write_artifacts([Artifact("", "a.epub", b"new")], tmp_path)


def test_sigint_during_the_write_stage_of_a_real_build(book_project):
    root = book_project("minimal")
    assert run_cli("--project", root, "build", "--format", "epub").code == 0
    (root / "manuscript/chapters/02-endings.md").write_text("# Endings\n\nChanged.\n")
    env = {**os.environ, "QUIRE_FAULT": "interrupt-during-write"}
    proc = subprocess.run([sys.executable, str(REPO / "build.py"), "--project", str(root),
                           "build", "--format", "epub"], capture_output=True, text=True,
                          env=env, cwd=REPO, check=False)
    assert proc.returncode == 130 and "Traceback" not in proc.stderr
    epub = display_path(root / "build/a-minimal-book.epub")
    assert proc.stderr.strip().startswith(f"interrupted while writing the outputs; replaced: "
                                          f"{epub}; left as they were: ")
    assert "Changed." in epub_text(root / "build/a-minimal-book.epub")  # it was replaced


def test_clean_ups_after_the_write_only_warn(tmp_path):
    reporter = Reporter()
    problem = QuireError("could not remove", SourceLocation(tmp_path / "x"))
    clean_up_after_write([lambda: [problem], lambda: []], reporter)
    assert [(w.message, w.location) for w in reporter.warnings] == \
        [("could not remove", SourceLocation(tmp_path / "x"))]

    def interrupted():
        raise KeyboardInterrupt

    with pytest.raises(WriteInterrupted, match="after every output was written"):
        clean_up_after_write([interrupted], reporter)


def test_prune_text_folder_keeps_the_current_parts_and_foreign_names(tmp_path):
    folder = tmp_path / "chapters"
    folder.mkdir()
    for name in ("01-a.md", "01-a.txt", "02-gone.md", "02-gone.txt", ".hidden.md"):
        (folder / name).write_text(name)
    keep = [Artifact("", "chapters/01-a.md", b""), Artifact("", "chapters/01-a.txt", b"")]
    assert prune_text_folder(folder, keep) == []
    assert sorted(p.name for p in folder.iterdir()) == [".hidden.md", "01-a.md", "01-a.txt"]
    assert prune_text_folder(tmp_path / "none", keep) == []


def test_prune_text_folder_reports_what_it_cannot_remove(tmp_path, monkeypatch):
    folder = tmp_path / "chapters"
    folder.mkdir()
    (folder / "02-gone.md").write_text("x")

    def refuse(self, missing_ok=False):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(Path, "unlink", refuse)
    problems = prune_text_folder(folder, [])
    assert [(p.message, p.location) for p in problems] == [
        ("could not remove this stale file after the build (Operation not permitted); the "
         "outputs are written", SourceLocation(folder / "02-gone.md"))]


def test_a_linked_build_folder_is_never_cleaned(tmp_path):
    synced = tmp_path / "synced"
    synced.mkdir()
    staged = stage_file(synced / "book.pdf", b"the user's half file")
    project = tmp_path / "book"
    project.mkdir()
    os.symlink(synced, project / "build")
    with pytest.raises(QuireError, match="a symbolic link stands where quire keeps"):
        with build_lock(project / "build"):
            pass
    assert staged.read_bytes() == b"the user's half file"


def test_foreign_files_in_an_owned_folder_stop_the_build_before_cleaning(tmp_path):
    build = tmp_path / "build"
    (build / "chapters").mkdir(parents=True)
    (build / "chapters" / "notes.docx").write_bytes(b"mine")
    staged = stage_file(build / "book.pdf", b"half")
    with pytest.raises(QuireError, match="quire did not write this") as info:
        with build_lock(build, (("chapters", TEXT_NAMES),)):
            pass
    assert info.value.location == SourceLocation(build / "chapters" / "notes.docx")
    assert staged.exists() and (build / "chapters" / "notes.docx").read_bytes() == b"mine"
