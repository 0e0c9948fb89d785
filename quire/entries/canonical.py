"""The canonical research-entry format: ``bibliography/entries/<key>.md``.

An entry is Pandoc Markdown with YAML front matter::

    ---
    key: rizzolatti2004
    citation: Rizzolatti, G., & Craighero, L. (2004). The mirror-neuron system. ...
    reference:            # the CSL-JSON item the book cites
      type: article-journal
      ...
    further-reading: [rizzolatti2008, iacoboni2008]
    ---

    ## What This Research Found

    A first paragraph.

    **A lead sentence.** The rest of its paragraph.

    ### A sub-heading

    In Chapter 9: Neurological Architecture, the research ...:

    ::: {.quotation chapter="9"}
    The passage of chapter 9, word for word.
    :::

    ::: {.passage #mirror-system page="172"}
    A passage of the study itself, which a chapter can quote by key and id.
    :::

    ## Further Reading

    - Rizzolatti, G. & Sinigaglia, C. (2008). Mirrors in the Brain. ...

``citation`` is the reference line as the author wrote it; ``reference`` is
what the build formats; ``further-reading`` holds the keys of the Further
Reading items, in order, each a plain reference in ``references.json``.

:func:`entry_markdown` writes the format from a parsed seed entry;
:func:`parse_body` reads the body back into blocks (the store and
:func:`seed_entry` use it), so the two formats convert both ways without loss.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import QuireError, SourceLocation

from .seed_format import (ITEM, PARAGRAPH, PASSAGE, QUOTATION, SUBHEADING, Block, SeedEntry,
                          SeedSection)

_QUOTE_OPEN = re.compile(r'^:::+\s*\{\s*\.quotation\s+chapter="?(?P<chapter>\d+)"?\s*\}\s*$')
_PASSAGE_OPEN = re.compile(r'^:::+\s*\{\s*\.passage\s+#(?P<id>[\w:.-]+)'
                           r'(?:\s+page="?(?P<page>[^"}\s]+)"?)?\s*\}\s*$')
_FENCE_CLOSE = re.compile(r"^:::+\s*$")
_LEAD = re.compile(r"^\*\*(?P<lead>[^*]+)\*\*(?P<rest>\s.*)?$")
#: A paragraph starting like this would be read as another Markdown element.
_NEEDS_ESCAPE = re.compile(r"^(?:[#>:+*|=-]|\d+[.)](?:\s|$)|\\)")
FRONT_MATTER_ORDER = ("key", "citation", "reference", "further-reading")
CSL_ORDER = ("id", "type", "author", "editor", "issued", "status", "title", "container-title",
             "edition", "volume", "issue", "page", "number", "publisher", "DOI", "URL",
             "accessed", "custom")


@dataclass(frozen=True)
class BodySection:
    """A ``##`` section of a canonical entry: its title, line, blocks and Markdown text."""

    title: str
    line: int
    blocks: tuple[Block, ...]
    text: str


def entry_markdown(key: str, entry: SeedEntry, further_keys: list[str]) -> str:
    """The canonical entry file for a parsed seed entry."""
    meta: dict[str, Any] = {"key": key, "citation": entry.citation,
                            "reference": csl_ordered(entry.reference)}
    if further_keys:
        meta["further-reading"] = further_keys
    parts = [f"---\n{dump_yaml(meta)}---\n"]
    for section in entry.sections:
        parts.append(f"## {section.title}\n")
        parts.extend(_block_markdown(block) for block in section.blocks)
    return "\n".join(parts)


def _block_markdown(block: Block) -> str:
    if block.kind == SUBHEADING:
        return f"### {block.text}\n"
    if block.kind == QUOTATION:
        return f'::: {{.quotation chapter="{block.chapter}"}}\n{_escape(block.text)}\n:::\n'
    if block.kind == ITEM:
        return f"{block.text}\n"
    if block.lead:
        return f"**{block.lead}**{block.text[len(block.lead):]}\n"
    return f"{_escape(block.text)}\n"


def escape_line(text: str) -> str:
    """One line of block text as written into an entry: a backslash before a start that
    would read as Markdown structure (``## `` would open a section, ``:::`` a fence)."""
    return _escape(text)


def _escape(text: str) -> str:
    return "\\" + text if _NEEDS_ESCAPE.match(text) else text


def csl_ordered(item: dict[str, Any]) -> dict[str, Any]:
    """A CSL-JSON item with its fields in a fixed, readable order (type and names first)."""
    known = {k: item[k] for k in CSL_ORDER if k in item}
    return {**known, **{k: item[k] for k in sorted(item) if k not in known}}


def dump_yaml(data: dict[str, Any]) -> str:
    """Front matter YAML in a stable form: keys in order, long lines unwrapped."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = None
    yaml.width = 1 << 16
    yaml.allow_unicode = True
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[attr-defined]
    stream = io.StringIO()
    ordered = {k: data[k] for k in FRONT_MATTER_ORDER if k in data}
    ordered.update({k: v for k, v in data.items() if k not in ordered})
    yaml.dump(ordered, stream)
    return stream.getvalue()


def parse_body(lines: list[str], first_line: int, path: Path) -> list[BodySection]:
    """The ``##`` sections of an entry body (which starts at ``first_line``), as blocks."""
    sections: list[BodySection] = []
    title: str | None = None
    start = first_line
    buffer: list[tuple[int, str]] = []
    for offset, line in enumerate(lines + ["## "]):
        if line.startswith("## ") or offset == len(lines):
            if title is not None:
                sections.append(_section(title, start, buffer, path))
            title, start, buffer = line[3:].strip(), first_line + offset, []
        elif title is not None:
            buffer.append((first_line + offset, line))
    return sections


def _section(title: str, line: int, body: list[tuple[int, str]], path: Path) -> BodySection:
    blocks: list[Block] = []
    paragraph: list[tuple[int, str]] = []
    quote: tuple[Any, int, list[str]] | None = None
    opened_at = line

    def flush() -> None:
        if paragraph:
            blocks.append(_paragraph(" ".join(t.strip() for _, t in paragraph), paragraph[0][0]))
            paragraph.clear()

    for number, text in body:
        if quote is not None:
            if _FENCE_CLOSE.match(text):
                chapter, at, quoted = quote
                body_text = _unescape(" ".join(quoted).strip())
                if isinstance(chapter, tuple):  # a passage: (id, page)
                    blocks.append(Block(PASSAGE, body_text, at, ident=chapter[0],
                                        page=chapter[1]))
                else:
                    blocks.append(Block(QUOTATION, body_text, at, chapter=chapter))
                quote = None
            elif text.strip():
                quote[2].append(text.strip())
            continue
        opened = _QUOTE_OPEN.match(text)
        passage = _PASSAGE_OPEN.match(text)
        if opened or passage:
            flush()
            opened_at = number
            kind: Any = (int(opened.group("chapter")) if opened else
                         (passage.group("id"), passage.group("page")))
            quote = (kind, number + 1, [])
        elif text.startswith("### "):
            flush()
            blocks.append(Block(SUBHEADING, text[4:].strip(), number))
        elif re.match(r"^(?:[-*\u2022]|\d+\.)[ \t]+\S", text) and not paragraph:
            blocks.append(Block(ITEM, text.strip(), number))
        elif not text.strip():
            flush()
        else:
            paragraph.append((number, text))
    flush()
    if quote is not None:
        raise QuireError("quotation opened with ':::' is never closed",
                         SourceLocation(path, opened_at))
    markdown = "\n".join(t for _, t in body).strip()
    return BodySection(title, line, tuple(blocks), markdown)


def _paragraph(text: str, line: int) -> Block:
    lead = _LEAD.match(text)
    if lead:
        return Block(PARAGRAPH, lead.group("lead") + (lead.group("rest") or ""), line,
                     lead=lead.group("lead"))
    return Block(PARAGRAPH, _unescape(text), line)


def _unescape(text: str) -> str:
    return text[1:] if text.startswith("\\") and _NEEDS_ESCAPE.match(text[1:]) else text


def seed_entry(citation: str, reference: dict[str, Any],
               sections: list[BodySection]) -> SeedEntry:
    """A canonical entry seen as a seed entry again (for export and the lossless check)."""
    return SeedEntry(citation, 2, reference,
                     tuple(SeedSection(s.title, s.line, s.blocks) for s in sections))
