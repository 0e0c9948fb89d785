"""The command line: ``build``, ``check`` and ``new``.

Every command maps a :class:`~quire.errors.QuireError` to its message on stderr
and exit status 1, without a traceback; warnings are printed with their
locations and counted. Anything else escaping is a bug and shows a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .config import FORMATS
from .errors import QuireError, Reporter, display_path


def _run(action: Callable[[Reporter], Any], strict: bool) -> Any:
    reporter = Reporter(strict=strict)
    try:
        result = action(reporter)
    except QuireError as exc:
        _print_warnings(reporter)
        click.echo(exc.format(), err=True)
        count = len(exc.diagnostics)
        click.echo(f"{count} error{'s' if count != 1 else ''}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("interrupted; outputs left as they were", err=True)
        sys.exit(130)
    _print_warnings(reporter)
    if reporter.warnings:
        n = len(reporter.warnings)
        click.echo(f"{n} warning{'s' if n != 1 else ''}", err=True)
    return result


def _print_warnings(reporter: Reporter) -> None:
    for warning in reporter.warnings:
        click.echo(warning.format(), err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--project", "-p", type=click.Path(file_okay=False, path_type=Path),
              default=Path("."), show_default=True, help="The book project's folder.")
@click.pass_context
def main(ctx: click.Context, project: Path) -> None:
    """Build a research-backed book into EPUB, PDF and DOCX."""
    ctx.obj = project


@main.command()
@click.option("--format", "-f", "fmt", type=click.Choice([*FORMATS, "all"]), default=None,
              help="One format, or all (default: book.yaml's output.formats).")
@click.option("--strict", "-W", is_flag=True, help="Treat warnings as errors.")
@click.option("--no-cache", is_flag=True, help="Recompute every stage (and refresh the cache).")
@click.pass_obj
def build(project: Path, fmt: str | None, strict: bool, no_cache: bool) -> None:
    """Build the book into DIR/build/ and print the files written."""
    from .pipeline import build as run_build

    formats = FORMATS if fmt == "all" else ((fmt,) if fmt else None)
    paths = _run(lambda r: run_build(project, formats, r, use_cache=not no_cache), strict)
    for path in paths:
        click.echo(display_path(path))


@main.command()
@click.option("--strict", "-W", is_flag=True, help="Treat warnings as errors.")
@click.pass_obj
def check(project: Path, strict: bool) -> None:
    """Run every validation without rendering."""
    from .pipeline import assemble, gather

    def action(reporter: Reporter) -> None:
        assemble(gather(project, reporter))
        reporter.finish()

    _run(action, strict)
    click.echo("ok")


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", help="The book's title (default: from the folder name).")
def new(directory: Path, title: str | None) -> None:
    """Create a new book project in DIRECTORY that builds at once."""
    from .scaffold import new_project

    paths = _run(lambda r: new_project(directory, title), strict=False)
    for path in paths:
        click.echo(display_path(path))
