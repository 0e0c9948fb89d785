"""The command line: ``build``, ``check`` and ``new``.

Every command maps a :class:`~quire.errors.QuireError` to its message on stderr
and exit status 1, without a traceback (a usage error too, in the same format); warnings are printed with their
locations and counted. Anything else escaping is a bug and shows a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

FORMATS = ("epub", "pdf", "docx")  # quire.project.config.FORMATS, without its imports (fast path)
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
    except KeyboardInterrupt as exc:  # the write stage says which outputs it replaced
        _print_warnings(reporter)
        click.echo(str(exc) or "interrupted; outputs left as they were", err=True)
        sys.exit(130)
    _print_warnings(reporter)
    if reporter.warnings:
        n = len(reporter.warnings)
        click.echo(f"{n} warning{'s' if n != 1 else ''}", err=True)
    return result


def _print_warnings(reporter: Reporter) -> None:
    for warning in reporter.notes + reporter.warnings:
        click.echo(warning.format(), err=True)


ALLOW_STALE = click.option("--allow-stale-quotes", is_flag=True,
                           help="Report stale, moved or missing quotations as warnings.")


def _project_after_command(ctx: click.Context, _: click.Parameter, value: Path | None) -> None:
    """``--project`` given after the command name overrides the one before it."""
    if value is not None:
        ctx.obj = value


class QuireGroup(click.Group):
    """A command group whose every command also takes ``--project``, before or after its name,
    and whose usage errors (an unknown command or option, a bad value) are printed like every
    other error, ``build.py build: error: …``, with exit status 1."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        cmd.params.insert(0, click.Option(
            ["--project", "-p"], type=click.Path(file_okay=False, path_type=Path),
            default=None, expose_value=False, is_eager=True, callback=_project_after_command,
            help="The book project's folder (as before the command)."))
        super().add_command(cmd, name)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            result = super().main(*args, **kwargs)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx is not None else "build.py"
            click.echo(f"{where}: error: {exc.format_message()} (see '{where} --help')",
                       err=True)
            click.echo("1 error", err=True)
            sys.exit(1)
        except click.ClickException as exc:
            click.echo(f"build.py: error: {exc.format_message()}", err=True)
            click.echo("1 error", err=True)
            sys.exit(1)
        except click.Abort:
            click.echo("interrupted; outputs left as they were", err=True)
            sys.exit(130)
        sys.exit(result if isinstance(result, int) else 0)


@click.group(cls=QuireGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
@ALLOW_STALE
@click.option("--edition", metavar="NAME", help="Build one edition named in book.yaml "
              "(appendices.editions); its files are named <basename>-NAME.")
@click.option("--timings", is_flag=True, help="Print the seconds each stage took.")
@click.pass_obj
def build(project: Path, fmt: str | None, strict: bool, no_cache: bool,
          allow_stale_quotes: bool, edition: str | None, timings: bool) -> None:
    """Build the book into DIR/build/ and print the files written.

    On a terminal a status line shows the stages running; it is silent otherwise.
    """
    import time

    from .build import uptodate
    from .build.progress import Progress

    formats = FORMATS if fmt == "all" else ((fmt,) if fmt else None)
    progress = Progress(live=sys.stderr.isatty())
    # --- up-to-date check (issue 14): nothing changed since the last good build → replay it ---
    options = {"formats": formats, "edition": edition, "strict": strict,
               "allow_stale_quotes": allow_stale_quotes}
    start = time.perf_counter()
    replay = None if no_cache else uptodate.check_up_to_date(project, options)
    if replay is not None:  # timed without a status line: rich is not imported on this path
        progress.timings.append(("up-to-date check", time.perf_counter() - start))
        action = replay.into
    else:
        snapshot = uptodate.take_snapshot(project, options)

        def action(reporter: Reporter) -> list[Path]:
            from .build.pipeline import build as run_build

            paths = run_build(project, formats, reporter, use_cache=not no_cache,
                              allow_stale_quotes=allow_stale_quotes, edition=edition,
                              progress=progress)
            uptodate.record_manifest(snapshot, options, paths, reporter.warnings)
            return paths
    # --- end of the up-to-date check ---
    try:
        paths = _run(action, strict)
    finally:
        progress.close()
        if timings and progress.timings:
            click.echo(progress.table(), err=True)
    for path in paths:
        click.echo(display_path(path))


@main.command()
@click.option("--strict", "-W", is_flag=True, help="Treat warnings as errors.")
@ALLOW_STALE
@click.pass_obj
def check(project: Path, strict: bool, allow_stale_quotes: bool) -> None:
    """Run every validation without rendering."""
    from .build.pipeline import assemble, gather

    def action(reporter: Reporter) -> None:
        assemble(gather(project, reporter, allow_stale_quotes=allow_stale_quotes))
        reporter.finish()

    _run(action, strict)
    click.echo("ok")


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", help="The book's title (default: from the folder name).")
def new(directory: Path, title: str | None) -> None:
    """Create a new book project in DIRECTORY that builds at once."""
    from .project.scaffold import new_project, next_steps

    paths = _run(lambda r: new_project(directory, title), strict=False)
    for path in paths:
        click.echo(display_path(path))
    click.echo(next_steps(directory))


@main.command("import")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--key", help="The entry's citation key (default: first author's surname + year).")
@click.option("--force", is_flag=True, help="Replace existing entries and references.")
@click.pass_obj
def import_(project: Path, files: tuple[Path, ...], key: str | None, force: bool) -> None:
    """Import research entries written as plain text (FILES) into bibliography/.

    A .bib file's items go into bibliography/references.json, keeping their keys.
    """
    from .project.config import load_config
    from .entries.importer import apply_import, plan_import

    def action(reporter: Reporter) -> list[Path]:
        config = load_config(project)
        plan = plan_import(config.root, list(files), key=key, force=force,
                           known_sections=config.entry_sections, reporter=reporter)
        return apply_import(plan, config.root)

    for path in _run(action, strict=False):
        click.echo(display_path(path))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print every entry in full, as JSON.")
@click.pass_obj
def entries(project: Path, as_json: bool) -> None:
    """List the research entries: key, reference, sections, quotations, further reading."""
    from .checks.confine import project_root
    from .entries.inspect import entries_json, entries_table
    from .entries.store import load_bibliography

    bibliography = _run(lambda _: load_bibliography(project_root(project)), strict=False)
    click.echo(entries_json(bibliography) if as_json else entries_table(bibliography))


@main.command()
@click.option("--parse", "text", required=True, metavar="TEXT",
              help="An APA reference to parse into CSL-JSON.")
@click.option("--add", is_flag=True, help="Add the parsed reference to "
              "bibliography/references.json under a new key.")
@click.option("--key", help="With --add: the key (default: first author's surname + year).")
@click.pass_obj
def cite(project: Path, text: str, add: bool, key: str | None) -> None:
    """Parse an APA reference: print its CSL-JSON and the APA re-rendering of it."""
    import json

    from .citations.markdown import markdown_text
    from .citations.references import format_reference
    from .citations.style import default_style
    from .entries.apa_parser import parse_reference
    from .entries.keys import citation_key
    from .errors import SourceLocation

    item = _run(lambda _: parse_reference(text, SourceLocation(Path("<--parse>"))),
                strict=False)
    item = {"id": key or citation_key(item) or "", **item}
    click.echo(json.dumps(item, indent=2, ensure_ascii=False))  # even if the engine fails
    rendered = _run(lambda _: format_reference(item, default_style(project)), strict=False)
    added = None
    if add:  # only a reference the engine can format is added
        from .project.config import load_config
        from .entries.add_reference import add_reference

        added = _run(lambda _: add_reference(load_config(project).root, item, key),
                     strict=False)
    click.echo(markdown_text(rendered))
    if added:
        click.echo(f"added as '{added}' to bibliography/references.json; cite it as [@{added}]")


@main.command()
@click.option("--fix", is_flag=True, help="Show how stale and moved quotations would be "
              "rewritten from the chapters.")
@click.option("--yes", is_flag=True, help="With --fix: write the changes into the entries.")
@click.pass_obj
def quotes(project: Path, fix: bool, yes: bool) -> None:
    """List every quotation with its status (ok, stale, moved, missing); --fix repairs entries."""
    from .checks.quote_command import fix_quotations, list_quotations

    if not fix:
        lines, problems = _run(lambda r: list_quotations(project), strict=False)
        click.echo("\n".join(lines))
        sys.exit(1 if problems else 0)
    for line in _run(lambda r: fix_quotations(project, write=yes), strict=False):
        click.echo(line)


@main.command()
@click.argument("old")
@click.argument("new", default="WORKTREE")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "html", "docx"]),
              default="text", show_default=True, help="Terminal, one HTML page, or DOCX files "
              "with tracked changes.")
@click.option("--output", "-o", type=click.Path(path_type=Path),
              help="Where to write the HTML report (default build/diff.html) or the DOCX "
              "files (default build/diff-docx/).")
@click.option("--color/--no-color", default=None, help="Colour the terminal diff "
              "(default: when printing to a terminal).")
@click.pass_obj
def diff(project: Path, old: str, new: str, fmt: str, output: Path | None,
         color: bool | None) -> None:
    """Compare two drafts chapter by chapter: OLD and NEW are git revisions or build folders.

    NEW defaults to the project as it is on disk (WORKTREE).
    """
    from .editorial.diff_command import run_diff

    lines = _run(lambda r: run_diff(project, old, new, fmt, output,
                                    sys.stdout.isatty() if color is None else color),
                 strict=False)
    click.echo(lines)


@main.command()
@click.pass_obj
def stats(project: Path) -> None:
    """Per chapter: words, citations, quotations; per work: how often and where it is cited."""
    from .editorial.stats import stats_report
    from .build.pipeline import gather

    def action(reporter: Reporter) -> str:
        sources = gather(project, reporter, allow_stale_quotes=True)
        return stats_report(sources.chapters, sources.citations, sources.bibliography)

    click.echo(_run(action, strict=False))


@main.command()
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="The preview's port on 127.0.0.1 (0: any free port).")
@click.option("--no-pdf", is_flag=True, help="Update the preview only, not build/<name>.pdf.")
@click.pass_obj
def watch(project: Path, port: int, no_pdf: bool) -> None:
    """Rebuild on every saved change and serve a live preview that reloads itself."""
    from .project.config import load_config
    from .preview.server import PreviewState, serve
    from .preview.watcher import watch_project

    def start(_: Reporter):
        config = load_config(project)
        try:
            return config.root, serve(config.root, state, port)
        except OSError as exc:
            raise QuireError(f"cannot serve the preview on port {port}: {exc.strerror}; "
                             "choose another with --port") from None

    state = PreviewState()
    root, server = _run(start, strict=False)
    click.echo(f"preview: http://127.0.0.1:{server.server_address[1]}/  (Ctrl-C stops)")

    def echo(line: str) -> None:
        click.echo(line, err=not line.startswith(("preview updated", "PDF updated")))

    try:
        watch_project(root, state, echo, pdf=not no_pdf)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    click.echo("stopped")
