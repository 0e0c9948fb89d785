"""Names in APA 7 reference lists, to and from CSL-JSON name objects.

Author lists look like ``Surname, I. I., Surname, I., & Surname, I.``; 21 or
more authors are listed as the first 19, an ellipsis, and the last. A name
that is not ``Surname, Initials`` is a group author (``American Psychological
Association``). Lower-case particles stay with the surname
(``van IJzendoorn, M. H.`` -> particle ``van``, family ``IJzendoorn``).
Editors inside a chapter reference are written initials first
(``In A. Harris & M. Suchet (Eds.)``).
"""

from __future__ import annotations

import re
from typing import Any

_INITIALS = r"(?:[A-Z][a-zA-Z]?\.(?:[ -]?[A-Z][a-zA-Z]?\.)*)"
_SUFFIX = r"(?:,? (?:Jr\.|Sr\.|II|III|IV))?"
_PERSON = re.compile(
    r"(?P<family>[^,&]+?), (?P<given>" + _INITIALS + r")(?P<suffix>" + _SUFFIX + r")")
_ELLIPSIS = re.compile(r"^(?:\. ){2}\.\s*|^…\s*")
#: An author placeholder standing for the names an APA list leaves out (21+ authors).
OMITTED = {"literal": "…"}


def parse_author_list(text: str) -> list[dict[str, Any]] | None:
    """Parse ``Surname, I., & Surname, I.``; None if it is not a list of persons."""
    rest = text.strip().rstrip(",")
    names: list[dict[str, Any]] = []
    while rest:
        rest = rest.lstrip(", ").removeprefix("& ").strip()
        ellipsis = _ELLIPSIS.match(rest)
        if ellipsis:
            names.append(dict(OMITTED))
            rest = rest[ellipsis.end():]
            continue
        match = _PERSON.match(rest)
        if not match:
            return None if not names or rest else names
        names.append(person(match.group("family"), match.group("given"),
                            match.group("suffix").lstrip(", ")))
        rest = rest[match.end():]
        if rest and not re.match(r"^,? (?:&|\. \. \.|…)|^, ", rest):
            return None
    return names or None


def parse_group_author(text: str) -> dict[str, Any]:
    """A group author such as ``American Psychological Association``."""
    return {"literal": text.strip().rstrip(".")}


def parse_editor_list(text: str) -> list[dict[str, Any]]:
    """Editors written initials first: ``A. Harris & M. Suchet``."""
    parts = re.split(r",\s*&\s*|\s+&\s+|,\s+(?=[A-Z]\.)", text.strip())
    names = []
    for part in parts:
        match = re.match(r"^(?P<given>" + _INITIALS + r") (?P<family>.+)$", part.strip())
        names.append(person(match.group("family"), match.group("given"))
                     if match else parse_group_author(part))
    return names


def person(family: str, given: str, suffix: str = "") -> dict[str, Any]:
    """A CSL name; lower-case leading words of the surname become its particle."""
    family = family.strip()
    name: dict[str, Any] = {}
    words = family.split(" ")
    particle = []
    while len(words) > 1 and words[0][:1].islower():
        particle.append(words.pop(0))
    if particle:
        name["non-dropping-particle"] = " ".join(particle)
    name["family"] = " ".join(words)
    name["given"] = given.strip()
    if suffix:
        name["suffix"] = suffix.strip()
    return name
