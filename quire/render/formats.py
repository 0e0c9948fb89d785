"""The three output formats: pandoc arguments per format, and the PDF's Typst step.

Each renderer is a pure function of the parsed book (pandoc JSON), the config
and the templates, so its result is cached by content hash and the formats
can be rendered in parallel.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..cache import ContentCache, code_fingerprint, content_key
from ..config import BookConfig
from ..errors import QuireError, Reporter
from ..model import Artifact
from ..templates import template_path
from ..textfiles import read_bytes
from .ast_markup import prepare_tree
from .pandoc import pandoc_version, run_pandoc
from .svg_images import svg_to_png_tree
from .typst_fixes import fix_typst_source
from .typst import TypstSetting, compile_typst

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
    args = ["-t", "docx", f"--reference-doc={reference}",
            "-M", f"identifier={config.identifier('docx')}"]
    return FormatJob("docx", tuple(args), (reference,))


def pdf_job(config: BookConfig) -> FormatJob:
    """PDF: pandoc writes Typst through the book template; Typst compiles it."""
    template = template_path(config.root, "book.typ")
    lang, _, region = config.language.partition("-")
    args = ["-t", "typst-citations", f"--template={template}",
            "-M", f"identifier={config.identifier('pdf')}",
            "-V", f"paper={config.output.paper}", "-V", f"fontsize={config.output.font_size}pt",
            "-V", f"lang={lang}", "-V", f"region={region}",
            "-V", f"year={config.date.year}", "-V", f"month={config.date.month}",
            "-V", f"day={config.date.day}"]
    return FormatJob("pdf", tuple(args), (template,))


JOBS: dict[str, Callable[[BookConfig], FormatJob]] = {
    "epub": epub_job, "pdf": pdf_job, "docx": docx_job}


def render_format(fmt: str, ast: bytes, config: BookConfig, cache: ContentCache,
                  reporter: Reporter, chapters: dict[str, Path] | None = None) -> Artifact:
    """Render one format from the parsed book (``chapters``: chapter anchor -> file, to
    locate a Typst error)."""
    job = JOBS[fmt](config)
    key = content_key(code_fingerprint(), pandoc_version(), fmt, ast, *job.args,
                      *(read_bytes(p) for p in job.inputs), _typst_version())
    filename = f"{config.output.basename}.{EXTENSIONS[fmt]}"
    cached = cache.get(fmt, key)
    if cached is not None:
        return Artifact(fmt, filename, cached)
    ast = prepare_tree(fmt, ast)  # markup the writers would lose (mathtables)
    if fmt == "docx":
        ast = svg_to_png_tree(ast, config.root, cache)
    result = run_pandoc(["-f", "json", *job.args, "-o", "-"], ast, cwd=config.root,
                        epoch=config.source_date_epoch, what=fmt.upper(),
                        limits=config.limits, where=config.location("limits"))
    for warning in result.warnings:
        reporter.warn(f"pandoc ({fmt}): {warning}")
    data = result.output
    if fmt == "pdf":
        template = job.inputs[0]
        setting = TypstSetting(config.location("output"), template,
                               not template.is_relative_to(config.root),
                               config.location("limits"))
        data = compile_typst(fix_typst_source(data), config.root, setting, chapters,
                             config.limits)
    cache.put(fmt, key, data)
    return Artifact(fmt, filename, data)


def render_all(formats: tuple[str, ...], ast: bytes, config: BookConfig, cache: ContentCache,
               reporter: Reporter, chapters: dict[str, Path] | None = None) -> list[Artifact]:
    """Render every requested format in parallel; any failure fails them all."""
    with ThreadPoolExecutor(max_workers=max(1, len(formats))) as pool:
        futures = [pool.submit(render_format, fmt, ast, config, cache, reporter, chapters)
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


def _typst_version() -> str:
    import typst

    return getattr(typst, "__version__", "unknown")
