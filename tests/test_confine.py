"""The confinement rule: what a path may name, what quire may write, what it may clean."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from quire.checks.confine import (FETCH_REFUSED, OUTSIDE, Refused, check_file_name, check_own_folder,
                           check_write_target, confine, links_leading_out, own_files,
                           project_root, resolve_file,
                           resolve_reference, url_scheme)
from quire.errors import QuireError, SourceLocation


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "book"
    (root / "images").mkdir(parents=True)
    (root / "images" / "a b.png").write_bytes(b"png")
    (root / "images" / "fig.png").write_bytes(b"png")
    (tmp_path / "secret.txt").write_text("secret")
    return root


def refusal(root: Path, target: str, **kwargs) -> Refused:
    with pytest.raises(Refused) as info:
        resolve_reference(root, target, **kwargs)
    return info.value


@pytest.mark.parametrize("value, scheme", [
    ("https://example.org/a.png", "https"), ("HTTP://x", "http"), ("file:///etc/passwd", "file"),
    ("file:/etc/passwd", "file"), ("//host/x.png", "//"), (" data:image/png;base64,AA", "data"),
    ("images/fig.png", None), ("#anchor", None), ("./a:b.png", None), ("", None)])
def test_url_scheme(value, scheme):
    assert url_scheme(value) == scheme


def test_files_inside_the_project_resolve_to_their_real_path(project):
    assert resolve_reference(project, "images/fig.png") == project / "images/fig.png"
    assert resolve_reference(project, "images/a%20b.png") == project / "images/a b.png"
    assert resolve_reference(project, "./images/../images/fig.png?x=1#y") == \
        project / "images/fig.png"
    assert resolve_reference(project, str(project / "images/fig.png")) == \
        project / "images/fig.png"
    os.symlink("fig.png", project / "images/alias.png")  # a link inside is followed, allowed
    assert resolve_reference(project, "images/alias.png") == project / "images/fig.png"


@pytest.mark.parametrize("value", ["#top", "", "  ", "data:image/png;base64,iVBORw0KGgo="])
def test_anchors_and_inline_data_name_no_file(project, value):
    assert resolve_reference(project, value) is None


@pytest.mark.parametrize("value", ["file:///etc/passwd", "file://localhost/etc/passwd",
                                   "file:/etc/passwd", "http://127.0.0.1:1/x.png",
                                   "https://example.org/x.png", "//example.org/x.png",
                                   "ftp://x/y.png", "mailto:a@b.c"])
def test_every_url_is_refused(project, value):
    refused = refusal(project, value)
    assert refused.reason == FETCH_REFUSED and not refused.missing


@pytest.mark.parametrize("value", ["../secret.txt", "/etc/passwd", "images/../../secret.txt",
                                   "%2e%2e/secret.txt", "images/%2E%2E/%2E%2E/secret.txt"])
def test_paths_outside_are_refused(project, value):
    assert refusal(project, value).reason == OUTSIDE


def test_links_leading_out_are_refused_even_when_dangling(project, tmp_path):
    os.symlink(tmp_path / "secret.txt", project / "images/cover.png")
    os.symlink(tmp_path / "gone.txt", project / "images/dangling.png")
    os.symlink(tmp_path, project / "outer")
    for value in ("images/cover.png", "images/dangling.png", "outer/secret.txt"):
        assert refusal(project, value).reason == OUTSIDE, value


def test_the_project_itself_through_a_link(tmp_path, project):
    os.symlink(project, tmp_path / "alias")
    alias = tmp_path / "alias"
    assert resolve_reference(alias, "images/fig.png") == project / "images/fig.png"
    assert refusal(alias, "../secret.txt").reason == OUTSIDE


def test_impossible_names_are_refusals_not_tracebacks(project):
    os.symlink("loop-b", project / "loop-a")
    os.symlink("loop-a", project / "loop-b")
    os.symlink("self", project / "self")
    assert refusal(project, "loop-a").reason == "is a loop of symbolic links"
    assert refusal(project, "self/x.png").reason == "is a loop of symbolic links"
    assert "NUL" in refusal(project, "images/a%00.png").reason
    assert "NUL" in refusal(project, "images/a\0.png").reason
    assert refusal(project, "a" * 300 + ".png").reason == \
        "is a name too long for the file system"


def test_missing_folders_and_fifos(project):
    missing = refusal(project, "images/none.png")
    assert missing.missing and missing.reason == "not found"
    assert refusal(project, "images/fig.png/x").missing  # a file used as a folder
    assert refusal(project, "images").reason == "is a folder, not a file"
    os.mkfifo(project / "pipe.png")
    assert refusal(project, "pipe.png").reason == "is not a regular file"


def test_base_folder_for_relative_paths(project):
    assert resolve_file(project, "fig.png", project / "images") == project / "images/fig.png"
    with pytest.raises(Refused, match="outside"):
        resolve_file(project, "../../secret.txt", project / "images")


def test_confine_locates_its_message(project):
    where = SourceLocation(project / "book.yaml", 6)
    with pytest.raises(QuireError) as info:
        confine(project, "../secret.txt", where, "cover '../secret.txt'")
    assert info.value.format().endswith(
        "book.yaml:6: error: cover '../secret.txt' lies outside the project folder")
    with pytest.raises(QuireError) as info:
        confine(project, "x.png", where, "cover", missing="file not found: 'x.png'")
    assert info.value.message == "file not found: 'x.png'" and info.value.location == where
    with pytest.raises(QuireError, match="is a URL"):
        confine(project, "https://example.org/c.png", where, "cover")
    assert confine(project, "x.png", where, "chapter", allow_missing=True) == project / "x.png"
    assert confine(project, "images/fig.png", where, "cover") == project / "images/fig.png"


@pytest.mark.parametrize("name, problem", [
    ("x/../../victim", "holds a path separator"), ("a\\b", "holds a path separator"),
    ("", "is empty"), ("..", "is empty or a folder name"), (".hidden", "starts with '.'"),
    ("a\nb", "control character"), ("k" * 201, "longer than 200 bytes")])
def test_file_names_are_one_plain_component(name, problem):
    with pytest.raises(QuireError, match=re.escape(problem)):
        check_file_name(name, "key")


@pytest.mark.parametrize("name", ["smith2020", "koriat2008b", "a:b", "x.y-z_1", "k" * 200])
def test_good_file_names_pass(name):
    assert check_file_name(name, "key") == name


def test_write_targets_stay_inside(project, tmp_path):
    target = project / "images/new.png"
    assert check_write_target(project, target, "entry") == target
    os.symlink("fig.png", project / "images/link.png")
    assert check_write_target(project, project / "images/link.png", "entry") == \
        project / "images/fig.png"  # written through the link
    os.symlink(tmp_path, project / "out")
    with pytest.raises(QuireError, match="outside the project folder .a link leads out."):
        check_write_target(project, project / "out/victim.md", "the entry file")


def test_build_folders_must_be_quires_own(project, tmp_path):
    build = project / "build"
    names = re.compile(r"^[a-z]+-[0-9a-f]{4}$")
    check_own_folder(project, build / ".cache", names)  # nothing there yet: fine
    (build / ".cache").mkdir(parents=True)
    (build / ".cache" / "ast-00ff").write_bytes(b"x")
    check_own_folder(project, build / ".cache", names)
    (build / ".cache" / "mine.txt").write_bytes(b"x")
    with pytest.raises(QuireError, match="quire did not write this") as info:
        check_own_folder(project, build / ".cache", names)
    assert info.value.location == SourceLocation(build / ".cache" / "mine.txt")
    assert [p.name for p in own_files(build / ".cache", names)] == ["ast-00ff"]


def test_a_linked_build_folder_is_refused(project, tmp_path):
    synced = tmp_path / "synced"
    synced.mkdir()
    os.symlink(synced, project / "build")
    with pytest.raises(QuireError, match="a symbolic link stands where") as info:
        check_own_folder(project, project / "build" / ".cache", None)
    assert info.value.location == SourceLocation(project / "build")
    assert list(own_files(project / "build", re.compile(".*"))) == []


def test_project_root_reports_a_loop(tmp_path, project):
    os.symlink("loop", tmp_path / "loop")
    with pytest.raises(QuireError, match="the project folder is a loop of symbolic links"):
        project_root(tmp_path / "loop")
    os.symlink(project, tmp_path / "alias")
    assert project_root(tmp_path / "alias") == project


def test_links_leading_out_of_the_project(project, tmp_path):
    os.symlink(tmp_path / "secret.txt", project / "images/out.png")
    os.symlink("fig.png", project / "images/in.png")
    os.symlink(tmp_path, project / "images/outer")
    (project / ".hidden").mkdir()
    os.symlink("/etc/passwd", project / ".hidden/ignored")
    (project / "build").mkdir()
    os.symlink("/etc/passwd", project / "build/ignored")
    assert links_leading_out(project) == [project / "images/out.png", project / "images/outer"]
    assert links_leading_out(project, project / "images/outer") == [project / "images/outer"]


# --- property tests: any text, any path, only the rule's own answers ---

from hypothesis import given, strategies as st  # noqa: E402

PATH_PIECES = st.sampled_from(["..", ".", "/", "%2e", "%00", "%2F", "\0", "images", "fig.png",
                               "file:", "//", "http://x", "#a", "?q", "~", "\\", "a" * 300,
                               "data:", " ", "loop"])


@given(st.lists(st.one_of(PATH_PIECES, st.text(max_size=8)), max_size=8).map("".join))
def test_any_reference_resolves_inside_or_is_refused(tmp_path_factory, value):
    root = tmp_path_factory.getbasetemp() / "prop-book"
    if not root.exists():
        (root / "images").mkdir(parents=True)
        (root / "images/fig.png").write_bytes(b"png")
        os.symlink("loop", root / "loop")
    try:
        found = resolve_reference(root, value)
    except Refused:
        return
    assert found is None or (found.is_relative_to(root) and found.is_file())


@given(st.lists(st.sampled_from(list("![]()<>\"'=: \n`~{}#/.%&;") + [
    "src=", "url(", "<style>", "</style>", "<img ", "```{=html}\n", "```\n", "[a]: "]),
    max_size=60).map("".join))
def test_the_scan_returns_references_for_any_text(text):
    from quire.checks.resources import references_in, scan_texts

    for ref in references_in(text, Path("x.md")) + scan_texts([(Path("y.md"), text, 3)]):
        assert ref.location.line >= 1 and ref.location.column >= 1
