"""The machinery of book.yaml's typed schema: options, their parsers, and checked sections.

An :class:`Option` declares one key: its parser, its documentation, whether it
is required and its default. :func:`check_section` checks a whole mapping
against a tuple of options and reports *every* problem at once, each with its
line; unknown keys get a "did you mean" hint. :mod:`quire.project.config` declares
the book's options with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ..errors import QuireError, SourceLocation, raise_all
from .textfiles import refuse_control_characters
from .yamlsource import item_line, key_line, plain

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


def string(value: Any, ctx: Context) -> str:
    """A non-empty text, stripped."""
    if not isinstance(value, str) or not value.strip():
        raise QuireError(f"expected a non-empty text, got {kind(value)}", ctx.location)
    return refuse_control_characters(str(value).strip(), ctx.location)


def string_list(value: Any, ctx: Context) -> tuple[str, ...]:
    """A text, or a non-empty list of texts."""
    if isinstance(value, str):
        return (string(value, ctx),)
    if isinstance(value, list) and value:
        return tuple(string(v, at_item(ctx, value, i)) for i, v in enumerate(value))
    raise QuireError(f"expected a text or a list of texts, got {kind(value)}", ctx.location)


def check_section(value: Any, ctx: Context, options: tuple[Option, ...], where: str) -> dict:
    """Parse a mapping with ``options``: every unknown key and bad value reported together."""
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise QuireError(f"expected a mapping for '{where}', got {kind(value)}", ctx.location)
    known = {opt.name: opt for opt in options}
    errors: list[QuireError] = []
    result: dict[str, Any] = {}
    for key in value:
        if key not in known:
            loc = SourceLocation(ctx.location.path, key_line(value, key) or ctx.location.line)
            hint = did_you_mean(str(key), known)
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


def did_you_mean(key: str, known: dict) -> str:
    """`` (did you mean 'x'?)`` for the closest known key, or nothing."""
    import difflib

    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def at_item(ctx: Context, seq: list, index: int) -> Context:
    """The context of item ``index`` of a YAML list (its own line)."""
    line = item_line(seq, index) or ctx.location.line
    return Context(ctx.root, SourceLocation(ctx.location.path, line))


def kind(value: Any) -> str:
    """What a value is, for messages: "a mapping", "int 3", "nothing"."""
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {plain(value)!r}"


