"""``build.py import``: research entries in the author's text format into canonical entries.

The import is planned in full before anything is written (:func:`plan_import`):
every source is read and parsed, keys are derived and checked against the
project's entries and plain references, and only when no file has a problem
are the entries and the merged ``references.json`` written, each atomically
(:func:`apply_import`). An existing entry is never replaced without ``force``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import QuireError, Reporter, SourceLocation, raise_all
from ..build.output import write_atomically
from ..project.textfiles import read_text
from .bib_import import plan_bib_items
from .canonical import csl_ordered, entry_markdown
from ..checks.confine import check_write_target
from .keys import citation_key, entry_file_name
from .seed_format import PARAGRAPH, DEFAULT_SECTIONS, SeedEntry, SeedSection, parse_seed
from .sentence_case import is_title_case, proper_nouns, sentence_case
from .store import ENTRY_DIR, KEY_PATTERN, REFERENCES_FILE, read_references


@dataclass
class ImportPlan:
    """What an import will write: file -> text, and what it adds."""

    files: dict[Path, str] = field(default_factory=dict)
    entries: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)


def plan_import(root: Path, sources: list[Path], *, key: str | None = None,
                force: bool = False,
                known_sections: tuple[str, ...] = DEFAULT_SECTIONS,
                reporter: Reporter | None = None) -> ImportPlan:
    """Parse every source and decide every file to write; raise all problems together.

    A ``.bib`` source adds its items to ``references.json``
    (:mod:`quire.entries.bib_import`); any other source is a research entry.
    """
    if key is not None and len(sources) != 1:
        raise QuireError("--key names the key of one entry: import one file with it")
    if key is not None and not KEY_PATTERN.match(key):
        raise QuireError(f"invalid key {key!r} (letters, digits and _ :.-, starting with a "
                         "letter or digit)")
    if key is not None:
        entry_file_name(key)
    ref_path = root / REFERENCES_FILE
    existing = {item["id"]: (item, loc) for item, loc in
                (read_references(ref_path) if ref_path.is_file() else [])}
    entry_dir = root / ENTRY_DIR
    plan = ImportPlan()
    errors: list[QuireError] = []
    claimed: dict[str, SourceLocation] = {}
    references = {k: item for k, (item, _) in existing.items()}
    for source in [s for s in sources if s.suffix.lower() == ".bib"]:  # --- .bib (bibinputs)
        if key is not None:
            errors.append(QuireError("--key names a research entry's key; a .bib item keeps "
                                     "its own key", SourceLocation(source)))
            continue
        errors += plan_bib_items(source, root, references, existing, entry_dir,
                                 lambda k, at: _claim(k, at, claimed), force, reporter)
    for source in [s for s in sources if s.suffix.lower() != ".bib"]:
        try:
            parsed = in_sentence_case(parse_seed(read_text(source), source, known_sections))
            entry_key, further = _keys(parsed, source, key, claimed, references, existing,
                                       entry_dir, force)
        except QuireError as exc:
            errors.append(exc)
            continue
        plan.files[entry_dir / entry_file_name(entry_key)] = entry_markdown(entry_key, parsed,
                                                                            further)
        plan.entries.append(entry_key)
    for path in plan.files:  # every target inside the project, links followed
        _attempt_target(root, path, errors)
    raise_all(errors)
    added = [k for k in references if existing.get(k, (None,))[0] != references[k]]
    if added or len(references) != len(existing):
        check_write_target(root, ref_path, "the reference store")
        plan.files[ref_path] = references_json(list(references.values()))
        plan.references = sorted(added)
    return plan


def _attempt_target(root: Path, path: Path, errors: list[QuireError]) -> None:
    try:
        check_write_target(root, path, "the entry file")
    except QuireError as exc:
        errors.append(exc)


def _keys(parsed: SeedEntry, source: Path, key: str | None, claimed: dict[str, SourceLocation],
          references: dict[str, dict[str, Any]],
          existing: dict[str, tuple[dict[str, Any], SourceLocation]], entry_dir: Path,
          force: bool) -> tuple[str, list[str]]:
    """The entry's key and its further-reading keys; updates ``references`` in place."""
    where = SourceLocation(source, parsed.citation_line)
    entry_key = key or citation_key(parsed.reference)
    if not entry_key:
        raise QuireError("cannot make a key: the reference names no author or editor "
                         "(give one with --key)", where)
    _claim(entry_key, where, claimed)
    target = entry_dir / f"{entry_key}.md"
    if target.exists() and not force:
        raise QuireError(f"entry '{entry_key}' exists already ({target.relative_to(entry_dir.parent.parent)}); "
                         "pass --force to replace it", where)
    if entry_key in references:
        if not _same_work(references[entry_key], parsed.reference):
            raise QuireError(f"key '{entry_key}' is already a different plain reference (at "
                             f"{existing[entry_key][1]}); choose another with --key", where)
        del references[entry_key]  # the work now has an entry of its own
    further = []
    for block in parsed.further_reading:
        item = dict(block.reference or {})
        at = SourceLocation(source, block.line)
        ref_key = citation_key(item)
        if not ref_key:
            raise QuireError("cannot make a key for this reference: it names no author", at)
        if ref_key == entry_key:
            raise QuireError(f"further reading '{ref_key}' has the key of the entry itself", at)
        _claim(ref_key, at, claimed)
        if (entry_dir / f"{ref_key}.md").exists():
            further.append(ref_key)  # a work with an entry of its own
            continue
        item = csl_ordered({"id": ref_key, **item})
        old = references.get(ref_key)
        if old is not None and old != item and not force:
            raise QuireError(f"key '{ref_key}' is already a different reference (at "
                             f"{existing[ref_key][1]}); pass --force to replace it", at)
        references[ref_key] = item
        further.append(ref_key)
    return entry_key, further


def in_sentence_case(entry: SeedEntry) -> SeedEntry:
    """The entry with every Title Case work title in APA sentence case (see sentence_case)."""
    proper = proper_nouns(" ".join(b.text for s in entry.sections for b in s.blocks
                                   if b.kind == PARAGRAPH))

    def fix(item: dict[str, Any]) -> dict[str, Any]:
        item = dict(item)
        for field_name in ("title", "container-title" if item.get("type") == "chapter" else ""):
            value = item.get(field_name)
            if isinstance(value, str) and is_title_case(value):
                item[field_name] = sentence_case(value, proper)
        return item

    sections = tuple(
        SeedSection(s.title, s.line, tuple(
            replace(b, reference=fix(b.reference)) if b.reference else b for b in s.blocks))
        for s in entry.sections)
    return replace(entry, reference=fix(entry.reference), sections=sections)


def _claim(key: str, where: SourceLocation, claimed: dict[str, SourceLocation]) -> None:
    for other, at in claimed.items():
        if other.lower() == key.lower():
            raise QuireError(f"key '{key}' collides with the key of {at}; give one of them "
                             "another key (--key)", where)
    claimed[key] = where


def _same_work(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return (str(a.get("title", "")).lower() == str(b.get("title", "")).lower()
            and a.get("issued") == b.get("issued"))


def references_json(items: list[dict[str, Any]]) -> str:
    """The plain-reference store as written: items sorted by key, two-space indent."""
    return json.dumps(sorted(items, key=lambda i: i["id"]), indent=2, ensure_ascii=False) + "\n"


def apply_import(plan: ImportPlan, root: Path) -> list[Path]:
    """Write the planned files, each atomically (through a link inside the project)."""
    return [write_atomically(check_write_target(root, path, "the entry file"),
                             text.encode("utf-8")) for path, text in plan.files.items()]
