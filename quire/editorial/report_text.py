"""``diff --format text``: a summary line per part and a coloured word diff in the terminal."""

from __future__ import annotations

import click

from .compare import CHANGED, PARAGRAPH, UNCHANGED, PartChange

CONTEXT = 6


def summary_lines(changes: list[PartChange]) -> list[str]:
    """One line per part: status, words added and removed, name."""
    lines = []
    for change in changes:
        counts = f"+{change.added} -{change.removed}" if change.status != UNCHANGED else ""
        lines.append(f"{change.status:<10} {counts:>12}  {change.name}")
    changed = sum(c.status != UNCHANGED for c in changes)
    lines.append(f"{changed} of {len(changes)} parts differ")
    return lines


def word_diff_lines(change: PartChange, color: bool) -> list[str]:
    """The changed regions of a part: deletions [-red-], insertions {+green+}, some context."""
    out: list[str] = []
    ops = list(change.ops)
    for index, op in enumerate(ops):
        if op.kind == "equal":
            continue
        before = ops[index - 1].words[-CONTEXT:] if index and ops[index - 1].kind == "equal" else ()
        after = (ops[index + 1].words[:CONTEXT]
                 if index + 1 < len(ops) and ops[index + 1].kind == "equal" else ())
        words = " ".join(op.words).replace(PARAGRAPH, "\u00b6")
        if op.kind == "delete":
            mark = click.style(f"[-{words}-]", fg="red") if color else f"[-{words}-]"
        else:
            mark = click.style(f"{{+{words}+}}", fg="green") if color else f"{{+{words}+}}"
        if out and index and ops[index - 1].kind != "equal":
            out[-1] += mark
            continue
        out.append(" ".join(filter(None, ("\u2026" + " ".join(before) if before else "", mark,
                                          " ".join(after) + "\u2026" if after else ""))))
    return out


def text_report(changes: list[PartChange], color: bool) -> str:
    """The whole terminal report."""
    lines = summary_lines(changes)
    for change in changes:
        if change.status == CHANGED:
            header = f"\n== {change.name}: {change.title} (+{change.added} -{change.removed})"
            lines.append(click.style(header, bold=True) if color else header)
            lines.extend("  " + line for line in word_diff_lines(change, color))
    return "\n".join(lines)
