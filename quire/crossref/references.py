"""Cross-references and internal links: checked against the book's targets, then resolved.

A *cross-reference* is written like a citation whose key is a label:
Quarto's ``@fig-x``, ``@tbl-x``, ``@eq-x``, ``@sec-x``; pandoc-crossref's
``@fig:x``, ``[@fig:x; @fig:y]``, ``@Fig:x`` (capitalised) and ``[-@fig:x]``
(the number alone). Each becomes a link whose text the target gives
("Figure 3.2", "Figures 3.2 and 3.3", "3.2", "Chapter 3", a heading's title).

:func:`check_links` reports, each at its chapter's line and column: unknown
labels (never "citation keys"), duplicate labels, links ``[text](#id)`` to an
id the book does not have, and ``[text][ref]`` naming neither a heading nor a
definition. :func:`chapter_edits` lists the changes assembly makes to a
chapter's Markdown: references resolved, ``[Heading]`` links made explicit,
every heading one level down when the chapter holds more ``# `` headings than
its title (they are its top sections: the chapter's title stays the only
level-1 heading, so the table of contents and the EPUB's files follow chapters),
a heading's derived id written out where quire made it unique (pandoc does not
know the ids quire's own headings take later, such as ``references``),
each numbered label given its ``quire-label`` attribute, and each
``$$ … $$ {#eq-x}`` wrapped in a span Pandoc can carry an id on.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ..citations.syntax import CitationGroup, CiteItem, find_citation_groups
from ..errors import QuireError
from ..model import Chapter
from .index import NAMES, NUMBERED_KINDS, BookIndex, Target
from .labels import auto_identifier, kind_of, normalise

_ESCAPE = re.compile(r"([\[\]\\`*_<>])")
#: The author already wrote the name before the reference ("Table @tbl:x", "fig. @fig:x"): as
#: with pandoc-crossref's empty prefixes, the reference then gives the number alone.
_NAMED_BEFORE = re.compile(r"(?i)(?:\b(?:figures?|figs?\.|tables?|tabs?\.|tbls?\.|equations?|"
                           r"eqs?\.|eqns?\.|listings?|lsts?\.|chapters?|chaps?\.|ch\.|"
                           r"sections?|secs?\.|appendix|appendices)|§)[ \t\u00a0]*$")


@dataclass(frozen=True)
class Edit:
    """Replace ``body[start:end]`` with ``text``."""

    start: int
    end: int
    text: str


def is_crossref_key(key: str) -> bool:
    """Whether a cited key is a cross-reference label (``fig-x``, ``Fig:x``, ``sec-intro``)."""
    return kind_of(key) != "anchor"


def is_crossref_group(group: CitationGroup) -> bool:
    """Whether a citation-shaped group is a cross-reference (any of its keys is a label)."""
    return any(is_crossref_key(item.key) for item in group.items)


def crossref_groups(chapter: Chapter) -> list[CitationGroup]:
    """The citation-shaped groups of a chapter that are cross-references."""
    return [group for group in find_citation_groups(chapter.body, chapter.path, chapter.body_line)
            if is_crossref_group(group)]


def lookup(key: str, index: BookIndex) -> Target | None:
    """The target a reference names: ``Fig:x`` is ``fig:x`` capitalised."""
    return index.targets.get(key) or index.targets.get(key[:1].lower() + key[1:])


def check_links(chapters: list[Chapter], index: BookIndex,
                extra_ids: frozenset[str]) -> list[QuireError]:
    """Every unknown label, broken internal link and unknown link reference of the book."""
    errors = list(index.errors)
    known = set(index.targets) | extra_ids
    html_only = {i for scan in index.scans.values() for i in scan.html_ids} - known
    for chapter in chapters:
        for group in crossref_groups(chapter):
            for item in group.items:
                target = lookup(item.key, index)
                if target is None or target.kind == "anchor":
                    errors.append(QuireError(
                        f"unknown cross-reference label '{item.key}'"
                        f"{_suggest(item.key, [t for t, v in index.targets.items() if v.kind != 'anchor'])}",
                        item.location))
        scan = index.scans[chapter.path]
        for link in scan.links:
            if not link.reference:
                if link.target in html_only:
                    errors.append(QuireError(
                        f"link to '#{link.target}', an id given only in raw HTML: the PDF and "
                        f"the DOCX do not have it (give it with Pandoc's syntax: "
                        f"[text]{{#{link.target}}} or ::: {{#{link.target}}})", link.location))
                elif link.target not in known:
                    errors.append(QuireError(
                        f"broken link: the book has no heading or label '#{link.target}'"
                        f"{_suggest(link.target, sorted(known), '#')}", link.location))
            elif (link.explicit and link.target and normalise(link.target) not in scan.definitions
                  and normalise(link.target) not in index.by_heading_text):
                errors.append(QuireError(
                    f"unknown link reference '{link.target}': no heading and no definition "
                    f"'[{link.target}]: …' of that name", link.location))
        errors += [QuireError(problem, link.location) for link in scan.outward
                   if (problem := outward_problem(link.target))]
    return errors


#: A host name: labels of letters, digits and hyphens, with at least one dot (or localhost).
_HOST = re.compile(r"^(?:[\w-]+\.)+[\w-]+\.?(?::\d+)?$|^localhost(?::\d+)?$|^\[[0-9a-fA-F:.]+\]")


def outward_problem(target: str) -> str | None:
    """Why a link out of the book goes nowhere in an e-book, or None: an EPUB holds no files
    a relative link could reach, and a web address needs a host."""
    from urllib.parse import urlsplit

    parts = urlsplit(target)
    if not parts.scheme or len(parts.scheme) == 1:  # (a Windows drive letter is no scheme)
        hint = f" (did you mean 'https://{target}'?)" if _HOST.match(target.split("/")[0]) else ""
        return (f"link to '{target}' goes nowhere in the book: a link needs a web address "
                f"(https://…) or a label of the book (#id){hint}")
    if parts.scheme.lower() in ("http", "https", "ftp") and not _HOST.match(parts.netloc):
        return f"link to '{target}' is not a web address: it names no host"
    return None


def _suggest(key: str, known: list[str], mark: str = "") -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return f" (did you mean '{mark}{close[0]}'?)" if close else ""


def linked_ids(chapters: list[Chapter], index: BookIndex) -> set[str]:
    """Every id the chapters link to or cross-reference (a chapter's aliases are written out
    only when something names them)."""
    ids = {link.target for chapter in chapters for link in index.scans[chapter.path].links
           if not link.reference}
    for chapter in chapters:
        ids |= {target.ident for group in crossref_groups(chapter) for item in group.items
                if (target := lookup(item.key, index))}
    return ids


def chapter_edits(chapter: Chapter, index: BookIndex) -> list[Edit]:
    """The changes assembly makes to one chapter's body, in order, none overlapping."""
    edits = [Edit(group.start, group.end, reference_markdown(
                 group, index, bool(_NAMED_BEFORE.search(chapter.body[max(0, group.start - 20):
                                                                     group.start]))))
             for group in crossref_groups(chapter)]
    scan = index.scans[chapter.path]
    for link in scan.links:
        heading = index.by_heading_text.get(normalise(link.target))
        if link.reference and heading and normalise(link.target) not in scan.definitions:
            edits.append(Edit(link.start, link.end, f"[{link.text}](#{heading})"))
    if any(heading.level == 1 for heading in scan.headings):  # see demoted_headings
        edits += [Edit(h.line_start, h.line_start, "#") for h in scan.headings if h.level < 6]
    for heading, ident in zip(scan.headings, index.heading_ids[chapter.path]):
        if heading.ident is None and ident != auto_identifier(heading.text):
            # a derived id quire had to make unique: written out, so pandoc gives the same
            if heading.attrs_start is not None:
                edits.append(Edit(heading.attrs_start + 1, heading.attrs_start + 1, f"#{ident} "))
            else:
                edits.append(Edit(heading.text_end, heading.text_end, f" {{#{ident}}}"))
    body = chapter.body
    for label in scan.labels:
        target = index.targets.get(label.ident)
        if target is None or target.kind not in NUMBERED_KINDS or target.location != label.location:
            continue
        caption = f"({target.number})" if target.kind == "equation" else target.text
        attribute = f' quire-label="{caption}"'
        line_start = body.rfind("\n", 0, label.start) + 1
        if target.kind == "listing" and body[line_start:label.start].startswith(":"):
            # ": Caption {#lst:x}" (pandoc-crossref's code block caption): a caption div
            text = body[line_start + 1:label.start].strip()
            edits.append(Edit(line_start, label.end, f"::: {{#{label.ident} .listing{attribute}}}"
                                                     f"\n{text}\n:::"))
            continue
        if label.math_start is not None:  # $$ … $$ {#eq-x} -> [$$ … $$]{#eq-x …}
            math_end = len(body[:label.start].rstrip())
            edits.append(Edit(label.math_start, label.math_start, "["))
            edits.append(Edit(math_end, label.start, "]"))
        edits.append(Edit(label.end - 1, label.end - 1, attribute))
    return sorted(edits, key=lambda edit: (edit.start, edit.end))


def reference_markdown(group: CitationGroup, index: BookIndex, named: bool = False) -> str:
    """A cross-reference as Markdown links: "[Figure 3.2](#fig-x)", "Figures [3.2](#a) and …";
    the numbers alone when ``named`` (the text before it names the kind already)."""
    runs: list[list[tuple[Target, CiteItem]]] = []
    for item in group.items:
        target = lookup(item.key, index)
        assert target is not None, "unknown labels are reported before assembly"
        last = runs[-1] if runs else None
        if (last and last[0][0].kind == target.kind and target.number and not item.prefix
                and not last[-1][1].suffix and item.suppress_author == last[0][1].suppress_author):
            last.append((target, item))
        else:
            runs.append([(target, item)])
    words = []
    for run in runs:
        (first, first_item), last_item = run[0], run[-1][1]
        if first_item.suppress_author or named:  # [-@fig:x]: the number alone
            text = _join([_link(t.number or t.text, t.ident) for t, _ in run])
        elif len(run) == 1 or not first.number:
            text = _join([_link(t.text, t.ident) for t, _ in run])
        else:
            text = f"{NAMES[first.kind]}s\u00a0" + _join([_link(t.number, t.ident) for t, _ in run])
        prefix = f"{first_item.prefix} " if first_item.prefix else ""
        words.append(prefix + text + last_item.suffix)
    return _join(words)


def _link(text: str, ident: str) -> str:
    return "[" + _ESCAPE.sub(r"\\\1", text) + f"](#{ident})"


def _join(words: list[str]) -> str:
    if len(words) < 3:
        return " and ".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def apply_edits(body: str, edits: list[Edit]) -> str:
    """``body`` with every edit made (they are sorted and do not overlap)."""
    out, position = [], 0
    for edit in edits:
        out.append(body[position:edit.start])
        out.append(edit.text)
        position = edit.end
    out.append(body[position:])
    return "".join(out)


def shift_offset(offset: int, edits: list[Edit], *, end: bool = False) -> int:
    """Where ``offset`` of the body lands once ``edits`` are made (an insertion at a
    group's end stays after it)."""
    delta = 0
    for edit in edits:
        if edit.end < offset or (edit.end == offset and (not end or edit.start < offset)):
            delta += len(edit.text) - (edit.end - edit.start)
    return offset + delta
