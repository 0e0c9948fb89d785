"""``quotes --fix --yes`` writes entries that still read as entries, as the files were."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import BOOKS
from quire.project.config import load_config
from quire.entries.store import load_bibliography
from quire.errors import QuireError
from quire.project.manuscript import read_chapters
from quire.checks.quotations import OK, STALE, check_quotations
from quire.checks.quote_command import fix_quotations

CHAPTER = "manuscript/chapters/01-beginnings.md"
ENTRY = "bibliography/entries/smith2020.md"
QUOTED = "The first chapter cites a study and says something plain."


@pytest.fixture
def book(tmp_path: Path) -> Path:
    root = tmp_path / "book"
    shutil.copytree(BOOKS / "passages", root)
    return root


def statuses(root: Path) -> list[str]:
    config = load_config(root)
    return [c.status for c in check_quotations(read_chapters(config),
                                               load_bibliography(root).entries)]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_passage_opening_like_a_heading_is_escaped(book):
    """The closest passage starts with a '## ' line of the chapter: written as it stands, it
    would open a new section and break the entry."""
    edit(book / CHAPTER, QUOTED, "## Aside\nThe first chapter cites a study and says something "
                                 "simple.")
    edit(book / ENTRY, QUOTED, "One two three first chapter cites a study and says something "
                               "plain.")
    assert statuses(book) == [STALE]
    fix_quotations(book, write=True)
    text = (book / ENTRY).read_text()
    assert "\n\\## Aside The first chapter cites a study and says something simple.\n" in text
    assert not any(line.startswith("## Aside") for line in text.split("\n"))
    entry = load_bibliography(book).entries["smith2020"]
    assert [s.title for s in entry.sections] == ["What This Research Found",
                                                "How This Research Is Used in the Book",
                                                "Passages", "Clinical Implications"]
    assert statuses(book) == [OK]


def test_crlf_entries_stay_crlf(book):
    entry = book / ENTRY
    entry.write_bytes(entry.read_bytes().replace(b"\n", b"\r\n"))
    edit(book / CHAPTER, "says something plain", "says something simple")
    fix_quotations(book, write=True)
    data = entry.read_bytes()
    assert b"says something simple.\r\n" in data
    assert data.count(b"\n") == data.count(b"\r\n")
    assert statuses(book) == [OK]


def test_a_linked_entry_is_written_through_its_link(book):
    store = book / "bibliography/store"
    store.mkdir()
    shutil.move(book / ENTRY, store / "smith2020.md")
    os.symlink("../store/smith2020.md", book / ENTRY)
    edit(book / CHAPTER, "says something plain", "says something simple")
    fix_quotations(book, write=True)
    assert (book / ENTRY).is_symlink()
    assert "says something simple." in (store / "smith2020.md").read_text()
    assert statuses(book) == [OK]


def test_an_entry_linked_from_outside_is_never_written(book, tmp_path):
    outside = tmp_path / "elsewhere.md"
    shutil.move(book / ENTRY, outside)
    os.symlink(outside, book / ENTRY)
    before = outside.read_bytes()
    edit(book / CHAPTER, "says something plain", "says something simple")
    with pytest.raises(QuireError, match="research entry lies outside the project folder"):
        fix_quotations(book, write=True)
    assert outside.read_bytes() == before


def test_an_entry_is_not_written_through_a_link_leading_out(tmp_path):
    from quire.checks.confine import OUTSIDE
    from quire.checks.quote_command import write_entry
    from quire.errors import SourceLocation

    root = tmp_path / "book"
    root.mkdir()
    outside = tmp_path / "elsewhere.md"
    outside.write_text("as it was\n")
    link = root / "entry.md"
    link.symlink_to(outside)
    with pytest.raises(QuireError) as raised:
        write_entry(root, link, "new text\n")
    assert raised.value.message == (f"the entry {OUTSIDE} (a link leads out); quire will not "
                                    "write there")
    assert raised.value.location == SourceLocation(link)
    assert outside.read_text() == "as it was\n"
    inside = root / "plain.md"
    inside.write_text("old\n")
    assert write_entry(root, inside, "naïve\n") == inside.resolve()
    assert inside.read_bytes() == "naïve\n".encode("utf-8")


FRONT = "---\nkey: a2020\n---\n"


@pytest.mark.parametrize("body, count", [
    ('## Used\n\n::: {.quotation chapter="1"}\nText.\n:::\n', 1),  # the body's first line
    ('\n## Used\n\n::: {.quotation chapter="1"}\nOne.\n:::\n\n'
     '::: {.quotation chapter="2"}\nTwo.\n:::\n', 2),
    ('\n::: {.quotation}\nNo chapter named: not a chapter quotation.\n:::\n', 0),
])
def test_a_repaired_entry_must_read_back_with_its_quotations(tmp_path, body, count):
    from quire.checks.quote_command import _check_reads_back
    from quire.errors import SourceLocation

    path = tmp_path / "a2020.md"
    _check_reads_back(path, FRONT + body, count)
    for wrong in (count - 1, count + 1):
        with pytest.raises(QuireError) as raised:
            _check_reads_back(path, FRONT + body, wrong)
        assert raised.value.message == ("the repaired entry would not read back with its "
                                        "quotations; fix it by hand")
        assert raised.value.location == SourceLocation(path)


def test_a_repaired_entry_that_no_longer_parses_is_located_in_it(tmp_path):
    from quire.checks.quote_command import _check_reads_back

    path = tmp_path / "a2020.md"
    for broken in ("---\nkey: [unclosed\n---\n\nText.\n",
                   FRONT + "\n## Used\n\n::: {.quotation chapter=\"1\"}\nNever closed.\n"):
        with pytest.raises(QuireError) as raised:
            _check_reads_back(path, broken, 1)
        assert raised.value.location is not None and raised.value.location.path == path
