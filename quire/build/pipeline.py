"""The build, as ordered stages over plain data.

1. :func:`gather`: read and validate everything (config, chapters, entries,
   citations, style). ``check`` stops here.
2. :func:`~quire.build.assemble.assemble_book`: one Markdown document.
3. :func:`~quire.render.parse.parse_book`: one pandoc AST, citations resolved, kept
   part by part (each chapter parsed on its own, in parallel, and cached by its text).
4. :func:`~quire.render.formats.render_all`: EPUB, PDF, DOCX in memory, in parallel;
   :func:`~quire.editorial.texts.editor_texts`: each chapter's resolved text.
5. :func:`~quire.build.output.write_artifacts`: the only stage that writes outputs.

Stages 3 and 4 are pure functions of their inputs and cached by content hash
in ``build/.cache``: a part's tree, its tree as each format receives it and its
plain text by that part alone; each format's file by the whole book.
"""

from __future__ import annotations

import dataclasses
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, TypeVar

from ..checks.alt_text import report_missing_alt_text
from .assemble import assemble_book
from .cache import CACHE_NAMES, ContentCache, code_fingerprint, content_key
from ..citations.keys import check_citation_keys, cited, citation_groups
from ..citations.memo import EngineStore
from ..citations.syntax import CitationGroup
from ..citations.style import style_path
from ..project.config import BookConfig, load_config
from ..crossref import check_crossrefs
from ..entries.store import load_bibliography
from ..errors import QuireError, Reporter, raise_all
from ..project.limits import check_nesting
from ..project.manuscript import read_chapters
from ..model import AssembledBook, Bibliography, Chapter, Citation, ParsedBook
from ..editorial.texts import TEXT_DIR, editor_texts
from .output import (TEXT_NAMES, build_lock, clean_up_after_write, prune_text_folder,
                     write_artifacts)
from ..checks.image_paths import resolve_image_paths
from ..checks.latex_markup import convert_latex
from ..checks.passages import insert_passages
from .progress import Progress
from ..checks.quotations import check_quotations, report_quotations
from ..checks.resources import check_resources
from ..project.templates import check_templates
from ..render.formats import render_all
from ..render.parse import parse_book

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
    bibliography = _attempt(errors, lambda: load_bibliography(config.root, reporter),
                            Bibliography())
    csl = _attempt(errors, lambda: style_path(config), None)
    raise_all(errors)
    with_passages = insert_passages(chapters, bibliography)
    # Image paths from the chapter's folder; LaTeX math environments as display math.
    with_passages = convert_latex(resolve_image_paths(with_passages, config.root), reporter)
    groups = citation_groups(with_passages)
    citations = cited(groups)
    errors = check_resources(config, chapters, bibliography)  # confined: quire.checks.confine
    _attempt(errors, lambda: check_templates(config.root), None)
    report_missing_alt_text(chapters, reporter)  # publisher: images need text alternatives
    errors += check_crossrefs(with_passages, bibliography, config)  # (crossref)
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
    store = EngineStore(cache)  # citation answers kept between builds (quire.citations.memo)
    book = assemble_book(config, sources.chapters, sources.bibliography, sources.csl_path,
                         sources.groups, chosen, store)
    store.keep()
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


def parse(sources: Sources, book: AssembledBook, cache: ContentCache,
          reporter: Reporter) -> ParsedBook:
    """Stage 3: the assembled book as pandoc's tree, part by part (pandoc's warnings
    located in the chapters)."""
    config = sources.config
    return parse_book(book, config.source_date_epoch, cache, reporter, config.limits,
                      config.location("limits"),
                      {ch.path.stem: ch.path for ch in sources.chapters})


def build(root: Path, formats: tuple[str, ...] | None, reporter: Reporter,
          *, use_cache: bool = True, allow_stale_quotes: bool = False,
          edition: str | None = None, progress: Progress | None = None,
          on_parsed: Callable[[Sources, ParsedBook, ContentCache], None] | None = None
          ) -> list[Path]:
    """Build the book; return the files written. Nothing is written unless all succeed.
    ``on_parsed`` is given the sources, the parsed book and the cache as soon as they are
    made."""
    progress = progress or Progress()
    with progress.stage("gather"):
        sources = gather(root, reporter, allow_stale_quotes=allow_stale_quotes)
    config = sources.config
    text_dir = TEXT_DIR if edition is None else f"{TEXT_DIR}-{edition}"
    # The build folder, its cache and text folders are quire's own (quire.checks.confine): checked
    # under the lock before the cache is read or anything is cleaned.
    with build_lock(config.build_dir, ((CACHE_DIR, CACHE_NAMES), (text_dir, TEXT_NAMES))):
        cache = ContentCache(config.build_dir / CACHE_DIR, read=use_cache, reporter=reporter)
        with progress.stage("assemble"):
            book = assemble(sources, edition, cache)
        if edition is not None:  # an edition's files: <basename>-<edition>.<format>
            config = dataclasses.replace(config, output=dataclasses.replace(
                config.output, basename=f"{config.output.basename}-{edition}"))
        formats = formats or config.output.formats
        with progress.stage("parse"):
            ast = parse(sources, book, cache, reporter)
        if on_parsed is not None:  # (watch: the preview page, from this tree and cache)
            on_parsed(sources, ast, cache)
        with ThreadPoolExecutor(max_workers=1) as pool:  # beside the formats' own threads
            texts_job = pool.submit(_timed, progress, "editors' texts", editor_texts, book,
                                    ast, config.source_date_epoch, cache, text_dir)
            with progress.stage("render " + ", ".join(formats)):
                artifacts = render_all(formats, ast, config, cache, reporter,
                                       {ch.anchor: ch.path for ch in sources.chapters})
            texts = texts_job.result()
        reporter.finish()
        with progress.stage("write"):
            written = write_artifacts(artifacts + texts, config.build_dir)[:len(artifacts)]
            clean_up_after_write([lambda: prune_text_folder(config.build_dir / text_dir, texts),
                                  cache.prune], reporter)
        return written


def _timed(progress: Progress, name: str, action: Callable[..., T], *args: object) -> T:
    """``action(*args)`` timed as the stage ``name`` (for work submitted to a thread)."""
    with progress.stage(name):
        return action(*args)
