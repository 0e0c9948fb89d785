"""Known bugs of pandoc's Typst writer, worked around before and after it runs (PDF only).

- *Field access after a call* (``**Restart RStudio**.Then`` becomes
  ``#strong[Restart RStudio].Then``, and Typst fails with ``strong does not
  have field "Then"``): :func:`guard_typst_calls` escapes a ``.`` that
  directly follows any element pandoc may write as a Typst function call
  (strong, emph, link, footnote, ``#raw(…)`` …) and precedes a word
  character, so Typst reads text. ``(`` and ``[`` after a call pandoc escapes
  itself.
- *Bars around a matrix*: pandoc writes both ``vmatrix`` and ``Vmatrix`` as
  ``mat(delim: "||", …)``, which Typst rejects ("expected exactly one
  character"). :func:`fix_matrix_bars` rewrites a ``vmatrix`` as
  ``\\left|\\begin{matrix}…\\end{matrix}\\right|`` in the TeX (pandoc then
  writes ``delim: "|"``), and :func:`fix_typst_source` makes the double bar
  that is left (``Vmatrix``) Typst's ``"‖"``.
- *A numbered list in a link*: pandoc writes a link whose text starts with a
  number and a full stop (a reference to a numbered heading, ``1. Introduction``)
  as ``#link(<sec>)[1. Introduction]``, and Typst reads ``1.`` at the start of
  the brackets as a list item: the reference becomes a list of its own lines.
  :func:`guard_link_numbers` escapes that full stop, as pandoc does itself in
  ``#strong[\1. …]``.
"""

from __future__ import annotations

import re

from .tree import Nodes, map_lists

_TEXT_NODES = ("Str", "Space", "SoftBreak", "LineBreak")
_VMATRIX = re.compile(r"\\begin\{vmatrix\}(.*?)\\end\{vmatrix\}", re.S)
_DOUBLE_BAR = 'mat(delim: "||",'
_LIST_NUMBER = re.compile(r"\d+\.")  # a Typst list item's marker, before a space


def fix_typst_tree(blocks: Nodes) -> Nodes:
    """The document body with every tree-level workaround applied."""
    return map_lists(blocks, inlines=lambda inlines: guard_link_numbers(
        guard_typst_calls(fix_matrix_bars(inlines))))


def guard_typst_calls(inlines: Nodes) -> Nodes:
    """Escape a ``.`` + word character directly after an element Typst writes as a call."""
    result: Nodes = []
    for node in inlines:
        previous = result[-1] if result else None
        if (previous is not None and previous.get("t") not in _TEXT_NODES
                and node.get("t") == "Str" and re.match(r"\.\w", node["c"])):
            result.append({"t": "RawInline", "c": ["typst", "\\."]})
            result.append({"t": "Str", "c": node["c"][1:]})
        else:
            result.append(node)
    return result


def guard_link_numbers(inlines: Nodes) -> Nodes:
    """Links whose text opens with ``1.`` and a space with that full stop escaped."""
    result: Nodes = []
    for node in inlines:
        text = node["c"][1] if node.get("t") == "Link" else []
        if (text and text[0].get("t") == "Str" and _LIST_NUMBER.fullmatch(text[0]["c"])
                and (len(text) == 1 or text[1].get("t") in ("Space", "SoftBreak"))):
            raw = {"t": "RawInline", "c": ["typst", text[0]["c"][:-1] + "\\."]}
            node = {"t": "Link", "c": [node["c"][0], [raw, *text[1:]], node["c"][2]]}
        result.append(node)
    return result


def fix_matrix_bars(inlines: Nodes) -> Nodes:
    """Math holding a ``vmatrix`` with the bars written out, so pandoc writes one bar."""
    return [{"t": "Math", "c": [node["c"][0], _VMATRIX.sub(
                r"\\left|\\begin{matrix}\1\\end{matrix}\\right|", node["c"][1])]}
            if node.get("t") == "Math" and "vmatrix" in node["c"][1] else node
            for node in inlines]


def fix_typst_source(source: bytes) -> bytes:
    """Pandoc's Typst output with the double-bar matrix delimiter Typst accepts."""
    return source.replace(_DOUBLE_BAR.encode(), 'mat(delim: "\u2016",'.encode("utf-8"))
