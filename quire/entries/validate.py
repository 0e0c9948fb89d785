"""Validating CSL items before any citation is formatted.

:func:`validate_item` checks one item against the CSL 1.0.2 data schema and
what an APA reference needs, and returns its *problems* (a message and the
field it concerns) with an item the citation engine can always format:

- unknown fields (``isued``) and unknown types (``buk``), each with a
  did-you-mean; an unknown field is ignored, an unknown or missing type is
  formatted as ``document``;
- a missing title, or a missing date where APA expects one (every type but
  web pages, posts and dictionary entries, which are often "n.d.");
- malformed names (a name that is not an object with ``family`` or
  ``literal``) and dates (``date-parts`` that are not [year, month, day]
  numbers in range): dropped from the formatted item;
- an author stored as "et al" (APA lists every author up to 20);
- a text field (title, volume, pages …) whose value is not text or a number
  (a list or an object would print as code): dropped from the formatted item.

The caller reports each problem as a warning at the item's file and line
(``--strict`` makes them errors).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from ..errors import Reporter
from .bibfiles import SourcedItem
from .csl_normalise import NAME_FIELDS, is_et_al

TYPES = frozenset("""article article-journal article-magazine article-newspaper bill book
broadcast chapter classic collection dataset document entry entry-dictionary
entry-encyclopedia event figure graphic hearing interview legal_case legislation manuscript map
motion_picture musical_score pamphlet paper-conference patent performance periodical
personal_communication post post-weblog regulation report review review-book software song
speech standard thesis treaty webpage""".split())
DATE_FIELDS = frozenset("accessed available-date event-date issued original-date submitted"
                        .split())
FIELDS = frozenset("""id type citation-key categories language journalAbbreviation shortTitle
abstract annote archive archive_collection archive_location archive-place authority call-number
chapter-number citation-number citation-label collection-number collection-title
container-title container-title-short dimensions division DOI edition event event-title
event-place first-reference-note-number genre ISBN ISSN issue jurisdiction keyword locator
medium note number number-of-pages number-of-volumes original-publisher
original-publisher-place original-title page page-first part part-title PMCID PMID printing
publisher publisher-place references reviewed-genre reviewed-title scale section source status
supplement title title-short URL version volume volume-title volume-title-short year-suffix
custom""".split()) | DATE_FIELDS | frozenset(NAME_FIELDS)
_NAME_PARTS = frozenset("family given dropping-particle non-dropping-particle suffix "
                        "comma-suffix static-ordering literal parse-names".split())
_UNDATED_TYPES = frozenset({"webpage", "post", "post-weblog", "entry", "entry-dictionary",
                            "entry-encyclopedia"})
FALLBACK_TYPE = "document"
#: Fields whose value is one text (or number): everything but names, dates, and the
#: few that hold structures.
_TEXT_FIELDS = FIELDS - DATE_FIELDS - frozenset(NAME_FIELDS) - {"custom", "categories", "id", "title"}


def _kind(value: Any) -> str:
    return {list: "a list", dict: "an object", bool: "true or false"}.get(type(value), "empty")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an item: the message and the field it is about."""

    message: str
    field: str | None = None


def validate_item(item: dict[str, Any]) -> tuple[list[Problem], dict[str, Any]]:
    """The item's problems, and a copy the citation engine can format."""
    problems: list[Problem] = []
    usable = dict(item)
    for field in item:
        if field not in FIELDS:
            problems.append(Problem(f"unknown CSL field '{field}'{_did_you_mean(field, FIELDS)}"
                                    "; it is ignored", field))
            del usable[field]
    kind = item.get("type")
    if not isinstance(kind, str) or not kind:
        problems.append(Problem(f"no 'type'; formatted as '{FALLBACK_TYPE}'", "type"))
        usable["type"] = FALLBACK_TYPE
    elif kind not in TYPES:
        problems.append(Problem(f"unknown CSL type '{kind}'{_did_you_mean(kind, TYPES)}; "
                                f"formatted as '{FALLBACK_TYPE}'", "type"))
        usable["type"] = FALLBACK_TYPE
    if not isinstance(item.get("title"), str) or not item["title"].strip():
        problems.append(Problem("no title", "title"))
        usable.pop("title", None)
    if ("issued" not in item and "status" not in item
            and usable["type"] not in _UNDATED_TYPES):
        problems.append(Problem("no date ('issued'): the reference will say (n.d.)", "issued"))
    for field in DATE_FIELDS & item.keys():
        message = _date_problem(item[field])
        if message:
            problems.append(Problem(f"malformed date in '{field}': {message}; it is ignored",
                                    field))
            del usable[field]
    for field in sorted(item.keys() & _TEXT_FIELDS):
        value = item[field]
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            problems.append(Problem(f"'{field}' should be text, not {_kind(value)}; it is "
                                    "ignored", field))
            usable.pop(field, None)
    for field in FIELDS & item.keys() & set(NAME_FIELDS):
        names, kept = item[field], []
        for name in names if isinstance(names, list) else [names]:
            message = _name_problem(name)
            if message:
                problems.append(Problem(f"malformed name in '{field}': {message}; it is "
                                        "ignored", field))
            elif is_et_al(name):
                problems.append(Problem(f"'{_shown(name)}' in '{field}' stands for names "
                                        "left out: list every name (APA 7 lists up to 20)",
                                        field))
                kept.append(name)
            else:
                kept.append(name)
        usable[field] = kept
    return problems, usable


def validated(sourced: SourcedItem, reporter: Reporter | None) -> dict[str, Any]:
    """The item the engine can format; each problem a warning at its file and line."""
    problems, usable = validate_item(sourced.item)
    for problem in problems if reporter is not None else []:
        reporter.warn(f"reference '{sourced.item.get('id')}': {problem.message}",
                      sourced.at(problem.field))
    return usable


def _did_you_mean(word: str, known: frozenset[str]) -> str:
    close = difflib.get_close_matches(word, sorted(known), n=1, cutoff=0.5)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _date_problem(date: Any) -> str | None:
    if not isinstance(date, dict):
        return "expected an object with 'date-parts'"
    if "literal" in date or "raw" in date:
        return None
    parts = date.get("date-parts")
    if not isinstance(parts, list) or not 1 <= len(parts) <= 2:
        return "expected 'date-parts': [[year, month, day]]"
    for part in parts:
        if not isinstance(part, list) or not 1 <= len(part) <= 3:
            return "expected 'date-parts': [[year, month, day]]"
        try:
            numbers = [int(p) for p in part]
        except (TypeError, ValueError):
            return f"{part} is not numbers"
        if len(numbers) > 1 and not (1 <= numbers[1] <= 12 or 21 <= numbers[1] <= 24):
            return f"month {numbers[1]} is not 1-12"
        if len(numbers) > 2 and not 1 <= numbers[2] <= 31:
            return f"day {numbers[2]} is not 1-31"
    return None


def _name_problem(name: Any) -> str | None:
    if not isinstance(name, dict):
        return f"{name!r} is not a name object (family, given or literal)"
    unknown = sorted(set(name) - _NAME_PARTS)
    if unknown:
        return f"unknown name part '{unknown[0]}'{_did_you_mean(unknown[0], _NAME_PARTS)}"
    if not any(isinstance(name.get(p), str) and name[p].strip() for p in ("family", "literal")):
        return "a name needs 'family' or 'literal'"
    return None


def _shown(name: dict[str, Any]) -> str:
    return name.get("literal") or " ".join(
        str(name[p]) for p in ("given", "dropping-particle", "non-dropping-particle", "family")
        if name.get(p))
