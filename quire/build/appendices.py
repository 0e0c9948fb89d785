"""Research appendices: one per research entry, rendered through Jinja templates.

The default template is ``quire/templates/appendix.md.j2``; a project's
``templates/appendix.md.j2`` replaces it. Templates run in a sandboxed Jinja
environment with ``StrictUndefined``: a misspelt variable is an error naming
the template file and line. Entry and chapter text reach the template only as
values (Markdown strings), never as template source, so ``{{ 7*7 }}`` in an
entry is printed as it stands.

Vocabulary: an *appendix* is the data one template call receives
(:class:`Appendix`); its *sections* are the entry's ``##`` sections chosen by
book.yaml's ``appendices`` (and the edition); *cited in* lists the chapters
whose citations name the entry; *further reading* is the entry's list
rendered as APA references.
"""

from __future__ import annotations

import functools
import re
import traceback
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..project.appendix_config import Edition
from ..citations.engine import CitationEngine
from ..citations.keys import key_id
from ..citations.markdown import escape_text
from ..citations.resolve import remembered
from ..project.config import BookConfig
from ..entries.seed_format import FURTHER_READING
from ..editorial.stats import citing_chapters
from ..crossref.index import letter
from ..errors import QuireError, SourceLocation
from ..model import Bibliography, Chapter, Citation, Entry
from ..project.templates import PROJECT_DIR, confined_loader
from .template_sandbox import BoundedSandbox, TemplateBound

if TYPE_CHECKING:
    from ..citations.memo import EngineStore, RememberedEngine

TEMPLATE = "appendix.md.j2"
# A fence ends at its own line (``[ \t]*$``): ``\s*`` would take the blank line after it,
# and the next paragraph would become a lazy continuation of the block quotation.
_QUOTATION = re.compile(r'^:::+[ \t]*\{[ \t]*\.quotation[^}]*\}[ \t]*\n(?P<text>.*?)\n:::+[ \t]*$',
                        re.M | re.S)
_PASSAGE = re.compile(r'^:::+[ \t]*\{[ \t]*\.passage[^}]*?(?:page="?(?P<page>[^"}\s]+)"?)?'
                      r'[ \t]*\}[ \t]*\n(?P<text>.*?)\n:::+[ \t]*$', re.M | re.S)


@dataclass(frozen=True)
class ChapterLink:
    """A chapter that cites the entry."""

    number: int
    title: str
    anchor: str


@dataclass(frozen=True)
class AppendixSection:
    """One section of the entry, as Markdown."""

    title: str
    text: str


@dataclass(frozen=True)
class Appendix:
    """Everything one appendix template call receives."""

    letter: str
    key: str
    anchor: str
    short: str
    title: str
    reference: str
    sections: list[AppendixSection]
    cited_in: list[ChapterLink]
    further_reading: list[str]


def appendix_entries(config: BookConfig, bibliography: Bibliography,
                     citations: list[Citation]) -> list[Entry]:
    """The entries that get an appendix: those cited, or all (book.yaml's ``appendices``)."""
    cited = {c.key for c in citations}
    return [bibliography.entries[k] for k in sorted(bibliography.entries)
            if config.appendices.entries == "all" or k in cited]


def build_appendices(config: BookConfig, edition: Edition | None, entries: list[Entry],
                     chapters: list[Chapter], citations: list[Citation],
                     bibliography: Bibliography,
                     engine: CitationEngine | RememberedEngine | None,
                     csl_path: Path, first_letter: int = 0,
                     store: EngineStore | None = None) -> list[Appendix]:
    """The appendix data for ``entries``, in the order of their references, lettered after the
    author's own ``first_letter`` appendices."""
    if not entries:
        return []
    further = {k for e in entries for k in e.further_reading}
    extra = remembered(store, csl_path, {k: bibliography.item(k)
                                         for k in sorted({*further, *(e.key for e in entries)})})
    order = {key: i for i, (key, _) in enumerate(extra.bibliography([e.key for e in entries]))}
    citing = citing_chapters(chapters, citations)
    by_number = {c.number: c for c in chapters if c.numbered}  # (front matter has no number)
    appendices = []
    for index, entry in enumerate(sorted(entries, key=lambda e: order[e.key])):
        main = engine if engine is not None and entry.key in engine.keys.values() else extra
        chosen = config.appendices.sections_for(edition, [s.title for s in entry.sections])
        texts = {s.title: s.text for s in entry.sections}
        reading = [text for _, text in extra.bibliography(list(entry.further_reading))]
        appendices.append(Appendix(
            letter=letter(first_letter + index), key=entry.key, anchor=f"appendix-{key_id(entry.key)}",
            short=main.short_form(entry.key), title=escape_text(str(entry.csl.get("title", ""))),
            reference=dict(main.bibliography([entry.key]))[entry.key],
            sections=[AppendixSection(t, section_markdown(texts[t]))
                      for t in chosen if t != FURTHER_READING],
            cited_in=[ChapterLink(n, by_number[n].title, by_number[n].anchor)
                      for n in sorted(citing.get(entry.key, [])) if n in by_number],
            further_reading=reading if FURTHER_READING in chosen else []))
    return appendices


def section_markdown(text: str) -> str:
    """An entry section as appendix Markdown: quotations and passages as block quotations."""
    def quote(match: re.Match[str]) -> str:
        body = " ".join(match.group("text").split())
        page = match.groupdict().get("page")
        return "> " + body + (f" (p.\u00a0{page})" if page else "")

    return _PASSAGE.sub(quote, _QUOTATION.sub(quote, text))


def render_appendix(config: BookConfig, appendix: Appendix) -> str:
    """One appendix rendered through the template, as Markdown."""
    template = _load_template(config.root)
    book = {"title": config.title, "subtitle": config.subtitle, "authors": list(config.authors)}
    try:
        return template.environment.render(template, config.limits.time,
                                           appendix=asdict(appendix), book=book)
    except TemplateBound as exc:  # past a bound: time, size (template_sandbox.py)
        raise QuireError(f"template stopped: {exc}", _template_location(exc, template)) \
            from None
    except Exception as exc:  # a template's own mistake: undefined name, bad filter, ...
        raise QuireError(f"template error: {exc}", _template_location(exc, template)) from None


@functools.lru_cache(maxsize=8)
def _environment(root: Path) -> Any:
    """The sandboxed Jinja environment of a project (Jinja reloads changed templates itself)."""
    import jinja2

    return BoundedSandbox(
        loader=confined_loader(root),
        undefined=jinja2.StrictUndefined, autoescape=False, trim_blocks=True,
        lstrip_blocks=True, keep_trailing_newline=True)


def _load_template(root: Path) -> Any:
    import jinja2

    try:
        return _environment(root).get_template(TEMPLATE)
    except jinja2.TemplateSyntaxError as exc:
        raise QuireError(f"template syntax error: {exc.message}",
                         SourceLocation(Path(exc.filename or TEMPLATE), exc.lineno)) from None
    except jinja2.TemplateNotFound:
        raise QuireError(f"template '{TEMPLATE}' not found", SourceLocation(root / PROJECT_DIR)) \
            from None
    except (OSError, UnicodeDecodeError) as exc:
        raise QuireError(f"cannot read the template: {exc}",
                         SourceLocation(root / PROJECT_DIR / TEMPLATE)) from None


def _template_location(exc: BaseException, template: Any) -> SourceLocation:
    """The template file and line where rendering failed."""
    path = Path(template.filename)
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == template.filename:
            line = frame.lineno
    return SourceLocation(path, line)
