"""Plain data passed between the build's stages.

- :class:`Chapter`: one manuscript chapter, read but not yet transformed.
- :class:`Quotation`: a chapter's passage quoted in a research entry.
- :class:`Passage`: a passage of a study, stored in its entry, that chapters quote by id.
- :class:`Entry`: one research entry (a study the book uses) with its CSL-JSON reference.
- :class:`Bibliography`: every citable work: research entries and plain references.
- :class:`Citation`: one ``@key`` found in a chapter, with its location.
- :class:`AssembledBook`: the single Markdown document and metadata handed to pandoc.
- :class:`ParsedBook`: that document as pandoc's JSON tree, kept part by part.
- :class:`Artifact`: one rendered output file, held in memory until the last stage writes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import SourceLocation


@dataclass(frozen=True)
class Chapter:
    """A chapter file: its number (from the file name), title (from its ``# `` heading) and text."""

    path: Path
    number: int
    title: str
    heading_line: int
    body: str
    body_line: int
    ident: str | None = None  # the heading's own id (``# Title {#sec-intro}``)
    classes: tuple[str, ...] = ()  # the heading's classes (``unnumbered``, ``appendix``)
    short_title: str | None = None  # for the running heads: # Title {short="…"}

    @property
    def anchor(self) -> str:
        """The id of the chapter's heading in every output format: its own, or ``chapter-N``."""
        return self.ident or self.alias

    @property
    def alias(self) -> str:
        """quire's own id for the chapter, ``chapter-N``, kept as an alias of its own id."""
        return f"chapter-{self.number}"

    @property
    def numbered(self) -> bool:
        """False for front and back matter (``{.unnumbered}``, ``{-}``) and own appendices."""
        return not {"unnumbered", "appendix"} & set(self.classes)


@dataclass(frozen=True)
class Section:
    """One ``##`` section of a research entry."""

    title: str
    text: str
    line: int


@dataclass(frozen=True)
class Quotation:
    """A passage of a chapter quoted in a research entry, with where the entry quotes it."""

    chapter: int
    text: str
    location: SourceLocation


@dataclass(frozen=True)
class Passage:
    """A passage of the study itself stored in an entry, which chapters can quote by id."""

    ident: str
    text: str
    page: str | None
    location: SourceLocation


@dataclass(frozen=True)
class Entry:
    """A research entry: a study, its reference as a CSL-JSON item, and the entry's sections.

    ``citation`` is the reference as the author wrote it; ``csl`` is what the build formats.
    """

    key: str
    path: Path
    csl: dict[str, Any]
    sections: tuple[Section, ...]
    further_reading: tuple[str, ...] = ()
    quotations: tuple[Quotation, ...] = ()
    citation: str = ""
    passages: tuple[Passage, ...] = ()
    further_reading_location: SourceLocation | None = None


@dataclass(frozen=True)
class Bibliography:
    """Every work the book may cite, by key: research entries and plain references."""

    entries: dict[str, Entry] = field(default_factory=dict)
    references: dict[str, dict[str, Any]] = field(default_factory=dict)
    locations: dict[str, SourceLocation] = field(default_factory=dict)

    def item(self, key: str) -> dict[str, Any]:
        """The CSL-JSON item of ``key`` (an entry's reference or a plain reference)."""
        if key in self.entries:
            return self.entries[key].csl
        return self.references[key]

    @property
    def keys(self) -> list[str]:
        """All citable keys, sorted."""
        return sorted({*self.entries, *self.references})


@dataclass(frozen=True)
class Citation:
    """One cited key in a chapter, where it stands."""

    key: str
    location: SourceLocation


@dataclass(frozen=True)
class AssembledBook:
    """One Pandoc Markdown document with its metadata: the input of every renderer."""

    markdown: str
    metadata: dict[str, Any]
    csl_path: Path
    resource_root: Path
    parts: tuple[tuple[str, str], ...] = ()  # (name, Markdown) of each chapter and appendix


@dataclass(frozen=True)
class ParsedBook:
    """The assembled book as pandoc's JSON tree, kept part by part (chapter, reference list,
    appendix) so that a part left unchanged is reused as it is.

    ``head`` is the tree's JSON up to its body (``{"pandoc-api-version":…,"meta":{…},
    "blocks":[``); ``parts`` holds each part's name and its blocks, as the JSON items of
    the body (comma-separated, without the brackets; empty for a part with no blocks).
    """

    head: bytes
    parts: tuple[tuple[str, bytes], ...]

    def document(self, bodies: tuple[bytes, ...] | None = None) -> bytes:
        """The whole tree as JSON: the parts' blocks, or ``bodies`` in their place."""
        chosen = bodies if bodies is not None else tuple(body for _, body in self.parts)
        return self.head + b",".join(body for body in chosen if body) + b"]}"


@dataclass(frozen=True)
class Artifact:
    """One output file, rendered in memory."""

    format: str
    filename: str
    data: bytes
