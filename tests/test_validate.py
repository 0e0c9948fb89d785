"""Validating CSL items: unknown fields and types with a did-you-mean, names, dates, et al."""

from __future__ import annotations

import json

from quire.entries.store import load_bibliography
from quire.entries.validate import validate_item
from quire.errors import Reporter

BOOK = {"id": "k", "type": "book", "title": "T", "issued": {"date-parts": [[2019]]}}


def messages(item: dict) -> list[tuple[str | None, str]]:
    return [(p.field, p.message) for p in validate_item(item)[0]]


def test_a_good_item_has_no_problems_and_is_unchanged():
    assert validate_item(BOOK) == ([], BOOK)


def test_misspelt_field_and_type_with_did_you_mean():
    item = {**BOOK, "type": "buk", "isued": {"date-parts": [[2019]]}}
    del item["issued"]
    assert messages(item) == [
        ("isued", "unknown CSL field 'isued' (did you mean 'issued'?); it is ignored"),
        ("type", "unknown CSL type 'buk' (did you mean 'book'?); formatted as 'document'"),
        ("issued", "no date ('issued'): the reference will say (n.d.)")]
    usable = validate_item(item)[1]
    assert usable["type"] == "document" and "isued" not in usable


def test_missing_title_date_and_type():
    assert messages({"id": "k"}) == [
        ("type", "no 'type'; formatted as 'document'"), ("title", "no title"),
        ("issued", "no date ('issued'): the reference will say (n.d.)")]
    assert messages({"id": "k", "type": "webpage", "title": "T"}) == []
    assert messages({"id": "k", "type": "book", "title": "T", "status": "in press"}) == []


def test_malformed_names_and_dates_are_dropped():
    item = {**BOOK, "author": ["Smith, J.", {"given": "A."}, {"family": "Doe", "gvien": "J."},
                               {"family": "Roe", "given": "R."}],
            "issued": {"date-parts": [[2019, 13]]}, "accessed": "2020-01-01"}
    problems = messages(item)
    assert ("author", "malformed name in 'author': 'Smith, J.' is not a name object (family, "
            "given or literal); it is ignored") in problems
    assert ("author", "malformed name in 'author': a name needs 'family' or 'literal'; it is "
            "ignored") in problems
    assert ("author", "malformed name in 'author': unknown name part 'gvien' (did you mean "
            "'given'?); it is ignored") in problems
    assert ("issued", "malformed date in 'issued': month 13 is not 1-12; it is ignored") \
        in problems
    assert ("accessed", "malformed date in 'accessed': expected an object with 'date-parts'; "
            "it is ignored") in problems
    usable = validate_item(item)[1]
    assert usable["author"] == [{"family": "Roe", "given": "R."}]
    assert "issued" not in usable and "accessed" not in usable
    assert messages({**BOOK, "issued": {"date-parts": [[2019, 2, 32]]}})[0][1].endswith(
        "day 32 is not 1-31; it is ignored")


def test_et_al_stored_as_an_author():
    for name in ({"literal": "et al."}, {"family": "De Jong et al", "given": "P."}):
        [(field, message)] = messages({**BOOK, "author": [{"family": "A"}, name]})
        assert field == "author" and "stands for names left out" in message


def test_csl_yaml_and_json_problems_at_their_lines(tmp_path):
    folder = tmp_path / "bibliography"
    folder.mkdir()
    (folder / "refs.yaml").write_text(
        "---\nreferences:\n- id: doe2019\n  type: \"\"\n  title: A Title\n"
        "  isued:\n    date-parts: [[2019]]\n- id: roe2020\n  type: buk\n  title: B\n"
        "  issued: {date-parts: [[2020]]}\n...\n", encoding="utf-8")
    (folder / "more.json").write_text(json.dumps(
        [BOOK | {"id": "a"}, BOOK | {"id": "b", "titel": "x"}], indent=1), encoding="utf-8")
    json_lines = (folder / "more.json").read_text(encoding="utf-8").split("\n")
    titel = next(n for n, line in enumerate(json_lines, 1) if '"titel"' in line)
    reporter = Reporter()
    bibliography = load_bibliography(tmp_path, reporter)
    found = [(str(w.location).rsplit("/", 1)[1], w.message) for w in reporter.warnings]
    assert found == [
        (f"more.json:{titel}", "reference 'b': unknown CSL field 'titel' (did you mean 'title'?); "
         "it is ignored"),
        ("refs.yaml:6", "reference 'doe2019': unknown CSL field 'isued' (did you mean "
         "'issued'?); it is ignored"),
        ("refs.yaml:4", "reference 'doe2019': no 'type'; formatted as 'document'"),
        ("refs.yaml:3", "reference 'doe2019': no date ('issued'): the reference will say (n.d.)"),
        ("refs.yaml:9", "reference 'roe2020': unknown CSL type 'buk' (did you mean 'book'?); "
         "formatted as 'document'"),
    ]
    assert bibliography.references["doe2019"]["type"] == "document"
    assert str(bibliography.locations["roe2020"]).endswith("refs.yaml:8")


def test_a_text_field_holding_a_structure_is_reported_and_left_out():
    from quire.entries.validate import validate_item

    item = {"id": "b", "type": "book", "title": "T", "issued": {"date-parts": [[2000]]},
            "volume": {"a": 1}, "edition": [1], "note": None, "page": 5, "publisher": "P"}
    problems, usable = validate_item(item)
    assert [(p.message, p.field) for p in problems] == [
        ("'edition' should be text, not a list; it is ignored", "edition"),
        ("'note' should be text, not empty; it is ignored", "note"),
        ("'volume' should be text, not an object; it is ignored", "volume")]
    assert sorted(usable) == ["id", "issued", "page", "publisher", "title", "type"]
