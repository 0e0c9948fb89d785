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
