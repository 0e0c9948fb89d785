"""``build.py quotes``: every quotation's status, and the repair of stale ones from the chapters.

The repair goes one way only: the entry is rewritten from the chapter (the
chapter is the author's text; the entry quotes it). Without ``--yes`` it
shows the change and writes nothing.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from .confine import check_write_target
from ..project.config import load_config
from ..entries.canonical import parse_body
from ..entries.seed_format import QUOTATION
from ..entries.store import load_bibliography
from ..errors import QuireError, SourceLocation, display_path
from ..project.frontmatter import split_front_matter
from ..project.manuscript import read_chapters
from ..build.output import write_atomically
from .quotations import (MOVED, OK, STALE, QuotationCheck, check_quotations, fixed_entry_text,
                         quotation_path)
from ..project.textfiles import read_text


def _checks(project: Path) -> list[QuotationCheck]:
    config = load_config(project)
    return check_quotations(read_chapters(config), load_bibliography(config.root).entries)


def list_quotations(project: Path) -> tuple[list[str], int]:
    """One line per quotation: status, entry location, chapter, passage location."""
    checks = _checks(project)
    lines = [f"{'status':<8} {'entry':<44} {'chapter':>7}  passage"]
    for check in checks:
        where = str(check.where) if check.where else "-"
        lines.append(f"{check.status:<8} {str(check.quotation.location):<44} "
                     f"{check.quotation.chapter:>7}  {where}")
    problems = sum(c.status != OK for c in checks)
    lines.append(f"{len(checks)} quotations, {problems} not ok")
    return lines, problems


def fix_quotations(project: Path, *, write: bool) -> list[str]:
    """Show (and with ``write``, make) the entry changes that repair stale and moved quotations."""
    fixable = [c for c in _checks(project) if c.status in (STALE, MOVED)]
    report: list[str] = []
    by_file: dict[Path, list[QuotationCheck]] = {}
    for check in fixable:
        by_file.setdefault(quotation_path(check), []).append(check)
    root = load_config(project).root
    for path, checks in sorted(by_file.items()):
        old = read_text(path)
        new = fixed_entry_text(old, checks)
        _check_reads_back(path, new, len(checks[0].entry.quotations))
        name = display_path(path)
        report.extend(difflib.unified_diff(old.split("\n"), new.split("\n"), name, name,
                                           lineterm="", n=1))
        if write:
            write_entry(root, path, new)
    if not fixable:
        report.append("every quotation matches its chapter; nothing to fix")
    elif write:
        report.append(f"fixed {len(fixable)} quotation(s) in {len(by_file)} entr"
                      f"{'y' if len(by_file) == 1 else 'ies'}")
    else:
        report.append(f"{len(fixable)} quotation(s) would change; run `quotes --fix --yes` to "
                      "write these changes into the entries")
    return report


def write_entry(root: Path, path: Path, text: str) -> Path:
    """Write an entry's new text as the file was: its line endings kept (CRLF stays CRLF),
    through a link to a file inside the project (the link stays a link)."""
    target = check_write_target(root, path, "the entry")
    if b"\r\n" in target.read_bytes():
        text = text.replace("\n", "\r\n")
    return write_atomically(target, text.encode("utf-8"))


def _check_reads_back(path: Path, text: str, quotations: int) -> None:
    """Raise unless the rewritten entry reads as an entry with the same quotations."""
    _, _, body_line = split_front_matter(text, path)
    blocks = [b for s in parse_body(text.split("\n")[body_line - 1:], body_line, path)
              for b in s.blocks if b.kind == QUOTATION and b.chapter]
    if len(blocks) != quotations:
        raise QuireError("the repaired entry would not read back with its quotations; fix "
                         "it by hand", SourceLocation(path))
