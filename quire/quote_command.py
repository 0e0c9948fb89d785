"""``build.py quotes``: every quotation's status, and the repair of stale ones from the chapters.

The repair goes one way only: the entry is rewritten from the chapter (the
chapter is the author's text; the entry quotes it). Without ``--yes`` it
shows the change and writes nothing.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from .config import load_config
from .entries.store import load_bibliography
from .errors import display_path
from .manuscript import read_chapters
from .output import write_atomically
from .quotations import (MOVED, OK, STALE, QuotationCheck, check_quotations, fixed_entry_text,
                         quotation_path)
from .textfiles import read_text


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
    for path, checks in sorted(by_file.items()):
        old = read_text(path)
        new = fixed_entry_text(old, checks)
        name = display_path(path)
        report.extend(difflib.unified_diff(old.split("\n"), new.split("\n"), name, name,
                                           lineterm="", n=1))
        if write:
            write_atomically(path, new.encode("utf-8"))
    if not fixable:
        report.append("every quotation matches its chapter; nothing to fix")
    elif write:
        report.append(f"fixed {len(fixable)} quotation(s) in {len(by_file)} entr"
                      f"{'y' if len(by_file) == 1 else 'ies'}")
    else:
        report.append(f"{len(fixable)} quotation(s) would change; run `quotes --fix --yes` to "
                      "write these changes into the entries")
    return report
