"""Finding templates: a project's own ``templates/`` overrides the package defaults.

Defaults live in ``quire/templates/``: ``book.typ`` (pandoc template for the
PDF via Typst), ``epub.css`` (EPUB stylesheet) and ``reference.docx`` (Word
styles). A file of the same name in the project's ``templates/`` wins.
"""

from __future__ import annotations

from pathlib import Path

DEFAULTS = Path(__file__).parent / "templates"
PROJECT_DIR = "templates"


def template_path(root: Path, name: str) -> Path:
    """The template ``name`` for the project at ``root``: its own, else the default."""
    own = root / PROJECT_DIR / name
    return own if own.is_file() else DEFAULTS / name
