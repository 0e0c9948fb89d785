"""Loading research entries and plain references, with located errors."""

from __future__ import annotations

import json

import pytest

from quire.entries.store import load_bibliography, read_entry
from quire.errors import QuireError

ENTRY = """---
key: {key}
reference:
  type: book
  title: A title
  author: [{{family: Doe, given: J.}}]
---

## First Section
Text one.

## Second Section
Text two.
"""


def entry(root, key, text=None):
    folder = root / "bibliography" / "entries"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{key}.md"
    path.write_text(text if text is not None else ENTRY.format(key=key), encoding="utf-8")
    return path


def test_entry_sections_and_reference(tmp_path):
    e = read_entry(entry(tmp_path, "doe2020"))
    assert e.key == "doe2020" and e.csl["id"] == "doe2020" and e.csl["type"] == "book"
    assert [(s.title, s.text, s.line) for s in e.sections] == [
        ("First Section", "Text one.", 9), ("Second Section", "Text two.", 12)]


def test_sample_entry_loads():
    from conftest import REPO

    bib = load_bibliography(REPO)
    entry_ = bib.entries["rizzolatti2004"]
    assert entry_.csl["container-title"] == "Annual Review of Neuroscience"
    assert len(entry_.further_reading) == 6
    assert set(entry_.further_reading) <= set(bib.references)


@pytest.mark.parametrize("text, line, message", [
    ("no front matter\n", 1, "starts with YAML front matter"),
    ("---\nkey: other\nreference: {type: book, title: T}\n---\n", 2, "does not match the file name"),
    ("---\nkey: doe2020\n---\n", 1, "missing 'reference'"),
    ("---\nkey: doe2020\nreference: {title: T}\n---\n", 3, "has no 'type'"),
    ("---\nkey: doe2020\nreference: [\n---\n", 3, "invalid YAML"),
])
def test_entry_errors(tmp_path, text, line, message):
    with pytest.raises(QuireError, match=message) as info:
        read_entry(entry(tmp_path, "doe2020", text))
    assert info.value.location.line == line


def test_duplicate_and_case_clashing_keys(tmp_path):
    entry(tmp_path, "doe2020")
    refs = [{"id": "doe2020", "type": "book", "title": "T"},
            {"id": "Doe2020", "type": "book", "title": "U"}]
    (tmp_path / "bibliography" / "references.json").write_text(json.dumps(refs, indent=1))
    with pytest.raises(QuireError) as info:
        load_bibliography(tmp_path)
    messages = [(d.location.line, d.message) for d in info.value.diagnostics]
    assert messages[0][0] == 2 and messages[0][1].startswith("duplicate key 'doe2020'")
    assert messages[1][0] == 7 and "differs only in case" in messages[1][1]


def test_broken_references_json(tmp_path):
    (tmp_path / "bibliography").mkdir()
    (tmp_path / "bibliography" / "references.json").write_text('[\n {"id": "a",\n}\n]')
    with pytest.raises(QuireError, match="invalid JSON") as info:
        load_bibliography(tmp_path)
    assert info.value.location.line == 3


def test_a_large_store_loads_in_near_linear_time(tmp_path):
    """100,000 references load in seconds (CPU time: the machine may be shared).

    Every key check is a dictionary lookup; the quadratic check it replaced took
    20 s for 20,000 keys, so about 500 s for these.
    """
    import time

    (tmp_path / "bibliography").mkdir()
    refs = [{"id": f"k{i}", "type": "book", "title": "T", "issued": {"date-parts": [[2000]]}}
            for i in range(100_000)]
    refs.append({"id": "K5", "type": "book", "title": "U", "issued": {"date-parts": [[2001]]}})
    (tmp_path / "bibliography" / "references.json").write_text(json.dumps(refs))
    start = time.process_time()
    with pytest.raises(QuireError, match="'K5' differs only in case from 'k5'"):
        load_bibliography(tmp_path)
    assert time.process_time() - start < 30
