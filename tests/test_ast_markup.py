"""Markup the writers would lose: raw HTML tags, page breaks, Typst field access."""

from __future__ import annotations

import json

from quire.render.ast_markup import (WORD_PAGE_BREAK, html_tags_to_elements, page_breaks,
                                     prepare_tree)


def S(text):  # noqa: N802 - pandoc's node names
    return {"t": "Str", "c": text}


def H(tag):  # noqa: N802
    return {"t": "RawInline", "c": ["html", tag]}


def TEX(text, kind="RawBlock"):  # noqa: N802
    return {"t": kind, "c": ["tex", text]}


def test_tag_pairs_become_elements_nested_and_unmatched_kept():
    inlines = [S("x"), H("<sup>"), S("2"), H("</sup>"), H("<SUB class='a'>"), S("i"),
               H("<b>"), S("j"), H("</b>"), H("</sub>"), H("<br/>"), H("<i>"), S("open"),
               H("<span>"), S("s"), H("</span>")]
    assert html_tags_to_elements(inlines) == [
        S("x"), {"t": "Superscript", "c": [S("2")]},
        {"t": "Subscript", "c": [S("i"), {"t": "Strong", "c": [S("j")]}]},
        {"t": "LineBreak"}, H("<i>"), S("open"), H("<span>"), S("s"), H("</span>")]


def test_same_tag_nested_closes_at_its_own_pair():
    inlines = [H("<sup>"), S("a"), H("<sup>"), S("b"), H("</sup>"), H("</sup>"), S("c")]
    assert html_tags_to_elements(inlines) == [
        {"t": "Superscript", "c": [S("a"), {"t": "Superscript", "c": [S("b")]}]}, S("c")]


def test_page_breaks_at_top_level_and_inside_containers():
    word = {"t": "RawBlock", "c": ["openxml", f"<w:p>{WORD_PAGE_BREAK}</w:p>"]}
    typst = {"t": "RawBlock", "c": ["typst", "#pagebreak()"]}
    blocks = [TEX("\\newpage"), {"t": "Para", "c": [TEX("\\clearpage", "RawInline")]},
              {"t": "Div", "c": [["", [], []], [TEX("\\pagebreak")]]},
              {"t": "Div", "c": [["d", [], []], [TEX("\\newpage")]]},
              {"t": "BlockQuote", "c": [TEX("\\newpage")]},
              {"t": "Para", "c": [S("a"), TEX("\\newpage", "RawInline"), S("b")]},
              {"t": "Para", "c": [S("c"), TEX("\\newline", "RawInline"), S("d")]},
              TEX("\\foo")]
    assert page_breaks(blocks, top=True) == [
        typst, word, typst, word, {"t": "Div", "c": [["", [], []], [typst, word]]},
        {"t": "Div", "c": [["d", [], []], [word]]}, {"t": "BlockQuote", "c": [word]},
        {"t": "Para", "c": [S("a"), {"t": "RawInline", "c": ["openxml", WORD_PAGE_BREAK]},
                            S("b")]},
        {"t": "Para", "c": [S("c"), {"t": "LineBreak"}, S("d")]},
        TEX("\\foo")]


def test_prepare_tree_escapes_for_the_pdf_only():
    tree = {"pandoc-api-version": [1, 23, 1, 1], "meta": {},
            "blocks": [{"t": "Para", "c": [{"t": "Emph", "c": [S("a")]}, S(".b")]}]}
    ast = json.dumps(tree).encode("utf-8")
    assert b'"typst"' in prepare_tree("pdf", ast)
    assert b'"typst"' not in prepare_tree("epub", ast)
    assert b'"typst"' not in prepare_tree("docx", ast)


def test_many_unclosed_tags_take_linear_time():
    import time

    inlines = [H("<sup>"), S("x")] * 50_000
    start = time.perf_counter()
    assert html_tags_to_elements(inlines) == inlines
    assert time.perf_counter() - start < 10  # one pass: under a second (quadratic: minutes)


def test_crossing_pairs_keep_the_first_and_leave_the_other_raw():
    inlines = [H("<b>"), S("a"), H("<i>"), S("b"), H("</b>"), S("c"), H("</i>")]
    assert html_tags_to_elements(inlines) == [
        {"t": "Strong", "c": [S("a"), H("<i>"), S("b")]}, S("c"), H("</i>")]


def test_div_attributes_xhtml_forbids_there_become_data_attributes():
    from quire.render.ast_markup import data_attributes

    div = {"t": "Div", "c": [["thm", ["theorem"], [["name", "Pythagoras"], ["lang", "en"]]],
                             [{"t": "Para", "c": [{"t": "Span", "c": [["", [], [["type", "x"]]],
                                                                      []]}]}]]}
    done = data_attributes([div])[0]
    assert done["c"][0] == ["thm", ["theorem"], [["data-name", "Pythagoras"], ["lang", "en"]]]
    assert done["c"][1][0]["c"][0]["c"][0][2] == [["data-type", "x"]]
