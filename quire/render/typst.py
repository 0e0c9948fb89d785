"""Compiling the book's Typst source to PDF with the ``typst`` wheel (no TeX).

The compiler sees only the project folder (its ``root``) and the fonts it
ships, never the system's: the PDF is the same on every machine, embeds every
font it uses, and a ``#read`` or ``#include`` cannot reach outside the project.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import QuireError, SourceLocation
from ..faults import fault_point


def compile_typst(source: bytes, root: Path, template: Path,
                  standards: list[str] | None = None) -> bytes:
    """Compile Typst ``source`` to PDF bytes (to PDF ``standards`` such as ``a-2b``,
    ``ua-1``, checked by Typst itself); errors name the template or the book."""
    import typst

    fonts = root / "fonts"
    try:
        pdf = typst.compile(source, root=str(root), format="pdf", ignore_system_fonts=True,
                            font_paths=[str(fonts)] if fonts.is_dir() else [],
                            pdf_standards=standards or [])
        fault_point("kill-after-typst")
        return pdf
    except typst.TypstError as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else "unknown error"
        hints = "; ".join(getattr(exc, "hints", []) or [])
        raise QuireError(f"Typst could not make the PDF: {message}"
                         + (f" ({hints})" if hints else ""),
                         SourceLocation(template)) from None


