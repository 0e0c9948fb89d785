"""The citation engine against what a style decides: a tiny CSL style whose citation
attributes each test sets, and the style variants quire derives from the XML (lxml only).

The APA text of each citation form is tested in ``test_citations_engine.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from quire.citations.engine import (NS, Cite, CitationEngine, _author_only, _layout,
                                    _suppress_author)
from test_citations_engine import article

# --- what the style decides: a tiny style whose citation attributes each test sets ---

TINY = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0"
       default-locale="{locale}">
  <info><title>Tiny</title><id>tiny</id><updated>2020-01-01T00:00:00+00:00</updated></info>
  {terms}
  <macro name="author"><names variable="author"><name form="short" and="symbol"
      et-al-min="3" et-al-use-first="1"/></names></macro>
  <macro name="year"><date variable="issued"><date-part name="year"/></date><text
      variable="year-suffix"/></macro>
  <citation {citation}>
    <sort><key macro="author"/><key macro="year"/></sort>
    <layout prefix="[" suffix="]" delimiter=" | ">
      <group delimiter=" "><text macro="author"/><text macro="year"/></group>
    </layout>
  </citation>
  <bibliography>
    <sort><key macro="author"/><key macro="year"/></sort>
    <layout><text macro="author"/><text macro="year" prefix=" "/><group prefix=" "
        delimiter=" "><text term="retrieved"/><text variable="URL"/></group><text
        variable="title" quotes="true" prefix=", "/><text value="."/></layout>
  </bibliography>
</style>"""

TINY_WORKS = {"a": article(2001, ("Ames", "A."), title="One"),
              "b": article(2001, ("Ames", "A."), title="Two"),
              "c": article(2003, ("Cole", "C."), ("Dunn", "D."), ("Eve", "E.")),
              "d": article(2003, ("Cole", "C."), ("Fox", "F."), ("Eve", "E."))}
ALL_FOUR = [Cite("d"), Cite("b"), Cite("c"), Cite("a")]


def tiny(tmp_path: Path, citation: str = "", locale: str = "en-US",
         items: dict | None = None, terms: str = "") -> CitationEngine:
    style = tmp_path / "tiny.csl"
    style.write_text(TINY.format(citation=citation, locale=locale, terms=terms),
                     encoding="utf-8")
    return CitationEngine(style, TINY_WORKS if items is None else items)


def test_the_layout_s_affixes_and_delimiter_are_the_style_s_and_escaped(tmp_path):
    engine = tiny(tmp_path)
    assert engine.cite(ALL_FOUR) == ("\\[[Ames 2001](#ref-a) | [Ames 2001](#ref-b) | "
                                     "[Cole et al. 2003](#ref-c) | [Cole et al. 2003](#ref-d)\\]")
    assert engine.cite([Cite("c")], narrative=True) == "[Cole et al. \\[2003\\]](#ref-c)"


@pytest.mark.parametrize("citation, expected", [
    ('collapse="year"', "\\[[Ames 2001](#ref-a), [2001](#ref-b) | "
                        "[Cole et al. 2003](#ref-c), [2003](#ref-d)\\]"),
    ('collapse="year" cite-group-delimiter=" / "',
     "\\[[Ames 2001](#ref-a) / [2001](#ref-b) | [Cole et al. 2003](#ref-c) / [2003](#ref-d)\\]"),
    ('collapse="citation-number"', "\\[[Ames 2001](#ref-a) | [Ames 2001](#ref-b) | "
                                   "[Cole et al. 2003](#ref-c) | [Cole et al. 2003](#ref-d)\\]"),
])
def test_works_are_joined_only_as_the_style_says(tmp_path, citation, expected):
    assert tiny(tmp_path, citation).cite(ALL_FOUR) == expected


@pytest.mark.parametrize("citation, expected, entry", [
    # only year suffixes: the letters in the text and the list, in the list's order
    ('disambiguate-add-year-suffix="true"',
     "\\[[Ames 2001a](#ref-a) | [Ames 2001b](#ref-b) | [Cole et al. 2003a](#ref-c) | "
     "[Cole et al. 2003b](#ref-d)\\]", "Ames 2001b, \u201cTwo.\u201d"),
    # only names: the works whose names differ read differently; the list is not changed
    ('disambiguate-add-names="true"',
     "\\[[Ames 2001](#ref-a) | [Ames 2001](#ref-b) | [Cole, Dunn, et al. 2003](#ref-c) | "
     "[Cole, Fox, et al. 2003](#ref-d)\\]", "Ames 2001, \u201cTwo.\u201d"),
    ('disambiguate-add-names="true" disambiguate-add-year-suffix="true"',
     "\\[[Ames 2001a](#ref-a) | [Ames 2001b](#ref-b) | [Cole, Dunn, et al. 2003](#ref-c) | "
     "[Cole, Fox, et al. 2003](#ref-d)\\]", "Ames 2001b, \u201cTwo.\u201d"),
])
def test_works_alike_are_told_apart_only_as_the_style_says(tmp_path, citation, expected, entry):
    engine = tiny(tmp_path, citation)
    assert engine.cite(ALL_FOUR) == expected
    assert engine.bibliography(["b"]) == [("b", entry)]


def test_given_names_are_added_only_when_the_style_says(tmp_path):
    people = {"j": article(2005, ("Hall", "Jodi")), "s": article(2005, ("Hall", "Scott"))}
    both = [Cite("j"), Cite("s")]
    assert tiny(tmp_path, items=people).cite(both) == (
        "\\[[Hall 2005](#ref-j) | [Hall 2005](#ref-s)\\]")
    # the style's names have no initialize-with: the given names in full (CSL 1.0.2)
    assert tiny(tmp_path, 'disambiguate-add-givenname="true"', items=people).cite(both) == (
        "\\[[Jodi Hall 2005](#ref-j) | [Scott Hall 2005](#ref-s)\\]")


def test_punctuation_stays_outside_quotes_where_the_locale_says(tmp_path):
    """en-GB: 'Title'. ; en-US: "Title." (``punctuation-in-quote``)."""
    assert tiny(tmp_path, locale="en-GB").bibliography(["a"]) == [
        ("a", "Ames 2001, \u2018One\u2019.")]
    assert tiny(tmp_path, locale="en-US").bibliography(["a"]) == [
        ("a", "Ames 2001, \u201cOne.\u201d")]


def test_a_style_without_a_citation_is_refused(tmp_path):
    style = tmp_path / "none.csl"
    text = TINY.format(citation="", locale="en-US", terms="")
    style.write_text(text.replace("<citation", "<nocitation").replace("</citation>",
                                                                      "</nocitation>"))
    with pytest.raises(ValueError) as error:
        CitationEngine(style, TINY_WORKS)
    assert str(error.value) == "the style has no <citation>"


# --- the style variants derived from the XML (plain lxml, no citeproc-py) ---

def csl(citation_layout: str, macros: str = "") -> etree._ElementTree:
    return etree.ElementTree(etree.fromstring(
        f'<style xmlns="{NS}">{macros}<citation><layout prefix="(" suffix=")">'
        f'{citation_layout}</layout></citation></style>'))


def shape(element: etree._Element) -> str:
    """The element as compact text, the namespace left out."""
    return re.sub(r' xmlns="[^"]+"', "", etree.tostring(element, encoding="unicode"))


def test_macro_calls_become_groups_keeping_their_affixes_and_formatting():
    tree = csl('<names variable="editor"><label/></names>'
               '<text macro="who" prefix="&lt;" font-style="italic" quotes="true"/>'
               '<text variable="title"/><names variable="editor"><label/></names>',
               '<macro name="who"><text macro="name"/><text value="!"/></macro>'
               '<macro name="name"><names variable="author"/></macro>')
    root, layout = _layout(tree)
    assert shape(layout) == (
        '<layout prefix="(" suffix=")"><names variable="editor"><label/></names>'
        '<group prefix="&lt;" font-style="italic">'
        '<group><names variable="author"/></group><text value="!"/></group>'
        '<text variable="title"/><names variable="editor"><label/></names></layout>')
    assert root.find(f"{{{NS}}}citation/{{{NS}}}layout") is layout
    assert tree.getroot().find(f".//{{{NS}}}group") is None  # the style itself is unchanged


def test_a_recursive_macro_is_inlined_twenty_one_levels_deep_and_left():
    tree = csl('<text macro="loop"/>', '<macro name="loop"><text macro="loop"/></macro>')
    _, layout = _layout(tree)
    depth, element = 0, layout
    while len(element) and element[0].tag == f"{{{NS}}}group":
        depth, element = depth + 1, element[0]
    assert depth == 21
    assert element[0].get("macro") == "loop"


def test_a_macro_recursing_inside_a_group_is_inlined_as_deep_and_left():
    tree = csl('<text macro="loop"/>',
               '<macro name="loop"><group><text macro="loop"/></group></macro>')
    _, layout = _layout(tree)
    assert len(list(layout.iter(f"{{{NS}}}text"))) == 1
    assert len(list(layout.iter(f"{{{NS}}}group"))) == 42


SPLIT = ('<group delimiter=", "><choose><if variable="author"><text macro="who"/></if>'
         '<else-if variable="editor"><text value="x"/></else-if><else><text term="no date"/>'
         '</else></choose><date variable="issued"/></group>')
WHO = '<macro name="who"><names variable="author"><name and="symbol"/></names></macro>'


def variant(derive) -> tuple[etree._Element, str]:
    """The style ``derive`` makes of SPLIT and WHO, and its citation layout as text."""
    root = etree.fromstring(derive(csl(SPLIT, WHO)))
    return root, shape(root.find(f"{{{NS}}}citation/{{{NS}}}layout"))


def test_suppress_author_removes_every_name_of_the_citation():
    root, layout = variant(_suppress_author)
    assert layout == (
        '<layout prefix="(" suffix=")"><group delimiter=", "><choose><if variable="author">'
        '<group/></if><else-if variable="editor"><text value="x"/></else-if><else>'
        '<text term="no date"/></else></choose><date variable="issued"/></group></layout>')
    assert root.find(f"{{{NS}}}macro/{{{NS}}}names") is not None  # macros are kept


def test_author_only_keeps_the_names_joined_by_a_word():
    """The conditions around the names stay (a branch not taken must not become taken)."""
    root, layout = variant(_author_only)
    assert layout == (
        '<layout><group delimiter=", "><choose><if variable="author"><group>'
        '<names variable="author"><name and="text"/></names></group></if>'
        '<else-if variable="editor"/><else/></choose></group></layout>')
    assert root.find(f"{{{NS}}}macro/{{{NS}}}names/{{{NS}}}name").get("and") == "text"


def test_retrieved_is_dropped_before_a_url_only_where_the_locale_has_the_word(tmp_path):
    page = dict(article(2001, ("Ames", "A."), title="One"), URL="https://x.org/a")
    assert tiny(tmp_path, items={"p": page}).bibliography(["p"]) == [
        ("p", "Ames 2001 <https://x.org/a>, \u201cOne.\u201d")]
    visited = dict(page, accessed={"date-parts": [[2021, 4, 6]]})
    assert tiny(tmp_path, items={"p": visited}).bibliography(["p"]) == [
        ("p", "Ames 2001 retrieved <https://x.org/a>, \u201cOne.\u201d")]
    silent = '<locale><terms><term name="retrieved"></term></terms></locale>'
    assert tiny(tmp_path, items={"p": page}, terms=silent).bibliography(["p"]) == [
        ("p", "Ames 2001 <https://x.org/a>, \u201cOne.\u201d")]


def test_a_layout_without_affixes_or_delimiter_adds_none(tmp_path):
    style = tmp_path / "bare.csl"
    style.write_text(TINY.format(citation="", locale="en-US", terms="").replace(
        '<layout prefix="[" suffix="]" delimiter=" | ">', "<layout>"), encoding="utf-8")
    engine = CitationEngine(style, TINY_WORKS)
    assert engine.cite([Cite("a"), Cite("b")]) == "[Ames 2001](#ref-a)[Ames 2001](#ref-b)"
    assert engine.cite([Cite("c")], narrative=True) == "[Cole et al. 2003](#ref-c)"
