"""``build.py diff OLD [NEW]``: gather both drafts' texts, compare, and report in one format."""

from __future__ import annotations

from pathlib import Path

from ..project.config import load_config
from ..checks.confine import check_own_folder
from ..errors import display_path
from ..build.output import write_atomically
from .compare import ADDED, CHANGED, REMOVED, compare_drafts
from .report_docx import tracked_changes_docx
from .report_html import html_report
from .report_text import summary_lines, text_report
from .revisions import draft_texts


def run_diff(project: Path, old: str, new: str, fmt: str, output: Path | None,
             color: bool) -> str:
    """The diff of two drafts; HTML and DOCX reports are written, their paths returned."""
    build_dir = None
    if fmt != "text":
        config = load_config(project)
        build_dir = config.build_dir
        if output is None:  # the default places are in the build folder: quire's own
            check_own_folder(config.root, build_dir / ("diff-docx" if fmt == "docx" else ""),
                             None)
    changes = compare_drafts(draft_texts(old, project), draft_texts(new, project))
    if build_dir is None:
        return text_report(changes, color)
    lines = summary_lines(changes)
    if fmt == "html":
        target = output or build_dir / "diff.html"
        write_atomically(target, html_report(changes, old, new).encode("utf-8"))
        return "\n".join(lines + [f"wrote {display_path(target)}"])
    folder = output or build_dir / "diff-docx"
    for change in changes:
        if change.status in (CHANGED, ADDED, REMOVED):
            path = write_atomically(folder / f"{change.name}.docx", tracked_changes_docx(change))
            lines.append(f"wrote {display_path(path)}")
    return "\n".join(lines)
