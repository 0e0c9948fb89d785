"""Parsing the assembled book once into a pandoc AST (JSON).

Every format is rendered from this one AST, so the resolved text is the same in
EPUB, PDF and DOCX, and Markdown is parsed once, not once per format. The
result is cached by a hash of everything it depends on.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

from ..build.cache import ContentCache, code_fingerprint, content_key
from ..crossref.captions import number_captions
from ..errors import QuireError, Reporter, SourceLocation
from ..project.limits import Limits
from ..model import AssembledBook
from ..checks.resources import check_tree_resources
from ..project.textfiles import first_line_holding
from .pandoc import pandoc_version, run_pandoc

#: Pandoc Markdown, minus metadata blocks (a ``---`` block in a chapter is text,
#: never settings that could change the book's title or options) and minus
#: citations (quire resolved them; an ``@`` left in the text is text).
INPUT_FORMAT = "markdown-yaml_metadata_block-citations"

#: Metadata that only steers citation processing. Pandoc keeps it in the tree,
#: and the DOCX writer would store it (local file paths included) in the file.
PROCESSING_KEYS = ("bibliography", "csl", "references", "link-citations",
                   "link-bibliography", "nocite", "citation-abbreviations")


def parse_book(book: AssembledBook, epoch: int, cache: ContentCache,
               reporter: Reporter, limits: Limits = Limits(),
               where: SourceLocation | None = None,
               chapters: dict[str, Path] | None = None) -> bytes:
    """The book as pandoc JSON (its citations are resolved already)."""
    meta_json = json.dumps(book.metadata, sort_keys=True, ensure_ascii=False)
    key = content_key(pandoc_version(), INPUT_FORMAT, book.markdown, meta_json, code_fingerprint())
    cached = cache.get("ast", key)
    if cached is not None:  # checked again: the files the tree names may have changed since
        check_tree_resources(cached, book.resource_root)
        return cached
    with tempfile.TemporaryDirectory(prefix="quire-") as tmp:
        meta_file = Path(tmp) / "metadata.json"
        meta_file.write_text(meta_json, encoding="utf-8")
        args = ["-f", INPUT_FORMAT, "-t", "json", f"--metadata-file={meta_file}"]
        result = run_pandoc(args, book.markdown.encode("utf-8"), cwd=book.resource_root,
                            epoch=epoch, what="book's document tree", limits=limits,
                            where=where)
    for warning in result.warnings:
        at = _WARNING_LINE.search(warning)
        where = locate_warning(book, warning, int(at.group(1)), chapters or {}) if at else None
        reporter.warn(f"pandoc: {_WARNING_LINE.sub('', warning) if where else warning}", where)
    ast = strip_processing_metadata(result.output)
    # The EPUB and DOCX writers embed whatever files the tree names: checked once, here.
    check_tree_resources(ast, book.resource_root)
    cache.put("ast", key, ast)
    return ast


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
    """Remove :data:`PROCESSING_KEYS` from a pandoc JSON tree's metadata."""
    try:
        tree = json.loads(ast_json)
    except RecursionError:  # inline markup nested thousands deep (block nesting is checked)
        raise QuireError("the book's text is nested too deeply for its document tree "
                         "(emphasis, links or spans inside one another)") from None
    tree = number_captions(tree)  # numbered captions for every format (crossref)
    for name in PROCESSING_KEYS:
        tree["meta"].pop(name, None)
    return json.dumps(tree, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
