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


# --- groups, modes, locators and columns (issue 15: tests that kill mutants) ---

from quire.citations.syntax import find_citation_groups, mask, parse_locator  # noqa: E402


def groups(text: str):
    return find_citation_groups(text, Path("c.md"), first_line=3)


def item_fields(item) -> tuple:
    return (item.key, item.prefix, item.suffix, item.locator, item.suppress_author)


def test_a_bracketed_group_holds_its_items_with_prefixes_suffixes_and_locators():
    text = "As [see @a, p. 12, and more; -@b; @c, chap. 2] said."
    (group,) = groups(text)
    assert not group.narrative
    assert text[group.start:group.end] == "[see @a, p. 12, and more; -@b; @c, chap. 2]"
    assert [item_fields(i) for i in group.items] == [
        ("a", "see", ", and more", ("page", "12"), False),
        ("b", "", "", None, True),
        ("c", "", "", ("chapter", "2"), False),
    ]
    assert [(i.location.path, i.location.line, i.location.column) for i in group.items] == [
        (Path("c.md"), 3, text.index("@a") + 1), (Path("c.md"), 3, text.index("-@b") + 1),
        (Path("c.md"), 3, text.index("@c") + 1)]


def test_the_narrative_locator_belongs_to_the_narrative_citation():
    text = "Then @jones2021 [p. 33, and passim] argued, as @smith2020 did."
    first, second = groups(text)
    assert first.narrative and second.narrative
    assert text[first.start:first.end] == "@jones2021 [p. 33, and passim]"
    assert item_fields(first.items[0]) == ("jones2021", "", ", and passim", ("page", "33"), False)
    assert text[second.start:second.end] == "@smith2020"
    assert item_fields(second.items[0]) == ("smith2020", "", "", None, False)


def test_a_narrative_citation_with_a_bracketed_remark_that_is_no_locator():
    (group,) = groups("So @k [for a review] holds.")
    assert group.narrative and item_fields(group.items[0]) == ("k", "", " for a review", None,
                                                                 False)


def test_narrative_and_parenthetical_citations_side_by_side():
    text = "[@smith2020]@jones2021 and [@lee2019, 7]."
    assert [(g.narrative, [i.key for i in g.items], text[g.start:g.end]) for g in groups(text)] == [
        (False, ["smith2020"], "[@smith2020]"), (True, ["jones2021"], "@jones2021"),
        (False, ["lee2019"], "[@lee2019, 7]")]


def test_citations_after_inline_code_and_urls_keep_their_columns_and_locators():
    text = ("Run `x = f(1)` then @jones2021 [p. 33] (see https://example.org/a?b=1 and "
            "<https://x.org/y>) then [@smith2020, p. 4].")
    first, second = groups(text)
    assert (first.items[0].key, first.items[0].location.column) == (
        "jones2021", text.index("@jones2021") + 1)
    assert first.items[0].locator == ("page", "33")
    assert text[first.start:first.end] == "@jones2021 [p. 33]"
    assert (second.items[0].key, second.items[0].location.column) == (
        "smith2020", text.index("@smith2020") + 1)
    assert second.items[0].locator == ("page", "4")
    assert text[second.start:second.end] == "[@smith2020, p. 4]"


def test_citations_after_fenced_code_keep_their_lines_and_columns():
    text = ("Before @a.\n"
            "~~~ python\n@not_a_citation = 1\n```\n@nor_this\n~~~~\n"
            "After the fence, @b [p. 2].\n"
            "````\n```\n@inside\n```\n````\n"
            "And `@code` then @c.")
    found = [(i.key, i.location.line, i.location.column, i.locator)
             for g in groups(text) for i in g.items]
    lines = text.split("\n")
    assert found == [("a", 3, 8, None), ("b", 9, lines[6].index("@b") + 1, ("page", "2")),
                     ("c", 15, lines[12].rindex("@c") + 1, None)]


def test_mask_blanks_code_and_urls_in_place():
    text = "A `code` and https://x.org/@a here\n~~~\nfenced\n~~~\nend"
    masked = mask(text)
    assert len(masked) == len(text) and masked.count("\n") == text.count("\n")
    blank_fence = "\n   \n      \n   \nend"
    assert masked == "A " + " " * len("`code`") + " and " + " " * len("https://x.org/@a") + \
        " here" + blank_fence
    assert mask(text, urls=False) == "A " + " " * len("`code`") + " and https://x.org/@a here" + \
        blank_fence


def test_bare_numbers_are_pages_and_other_bare_words_are_suffixes():
    assert parse_locator(", 33") == (("page", "33"), "")
    assert parse_locator(", 7") == (("page", "7"), "")
    assert parse_locator(", 33 and passim") == (("page", "33"), " and passim")
    assert parse_locator(", xii") == (None, ", xii")
    assert parse_locator(" Xenophon") == (None, " Xenophon")
    assert parse_locator(", p. 3 Xenophon") == (("page", "3"), " Xenophon")


def test_labels_with_and_without_a_period():
    assert parse_locator(", page 7") == (("page", "7"), "")
    assert parse_locator(", p.7") == (("page", "7"), "")
    assert parse_locator(", pages 7-9") == (("page", "7-9"), "")
    assert parse_locator(", chapter 4") == (("chapter", "4"), "")
    assert parse_locator(", section 4, emphasis added") == (("section", "4"), ", emphasis added")


def test_every_locator_term():
    expected = {
        "bk.": "book", "books": "book", "chap.": "chapter", "ch.": "chapter",
        "col.": "column", "columns": "column", "fig.": "figure", "figure": "figure",
        "fol.": "folio", "folios": "folio", "l.": "line", "lines": "line", "n.": "note",
        "notes": "note", "op.": "opus", "opus": "opus", "p.": "page", "pp.": "page",
        "para.": "paragraph", "paragraphs": "paragraph", "\u00b6": "paragraph",
        "pt.": "part", "parts": "part", "sec.": "section", "sections": "section",
        "\u00a7": "section", "\u00a7\u00a7": "section", "v.": "verse", "verses": "verse",
        "vol.": "volume", "volumes": "volume",
    }
    found = {term: parse_locator(f", {term} 12") for term in expected}
    assert found == {term: ((label, "12"), "") for term, label in expected.items()}
    assert parse_locator(", vol. iv") == (("volume", "iv"), "")


def test_text_starts_at_line_one_of_its_file_unless_told():
    (citation,) = find_citations("x\n[@k]", Path("ch.md"))
    assert (citation.location.path, citation.location.line, citation.location.column) == (
        Path("ch.md"), 2, 2)
    (group,) = find_citation_groups("@k", Path("ch.md"))
    assert group.items[0].location == citation.location.__class__(Path("ch.md"), 1, 1)
