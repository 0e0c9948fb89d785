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


# --- lines, locations and thresholds (issue 15: tests that kill mutants) ---

from quire.entries.seed_format import (DEFAULT_SECTIONS, MAX_HEADING_WORDS,  # noqa: E402
                                       MAX_LEAD_WORDS)


def errors_of(text: str, known: tuple[str, ...] = DEFAULT_SECTIONS) -> list[tuple]:
    with pytest.raises(QuireError) as info:
        parse_seed(text, HERE, known)
    return [(d.location.path, d.location.line, d.message) for d in info.value.diagnostics]


def blocks_of(body: str) -> list[tuple]:
    entry = parse_seed(GOOD_HEAD + "What This Research Found\n" + body, HERE)
    return [(b.kind, b.text, b.line, b.chapter, b.lead) for b in entry.sections[0].blocks]


def test_every_block_knows_its_line():
    text = (GOOD_HEAD + "\nWhat This Research Found\nFirst paragraph.\n\nA Sub Heading\n"
            "Second paragraph.\nIn Chapter 4: Title, it says:\n\u201cQuoted words.\u201d\n"
            "Further Reading\n- Doe, J. (2019). Another title. Publisher.\n"
            "* Doe, J. (2018). A third title. Publisher.\n")
    entry = parse_seed(text, HERE)
    assert (entry.citation, entry.citation_line) == ("Doe, J. (2020). A title. Publisher.", 2)
    assert [(s.title, s.line) for s in entry.sections] == [
        ("What This Research Found", 4), ("Further Reading", 11)]
    assert [(b.kind, b.text, b.line, b.chapter) for b in entry.sections[0].blocks] == [
        (PARAGRAPH, "First paragraph.", 5, None), (SUBHEADING, "A Sub Heading", 7, None),
        (PARAGRAPH, "Second paragraph.", 8, None),
        (PARAGRAPH, "In Chapter 4: Title, it says:", 9, None),
        (QUOTATION, "Quoted words.", 10, 4)]
    items = entry.further_reading
    assert [(b.kind, b.line, b.reference["issued"]["date-parts"][0][0]) for b in items] == [
        (ITEM, 12, 2019), (ITEM, 13, 2018)]


def test_a_quotation_intro_at_the_end_of_a_section_is_located_at_the_intro():
    assert errors_of(GOOD_HEAD + "What This Research Found\nText.\nIn Chapter 2: T, says:\n") == [
        (HERE, 5, "expected the passage quoted from chapter 2 on the next line, in double quotes")]


def test_every_error_is_reported_with_its_file_and_line():
    text = (GOOD_HEAD + "What This Research Found\nIn Chapter 2: T, it says:\nNot quoted.\n"
            "Clinical Implication\nMore.\nFurther Reading\nNot an item.\n- No date. Title.\n"
            "- Doe, J. (2019). Fine. Publisher.\nWhat This Research Found\nAgain.\n")
    found = errors_of(text)
    assert [(path, line) for path, line, _ in found] == [
        (HERE, 5), (HERE, 6), (HERE, 9), (HERE, 10), (HERE, 12)]
    messages = [m for _, _, m in found]
    assert messages[0] == ("expected the passage quoted from chapter 2 on the next line, in "
                           "double quotes")
    assert messages[1] == ("unknown section heading 'Clinical Implication' (did you mean "
                           "'Clinical Implications'?)")
    assert messages[2] == ("expected a list item ('- Author, A. (2004). Title ...') in "
                           "'Further Reading'")
    assert "no date in parentheses" in messages[3]
    assert messages[4] == "section 'What This Research Found' appears twice"


def test_a_paragraph_after_a_failed_quotation_is_still_read():
    text = (GOOD_HEAD + "What This Research Found\nIn Chapter 2: T, it says:\nNot quoted.\n"
            "Unknown Headin\nText.\n")
    assert [line for _, line, _ in errors_of(text)] == [5]


def test_text_before_the_first_heading_names_the_headings():
    assert errors_of(GOOD_HEAD + "Some text.\nWhat This Research Found\nText.\n") == [
        (HERE, 3, "expected a section heading here, such as 'What This Research Found'; known "
                  "headings: " + ", ".join(DEFAULT_SECTIONS))]
    assert errors_of(GOOD_HEAD + "What This Research Fund\nText.\n") == [
        (HERE, 3, "expected a section heading here, such as 'What This Research Found' (did "
                  "you mean 'What This Research Found'?)")]
    assert errors_of(GOOD_HEAD + "Remarks\nText.\n", ("Summary", "Notes2")) == [
        (HERE, 3, "expected a section heading here, such as 'Summary'; known headings: "
                  "Summary, Notes2")]


def test_the_first_lines_errors_are_located():
    assert errors_of("\n\nDoe, J. (2020). A title.\n") == [
        (HERE, 3, "a research entry starts with the line 'APA Citation', then its APA "
                  "reference")]
    assert errors_of("") == [
        (HERE, 1, "a research entry starts with the line 'APA Citation', then its APA "
                  "reference")]
    assert errors_of("\nAPA Citation\n") == [(HERE, 3, "no APA reference after 'APA Citation'")]
    assert errors_of("APA Citation\nDoe J 2020\n")[0][:2] == (HERE, 2)
    assert errors_of(GOOD_HEAD) == [
        (HERE, 3, "no sections: expected a heading such as 'What This Research Found' after "
                  "the reference")]
    assert errors_of(GOOD_HEAD, ("Summary", "Notes")) == [
        (HERE, 3, "no sections: expected a heading such as 'Summary' after the reference")]
    assert errors_of(GOOD_HEAD + "Clinical Implications\nWhat This Research Found\nText.\n") == [
        (HERE, 3, "section 'Clinical Implications' is empty")]
    assert errors_of(GOOD_HEAD + "What This Research Found\nText.\nTwo Headings\nIn A Row\n")[
        0] == (HERE, 5, "'Two Headings' looks like a heading but no paragraph follows it")


def test_one_entry_with_three_sections_has_each():
    text = (GOOD_HEAD + "What This Research Found\nA.\nClinical Implications\n\nB.\n"
            "Historical Context\nC.\n")
    entry = parse_seed(text, HERE)
    assert [(s.title, s.line, [b.text for b in s.blocks]) for s in entry.sections] == [
        ("What This Research Found", 3, ["A."]), ("Clinical Implications", 5, ["B."]),
        ("Historical Context", 8, ["C."])]


def test_what_looks_like_a_heading():
    longest = " ".join(["Word"] * MAX_HEADING_WORDS)
    too_long = " ".join(["Word"] * (MAX_HEADING_WORDS + 1))
    assert blocks_of(f"{longest}\nText.\n")[0][0] == SUBHEADING
    assert blocks_of(f"{too_long}\nText.\n")[0][0] == PARAGRAPH
    assert blocks_of("Single\nText.\n")[0][0] == SUBHEADING
    assert blocks_of("lower case start\nText.\n")[0][0] == PARAGRAPH
    assert blocks_of("Ends with a colon:\nText.\n")[0][0] == PARAGRAPH
    assert blocks_of("1. An Item Like Line\nText.\n")[0][0] == PARAGRAPH


def test_lead_sentences_need_three_quarters_of_the_following_paragraphs():
    lead = "Short claim. Then the rest of it."
    plain = "no lead sentence in this one at all"
    three_of_four = blocks_of(f"Opening.\n{lead}\n{lead}\n{lead}\n{plain}\n")
    assert [b[4] for b in three_of_four] == [None, "Short claim.", "Short claim.",
                                             "Short claim.", None]
    assert [b[2] for b in three_of_four] == [4, 5, 6, 7, 8]
    two_of_three = blocks_of(f"Opening.\n{lead}\n{lead}\n{plain}\n")
    assert [b[4] for b in two_of_three] == [None, None, None, None]
    one = blocks_of(f"Opening.\n{lead}\n")
    assert [b[4] for b in one] == [None, None]
    after_heading = blocks_of(f"Opening.\n{lead}\nA Heading\n{lead}\n{lead}\n")
    assert [b[4] for b in after_heading] == [None, "Short claim.", None, None, "Short claim."]


def test_lead_sentence_limits():
    words = " ".join(["word"] * (MAX_LEAD_WORDS - 1))
    assert lead_sentence(f"Some {words}. More follows.") == f"Some {words}."
    assert lead_sentence(f"Some more {words}. More follows.") is None
    assert lead_sentence("An *emphasised* claim. More follows.") is None
    assert lead_sentence("A claim. *Emphasis* follows.") is None


def test_format_seed_quotes_quotations():
    text = (GOOD_HEAD + "How This Research Is Used in the Book\nIn Chapter 2: T, it says:\n"
            "\u201cQuoted.\u201d\n")
    assert format_seed(parse_seed(text, HERE)) == text.replace("\u201cQuoted.\u201d",
                                                               '"Quoted."')


def test_only_a_close_heading_is_suggested():
    assert errors_of(GOOD_HEAD + "Research Found\nText.\n")[0][2].endswith(
        "; known headings: " + ", ".join(DEFAULT_SECTIONS))


def test_errors_after_an_error_in_the_same_section_are_still_found():
    text = (GOOD_HEAD + "Clinical Implications\nWhat This Research Found\n"
            "In Chapter 2: T, it says:\nClinical Implication\nMore.\n"
            "Further Reading\n- No date. Title.\n- Nor here. Title.\n")
    assert [line for _, line, _ in errors_of(text)] == [3, 6, 6, 9, 10]
