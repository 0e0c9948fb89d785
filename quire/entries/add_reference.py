"""``cite --parse TEXT --add``: one parsed APA reference added to ``references.json``.

The item gets a key (``--key``, or the first author's surname and the year, as
:mod:`quire.entries.keys` makes them); a key that names any work of the book
already (an entry or a reference, letter case aside) is an error that says where
that work is, and nothing is written. The store is rewritten whole, atomically,
in its canonical order (:func:`quire.entries.importer.references_json`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import QuireError, SourceLocation
from ..build.output import write_atomically
from .canonical import csl_ordered
from .importer import references_json
from .keys import citation_key
from .store import ENTRY_DIR, KEY_PATTERN, REFERENCES_FILE, read_references


def add_reference(root: Path, item: dict[str, Any], key: str | None = None) -> str:
    """Add ``item`` to the project's plain references under a new key; return the key."""
    chosen = key or citation_key(item)
    if not chosen:
        raise QuireError("cannot make a key: the reference names no author or editor "
                         "(give one with --key)")
    if not KEY_PATTERN.match(chosen):
        raise QuireError(f"invalid key {chosen!r} (letters, digits and _ :.-, starting with a "
                         "letter or digit)")
    store = root / REFERENCES_FILE
    existing = read_references(store) if store.is_file() else []
    for other, where in existing:
        if str(other.get("id", "")).lower() == chosen.lower():
            raise QuireError(f"key '{chosen}' is taken by this reference; "
                             "choose another with --key", where)
    entry_dir = root / ENTRY_DIR
    if entry_dir.is_dir():
        for entry in entry_dir.glob("*.md"):
            if entry.stem.lower() == chosen.lower():
                raise QuireError(f"key '{chosen}' is taken by this entry; choose another "
                                 "with --key", SourceLocation(entry, 1))
    items = [other for other, _ in existing] + [csl_ordered({**item, "id": chosen})]
    write_atomically(store, references_json(items).encode("utf-8"))
    return chosen
