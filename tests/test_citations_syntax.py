"""Finding Pandoc citations in Markdown, with their columns; URLs, e-mail and code are not citations."""

from __future__ import annotations

from pathlib import Path

from quire.citations.syntax import find_citations


def keys(text: str) -> list[tuple[str, int, int]]:
    return [(c.key, c.location.line, c.location.column)
            for c in find_citations(text, Path("c.md"), first_line=10)]


def test_every_pandoc_form():
    text = ("As [@rizzolatti2004] and @felitti1998 said [@a, p. 12; @b, pp. 3-5].\n"
            "Later [-@rizzolatti2004] and [see @x:y; @z_1, for a review] and @{odd key}.")
    first, second = text.split("\n")
    expected = [(10, first, "@rizzolatti2004"), (10, first, "@felitti1998"),
                (10, first, "@a,"), (10, first, "@b,"), (11, second, "-@rizzolatti2004"),
                (11, second, "@x:y"), (11, second, "@z_1"), (11, second, "@{odd key}")]
    assert keys(text) == [
        (token.strip("-@{},"), line, source.index(token) + 1) for line, source, token in expected
    ]


def test_trailing_punctuation_is_not_part_of_the_key():
    assert [k for k, _, _ in keys("Cited by @smith2020. And @jones2021: yes.")] == \
        ["smith2020", "jones2021"]


def test_email_url_and_code_are_not_citations():
    text = ("Write to author@example.org or see https://example.org/@handle and "
            "<https://x.org/@y> and [a link](https://m.org/@z) and `@code` here.\n"
            "```\n@fenced\n```\n"
            "www.site.org/@who")
    assert keys(text) == []


def test_locators_with_markdown_dashes_are_ranges():
    from quire.citations.syntax import parse_locator

    assert parse_locator(", pp. 179--181") == (("page", "179-181"), "")
    assert parse_locator(", pp. 3\u20135, for a review") == (("page", "3-5"), ", for a review")
    assert parse_locator(", chap. 2") == (("chapter", "2"), "")
    assert parse_locator(", for a review") == (None, ", for a review")


# --- issue 10: comments, code spans, keys normalised, linear time ---

def test_citations_in_html_comments_are_not_citations():
    text = "A <!-- [@hidden] @also\nstill hidden @x --> and @shown.\n<!-- unclosed @open"
    assert [k for k, _, _ in keys(text)] == ["shown", "open"]


def test_code_spans_of_any_length_hide_citations():
    text = "`@a` ``b ` @c`` ```@d``` `` ``` @shown `` after ` @e `"
    assert [k for k, _, _ in keys(text)] == []
    assert [k for k, _, _ in keys("x ``` @shown ``")] == ["shown"]  # no closing run of 3


def test_a_decomposed_accent_is_composed_and_invisible_characters_kept_in_the_key():
    from quire.citations.syntax import invisible_characters

    found = keys("@cafe\u0301 and @a\u200bb and [@c\u202ed]")
    assert [k for k, _, _ in found] == ["caf\u00e9", "a\u200bb", "c\u202ed"]
    assert invisible_characters("a\u200bb\u2066") == ["\u200b", "\u2066"]
    assert invisible_characters("plain") == []


def test_group_inside_a_longer_bracket_run_is_found_once():
    text = "[" * 3 + "@a; @b" + "]" * 1
    assert [k for k, _, _ in keys(text)] == ["a", "b"]


def test_whitespace_before_a_locator_is_linear():
    import time

    from quire.citations.syntax import parse_locator

    start = time.perf_counter()
    assert parse_locator(" " * 100_000 + "x") == (None, " x")
    assert time.perf_counter() - start < 1


def test_reference_anchors_are_label_safe_and_distinct():
    import re

    from quire.citations.keys import reference_anchor

    keys_ = ["a<b", "a&b", "a?b", "a#b", "a%b", "a+b", "a_b", "a_3c_b", "a__b", "a:b.c-d"]
    anchors = [reference_anchor(k) for k in keys_]
    assert len(set(anchors)) == len(anchors)
    assert all(re.fullmatch(r"ref-[A-Za-z0-9_:.-]+", a) for a in anchors)
    assert anchors[0] == "ref-a_3c_b" and anchors[6] == "ref-a__b"
    assert reference_anchor("rizzolatti2004") == "ref-rizzolatti2004"
