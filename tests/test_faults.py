"""A build that fails or is killed leaves the previous good outputs in place."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import REPO, run_cli
from outputs import epub_text
from quire.errors import display_path

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


def build_env(fault: str) -> dict[str, str]:
    return {**os.environ, "QUIRE_FAULT": fault}


def build_with_fault(root, fault: str, *args: str) -> subprocess.CompletedProcess:
    """Run ``build.py build ARGS`` with the fault point ``fault`` armed."""
    return subprocess.run([sys.executable, str(REPO / "build.py"), "--project", str(root),
                           "build", *args], env=build_env(fault), capture_output=True,
                          text=True, check=False)


@pytest.mark.parametrize("fmt, fault", [
    ("epub", "kill-during-pandoc"), ("epub", "kill-during-write"),
    ("pdf", "kill-during-pandoc"), ("pdf", "kill-after-typst"), ("pdf", "kill-during-write"),
    ("docx", "kill-during-pandoc"), ("docx", "kill-during-write"),
])
def test_killed_at_each_point_of_each_format(book_project, fmt, fault):
    """SIGKILL while pandoc runs, after Typst compiled, and between two renames."""
    root = book_project("minimal")
    assert run_cli("--project", root, "build").code == 0
    old = outputs(root)
    chapter = root / "manuscript/chapters/01-beginnings.md"
    chapter.write_text(chapter.read_text() + "\nA sentence the killed build was adding.\n")
    proc = build_with_fault(root, fault, "--format", fmt, "--no-cache")
    assert proc.returncode == -signal.SIGKILL
    after = outputs(root)
    name = f"a-minimal-book.{fmt}"
    for other in OUTPUTS:
        if other != name:
            assert after[other] == old[other]
    assert after[name] == old[name] or name in _complete(root, name)
    if fault != "kill-during-write":
        assert after[name] == old[name]  # killed before anything was replaced
    assert run_cli("--project", root, "build", "--format", fmt).code == 0
    assert list((root / "build").rglob(".*.tmp")) == []  # leftovers cleaned under the lock


def test_two_builds_at_once(book_project):
    root = book_project("minimal")
    first = subprocess.Popen([sys.executable, str(REPO / "build.py"), "--project", str(root),
                              "build"], env=build_env("pause-after-lock"),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lock = root / "build" / ".quire.lock"
    deadline = time.monotonic() + 20
    while not lock.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    second = run_cli("--project", root, "build")
    assert second.code == 1 and "Traceback" not in second.err
    assert second.err.splitlines()[0] == (
        f"{lock}: error: another build of this project is running (its lock is held); wait "
        "for it to finish")
    assert first.wait(timeout=60) == 0
    assert all(data for data in outputs(root).values())
    assert run_cli("--project", root, "build").code == 0


def test_full_disk_replaces_nothing(book_project):
    root = book_project("minimal")
    assert run_cli("--project", root, "build").code == 0
    old = outputs(root)
    chapter = root / "manuscript/chapters/02-endings.md"
    chapter.write_text(chapter.read_text() + "\nMore.\n")
    proc = build_with_fault(root, "enospc-during-write")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.splitlines()[0] == (
        f"{root}/build/a-minimal-book.epub: error: cannot write the output: No space left on "
        "device")
    assert outputs(root) == old
    assert list((root / "build").rglob(".*.tmp")) == []


def _mount_tmpfs(folder, size: str) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                          capture_output=True, check=False)
    return done.returncode == 0


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small file system needs root")
def test_a_really_full_disk_and_a_read_only_build_folder(book_project, tmp_path):
    root = book_project("minimal")
    assert run_cli("--project", root, "build").code == 0
    good = {p.name: p.read_bytes() for p in (root / "build").glob("a-minimal-book.*")}
    shutil.rmtree(root / "build")
    if not _mount_tmpfs(root / "build", "200k"):
        pytest.skip("this machine does not let tests mount a file system")
    try:
        for name, data in good.items():
            (root / "build" / name).write_bytes(data)
        with open(root / "build" / "filler", "wb") as filler:  # leave a few kilobytes free
            try:
                filler.write(b"\0" * (1 << 20))
            except OSError:
                pass
        full = run_cli("--project", root, "build")
        assert full.code == 1 and "Traceback" not in full.err
        assert "No space left on device" in full.err
        assert {n: (root / "build" / n).read_bytes() for n in good} == good
        (root / "build" / "filler").unlink()
        subprocess.run(["mount", "-o", "remount,ro", str(root / "build")], check=True)
        readonly = run_cli("--project", root, "build")
        assert readonly.code == 1 and "Traceback" not in readonly.err
        assert "Read-only file system" in readonly.err
        assert {n: (root / "build" / n).read_bytes() for n in good} == good
    finally:
        subprocess.run(["umount", str(root / "build")], check=False)


def test_build_folder_that_is_a_file(book_project):
    root = book_project("minimal")
    (root / "build").write_text("not a folder")
    result = run_cli("--project", root, "build")
    assert result.code == 1 and "Traceback" not in result.err
    assert result.err.splitlines()[0] == (f"{root}/build: error: cannot create the build "
                                          "folder: File exists")


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
