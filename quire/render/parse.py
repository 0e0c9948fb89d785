"""Parsing the assembled book once into a pandoc AST (JSON), citations resolved.

Every format is rendered from this one AST, so the resolved text is the same in
EPUB, PDF and DOCX, and Markdown is parsed once, not once per format. The
result is cached by a hash of everything it depends on.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from ..cache import ContentCache, content_key
from ..errors import Reporter
from ..model import AssembledBook
from .pandoc import pandoc_version, run_pandoc

#: Pandoc Markdown, minus metadata blocks: a ``---`` block in a chapter is text,
#: never settings that could change the book's title or options.
INPUT_FORMAT = "markdown-yaml_metadata_block"

#: Metadata that only steers citation processing. Pandoc keeps it in the tree,
#: and the DOCX writer would store it (local file paths included) in the file.
PROCESSING_KEYS = ("bibliography", "csl", "references", "link-citations",
                   "link-bibliography", "nocite", "citation-abbreviations")


def parse_book(book: AssembledBook, epoch: int, cache: ContentCache,
               reporter: Reporter) -> bytes:
    """The book as pandoc JSON, with citations and the reference list resolved."""
    meta = dict(book.metadata)
    references = meta.pop("references")
    meta_json = json.dumps(meta, sort_keys=True, ensure_ascii=False)
    refs_json = json.dumps(references, sort_keys=True, ensure_ascii=False, indent=1)
    csl = book.csl_path.read_bytes()
    key = content_key(pandoc_version(), INPUT_FORMAT, book.markdown, meta_json, refs_json, csl)
    cached = cache.get("ast", key)
    if cached is not None:
        return cached
    with tempfile.TemporaryDirectory(prefix="quire-") as tmp:
        meta_file = Path(tmp) / "metadata.json"
        meta_file.write_text(meta_json, encoding="utf-8")
        refs_file = Path(tmp) / "references.json"
        refs_file.write_text(refs_json, encoding="utf-8")
        args = ["-f", INPUT_FORMAT, "-t", "json", f"--metadata-file={meta_file}",
                f"--csl={book.csl_path}"]
        if references:
            args += ["--citeproc", f"--bibliography={refs_file}"]
        result = run_pandoc(args, book.markdown.encode("utf-8"), cwd=book.resource_root,
                            epoch=epoch, what="book's document tree")
    for warning in result.warnings:
        reporter.warn(f"pandoc: {warning}")
    ast = strip_processing_metadata(result.output)
    cache.put("ast", key, ast)
    return ast


def strip_processing_metadata(ast_json: bytes) -> bytes:
    """Remove :data:`PROCESSING_KEYS` from a pandoc JSON tree's metadata."""
    tree = json.loads(ast_json)
    for name in PROCESSING_KEYS:
        tree["meta"].pop(name, None)
    return json.dumps(tree, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
