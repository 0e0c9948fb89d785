"""Reading research entries in the author's plain-text format (the "seed" format).

The format, one paragraph per line::

    APA Citation
    Rizzolatti, G., & Craighero, L. (2004). The mirror-neuron system. *Annual ...*, 27, 169--192.
    What This Research Found
    Giacomo Rizzolatti and Laila Craighero's 2004 review ...
    The discovery was accidental but revolutionary. In the early 1990s, ...
    How This Research Is Used in the Book
    In Chapter 9: Neurological Architecture---Networks, ..., mirror neuron research ...:
    "Giacomo Rizzolatti's discovery of mirror neurons ..."
    Broader Implications
    The Neurobiological Foundation of Social Connection
    The discovery of mirror neurons demonstrates ...
    Further Reading
    - Rizzolatti, G. & Sinigaglia, C. (2008). Mirrors in the Brain: ... Oxford University Press.

Vocabulary:

- *section*: a part opened by one of the known headings (:data:`DEFAULT_SECTIONS`,
  configurable in book.yaml as ``entry_sections``). "APA Citation" is not a
  section: the line after it is the entry's reference.
- *block*: one line of a section: a paragraph, a *sub-heading* (a short line
  without final punctuation), a *quotation* of a chapter (a line in double
  quotes after a line "In Chapter N: Title, ...:"), or a further-reading item.
- *lead sentence*: the short first sentence that opens the paragraphs of a
  section such as "What This Research Found"; kept distinguishable (emphasised
  in the canonical format).

:func:`parse_seed` is a pure function of the text; every line it cannot
classify is an error with its line number.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import QuireError, SourceLocation, raise_all
from .apa_parser import parse_reference

CITATION_LABEL = "APA Citation"
FURTHER_READING = "Further Reading"
DEFAULT_SECTIONS = (
    "What This Research Found",
    "How This Research Is Used in the Book",
    "Why This Matters for Survivors",
    "Clinical Implications",
    "Broader Implications",
    "Limitations and Considerations",
    "Historical Context",
    FURTHER_READING,
)

PARAGRAPH, SUBHEADING, QUOTATION, ITEM = "paragraph", "subheading", "quotation", "item"
PASSAGE = "passage"  # a passage of the study itself (canonical entries only), with its page

_QUOTE_INTRO = re.compile(r"^In Chapter (?P<number>\d+)\b.*:$")
_QUOTED = re.compile(r'^["\u201c](?P<text>.*)["\u201d]$')
_ITEM = re.compile(r"^(?P<marker>[-*\u2022]|\d+\.)[ \t]+(?P<text>\S.*)$")
_FINAL_PUNCTUATION = tuple(".!?:;,\"'\u201d\u2019)\u2026")
_LEAD = re.compile(r"^(?P<lead>.+?[.!?])\s+(?=[A-Z\"'\u2018\u201c(])")
MAX_HEADING_WORDS = 12
MAX_LEAD_WORDS = 16


@dataclass(frozen=True)
class Block:
    """One line of a section, classified. ``lead`` is the paragraph's lead sentence, if any."""

    kind: str
    text: str
    line: int
    chapter: int | None = None
    lead: str | None = None
    reference: dict[str, Any] | None = None
    ident: str | None = None
    page: str | None = None


@dataclass(frozen=True)
class SeedSection:
    """A section: its heading, the heading's line, and its blocks."""

    title: str
    line: int
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class SeedEntry:
    """A whole entry in the seed format, parsed."""

    citation: str
    citation_line: int
    reference: dict[str, Any]
    sections: tuple[SeedSection, ...]

    @property
    def further_reading(self) -> list[Block]:
        """The further-reading items, each with its parsed reference."""
        return [b for s in self.sections for b in s.blocks if b.kind == ITEM]


def parse_seed(text: str, path: Path,
               known_sections: tuple[str, ...] = DEFAULT_SECTIONS) -> SeedEntry:
    """Parse a research entry in the seed format; every unclassifiable line is an error."""
    lines = text.split("\n")
    numbered = [(i + 1, line.strip()) for i, line in enumerate(lines) if line.strip()]
    if not numbered or numbered[0][1] != CITATION_LABEL:
        where = numbered[0][0] if numbered else 1
        raise QuireError(f"a research entry starts with the line '{CITATION_LABEL}', then its "
                         "APA reference", SourceLocation(path, where))
    if len(numbered) < 2 or numbered[1][1] in known_sections:
        raise QuireError(f"no APA reference after '{CITATION_LABEL}'",
                         SourceLocation(path, numbered[0][0] + 1))
    citation_line, citation = numbered[1]
    reference = parse_reference(citation, SourceLocation(path, citation_line))
    sections, errors = _sections(numbered[2:], path, known_sections)
    raise_all(errors)
    if not sections:
        raise QuireError(f"no sections: expected a heading such as '{known_sections[0]}' after "
                         "the reference", SourceLocation(path, citation_line + 1))
    return SeedEntry(citation, citation_line, reference, tuple(sections))


def _sections(numbered: list[tuple[int, str]], path: Path,
              known: tuple[str, ...]) -> tuple[list[SeedSection], list[QuireError]]:
    errors: list[QuireError] = []
    groups: list[tuple[str, int, list[tuple[int, str]]]] = []
    for number, line in numbered:
        if line in known:
            if any(title == line for title, _, _ in groups):
                errors.append(QuireError(f"section '{line}' appears twice",
                                         SourceLocation(path, number)))
            groups.append((line, number, []))
        elif not groups:
            hint = _close_heading(line, known)
            errors.append(QuireError(
                f"expected a section heading here, such as '{known[0]}'"
                + (f" (did you mean '{hint}'?)" if hint else f"; known headings: {', '.join(known)}"),
                SourceLocation(path, number)))
            return [], errors
        else:
            groups[-1][2].append((number, line))
    sections = []
    for title, number, body in groups:
        if not body:
            errors.append(QuireError(f"section '{title}' is empty", SourceLocation(path, number)))
            continue
        reader = _further_reading if title == FURTHER_READING else _prose
        blocks = reader(body, path, known, errors)
        sections.append(SeedSection(title, number, tuple(blocks)))
    return sections, errors


def _prose(body: list[tuple[int, str]], path: Path, known: tuple[str, ...],
           errors: list[QuireError]) -> list[Block]:
    blocks: list[Block] = []
    index = 0
    while index < len(body):
        number, line = body[index]
        following = body[index + 1][1] if index + 1 < len(body) else None
        intro = _QUOTE_INTRO.match(line)
        if intro:
            blocks.append(Block(PARAGRAPH, line, number))
            quoted = _QUOTED.match(following) if following is not None else None
            if quoted is None:
                where = body[index + 1][0] if following is not None else number
                errors.append(QuireError(
                    f"expected the passage quoted from chapter {intro.group('number')} on the "
                    "next line, in double quotes", SourceLocation(path, where)))
                index += 1
                continue
            blocks.append(Block(QUOTATION, quoted.group("text"), body[index + 1][0],
                                chapter=int(intro.group("number"))))
            index += 2
            continue
        if _looks_like_heading(line):
            hint = _close_heading(line, known)
            if hint:
                errors.append(QuireError(f"unknown section heading '{line}' (did you mean "
                                         f"'{hint}'?)", SourceLocation(path, number)))
            elif following is None or _looks_like_heading(following):
                errors.append(QuireError(
                    f"'{line}' looks like a heading but no paragraph follows it",
                    SourceLocation(path, number)))
            else:
                blocks.append(Block(SUBHEADING, line, number))
            index += 1
            continue
        blocks.append(Block(PARAGRAPH, line, number))
        index += 1
    return _mark_leads(blocks)


def _further_reading(body: list[tuple[int, str]], path: Path, known: tuple[str, ...],
                     errors: list[QuireError]) -> list[Block]:
    blocks = []
    for number, line in body:
        match = _ITEM.match(line)
        if not match:
            errors.append(QuireError(f"expected a list item ('- Author, A. (2004). Title ...') in "
                                     f"'{FURTHER_READING}'", SourceLocation(path, number)))
            continue
        try:
            reference = parse_reference(match.group("text"), SourceLocation(path, number))
        except QuireError as exc:
            errors.append(exc)
            continue
        blocks.append(Block(ITEM, line, number, reference=reference))
    return blocks


def _looks_like_heading(line: str) -> bool:
    words = line.split()
    return (0 < len(words) <= MAX_HEADING_WORDS and line[0].isupper()
            and not line.endswith(_FINAL_PUNCTUATION) and not _ITEM.match(line))


def _close_heading(line: str, known: tuple[str, ...]) -> str | None:
    close = difflib.get_close_matches(line.lower(), [k.lower() for k in known], n=1, cutoff=0.8)
    return next(k for k in known if k.lower() == close[0]) if close else None


def _mark_leads(blocks: list[Block]) -> list[Block]:
    """Mark lead sentences where most of a section's following paragraphs open with one."""
    candidates = [i for i, b in enumerate(blocks)
                  if b.kind == PARAGRAPH and i > 0 and blocks[i - 1].kind == PARAGRAPH
                  and not _QUOTE_INTRO.match(b.text)]
    leads = {i: lead for i in candidates if (lead := lead_sentence(blocks[i].text))}
    if len(candidates) < 2 or len(leads) * 4 < len(candidates) * 3:
        return blocks
    return [Block(b.kind, b.text, b.line, lead=leads[i]) if i in leads else b
            for i, b in enumerate(blocks)]


def lead_sentence(paragraph: str) -> str | None:
    """The paragraph's first sentence if it is short and more text follows it."""
    match = _LEAD.match(paragraph)
    if match and len(match.group("lead").split()) <= MAX_LEAD_WORDS and "*" not in match.group(0):
        return match.group("lead")
    return None


def format_seed(entry: SeedEntry) -> str:
    """The seed-format text of ``entry`` (the inverse of :func:`parse_seed`)."""
    lines = [CITATION_LABEL, entry.citation]
    for section in entry.sections:
        lines.append(section.title)
        for block in section.blocks:
            lines.append(f'"{block.text}"' if block.kind == QUOTATION else block.text)
    return "\n".join(lines) + "\n"
