"""Where citeproc-py departs from the CSL specification, and the fixes, in one place.

citeproc-py (0.11.1) is the citation engine of the book. Its gaps, and where
each is closed:

- ``text-case`` on a ``<label>`` is ignored (labels are rendered without a
  language, and title case is then skipped as "not English"): APA's editor
  labels come out "(eds.)" instead of "(Eds.)". Fixed here: text case falls
  back to the style's default locale.
- Variables used in a ``<substitute>`` are not suppressed in the rest of the
  entry (CSL 1.0.2, "Substitution"): an edited book repeats its editors, "Decety,
  J., & Ickes, W. (Eds.). (2009). *Title* (J. Decety & W. Ickes, Eds.)." Fixed
  here: ``<names>`` skips the roles its layout has already substituted.
- ``is-numeric="locator"`` looks for a ``locator`` field in the reference, not
  at the citation's locator: "(…, 2004, chap. 2)" lost its label "Chapter".
  Fixed here.
- No year-suffix disambiguation, no author-in-text or suppress-author modes,
  no ``collapse="year"``, and punctuation doubled at affix boundaries
  ("goes?."): handled in :mod:`quire.citations.engine`, from the style's own
  attributes and the locale's terms.
- The bibliography comes out in registration order unless
  ``CitationStylesBibliography.sort`` is called: the engine calls it.

:func:`apply` installs the three patches once; they change behaviour only where
citeproc-py disagrees with the specification.
"""

from __future__ import annotations

import functools
import re


@functools.cache
def apply() -> None:
    """Patch citeproc-py's label text case, substitution suppression and numeric locators."""
    from citeproc import model

    original_case = model.TextCased.case

    def case(self, text, language=None):  # type: ignore[no-untyped-def]
        if language is None:
            language = (self.get_root().get("default-locale") or "en")[:2]
        return original_case(self, text, language)

    model.TextCased.case = case

    original_process = model.Names.process

    def process(self, item, names_context=None, context=None, **kwargs):  # type: ignore[no-untyped-def]
        layout = (context if context is not None else self).get_layout()
        repressed = getattr(layout, "repressed", {}).get(self.tag, [])
        variable = self.get("variable", "")
        roles = [role for role in variable.split() if role not in repressed]
        if not roles:
            raise model.VariableError
        if len(roles) == len(variable.split()):
            return original_process(self, item, names_context=names_context,
                                    context=context, **kwargs)
        self.set("variable", " ".join(roles))  # rendering is single-threaded
        try:
            return original_process(self, item, names_context=names_context,
                                    context=context, **kwargs)
        finally:
            self.set("variable", variable)

    model.Names.process = process

    original_is_numeric = model.If._is_numeric

    def is_numeric(self, item):  # type: ignore[no-untyped-def]
        results = original_is_numeric(self, item)
        variables = self.get("is-numeric").split()
        return [result or (name == "locator" and item.has_locator
                           and NUMERIC.match(str(item.locator.identifier)) is not None)
                for name, result in zip(variables, results)]

    model.If._is_numeric = is_numeric


#: CSL's "numeric" test: numbers, optionally with affixes, in ranges or lists ("3-5", "12a").
NUMERIC = re.compile(r"^\s*[A-Za-z]*\d+[A-Za-z]*(?:\s*[-\u2013,&]\s*[A-Za-z]*\d+[A-Za-z]*)*\s*$")
