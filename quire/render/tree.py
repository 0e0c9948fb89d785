"""Walking a pandoc JSON document tree: rewriting every list of inlines or of blocks.

Pandoc JSON nodes are ``{"t": type, "c": content}``. An *inline list* is the
content of a paragraph, a heading, an emphasis, a link and so on; a *block
list* is the document's body, a block quotation's, a list item's, a table
cell's, a note's. :func:`map_lists` hands each to a function, innermost first,
and puts back what it returns. Leaves (a word, a space, code, math, raw markup) are
shared with the tree given, never copied: callers must not change them in place.
"""

from __future__ import annotations

from typing import Any, Callable

INLINE_TYPES = frozenset((
    "Str", "Emph", "Underline", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps",
    "Quoted", "Cite", "Code", "Space", "SoftBreak", "LineBreak", "Math", "RawInline", "Link",
    "Image", "Note", "Span"))
BLOCK_TYPES = frozenset((
    "Plain", "Para", "LineBlock", "CodeBlock", "RawBlock", "BlockQuote", "OrderedList",
    "BulletList", "DefinitionList", "Header", "HorizontalRule", "Table", "Figure", "Div"))

Nodes = list[dict[str, Any]]
#: Nodes that hold no inline or block list: handed back as they are, not walked.
LEAF_TYPES = frozenset((
    "Str", "Space", "SoftBreak", "LineBreak", "Code", "Math", "RawInline", "RawBlock",
    "CodeBlock", "HorizontalRule"))


def is_list_of(node: Any, types: frozenset[str]) -> bool:
    """Whether ``node`` is a non-empty list of pandoc nodes of the given types."""
    return (isinstance(node, list) and bool(node)
            and all(isinstance(item, dict) and item.get("t") in types for item in node))


def map_lists(node: Any, inlines: Callable[[Nodes], Nodes] | None = None,
              blocks: Callable[[Nodes], Nodes] | None = None) -> Any:
    """``node`` with every inline list passed through ``inlines`` and every block list
    through ``blocks`` (children first)."""
    if isinstance(node, dict):
        if node.get("t") in LEAF_TYPES:
            return node
        return {key: map_lists(value, inlines, blocks) for key, value in node.items()}
    if not isinstance(node, list) or not node:
        return node
    mapped = [map_lists(item, inlines, blocks) for item in node]
    if inlines is not None and is_list_of(mapped, INLINE_TYPES):
        return inlines(mapped)
    if blocks is not None and is_list_of(mapped, BLOCK_TYPES):
        return blocks(mapped)
    return mapped
