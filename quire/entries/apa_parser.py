"""Parsing APA 7 reference-list entries into CSL-JSON items.

Handles journal articles (volume, issue, pages or article number; in press;
advance online publication), magazine and newspaper articles (dated to the
month or day), books (editions, volumes, translators and editors of authored
books, "(Original work published 1900)"), works without an author (the title
in the author's place), edited books (``(Eds.)``), chapters in edited books
and entries in dictionaries and encyclopedias (``In A. Editor (Ed.), *Book*
(pp. 1--20)``), reports (``(Report No. 7)``), web pages (dates with months,
site names, URLs, retrieval dates), and every work APA describes in square
brackets (dissertations and theses, data sets, software, films, videos,
podcasts, TV episodes, conference presentations: :mod:`quire.entries.apa_types`);
authors as described in :mod:`quire.entries.apa_names`, with roles such as
``(Director)``; dates ``(2004)``, ``(2008a)``, ``(n.d.)``, ``(2020, March 5)``,
``(2019, August 8–11)``, ``(in press)``; DOIs (with parentheses too) and URLs.
``*italics*`` are optional: titles are recognised by shape when they lack them.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import QuireError, SourceLocation
from .apa_names import parse_author_list, parse_editor_list, parse_group_author
from .apa_types import ROLE_PATTERN, ROLES, read_description, read_details

#: Longer than any APA reference (20 authors and a long title are about 800 characters).
MAX_REFERENCE = 4000
MONTHS = ("January February March April May June July August September October "
          "November December").split()
_DATE = re.compile(
    r"\((?:(?P<year>\d{4})(?:[–-](?P<endyear>\d{4}|present))?(?P<suffix>[a-z])?(?:, (?P<month>[A-Z][a-z]+)(?: (?P<day>\d{1,2})"
    r"(?:[–-](?P<endday>\d{1,2}))?)?)?|(?P<nd>n\.d\.)(?:-(?P<ndsuffix>[a-z]))?|(?P<press>in press)"
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
_DETAILS = r"(?: \((?P<details>[^()]*(?:ed\.|Vol\.|Eds?\.|Trans\.)[^()]*)\))?"
_DESCRIBED = re.compile(
    r"^(?P<title>\*[^*]+\*|[^[*]+?)(?: \((?P<details>[^()]+)\))? \[(?P<description>[^\]]+)\]"
    r"\.(?: (?P<rest>.+?))?$")
_MAGAZINE_PAGES = re.compile(
    r"^(?P<title>.+?" + _TITLE_END + r") (?P<journal>\*[^*]+\*), (?P<pages>\d+[–-]\d+)\.$")
_ORIGINAL = re.compile(r"\s*\(Original work published (?P<year>\d{4})\)\.?$")
_ADVANCE = re.compile(r"\s*Advance online publication\.$")
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
    if len(source) > MAX_REFERENCE:  # bounds the time of every pattern below
        raise QuireError(f"a reference of {len(source):,} characters is too long to parse "
                         f"(at most {MAX_REFERENCE:,})", location)
    item: dict[str, Any] = {}
    original = _ORIGINAL.search(source)
    if original:
        item["original-date"] = {"date-parts": [[int(original.group("year"))]]}
        source = source[: original.start()]
    body = _take_link(source, item)
    advance = _ADVANCE.search(body)
    if advance:
        item["status"] = "advance online publication"
        body = body[: advance.start()]
    date = _DATE.search(body)
    if date is None:
        raise QuireError("cannot parse APA reference: no date in parentheses such as (2004) "
                         "or (n.d.) after the authors", location)
    head, body = body[: date.start()].strip(), body[date.end():].strip()
    if not head:
        raise QuireError("cannot parse APA reference: no author before the date", location)
    _read_date(date, item)
    if head.startswith("*"):  # no author: the title stands in the author's place (APA 9.12)
        _read_body(f"{head} {body}".strip(), item, date.group("month") is not None, location)
        return item
    _read_contributors(head, item, location)
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
    found = ROLE_PATTERN.search(head)
    if found:
        role, head = ROLES[found.group("role")], head[: found.start()]
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
            if date.group("endday"):
                item["issued"] = {"date-parts": [parts, [*parts[:2], int(date.group("endday"))]]}
        elif date.group("month"):
            item["issued"] = {"date-parts": [parts], "season": date.group("month")}
        if date.group("endyear") == "present":  # an ongoing series: CSL has no "present"
            item["issued"] = {"literal": f"{parts[0]}–present"}
        elif date.group("endyear"):
            item["issued"] = {"date-parts": [parts, [int(date.group("endyear"))]]}
        item.setdefault("issued", {"date-parts": [parts]})
    elif date.group("press"):
        item["status"] = "in press"
    if suffix:
        item.setdefault("custom", {})["year-suffix"] = suffix


def _read_body(body: str, item: dict[str, Any], dated_to_day: bool,
               location: SourceLocation) -> None:
    for parse in (_described, _chapter, _journal_article, _report, _book_or_webpage):
        if parse(body, item, dated_to_day):
            return
    raise QuireError(f"cannot parse APA reference: title and source not recognised in "
                     f"'{body}'", location)


def _described(body: str, item: dict[str, Any], _: bool) -> bool:
    """A work APA describes in square brackets: ``*Title* (details) [Film]. Source.``"""
    match = _DESCRIBED.match(body)
    if not match:
        return False
    item["title"] = _title(match.group("title"))
    read_details(match.group("details"), item)
    read_description(match.group("description"), match.group("rest"), item)
    return True


def _chapter(body: str, item: dict[str, Any], _: bool) -> bool:
    match = _CHAPTER.match(body)
    if not match:
        return False
    item["type"] = "chapter"
    item["title"] = _title(match.group("title"))
    if match.group("editors"):
        item["editor"] = parse_editor_list(match.group("editors"))
    item["container-title"] = _unitalic(match.group("book"))
    read_details(match.group("details"), item)
    _publisher(match.group("publisher"), item)
    return True


def _journal_article(body: str, item: dict[str, Any], _: bool) -> bool:
    match = _JOURNAL.match(body) or _MAGAZINE_PAGES.match(body)
    dated_to_month = len(item.get("issued", {}).get("date-parts", [[]])[0]) > 1
    if not match and (item.get("status") or dated_to_month):
        match = _IN_PRESS_ARTICLE.match(body)
    if not match:
        return False
    if not dated_to_month:
        item["type"] = "article-journal"
    else:  # APA dates magazine and newspaper articles to the month or day
        item["type"] = "article-magazine" if match.groupdict().get("volume") or \
            match.groupdict().get("pages") else "article-newspaper"
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
    _publisher(match.group("publisher"), item)
    return True


def _book_or_webpage(body: str, item: dict[str, Any], dated_to_day: bool) -> bool:
    match = next((m for m in (p.match(body) for p in _BOOKS) if m), None)
    if not match:
        return False
    web = "URL" in item and (  # _take_link keeps a URL or a DOI, never both
        dated_to_day or "issued" not in item or "accessed" in item)
    if web and not match.group("details"):
        item["type"] = "webpage"
        if match.group("publisher"):
            item["container-title"] = match.group("publisher")
    else:
        item["type"] = "book"
        read_details(match.group("details"), item)
        _publisher(match.group("publisher"), item)
    item["title"] = _title(match.group("title"))
    return True


def _publisher(publisher: str | None, item: dict[str, Any]) -> None:
    if publisher:
        item["publisher"] = publisher.strip().rstrip(".")


def _title(text: str) -> str:
    text = _unitalic(text.strip())
    return text[:-1] if text.endswith(".") else text


def _unitalic(text: str) -> str:
    return text.strip().replace("*", "")
