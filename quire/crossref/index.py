"""The book's structure and its numbered targets: what every id in the book names.

Vocabulary: a chapter's *role* is ``front`` (unnumbered, before the first
numbered chapter: dedication, preface …), ``main`` (numbered), ``interlude``
(unnumbered, between numbered ones), ``back``
(unnumbered, after the last numbered chapter) or ``appendix`` (the author's
own, ``{.appendix}``, lettered A, B …). The assembled book holds them in the
order :func:`book_order` gives: front, main, back, then (after the reference
list) the author's appendices.

A *target* is anything a cross-reference or an internal link may name: a
chapter, a heading, a labelled figure, table or equation, or a plain anchor,
with the text a reference to it reads ("Figure 3.2", "Chapter 3", a heading's
title). Numbers are given here, once, in the order the book is read, so every
format shows the same ones.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ..errors import QuireError, SourceLocation
from ..model import Chapter
from .labels import ChapterScan, auto_identifier, normalise, plain_heading_text, scan_chapter
from .settings import CrossrefConfig

NAMES = {"figure": "Figure", "table": "Table", "equation": "Equation", "listing": "Listing",
         "chapter": "Chapter", "appendix": "Appendix"}
NUMBERED_KINDS = ("figure", "table", "equation", "listing")


@dataclass(frozen=True)
class Role:
    """Where a chapter stands in the book, and its number or letter ("" when unnumbered)."""

    name: str  # front, main, back, appendix
    label: str


@dataclass(frozen=True)
class Target:
    """What an id names, and how a reference to it reads."""

    ident: str
    kind: str  # figure, table, equation, chapter, section, anchor
    number: str  # "3.2", "3", "A"; "" for headings and anchors
    title: str  # a heading's or chapter's title
    location: SourceLocation

    @property
    def text(self) -> str:
        """The words of a reference to it: "Figure 3.2", "Chapter 3", or a heading's title."""
        if self.kind in NAMES and self.number:
            return f"{NAMES[self.kind]}\u00a0{self.number}"
        return self.title


@dataclass(frozen=True)
class BookIndex:
    """Every target of the book, each chapter's role and scan, and the duplicate labels."""

    roles: dict[Path, Role]
    scans: dict[Path, ChapterScan]
    targets: dict[str, Target]
    heading_ids: dict[Path, tuple[str, ...]]  # the id of each body heading, in order
    anchors: dict[Path, str]  # the id of each chapter's heading (see chapter_ids)
    aliases: dict[Path, tuple[str, ...]]  # its other ids, as empty divs beside it
    by_heading_text: dict[str, str]  # normalised heading text -> id (the first such heading)
    errors: tuple[QuireError, ...]


def chapter_roles(chapters: list[Chapter]) -> dict[Path, Role]:
    """Each chapter's role: front and back matter around the numbered ones, appendices."""
    numbered = [i for i, ch in enumerate(chapters) if ch.numbered]
    first, last = (numbered[0], numbered[-1]) if numbered else (len(chapters), -1)
    roles, letters = {}, 0
    for index, chapter in enumerate(chapters):
        if "appendix" in chapter.classes:
            letters += 1
            roles[chapter.path] = Role("appendix", letter(letters - 1))
        elif chapter.numbered:
            roles[chapter.path] = Role("main", str(chapter.number))
        else:
            roles[chapter.path] = Role("front" if index < first else "back" if index > last
                                       else "interlude", "")
    return roles


def book_order(chapters: list[Chapter]) -> list[Chapter]:
    """The chapters as the book holds them: front, main, back; the author's appendices last."""
    roles = chapter_roles(chapters)
    return sorted(chapters, key=lambda ch: roles[ch.path].name == "appendix")


def letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def chapter_heading(chapter: Chapter, role: Role, settings: CrossrefConfig) -> str:
    """The heading a chapter opens with: "Chapter 9: Title", "9 Title", "Appendix A: Title"."""
    if not role.label or settings.chapter_label == "none":
        return chapter.title
    if role.name == "appendix":
        return f"Appendix {role.label}: {chapter.title}"
    if settings.chapter_label == "number":
        return f"{role.label} {chapter.title}"
    return f"Chapter {role.label}: {chapter.title}"


def index_book(chapters: list[Chapter], settings: CrossrefConfig,
               reserved: frozenset[str] = frozenset()) -> BookIndex:
    """Number every labelled figure, table and equation; give every heading its id."""
    roles = chapter_roles(chapters)
    targets: dict[str, Target] = {}
    errors: list[QuireError] = []
    used = set(reserved)
    counters: dict[tuple[str, str], int] = defaultdict(int)
    heading_ids, by_text, anchors, aliases = {}, {}, {}, {}

    def add(target: Target) -> None:
        if target.ident in targets:
            first = targets[target.ident].location
            errors.append(QuireError(f"duplicate label '{target.ident}' (also given at "
                                     f"{first})", target.location))
            return
        targets[target.ident] = target
        used.add(target.ident)

    ordered = book_order(chapters)
    scans = {chapter.path: scan_chapter(chapter) for chapter in ordered}
    # ids an alias must not take: pandoc does not count a div's id when it derives a heading's
    taken = {ident for scan in scans.values() for ident in
             [auto_identifier(h.text) for h in scan.headings] + [x.ident for x in scan.labels]}
    for chapter in ordered:
        role = roles[chapter.path]
        scan = scans[chapter.path]
        kind = "appendix" if role.name == "appendix" else "chapter"
        where = SourceLocation(chapter.path, chapter.heading_line)
        anchor, others = chapter_ids(chapter, used, taken)
        anchors[chapter.path], aliases[chapter.path] = anchor, others
        for ident in (anchor, *others):
            add(Target(ident, kind, role.label, chapter.title, where))
        by_text.setdefault(normalise(chapter.title), anchor)
        ids = []
        for heading in scan.headings:
            ident = heading.ident or _unique(auto_identifier(heading.text), used)
            ids.append(ident)
            add(Target(ident, "section", "", plain_heading_text(heading.text).strip(),
                       heading.location))
            by_text.setdefault(normalise(heading.text), ident)
        heading_ids[chapter.path] = tuple(ids)
        for label in scan.labels:
            if label.kind == "section":
                continue  # a heading's own id, added above
            number = ""
            if label.kind in NUMBERED_KINDS:
                prefix = role.label if settings.numbering == "chapter" else ""
                counters[(label.kind, prefix)] += 1
                count = counters[(label.kind, prefix)]
                number = f"{prefix}.{count}" if prefix else str(count)
            add(Target(label.ident, label.kind, number, "", label.location))
    return BookIndex(roles, scans, targets, heading_ids, anchors, aliases, by_text, tuple(errors))


def chapter_ids(chapter: Chapter, used: set[str],
                taken: set[str]) -> tuple[str, tuple[str, ...]]:
    """A chapter heading's id and its aliases. Its own id if it has one (a numbered chapter
    keeps quire's ``chapter-N`` beside it); else a numbered chapter is ``chapter-N``, with
    the id pandoc would derive from the title beside it (links written for pandoc or Quarto
    use it: ``#introduction``), and an unnumbered one has that derived id."""
    if chapter.ident:
        return chapter.ident, (chapter.alias,) if chapter.numbered else ()
    derived = auto_identifier(chapter.title)
    if not chapter.numbered:
        return _unique(derived, used), ()
    return chapter.alias, () if derived in used | taken else (_unique(derived, used),)


def _unique(ident: str, used: set[str]) -> str:
    """Pandoc's rule for a repeated automatic id: ``methods``, ``methods-1``, ``methods-2``."""
    candidate, count = ident, 0
    while candidate in used:
        count += 1
        candidate = f"{ident}-{count}"
    used.add(candidate)
    return candidate
