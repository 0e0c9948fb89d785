"""``build.py entries``: the research entries as the build sees them, for people and tools."""

from __future__ import annotations

import json
from typing import Any

from ..model import Bibliography, Entry


def entry_record(entry: Entry) -> dict[str, Any]:
    """One entry as plain data: key, CSL-JSON item, sections, quotations, further reading."""
    return {
        "key": entry.key,
        "reference": entry.csl,
        "citation": entry.citation,
        "sections": [{"title": s.title, "text": s.text} for s in entry.sections],
        "quotations": [{"chapter": q.chapter, "text": q.text} for q in entry.quotations],
        "further-reading": list(entry.further_reading),
    }


def entries_json(bibliography: Bibliography) -> str:
    """Every entry, sorted by key, as a JSON list."""
    records = [entry_record(bibliography.entries[k]) for k in sorted(bibliography.entries)]
    return json.dumps(records, indent=2, ensure_ascii=False)


def entries_table(bibliography: Bibliography) -> str:
    """One line per entry: key, sections, quotations, further reading, title."""
    lines = [f"{'key':<24}{'sections':>9}{'quotes':>7}{'reading':>8}  title"]
    for key in sorted(bibliography.entries):
        e = bibliography.entries[key]
        lines.append(f"{key:<24}{len(e.sections):>9}{len(e.quotations):>7}"
                     f"{len(e.further_reading):>8}  {e.csl.get('title', '')}")
    return "\n".join(lines)
