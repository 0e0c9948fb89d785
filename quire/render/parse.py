"""Parsing the assembled book into pandoc's document tree (JSON), one part at a time.

Every format is rendered from this one tree, so the resolved text is the same in
EPUB, PDF and DOCX, and Markdown is parsed once, not once per format. Each part
(a chapter, the reference list, an appendix) is parsed on its own, as Quarto
and bookdown read each chapter file, by as many pandoc processes as there are
cores, and cached by a hash of its own text: editing one chapter parses that
chapter again, nothing else. A part's footnotes and reference-style link
definitions belong to it. Headings that two parts would give the same id keep
it in the first part and take the next free ``-N`` in the later one (with that
part's own links following), as pandoc numbers them in one document.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ..build.cache import ContentCache, code_fingerprint, content_key
from ..checks.resources import check_tree_resources
from ..crossref.captions import STYLE_KEY, number_blocks
from ..errors import QuireError, Reporter, SourceLocation, raise_all
from ..model import AssembledBook, ParsedBook
from ..project.limits import Limits
from ..project.textfiles import first_line_holding
from .pandoc import pandoc_version, run_pandoc
from .part_ids import header_ids, unique_part_ids

#: Pandoc Markdown, minus metadata blocks (a ``---`` block in a chapter is text,
#: never settings that could change the book's title or options) and minus
#: citations (quire resolved them; an ``@`` left in the text is text).
INPUT_FORMAT = "markdown-yaml_metadata_block-citations"

#: Metadata that only steers citation processing. Pandoc keeps it in the tree,
#: and the DOCX writer would store it (local file paths included) in the file.
PROCESSING_KEYS = ("bibliography", "csl", "references", "link-citations",
                   "link-bibliography", "nocite", "citation-abbreviations")
_BODY_END = b"[]}"


def parse_book(book: AssembledBook, epoch: int, cache: ContentCache,
               reporter: Reporter, limits: Limits = Limits(),
               where: SourceLocation | None = None,
               chapters: dict[str, Path] | None = None) -> ParsedBook:
    """The book as pandoc JSON, part by part (its citations are resolved already);
    ``chapters`` maps a part's name to its chapter file, to locate pandoc's warnings."""
    metadata = dict(book.metadata)
    style = str(metadata.pop(STYLE_KEY, None) or "apa")
    head = _parse_metadata(metadata, book.resource_root, epoch, cache, limits, where)
    parts = book.parts or (("book", book.markdown),)
    keys = [content_key(pandoc_version(), INPUT_FORMAT, style, text, code_fingerprint())
            for _, text in parts]
    stored = {key: _unpack(cache.get("part", key)) for key in set(keys)}
    missing = sorted({(key, text) for key, (_, text) in zip(keys, parts)
                      if stored[key] is None}, key=lambda pair: keys.index(pair[0]))
    if missing:
        def parse(item: tuple[str, str]) -> tuple[str, Any]:
            key, text = item
            return key, _parse_part(text, style, book.resource_root, epoch, limits, where)

        workers = min(len(missing), os.cpu_count() or 1)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for key, parsed in pool.map(parse, missing):
                stored[key] = parsed
                cache.put("part", key, _pack(parsed))
    for (name, text), key in zip(parts, keys):  # warnings replayed from the cache as well
        for message, line in stored[key]["warnings"]:
            located = locate_warning(AssembledBook(text, {}, book.csl_path, book.resource_root,
                                                   ((name, text),)), message, line,
                                     chapters or {}) if line else None
            reporter.warn(f"pandoc: {message}", located)
    bodies = unique_part_ids([stored[key]["ids"] for key in keys],
                             [stored[key]["blocks"] for key in keys])
    parsed_book = ParsedBook(head, tuple((name, body) for (name, _), body in zip(parts, bodies)))
    _check_resources(parsed_book, book.resource_root)
    return parsed_book


def _parse_metadata(metadata: dict[str, Any], root: Path, epoch: int, cache: ContentCache,
                    limits: Limits, where: SourceLocation | None) -> bytes:
    """The tree's head: pandoc's API version and the book's metadata, read as pandoc reads a
    metadata file (its texts are Markdown, escaped by the assembly)."""
    meta_json = json.dumps(metadata, sort_keys=True, ensure_ascii=False)
    key = content_key(pandoc_version(), INPUT_FORMAT, meta_json, code_fingerprint())
    cached = cache.get("meta", key)
    if cached is not None:
        return cached
    with tempfile.TemporaryDirectory(prefix="quire-") as tmp:
        meta_file = Path(tmp) / "metadata.json"
        meta_file.write_text(meta_json, encoding="utf-8")
        result = run_pandoc(["-f", INPUT_FORMAT, "-t", "json", f"--metadata-file={meta_file}"],
                            b"", cwd=root, epoch=epoch, what="book's metadata", limits=limits,
                            where=where)
    tree = _load(result.output)
    for name in PROCESSING_KEYS:
        tree["meta"].pop(name, None)
    tree["blocks"] = []
    document = _dump(tree)
    assert document.endswith(_BODY_END), "pandoc's JSON ends with its body"
    head = document[:-len(_BODY_END)] + b"["
    cache.put("meta", key, head)
    return head


def _parse_part(text: str, style: str, root: Path, epoch: int, limits: Limits,
                where: SourceLocation | None) -> dict[str, Any]:
    """One part's blocks (captions numbered), its heading ids and pandoc's warnings
    (message, line in the part)."""
    result = run_pandoc(["-f", INPUT_FORMAT, "-t", "json"], text.encode("utf-8"), cwd=root,
                        epoch=epoch, what="book's document tree", limits=limits, where=where)
    blocks = number_blocks(_load(result.output)["blocks"], style)  # (crossref)
    body = _dump(blocks)[1:-1]
    warnings = []
    for warning in result.warnings:
        at = _WARNING_LINE.search(warning)
        warnings.append([_WARNING_LINE.sub("", warning), int(at.group(1))] if at
                        else [warning, 0])
    return {"blocks": body, "ids": header_ids(blocks), "warnings": warnings}


def _pack(parsed: dict[str, Any]) -> bytes:
    """A parsed part as the cache stores it: its ids and warnings on one line, its blocks."""
    return json.dumps({"ids": parsed["ids"], "warnings": parsed["warnings"]}).encode(
        "utf-8") + b"\n" + parsed["blocks"]


def _unpack(stored: bytes | None) -> dict[str, Any] | None:
    if stored is None:
        return None
    header, _, blocks = stored.partition(b"\n")
    return {**json.loads(header), "blocks": blocks}


def _check_resources(book: ParsedBook, root: Path) -> None:
    """The EPUB and DOCX writers embed whatever files the tree names: checked every build
    (the files may have changed since a part was cached), every part, all errors together."""
    errors: list[QuireError] = []
    seen: set[str] = set()
    for body in [b""] + [body for _, body in book.parts if _NAMES_FILES.search(body)]:
        try:
            check_tree_resources(book.head + body + b"]}", root)
        except QuireError as exc:
            errors += [QuireError(d.message, d.location) for d in exc.diagnostics
                       if d.format() not in seen and not seen.add(d.format())]
    raise_all(errors)


#: The nodes that can name a file (an image, raw HTML or Typst): a part holding none is
#: not walked (its blocks are compact JSON, as :func:`_dump` writes them).
_NAMES_FILES = re.compile(rb'\{"t":"(?:Image|RawBlock|RawInline)"')


def _load(data: bytes) -> Any:
    try:
        return json.loads(data)
    except RecursionError:  # inline markup nested thousands deep (block nesting is checked)
        raise QuireError("the book's text is nested too deeply for its document tree "
                         "(emphasis, links or spans inside one another)") from None


def _dump(tree: Any) -> bytes:
    return json.dumps(tree, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


_WARNING_LINE = re.compile(r" at line (\d+) column \d+")
_QUOTED = re.compile(r"'([^']+)'")


def locate_warning(book: AssembledBook, warning: str, line: int,
                   chapters: dict[str, Path]) -> SourceLocation | None:
    """The chapter file and line a pandoc warning at ``line`` of the assembled book is about
    (``chapters``: part name -> chapter file). pandoc's line is where its parser stood, often
    the next block: the chapter holding that line or the one before is searched for what the
    warning quotes (``#id`` for an identifier), then for the text of that line."""
    lines = book.markdown.split("\n")
    quoted = _QUOTED.findall(warning)
    pieces = [f"#{q}" for q in quoted] + quoted + [lines[line - 1].strip()
                                                  if 0 < line <= len(lines) else ""]
    bounds, start = [], 1
    for name, text in book.parts:
        bounds.append((name, start))
        start += text.count("\n") + 1
    here = max((i for i, (_, first) in enumerate(bounds) if first <= line), default=0)
    candidates = [bounds[i][0] for i in (here, here - 1) if i >= 0 and bounds[i][0] in chapters]
    for name in candidates:
        found = first_line_holding(chapters[name], pieces,
                                   last=warning.startswith("Duplicate"))  # the second one
        if found is not None:
            return SourceLocation(chapters[name], found)
    return SourceLocation(chapters[candidates[0]]) if candidates else None


def strip_processing_metadata(ast_json: bytes) -> bytes:
    """Remove :data:`PROCESSING_KEYS` from a pandoc JSON tree's metadata (captions numbered)."""
    tree = _load(ast_json)
    style = tree.get("meta", {}).pop(STYLE_KEY, None)
    tree["blocks"] = number_blocks(tree["blocks"], _meta_text(style) or "apa")
    for name in PROCESSING_KEYS:
        tree["meta"].pop(name, None)
    return _dump(tree)


def _meta_text(value: Any) -> str:
    if not value:
        return ""
    if value.get("t") == "MetaString":
        return value["c"]
    return "".join(i.get("c", "") for i in value.get("c", []) if i.get("t") == "Str")
