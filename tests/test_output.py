"""The output stage: atomic replacement, the build lock, clear errors on unwritable folders."""

from __future__ import annotations

import os
import signal
import stat
from pathlib import Path

import pytest

from quire.errors import QuireError, Reporter, SourceLocation, display_path
from quire.model import Artifact
from quire.build.output import (STAGED, TEXT_NAMES, WriteInterrupted, build_lock, clean_up_after_write,
                          prune_text_folder, remove_stale_temporaries, stage_file, unlink_or_report,
                          write_artifacts, write_atomically)


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
    with pytest.raises(QuireError, match="No space left on device") as info:
        write_atomically(target, b"x" * 1000)
    assert info.value.location == SourceLocation(target)
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


@pytest.mark.parametrize("interrupted_rename", [2, 3])
def test_an_interruption_between_renames_says_what_was_replaced(tmp_path, monkeypatch,
                                                               interrupted_rename):
    names = ("a.epub", "b.pdf", "c.docx")
    for name in names:
        (tmp_path / name).write_bytes(b"old")
    real_replace, calls = os.replace, []

    def interrupted_replace(src, dst):
        calls.append(dst)
        if len(calls) == interrupted_rename:
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", interrupted_replace)
    artifacts = [Artifact("", name, b"new") for name in names]
    with pytest.raises(WriteInterrupted) as info:
        write_artifacts(artifacts, tmp_path)
    shown = [display_path(tmp_path / name) for name in names]
    replaced, kept = shown[:interrupted_rename - 1], shown[interrupted_rename - 1:]
    assert str(info.value) == (f"interrupted while writing the outputs; replaced: "
                               f"{', '.join(replaced)}; left as they were: {', '.join(kept)}")
    assert [(tmp_path / n).read_bytes() for n in names] == \
        [b"new"] * len(replaced) + [b"old"] * len(kept)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.epub", "b.pdf", "c.docx"]


def test_an_interruption_before_any_rename_leaves_everything(tmp_path, monkeypatch):
    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(WriteInterrupted, match="outputs left as they were$"):
        write_artifacts([Artifact("", "a.epub", b"new")], tmp_path)


def test_clean_ups_after_the_write_only_warn(tmp_path):
    reporter = Reporter()
    problem = QuireError("could not remove", SourceLocation(tmp_path / "x"))
    clean_up_after_write([lambda: [problem], lambda: []], reporter)
    assert [(w.message, w.location) for w in reporter.warnings] == \
        [("could not remove", SourceLocation(tmp_path / "x"))]

    def interrupted():
        raise KeyboardInterrupt

    with pytest.raises(WriteInterrupted) as info:
        clean_up_after_write([interrupted], reporter)
    assert str(info.value) == "interrupted after every output was written (all replaced)"


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



# --- fault points, the messages of a partial write, what pruning leaves (make mutate) ---

def test_a_kill_during_the_write_comes_after_the_first_rename(tmp_path, monkeypatch):
    signals = []

    def record_kill(pid, sig):
        signals.append((pid, sig, (tmp_path / "a.epub").exists(), (tmp_path / "b.pdf").exists()))

    monkeypatch.setattr(os, "kill", record_kill)
    monkeypatch.setenv("QUIRE_FAULT", "kill-during-write")
    write_artifacts([Artifact("", "a.epub", b"a"), Artifact("", "b.pdf", b"b")], tmp_path)
    assert signals[0] == (os.getpid(), signal.SIGKILL, True, False)


def test_an_interruption_after_the_last_rename_says_all_were_replaced(tmp_path, monkeypatch):
    def ctrl_c(pid, sig):
        assert sig == signal.SIGINT
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "kill", ctrl_c)
    monkeypatch.setenv("QUIRE_FAULT", "interrupt-during-write")
    with pytest.raises(WriteInterrupted) as info:
        write_artifacts([Artifact("", "a.epub", b"new")], tmp_path)
    assert str(info.value) == ("interrupted while writing the outputs; replaced: "
                               f"{display_path(tmp_path / 'a.epub')}")


def test_a_full_disk_while_staging_is_located_at_the_target(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIRE_FAULT", "enospc-during-write")
    target = tmp_path / "book.pdf"
    target.write_bytes(b"previous")
    with pytest.raises(QuireError) as info:
        write_atomically(target, b"new")
    assert (info.value.message, info.value.location) == (
        f"cannot write the output: {os.strerror(28)}", SourceLocation(target))
    assert [p.name for p in tmp_path.iterdir()] == ["book.pdf"]


def test_a_staged_file_that_vanished_is_no_second_error(tmp_path, monkeypatch):
    def vanish(path, mode):
        Path(path).unlink()
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr(os, "chmod", vanish)
    with pytest.raises(QuireError, match="cannot write the output: No such file"):
        stage_file(tmp_path / "book.pdf", b"x")


def test_stale_temporaries_already_gone_are_no_error(tmp_path, monkeypatch):
    gone = tmp_path / ".book.pdf.abcd1234.tmp"
    monkeypatch.setattr("quire.build.output.own_files", lambda folder, names: [gone])
    remove_stale_temporaries([tmp_path])
    assert not gone.exists()


def test_prune_text_folder_leaves_staged_files_and_reports_each_failure(tmp_path, monkeypatch):
    folder = tmp_path / "chapters"
    staged = stage_file(folder / "01-a.md", b"being written")
    assert TEXT_NAMES.match(staged.name)
    assert prune_text_folder(folder, []) == [] and staged.exists()  # the write stage's own
    for name in ("02-gone.md", "03-gone.txt"):
        (folder / name).write_text("x")

    def refuse(self, missing_ok=False):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(Path, "unlink", refuse)
    assert [p.location for p in prune_text_folder(folder, [])] == [
        SourceLocation(folder / "02-gone.md"), SourceLocation(folder / "03-gone.txt")]


def test_a_stale_file_already_gone_is_no_problem(tmp_path):
    assert unlink_or_report(tmp_path / "02-gone.md") == []
