"""Property tests: every parser, given any text at all, returns or raises a QuireError.

``make test`` runs a short campaign (the "default" profile); ``make fuzz`` runs
the long one whose figures the README reports (the "campaign" profile).
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from quire.citations.syntax import find_citation_groups
from quire.entries.apa_parser import parse_reference
from quire.entries.canonical import parse_body
from quire.entries.seed_format import parse_seed
from quire.errors import QuireError, SourceLocation
from quire.frontmatter import split_front_matter
from quire.quotations import normal_form
from quire.yamlsource import load_yaml

HERE = Path("fuzz.txt")
#: Text built from the pieces the formats are made of, and any characters between them.
PIECES = st.sampled_from([
    "APA Citation", "What This Research Found", "Further Reading", "In Chapter 3: T, x:",
    '"', "- ", "(2004). ", "(n.d.)", "Smith, J., & Doe, A.", "*", "**", "---", ":::",
    '::: {.quotation chapter="2"}', "::: {.passage #p page=\"3\"}", "[@", "@", "]", ";", ", p. ",
    "-@", "{", "}", "`", "```", "\n", "\n\n", "https://doi.org/10.1/x", "<", ">", "(Eds.)",
    "In ", " (pp. 1--2). ", ". ", "\t", "\u00a0", "\u2014", "\x00", "\ufeff", "key: [",
])
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=40).map("".join)


def only_quire_errors(function, *args) -> None:
    try:
        function(*args)
    except QuireError:
        pass


@given(TEXT)
def test_seed_format(text):
    only_quire_errors(parse_seed, text, HERE)


@given(TEXT)
def test_apa_reference(text):
    only_quire_errors(parse_reference, text, SourceLocation(HERE, 1))


@given(TEXT)
def test_citation_syntax(text):
    for group in find_citation_groups(text, HERE):
        assert 0 <= group.start < group.end <= len(text)
        assert all(item.key for item in group.items)


@given(TEXT)
def test_front_matter(text):
    only_quire_errors(split_front_matter, text, HERE)


@given(TEXT)
def test_entry_body(text):
    only_quire_errors(parse_body, text.split("\n"), 1, HERE)


@given(TEXT)
def test_yaml(text):
    only_quire_errors(load_yaml, text, HERE)


@given(TEXT)
def test_quotation_normal_form_is_idempotent(text):
    assert normal_form(normal_form(text)) == normal_form(text)
