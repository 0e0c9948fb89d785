"""Disambiguation (quire/citations/disambiguation.py): APA 7 8.18-8.20, driven by the style.

Each case is checked against the text APA 7 prints and against pandoc's
citeproc; the style's own attributes are switched off one by one to show that
the style, not Python, decides.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from quire.citations.engine import Cite, CitationEngine
from test_citations_oracle import apa_style, citation_differences


def work(year: int, *names: tuple[str, str], title: str = "T") -> dict:
    return {"type": "article-journal", "title": title, "container-title": "J",
            "issued": {"date-parts": [[year]]},
            "author": [{"family": family, "given": given} for family, given in names]}


def cited(items: dict, style: Path | None = None) -> dict[str, str]:
    engine = CitationEngine(style or apa_style(), items)
    return {key: engine.cite([Cite(key)]) for key in items}


def without(attribute: str, tmp_path: Path) -> Path:
    """The APA style with one attribute of its ``<citation>`` set to false."""
    text = apa_style().read_text(encoding="utf-8")
    assert f'{attribute}="true"' in text
    style = tmp_path / "apa-variant.csl"
    style.write_text(text.replace(f'{attribute}="true"', f'{attribute}="false"', 1),
                     encoding="utf-8")
    return style


LAKENS = {"a": work(2018, ("Lakens", "Daniël"), ("Adolfi", "F. G."), ("Albers", "C. J.")),
          "b": work(2018, ("Lakens", "Daniël"), ("Scheel", "A. M."), ("Isager", "P. M."))}
HALPERN = {"j": work(2001, ("Halpern", "Jodi"), ("Arnold", "R. M."), ("Cohen", "L. M.")),
           "s": work(2002, ("Halpern", "Scott D."), ("Karlawish", "J."), ("Berlin", "J. A."))}


def test_names_are_added_until_the_works_differ():
    text = cited(LAKENS)
    assert text["a"] == "([Lakens, Adolfi, et al., 2018](#ref-a))"
    assert text["b"] == "([Lakens, Scheel, et al., 2018](#ref-b))"


def test_all_names_when_only_the_last_differs(tmp_path):
    items = {"a": work(2018, ("Lakens", "D."), ("Scheel", "A. M."), ("Isager", "P. M.")),
             "b": work(2018, ("Lakens", "D."), ("Scheel", "A. M."), ("Albers", "C. J."))}
    text = cited(items)
    assert text["a"] == "([Lakens, Scheel, & Isager, 2018](#ref-a))"
    assert text["b"] == "([Lakens, Scheel, & Albers, 2018](#ref-b))"
    assert citation_differences(items, tmp_path)[1] == []


def test_the_same_authors_get_year_suffixes_and_no_names(tmp_path):
    items = {"x": work(2018, ("Lakens", "D."), ("Scheel", "A. M."), ("Isager", "P. M."),
                       title="Alpha"),
             "y": work(2018, ("Lakens", "D."), ("Scheel", "A. M."), ("Isager", "P. M."),
                       title="Beta")}
    text = cited(items)
    assert text == {"x": "([Lakens et al., 2018a](#ref-x))", "y": "([Lakens et al., 2018b](#ref-y))"}
    assert citation_differences(items, tmp_path)[1] == []


def test_initials_tell_two_people_apart_in_every_citation(tmp_path):
    text = cited(HALPERN)
    assert text["j"] == "([J. Halpern et al., 2001](#ref-j))"
    assert text["s"] == "([S. D. Halpern et al., 2002](#ref-s))"
    narrative = CitationEngine(apa_style(), HALPERN).cite([Cite("s")], narrative=True)
    assert narrative == "[S. D. Halpern et al. (2002)](#ref-s)"
    assert citation_differences(HALPERN, tmp_path)[1] == []


def test_the_same_initials_are_one_person():
    """"M. C. M." and "Marcel C. M." are one person: no initials (as in pandoc)."""
    items = {"p": work(2001, ("Bastiaansen", "M. C. M."), ("Posthuma", "D.")),
             "q": work(2002, ("Bastiaansen", "Marcel C. M."), ("Hagoort", "P."))}
    assert cited(items) == {"p": "([Bastiaansen & Posthuma, 2001](#ref-p))",
                            "q": "([Bastiaansen & Hagoort, 2002](#ref-q))"}


def test_particles_do_not_hide_a_shared_family_name(tmp_path):
    items = {"d": work(2008, ("Beeck", "H. P. O."), ("Wagemans", "J.")),
             "o": work(2010, ("Beeck", "Hans P."))}
    items["d"]["author"][0]["non-dropping-particle"] = "de"
    items["o"]["author"][0]["non-dropping-particle"] = "op de"
    assert citation_differences(items, tmp_path)[1] == []
    text = cited(items)
    assert text["d"] == "([H. P. O. de Beeck & Wagemans, 2008](#ref-d))"
    assert text["o"] == "([H. P. op de Beeck, 2010](#ref-o))"


@pytest.mark.parametrize("attribute, items, expected", [
    ("disambiguate-add-names", LAKENS, {"a": "([Lakens et al., 2018a](#ref-a))",
                                        "b": "([Lakens et al., 2018b](#ref-b))"}),
    ("disambiguate-add-givenname", HALPERN, {"j": "([Halpern et al., 2001](#ref-j))",
                                             "s": "([Halpern et al., 2002](#ref-s))"}),
])
def test_the_style_decides(attribute, items, expected, tmp_path):
    assert cited(items, without(attribute, tmp_path)) == expected


def test_no_year_suffix_when_the_style_asks_for_none(tmp_path):
    style = without("disambiguate-add-year-suffix", tmp_path)
    text = cited({"x": work(2008, ("Koriat", "A."), title="A"),
                  "y": work(2008, ("Koriat", "A."), title="B")}, style)
    assert text == {"x": "([Koriat, 2008](#ref-x))", "y": "([Koriat, 2008](#ref-y))"}
