"""The author's plain-text entry format: sections, quotations, lead sentences, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO
from quire.entries.seed_format import (ITEM, PARAGRAPH, QUOTATION, SUBHEADING, format_seed,
                                       lead_sentence, parse_seed)
from quire.errors import QuireError

SEED = REPO / "bibliography" / "sources" / "rizzolatti2004.txt"
HERE = Path("entry.txt")


def seed():
    return parse_seed(SEED.read_text(encoding="utf-8"), SEED)


def test_the_seed_has_its_reference_and_eight_sections():
    entry = seed()
    assert entry.citation.startswith("Rizzolatti, G., & Craighero, L. (2004).")
    ref = entry.reference
    assert [(a["family"], a["given"]) for a in ref["author"]] == [
        ("Rizzolatti", "G."), ("Craighero", "L.")]
    assert (ref["issued"], ref["container-title"], ref["volume"], ref["page"]) == (
        {"date-parts": [[2004]]}, "Annual Review of Neuroscience", "27", "169-192")
    assert [s.title for s in entry.sections] == [
        "What This Research Found", "How This Research Is Used in the Book",
        "Why This Matters for Survivors", "Clinical Implications", "Broader Implications",
        "Limitations and Considerations", "Historical Context", "Further Reading"]


def test_quotations_name_their_chapters():
    quotes = [b for s in seed().sections for b in s.blocks if b.kind == QUOTATION]
    assert [q.chapter for q in quotes] == [9, 11, 18]
    assert quotes[0].text.startswith("Giacomo Rizzolatti's discovery of mirror neurons")
    assert not quotes[0].text.startswith('"') and not quotes[0].text.endswith('"')


def test_sub_headings_and_lead_sentences():
    sections = {s.title: s for s in seed().sections}
    subs = [b.text for b in sections["Broader Implications"].blocks if b.kind == SUBHEADING]
    assert subs[0] == "The Neurobiological Foundation of Social Connection" and len(subs) == 6
    found = sections["What This Research Found"].blocks
    assert found[0].lead is None                       # the opening paragraph has none
    assert found[1].lead == "The discovery was accidental but revolutionary."
    history = sections["Historical Context"].blocks    # plain narrative: no lead sentences
    assert all(b.lead is None for b in history)


def test_further_reading_items_are_parsed_references():
    items = seed().further_reading
    assert len(items) == 6 and all(b.kind == ITEM for b in items)
    expected = [("book", ["Rizzolatti", "Sinigaglia"], 2008, "Mirrors in the Brain"),
                ("book", ["Iacoboni"], 2008, "Mirroring People"),
                ("article-journal", ["Gallese"], 2003, "The roots of empathy"),
                ("book", ["Keysers"], 2011, "The Empathic Brain"),
                ("book", ["Decety", "Ickes"], 2009, "The Social Neuroscience of Empathy"),
                ("article-journal", ["Gallese", "Keysers", "Rizzolatti"], 2004,
                 "A unifying view")]
    for block, (kind, names, year, title) in zip(items, expected):
        ref = block.reference
        people = ref.get("author") or ref.get("editor")
        assert ref["type"] == kind
        assert [p["family"] for p in people] == names
        assert ref["issued"]["date-parts"][0][0] == year
        assert ref["title"].startswith(title)
    assert "editor" in items[4].reference and "author" not in items[4].reference


def test_format_seed_gives_the_source_back():
    # Exact to the character; only a final newline may be added.
    assert format_seed(seed()) == SEED.read_text(encoding="utf-8").rstrip("\n") + "\n"


def test_lead_sentence():
    assert lead_sentence("Short one. Then more text follows here.") == "Short one."
    assert lead_sentence("Only one sentence here.") is None
    long = " ".join(["word"] * 20) + ". Next."
    assert lead_sentence(long) is None


GOOD_HEAD = "APA Citation\nDoe, J. (2020). A title. Publisher.\n"


@pytest.mark.parametrize("text, line, message", [
    ("Doe, J. (2020). A title. Publisher.\nWhat This Research Found\nText.\n", 1,
     "starts with the line 'APA Citation'"),
    ("APA Citation\nWhat This Research Found\nText.\n", 2, "no APA reference"),
    ("APA Citation\nDoe J 2020 A title\nWhat This Research Found\nText.\n", 2,
     "no date in parentheses"),
    (GOOD_HEAD + "Some paragraph before any heading.\n", 3, "expected a section heading"),
    (GOOD_HEAD + "What This Research Found\nText.\nClinical Implication\nMore.\n", 5,
     "unknown section heading 'Clinical Implication' (did you mean 'Clinical Implications'?)"),
    (GOOD_HEAD + "What This Research Found\nText.\nA Dangling Heading\n", 5,
     "no paragraph follows it"),
    (GOOD_HEAD + "What This Research Found\nText.\nWhat This Research Found\nMore.\n", 5,
     "appears twice"),
    (GOOD_HEAD + "How This Research Is Used in the Book\nIn Chapter 3: Title, it says:\n"
     "Not in quotes.\n", 5, "expected the passage quoted from chapter 3"),
    (GOOD_HEAD + "Further Reading\nNot a list item.\n", 4, "expected a list item"),
    (GOOD_HEAD + "Further Reading\n- Nobody knows (when). Title.\n", 4, "no date in parentheses"),
    (GOOD_HEAD + "What This Research Found\nClinical Implications\nText.\n", 3, "is empty"),
])
def test_errors_name_the_line(text, line, message):
    with pytest.raises(QuireError) as info:
        parse_seed(text, HERE)
    first = info.value.diagnostics[0]
    assert message in first.message and first.location.line == line, info.value.format()


def test_kinds_of_blocks_in_a_small_entry():
    entry = parse_seed(GOOD_HEAD + "What This Research Found\nIntro.\nBold claim here. Then "
                       "more.\nAnother claim. And more.\n", HERE)
    kinds = [(b.kind, b.lead) for b in entry.sections[0].blocks]
    assert kinds == [(PARAGRAPH, None), (PARAGRAPH, "Bold claim here."),
                     (PARAGRAPH, "Another claim.")]
