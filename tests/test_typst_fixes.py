"""Workarounds for pandoc's Typst writer: field access after a call, bars around a matrix,
a numbered list in a link."""

from __future__ import annotations

import json
import subprocess

import pytest

from quire.render.pandoc import pandoc_binary
from quire.render.typst_fixes import (fix_matrix_bars, fix_typst_source, fix_typst_tree,
                                      guard_typst_calls)


def S(text):  # noqa: N802 - pandoc's node names
    return {"t": "Str", "c": text}


def test_a_dot_and_word_after_a_call_is_escaped_for_typst():
    strong = {"t": "Strong", "c": [S("Restart")]}
    code = {"t": "Code", "c": [["", [], []], "a`b"]}
    assert guard_typst_calls([strong, S(".Then"), code, S(".x"), S("a"), S(".b"), strong,
                              S(". next"), strong, S("(x)")]) == [
        strong, {"t": "RawInline", "c": ["typst", "\\."]}, S("Then"), code,
        {"t": "RawInline", "c": ["typst", "\\."]}, S("x"), S("a"), S(".b"), strong,
        S(". next"), strong, S("(x)")]


def _typst(markdown: str) -> bytes:
    """Markdown through pandoc's reader, the tree fixes, the Typst writer and the source fix."""
    tree = json.loads(subprocess.run([pandoc_binary(), "-f", "markdown", "-t", "json"],
                                     input=markdown, capture_output=True, text=True,
                                     check=True).stdout)
    tree["blocks"] = fix_typst_tree(tree["blocks"])
    out = subprocess.run([pandoc_binary(), "-f", "json", "-t", "typst"],
                         input=json.dumps(tree).encode("utf-8"), capture_output=True,
                         check=True).stdout
    return fix_typst_source(out)


@pytest.mark.parametrize("markdown,text", [
    ("**Restart RStudio**.Then go, *a*.b1, [l](https://x.org).y, `a``b`.z, ^s^.q",
     "Restart RStudio.Then go, a.b1, l.y, a``b.z, s.q"),
    ("**a**(b) **c**[d] **e**. F", "a(b) c[d] e. F"),
    ("As in [1. Introduction](https://x.org). [12.](https://y.org) [3.1 Aims](https://z.org)",
     "As in 1. Introduction. 12. 3.1 Aims"),  # not a list of its own lines
])
def test_inline_calls_followed_by_text_compile(markdown, text):
    import typst
    from pypdf import PdfReader
    import io

    pdf = typst.compile(_typst(markdown))
    assert " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split()) == text


def test_matrix_bars_compile_single_and_double():
    import typst

    source = _typst("$$\\begin{vmatrix}a & b\\\\c & d\\end{vmatrix} = "
                    "\\begin{Vmatrix}x\\end{Vmatrix}$$")
    assert 'mat(delim: "|", a, b; c, d)' in source.decode()
    assert 'mat(delim: "\u2016", x)' in source.decode()
    assert typst.compile(source).startswith(b"%PDF")


def test_other_math_is_untouched():
    math = {"t": "Math", "c": [{"t": "InlineMath"}, "\\begin{pmatrix}a\\end{pmatrix}"]}
    assert fix_matrix_bars([math]) == [math]
