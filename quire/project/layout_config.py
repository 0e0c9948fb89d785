"""book.yaml's page layout settings (``output.paper``, ``margins``, ``bleed``,
``crop_marks``, ``pdf_standard``): their options and parsers, and the
:class:`~quire.project.layout.PageLayout` made from them, every mistake at its line.
"""

from __future__ import annotations

from typing import Any

from ..errors import QuireError, SourceLocation, raise_all
from .layout import PageLayout
from .schema import Context, Option, kind, string
from .yamlsource import key_line


def _paper(value: Any, ctx: Context) -> str:
    from .layout import parse_paper

    parse_paper(value, ctx.location)
    return str(value).strip()


def _margins(value: Any, ctx: Context) -> dict[str, float]:
    from .layout import parse_length

    if not isinstance(value, dict):
        raise QuireError(f"expected a mapping of inner, outer, top, bottom, got {kind(value)}",
                         ctx.location)
    errors, result = [], {}
    for key, item in value.items():
        loc = SourceLocation(ctx.location.path, key_line(value, key) or ctx.location.line)
        try:
            if key not in ("inner", "outer", "top", "bottom"):
                raise QuireError(f"unknown margin '{key}' (inner, outer, top, bottom)", loc)
            result[key] = parse_length(item, loc)
        except QuireError as exc:
            errors.append(exc)
    raise_all(errors)
    return result


def _bleed(value: Any, ctx: Context) -> float:
    from .layout import parse_length

    if value is True:
        return 3.0
    return 0.0 if value is False else parse_length(value, ctx.location)


def _flag(value: Any, ctx: Context) -> bool:
    if not isinstance(value, bool):
        raise QuireError(f"expected true or false, got {kind(value)}", ctx.location)
    return value


def _pdf_standard(value: Any, ctx: Context) -> str:
    from .layout import PDF_STANDARDS

    text = string(value, ctx).lower()
    if text not in PDF_STANDARDS:
        raise QuireError(f"unknown PDF standard {value!r} (expected "
                         f"{', '.join(PDF_STANDARDS)})", ctx.location)
    return text


LAYOUT_OPTIONS: tuple[Option, ...] = (
    Option("paper", _paper, "Trim size of the printed book: a name (a5, royal, us-trade, ...) "
           "or dimensions (6x9in, 156x234mm).", default="a5"),
    Option("margins", _margins, "Page margins (inner, outer, top, bottom) as lengths (20mm, "
           "0.75in); default: a measure of about 64 characters, the inner margin larger."),
    Option("bleed", _bleed, "Bleed past the trim for the printer: a length (3mm, 0.125in), "
           "or true for 3 mm; the PDF's page grows by it, with TrimBox and BleedBox."),
    Option("crop_marks", _flag, "Crop marks outside the bleed (default: on with a bleed)."),
    Option("pdf_standard", _pdf_standard, "PDF standard Typst makes: pdf/a-2b, pdf/ua-1 or "
           "pdf/a-2b+ua-1."),
)


def page_layout(output: dict[str, Any], raw: dict, ctx: Context) -> PageLayout:
    """The printed page from the output settings; a page that cannot print is an error."""
    from .layout import check_layout, default_margins, parse_paper

    width, height = parse_paper(output["paper"], ctx.location)
    margins = {**default_margins(width, height, output["font_size"]), **(output["margins"] or {})}
    bleed = output["bleed"] or 0.0
    crop = output["crop_marks"] if output["crop_marks"] is not None else bool(bleed)
    layout = PageLayout(width, height, bleed=bleed, crop_marks=crop,
                        pdf_standard=output["pdf_standard"], **margins)
    lines = {key: SourceLocation(ctx.location.path, key_line(raw, key) or ctx.location.line)
             for key in ("bleed", "margins")}
    check_layout(layout, output["font_size"], lines)
    return layout
