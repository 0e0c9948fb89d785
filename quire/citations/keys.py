"""Checking cited keys against the bibliography.

Every unknown key in the book is reported in one run, each as
``path:line:col: error: unknown citation key 'x' (did you mean 'y'?)``.
"""

from __future__ import annotations

import difflib

from ..errors import QuireError, raise_all
from ..model import Bibliography, Chapter, Citation
from .syntax import find_citations


def collect_citations(chapters: list[Chapter]) -> list[Citation]:
    """Every citation in the book, in reading order."""
    return [c for ch in chapters for c in find_citations(ch.body, ch.path, ch.body_line)]


def check_citation_keys(citations: list[Citation], bibliography: Bibliography) -> None:
    """Raise one error per citation whose key is not in the bibliography."""
    known = bibliography.keys
    lowered = {k.lower(): k for k in known}
    errors = []
    for citation in citations:
        if citation.key in bibliography.entries or citation.key in bibliography.references:
            continue
        if citation.key.lower() in lowered:
            hint = (f" (keys are case-sensitive: did you mean "
                    f"'{lowered[citation.key.lower()]}'?)")
        else:
            close = difflib.get_close_matches(citation.key, known, n=1, cutoff=0.75)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
        errors.append(QuireError(f"unknown citation key '{citation.key}'{hint}",
                                 citation.location))
    raise_all(errors)
