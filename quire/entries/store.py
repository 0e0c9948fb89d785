"""Loading the bibliography: research entries and plain references.

A research entry is ``bibliography/entries/<key>.md``: YAML front matter with
``key`` and ``reference`` (a CSL-JSON item), then Markdown whose ``##``
headings are the entry's sections. Plain references (works cited without an
entry, such as further reading) are the items of the reference files in
``bibliography/`` (``references.json``, other CSL-JSON, CSL-YAML and ``.bib``
files: :mod:`quire.entries.bibfiles`). Every item is validated
(:mod:`quire.entries.validate`) before any citation is formatted.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..checks.confine import confine
from ..errors import QuireError, Reporter, SourceLocation, raise_all
from ..project.frontmatter import split_front_matter
from ..model import Bibliography, Entry, Passage, Quotation, Section
from ..project.textfiles import read_text
from ..project.yamlsource import key_line, plain
from .bibfiles import SourcedItem, read_reference_file, read_reference_files
from .canonical import parse_body
from .validate import validated
from .seed_format import PASSAGE, QUOTATION

ENTRY_DIR = Path("bibliography") / "entries"
REFERENCES_FILE = Path("bibliography") / "references.json"
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_:.#$%&+?<>~/-]*$")


def load_bibliography(root: Path, reporter: Reporter | None = None) -> Bibliography:
    """Read every research entry and reference file; report all problems.

    Errors (unreadable files, duplicate keys) are raised together; each item's
    validation problems (:mod:`quire.entries.validate`) become warnings at its
    file and line on ``reporter``, and the engine gets the usable item.
    ``Bibliography.locations`` holds the file and line of every key.
    """
    errors: list[QuireError] = []
    entries: dict[str, Entry] = {}
    keys = KeyRegistry()
    folder = root / ENTRY_DIR
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        try:
            confine(root, path, SourceLocation(path), "research entry")
            entry = read_entry(path)
        except QuireError as exc:
            errors.append(exc)
            continue
        keys.register(entry.key, SourceLocation(path, 2), errors)
        entries[entry.key] = replace(entry, csl=validated(
            SourcedItem(entry.csl, SourceLocation(path, 2)), reporter))
    references: dict[str, dict[str, Any]] = {}
    for sourced in read_reference_files(root, errors):
        key = sourced.item["id"]
        if not KEY_PATTERN.match(key):
            errors.append(QuireError(f"invalid reference key {key!r}", sourced.location))
        elif keys.register(key, sourced.location, errors):
            references[key] = validated(sourced, reporter)
    for entry in entries.values():
        for key in entry.further_reading:
            if key not in keys.locations:
                errors.append(QuireError(f"further-reading key '{key}' is neither an entry nor "
                                         f"a reference in {REFERENCES_FILE}",
                                         entry.further_reading_location))
    raise_all(errors)
    return Bibliography(entries, references, keys.locations)


class KeyRegistry:
    """Every key defined so far, where, and a case-folded index: each check is one lookup."""

    def __init__(self) -> None:
        self.locations: dict[str, SourceLocation] = {}
        self._folded: dict[str, str] = {}

    def register(self, key: str, location: SourceLocation, errors: list[QuireError]) -> bool:
        """Record ``key``; a repeated key, or one differing only in case, is an error."""
        other = self._folded.get(key.lower())
        if other is not None:
            where = self.locations[other]
            errors.append(QuireError(
                f"duplicate key '{key}' (also defined at {where})" if other == key else
                f"key '{key}' differs only in case from '{other}' (defined at {where})",
                location))
            return False
        self.locations[key] = location
        self._folded[key.lower()] = key
        return True


def read_entry(path: Path) -> Entry:
    """Read one research entry in the canonical format."""
    text = read_text(path)
    meta, node, body_line = split_front_matter(text, path)
    if node is None:
        raise QuireError("a research entry starts with YAML front matter ('---')",
                         SourceLocation(path, 1))
    key = meta.get("key")
    where = SourceLocation(path, key_line(node, "key", 2) or 1)
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        raise QuireError(f"missing or invalid 'key' in entry front matter: {key!r}", where)
    if key != path.stem:
        raise QuireError(f"key '{key}' does not match the file name '{path.name}'", where)
    reference = meta.get("reference")
    ref_where = SourceLocation(path, key_line(node, "reference", 2) or 1)
    if not isinstance(reference, dict):
        raise QuireError("missing 'reference': the entry's CSL-JSON item", ref_where)
    csl = check_csl_item(plain(reference), ref_where)
    csl["id"] = key
    further = meta.get("further-reading") or []
    if not isinstance(further, list) or not all(isinstance(k, str) for k in further):
        raise QuireError("'further-reading' must be a list of reference keys",
                         SourceLocation(path, key_line(node, "further-reading", 2) or 1))
    citation = meta.get("citation", "")
    if not isinstance(citation, str):
        raise QuireError("'citation' must be the reference as text",
                         SourceLocation(path, key_line(node, "citation", 2) or 1))
    body = parse_body(text.split("\n")[body_line - 1:], body_line, path)
    sections = tuple(Section(s.title, s.text, s.line) for s in body)
    quotations = tuple(Quotation(b.chapter, b.text, SourceLocation(path, b.line))
                       for s in body for b in s.blocks if b.kind == QUOTATION and b.chapter)
    passages = tuple(Passage(b.ident or "", b.text, b.page, SourceLocation(path, b.line - 1))
                     for s in body for b in s.blocks if b.kind == PASSAGE)
    seen: dict[str, Passage] = {}
    for passage in passages:
        if passage.ident in seen:
            raise QuireError(f"passage id '{passage.ident}' is used twice in this entry "
                             f"(also at line {seen[passage.ident].location.line})",
                             passage.location)
        seen[passage.ident] = passage
    further_at = SourceLocation(path, key_line(node, "further-reading", 2) or 1)
    return Entry(key, path, csl, sections, tuple(further), quotations, citation, passages,
                 further_at)


def check_csl_item(item: dict[str, Any], location: SourceLocation) -> dict[str, Any]:
    """Check the fields a CSL-JSON item must have, and that it holds JSON values only (a YAML
    date or tag would reach the citation engine and fail there); return a copy."""
    for field, value in item.items():
        odd = _non_json(value)
        if odd is not None:
            raise QuireError(f"CSL-JSON field '{field}' holds {odd}: CSL-JSON takes texts, "
                             f"numbers, lists and mappings (a date as date-parts: "
                             f"[[2020, 1, 31]])", location)
    if not isinstance(item.get("type"), str):
        raise QuireError("CSL-JSON item has no 'type'", location)
    if not isinstance(item.get("title"), str):
        raise QuireError("CSL-JSON item has no 'title'", location)
    return dict(item)


def _non_json(value: Any) -> str | None:
    """What in ``value`` is not a JSON value (a date, a tagged or non-finite value), if any."""
    import math

    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend([*item.keys(), *item.values()])
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, float) and not math.isfinite(item):
            return f"the number {item}"
        elif item is not None and not isinstance(item, (str, int, float)):
            return f"a {type(item).__name__} ({item})"
    return None


def read_references(path: Path) -> list[tuple[dict[str, Any], SourceLocation]]:
    """Read one CSL-JSON reference file (``references.json``): items with their lines."""
    return [(sourced.item, sourced.location)
            for sourced in read_reference_file(path, path.parent.parent)]
