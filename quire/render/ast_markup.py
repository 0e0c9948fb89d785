"""Markup pandoc's writers would lose, rewritten in the document tree before each format.

- *Raw HTML inline tags* (``<sup>``, ``<sub>``, ``<b>``/``<strong>``,
  ``<i>``/``<em>``, ``<u>``/``<ins>``, ``<s>``/``<del>``/``<strike>``, and
  ``<br>``): pandoc keeps them as raw HTML, which only the EPUB shows.
  :func:`html_tags_to_elements` turns each matched pair into pandoc's own
  element (Superscript, Subscript, Strong …), so every format shows it.
- *Line breaks* (``\\newline``, ``\\linebreak``): pandoc's own line break.
- *Page breaks* (``\\newpage``, ``\\clearpage``, ``\\pagebreak``, raw LaTeX):
  :func:`page_breaks` makes each a Typst ``#pagebreak()`` and a Word page
  break; the EPUB writer drops both. Typst allows page breaks only outside
  containers, so one inside a block quotation, list, note, table or a div
  with an id breaks the page in the DOCX only.
:func:`prepare_tree` applies what a format needs: these, table widths
(:mod:`quire.render.ast_tables`) and, for the PDF, the workarounds for
pandoc's Typst writer (:mod:`quire.render.typst_fixes`).
"""

from __future__ import annotations

import json
import re
from typing import Any

from .ast_tables import fit_columns
from .tree import LEAF_TYPES, Nodes, map_lists
from .typst_fixes import fix_typst_tree

_TAG_ELEMENTS = {"sup": "Superscript", "sub": "Subscript", "b": "Strong", "strong": "Strong",
                 "i": "Emph", "em": "Emph", "u": "Underline", "ins": "Underline",
                 "s": "Strikeout", "del": "Strikeout", "strike": "Strikeout"}
_OPEN = re.compile(r"^<(?P<name>[A-Za-z]+)(?:\s[^<>]*)?>$")
_CLOSE = re.compile(r"^</(?P<name>[A-Za-z]+)\s*>$")
_BREAK_TAG = re.compile(r"^<br\s*/?>$", re.I)
_PAGE_BREAK = re.compile(r"^\\(?:newpage|clearpage|pagebreak)(?:\{\}|\[\d\])?$")
_LINE_BREAK = re.compile(r"^\\(?:newline|linebreak)(?:\{\}|\[\d\])?$")
_TEX = ("tex", "latex")
WORD_PAGE_BREAK = '<w:r><w:br w:type="page"/></w:r>'


def prepare_tree(fmt: str, ast: bytes) -> bytes:
    """The document tree as format ``fmt`` should receive it."""
    tree = json.loads(ast)
    tree["blocks"] = prepare_blocks(fmt, tree["blocks"])
    return json.dumps(tree, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def prepare_part(fmt: str, body: bytes) -> bytes:
    """One part's blocks (JSON items, as :class:`~quire.model.ParsedBook` keeps them) as
    format ``fmt`` should receive them."""
    blocks = prepare_blocks(fmt, json.loads(b"[" + body + b"]"))
    return json.dumps(blocks, ensure_ascii=False, separators=(",", ":")).encode("utf-8")[1:-1]


def prepare_blocks(fmt: str, blocks: Nodes) -> Nodes:
    """Top-level ``blocks`` as format ``fmt`` should receive them."""
    blocks = page_breaks(blocks, top=True)
    blocks = fit_columns(map_lists(blocks, inlines=html_tags_to_elements))
    if fmt == "pdf":
        blocks = fix_typst_tree(blocks)
    if fmt == "epub":
        blocks = data_attributes(blocks)
    return blocks


#: Attributes authors give divs and spans that XHTML allows on other elements only
#: (bookdown's ``::: {.theorem name="Pythagoras"}``): pandoc writes them as they are,
#: and EPUBCheck rejects the file. In the EPUB they become ``data-`` attributes.
_NOT_ON_DIVS = frozenset({"name", "type", "value", "for", "href", "src"})


def data_attributes(node: Any) -> Any:
    """The tree with :data:`_NOT_ON_DIVS` attributes of divs and spans as ``data-…``."""
    if isinstance(node, list):
        return [data_attributes(item) for item in node]
    if not isinstance(node, dict) or node.get("t") in LEAF_TYPES:
        return node
    if node.get("t") in ("Div", "Span"):
        (ident, classes, pairs), content = node["c"]
        pairs = [[f"data-{k}" if k in _NOT_ON_DIVS else k, v] for k, v in pairs]
        return {"t": node["t"], "c": [[ident, classes, pairs], data_attributes(content)]}
    if "c" in node:
        return {**node, "c": data_attributes(node["c"])}
    return node


def _raw_text(node: dict[str, Any], kind: str) -> str | None:
    if node.get("t") == kind and node["c"][0] in _TEX:
        return node["c"][1].strip()
    return None


def _is_page_break(node: dict[str, Any], kind: str) -> bool:
    text = _raw_text(node, kind)
    return text is not None and _PAGE_BREAK.match(text) is not None


def page_breaks(blocks: Nodes, *, top: bool) -> Nodes:
    """``blocks`` with raw-LaTeX page breaks made Typst (outside containers) and Word ones."""
    result: Nodes = []
    for block in blocks:
        if _is_page_break(block, "RawBlock") or _lone_page_break(block):
            if top:
                result.append({"t": "RawBlock", "c": ["typst", "#pagebreak()"]})
            result.append({"t": "RawBlock", "c": ["openxml", f"<w:p>{WORD_PAGE_BREAK}</w:p>"]})
        elif block.get("t") == "Div":
            attr, content = block["c"]
            result.append({"t": "Div", "c": [attr, page_breaks(content, top=top and not attr[0])]})
        else:
            result.append(map_lists(block, inlines=_inline_page_breaks,
                                    blocks=lambda inner: page_breaks(inner, top=False)))
    return result


def _lone_page_break(block: dict[str, Any]) -> bool:
    """A paragraph holding nothing but one raw page break."""
    return (block.get("t") in ("Para", "Plain") and len(block["c"]) == 1
            and _is_page_break(block["c"][0], "RawInline"))


def _inline_page_breaks(inlines: Nodes) -> Nodes:
    """Page breaks inside a paragraph (DOCX only) and ``\\newline`` as a line break."""
    result = []
    for node in inlines:
        text = _raw_text(node, "RawInline")
        if text is not None and _PAGE_BREAK.match(text):
            result.append({"t": "RawInline", "c": ["openxml", WORD_PAGE_BREAK]})
        elif text is not None and _LINE_BREAK.match(text):
            result.append({"t": "LineBreak"})
        else:
            result.append(node)
    return result


def html_tags_to_elements(inlines: Nodes) -> Nodes:
    """Matched raw HTML tag pairs in one inline list as pandoc elements."""
    closing = _pairs(inlines)
    result: Nodes = []
    index = 0
    while index < len(inlines):
        node = inlines[index]
        html = _html(node)
        if html is not None and _BREAK_TAG.match(html):
            result.append({"t": "LineBreak"})
        elif index in closing:
            end = closing[index]
            name = _OPEN.match(html or "").group("name").lower()  # type: ignore[union-attr]
            result.append({"t": _TAG_ELEMENTS[name],
                           "c": html_tags_to_elements(inlines[index + 1:end])})
            index = end
        else:
            result.append(node)
        index += 1
    return result


def _html(node: dict[str, Any]) -> str | None:
    if node.get("t") == "RawInline" and node["c"][0] == "html":
        return node["c"][1].strip()
    return None


def _pairs(inlines: Nodes) -> dict[int, int]:
    """Opening index -> closing index of the outermost matched tag pairs (one pass, a stack
    per tag name; a pair crossing one taken before is left as raw HTML)."""
    stacks: dict[str, list[int]] = {}
    pairs: dict[int, int] = {}
    for index, node in enumerate(inlines):
        html = _html(node)
        if html is None:
            continue
        opening, closing = _OPEN.match(html), _CLOSE.match(html)
        if opening and opening.group("name").lower() in _TAG_ELEMENTS:
            stacks.setdefault(opening.group("name").lower(), []).append(index)
        elif closing and stacks.get(closing.group("name").lower()):
            pairs[stacks[closing.group("name").lower()].pop()] = index
    outermost: dict[int, int] = {}
    reach = -1
    for start in sorted(pairs):  # pairs inside a taken pair are handled by the recursion
        if start > reach:
            outermost[start] = reach = pairs[start]
    return outermost


