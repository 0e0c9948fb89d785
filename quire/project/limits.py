"""Resource limits: book.yaml's ``limits`` block, and the nesting check that keeps pandoc safe.

::

    limits:
      time: 60         # seconds each pandoc or Typst run (and each appendix template) may take
      memory: 4096     # MiB of memory each pandoc or Typst run may use
      nesting: 64      # deepest nesting of block quotes, lists and divs in a chapter

A renderer that runs past its time or memory is stopped and reported as an
error (:mod:`quire.render.pandoc`, :mod:`quire.render.typst`). Nesting is
checked before pandoc runs (pandoc takes for ever on 10,000 nested lists, and
a tree that deep overflows every recursive reader), with the chapter's line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..errors import QuireError, SourceLocation, raise_all
from ..model import Chapter
from .schema import Context, Option, check_section


@dataclass(frozen=True)
class Limits:
    """The bounds every build runs within."""

    time: float = 60.0
    memory: int = 4096
    nesting: int = 64


def bounded_number(low: float, high: float, whole: bool = False):
    """A parser of a number from ``low`` to ``high`` (a whole number if ``whole``)."""

    def parse(value: Any, ctx: Context) -> float:
        if (isinstance(value, bool) or not isinstance(value, (int, float))
                or (whole and not isinstance(value, int)) or not low <= value <= high):
            kind = "a whole number" if whole else "a number"
            raise QuireError(f"expected {kind} from {low:.10g} to {high:.10g}, got {value!r}",
                             ctx.location)
        return int(value) if whole else float(value)
    return parse


LIMIT_OPTIONS: tuple[Option, ...] = (
    Option("time", bounded_number(1, 86_400), "Seconds each pandoc or Typst run may take.",
           default=Limits.time),
    Option("memory", bounded_number(256, 1_048_576, whole=True), "MiB of memory each pandoc "
           "or Typst run may use.", default=Limits.memory),
    Option("nesting", bounded_number(1, 200, whole=True), "Deepest nesting of block quotes, "
           "lists and divs in a chapter.", default=Limits.nesting),
)


def parse_limits(value: Any, ctx: Context) -> Limits:
    """book.yaml's ``limits`` mapping, every problem reported at once."""
    values = check_section(value, ctx, LIMIT_OPTIONS, "limits")
    return Limits(float(values["time"]), int(values["memory"]), int(values["nesting"]))


#: One container marker at the start of a line: a block quote, a list item, a list number.
_MARKER = re.compile(r"[ \t]*(?:>|[-*+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))")
_DIV = re.compile(r"^[ \t]*(:{3,})[ \t]*(\S?)")


def nesting_depth(line: str) -> int:
    """An upper estimate of how deeply a line is nested: its container markers (``>``, list
    markers) and its indentation (a nested list indents each level by two columns or more)."""
    markers, at = 0, 0
    while (found := _MARKER.match(line, at)) and found.end() > at:
        markers, at = markers + 1, found.end()
    indent = len(line) - len(line.lstrip(" \t"))
    return markers + indent // 2


def check_nesting(chapters: list[Chapter], limit: int) -> None:
    """An error at the first line of each chapter that nests deeper than ``limit``."""
    from ..citations.syntax import mask

    errors = []
    for chapter in chapters:
        divs = 0
        for offset, line in enumerate(mask(chapter.body, urls=False).split("\n")):
            if not line.strip():
                continue
            fence = _DIV.match(line)
            if fence:
                divs = divs + 1 if fence.group(2) else max(0, divs - 1)
            depth = nesting_depth(line) + divs
            if depth > limit:
                errors.append(QuireError(
                    f"nested {depth} levels deep (block quotes, lists, divs); the limit is "
                    f"{limit} (limits.nesting in book.yaml)",
                    SourceLocation(chapter.path, chapter.body_line + offset)))
                break
    raise_all(errors)
