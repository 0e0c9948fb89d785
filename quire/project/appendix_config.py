"""book.yaml's ``appendices``: which research entries get an appendix, which sections, editions.

::

    appendices:
      entries: cited            # or: all
      sections: [What This Research Found, ..., Further Reading]   # order and selection
      editions:
        survivors:
          omit: [Clinical Implications]
        clinicians:
          sections: [What This Research Found, Clinical Implications, Further Reading]

``build --edition NAME`` builds one edition: its appendices use the edition's
``sections`` (or the book's, less the edition's ``omit``), and its files are
named ``<basename>-<edition>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import QuireError, SourceLocation, raise_all
from .schema import Context, Option, check_section, kind, string, string_list
from .yamlsource import key_line


@dataclass(frozen=True)
class Edition:
    """One edition: its name and the appendix sections it shows (None: the book's choice)."""

    name: str
    sections: tuple[str, ...] | None = None
    omit: tuple[str, ...] = ()


@dataclass(frozen=True)
class AppendicesConfig:
    """The appendix settings of the book."""

    entries: str = "cited"
    sections: tuple[str, ...] | None = None
    editions: dict[str, Edition] = field(default_factory=dict)

    def sections_for(self, edition: Edition | None, available: list[str]) -> list[str]:
        """The sections an appendix shows, in order, from those an entry has."""
        chosen = (edition.sections if edition and edition.sections else self.sections)
        order = list(chosen) if chosen else available
        omitted = set(edition.omit) if edition else set()
        return [s for s in order if s in available and s not in omitted]


def _entries(value: Any, ctx: Context) -> str:
    text = string(value, ctx)
    if text not in ("cited", "all"):
        raise QuireError(f"expected 'cited' or 'all', got {text!r}", ctx.location)
    return text


EDITION_OPTIONS: tuple[Option, ...] = (
    Option("sections", string_list, "The appendix sections of this edition, in order."),
    Option("omit", string_list, "Sections this edition leaves out.", default=()),
)


def _editions(value: Any, ctx: Context) -> dict[str, Edition]:
    if not isinstance(value, dict):
        raise QuireError(f"expected a mapping of edition names, got {kind(value)}", ctx.location)
    errors, result = [], {}
    for name, settings in value.items():
        loc = SourceLocation(ctx.location.path, key_line(value, name) or ctx.location.line)
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", str(name)):
            errors.append(QuireError(f"edition name '{name}' must be lower-case letters, digits "
                                     "and '-' (it becomes part of file names)", loc))
            continue
        try:
            parsed = check_section(settings, Context(ctx.root, loc), EDITION_OPTIONS,
                                   f"edition '{name}'")
        except QuireError as exc:
            errors.append(exc)
            continue
        result[str(name)] = Edition(str(name), parsed["sections"], tuple(parsed["omit"]))
    raise_all(errors)
    return result


APPENDIX_OPTIONS: tuple[Option, ...] = (
    Option("entries", _entries, "'cited': an appendix for each research entry the chapters "
           "cite; 'all': for every entry.", default="cited"),
    Option("sections", string_list, "The entry sections the appendices show, in order "
           "(default: every section, in the entry's order)."),
    Option("editions", _editions, "Named editions, each with its own `sections` or `omit`.",
           default={}),
)


def parse_appendices(value: Any, ctx: Context) -> AppendicesConfig:
    """The ``appendices`` mapping of book.yaml."""
    parsed = check_section(value, ctx, APPENDIX_OPTIONS, "appendices")
    return AppendicesConfig(parsed["entries"], parsed["sections"], parsed["editions"])
