"""The up-to-date check: nothing changed → the last build replayed; any change → a real build.

One small book is built once (in this process, through the CLI); each change is
made, checked, and undone, and the book must be up to date again after the undo.
"""

from __future__ import annotations

import json
import os
import sys
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import BOOKS
from quire import cli
from quire.build import pipeline, uptodate
from quire.build.cache import CACHE_NAMES, sealed, unsealed
from quire.project import config

OPTIONS = {"formats": None, "edition": None, "strict": False, "allow_stale_quotes": False}
WARNING_LINE = "An aside \\begin{center}centred\\end{center} here.\n"
IMAGE = "manuscript/figures/plot.png"


def run_build(root: Path, *extra: str):
    return CliRunner().invoke(cli.main, ["--project", str(root), "build", *extra])


def manifest_path(root: Path) -> Path:
    [path] = (root / "build" / ".cache").glob("manifest-*")
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The minimal book with a warning and an image, built once; the first build's result."""
    root = tmp_path_factory.mktemp("uptodate") / "minimal"
    shutil.copytree(BOOKS / "minimal", root)
    chapter = root / "manuscript/chapters/02-endings.md"
    chapter.write_text(chapter.read_text() + "\n" + WARNING_LINE)
    (root / IMAGE).parent.mkdir(parents=True)
    (root / IMAGE).write_bytes(b"\x89PNG not really an image, only bytes" * 10)
    first = run_build(root)
    assert first.exit_code == 0, first.output
    return root, first


@pytest.fixture
def project(built, monkeypatch):
    """The built book, checked up to date before and after the test (which undoes its change)."""
    root, _ = built
    assert uptodate.check_up_to_date(root, OPTIONS) is not None
    yield root
    monkeypatch.undo()
    assert uptodate.check_up_to_date(root, OPTIONS) is not None


def outputs(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in (root / "build").rglob("*")
            if p.is_file() and ".cache" not in p.parts}


def no_gathering(*args, **kwargs):
    raise AssertionError("the build gathered the project")


def test_names_kept_apart_to_spare_imports_agree(tmp_path):
    assert cli.FORMATS == config.FORMATS
    assert uptodate.CACHE_DIR == pipeline.CACHE_DIR
    (tmp_path / "book.yaml").write_text("title: T\nauthor: A\ndate: 2020-01-01\n")
    assert config.load_config(tmp_path).build_dir.name == uptodate.BUILD_DIR


def test_nothing_changed_replays_the_last_build(project, built, monkeypatch):
    _, first = built
    assert "warning: LaTeX environment 'center'" in first.stderr
    assert first.stderr.endswith("1 warning\n")
    chapter = project / "manuscript/chapters/01-beginnings.md"
    chapter.touch()  # a new mtime, the same bytes
    before = outputs(project)
    monkeypatch.setattr(pipeline, "gather", no_gathering)
    again = run_build(project)
    assert again.exit_code == 0, again.output
    assert (again.stdout, again.stderr) == (first.stdout, first.stderr)
    assert [Path(line).suffix for line in again.stdout.split()] == [".epub", ".pdf", ".docx"]
    assert outputs(project) == before


def test_timings_name_the_check(project, monkeypatch):
    monkeypatch.setattr(pipeline, "gather", no_gathering)
    result = run_build(project, "--timings")
    assert result.exit_code == 0, result.output
    assert "up-to-date check" in result.stderr and "gather" not in result.stderr


def test_no_cache_always_builds(project, monkeypatch):
    monkeypatch.setattr(pipeline, "gather", no_gathering)
    result = run_build(project, "--no-cache")
    assert isinstance(result.exception, AssertionError)


def _edit(root: Path, rel: str, text: str = "\nOne more sentence.\n"):
    path = root / rel
    original = path.read_bytes()
    path.write_bytes(original + text.encode())
    return lambda: path.write_bytes(original)


def _same_size_same_mtime(root: Path, rel: str, *, in_place: bool):
    path = root / rel
    original, st = path.read_bytes(), path.stat()
    changed = bytes([original[0] ^ 1]) + original[1:]
    if in_place:
        with open(path, "r+b") as handle:
            handle.write(changed)
    else:
        path.unlink()
        path.write_bytes(changed)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    return lambda: path.write_bytes(original)


def _new_file(root: Path, rel: str, data: bytes = b"new"):
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path.unlink


def _deleted(root: Path, rel: str):
    path = root / rel
    original = path.read_bytes()
    path.unlink()
    return lambda: path.write_bytes(original)


def _link(root: Path, rel: str, target: str):
    path = root / rel
    path.symlink_to(target)
    return path.unlink


CHANGES = {
    "chapter edited": lambda r: _edit(r, "manuscript/chapters/01-beginnings.md"),
    "entry edited": lambda r: _edit(r, "bibliography/entries/smith2020.md"),
    "references edited": lambda r: _edit(r, "bibliography/references.json", " "),
    "image rewritten in place, size and mtime kept":
        lambda r: _same_size_same_mtime(r, IMAGE, in_place=True),
    "image replaced, size and mtime kept":
        lambda r: _same_size_same_mtime(r, IMAGE, in_place=False),
    "new chapter": lambda r: _new_file(r, "manuscript/chapters/03-more.md", b"# More\n"),
    "new file anywhere": lambda r: _new_file(r, "notes/todo.txt"),
    "new hidden file": lambda r: _new_file(r, ".hidden/fonts.txt"),
    "file deleted": lambda r: _deleted(r, IMAGE),
    "book.yaml option": lambda r: _edit(r, "book.yaml", "\nsubtitle: Now With One\n"),
    "template added": lambda r: _new_file(r, "templates/appendix.md.j2", b"{{ key }}\n"),
    "link inside the project": lambda r: _link(r, "manuscript/same.png", "figures/plot.png"),
    "link leading out": lambda r: _link(r, "manuscript/out.png", "/etc/hostname"),
    "link into .git": lambda r: _link(r, "manuscript/git.png", "../.git/config"),
    "output deleted": lambda r: _deleted(r, "build/a-minimal-book.epub"),
    "output edited": lambda r: _edit(r, "build/a-minimal-book.pdf", "%%"),
    "output same size and mtime": lambda r: _same_size_same_mtime(r, "build/a-minimal-book.docx",
                                                                  in_place=True),
    "editors' text edited": lambda r: _edit(r, "build/chapters/02-endings.md"),
    "file added to the build folder": lambda r: _new_file(r, "build/extra.txt"),
    "foreign file in the cache folder": lambda r: _new_file(r, "build/.cache/mine.txt"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_each_change_means_a_build(project, change):
    if change == "link into .git":
        (project / ".git").mkdir(exist_ok=True)
        (project / ".git/config").write_text("[core]\n")
    undo = CHANGES[change](project)
    try:
        assert uptodate.check_up_to_date(project, OPTIONS) is None
    finally:
        undo()


def test_the_environment_counts(project, monkeypatch):
    monkeypatch.setenv("HOME", "/somewhere/else")
    assert uptodate.check_up_to_date(project, OPTIONS) is None


def test_version_control_folders_do_not_count(project):
    undo = _new_file(project, ".git/objects/ab", b"a commit")
    try:
        assert uptodate.check_up_to_date(project, OPTIONS) is not None
    finally:
        undo()


@pytest.mark.parametrize("other", [{"formats": ["epub"]}, {"edition": "student"},
                                   {"strict": True}, {"allow_stale_quotes": True}])
def test_other_options_are_not_up_to_date(project, other):
    assert uptodate.check_up_to_date(project, {**OPTIONS, **other}) is None


def test_another_quire_is_not_up_to_date(project, tmp_path, monkeypatch):
    copy = tmp_path / "quire"
    shutil.copytree(uptodate.QUIRE_PACKAGE, copy,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    monkeypatch.setattr(uptodate, "QUIRE_PACKAGE", copy)
    assert uptodate.check_up_to_date(project, OPTIONS) is not None  # other stats, same bytes
    module = copy / "build" / "assemble.py"
    module.write_text(module.read_text() + "\n# another quire\n")
    assert uptodate.check_up_to_date(project, OPTIONS) is None


def test_a_damaged_manifest_means_a_full_build(project):
    manifest = manifest_path(project)
    data = manifest.read_bytes()
    manifest.write_bytes(data[:len(data) // 2])
    assert uptodate.check_up_to_date(project, OPTIONS) is None
    result = run_build(project)
    assert result.exit_code == 0 and result.exception is None, result.output
    assert "Traceback" not in result.output
    assert manifest_path(project).read_bytes() == data or \
        uptodate.check_up_to_date(project, OPTIONS) is not None


def test_a_sealed_manifest_of_nonsense_means_a_build(project):
    manifest = manifest_path(project)
    data = manifest.read_bytes()
    try:
        for nonsense in (b"[]", b"{}", b"not json", b'{"version": 1, "root": 3}'):
            manifest.write_bytes(sealed(nonsense))
            assert uptodate.check_up_to_date(project, OPTIONS) is None
    finally:
        manifest.write_bytes(data)


def test_an_edit_rebuilds_and_is_recorded(project, monkeypatch):
    chapter = project / "manuscript/chapters/01-beginnings.md"
    original = chapter.read_text()
    epub = project / "build/a-minimal-book.epub"
    before = epub.read_bytes()
    try:
        chapter.write_text(original + "\nA freshly added sentence.\n")
        os.utime(project / "book.yaml", (1e9, 1e9))  # edited long ago
        assert run_build(project).exit_code == 0
        assert epub.read_bytes() != before
        inputs = _manifest(project)["inputs"]
        # just edited: racy, its stat not trusted (hashed at every check)
        assert inputs["manuscript/chapters/01-beginnings.md"][1] is None
        assert inputs["book.yaml"][1] is not None
        monkeypatch.setattr(pipeline, "gather", no_gathering)
        assert run_build(project).exit_code == 0
    finally:
        chapter.write_text(original)
        monkeypatch.undo()
        assert run_build(project).exit_code == 0
    assert epub.read_bytes() == before


def _manifest(root: Path) -> dict:
    return json.loads(unsealed(manifest_path(root).read_bytes()))


def test_a_link_into_the_build_folder_keeps_no_manifest(tmp_path):
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "book.epub").write_text("x")
    (tmp_path / "cover.epub").symlink_to("build/book.epub")
    assert uptodate.take_snapshot(tmp_path, OPTIONS) is None
    (tmp_path / "cover.epub").unlink()
    assert uptodate.take_snapshot(tmp_path, OPTIONS) is not None


def test_a_link_leading_out_is_recorded_with_its_target(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("one")
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "out.txt").symlink_to(outside)
    before = uptodate.scan(tmp_path / "book")
    assert before["out.txt"][:2] == ["l", str(outside)]
    outside.write_text("other")
    assert not uptodate._same_tree(tmp_path / "book", before, uptodate.scan(tmp_path / "book"),
                                   [])


def test_the_manifest_name_is_one_the_cache_folder_allows(project):
    assert CACHE_NAMES.match(manifest_path(project).name)


def test_another_python_is_not_up_to_date(project, monkeypatch):
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    assert uptodate.check_up_to_date(project, OPTIONS) is None


def test_another_pandoc_is_not_up_to_date(project, tmp_path, monkeypatch):
    manifest = manifest_path(project)
    kept = manifest.read_bytes()
    fake = tmp_path / "pandoc"
    fake.write_bytes(b"#!/bin/sh\n")
    monkeypatch.setattr("quire.render.pandoc.pandoc_binary", lambda: str(fake))
    try:
        printed = [Path(line) for line in run_build(project).stdout.split()]
        uptodate.record_manifest(uptodate.take_snapshot(project, OPTIONS), OPTIONS, printed, [])
        assert uptodate.check_up_to_date(project, OPTIONS) is not None
        fake.write_bytes(b"#!/bin/sh\n# 3.10\n")
        assert uptodate.check_up_to_date(project, OPTIONS) is None
    finally:
        manifest.write_bytes(kept)


def test_files_that_change_while_the_build_runs_are_changes(tmp_path):
    (tmp_path / "build").mkdir()
    for name in ("kept.md", "edited.md", "deleted.md"):
        (tmp_path / name).write_text(name)
        os.utime(tmp_path / name, (1e9, 1e9))
    snapshot = uptodate.take_snapshot(tmp_path, OPTIONS)
    (tmp_path / "edited.md").write_text("edited during the build")
    (tmp_path / "deleted.md").unlink()
    (tmp_path / "added.md").write_text("added during the build")
    uptodate.record_manifest(snapshot, OPTIONS, [], [])
    inputs = json.loads(unsealed(manifest_path(tmp_path).read_bytes()))["inputs"]
    assert inputs["kept.md"][1] is not None
    assert inputs["edited.md"] == inputs["deleted.md"] == inputs["added.md"] == ["f", None, None]
    assert uptodate.check_up_to_date(tmp_path, OPTIONS) is None


def test_strict_with_a_warning_fails_and_keeps_no_manifest(project):
    strict = {**OPTIONS, "strict": True}
    for _ in range(2):  # the second run too: no fast path for a build that failed
        result = run_build(project, "--strict")
        assert result.exit_code == 1 and "(warning treated as error: --strict)" in result.stderr
        assert uptodate.check_up_to_date(project, strict) is None


def test_a_touched_file_is_hashed_until_its_mtime_settles(project, monkeypatch):
    rel = "bibliography/references.json"
    path = project / rel
    path.touch()  # racy: hashed at every check, its stat not trusted yet
    assert uptodate.check_up_to_date(project, OPTIONS) is not None
    assert _manifest(project)["inputs"][rel][1] != uptodate.scan(project)[rel][1]
    os.utime(path, (1e9, 1e9))  # long ago: the check that hashes it keeps its new stat
    assert uptodate.check_up_to_date(project, OPTIONS) is not None
    assert _manifest(project)["inputs"][rel][1] == uptodate.scan(project)[rel][1]

    hash_of = uptodate.file_sha256

    def no_hashing(hashed):
        assert Path(hashed) != path, "hashed although its stat is recorded"
        return hash_of(hashed)

    monkeypatch.setattr(uptodate, "file_sha256", no_hashing)
    assert uptodate.check_up_to_date(project, OPTIONS) is not None


def test_an_edit_then_its_undo_is_a_change(tmp_path):
    """The hash kept from the last manifest is reused only for a file of the same stat."""
    (tmp_path / "build").mkdir()
    chapter = tmp_path / "chapter.md"

    def write(text: str, mtime: float) -> None:
        chapter.write_text(text)
        os.utime(chapter, (mtime, mtime))  # older than racy

    write("first draft", 1e9)
    uptodate.record_manifest(uptodate.take_snapshot(tmp_path, OPTIONS), OPTIONS, [], [])
    write("second draft", 1.1e9)
    uptodate.record_manifest(uptodate.take_snapshot(tmp_path, OPTIONS), OPTIONS, [], [])
    assert uptodate.check_up_to_date(tmp_path, OPTIONS) is not None
    write("first draft", 1.2e9)  # the outputs are the second draft's
    assert uptodate.check_up_to_date(tmp_path, OPTIONS) is None


def test_a_project_past_the_bound_keeps_no_manifest(tmp_path, monkeypatch):
    for n in range(3):
        (tmp_path / f"{n}.md").write_text("x")
    monkeypatch.setattr(uptodate, "MAX_ENTRIES", 3)
    assert len(uptodate.scan(tmp_path)) == 3
    monkeypatch.setattr(uptodate, "MAX_ENTRIES", 2)
    with pytest.raises(uptodate.Doubt):
        uptodate.scan(tmp_path)
    assert uptodate.take_snapshot(tmp_path, OPTIONS) is None


def test_quire_changed_while_it_built_keeps_no_manifest(tmp_path, monkeypatch):
    (tmp_path / "build").mkdir()
    (tmp_path / "chapter.md").write_text("text")
    copy = tmp_path.parent / (tmp_path.name + "-quire")
    shutil.copytree(uptodate.QUIRE_PACKAGE, copy,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    monkeypatch.setattr(uptodate, "QUIRE_PACKAGE", copy)
    snapshot = uptodate.take_snapshot(tmp_path, OPTIONS)
    module = copy / "build" / "assemble.py"
    module.write_text(module.read_text() + "\n# edited during the build\n")
    uptodate.record_manifest(snapshot, OPTIONS, [], [])
    assert not list((tmp_path / "build").glob(".cache/manifest-*"))
    uptodate.record_manifest(uptodate.take_snapshot(tmp_path, OPTIONS), OPTIONS, [], [])
    assert uptodate.check_up_to_date(tmp_path, OPTIONS) is not None


def test_a_file_larger_than_the_build_reads_is_never_hashed(tmp_path, monkeypatch):
    (tmp_path / "build").mkdir()
    video = tmp_path / "video.mp4"
    video.write_bytes(b"0123456789")
    os.utime(video, (1e9, 1e9))
    monkeypatch.setattr(uptodate, "MAX_FILE_BYTES", 9)
    hash_of = uptodate.file_sha256
    monkeypatch.setattr(uptodate, "file_sha256",
                        lambda path: hash_of(path) if Path(path) != video else 1 / 0)
    uptodate.record_manifest(uptodate.take_snapshot(tmp_path, OPTIONS), OPTIONS, [], [])
    assert _manifest(tmp_path)["inputs"]["video.mp4"][2] is None
    assert uptodate.check_up_to_date(tmp_path, OPTIONS) is not None
    os.utime(video, (1.1e9, 1.1e9))  # the same bytes, but only the stat can vouch
    assert uptodate.check_up_to_date(tmp_path, OPTIONS) is None
