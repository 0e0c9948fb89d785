"""Image paths as authors write them: relative to the chapter file, or to a folder above it.

Pandoc looks a relative image path up along its resource path. A migrating
author's chapters live in ``manuscript/chapters/`` and name their images
``../images/x.png`` (from the chapter's folder) or ``images/x.png`` (from the
manuscript folder, or from the project). :func:`resolve_image_paths` rewrites
each such path, in image targets and the ``src`` of raw HTML, to the path from
the project folder of the first file found, looking in the chapter's folder,
then each folder above it up to the project folder. Only candidates inside the
project count (:func:`quire.checks.confine.resolve_inside` decides); a path found
nowhere is left as written, and the resource check reports it.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from .confine import Refused, resolve_inside, url_scheme
from ..model import Chapter
from .resources import rewritable_references


def resolve_image_paths(chapters: list[Chapter], root: Path) -> list[Chapter]:
    """The chapters with every local image path rewritten relative to the project folder."""
    return [_resolve_chapter(chapter, root) for chapter in chapters]


def search_folders(chapter: Path, root: Path) -> list[Path]:
    """The chapter's folder, then each folder above it up to ``root`` (its resource path)."""
    folders, folder = [], chapter.parent.resolve()
    top = root.resolve()
    while folder.is_relative_to(top):
        folders.append(folder)
        if folder == top:
            break
        folder = folder.parent
    return folders or [top]


def project_path(target: str, chapter: Path, root: Path) -> str | None:
    """``target`` as a path from the project folder, or None when no folder holds it."""
    if Path(target).is_absolute():
        return None
    top = root.resolve()
    for folder in search_folders(chapter, root):
        relative = os.path.relpath(folder / target, top)
        try:
            resolve_inside(root, relative)
        except Refused:
            continue
        return Path(relative).as_posix()
    return None


def local_target(value: str) -> str | None:
    """The file path of a reference, or None for an anchor, a URL or inline ``data:``."""
    value = value.strip()
    if not value or value.startswith("#") or url_scheme(value) is not None:
        return None
    return value.split("#", 1)[0].split("?", 1)[0] or None


def _resolve_chapter(chapter: Chapter, root: Path) -> Chapter:
    body, changes = chapter.body, []
    for offset, kind, value in rewritable_references(body):
        if kind != "image" and not kind.startswith("'src'"):
            continue
        target = local_target(value)
        if target is None or not body.startswith(target, offset):
            continue
        found = project_path(target, chapter.path, root)
        if found is not None and found != target:
            changes.append((offset, len(target), found))
    for offset, length, found in sorted(changes, reverse=True):
        body = body[:offset] + found + body[offset + length:]
    return dataclasses.replace(chapter, body=body) if changes else chapter
