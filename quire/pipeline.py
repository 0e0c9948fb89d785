"""The build, as ordered stages over plain data.

1. :func:`gather`: read and validate everything (config, chapters, entries,
   citations, style). ``check`` stops here.
2. :func:`~quire.assemble.assemble_book`: one Markdown document.
3. :func:`~quire.render.parse.parse_book`: one pandoc AST, citations resolved.
4. :func:`~quire.render.formats.render_all`: EPUB, PDF, DOCX in memory, in parallel;
   :func:`~quire.editorial.texts.editor_texts`: each chapter's resolved text.
5. :func:`~quire.output.write_artifacts`: the only stage that writes outputs.

Stages 3 and 4 are pure functions of their inputs and cached by content hash
in ``build/.cache``.
"""

from __future__ import annotations

import dataclasses
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, TypeVar

from .assemble import assemble_book
from .cache import ContentCache, code_fingerprint, content_key
from .citations.keys import check_citation_keys, cited, citation_groups
from .citations.syntax import CitationGroup
from .citations.style import style_path
from .config import BookConfig, load_config
from .entries.store import load_bibliography
from .errors import QuireError, Reporter, raise_all
from .limits import check_nesting
from .manuscript import read_chapters
from .model import AssembledBook, Bibliography, Chapter, Citation
from .editorial.texts import TEXT_DIR, editor_texts
from .output import build_lock, prune_text_folder, write_artifacts
from .passages import insert_passages
from .quotations import check_quotations, report_quotations
from .resources import check_chapter_resources
from .render.formats import render_all
from .render.parse import parse_book

CACHE_DIR = ".cache"
T = TypeVar("T")


@dataclass(frozen=True)
class Sources:
    """Everything the build reads, validated."""

    config: BookConfig
    chapters: list[Chapter]
    bibliography: Bibliography
    groups: dict[Path, list[CitationGroup]]
    csl_path: Path

    @property
    def citations(self) -> list[Citation]:
        """Every cited key with its location, in reading order."""
        return cited(self.groups)


def gather(root: Path, reporter: Reporter, *, allow_stale_quotes: bool = False) -> Sources:
    """Read and check the whole project; every problem found is reported together."""
    config = load_config(root)
    errors: list[QuireError] = []
    chapters = _attempt(errors, lambda: read_chapters(config), [])
    bibliography = _attempt(errors, lambda: load_bibliography(config.root), Bibliography())
    csl = _attempt(errors, lambda: style_path(config), None)
    raise_all(errors)
    with_passages = insert_passages(chapters, bibliography)
    groups = citation_groups(with_passages)
    citations = cited(groups)
    errors = check_chapter_resources(with_passages, config.root)
    _attempt(errors, lambda: check_citation_keys(citations, bibliography), None)
    _attempt(errors, lambda: check_nesting(with_passages, config.limits.nesting), None)
    _attempt(errors, lambda: report_quotations(check_quotations(chapters, bibliography.entries),
                                               reporter, allow_stale_quotes), None)
    raise_all(errors)
    return Sources(config, with_passages, bibliography, groups, csl)


def _attempt(errors: list[QuireError], action: Callable[[], T], default: T) -> T:
    """``action()``, or ``default`` with its error added to ``errors``."""
    try:
        return action()
    except QuireError as exc:
        errors.append(exc)
        return default


def assemble(sources: Sources, edition: str | None = None,
             cache: ContentCache | None = None) -> AssembledBook:
    """Stage 2: the single document every format is made from (cached by its inputs)."""
    config = sources.config
    chosen = config.edition(edition)
    key = assembly_key(sources, edition)
    stored = cache.get("book", key) if cache is not None else None
    if stored is not None:
        data = json.loads(stored)
        return AssembledBook(data["markdown"], data["metadata"], sources.csl_path, config.root,
                             tuple(tuple(part) for part in data["parts"]))
    book = assemble_book(config, sources.chapters, sources.bibliography, sources.csl_path,
                         sources.groups, chosen)
    if cache is not None:
        cache.put("book", key, json.dumps({"markdown": book.markdown, "metadata": book.metadata,
                                           "parts": book.parts}).encode("utf-8"))
    return book


def assembly_key(sources: Sources, edition: str | None) -> str:
    """A hash of everything the assembled book depends on."""
    config, bibliography = sources.config, sources.bibliography
    template = config.root / "templates" / "appendix.md.j2"
    return content_key(  # the data already read, as the dataclasses print it
        code_fingerprint(), repr(config), edition or "", repr(sources.chapters),
        repr(sorted(bibliography.entries.items())),
        json.dumps(bibliography.references, sort_keys=True),
        sources.csl_path.read_bytes(), template.read_bytes() if template.is_file() else b"")


def build(root: Path, formats: tuple[str, ...] | None, reporter: Reporter,
          *, use_cache: bool = True, allow_stale_quotes: bool = False,
          edition: str | None = None) -> list[Path]:
    """Build the book; return the files written. Nothing is written unless all succeed."""
    sources = gather(root, reporter, allow_stale_quotes=allow_stale_quotes)
    config = sources.config
    cache = ContentCache(config.build_dir / CACHE_DIR, read=use_cache)
    book = assemble(sources, edition, cache)
    if edition is not None:  # an edition's files: <basename>-<edition>.<format>
        config = dataclasses.replace(config, output=dataclasses.replace(
            config.output, basename=f"{config.output.basename}-{edition}"))
    text_dir = TEXT_DIR if edition is None else f"{TEXT_DIR}-{edition}"
    with build_lock(config.build_dir):
        ast = parse_book(book, config.source_date_epoch, cache, reporter, config.limits,
                         config.location("limits"),
                         {ch.path.stem: ch.path for ch in sources.chapters})
        with ThreadPoolExecutor(max_workers=1) as pool:  # beside the formats' own threads
            texts_job = pool.submit(editor_texts, book, ast, config.source_date_epoch, cache,
                                    text_dir)
            artifacts = render_all(formats or config.output.formats, ast, config, cache,
                                   reporter, {ch.anchor: ch.path for ch in sources.chapters})
            texts = texts_job.result()
        reporter.finish()
        written = write_artifacts(artifacts + texts, config.build_dir)[:len(artifacts)]
        prune_text_folder(config.build_dir / text_dir, texts)
        cache.prune()
        return written
