"""book.yaml's cross-reference and book-structure settings: ``crossref`` and ``parts``.

```yaml
crossref:
  numbering: chapter      # "Figure 3.2" (chapter) or "Figure 7" (book)
  chapter_label: chapter  # "Chapter 9: Title" (chapter), "9 Title" (number), "Title" (none)
  captions: apa           # bold "Figure 3.2" above an italic title (apa), or "Figure 3.2: Title" (plain)
parts:
  - title: Foundations    # "Part I: Foundations" before chapter 1
    from: 1
  - title: Practice
    from: 5
```
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import QuireError, raise_all
from ..project.schema import Context, Option, at_item, check_section, kind, string


@dataclass(frozen=True)
class CrossrefConfig:
    """How figures, tables and equations are numbered, and how chapter headings read."""

    numbering: str = "chapter"
    chapter_label: str = "chapter"
    captions: str = "apa"


@dataclass(frozen=True)
class Part:
    """A part of the book: its title, and the number of the chapter it opens with."""

    title: str
    first_chapter: int


def _choice(*allowed: str):
    def parse(value: Any, ctx: Context) -> str:
        text = string(value, ctx)
        if text not in allowed:
            raise QuireError(f"expected one of {', '.join(allowed)}, got '{text}'", ctx.location)
        return text
    return parse


CROSSREF_OPTIONS: tuple[Option, ...] = (
    Option("numbering", _choice("chapter", "book"), "Figures, tables and equations numbered "
           "by chapter ('Figure 3.2') or through the book ('Figure 7').", default="chapter"),
    Option("chapter_label", _choice("chapter", "number", "none"), "Chapter headings as "
           "'Chapter 9: Title', '9 Title', or the title alone (for books that number their "
           "own headings).", default="chapter"),
    Option("captions", _choice("apa", "plain"), "Captions as a bold label above an italic "
           "title (APA 7), or 'Figure 3.2: Title' on one line.", default="apa"),
)


def parse_crossref(value: Any, ctx: Context) -> CrossrefConfig:
    """The ``crossref`` section of book.yaml."""
    return CrossrefConfig(**check_section(value, ctx, CROSSREF_OPTIONS, "crossref"))


def _chapter_number(value: Any, ctx: Context) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise QuireError(f"expected a chapter number, got {kind(value)}", ctx.location)
    return value


PART_OPTIONS: tuple[Option, ...] = (
    Option("title", string, "The part's title ('Part I: Title').", required=True),
    Option("from", _chapter_number, "The number of the part's first chapter.", required=True),
)


def parse_parts(value: Any, ctx: Context) -> tuple[Part, ...]:
    """The ``parts`` list of book.yaml, in the order of their first chapters."""
    if not isinstance(value, list) or not value:
        raise QuireError(f"expected a list of parts (title, from), got {kind(value)}",
                         ctx.location)
    parts, errors = [], []
    for index, item in enumerate(value):
        item_ctx = at_item(ctx, value, index)
        try:
            values = check_section(item, item_ctx, PART_OPTIONS, "parts")
        except QuireError as exc:
            errors.append(exc)
            continue
        if parts and values["from"] <= parts[-1].first_chapter:
            errors.append(QuireError("parts must be listed in the order of their chapters",
                                     item_ctx.location))
        parts.append(Part(values["title"], values["from"]))
    raise_all(errors)
    return tuple(parts)


def roman(number: int) -> str:
    """``4`` -> ``IV`` (part numbers)."""
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                           (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                           (4, "IV"), (1, "I")):
        while number >= value:
            out += letters
            number -= value
    return out
