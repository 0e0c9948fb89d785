"""Parsing the assembled book once into a pandoc AST (JSON).

Every format is rendered from this one AST, so the resolved text is the same in
EPUB, PDF and DOCX, and Markdown is parsed once, not once per format. The
result is cached by a hash of everything it depends on.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from ..cache import ContentCache, content_key
from ..errors import QuireError, Reporter, SourceLocation
from ..limits import Limits
from ..model import AssembledBook
from ..resources import check_tree_resources
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
               where: SourceLocation | None = None) -> bytes:
    """The book as pandoc JSON (its citations are resolved already)."""
    meta_json = json.dumps(book.metadata, sort_keys=True, ensure_ascii=False)
    key = content_key(pandoc_version(), INPUT_FORMAT, book.markdown, meta_json)
    cached = cache.get("ast", key)
    if cached is not None:
        return cached
    with tempfile.TemporaryDirectory(prefix="quire-") as tmp:
        meta_file = Path(tmp) / "metadata.json"
        meta_file.write_text(meta_json, encoding="utf-8")
        args = ["-f", INPUT_FORMAT, "-t", "json", f"--metadata-file={meta_file}"]
        result = run_pandoc(args, book.markdown.encode("utf-8"), cwd=book.resource_root,
                            epoch=epoch, what="book's document tree", limits=limits,
                            where=where)
    for warning in result.warnings:
        reporter.warn(f"pandoc: {warning}")
    ast = strip_processing_metadata(result.output)
    # The EPUB and DOCX writers embed whatever files the tree names: checked once, here.
    check_tree_resources(ast, book.resource_root)
    cache.put("ast", key, ast)
    return ast


def strip_processing_metadata(ast_json: bytes) -> bytes:
    """Remove :data:`PROCESSING_KEYS` from a pandoc JSON tree's metadata."""
    try:
        tree = json.loads(ast_json)
    except RecursionError:  # inline markup nested thousands deep (block nesting is checked)
        raise QuireError("the book's text is nested too deeply for its document tree "
                         "(emphasis, links or spans inside one another)") from None
    for name in PROCESSING_KEYS:
        tree["meta"].pop(name, None)
    return json.dumps(tree, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
