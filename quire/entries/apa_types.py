"""The parts of an APA 7 reference that say what kind of work it is.

Used by :mod:`quire.entries.apa_parser`:

- *details*: the parenthesis after a title, parts separated by ``;`` or ``,``:
  ``2nd ed.``, ``Vol. 3``, ``pp. 1–20``, ``J. Smith, Trans.``, ``D. Wright, Ed.``,
  ``Version 3.3.070``, ``Publication No. 305210119``, ``No. 443``,
  ``ICPSR 21600``, ``Summer 2019 ed.``;
- *descriptions*: the square brackets after a title, which name the type
  (APA 7 9.21): ``[Doctoral dissertation, University]``, ``[Unpublished
  master's thesis]``, ``[Data set]``, ``[Computer software]``, ``[Film]``,
  ``[Video]``, ``[Audio podcast]``, ``[Audio podcast episode]``, ``[TV series
  episode]``, ``[Conference presentation]``, ``[Poster presentation]``;
- *roles*: ``(Director)``, ``(Host)``, ``(Executive Producer)`` after a name,
  as CSL name variables.
"""

from __future__ import annotations

import re
from typing import Any

from .apa_names import parse_editor_list

#: A role after the names before the date -> the CSL name variable.
ROLES = {"Ed.": "editor", "Eds.": "editor", "Director": "director", "Directors": "director",
         "Producer": "producer", "Producers": "producer",
         "Executive Producer": "executive-producer", "Executive Producers": "executive-producer",
         "Host": "host", "Hosts": "host", "Writer": "script-writer", "Writers": "script-writer"}
ROLE_PATTERN = re.compile(r"\s*\((?P<role>" + "|".join(sorted(map(re.escape, ROLES),
                                                                  key=len, reverse=True))
                          + r")\)\.?$")
_PRESENTATION = re.compile(r"(?:presentation|session|address|talk|paper|lecture|symposium)$",
                           re.IGNORECASE)
_THESIS = re.compile(r"^(?P<genre>(?:Unpublished )?[\w'’. ]*(?:dissertation|thesis))"
                     r"(?:, (?P<institution>.+))?$", re.IGNORECASE)


def read_details(details: str | None, item: dict[str, Any]) -> None:
    """``2nd ed., Vol. 3``, ``H. Weaver, Trans.; 2nd ed.`` and the like into ``item``."""
    for segment in (details or "").split("; "):
        segment = segment.strip()
        contributors = re.match(r"^(?P<names>.+), (?P<role>Trans\.|Eds?\.)$", segment)
        if contributors:
            role = "translator" if contributors.group("role") == "Trans." else "editor"
            item[role] = parse_editor_list(contributors.group("names"))
            continue
        for part in segment.split(", "):
            _read_detail(part.strip(), item)


def _read_detail(part: str, item: dict[str, Any]) -> None:
    edition = re.match(r"^(\d+)(?:st|nd|rd|th) ed\.$", part)
    if edition:
        item["edition"] = edition.group(1)
    elif part.endswith(" ed."):
        item["edition"] = part  # "Rev. ed.", "Summer 2019 ed.": printed as is
    elif part.startswith("Vol. "):
        item["volume"] = part[5:]
    elif re.match(r"^pp?\. ", part):
        item["page"] = part.split(" ", 1)[1].replace("–", "-")
    elif part.startswith("Version "):
        item["version"] = part[8:]
    elif re.match(r"^(?:Publication |Report )?No\. ", part):
        item["number"] = part.split("No. ", 1)[1]
    elif part:
        item["number"] = part  # "ICPSR 21600", "NIH Publication 18-2059"


def read_description(description: str, rest: str | None, item: dict[str, Any]) -> None:
    """The bracketed description and what follows it: the type, genre and source."""
    thesis = _THESIS.match(description)
    lowered = description.lower()
    if thesis:
        item["type"] = "thesis"
        item["genre"] = thesis.group("genre")
        if thesis.group("institution"):
            item["publisher"] = thesis.group("institution")
            _put(item, "archive", rest)
        else:
            _put(item, "publisher", rest)
        return
    # The style prints the description in brackets ("[Data set]", "[Film]"): from `genre`, or,
    # where a number stands in the parenthesis ("(No. 443) [Audio podcast episode]"), from
    # `medium`, since it sets `genre` before the number there ("Report No. 7").
    described = "medium" if "number" in item else "genre"
    item[described] = description
    if lowered in ("data set", "dataset"):
        item["type"] = "dataset"
    elif "software" in lowered or lowered in ("app", "mobile app"):
        item["type"] = "software"
    elif lowered in ("film", "video", "webinar"):
        item["type"] = "motion_picture"
    elif "podcast" in lowered or lowered.startswith(("tv series", "radio")):
        item["type"] = "broadcast"
        if rest and rest.startswith("In "):
            container, _, rest = rest[3:].partition(". ")
            item["container-title"] = container.strip("*")
    elif _PRESENTATION.search(lowered):
        item["type"] = "speech"
        if rest:
            event, _, place = rest.partition(", ")
            item["event"] = event
            _put(item, "event-place", place)
        return
    else:
        item["type"] = "book" if "URL" not in item else "webpage"
    _put(item, "publisher", rest)


def _put(item: dict[str, Any], field: str, value: str | None) -> None:
    if value:
        item[field] = value.strip().rstrip(".")
