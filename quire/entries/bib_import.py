"""``build.py import refs.bib``: a ``.bib`` file's items into ``references.json``.

For authors who want to edit their references as CSL-JSON: every item of the
file is read, normalised and validated as the build would
(:mod:`quire.entries.bibfiles`, :mod:`quire.entries.validate`; problems are
warnings at the ``.bib`` line), keeps its own key, and is merged into the
plain-reference store planned by :mod:`quire.entries.importer`. A key that is
a research entry, or a different reference already in the store (without
``force``), is an error at the item's line; then nothing is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from ..errors import QuireError, Reporter, SourceLocation
from .bibfiles import read_reference_file
from .canonical import csl_ordered
from .validate import validated


def plan_bib_items(source: Path, root: Path, references: dict[str, dict[str, Any]],
                   existing: dict[str, tuple[dict[str, Any], SourceLocation]], entry_dir: Path,
                   claim: Callable[[str, SourceLocation], None], force: bool,
                   reporter: Reporter | None) -> list[QuireError]:
    """Add the ``.bib`` file's items to ``references``; return the problems that stop it."""
    errors: list[QuireError] = []
    try:
        items = read_reference_file(source, root)
    except QuireError as exc:
        return [exc]
    for sourced in items:
        key = sourced.item["id"]
        try:
            claim(key, sourced.location)
            if (entry_dir / f"{key}.md").exists():
                raise QuireError(f"key '{key}' is a research entry already; give the item "
                                 "another key in the .bib file", sourced.location)
            item = csl_ordered(sourced.item)
            old = references.get(key)
            if old is not None and old != item and not force:
                raise QuireError(f"key '{key}' is already a different reference (at "
                                 f"{existing[key][1]}); pass --force to replace it",
                                 sourced.location)
        except QuireError as exc:
            errors.append(exc)
            continue
        validated(sourced, reporter)
        references[key] = item
    return errors
