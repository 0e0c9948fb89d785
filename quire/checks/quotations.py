"""Quotations kept true: each chapter passage a research entry quotes, checked against the chapter.

Vocabulary:

- *quotation*: a passage of a chapter quoted in an entry (``::: {.quotation
  chapter="11"}``; :class:`~quire.model.Quotation`).
- *normal form*: the text compared: whitespace folded, straight and curly quotes
  alike, ``---``/``--`` as dashes, Markdown emphasis and escapes dropped.
- *status*: ``ok`` (found in the chapter it names), ``moved`` (found in another
  chapter), ``stale`` (not found; the named chapter has a close passage, shown
  with a word-level diff), ``missing`` (nothing close in the named chapter).

:func:`check_quotations` is a pure function of chapters and entries;
:func:`report_quotations` turns problems into errors (or warnings with
``--allow-stale-quotes``); :func:`fixed_entry_text` rewrites an entry's
stale quotation from the chapter, never the other way round.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import QuireError, Reporter, SourceLocation, display_path, raise_all
from ..entries.canonical import escape_line
from ..model import Chapter, Entry, Quotation

OK, MOVED, STALE, MISSING = "ok", "moved", "stale", "missing"
#: Share of a quotation's words that a passage must hold to count as the stale version of it.
CLOSE_ENOUGH = 0.5
CONTEXT_WORDS = 4


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of a chapter: its Markdown, its first line, its words in normal form."""

    text: str
    line: int
    words: tuple[str, ...]


@dataclass(frozen=True)
class QuotationCheck:
    """The status of one quotation, and where its passage is (or the closest one)."""

    entry: Entry
    quotation: Quotation
    status: str
    chapter: Chapter | None = None
    line: int | None = None
    passage: str = ""
    diff: str = ""

    @property
    def where(self) -> SourceLocation | None:
        """The passage (or closest passage) in the chapter."""
        return SourceLocation(self.chapter.path, self.line) if self.chapter else None


def normal_form(text: str) -> str:
    """Text as compared: emphasis, escapes and quote styles ignored, dashes unified."""
    text = text.replace("\\", "")  # escapes (and the rare literal backslash) do not count
    text = re.sub(r"(?<!\w)[*_]+|[*_]+(?!\w)", "", text)
    text = text.replace("---", "\u2014").replace("--", "\u2013")
    text = re.sub("[\u2018\u2019\u02bc]", "'", text)
    text = re.sub("[\u201c\u201d]", '"', text)
    return re.sub(r"\s+", " ", text).strip()


def paragraphs(chapter: Chapter) -> list[Paragraph]:
    """The chapter's paragraphs (blocks between blank lines), with their lines."""
    result, buffer, start = [], [], chapter.body_line
    for offset, line in enumerate(chapter.body.split("\n") + [""]):
        if line.strip():
            if not buffer:
                start = chapter.body_line + offset
            buffer.append(line.strip())
        elif buffer:
            text = " ".join(buffer)
            result.append(Paragraph(text, start, tuple(normal_form(text).split())))
            buffer = []
    return result


def check_quotations(chapters: list[Chapter], entries: dict[str, Entry]) -> list[QuotationCheck]:
    """The status of every quotation in every entry, in entry and reading order."""
    by_number = {c.number: c for c in chapters}
    texts = {c.number: paragraphs(c) for c in chapters}
    # Each chapter's paragraphs joined once (not once per quotation), "\n" between them: one
    # substring search per chapter finds a quotation (a quotation holds no "\n").
    joined = {n: "\n".join(" ".join(p.words) for p in paras) for n, paras in texts.items()}
    return [_check(entry, quote, by_number, texts, joined)
            for key in sorted(entries) for entry in [entries[key]] for quote in entry.quotations]


def _check(entry: Entry, quote: Quotation, chapters: dict[int, Chapter],
           texts: dict[int, list[Paragraph]], joined: dict[int, str]) -> QuotationCheck:
    wanted = normal_form(quote.text)
    order = [quote.chapter] + sorted(n for n in chapters if n != quote.chapter)
    for number in order:
        at = joined[number].find(wanted) if texts.get(number) else -1
        if at >= 0:
            para = texts[number][joined[number].count("\n", 0, at)]
            status = OK if number == quote.chapter else MOVED
            return QuotationCheck(entry, quote, status, chapters[number], para.line)
    if quote.chapter not in chapters:
        return QuotationCheck(entry, quote, MISSING)
    words = wanted.split()
    best, best_score, span = None, 0.0, (0, 0)
    for para in texts[quote.chapter]:
        present = set(para.words)  # a bound on the score: skip the quadratic comparison
        if sum(word in present for word in words) < CLOSE_ENOUGH * len(words):
            continue
        matcher = difflib.SequenceMatcher(None, words, list(para.words), autojunk=False)
        blocks = [b for b in matcher.get_matching_blocks() if b.size]
        score = sum(b.size for b in blocks) / max(1, len(words))
        if blocks and score > best_score:
            best, best_score = para, score
            # The passage runs as far as the quotation would: changed words at either end count.
            tail = len(words) - (blocks[-1].a + blocks[-1].size)
            span = (max(0, blocks[0].b - blocks[0].a),
                    min(len(para.words), blocks[-1].b + blocks[-1].size + tail))
    if best is None or best_score < CLOSE_ENOUGH:
        return QuotationCheck(entry, quote, MISSING, chapters[quote.chapter])
    passage = " ".join(best.text.split()[span[0]:span[1]]) if _aligned(best) else \
        " ".join(best.words[span[0]:span[1]])
    return QuotationCheck(entry, quote, STALE, chapters[quote.chapter], best.line, passage,
                          word_diff(words, list(best.words[span[0]:span[1]])))


def _aligned(para: Paragraph) -> bool:
    """Whether the paragraph's words and its normal-form words correspond one to one."""
    return len(para.text.split()) == len(para.words)


def word_diff(old: list[str], new: list[str]) -> str:
    """The changed words, ``[-old-]{+new+}``, with a few words of context around each change."""
    old, new = _split_dashes(old), _split_dashes(new)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    pieces = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        before = " ".join(old[max(0, i1 - CONTEXT_WORDS):i1])
        after = " ".join(old[i2:i2 + CONTEXT_WORDS])
        change = ""
        if i2 > i1:
            change += "[-" + " ".join(old[i1:i2]) + "-]"
        if j2 > j1:
            change += "{+" + " ".join(new[j1:j2]) + "+}"
        pieces.append(" ".join(p for p in ("\u2026" + before if before else "", change,
                                          after + "\u2026" if after else "") if p))
    return "\n".join(pieces)


def _split_dashes(words: list[str]) -> list[str]:
    """Words with dashes as words of their own, so a diff shows "mutual" not "mutual—each"."""
    return [part for word in words for part in re.split("([—–])", word) if part]


def problem_message(check: QuotationCheck) -> str:
    """The message for a quotation that is not ok."""
    named = f"chapter {check.quotation.chapter}"
    if check.status == MOVED:
        return (f"quotation of {named} is in chapter {check.chapter.number}, at "
                f"{check.where}: change the entry's chapter=\"{check.quotation.chapter}\" to "
                f"chapter=\"{check.chapter.number}\" (or run `quotes --fix --yes`)")
    if check.status == MISSING:
        if check.chapter is None:
            return f"quotation of {named}: the book has no chapter {check.quotation.chapter}"
        return (f"quotation of {named} is not in {display_path(check.chapter.path)} "
                "(nor in any other chapter), and no passage there is close to it")
    return (f"stale quotation of {named}: the chapter now reads differently at "
            f"{check.where}\n    " + check.diff.replace("\n", "\n    "))


def report_quotations(checks: list[QuotationCheck], reporter: Reporter,
                      allow_stale: bool = False) -> None:
    """Every quotation that is not ok: an error (or, with ``allow_stale``, a warning)."""
    problems = [c for c in checks if c.status != OK]
    if allow_stale:
        for check in problems:
            reporter.warn(problem_message(check), check.quotation.location)
        return
    raise_all([QuireError(problem_message(c), c.quotation.location) for c in problems])


def fixed_entry_text(text: str, checks: list[QuotationCheck]) -> str:
    """The entry file's text with its stale quotations replaced and moved ones re-pointed."""
    lines = text.split("\n")
    for check in sorted(checks, key=lambda c: -c.quotation.location.line):
        first = check.quotation.location.line - 1  # first line of the quoted text
        opener = first - 1
        if check.status == MOVED:
            lines[opener] = re.sub(r'chapter="?\d+"?', f'chapter="{check.chapter.number}"',
                                   lines[opener])
        elif check.status == STALE:
            end = first
            while end < len(lines) and not re.match(r"^:::+\s*$", lines[end]):
                end += 1
            lines[first:end] = [escape_line(check.passage)]  # never a '## ' line (write-back)
    return "\n".join(lines)


def quotation_path(check: QuotationCheck) -> Path:
    """The entry file a quotation stands in."""
    return check.quotation.location.path
