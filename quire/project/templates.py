"""Finding templates: a project's own ``templates/`` overrides the package defaults.

Defaults live in ``quire/templates/``: ``book.typ`` (pandoc template for the
PDF via Typst), ``epub.css`` (EPUB stylesheet), ``reference.docx`` (Word
styles) and ``appendix.md.j2``. A file of the same name in the project's
``templates/`` wins, if it lies inside the project (:mod:`quire.checks.confine`): a
template that is a link leading out of the project is an error, never read.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..checks.confine import confine, links_leading_out
from ..errors import QuireError, SourceLocation, raise_all

DEFAULTS = Path(__file__).parent.parent / "templates"  # quire/templates/
PROJECT_DIR = "templates"
FONTS_DIR = "fonts"  # the project's own fonts for Typst (quire.render.typst)
NAMES = ("book.typ", "epub.css", "reference.docx", "appendix.md.j2")


def project_template(root: Path, name: str) -> Path | None:
    """The project's own template ``name`` (confined to the project), or None."""
    own = root / PROJECT_DIR / name
    if not os.path.lexists(own):
        return None
    return confine(root, own, SourceLocation(own), "template")


def template_path(root: Path, name: str) -> Path:
    """The template ``name`` for the project at ``root``: its own, else the default."""
    return project_template(root, name) or DEFAULTS / name


def check_templates(root: Path) -> None:
    """Raise if one of the project's templates lies outside the project (or is no file), or
    if the ``fonts`` folder Typst reads is, or holds, a link leading out."""
    for name in NAMES:
        project_template(root, name)
    links = links_leading_out(root, root / FONTS_DIR) if (root / FONTS_DIR).exists() or \
        (root / FONTS_DIR).is_symlink() else []
    raise_all([QuireError("fonts are read from the project only, and this symbolic link leads "
                          "outside the project folder", SourceLocation(link)) for link in links])


def confined_loader(root: Path):  # -> jinja2.BaseLoader (imported lazily)
    """A Jinja loader over the project's ``templates/`` then the defaults, confined.

    ``{% include %}`` and ``{% import %}`` find files as Jinja's own
    ``FileSystemLoader`` does (no ``..``), and a file of the project's
    ``templates/`` that is a link leading out of the project (or no regular
    file) is refused with a template error instead of being read.
    """
    import jinja2
    from jinja2.loaders import split_template_path

    from ..checks.confine import Refused, resolve_file

    class ConfinedLoader(jinja2.FileSystemLoader):
        def get_source(self, environment, template):  # type: ignore[no-untyped-def]
            own = root / PROJECT_DIR / Path(*split_template_path(template))
            if os.path.lexists(own):
                try:
                    resolve_file(root, own)
                except Refused as refusal:
                    raise jinja2.TemplateError(f"template '{template}' {refusal.reason}") \
                        from None
            return super().get_source(environment, template)

    return ConfinedLoader([str(root / PROJECT_DIR), str(DEFAULTS)])
