"""Files a chapter refers to (images, raw HTML sources): inside the project, or an error.

Pandoc embeds every image it can read into an EPUB or DOCX, wherever the path
points, and raw HTML in a chapter can name any file (``<img
src="/etc/passwd">``). quire never lets a chapter reach outside its project:

- :func:`check_chapter_resources` reads each chapter's Markdown (code masked)
  for image targets and the ``src``, ``data``, ``poster`` and ``srcset``
  attributes of raw HTML (``href`` of ``<link>``), entities decoded; a local
  path must name an existing file inside the project (paths are relative to
  the project folder; symbolic links are followed before the check). Each
  problem is an error at its file, line and column.
- :func:`check_tree_resources` checks the parsed document tree the same way
  before EPUB and DOCX are written: a safety net for anything the text scan
  could not see.

Raw Typst cannot escape either: the Typst compiler's root is the project
folder (:mod:`quire.render.typst`). Raw LaTeX is dropped by every writer quire
uses.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

from .citations.syntax import mask
from .errors import QuireError, SourceLocation
from .model import Chapter

_IMAGE = re.compile(r"!\[(?:[^\[\]]|\[[^\[\]]*+\])*+\]\(\s*(?:<(?P<angle>[^>]*)>|(?P<plain>[^)\s]+))")
_TAG = re.compile(r"<(?P<name>[A-Za-z][\w:-]*)(?P<attrs>(?:\s+[^<>]*?)?)/?>", re.S)
_ATTR = re.compile(r"(?P<name>[\w:-]+)\s*=\s*(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'|(?P<bare>[^\s>]+))")
FETCHED = {"src", "data", "poster", "srcset"}


def fetched_files(tag: str, attribute: str, value: str) -> list[str]:
    """The file references a writer may fetch from one HTML attribute (decoded value)."""
    if attribute == "srcset":
        return [part.strip().split(" ")[0] for part in value.split(",")]
    if attribute in FETCHED or (attribute == "href" and tag == "link"):
        return [value]
    return []
_REMOTE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|#|//)")


def local_target(value: str) -> str | None:
    """The file path a reference names, or None for URLs, anchors and data."""
    value = value.strip()
    if not value or _REMOTE.match(value):
        return None
    return value.split("#", 1)[0].split("?", 1)[0] or None


def resolve_inside(root: Path, target: str) -> tuple[Path | None, str]:
    """The file ``target`` names (relative to ``root``, or absolute) if it lies inside ``root``."""
    from urllib.parse import unquote

    path = Path(unquote(target))
    resolved = (path if path.is_absolute() else root / path).resolve()
    if not resolved.is_relative_to(root.resolve()):
        return None, "lies outside the project folder"
    if not resolved.is_file():
        return None, "not found (paths are relative to the project folder)"
    return resolved, ""


def _references(text: str) -> Iterator[tuple[int, str, str]]:
    """(offset, kind, value) of every image target and fetched raw-HTML attribute."""
    masked = mask(text, urls=False)
    for match in _IMAGE.finditer(masked):
        group = "angle" if match.group("angle") is not None else "plain"
        yield match.start(group), "image", text[match.start(group):match.end(group)]
    for tag in _TAG.finditer(masked):
        name = tag.group("name").lower()
        for attr in _ATTR.finditer(tag.group("attrs") or ""):
            attr_name = attr.group("name").lower()
            which = next(g for g in ("dq", "sq", "bare") if attr.group(g) is not None)
            start = tag.start("attrs") + attr.start(which)
            raw = text[start:start + len(attr.group(which))]
            for value in fetched_files(name, attr_name, html.unescape(raw)):
                yield start, f"'{attr_name}' of <{name}>", value


def check_chapter_resources(chapters: list[Chapter], root: Path) -> list[QuireError]:
    """An error for every reference in the chapters to a file outside the project or missing."""
    errors = []
    for chapter in chapters:
        starts = [0] + [m.end() for m in re.finditer("\n", chapter.body)]
        for offset, kind, value in _references(chapter.body):
            target = local_target(value)
            if target is None:
                continue
            _, problem = resolve_inside(root, target)
            if problem:
                line = max(i for i, s in enumerate(starts) if s <= offset)
                where = SourceLocation(chapter.path, chapter.body_line + line,
                                       offset - starts[line] + 1)
                errors.append(QuireError(f"{kind} '{value}' {problem}", where))
    return errors


class _Sources(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            self.values.extend(fetched_files(tag, name, value or ""))


def check_tree_resources(ast: bytes, root: Path) -> None:
    """Raise if the document tree still refers to a file outside the project."""
    def walk(node: object) -> Iterator[str]:
        if isinstance(node, dict):
            kind, content = node.get("t"), node.get("c")
            if kind == "Image":
                yield content[2][0]
            elif kind in ("RawInline", "RawBlock") and content[0] == "html":
                parser = _Sources()
                parser.feed(content[1])
                yield from parser.values
            else:
                yield from walk(content)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)

    for value in walk(json.loads(ast)["blocks"]):
        target = local_target(value)
        if target is not None:
            found, problem = resolve_inside(root, target)
            if found is None:
                raise QuireError(f"the book refers to '{value}': it {problem}",
                                 SourceLocation(root))
