"""Reading YAML with line numbers, for book.yaml and front matter.

ruamel.yaml's round-trip loader keeps, for every mapping, the line of each key;
:func:`load_yaml` turns its syntax errors into :class:`~quire.errors.QuireError`
at the right line, and :func:`key_line` finds a key's line for later checks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .errors import QuireError, SourceLocation


def load_yaml(text: str, path: Path, first_line: int = 1) -> Any:
    """Parse ``text`` (which starts at ``first_line`` of ``path``) as YAML."""
    yaml = YAML(typ="rt", pure=True)
    try:
        return yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + mark.line if mark is not None else first_line
        column = mark.column + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem and exc.context_mark is not None:
            problem += f" ({exc.context} that starts at line {first_line + exc.context_mark.line})"
        raise QuireError(f"invalid YAML: {problem}", SourceLocation(path, line, column)) from None
    except YAMLError as exc:
        raise QuireError(f"invalid YAML: {exc}", SourceLocation(path, first_line)) from None


def key_line(mapping: Any, key: str, first_line: int = 1) -> int | None:
    """The line of ``key`` in a mapping loaded by :func:`load_yaml`, if known."""
    lc = getattr(mapping, "lc", None)
    if lc is None:
        return None
    try:
        return first_line + lc.key(key)[0]
    except (KeyError, TypeError):
        return None


def item_line(sequence: Any, index: int, first_line: int = 1) -> int | None:
    """The line of item ``index`` in a sequence loaded by :func:`load_yaml`."""
    lc = getattr(sequence, "lc", None)
    if lc is None:
        return None
    try:
        return first_line + lc.item(index)[0]
    except (KeyError, TypeError, IndexError):
        return None


def plain(value: Any) -> Any:
    """Convert ruamel's commented containers and scalars to plain Python data."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return value
