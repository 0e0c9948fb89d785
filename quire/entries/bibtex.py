"""Reading ``.bib`` files (BibTeX and BibLaTeX, as Zotero and Better BibTeX export them).

pandoc's readers do the conversion (``-f bibtex`` or ``-f biblatex``, chosen
by the fields the file uses): LaTeX accents, ``\\&``, ``--``, name parts,
dates, and sentence case for the unprotected words of English titles. This
module adds what pandoc's CSL-JSON does not keep:

- the line of each item's ``@type{key,`` and of its fields, for messages
  (:func:`bib_lines`, a linear scan of the raw text);
- which words of each title were protected by braces (``{DNA}``,
  ``{{Bayesian}}``), read from pandoc's own document tree, so that
  :mod:`quire.entries.csl_normalise` can tell a protected proper noun from
  Zotero's blanket protection of every capitalised word.

Vocabulary: a *protected word* is one that pandoc read inside braces.
"""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import QuireError, SourceLocation
from ..render.pandoc import run_pandoc

#: Fields and entry types only BibLaTeX has: their presence selects pandoc's biblatex reader.
_BIBLATEX = re.compile(r"^\s*(?:date|journaltitle|langid|location|eprinttype)\s*=|"
                       r"^\s*@(?:online|report|thesis|dataset|software|mvbook|collection)\s*\{",
                       re.IGNORECASE | re.MULTILINE)
_ENTRY = re.compile(r"^[ \t]*@(\w+)[ \t]*[{(][ \t]*([^,\s]+)[ \t]*,", re.MULTILINE)
_FIELD = re.compile(r"^[ \t]*([A-Za-z][\w-]*)[ \t]*=", re.MULTILINE)
_NOT_ITEMS = {"string", "comment", "preamble"}
#: The .bib fields a CSL variable comes from (for the line of a message).
BIB_FIELDS = {"issued": ("date", "year"), "container-title": ("journaltitle", "journal",
                                                              "booktitle"),
              "publisher": ("publisher", "institution", "organization", "school"),
              "genre": ("type",), "accessed": ("urldate",), "number": ("number",)}


@dataclass(frozen=True)
class BibItem:
    """One converted item: its CSL-JSON, its lines, its protected title words."""

    csl: dict[str, Any]
    location: SourceLocation
    field_lines: dict[str, int]
    protected: dict[str, tuple[str, ...]]  # CSL title field -> words inside braces


def read_bib(path: Path, text: str, root: Path) -> list[BibItem]:
    """Convert the ``.bib`` file's items with pandoc; each knows its line."""
    reader = bib_reader(text)
    data = text.encode("utf-8")
    def convert(to: list[str]) -> Any:
        return json.loads(run_pandoc(["-f", reader, *to], data, cwd=root, epoch=0,
                                     what=f"items of {path.name}").output or b"[]")

    try:
        with ThreadPoolExecutor(max_workers=2) as pool:  # the two conversions side by side
            tree_job = pool.submit(convert, ["-t", "json", "-s"])
            csl, tree = convert(["-t", "csljson"]), tree_job.result()
    except QuireError as exc:
        raise QuireError(f"cannot read this {reader} file: {exc.message}",
                         SourceLocation(path, 1)) from None
    protected = _protected_words(tree)
    lines = bib_lines(text)
    items = []
    for item in csl:
        key = str(item.get("id", ""))
        line, fields = lines.get(key, (1, {}))
        items.append(BibItem(item, SourceLocation(path, line), fields, protected.get(key, {})))
    return items


def bib_reader(text: str) -> str:
    """pandoc's reader for this file: ``biblatex`` when it uses BibLaTeX's own fields or types."""
    return "biblatex" if _BIBLATEX.search(text) else "bibtex"


def bib_lines(text: str) -> dict[str, tuple[int, dict[str, int]]]:
    """Each item key: the line of its ``@type{key,`` and the line of each of its fields."""
    starts = [m for m in _ENTRY.finditer(text) if m.group(1).lower() not in _NOT_ITEMS]
    found: dict[str, tuple[int, dict[str, int]]] = {}
    line, position = 1, 0
    for index, match in enumerate(starts):
        line += text.count("\n", position, match.start())
        position = match.start()
        end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        fields: dict[str, int] = {}
        field_line, field_position = line, match.start()
        for field in _FIELD.finditer(text, match.end(), end):
            field_line += text.count("\n", field_position, field.start())
            field_position = field.start()
            fields.setdefault(field.group(1).lower(), field_line)
        found.setdefault(match.group(2), (line, fields))
    return found


def field_line(item: BibItem, csl_field: str) -> int | None:
    """The line of the ``.bib`` field a CSL variable came from, if the item has it."""
    for name in BIB_FIELDS.get(csl_field, (csl_field,)):
        if name in item.field_lines:
            return item.field_lines[name]
    return None


def _protected_words(tree: dict[str, Any]) -> dict[str, dict[str, tuple[str, ...]]]:
    """key -> title field -> the words pandoc read inside braces."""
    references = tree.get("meta", {}).get("references", {}).get("c", [])
    found: dict[str, dict[str, tuple[str, ...]]] = {}
    for reference in references:
        fields = reference.get("c", {}) if isinstance(reference, dict) else {}
        key = _plain(fields.get("id"), [], False)
        found[key] = {}
        for name in ("title", "container-title"):
            words: list[str] = []
            _plain(fields.get(name), words, False)
            found[key][name] = tuple(words)
    return found


def _plain(node: Any, protected: list[str], inside: bool) -> str:
    """The text of a pandoc metadata node; words under a plain Span go to ``protected``."""
    if isinstance(node, list):
        return "".join(_plain(n, protected, inside) for n in node)
    if not isinstance(node, dict):
        return ""
    kind, content = node.get("t"), node.get("c")
    if kind in ("Str", "MetaString"):
        if inside:
            protected.extend(re.findall(r"[^\W\d_][\w'’-]*", content))
        return content
    if kind == "Space":
        return " "
    if kind == "Span":
        return _plain(content[1], protected, True)
    if kind in ("Emph", "Strong", "SmallCaps", "Superscript", "Subscript", "MetaInlines",
                "Quoted"):
        return _plain(content[-1] if kind == "Quoted" else content, protected, inside)
    return _plain(content, protected, inside) if isinstance(content, (list, dict)) else ""
