"""``build.py stats``: per chapter its words, citations and quotations; per entry where it is cited."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Bibliography, Chapter, Citation


@dataclass(frozen=True)
class ChapterStats:
    """Counts for one chapter."""

    number: int
    title: str
    words: int
    citations: int
    quotations: int


def chapter_stats(chapters: list[Chapter], citations: list[Citation],
                  bibliography: Bibliography) -> list[ChapterStats]:
    """Words (of the chapter's text), citations, and entry quotations of each chapter."""
    result = []
    for chapter in chapters:
        cited = sum(c.location.path == chapter.path for c in citations)
        quoted = sum(q.chapter == chapter.number for e in bibliography.entries.values()
                     for q in e.quotations)
        words = len(re.findall(r"[\w'\u2019-]+", re.sub(r"[*_#>`\[\]]", " ", chapter.body)))
        result.append(ChapterStats(chapter.number, chapter.title, words, cited, quoted))
    return result


def citing_chapters(chapters: list[Chapter], citations: list[Citation]) -> dict[str, list[int]]:
    """Key -> the numbers of the chapters citing it, in reading order (a chapter once)."""
    number = {c.path: c.number for c in chapters}
    result: dict[str, list[int]] = {}
    for citation in citations:
        chapters_of_key = result.setdefault(citation.key, [])
        n = number.get(citation.location.path)
        if n is not None and n not in chapters_of_key:
            chapters_of_key.append(n)
    return result


def stats_report(chapters: list[Chapter], citations: list[Citation],
                 bibliography: Bibliography) -> str:
    """The whole report: a chapter table, then every citable work with its citing chapters."""
    rows = chapter_stats(chapters, citations, bibliography)
    lines = [f"{'chapter':>7}  {'words':>7}  {'citations':>9}  {'quotations':>10}  title"]
    for row in rows:
        lines.append(f"{row.number:>7}  {row.words:>7}  {row.citations:>9}  {row.quotations:>10}"
                     f"  {plain_title(row.title)}")
    lines.append(f"{'total':>7}  {sum(r.words for r in rows):>7}  "
                 f"{sum(r.citations for r in rows):>9}  {sum(r.quotations for r in rows):>10}")
    lines.append("")
    counts: dict[str, int] = {}
    for citation in citations:
        counts[citation.key] = counts.get(citation.key, 0) + 1
    where = citing_chapters(chapters, citations)
    width = max([len(key) for key in bibliography.keys] + [len("work")])
    lines.append(f"{'work':<{width}}  {'kind':<9}  {'cited':>5}  chapters")
    for key in bibliography.keys:
        kind = "entry" if key in bibliography.entries else "reference"
        chapters_text = ", ".join(map(str, where.get(key, []))) or "-"
        lines.append(f"{key:<{width}}  {kind:<9}  {counts.get(key, 0):>5}  {chapters_text}")
    return "\n".join(lines)


_DASHES = (("---", "\u2014"), ("--", "\u2013"))
_MARKUP = re.compile(r"\\(.)|[*_`]")


def plain_title(markdown: str) -> str:
    """A chapter title as a reader sees it: dashes typeset, emphasis marks and escapes gone."""
    text = _MARKUP.sub(lambda m: m.group(1) or "", markdown)
    for typed, dash in _DASHES:
        text = text.replace(typed, dash)
    return text
