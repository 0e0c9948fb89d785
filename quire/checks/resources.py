"""Files the book's text names (images, raw-HTML sources, stylesheet urls): confined, located.

Pandoc embeds every image it can read or download into an EPUB or DOCX,
wherever the path points, and raw HTML can name any file (``<img
src="/etc/passwd">``). Every such reference is held to the rule of
:mod:`quire.checks.confine`: a local path must name a file inside the project (links
followed; paths are relative to the project folder), and a URL of any scheme
is refused, because quire fetches nothing while it builds.

- :func:`check_resources` scans the text of everything that reaches the book
  (chapters and their titles, research entries and the passages they hold,
  ``book.yaml``'s values, the stylesheet and the appendix template), code
  masked, for inline and reference-style images, the ``src``, ``data``,
  ``poster``, ``srcset`` and link ``href`` attributes of raw HTML (entities
  decoded) and CSS ``url()``; each problem is an error at the file, line and
  column of the text that named the file.
- :func:`check_tree_resources` walks the parsed document tree, metadata
  included, before the EPUB and DOCX writers run: a safety net for anything
  the text scan could not see.

Raw Typst cannot escape either: the Typst compiler's root is the project
folder (:mod:`quire.render.typst`). Raw LaTeX is dropped by every writer quire
uses.
"""

from __future__ import annotations

import bisect
import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from ..citations.syntax import mask
from .confine import Refused, links_leading_out, resolve_reference
from ..project.config import BookConfig
from ..errors import QuireError, SourceLocation
from ..model import Bibliography, Chapter

# Alt text: no brackets, or one level of them (each scan stops at the next bracket: linear).
_ALT = r"(?:[^\[\]]|\[[^\[\]]*\])*"
_IMAGE = re.compile(r"!\[" + _ALT + r"\]\(\s*(?:<(?P<angle>[^<>\n]*)>|(?P<plain>[^)\s]+))")
_IMAGE_REF = re.compile(r"!\[(?P<text>" + _ALT + r")\](?:[ \t]?\[(?P<label>[^\[\]]*)\])?"
                        r"(?![(\[])")
_DEFINITION = re.compile(r"^[ ]{0,3}\[(?P<label>[^\]\n]+)\]:[ \t]*(?:<(?P<angle>[^>\n]*)>|"
                         r"(?P<plain>\S+))", re.M)
_TAG = re.compile(r"<(?P<name>[A-Za-z][\w:-]*)(?P<attrs>(?:\s+[^<>]*?)?)/?>", re.S)
_ATTR = re.compile(r"(?P<name>[\w:-]+)\s*=\s*(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'|(?P<bare>[^\s>]+))")
_STYLE_OPEN = re.compile(r"<style\b[^<>]*>", re.I)
_STYLE_CLOSE = re.compile(r"</style\s*>", re.I)
_CSS_URL = re.compile(r"""url\(\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^)\s'"]*))\s*\)"""
                      r"""|@import\s+(?:"(?P<idq>[^"]*)"|'(?P<isq>[^']*)')""", re.I)
FETCHED = {"src", "data", "poster", "srcset"}
LINKED = {"link", "image", "use", "feimage"}  # tags whose href (xlink:href) a writer fetches


def fetched_files(tag: str, attribute: str, value: str) -> list[str]:
    """The file references a writer may fetch from one HTML attribute (decoded value)."""
    if attribute == "srcset":
        return [part.split()[0] for part in value.split(",") if part.strip()]
    if attribute in FETCHED or (attribute in ("href", "xlink:href") and tag in LINKED):
        return [value]
    if attribute == "style":
        return [url for _, url in css_urls(value)]
    return []


def css_urls(css: str) -> Iterator[tuple[int, str]]:
    """(offset, value) of every ``url(…)`` and ``@import`` in a stylesheet."""
    for match in _CSS_URL.finditer(css):
        group = next(g for g in ("dq", "sq", "bare", "idq", "isq") if match.group(g) is not None)
        yield match.start(group), match.group(group)


@dataclass(frozen=True)
class Reference:
    """A file named by the book's text: what names it, the value, where it stands."""

    kind: str
    value: str
    location: SourceLocation


class _Lines:
    """Offsets of a text to (line, column), for a text that starts at ``first_line``."""

    def __init__(self, text: str, path: Path, first_line: int) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.path, self.first_line = path, first_line

    def at(self, offset: int) -> SourceLocation:
        line = bisect.bisect_right(self.starts, offset) - 1
        return SourceLocation(self.path, self.first_line + line, offset - self.starts[line] + 1)


def references_in(text: str, path: Path, first_line: int = 1,
                  definitions: dict[str, list[Reference]] | None = None,
                  labels: set[str] | None = None) -> list[Reference]:
    """Every inline image and fetched raw-HTML or CSS reference in Markdown ``text``.

    Reference-style images are collected in two parts, since a definition may
    stand anywhere in the book: their ``labels`` and every link ``definitions``.
    """
    masked = _masked(text)
    lines = _Lines(text, path, first_line)
    found = []
    for match in _IMAGE.finditer(masked):
        group = "angle" if match.group("angle") is not None else "plain"
        found.append(Reference("image", text[match.start(group):match.end(group)],
                               lines.at(match.start(group))))
    for match in _IMAGE_REF.finditer(masked):
        if labels is not None:
            labels.add(_label(match.group("label") or match.group("text")))
    for match in _DEFINITION.finditer(masked):
        if definitions is not None:
            group = "angle" if match.group("angle") is not None else "plain"
            label = _label(match.group("label"))
            definitions.setdefault(label, []).append(Reference(
                f"image reference [{match.group('label')}]",
                text[match.start(group):match.end(group)], lines.at(match.start(group))))
    for start, kind, value in _attribute_references(text, masked):
        found.append(Reference(kind, value, lines.at(start)))
    for start, end in _regions(masked, _STYLE_OPEN, _STYLE_CLOSE):
        for offset, value in css_urls(text[start:end]):
            found.append(Reference("url() in <style>", value, lines.at(start + offset)))
    return found


def rewritable_references(text: str) -> Iterator[tuple[int, str, str]]:
    """(offset, kind, value) of every inline image target and fetched raw-HTML attribute
    whose value stands in ``text`` as written (so a caller may rewrite it in place)."""
    masked = _masked(text)
    for match in _IMAGE.finditer(masked):
        group = "angle" if match.group("angle") is not None else "plain"
        yield match.start(group), "image", text[match.start(group):match.end(group)]
    yield from _attribute_references(text, masked)


def _attribute_references(text: str, masked: str) -> Iterator[tuple[int, str, str]]:
    """(offset, kind, value) of every file a raw-HTML attribute makes a writer fetch."""
    for tag in _TAG.finditer(masked):
        name = tag.group("name").lower()
        for attr in _ATTR.finditer(tag.group("attrs") or ""):
            attr_name = attr.group("name").lower()
            which = next(g for g in ("dq", "sq", "bare") if attr.group(g) is not None)
            start = tag.start("attrs") + attr.start(which)
            raw = text[start:start + len(attr.group(which))]
            for value in fetched_files(name, attr_name, html.unescape(raw)):
                yield start, f"'{attr_name}' of <{name}>", value


def _regions(text: str, opening: re.Pattern[str], closing: re.Pattern[str]) -> list[tuple[int, int]]:
    """(start, end) of the text between each opening and the next closing, in one pass."""
    closes = [m.start() for m in closing.finditer(text)]
    regions, index, after = [], 0, 0
    for match in opening.finditer(text):
        if match.start() < after:
            continue
        index = bisect.bisect_left(closes, match.end(), index)
        if index == len(closes):
            break
        regions.append((match.end(), closes[index]))
        after = closes[index]
    return regions


_RAW_HTML_OPEN = re.compile(r"^(?:`{3,}|~{3,})[ \t]*\{=html[45]?\}[ \t]*$", re.M)
_FENCE_LINE = re.compile(r"^(?:`{3,}|~{3,})[ \t]*$", re.M)


def _masked(text: str) -> str:
    """``text`` with code blanked out, except raw HTML blocks (a writer reads them)."""
    masked = mask(text, urls=False)
    regions = _regions(text, _RAW_HTML_OPEN, _FENCE_LINE)
    if not regions:
        return masked
    pieces, last = [], 0
    for start, end in regions:
        pieces += [masked[last:start], text[start:end]]
        last = end
    return "".join(pieces + [masked[last:]])


def _label(text: str) -> str:
    return " ".join(text.split()).casefold()


def stylesheet_references(path: Path, css: str) -> list[Reference]:
    """Every ``url()`` and ``@import`` of a stylesheet, located in it."""
    lines = _Lines(css, path, 1)
    return [Reference("url() of the stylesheet", value, lines.at(offset))
            for offset, value in css_urls(css)]


def check_references(references: list[Reference], root: Path,
                     base: dict[Path, Path] | None = None,
                     searches: dict[Path, list[Path]] | None = None) -> list[QuireError]:
    """An error for every reference to a URL, a file outside the project, or nothing.

    A reference in a file of ``searches`` (a chapter) is looked for from each of its
    folders in turn (the chapter's folder up to the project folder, as pandoc's
    resource path does); found in none, it is reported as the project folder sees it.
    """
    errors = []
    for ref in references:
        folders = (searches or {}).get(ref.location.path, [])
        if any(_found_from(root, ref.value, folder) for folder in folders):
            continue
        try:
            resolve_reference(root, ref.value, (base or {}).get(ref.location.path))
        except Refused as refusal:
            reason = refusal.reason
            if refusal.missing:
                reason = ("not found (looked for from the chapter's folder up to the project "
                          "folder)" if folders else
                          "not found (paths are relative to the project folder)")
            errors.append(QuireError(f"{ref.kind} '{ref.value}' {reason}", ref.location))
    return errors


def _found_from(root: Path, value: str, folder: Path) -> bool:
    try:
        resolve_reference(root, value, folder)
    except Refused:
        return False
    return True


def scan_texts(texts: list[tuple[Path, str, int]]) -> list[Reference]:
    """The references of several Markdown texts ((path, text, first line)), images by label too."""
    definitions: dict[str, list[Reference]] = {}
    labels: set[str] = set()
    found = []
    for path, text, first_line in texts:
        found += references_in(text, path, first_line, definitions, labels)
    for label in sorted(labels):
        found += definitions.get(label, [])
    return found


class _Sources(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"
        for name, value in attrs:
            self.values.extend(fetched_files(tag, name, value or ""))

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False  # the text after </style> is no stylesheet

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.values.extend(url for _, url in css_urls(data))


def tree_references(node: object) -> Iterator[str]:
    """Every image target and fetched raw-HTML value in a pandoc JSON tree (or part of one)."""
    if isinstance(node, dict):
        kind, content = node.get("t"), node.get("c")
        if kind == "Image":
            yield content[2][0]
        elif kind in ("RawInline", "RawBlock"):
            if content[0] in ("html", "html4", "html5", "epub", "epub3"):
                parser = _Sources()
                parser.feed(content[1])
                yield from parser.values
        else:
            for value in node.values():
                yield from tree_references(value)
    elif isinstance(node, list):
        for item in node:
            yield from tree_references(item)


def has_raw_typst(node: object) -> bool:
    """Whether a pandoc JSON tree holds raw Typst (which may read any file under its root)."""
    if isinstance(node, dict):
        if node.get("t") in ("RawInline", "RawBlock") and node["c"][0] == "typst":
            return True
        return any(has_raw_typst(value) for value in node.values())
    return isinstance(node, list) and any(has_raw_typst(item) for item in node)


def check_tree_resources(ast: bytes, root: Path) -> None:
    """Raise if the document tree, metadata included, still names a URL or an outside file.

    With raw Typst in the tree, no symbolic link in the project may lead out
    of it: the Typst compiler's root is the project, and it follows links.
    """
    tree = json.loads(ast)
    errors = []
    if has_raw_typst(tree["blocks"]):
        errors += [QuireError("the book holds raw Typst, which may read any file of the "
                              "project, and this symbolic link leads outside the project "
                              "folder: remove the link (or the raw Typst)", SourceLocation(link))
                   for link in links_leading_out(root)]
    for value in tree_references([tree.get("meta", {}), tree["blocks"]]):
        try:
            resolve_reference(root, value)
        except Refused as refusal:
            errors.append(QuireError(f"the book refers to '{value}': it {refusal.reason}",
                                     SourceLocation(root)))
    if errors:
        from ..errors import raise_all

        raise_all(errors)


def check_resources(config: BookConfig, chapters: list[Chapter],
                    bibliography: Bibliography) -> list[QuireError]:
    """An error for every file the book's texts name that is a URL, outside, or missing.

    Scanned whole, each at its own lines: book.yaml (its values are Markdown),
    every chapter file (front-matter title and heading included), every
    research entry (sections and passages), the project's stylesheet and
    appendix template.
    """
    from ..project.templates import project_template
    from ..project.textfiles import read_text

    files = [config.path, *(c.path for c in chapters), *(e.path for e in
                                                          bibliography.entries.values())]
    errors: list[QuireError] = []
    texts = []
    for path in files:
        try:
            texts.append((path, read_text(path, allow_empty=True), 1))
        except QuireError as exc:
            errors.append(exc)
    found = scan_texts(texts)
    found += decoded_references(config, chapters, found)
    bases = {}
    for name in ("appendix.md.j2", "epub.css"):
        try:
            template = project_template(config.root, name)
        except QuireError:
            continue  # a template outside the project: check_templates reports it
        try:
            if template is not None:
                text = read_text(template, allow_empty=True)
                found += (stylesheet_references(template, text) if name == "epub.css"
                          else references_in(text, template))
                bases[template] = template.parent  # a stylesheet's url() is relative to it
        except QuireError as exc:
            errors.append(exc)
    from .image_paths import search_folders

    searches = {chapter.path: search_folders(chapter.path, config.root) for chapter in chapters}
    return errors + check_references(found, config.root, bases, searches)


def decoded_references(config: BookConfig, chapters: list[Chapter],
                       found: list[Reference]) -> list[Reference]:
    """References the raw scan cannot see because YAML escapes spell them (``"\\x21[a](…)"``):
    found in book.yaml's decoded values and chapter titles, at their key's or heading's line."""
    values = [(key, value) for key in ("title", "subtitle", "publisher", "rights")
              for value in [getattr(config, key)] if value]
    values += [("author", name) for name in config.authors]
    texts = [(config.path, value, config.location(key).line or 1) for key, value in values]
    texts += [(chapter.path, chapter.title, chapter.heading_line) for chapter in chapters]
    known = {(ref.location.path, ref.value) for ref in found}
    return [Reference(ref.kind, ref.value, SourceLocation(path, line))
            for path, value, line in texts for ref in references_in(value, path, line)
            if (path, ref.value) not in known]
