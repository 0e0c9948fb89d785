"""Parsing APA 7 reference-list entries into CSL-JSON items.

Handles journal articles (volume, issue, pages or article number), books
(editions, volumes), edited books (``(Eds.)``), chapters in edited books
(``In A. Editor (Ed.), *Book* (pp. 1--20)``), reports (``(Report No. 7)``) and
web pages (dates with months, site names, URLs); authors as described in
:mod:`quire.entries.apa_names`; dates ``(2004)``, ``(2008a)``, ``(n.d.)``,
``(2020, March 5)``, ``(in press)``; DOIs (with parentheses too) and URLs.
``*italics*`` are optional: titles are recognised by shape when they lack them.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import QuireError, SourceLocation
from .apa_names import parse_author_list, parse_editor_list, parse_group_author

MONTHS = ("January February March April May June July August September October "
          "November December").split()
_DATE = re.compile(
    r"\((?:(?P<year>\d{4})(?P<suffix>[a-z])?(?:, (?P<month>[A-Z][a-z]+)(?: (?P<day>\d{1,2})"
    r"(?:[–-]\d{1,2})?)?)?|(?P<nd>n\.d\.)(?:-(?P<ndsuffix>[a-z]))?|(?P<press>in press)"
    r"(?:-(?P<presssuffix>[a-z]))?)\)\.(?:\s|$)")
_LINK = re.compile(r"\s*(?:(?:Retrieved (?P<accessed>[A-Z][a-z]+ \d{1,2}, \d{4}), from )?"
                   r"(?P<url>https?://\S+)|doi:\s*(?P<doi>10\.\S+))\s*$")
_TITLE_END = r"(?:(?<=[.?!])|(?<=[.?!][\"”]))"
_PAGES = r"(?:Article (?P<number>[\w.-]+)|(?P<pages>[A-Za-z]?\d+[A-Za-z]?(?:[–-][A-Za-z]?\d+[A-Za-z]?)?))"
_JOURNAL = re.compile(
    r"^(?P<title>.+?" + _TITLE_END + r") (?P<journal>\*[^*]+\*|(?:(?!\. )[^*])+?), "
    r"\*?(?P<volume>\d+)\*?(?:\((?P<issue>[^)]+)\))?(?:, " + _PAGES + r")?\.$")
_CHAPTER = re.compile(
    r"^(?P<title>.+?" + _TITLE_END + r") In (?:(?P<editors>.+?) \((?P<role>Eds?\.)\), )?"
    r"(?P<book>\*[^*]+\*|[^(]+?)(?: \((?P<details>[^()]+)\))?\.(?: (?P<publisher>.+?)\.?)?$")
_REPORT = re.compile(
    r"^(?P<title>\*[^*]+\*|.+?) \((?P<number>[^()]*(?:No\.|Report|Publication|Brief)[^()]*)\)\."
    r"(?: (?P<publisher>.+?)\.?)?$")
_IN_PRESS_ARTICLE = re.compile(r"^(?P<title>[^*]+?" + _TITLE_END + r") \*(?P<journal>[^*]+)\*\.$")
_DETAILS = r"(?: \((?P<details>[^()]*(?:ed\.|Vol\.|Eds?\.)[^()]*)\))?"
_BOOKS = (
    # An italic title: the publisher may hold abbreviations ("U.S. Department of ...").
    re.compile(r"^(?P<title>\*[^*]+\*)" + _DETAILS + r"\.(?: (?P<publisher>.+?)\.?)?$"),
    # A plain title ends at the last sentence end before the publisher.
    re.compile(r"^(?P<title>.+?)" + _DETAILS + r"(?:\.|(?<=[?!]))"
               r"(?: (?P<publisher>(?:(?!\. ).)+?)\.?)?$"),
)


def parse_reference(text: str, location: SourceLocation) -> dict[str, Any]:
    """Parse one APA reference into a CSL-JSON item (without ``id``)."""
    source = normalise(text)
    if not source:
        raise QuireError("empty reference", location)
    item: dict[str, Any] = {}
    body = _take_link(source, item)
    date = _DATE.search(body)
    if date is None:
        raise QuireError("cannot parse APA reference: no date in parentheses such as (2004) "
                         "or (n.d.) after the authors", location)
    head, body = body[: date.start()].strip(), body[date.end():].strip()
    if not head:
        raise QuireError("cannot parse APA reference: no author before the date", location)
    _read_contributors(head, item, location)
    _read_date(date, item)
    if not body:
        raise QuireError("cannot parse APA reference: no title after the date", location)
    _read_body(body, item, date.group("month") is not None, location)
    return item


def normalise(text: str) -> str:
    """One line, list marker removed, ``--`` as an en dash, spaces folded."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"^(?:[-*•]|\d+\.)\s+", "", text)
    text = text.replace(". . .", "…")
    return text.replace("---", "—").replace("--", "–")


def _take_link(source: str, item: dict[str, Any]) -> str:
    match = _LINK.search(source)
    if not match:
        return source
    url = match.group("url")
    doi = match.group("doi")
    if url:
        url = url.rstrip(".") if url.endswith(".") and not url.endswith("..") else url
        found = re.match(r"https?://(?:dx\.)?doi\.org/(10\..+)$", url)
        if found:
            doi = found.group(1)
        else:
            item["URL"] = url
    if doi:
        item["DOI"] = doi.rstrip(".")
    if match.group("accessed"):
        month, day, year = re.match(r"(\w+) (\d+), (\d+)", match.group("accessed")).groups()
        item["accessed"] = {"date-parts": [[int(year), MONTHS.index(month) + 1, int(day)]]}
    return source[: match.start()].strip()


def _read_contributors(head: str, item: dict[str, Any], location: SourceLocation) -> None:
    role = "author"
    found = re.search(r"\s*\((Eds?)\.\)\.?$", head)
    if found:
        role, head = "editor", head[: found.start()]
    head = head.rstrip()
    names = parse_author_list(head)
    if names is None:
        if re.search(r", [A-Z]\.", head):
            raise QuireError(f"cannot parse APA reference: unreadable author list '{head}'",
                             location)
        names = [parse_group_author(head)]
    item[role] = names


def _read_date(date: re.Match[str], item: dict[str, Any]) -> None:
    suffix = date.group("suffix") or date.group("ndsuffix") or date.group("presssuffix")
    if date.group("year"):
        parts = [int(date.group("year"))]
        if date.group("month") in MONTHS:
            parts.append(MONTHS.index(date.group("month")) + 1)
            if date.group("day"):
                parts.append(int(date.group("day")))
        elif date.group("month"):
            item["issued"] = {"date-parts": [parts], "season": date.group("month")}
        item.setdefault("issued", {"date-parts": [parts]})
    elif date.group("press"):
        item["status"] = "in press"
    if suffix:
        item.setdefault("custom", {})["year-suffix"] = suffix


def _read_body(body: str, item: dict[str, Any], dated_to_day: bool,
               location: SourceLocation) -> None:
    for parse in (_chapter, _journal_article, _report, _book_or_webpage):
        if parse(body, item, dated_to_day):
            return
    raise QuireError(f"cannot parse APA reference: title and source not recognised in "
                     f"'{body}'", location)


def _chapter(body: str, item: dict[str, Any], _: bool) -> bool:
    match = _CHAPTER.match(body)
    if not match:
        return False
    item["type"] = "chapter"
    item["title"] = _title(match.group("title"))
    if match.group("editors"):
        item["editor"] = parse_editor_list(match.group("editors"))
    item["container-title"] = _unitalic(match.group("book"))
    _details(match.group("details"), item)
    _publisher(match.group("publisher"), item)
    return True


def _journal_article(body: str, item: dict[str, Any], _: bool) -> bool:
    match = _JOURNAL.match(body)
    if not match and item.get("status") == "in press":
        match = _IN_PRESS_ARTICLE.match(body)
    if not match:
        return False
    item["type"] = "article-journal"
    item["title"] = _title(match.group("title"))
    item["container-title"] = _unitalic(match.group("journal"))
    fields = match.groupdict()
    for name, csl in (("volume", "volume"), ("issue", "issue"), ("number", "number")):
        if fields.get(name):
            item[csl] = fields[name]
    if fields.get("pages"):
        item["page"] = fields["pages"].replace("–", "-")
    return True


def _report(body: str, item: dict[str, Any], _: bool) -> bool:
    match = _REPORT.match(body)
    if not match:
        return False
    item["type"] = "report"
    item["title"] = _title(match.group("title"))
    item["number"] = re.sub(r"^(?:Report|Publication) No\. ", "", match.group("number"))
    if not item["number"][:1].isdigit() and "No." not in match.group("number"):
        item["number"] = match.group("number")
    _publisher(match.group("publisher"), item)
    return True


def _book_or_webpage(body: str, item: dict[str, Any], dated_to_day: bool) -> bool:
    match = next((m for m in (p.match(body) for p in _BOOKS) if m), None)
    if not match:
        return False
    web = "URL" in item and "DOI" not in item and (
        dated_to_day or "issued" not in item or "accessed" in item)
    if web and not match.group("details"):
        item["type"] = "webpage"
        if match.group("publisher"):
            item["container-title"] = match.group("publisher")
    else:
        item["type"] = "book"
        _details(match.group("details"), item)
        _publisher(match.group("publisher"), item)
    item["title"] = _title(match.group("title"))
    return True


def _details(details: str | None, item: dict[str, Any]) -> None:
    """``2nd ed., Vol. 3, pp. 1–20`` inside parentheses after a title."""
    for part in (details or "").split(", "):
        part = part.strip()
        edition = re.match(r"^(\d+)(?:st|nd|rd|th) ed\.$", part)
        if edition:
            item["edition"] = edition.group(1)
        elif part.endswith(" ed."):
            item["edition"] = part  # "Rev. ed.": the style prints a non-numeric edition as is
        elif part.startswith("Vol. "):
            item["volume"] = part[5:]
        elif re.match(r"^pp?\. ", part):
            item["page"] = part.split(" ", 1)[1].replace("–", "-")


def _publisher(publisher: str | None, item: dict[str, Any]) -> None:
    if publisher:
        item["publisher"] = publisher.strip().rstrip(".")


def _title(text: str) -> str:
    text = _unitalic(text.strip())
    return text[:-1] if text.endswith(".") else text


def _unitalic(text: str) -> str:
    text = text.strip()
    if text.startswith("*") and text.endswith("*"):
        text = text[1:-1]
    return text.replace("*", "")
