"""Disambiguating citations as CSL 1.0.2 defines it, driven by the style's ``<citation>``.

citeproc-py renders every work's citation alone; two works that read the
same ("Lakens et al., 2018" twice) cannot be told apart. This module decides,
for each cited work, how its citation is changed, in the order of the CSL
specification ("Disambiguation"), each step only if the style asks for it:

1. ``givenname-disambiguation-rule`` other than ``by-cite`` (global name
   disambiguation, with ``disambiguate-add-givenname``): a first author whose
   short form is shared by a different person gets initials (or the given
   name, for the rules without ``-with-initials``) in every citation:
   "J. Halpern et al., 2001" and "S. D. Halpern et al., 2002".
2. ``disambiguate-add-names``: names hidden by et-al abbreviation are added one
   by one to the works still alike, until each reads differently: "Lakens,
   Adolfi, et al., 2018" and "Lakens, Scheel, et al., 2018". Names that do not
   tell a work apart are not added.
3. ``disambiguate-add-givenname`` (every rule): the names shown get initials
   (the first name only for the ``primary-name`` rules) where that tells them
   apart.
4. ``disambiguate-add-year-suffix``: the works still alike get "a", "b", ...
   in reference-list order (the engine sets ``year-suffix``, so the letter
   appears in the text and the list, and only for these works).

A :class:`Choice` per work is applied while citeproc-py renders a citation
(:func:`applied`; the patch of ``Name.process`` is installed by
:func:`install`); the reference list is never changed by it.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from lxml import etree

NS = "{http://purl.org/net/xbiblio/csl}"


@dataclass(frozen=True)
class Choice:
    """How one work's citation departs from the style's default names."""

    names: int = 0  # names shown before "et al." (0: the style's et-al-use-first)
    initials: int = 0  # leading names shown with initials (or given names)


@dataclass(frozen=True)
class Rules:
    """The style's disambiguation attributes (CSL 1.0.2, "Disambiguation")."""

    add_names: bool
    add_givenname: bool
    rule: str
    add_year_suffix: bool
    use_first: int
    name_variables: tuple[str, ...]

    @classmethod
    def of(cls, citation: etree._Element, layout: etree._Element | None) -> Rules:
        """The rules of a ``<citation>``; ``layout`` with macros inlined names its name variables."""
        variables: list[str] = []
        for names in (layout.iter(f"{NS}names") if layout is not None else ()):
            variables += [v for v in names.get("variable", "").split() if v not in variables]
        return cls(citation.get("disambiguate-add-names") == "true",
                   citation.get("disambiguate-add-givenname") == "true",
                   citation.get("givenname-disambiguation-rule", "by-cite"),
                   citation.get("disambiguate-add-year-suffix") == "true",
                   int(citation.get("et-al-use-first") or 1), tuple(variables))

    @property
    def primary_only(self) -> bool:
        return self.rule.startswith("primary-name")


#: The choices citeproc-py's ``Name.process`` applies while a citation renders.
_ACTIVE: dict[str, Choice] = {}


@contextlib.contextmanager
def applied(choices: dict[str, Choice]) -> Iterator[None]:
    """Render citations with ``choices`` (keyed by lower-case citation key)."""
    saved = dict(_ACTIVE)
    _ACTIVE.clear()
    _ACTIVE.update(choices)
    try:
        yield
    finally:
        _ACTIVE.clear()
        _ACTIVE.update(saved)


def decide(rules: Rules, items: dict[str, dict[str, Any]], order: list[str],
           render: Callable[[str, dict[str, Choice]], str]
           ) -> tuple[dict[str, Choice], list[list[str]]]:
    """Each work's :class:`Choice`, and the groups of works that still need year suffixes.

    ``items`` are CSL-JSON keyed by lower-case key; ``order`` is the reference
    list's; ``render(key, choices)`` is the work's citation with ``choices``.
    """
    choices: dict[str, Choice] = {}
    if rules.add_givenname and rules.rule != "by-cite":
        choices = {key: Choice(initials=1 if rules.primary_only else len(_names(items[key], rules)))
                   for key in _ambiguous_names(rules, items)}
    alike = _alike(order, choices, render)
    if rules.add_names and alike:
        for group in alike:
            _add_names(group, items, rules, choices)
        alike = _alike(order, choices, render)
    if rules.add_givenname and rules.rule == "by-cite" and alike:
        for group in alike:
            trial = {key: replace(choices.get(key, Choice()),
                                  initials=max(choices.get(key, Choice()).names, rules.use_first))
                     for key in group}
            if len({render(key, {**choices, **trial}) for key in group}) == len(group):
                choices.update(trial)
        alike = _alike(order, choices, render)
    return choices, alike if rules.add_year_suffix else []


def _alike(order: list[str], choices: dict[str, Choice],
           render: Callable[[str, dict[str, Choice]], str]) -> list[list[str]]:
    """Groups of works (in ``order``) whose citations read the same."""
    groups: dict[str, list[str]] = {}
    for key in order:
        groups.setdefault(render(key, choices), []).append(key)
    return [keys for keys in groups.values() if len(keys) > 1]


def _add_names(group: list[str], items: dict[str, dict[str, Any]], rules: Rules,
               choices: dict[str, Choice]) -> None:
    """Show more names, one at a time, until the works of ``group`` read differently.

    At each count, if some works' first names now differ from all the others',
    every work still open shows that many names, and those works are done.
    """
    lists = {key: _names(items[key], rules) for key in group}
    open_keys = list(group)
    for count in range(1, max(len(names) for names in lists.values()) + 1):
        shown = {key: _compared(lists[key][:count], rules) for key in open_keys}
        done = [key for key in open_keys if list(shown.values()).count(shown[key]) == 1]
        if done:
            for key in open_keys:
                if count > rules.use_first:
                    choices[key] = replace(choices.get(key, Choice()), names=count)
            open_keys = [key for key in open_keys if key not in done]
        if len(open_keys) < 2:
            return


def _compared(names: list[dict[str, Any]], rules: Rules) -> tuple[tuple[str, ...], ...]:
    """Names as the rule tells them apart: the given name (or its initials) where it may show."""
    compared = []
    for index, name in enumerate(names):
        given = str(name.get("given") or "")
        if rules.rule.endswith("with-initials"):
            given = _initials(given)
        if rules.primary_only and index > 0 or not rules.add_givenname:
            given = ""
        compared.append((str(name.get("literal") or ""), _family(name), given))
    return tuple(compared)


def _names(item: dict[str, Any], rules: Rules) -> list[dict[str, Any]]:
    """The names the citation shows: the first of the style's name variables the item has."""
    for variable in rules.name_variables:
        if item.get(variable):
            return list(item[variable])
    return []


def _family(name: dict[str, Any]) -> str:
    return " ".join(str(p) for p in (name.get("non-dropping-particle"), name.get("family")) if p)


def _ambiguous_names(rules: Rules, items: dict[str, dict[str, Any]]) -> list[str]:
    """Works whose cited names share a family name with another person's, initials apart.

    "Halpern, J." and "Halpern, S. D." get their initials in every citation
    (family names compared without particles, "de Beeck" and "op de Beeck" alike);
    "Bastiaansen, M. C. M." and "Bastiaansen, Marcel C. M." are taken as one
    person (same initials) and keep the family name alone, as in citeproc.
    Only the first name counts for the ``primary-name`` rules.
    """
    people: dict[str, set[tuple[str, str]]] = {}
    cited: dict[str, list[tuple[str, str]]] = {}
    for key, item in items.items():
        names = _names(item, rules)[:1 if rules.primary_only else None]
        cited[key] = [(str(n["family"]), str(n["given"])) for n in names
                      if n.get("given") and n.get("family")]
        for family, given in cited[key]:
            people.setdefault(family, set()).add((family, given))

    def hinted(family: str, given: str) -> bool:
        others = people[family] - {(family, given)}
        return bool(others) and all(_initials(g) != _initials(given) for _, g in others)

    return [key for key, names in cited.items() if any(hinted(*name) for name in names)]


def _initials(given: str) -> str:
    """The initials of a given name, for comparing people: "Scott D." and "S D" are both "SD"."""
    return "".join(part[0] for part in re.split(r"[\s.]+", given) if part[:1].isupper())


def install(model: Any) -> None:
    """Patch citeproc-py's ``Name.process`` to apply the active choices in citations."""
    original = model.Name.process

    def process(self, item, variable, context=None, sort_options=None, **kwargs):  # type: ignore[no-untyped-def]
        choice = _ACTIVE.get(item.reference.key) if _ACTIVE and sort_options is None else None
        if choice is None or not _in_citation(context if context is not None else self):
            return original(self, item, variable, context, sort_options, **kwargs)
        names = item.reference.get(variable) or []
        saved = {name: self.get(name) for name in ("et-al-use-first", "et-al-min")}
        if choice.names:
            self.set("et-al-use-first", str(choice.names))
            if choice.names >= len(names):
                self.set("et-al-min", str(len(names) + 1))
        if choice.initials and names:
            initialize = self.get_option("initialize-with", context)
            item.reference[variable] = [
                _with_given(name, self, initialize, context) if i < choice.initials else name
                for i, name in enumerate(names)]
        try:
            return original(self, item, variable, context, sort_options, **kwargs)
        finally:
            if choice.initials and names:
                item.reference[variable] = names
            for name, value in saved.items():
                if value is None:
                    self.attrib.pop(name, None)
                else:
                    self.set(name, value)

    model.Name.process = process


def _in_citation(element: Any) -> bool:
    found = element.xpath_search("./ancestor::*[self::cs:citation or self::cs:bibliography][1]")
    return bool(found) and found[0].tag == f"{NS}citation"


def _with_given(name: Any, element: Any, initialize: str | None, context: Any) -> Any:
    """The name with its given name (or initials) before the family name, as one family name."""
    given, family, dropping, non_dropping, suffix = name.parts()
    if not given or "literal" in name:
        return name
    if initialize is not None:
        given = element.initialize(given, initialize, context)
    shown = " ".join(p for p in (given.strip(), dropping, non_dropping, family) if p)
    return type(name)(family=shown, **({"suffix": suffix} if suffix else {}))
