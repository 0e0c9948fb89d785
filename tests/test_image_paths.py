"""Image paths relative to the chapter's folder or a folder above it, inside the project only."""

from __future__ import annotations

from pathlib import Path

from quire.checks.image_paths import resolve_image_paths, search_folders
from quire.model import Chapter


def _project(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "book"
    (root / "manuscript" / "chapters").mkdir(parents=True)
    (root / "manuscript" / "images").mkdir()
    (root / "manuscript" / "images" / "a.png").write_bytes(b"png")
    (root / "figures").mkdir()
    (root / "figures" / "b.png").write_bytes(b"png")
    (tmp_path / "outside.png").write_bytes(b"png")
    return root, root / "manuscript" / "chapters" / "01-x.md"


def _resolve(root: Path, path: Path, body: str) -> str:
    [chapter] = resolve_image_paths([Chapter(path, 1, "X", 1, body, 2)], root)
    return chapter.body


def test_search_folders_climb_from_the_chapter_to_the_project(tmp_path):
    root, path = _project(tmp_path)
    assert search_folders(path, root) == [root / "manuscript" / "chapters",
                                          root / "manuscript", root]


def test_paths_from_the_chapter_the_manuscript_and_the_project(tmp_path):
    root, path = _project(tmp_path)
    body = ("![a](../images/a.png) ![a](images/a.png){width=50%} ![b](figures/b.png)\n"
            '<img src="../images/a.png"> ![kept](manuscript/images/a.png)')
    assert _resolve(root, path, body) == (
        "![a](manuscript/images/a.png) ![a](manuscript/images/a.png){width=50%} "
        "![b](figures/b.png)\n"
        '<img src="manuscript/images/a.png"> ![kept](manuscript/images/a.png)')


def test_missing_outside_remote_and_code_are_left_as_written(tmp_path):
    root, path = _project(tmp_path)
    body = ("![m](../images/missing.png) ![o](../../../outside.png) "
            "![u](https://example.org/a.png) `![c](../images/a.png)`")
    assert _resolve(root, path, body) == body
