"""``build.py new DIR``: a new, empty book project that builds at once."""

from __future__ import annotations

import datetime as dt
import shlex
import shutil
from pathlib import Path

from .config import CONFIG_FILE
from ..errors import QuireError, SourceLocation, display_path
from .templates import DEFAULTS

BOOK_YAML = """\
# Settings of this book. `build.py check` reports any mistake with its line.
title: {title}
author: Author Name
language: en-GB
date: {date}
# subtitle: A Subtitle
# publisher: Publisher Name
# rights: © {year} Author Name. All rights reserved.
# edition_statement: First edition
# printing: 1            # the copyright page's printer's key counts down to it
# identifier:            # one ISBN for all formats, or one per format (check digits checked):
#   epub: 978-0-00-000001-9
#   pdf: ISBN 978-0-00-000002-6
# cover: manuscript/images/cover.png
# chapters:              # reading order; default: manuscript/chapters/*.md by name
#   - chapters/01-introduction.md
csl: apa
output:
  formats: [epub, pdf, docx]
  paper: a5              # trim size: a5, royal, us-trade, 6x9in, 156x234mm ...
  # margins: {{inner: 24mm, outer: 20mm, top: 18mm, bottom: 21mm}}
  # bleed: 3mm           # with crop marks; for pictures that run off the page
  # pdf_standard: pdf/a-2b+ua-1
"""

FIRST_CHAPTER = """\
# Introduction

Write your first chapter here. Cite research entries by key, as in
`[@key]`, once you have added entries to `bibliography/entries/`.
"""


def new_project(folder: Path, title: str | None = None) -> list[Path]:
    """Create a book project in ``folder`` (which must not hold one already)."""
    if (folder / CONFIG_FILE).exists():
        raise QuireError("a book project exists here already", SourceLocation(folder / CONFIG_FILE))
    if folder.exists() and any(folder.iterdir()):
        raise QuireError("folder is not empty; choose a new or empty folder",
                         SourceLocation(folder))
    today = dt.date.today()
    name = title or folder.resolve().name.replace("-", " ").replace("_", " ").title() or "Untitled"
    files = {
        folder / CONFIG_FILE: BOOK_YAML.format(title=_yaml_text(name), date=today.isoformat(),
                                               year=today.year),
        folder / "manuscript" / "chapters" / "01-introduction.md": FIRST_CHAPTER,
        folder / "bibliography" / "references.json": "[]\n",
        folder / ".gitignore": "/build/\n",
    }
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        (folder / "bibliography" / "entries").mkdir(parents=True, exist_ok=True)
        templates = folder / "templates"
        templates.mkdir(exist_ok=True)
        shutil.copyfile(DEFAULTS / "reference.docx", templates / "reference.docx")
    except OSError as exc:
        raise QuireError(f"cannot create the project: {exc.strerror}",
                         SourceLocation(folder)) from None
    return sorted(files) + [templates / "reference.docx"]


def _yaml_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def next_steps(folder: Path) -> str:
    """What to do after ``new``: the commands of an author's first hour, ready to paste."""
    where = display_path(folder)
    return f"""
Your book is ready in {where}/. Next:
  cd {shlex.quote(where)}
  # set title, author and date in book.yaml; write in manuscript/chapters/
  quire check                 # every mistake, with its file and line
  quire build                 # build/<title>.epub, .pdf and .docx
  quire import entry.txt      # add a research entry (bibliography/entries/)
  quire cite --parse "APA reference" --add   # add a plain reference
  quire watch                 # rebuild on every save, with a live preview
(`quire` is the command installed with quire; in quire's own repository it is
`.venv/bin/quire`, or `./build.py`.)"""
