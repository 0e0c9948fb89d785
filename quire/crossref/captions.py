"""Numbered captions in the parsed book (pandoc's JSON tree), the same for every format.

Assembly gives each labelled figure, table and equation the attribute
``quire-label="Figure 3.2"`` (``"(3.2)"`` for an equation). This pass, run
once on the tree every format is rendered from, turns it into the caption:

- ``apa`` (the default): the label in bold, a line break, the title in
  italics (APA 7: "**Figure 3.2**" above "*Title*");
- ``plain``: "Figure 3.2: Title" on one line.

A Quarto figure written as a div (``::: {#fig-x}`` holding the image, its last
paragraph the caption) becomes a real figure; a figure's id moves to a div
around it (see :func:`_anchored`); an equation gets its number
beside it, inside the formula (``x = y \\qquad (3.2)``), so MathML, Word and
Typst all show it. The attribute is removed, so no output carries it.
"""

from __future__ import annotations

from typing import Any

from ..render.tree import LEAF_TYPES

LABEL = "quire-label"
STYLE_KEY = "quire-captions"
Node = dict[str, Any]


def number_blocks(blocks: list[Node], style: str) -> list[Node]:
    """``blocks`` with every ``quire-label`` turned into its caption in the ``style`` of
    ``book.yaml``'s ``crossref.captions`` (the blocks are changed)."""
    return _walk(blocks, style)


def _walk(node: Any, style: str) -> Any:
    if isinstance(node, list):
        return [_walk(item, style) for item in node]
    if not isinstance(node, dict) or "t" not in node or node["t"] in LEAF_TYPES:
        return node
    if "c" in node:
        node["c"] = _walk(node["c"], style)
    kind = node["t"]
    if kind == "Figure":
        label = _take_label(node["c"][0]) or _image_label(node["c"][2])
        if label:
            node["c"][1] = _caption(node["c"][1], label, style)
            return _anchored(node)
    elif kind == "Table":
        label = _take_label(node["c"][0])
        if label:
            node["c"][1] = _caption(node["c"][1], label, style)
    elif kind == "Div":
        label = _take_label(node["c"][0])
        if label and "listing" in node["c"][0][1]:  # a code block's caption, on its own
            inlines = [i for b in node["c"][1] if b.get("t") in ("Plain", "Para") for i in b["c"]]
            node["c"][1] = [{"t": "Plain", "c": caption_inlines(label, inlines, style)}]
        elif label:
            return _labelled_div(node, label, style)
    elif kind == "CodeBlock":
        label = _take_label(node["c"][0])
        if label:  # ```{#lst:x caption="…"}: the caption above the code, the id on a div
            ident, classes, pairs = node["c"][0]
            words = next((v for k, v in pairs if k == "caption"), "").split()
            text = [part for index, word in enumerate(words)
                    for part in ([{"t": "Space"}] if index else []) + [{"t": "Str", "c": word}]]
            node["c"][0] = ["", classes, [(k, v) for k, v in pairs if k != "caption"]]
            caption = {"t": "Para", "c": caption_inlines(label, text, style)}
            return {"t": "Div", "c": [[ident, ["listing"], []], [caption, node]]}
    elif kind == "Span":
        label = _take_label(node["c"][0])
        if label:
            for inline in node["c"][1]:
                if inline.get("t") == "Math" and inline["c"][0].get("t") == "DisplayMath":
                    inline["c"][1] = inline["c"][1].rstrip() + f" \\qquad {label}"
    return node


def _take_label(attr: list) -> str | None:
    """The ``quire-label`` of an attribute triple, removed from it."""
    pairs = attr[2]
    for index, (key, value) in enumerate(pairs):
        if key == LABEL:
            del pairs[index]
            return value
    return None


def _image_label(blocks: list) -> str | None:
    """A figure's label given on its image (``![cap](x.png){#fig-x}``: pandoc keeps it there)."""
    for block in blocks:
        for inline in block.get("c", []) if block.get("t") in ("Plain", "Para") else []:
            if inline.get("t") == "Image":
                found = _take_label(inline["c"][0])
                if found:
                    return found
    return None


def _caption(caption: list, label: str, style: str) -> list:
    """A pandoc Caption with its label set before the author's text."""
    inlines: list = []
    for block in caption[1]:
        if block.get("t") in ("Plain", "Para"):
            inlines += ([{"t": "Space"}] if inlines else []) + block["c"]
    return [caption[0], [{"t": "Plain", "c": caption_inlines(label, inlines, style)}]]


def caption_inlines(label: str, text: list, style: str) -> list:
    """The inlines of a numbered caption in the book's style."""
    if style == "plain":
        return [{"t": "Str", "c": label + (":" if text else "")}] + (
            [{"t": "Space"}] + text if text else [])
    strong = [{"t": "Strong", "c": [{"t": "Str", "c": label}]}]
    return strong + ([{"t": "LineBreak"}, {"t": "Emph", "c": text}] if text else [])


def _labelled_div(div: Node, label: str, style: str) -> Node:
    """A Quarto figure or table div: the table's caption, or a figure from image and caption."""
    attr, blocks = div["c"]
    tables = [b for b in blocks if b.get("t") == "Table"]
    if tables:
        tables[0]["c"][1] = _caption(tables[0]["c"][1], label, style)
        return div
    if len(blocks) == 1 and blocks[0].get("t") == "Figure":  # ::: {#fig-x} ![Caption](x) :::
        figure = blocks[0]
        figure["c"][0] = attr
        figure["c"][1] = _caption(figure["c"][1], label, style)
        return _anchored(figure)
    if len(blocks) > 1 and blocks[-1].get("t") == "Para":
        body, caption_blocks = blocks[:-1], [blocks[-1]]
    else:
        body, caption_blocks = blocks, []
    caption = _caption([None, caption_blocks], label, style)
    return _anchored({"t": "Figure", "c": [attr, caption, body]})


def _anchored(figure: Node) -> Node:
    """The figure inside a div that carries its id: pandoc's EPUB writer does not know a
    figure's own id when it points links at the chapter file holding it."""
    ident, classes, pairs = figure["c"][0]
    figure["c"][0] = ["", classes, pairs]
    return {"t": "Div", "c": [[ident, [], []], [figure]]}
