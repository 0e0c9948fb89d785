"""Reading YAML with line numbers, for book.yaml and front matter.

ruamel.yaml's round-trip loader keeps, for every mapping, the line of each key;
:func:`load_yaml` turns its syntax errors into :class:`~quire.errors.QuireError`
at the right line, and :func:`key_line` finds a key's line for later checks.

Bounds: a value the loader cannot build (an unquoted ``date: 2026-02-30``,
``!!int x``) is an error at its line and column; nesting deeper than
:data:`MAX_DEPTH` and aliases that would expand to more than
:data:`MAX_VALUES` values (the "billion laughs": aliases of aliases, nine deep)
or refer to themselves are refused before anything walks the data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from ..errors import QuireError, SourceLocation


#: The deepest nesting of lists and mappings accepted in one YAML document.
MAX_DEPTH = 100
#: The most values (scalars, lists, mappings) one YAML document may stand for, aliases
#: expanded: far above any book.yaml or front matter, far below a "billion laughs".
MAX_VALUES = 100_000


class _LocatedConstructor(RoundTripConstructor):
    """ruamel's round-trip constructor, whose value errors carry the node's position."""

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except YAMLError:
            raise
        except Exception as exc:  # ruamel's constructors raise many kinds on odd values
            kind = str(node.tag).rsplit(":", 1)[-1]
            detail = f": {exc}" if isinstance(exc, ValueError) else ""
            raise ConstructorError(None, None, f"cannot read {node.value!r} as "
                                   f"{'an' if kind[:1] in 'aeiou' else 'a'} {kind}"
                                   f"{detail}", node.start_mark) from None


def load_yaml(text: str, path: Path, first_line: int = 1) -> Any:
    """Parse ``text`` (which starts at ``first_line`` of ``path``) as YAML."""
    yaml = YAML(typ="rt", pure=True)
    yaml.Constructor = _LocatedConstructor
    try:
        data = yaml.load(text)
    except RecursionError:
        raise QuireError(f"invalid YAML: nested too deeply (at most {MAX_DEPTH} levels)",
                         SourceLocation(path, first_line)) from None
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
    problem = _size_problem(data)
    if problem:
        raise QuireError(f"invalid YAML: {problem}", SourceLocation(path, first_line))
    return data


def _size_problem(data: Any) -> str | None:
    """Why ``data`` is too deep, too large once its aliases are expanded, or recursive."""
    sizes: dict[int, int] = {}  # id of a list or mapping -> values it stands for, expanded
    # An explicit stack (no recursion): (container, depth, children counted yet?).
    stack: list[tuple[Any, int, bool]] = [(data, 1, False)]
    open_ids: set[int] = set()
    while stack:
        node, depth, done = stack.pop()
        children = _children(node)
        if children is None or (id(node) in sizes and not done):
            continue
        if done:
            open_ids.discard(id(node))
            sizes[id(node)] = 1 + sum(sizes.get(id(c), 1) for c in children)
            if sizes[id(node)] > MAX_VALUES:
                return (f"aliases expand to more than {MAX_VALUES:,} values (aliases of "
                        f"aliases, nested): write the values out")
            continue
        if id(node) in open_ids:
            return "an alias refers to the list or mapping that holds it"
        if depth > MAX_DEPTH:
            return f"nested too deeply (at most {MAX_DEPTH} levels)"
        open_ids.add(id(node))
        stack.append((node, depth, True))
        stack.extend((child, depth + 1, False) for child in children)
    return None


def _children(node: Any) -> list[Any] | None:
    if isinstance(node, dict):
        return [*node.keys(), *node.values()]
    if isinstance(node, list):
        return list(node)
    return None


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
