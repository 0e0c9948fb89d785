"""A date citeproc-py renders more than once: a literal date, once per ``<date>``.

CSL 1.0.2 ("Date"): a date given as a literal ("2015–present", "Spring 2019") is
printed as it stands, in place of the date's parts. citeproc-py prints the whole
literal for *every* ``<date>`` element of the variable, so a style that prints the
year and then, for broadcasts, the month and day gave "(2015–present,
2015–present)". Fixed here: a ``<date>`` that shows no year (month and day only)
prints nothing for a literal date, which the year's ``<date>`` has printed whole.
Installed by :func:`quire.citations.citeproc_fixes.apply`.
"""

from __future__ import annotations

from typing import Any

_CS = {"cs": "http://purl.org/net/xbiblio/csl"}


def literal_dates_once(model: Any) -> None:
    """Patch ``model.Date.process`` so a literal date is printed by the year's ``<date>`` only."""
    from citeproc.source import LiteralDate

    original = model.Date.process

    def process(self, item, variable=None, show_parts=None, context=None, **kwargs):  # type: ignore[no-untyped-def]
        name = (variable or self.get("variable") or "").replace("-", "_")
        try:
            value = item.reference[name] if name else None
        except Exception:  # a variable the item lacks: citeproc-py's own handling
            value = None
        if isinstance(value, LiteralDate) and "year" not in _parts_shown(self, show_parts):
            return None
        return original(self, item, variable=variable, show_parts=show_parts,
                        context=context, **kwargs)

    model.Date.process = process


def _parts_shown(date: Any, show_parts: list[str] | None) -> set[str]:
    """The date parts a ``<date>`` element shows: its ``date-parts``, else its children."""
    if show_parts is not None:
        return set(show_parts)
    if date.get("date-parts"):
        return set(date.get("date-parts").split("-"))
    children = {part.get("name") for part in date.findall("cs:date-part", _CS)}
    return children or {"year", "month", "day"}
