"""The citation engine: citeproc-py, driven by the CSL style, with its gaps closed.

citeproc-py renders one parenthetical citation and one bibliography entry at a
time. What it lacks is built here on top of it, each time from the style's
own XML and the locale's terms (no style's wording is written in Python):

- *author-in-text* (``@key``) and *suppress-author* (``[-@key]``): two variants
  of the style are derived from its XML. In the citation layout, every macro
  call is first replaced by the macro's body (styles hide the author in
  macros, some in one that renders author and date together); then the
  suppress-author variant drops every ``<names>``, and the author-only variant
  keeps only the ``<names>``, with ``and="symbol"`` turned into ``and="text"``
  (running text says "and", the locale's term; parentheses keep "&").
- *disambiguation* (:mod:`~.disambiguation` decides it from the citation
  element's attributes): names added, initials, and for the works still
  alike "a", "b", ... in bibliography order, through the ``year-suffix``
  variable, so the style decides where the letter goes.
- ``collapse="year"``: consecutive works by the same names are joined with
  ``cite-group-delimiter`` ("Koriat, 2008a, 2008b").
- the bibliography is sorted with the style's ``<sort>``; doubled punctuation
  is collapsed; a URL is not introduced by the "retrieved" term when the work
  has no access date (CSL styles write "Retrieved <date>, from"; with no date
  the term is left dangling); a comma or period after a closing quote moves
  inside it when the locale's ``punctuation-in-quote`` is true.

Items are CSL-JSON dicts keyed by citation key. Output is Pandoc Markdown:
each cited work's text links to ``#ref-<key>``, its reference-list entry.
"""

from __future__ import annotations

import copy
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from . import citeproc_fixes
from .disambiguation import Choice, Rules, applied, decide
from .keys import reference_anchor
from .markdown import GT, LT, html_to_markdown

NS = "http://purl.org/net/xbiblio/csl"
C = f"{{{NS}}}"
_OPEN, _MID, _CLOSE = "\ue010", "\ue011", "\ue012"
_PIECE = re.compile(_OPEN + r"(\d+)" + _MID + "(.*?)" + _CLOSE, re.S)


@dataclass(frozen=True)
class Cite:
    """One work to cite, as the engine needs it (see :class:`~.syntax.CiteItem`)."""

    key: str
    prefix: str = ""
    suffix: str = ""
    locator: tuple[str, str] | None = None
    suppress_author: bool = False


class _Variant:
    """citeproc-py loaded with one variant of the style, every cited item registered."""

    def __init__(self, xml: bytes, items: list[dict[str, Any]]) -> None:
        from citeproc import (Citation, CitationItem, CitationStylesBibliography,
                              CitationStylesStyle, formatter)
        from citeproc.source.json import CiteProcJSON

        self.style = CitationStylesStyle(io.BytesIO(xml), validate=False)
        self.bibliography = CitationStylesBibliography(self.style, CiteProcJSON(items),
                                                       formatter.html)
        for item in items:
            self.bibliography.register(Citation([CitationItem(item["id"].lower())]))
        self.bibliography.sort()

    def cite(self, cites: list[tuple[str, Cite | None]]) -> str:
        """Render one citation of (key, cite) pairs; the cite's locator is used if given."""
        from citeproc import Citation, CitationItem, Locator

        citation_items = []
        for index, (key, cite) in enumerate(cites):
            options: dict[str, Any] = {"prefix": f"{_OPEN}{index}{_MID}", "suffix": _CLOSE}
            if cite is not None and cite.locator is not None:
                options["locator"] = Locator(*cite.locator)
            citation_items.append(CitationItem(key.lower(), **options))
        citation = Citation(citation_items)
        self.bibliography.register(citation)
        return str(self.bibliography.cite(citation, lambda item: None))


class CitationEngine:
    """Formats every citation and the reference list of one book with one CSL style."""

    def __init__(self, style: Path, items: dict[str, dict[str, Any]]) -> None:
        citeproc_fixes.apply()
        self._memo: dict[tuple[int, tuple[Cite, ...]], list[tuple[int, str]]] = {}
        self._rendered: list[tuple[str, str]] | None = None
        self.keys = {key.lower(): key for key in items}
        tree = etree.parse(str(style))
        citation = tree.getroot().find(f"{C}citation")
        if citation is None:
            raise ValueError("the style has no <citation>")
        self.layout_prefix, self.layout_suffix, self.delimiter = (
            _attr(citation, "layout", "prefix"), _attr(citation, "layout", "suffix"),
            _attr(citation, "layout", "delimiter"))
        self.collapse = citation.get("collapse", "")
        self.group_delimiter = citation.get("cite-group-delimiter", ", ")
        data = [_for_citeproc(key, item) for key, item in sorted(items.items())]
        self.choices: dict[str, Choice] = {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.normal = _Variant(etree.tostring(tree), data)
            data = self._disambiguate(tree, Rules.of(citation, _layout(tree)[1]), data)
            self.items = {item["id"]: item for item in data}
            self.suppressed = _Variant(_suppress_author(tree), data)
            self.author_only = _Variant(_author_only(tree), data)
            self.retrieved = _term(self.normal, "retrieved")
            self.quote_punctuation = _quote_punctuation(self.normal)

    def _disambiguate(self, tree: etree._ElementTree, rules: Rules,
                      data: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Decide :attr:`choices`; the works still alike get year suffixes in list order
        (and :attr:`normal` is made again with them)."""
        if not (rules.add_names or rules.add_givenname or rules.add_year_suffix):
            return data
        variant = self.normal

        def render(key: str, choices: dict[str, Choice]) -> str:
            with applied(choices):
                return variant.cite([(key, None)])

        self.choices, alike = decide(rules, {item["id"].lower(): item for item in data},
                                     list(variant.bibliography.keys), render)
        letters = {self.keys[key]: chr(ord("a") + i)
                   for keys in alike for i, key in enumerate(keys)}
        if not letters:
            return data
        data = [dict(item, **{"year-suffix": letters[item["id"]]}) if item["id"] in letters
                else item for item in data]
        self.normal = _Variant(etree.tostring(tree), data)
        return data

    # -- citations -----------------------------------------------------------

    def cite(self, cites: list[Cite], narrative: bool = False) -> str:
        """One citation group as Markdown, each work linked to its reference."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if narrative:
                return self._narrative(cites[0])
            return self._parenthetical(cites)

    def _pieces(self, variant: _Variant, cites: list[Cite]) -> list[tuple[int, str]]:
        """(index in ``cites``, Markdown) of each work, in the order the style sorts them."""
        memo_key = (id(variant), tuple(cites))
        if memo_key not in self._memo:
            self._memo[memo_key] = self._render_pieces(variant, cites)
        return self._memo[memo_key]

    def _render_pieces(self, variant: _Variant, cites: list[Cite]) -> list[tuple[int, str]]:
        with applied(self.choices):
            html = variant.cite([(c.key, c) for c in cites])
        markdown = self._punctuate(html_to_markdown(html))
        return [(int(i), text.strip()) for i, text in _PIECE.findall(markdown)]

    def _punctuate(self, markdown: str) -> str:
        """A comma or period after a closing quote goes inside it, if the locale says so."""
        if self.quote_punctuation is None:
            return markdown
        return self.quote_punctuation.sub(r"\2\1", markdown)

    def _parenthetical(self, cites: list[Cite]) -> str:
        # A prefix on the first work typed and a suffix on the last introduce and close the
        # whole parenthesis ("see ...; ..., for a review"): they stay in place when sorted.
        lead = cites[0].prefix if len(cites) > 1 else ""
        tail = cites[-1].suffix if len(cites) > 1 else ""
        if len(cites) > 1:
            cites = [Cite(c.key, "" if i == 0 else c.prefix,
                          "" if i == len(cites) - 1 else c.suffix, c.locator, c.suppress_author)
                     for i, c in enumerate(cites)]
        ordered = self._pieces(self.normal, cites)
        parts: list[str] = []
        previous_author = None
        for index, text in ordered:
            cite = cites[index]
            if cite.suppress_author:
                text = self._pieces(self.suppressed, [cite])[0][1]
            author = self._author(cite.key)
            collapsed = (self.collapse.startswith("year") and parts and not cite.prefix
                         and not cite.suppress_author and author == previous_author)
            if collapsed:
                text = self._pieces(self.suppressed, [cite])[0][1]
            linked = self._decorate(cite, text)
            if collapsed:
                parts[-1] = (parts[-1][0], parts[-1][1] + self.group_delimiter + linked)
            else:
                parts.append((author, linked))
            previous_author = author
        body = (f"{lead} " if lead else "") + self.delimiter.join(t for _, t in parts) + tail
        return _escape(self.layout_prefix) + body + _escape(self.layout_suffix)

    def _narrative(self, cite: Cite) -> str:
        author = self._author(cite.key)
        rest = self._pieces(self.suppressed, [cite])[0][1]
        rest = _escape(self.layout_prefix) + rest + cite.suffix + _escape(self.layout_suffix)
        return f"[{author} {rest}](#{reference_anchor(cite.key)})"

    def short_form(self, key: str) -> str:
        """The work's parenthetical citation without its parentheses: "Rizzolatti & Craighero, 2004"."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return self._pieces(self.normal, [Cite(key)])[0][1]

    def _author(self, key: str) -> str:
        return self._pieces(self.author_only, [Cite(key)])[0][1]

    @staticmethod
    def _decorate(cite: Cite, text: str) -> str:
        prefix = f"{cite.prefix} " if cite.prefix else ""
        return f"{prefix}[{text}](#{reference_anchor(cite.key)}){cite.suffix}"

    # -- the reference list ----------------------------------------------------

    def bibliography(self, keys: list[str]) -> list[tuple[str, str]]:
        """(key, Markdown entry) for ``keys``, in the order the style sorts them."""
        wanted = {k.lower() for k in keys}
        return [(key, text) for key, text in self._entries() if key.lower() in wanted]

    def _entries(self) -> list[tuple[str, str]]:
        """Every item's entry, sorted, rendered once (items do not change after ``__init__``)."""
        if self._rendered is None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                entries = [str(e) for e in self.normal.bibliography.bibliography()]
            self._rendered = []
            for lowered, entry in zip(self.normal.bibliography.keys, entries):
                key = self.keys[lowered]
                text = self._punctuate(html_to_markdown(entry))
                if self.retrieved and "accessed" not in self.items[key]:
                    text = re.sub(rf"(?i)\b{re.escape(self.retrieved)}\s+(?=<https?://)", "",
                                  text)
                self._rendered.append((key, text))
        return self._rendered


def _attr(citation: etree._Element, child: str, name: str) -> str:
    element = citation.find(f"{C}{child}")
    return element.get(name, "") if element is not None else ""


def _escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>])", r"\\\1", text)


def _for_citeproc(key: str, item: dict[str, Any]) -> dict[str, Any]:
    """The item as citeproc-py takes it: its key as id, ``<``/``>`` protected, no year suffix."""
    clean = {k: (v.replace("<", LT).replace(">", GT) if isinstance(v, str) else v)
             for k, v in item.items() if k not in ("custom", "year-suffix")}
    clean["id"] = key
    return clean


#: Attributes a ``<text macro>`` call may carry that a ``<group>`` also takes.
_GROUP_ATTRIBUTES = ("prefix", "suffix", "display", "font-style", "font-variant", "font-weight",
                     "text-decoration", "vertical-align")


def _inline_macros(element: etree._Element, macros: dict[str, etree._Element],
                   depth: int = 0) -> None:
    """Replace each macro call under ``element`` (outside ``<names>``) by the macro's body.

    Styles hide the author inside macros ("author-short", or Chicago's
    "citation-author-date-item" that renders author and date together);
    inlined, every ``<names>`` of the citation layout can be found and cut.
    """
    if depth > 20:  # CSL forbids recursive macros; a style that has them is left as it is
        return
    for child in list(element):
        if child.tag == f"{C}names":
            continue
        name = child.get("macro")
        if child.tag == f"{C}text" and name in macros:
            group = etree.Element(f"{C}group", {k: v for k, v in child.attrib.items()
                                                if k in _GROUP_ATTRIBUTES})
            group.extend(copy.deepcopy(item) for item in macros[name])
            element.replace(child, group)
            _inline_macros(group, macros, depth + 1)
        else:
            _inline_macros(child, macros, depth)


def _layout(tree: etree._ElementTree) -> tuple[etree._Element, etree._Element]:
    """A copy of the style, and its citation layout with every macro call inlined."""
    root = etree.fromstring(etree.tostring(tree))
    macros = {m.get("name"): m for m in root.findall(f"{C}macro")}
    layout = root.find(f"{C}citation/{C}layout")
    _inline_macros(layout, macros)
    return root, layout


def _suppress_author(tree: etree._ElementTree) -> bytes:
    """The style with the citation's names removed: "(2004, p. 12)"."""
    root, layout = _layout(tree)
    for names in list(layout.iter(f"{C}names")):
        if names.getparent() is not None:
            names.getparent().remove(names)
    return etree.tostring(root)


def _author_only(tree: etree._ElementTree) -> bytes:
    """The style whose citation renders only the names, joined with the word "and"."""
    root, layout = _layout(tree)
    keep = set()
    for names in layout.iter(f"{C}names"):
        keep.update(names.iter())
        keep.update(names.iterancestors())
    for element in list(layout.iter()):
        if element is not layout and element not in keep and element.getparent() is not None \
                and element.tag != f"{C}if" and element.tag != f"{C}else-if" \
                and element.tag != f"{C}else":
            element.getparent().remove(element)
    for attribute in ("prefix", "suffix"):
        layout.attrib.pop(attribute, None)
    for element in root.iter():
        if element.get("and") == "symbol":
            element.set("and", "text")
    return etree.tostring(root)


def _quote_punctuation(variant: _Variant) -> re.Pattern[str] | None:
    """The closing quote and a comma or period after it, when the locale's
    ``punctuation-in-quote`` is true (en-US: "Title," n.d.); None otherwise."""
    layout = variant.style.root.citation.layout
    try:
        wanted = str(layout.get_locale_option("punctuation-in-quote")).lower() == "true"
    except Exception:  # the locale does not set it
        return None
    close = _term(variant, "close-quote")
    if not wanted or not close:
        return None
    return re.compile(f"({re.escape(close)})([,.])")


def _term(variant: _Variant, name: str) -> str:
    try:
        term = variant.style.root.bibliography.layout.get_single_term(name)
    except Exception:  # the locale lacks the term
        return ""
    return str(term or "")
