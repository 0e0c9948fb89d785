"""The copyright page's text, the same in the PDF, the EPUB and the DOCX.

Its *lines* are short paragraphs, in this order: the full title; "Published by"
the publisher; the edition and the publication date written out in the book's
language (Babel: "1 November 2026" for en-GB, "November 1, 2026" for en-US);
the rights; one line per ISBN, hyphenated, with the formats it belongs to
("ISBN 978-0-00-000002-6 (PDF)"); and the printer's key ("10 9 8 7 6 5 4 3 2 1"
for a first printing). Identifiers that are not ISBNs (the URN a new book gets)
are never printed.
"""

from __future__ import annotations

import datetime as dt

from .config import FORMATS, BookConfig
from .identifiers import printed_isbn

FORMAT_NAMES = {"epub": "EPUB", "pdf": "PDF", "docx": "DOCX"}


def written_date(date: dt.date, language: str) -> str:
    """``date`` as the book's language writes it out ("1 November 2026")."""
    from babel import Locale, UnknownLocaleError
    from babel.dates import format_date

    try:
        locale = Locale.parse(language, sep="-")
    except (UnknownLocaleError, ValueError):
        locale = Locale.parse("en")
    return format_date(date, "long", locale=locale)


def isbn_lines(identifiers: dict[str, str]) -> list[str]:
    """One line per distinct ISBN, naming its formats when the formats' ISBNs differ."""
    by_isbn: dict[str, list[str]] = {}
    for fmt in FORMATS:
        printed = printed_isbn(identifiers[fmt])
        if printed:
            by_isbn.setdefault(printed, []).append(FORMAT_NAMES[fmt])
    if len(by_isbn) == 1 and len(next(iter(by_isbn.values()))) == len(FORMATS):
        return list(by_isbn)
    return [f"{isbn} ({', '.join(names)})" for isbn, names in by_isbn.items()]


def printer_key(printing: int) -> str:
    """The printer's key of the ``printing``-th impression: "10 9 … 2 1" for the first."""
    return " ".join(str(n) for n in range(max(10, printing + 9), printing - 1, -1))


def copyright_lines(config: BookConfig) -> list[str]:
    """The copyright page, one paragraph per item (plain text, Markdown-safe)."""
    lines = [config.title + (f": {config.subtitle}" if config.subtitle else "")]
    if config.publisher:
        lines.append(f"Published by {config.publisher}")
    published = written_date(config.date, config.language)
    lines.append(f"{config.edition_statement} published {published}"
                 if config.edition_statement else f"Published {published}")
    if config.rights:
        lines.append(config.rights)
    lines += isbn_lines(config.identifiers)
    if config.printing:
        lines.append(printer_key(config.printing))
    return lines
