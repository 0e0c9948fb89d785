"""Comparing two drafts part by part (chapters, references, appendices), word by word.

A *part* is one file of ``build/chapters/``. Its *status* is ``unchanged``,
``changed``, ``added`` or ``removed``; a changed part carries its *word ops*:
runs of equal, deleted and inserted words (paragraph breaks count as a token
of their own, so a diff can show where paragraphs begin).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

UNCHANGED, CHANGED, ADDED, REMOVED = "unchanged", "changed", "added", "removed"
PARAGRAPH = "\u00b6"
_TOKEN = re.compile(r"\n[ \t]*\n+|\S+")


@dataclass(frozen=True)
class WordOp:
    """A run of words: ``equal``, ``delete`` (in the old draft only) or ``insert`` (new only)."""

    kind: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class PartChange:
    """How one part differs between the drafts."""

    name: str
    status: str
    added: int = 0
    removed: int = 0
    ops: tuple[WordOp, ...] = field(default=(), repr=False)
    title: str = ""


def tokens(text: str) -> list[str]:
    """Words, with each paragraph break as the token :data:`PARAGRAPH`."""
    return [PARAGRAPH if t.strip() == "" else t for t in _TOKEN.findall(text.strip())]


def word_ops(old: str, new: str) -> list[WordOp]:
    """The word-level difference between two texts."""
    a, b = tokens(old), tokens(new)
    ops = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append(WordOp("equal", tuple(a[i1:i2])))
            continue
        if i2 > i1:
            ops.append(WordOp("delete", tuple(a[i1:i2])))
        if j2 > j1:
            ops.append(WordOp("insert", tuple(b[j1:j2])))
    return ops


def paragraph_runs(ops: tuple[WordOp, ...]) -> list[list[tuple[str, list[str]]]]:
    """The ops cut at paragraph breaks: per paragraph, its (kind, words) runs in order."""
    paragraphs: list[list[tuple[str, list[str]]]] = [[]]
    for op in ops:
        run: list[str] = []
        for word in op.words:
            if word == PARAGRAPH:
                if run:
                    paragraphs[-1].append((op.kind, run))
                    run = []
                paragraphs.append([])
            else:
                run.append(word)
        if run:
            paragraphs[-1].append((op.kind, run))
    return [p for p in paragraphs if p]


def _count(ops: list[WordOp], kind: str) -> int:
    return sum(len([w for w in op.words if w != PARAGRAPH]) for op in ops if op.kind == kind)


def compare_drafts(old: dict[str, str], new: dict[str, str]) -> list[PartChange]:
    """Every part of either draft, in the new draft's order, then parts removed."""
    changes = []
    for name in list(new) + [n for n in old if n not in new]:
        title = _title(new.get(name) or old.get(name) or "")
        if name not in old:
            changes.append(PartChange(name, ADDED, added=len(tokens(new[name])), title=title,
                                      ops=(WordOp("insert", tuple(tokens(new[name]))),)))
        elif name not in new:
            changes.append(PartChange(name, REMOVED, removed=len(tokens(old[name])), title=title,
                                      ops=(WordOp("delete", tuple(tokens(old[name]))),)))
        elif old[name] == new[name]:
            changes.append(PartChange(name, UNCHANGED, title=title))
        else:
            ops = word_ops(old[name], new[name])
            changes.append(PartChange(name, CHANGED, _count(ops, "insert"),
                                      _count(ops, "delete"), tuple(ops), title))
    return changes


def _title(text: str) -> str:
    return text.strip().split("\n", 1)[0].strip() if text.strip() else ""
