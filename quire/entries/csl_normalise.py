"""Normalising CSL items read from bibliography files into what APA 7 prints.

Converters (pandoc, Zotero, Better BibTeX) keep things APA would not print;
:func:`normalise_item` fixes them without losing anything the author meant:

- *braces*: literal ``{`` ``}`` left in values (``{SSRN Scholarly Paper}``) are removed;
- *empty values*: ``type: ""``, ``title: ""`` and the like are dropped, so
  that validation reports them as missing;
- *particles*: a lower-case particle stored as a dropping particle or at the
  end of the given name (``Aert, R. C. M. van``) becomes the surname's
  non-dropping particle, where APA 7 (9.8) keeps it (``van Aert, R. C. M.``);
- *editions*: ``Fourth edition``, ``Third``, ``4th ed.`` become ``4``/``3``
  so the style prints "(4th ed.)";
- *article numbers*: an article's ``page`` that is an e-locator (``e0175302``,
  as Zotero stores it) becomes its ``number``: "Article e0175302" (APA 7 9.27);
- *publisher = author*: a group author's own name as publisher is dropped,
  as APA 7 (9.24) omits it;
- *sentence case*: work titles in Title Case are put in APA sentence case
  with the entries' rule (:mod:`quire.entries.sentence_case`), keeping
  acronyms, inner capitals and *protected words*. Zotero's BibTeX export
  braces every capitalised word but the first, so when every capitalised word
  of a title is protected the braces say nothing: a title stored in sentence
  case ("The {DNA} of {Bayesian} models") is kept, one stored in Title Case
  ("How {Animals} {Do} {Business}") is converted by the rule alone. Better
  BibTeX braces only the words its user capitalised; pandoc has already
  lowered the others. Periodical names keep their title case.

An author stored as "et al" is left as it is, for validation to report.
"""

from __future__ import annotations

import re
from typing import Any

from .sentence_case import is_title_case, sentence_case

_PARTICLES = {"van", "von", "de", "der", "den", "du", "da", "di", "la", "le", "ten", "ter",
              "del", "della", "des", "dos", "das", "zu", "zum", "zur", "dei", "vom", "het",
              "'t", "al", "el", "bin", "ibn"}
_ORDINALS = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
             "twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth "
             "nineteenth twentieth").split()
_EDITION = re.compile(r"^\s*(?:(?P<number>\d+)(?:st|nd|rd|th)?|(?P<word>[A-Za-z]+))"
                      r"(?:\s+(?:edition|edn\.?|ed\.?))?\s*$", re.IGNORECASE)
#: Types whose container title is a book's title, which APA also sets in sentence case.
_BOOK_CONTAINERS = {"chapter", "entry", "entry-dictionary", "entry-encyclopedia",
                    "paper-conference"}
NAME_FIELDS = ("author", "editor", "translator", "director", "producer", "composer",
               "container-author", "collection-editor", "editorial-director", "illustrator",
               "interviewer", "original-author", "recipient", "reviewed-author", "compiler",
               "contributor", "curator", "executive-producer", "guest", "host", "narrator",
               "organizer", "performer", "script-writer", "series-creator", "chair")


def normalise_item(item: dict[str, Any],
                   protected: dict[str, tuple[str, ...]] | None = None) -> dict[str, Any]:
    """A copy of ``item`` as APA prints it (see the module docstring)."""
    result: dict[str, Any] = {}
    for field, value in item.items():
        value = _unbraced(value)
        if value == "" or value == [] or value is None:
            continue
        if field in NAME_FIELDS and isinstance(value, list):
            value = [particle_in_place(n) if isinstance(n, dict) else n for n in value]
        result[field] = value
    if isinstance(result.get("edition"), str):
        result["edition"] = edition_number(result["edition"])
    page = result.get("page")
    if (result.get("type") == "article-journal" and "number" not in result
            and isinstance(page, str) and re.fullmatch(r"[eE]\d+", page)):
        result["number"] = result.pop("page")
    authors = result.get("author")
    if (isinstance(authors, list) and len(authors) == 1 and isinstance(authors[0], dict)
            and authors[0].get("literal") and authors[0]["literal"] == result.get("publisher")):
        del result["publisher"]
    for field in ("title", "container-title"):
        if field == "container-title" and result.get("type") not in _BOOK_CONTAINERS:
            continue
        if isinstance(result.get(field), str):
            words = None if protected is None else protected.get(field, ())
            result[field] = title_in_sentence_case(result[field], words)
    return result


def _unbraced(value: Any) -> Any:
    if isinstance(value, str):
        return re.sub(r"(?<!\\)[{}]", "", value).strip() if "{" in value or "}" in value \
            else value
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, list):
        return [_unbraced(v) for v in value]
    if isinstance(value, dict):
        return {k: _unbraced(v) for k, v in value.items()}
    return value


def particle_in_place(name: dict[str, Any]) -> dict[str, Any]:
    """``van`` as a dropping particle or ending the given name -> non-dropping particle."""
    name = dict(name)
    if is_et_al(name):
        return name
    moved: list[str] = []
    given = name.get("given")
    if isinstance(given, str):
        words = given.split()
        while len(words) > 1 and words[-1] in _PARTICLES:
            moved.insert(0, words.pop())
        if moved:
            name["given"] = " ".join(words)
    dropping = name.get("dropping-particle")
    if isinstance(dropping, str) and dropping[:1].islower():
        moved.insert(0, name.pop("dropping-particle"))
    if moved:
        existing = name.get("non-dropping-particle")
        name["non-dropping-particle"] = " ".join(
            [*moved, *([existing] if isinstance(existing, str) else [])])
    return name


def is_et_al(name: Any) -> bool:
    """True for a name that stands for omitted authors ("et al", "De Jong et al.")."""
    if not isinstance(name, dict):
        return False
    text = " ".join(str(name.get(part, "")) for part in
                    ("literal", "given", "dropping-particle", "non-dropping-particle", "family"))
    return re.search(r"\bet\.?\s+al\b", text, re.IGNORECASE) is not None


def edition_number(edition: str) -> str:
    """``Fourth edition``, ``4th ed.``, ``Fourth`` -> ``4``; other editions unchanged."""
    match = _EDITION.match(edition)
    if not match:
        return edition
    if match.group("number"):
        return match.group("number")
    word = match.group("word").lower()
    return str(_ORDINALS.index(word) + 1) if word in _ORDINALS else edition


def title_in_sentence_case(title: str, protected: tuple[str, ...] | None) -> str:
    """``title`` in APA sentence case; ``protected`` words (from braces) keep their case.

    ``protected`` is None when the item came from a CSL file: a Title Case
    title is then converted by the entries' rule alone.
    """
    capitalised = [w for w in re.findall(r"[^\W\d_][\w'’-]*", title)[1:] if w[0].isupper()]
    braced = set(protected or ())
    if protected is None or (len(capitalised) >= 2 and all(
            w in braced or w.split("-")[0] in braced for w in capitalised)):
        return sentence_case(title) if is_title_case(title) else title
    return sentence_case(title, frozenset(protected)) if is_title_case(title) else title
