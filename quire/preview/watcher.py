"""``watch``: rebuild on every saved change and keep the live preview (and the PDF) current.

Each change the file watcher (watchfiles) reports starts one rebuild:

1. the HTML preview, first, because it is the fastest: gather, assemble and parse as
   ``build`` does (the same cache, so unchanged stages are read back), then the page;
2. then, unless ``--no-pdf``, the PDF through the ordinary build (``build --format pdf``),
   so ``build/<name>.pdf`` follows the text a few seconds later.

A failed rebuild prints its errors in the terminal, with their locations, and shows
them on the page over the last good preview. Changes inside the build folder and
hidden files (``.git``, editors' swap files) are ignored.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Callable

from ..errors import QuireError, Reporter
from .page import preview_html
from .server import PreviewState

Echo = Callable[[str], None]


def rebuild_preview(root: Path, state: PreviewState, echo: Echo, *, pdf: bool = True) -> bool:
    """One rebuild of the page (and the PDF); True when the page was updated.

    With the PDF, one build does both: the page is published as soon as the book is
    parsed, from the same tree and cache, and the PDF follows."""
    from ..build.cache import CACHE_NAMES, ContentCache
    from ..build.output import build_lock
    from ..build.pipeline import CACHE_DIR, assemble, build, gather, parse

    start = time.perf_counter()
    reporter = Reporter()
    published: list[bool] = []

    def publish(sources, ast, cache) -> None:
        config = sources.config
        state.publish(preview_html(ast, config.root, config.source_date_epoch, cache))
        published.append(True)
        for warning in reporter.warnings:
            echo(warning.format())
        echo(f"preview updated in {time.perf_counter() - start:.2f} s")

    try:
        if pdf:
            written = build(root, ("pdf",), reporter, on_parsed=publish)
            echo(f"PDF updated in {time.perf_counter() - start:.2f} s: {written[0]}")
        else:
            sources = gather(root, reporter)
            config = sources.config
            with build_lock(config.build_dir, ((CACHE_DIR, CACHE_NAMES),)):
                cache = ContentCache(config.build_dir / CACHE_DIR, reporter=reporter)
                publish(sources, parse(sources, assemble(sources, None, cache), cache,
                                       reporter), cache)
    except QuireError as exc:
        _report_failure(state, echo, reporter, exc)
    return bool(published)


def _report_failure(state: PreviewState, echo: Echo, reporter: Reporter,
                    exc: QuireError) -> None:
    lines = [d.format() for d in reporter.warnings] + [d.format() for d in exc.diagnostics]
    state.fail(lines)
    for line in lines:
        echo(line)
    echo("build failed; the preview keeps the last good version")


def watch_project(root: Path, state: PreviewState, echo: Echo, *, pdf: bool = True,
                  stop: threading.Event | None = None) -> None:
    """Rebuild once, then after every batch of saved changes, until ``stop`` is set."""
    import watchfiles

    build_dir = (root / "build").resolve()

    def interesting(change: watchfiles.Change, path: str) -> bool:
        where = Path(path).resolve()
        if where == build_dir or where.is_relative_to(build_dir):
            return False
        relative = where.relative_to(root.resolve()).parts if where.is_relative_to(
            root.resolve()) else ()
        return not any(part.startswith(".") or part.endswith("~") for part in relative)

    # The watcher is running before the first build (a save during it is not missed):
    # its first answer, changes or a timeout, starts that build. Typst keeps what it laid
    # out between the PDFs (quire.render.typst_worker).
    from ..render.typst_worker import kept_compilers

    first = True
    with kept_compilers():
        for changes in watchfiles.watch(root, watch_filter=interesting, stop_event=stop,
                                        debounce=200, step=50, rust_timeout=200,
                                        yield_on_timeout=True, raise_interrupt=False):
            if changes or first:
                first = False
                rebuild_preview(root, state, echo, pdf=pdf)
