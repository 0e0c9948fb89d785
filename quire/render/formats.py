"""The three output formats: pandoc arguments per format, and the PDF's Typst step.

Each renderer is a pure function of the parsed book (pandoc JSON), the config
and the templates, so its result is cached by content hash and the formats
can be rendered in parallel.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..build.cache import ContentCache, code_fingerprint, content_key
from ..project.config import BookConfig
from ..errors import QuireError, Reporter, SourceLocation
from ..model import Artifact, ParsedBook
from ..project.templates import template_path
from ..project.copyright import written_date
from ..project.textfiles import read_bytes
from .ast_markup import prepare_part
from .docx_page import finish_docx
from .epub_semantics import MalformedXhtml, epub_book, finish_epub
from .page_list import print_page_starts
from .pandoc import pandoc_version, run_pandoc
from .print_boxes import mark_print_boxes
from .svg_images import svg_to_png_tree
from .typst_fixes import fix_typst_source
from .typst import TypstSetting, compile_typst
from . import typst_worker
from .typst_parts import typst_source

EXTENSIONS = {"epub": "epub", "pdf": "pdf", "docx": "docx"}


@dataclass(frozen=True)
class FormatJob:
    """Everything one format's rendering depends on."""

    fmt: str
    args: tuple[str, ...]
    inputs: tuple[Path, ...]


def epub_job(config: BookConfig) -> FormatJob:
    """EPUB 3: one XHTML file per chapter, the project's stylesheet, the cover."""
    css = template_path(config.root, "epub.css")
    args = ["-t", "epub3", "--mathml", "--toc", "--toc-depth=1", "--split-level=1", f"--css={css}",
            "-M", f"identifier={config.identifier('epub')}"]
    inputs = [css]
    if config.cover is not None:
        args.append(f"--epub-cover-image={config.cover}")
        inputs.append(config.cover)
    return FormatJob("epub", tuple(args), tuple(inputs))


def docx_job(config: BookConfig) -> FormatJob:
    """DOCX: Word styles from the reference document, real headings and footnotes."""
    reference = template_path(config.root, "reference.docx")
    args = ["-t", "docx", f"--reference-doc={reference}", "--toc", "--toc-depth=1",
            "-M", f"identifier={config.identifier('docx')}",
            "-M", f"date={written_date(config.date, config.language)}"]
    return FormatJob("docx", tuple(args), (reference,))


def pdf_job(config: BookConfig) -> FormatJob:
    """PDF: pandoc writes Typst through the book template; Typst compiles it."""
    template = template_path(config.root, "book.typ")
    lang, _, region = config.language.partition("-")
    args = ["-t", "typst-citations", f"--template={template}",
            "-M", f"identifier={config.identifier('pdf')}", *page_variables(config),
            "-V", f"fontsize={config.output.font_size}pt",
            "-V", f"lang={lang}", "-V", f"region={region}",
            "-V", f"year={config.date.year}", "-V", f"month={config.date.month}",
            "-V", f"day={config.date.day}"]
    return FormatJob("pdf", tuple(args), (template,))


def page_variables(config: BookConfig) -> list[str]:
    """book.typ's page geometry (quire/layout.py), in mm; margins include the offset."""
    page = config.output.layout
    values = {"trim-width": page.width, "trim-height": page.height, "offset": page.offset,
              "bleed": page.bleed, "page-width": page.width + 2 * page.offset,
              "page-height": page.height + 2 * page.offset,
              **{side: getattr(page, side) + page.offset
                 for side in ("inner", "outer", "top", "bottom")}}
    args = [arg for name, value in values.items() for arg in ("-V", f"{name}={value:g}")]
    return args + (["-V", "crop-marks=true"] if page.crop_marks else [])


JOBS: dict[str, Callable[[BookConfig], FormatJob]] = {
    "epub": epub_job, "pdf": pdf_job, "docx": docx_job}


def render_format(fmt: str, book: ParsedBook, config: BookConfig, cache: ContentCache,
                  reporter: Reporter, print_edition: Future | None = None,
                  chapters: dict[str, Path] | None = None) -> Artifact:
    """Render one format from the parsed book; the EPUB takes its page list from the
    ``print_edition`` (the PDF being rendered beside it), when there is one
    (``chapters``: chapter anchor -> file, to locate a Typst error)."""
    job = JOBS[fmt](config)
    key = content_key(pandoc_version(), fmt, book.document(), *job.args,  # quire's code finishes files too
                      *(read_bytes(p) for p in job.inputs), _typst_version(),
                      code_fingerprint(), repr(config))
    filename = f"{config.output.basename}.{EXTENSIONS[fmt]}"
    if fmt == "epub":  # pandoc's EPUB is made beside the PDF; only its page list waits for it
        written = _written(fmt, book, job, config, cache, reporter, key, chapters)
        pdf = _print_pdf(print_edition)
        final_key = content_key(key, pdf or b"")
        data = cache.get("epub-final", final_key)
        if data is None:
            pages = print_page_starts(pdf, config.output.layout) if pdf else None
            try:
                data = finish_epub(written, epub_book(config), pages)
            except MalformedXhtml as exc:
                raise QuireError("raw HTML in this chapter does not close as XHTML must "
                                 f"(such as <script> or </title>): {exc.message}; write it "
                                 "as text or close it",
                                 _chapter_of(exc.ids, chapters, config)) from None
            cache.put("epub-final", final_key, data)
        return Artifact(fmt, filename, data)
    return Artifact(fmt, filename, _written(fmt, book, job, config, cache, reporter, key, chapters))


def _chapter_of(ids: list[str], chapters: dict[str, Path] | None,
                config: BookConfig) -> SourceLocation:
    """The chapter file an EPUB file holding these ids came from (else the project): the last,
    since a heading that raw HTML broke joins its chapter to the one before."""
    found = [chapters[i] for i in ids if chapters and i in chapters]
    return SourceLocation(found[-1] if found else config.root)  # the last chapter it holds


def prepared_parts(fmt: str, book: ParsedBook, cache: ContentCache) -> tuple[bytes, ...]:
    """Each part's blocks as format ``fmt`` receives them (markup the writers would lose:
    quire.render.ast_markup), an unchanged part read back."""
    bodies = []
    for _, body in book.parts:
        key = content_key(code_fingerprint(), fmt, body)
        prepared = cache.get(f"prepared-{fmt}", key)
        if prepared is None:
            prepared = prepare_part(fmt, body)
            cache.put(f"prepared-{fmt}", key, prepared)
        bodies.append(prepared)
    return tuple(bodies)


def _written(fmt: str, book: ParsedBook, job: FormatJob, config: BookConfig,
             cache: ContentCache, reporter: Reporter, key: str,
             chapters: dict[str, Path] | None) -> bytes:
    """One format as pandoc (and Typst) write it, finished but for the EPUB's page list."""
    cached = cache.get(fmt, key)
    if cached is not None and not (fmt == "pdf" and typst_worker.cold(config.root)):
        return cached  # (watch compiles its first PDF, so that Typst has laid it out once)
    bodies = prepared_parts(fmt, book, cache)

    def run(args: list[str], ast: bytes):
        return run_pandoc(["-f", "json", *args, "-o", "-"], ast, cwd=config.root,
                          epoch=config.source_date_epoch, what=fmt.upper(),
                          limits=config.limits, where=config.location("limits"))

    if fmt == "pdf":  # the Typst source part by part (quire.render.typst_parts)
        data, warnings = typst_source(book, bodies, list(job.args), job.inputs[0], cache, run)
    else:
        ast = book.document(bodies)
        if fmt == "docx":
            ast = svg_to_png_tree(ast, config.root, cache)
        result = run(list(job.args), ast)
        data, warnings = result.output, list(result.warnings)
    for warning in warnings:
        reporter.warn(f"pandoc ({fmt}): {warning}")
    if fmt == "pdf":
        template = job.inputs[0]
        setting = TypstSetting(config.location("output"), template,
                               not template.is_relative_to(config.root),
                               config.location("limits"))
        data = compile_typst(fix_typst_source(data), config.root, setting, chapters,
                             config.limits, config.output.layout.typst_standards())
        data = mark_print_boxes(data, config.output.layout)
    if fmt == "docx":
        data = finish_docx(data, config.output.layout, config.title)
    cache.put(fmt, key, data)
    return data


def render_all(formats: tuple[str, ...], book: ParsedBook, config: BookConfig,
               cache: ContentCache, reporter: Reporter,
               chapters: dict[str, Path] | None = None) -> list[Artifact]:
    """Render every requested format in parallel; any failure fails them all."""
    with ThreadPoolExecutor(max_workers=max(1, len(formats))) as pool:
        pdf = pool.submit(render_format, "pdf", book, config, cache, reporter, None, chapters) \
            if "pdf" in formats else None
        futures = [pdf if fmt == "pdf" else
                   pool.submit(render_format, fmt, book, config, cache, reporter, pdf, chapters)
                   for fmt in formats]
        errors, artifacts = [], []
        for future in futures:
            try:
                artifacts.append(future.result())
            except QuireError as exc:
                errors.append(exc)
    if errors:
        from ..errors import raise_all

        raise_all(errors)
    return artifacts


def _print_pdf(print_edition: Future | None) -> bytes | None:
    """The PDF's bytes, or None (no PDF in this build, or it failed: reported by its own job)."""
    try:
        return print_edition.result().data if print_edition is not None else None
    except QuireError:
        return None


def _typst_version() -> str:
    import typst

    return getattr(typst, "__version__", "unknown")
