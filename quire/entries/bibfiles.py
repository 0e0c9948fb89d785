"""The bibliography folder's reference files: CSL-JSON, CSL-YAML and ``.bib``.

``bibliography/`` may hold, besides ``entries/``:

- ``references.json`` and any other ``*.json``: CSL-JSON, a list of items;
- ``*.yaml`` / ``*.yml``: CSL-YAML, a list of items or pandoc's
  ``references:`` mapping (``---`` lines allowed);
- ``*.bib``: BibTeX or BibLaTeX (:mod:`quire.entries.bibtex`).

:func:`read_reference_files` reads them in name order and returns *sourced
items*: each normalised CSL item (:mod:`quire.entries.csl_normalise`) with the
file and line of the item and, where known, of each field. Syntax errors are
:class:`~quire.errors.QuireError` at their line; everything else is left to
validation. Keys are the author's own (the item's ``id``, the ``.bib`` key).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from ..checks.confine import confine
from ..errors import QuireError, SourceLocation
from ..project.textfiles import read_text
from ..project.yamlsource import item_line, key_line, load_yaml, plain
from .bibtex import field_line, read_bib
from .csl_normalise import normalise_item

BIBLIOGRAPHY_DIR = Path("bibliography")
SUFFIXES = (".json", ".yaml", ".yml", ".bib")


@dataclass(frozen=True)
class SourcedItem:
    """A CSL item from a reference file, with where it and its fields stand."""

    item: dict[str, Any]
    location: SourceLocation
    field_lines: dict[str, int] = field(default_factory=dict)

    def at(self, name: str | None) -> SourceLocation:
        """The location of field ``name`` (the item's own when it is not known)."""
        line = self.field_lines.get(name or "")
        return SourceLocation(self.location.path, line) if line else self.location


def reference_files(root: Path) -> list[Path]:
    """The reference files of the project's bibliography folder, in name order."""
    folder = root / BIBLIOGRAPHY_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.suffix.lower() in SUFFIXES and (p.is_file() or p.is_symlink()))


def read_reference_files(root: Path, errors: list[QuireError]) -> Iterator[SourcedItem]:
    """Every item of every reference file; a file that cannot be read adds to ``errors``."""
    for path in reference_files(root):
        what = "the reference store" if path.name == "references.json" else "reference file"
        try:
            confine(root, path, SourceLocation(path), what)
            yield from read_reference_file(path, root)
        except QuireError as exc:
            errors.append(exc)


def read_reference_file(path: Path, root: Path) -> list[SourcedItem]:
    """The items of one reference file, normalised, each with its location."""
    text = read_text(path, allow_empty=True)
    if not text.strip():
        return []
    suffix = path.suffix.lower()
    if suffix == ".bib":
        result = []
        for bib in read_bib(path, text, root):
            lines = {name: line for name in bib.csl
                     if (line := field_line(bib, name)) is not None}
            item = _with_id(normalise_item(bib.csl, bib.protected), bib.location)
            result.append(SourcedItem(item, bib.location, lines))
        return result
    raw = _json_items(path, text) if suffix == ".json" else _yaml_items(path, text)
    return [SourcedItem(_with_id(normalise_item(item), where.location), where.location,
                        where.field_lines) for item, where in raw]


def _with_id(item: dict[str, Any], location: SourceLocation) -> dict[str, Any]:
    if not isinstance(item.get("id"), str) or not item["id"]:
        raise QuireError("every reference needs a text 'id' (its citation key)", location)
    return item


def _json_items(path: Path, text: str) -> list[tuple[dict[str, Any], SourcedItem]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise QuireError(f"invalid JSON: {exc.msg}",
                         SourceLocation(path, exc.lineno, exc.colno)) from None
    except RecursionError:  # lists or objects nested thousands deep
        raise QuireError("invalid JSON: nested too deeply", SourceLocation(path, 1)) from None
    if not isinstance(data, list):
        raise QuireError("expected a JSON list of CSL-JSON items", SourceLocation(path, 1))
    lines = json_item_lines(text)
    result = []
    for index, item in enumerate(data):
        line, fields = lines[index] if index < len(lines) else (1, {})
        where = SourcedItem({}, SourceLocation(path, line), fields)
        if not isinstance(item, dict):
            raise QuireError("every reference is a CSL-JSON object", where.location)
        result.append((item, where))
    return result


def _yaml_items(path: Path, text: str) -> list[tuple[dict[str, Any], SourcedItem]]:
    lines = text.split("\n")
    first = 1
    if lines and lines[0].strip() == "---":  # pandoc's metadata block
        end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")),
                   len(lines))
        text, first = "\n".join(lines[1:end]), 2
    data = load_yaml(text, path, first)
    if isinstance(data, dict) and "references" in data:
        data = data["references"]
    if not isinstance(data, list):
        raise QuireError("expected a YAML list of CSL items (or 'references:' with one)",
                         SourceLocation(path, first))
    result = []
    for index, node in enumerate(data):
        line = item_line(data, index, first) or first
        if not isinstance(node, dict):
            raise QuireError("every reference is a CSL-YAML mapping", SourceLocation(path, line))
        fields = {str(k): key_line(node, k, first) or line for k in node}
        result.append((plain(node), SourcedItem({}, SourceLocation(path, line), fields)))
    return result


_JSON_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"(?=\s*(:))?|[{}\[\]]')


def json_item_lines(text: str) -> list[tuple[int, dict[str, int]]]:
    """Each top-level object of a JSON list: its line and the line of each of its keys.

    One pass over the text's strings and brackets: linear in the text.
    """
    items: list[tuple[int, dict[str, int]]] = []
    depth, line, position = 0, 1, 0
    for token in _JSON_TOKEN.finditer(text):
        char = token.group()[0]
        if char in "[{":
            depth += 1
            if depth == 2 and char == "{":
                line += text.count("\n", position, token.start())
                position = token.start()
                items.append((line, {}))
        elif char in "]}":
            depth -= 1
        elif depth == 2 and token.group(1) and items:  # a key of a top-level object
            line += text.count("\n", position, token.start())
            position = token.start()
            items[-1][1].setdefault(token.group(0)[1:-1], line)  # CSL field names: no escapes
    return items
