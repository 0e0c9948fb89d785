"""The printed book's page: trim size, margins, bleed, crop marks and PDF standard.

Vocabulary (all lengths in millimetres):

- *trim size*: the page as the reader holds it, by name (:data:`PAPER_SIZES`:
  ``a5``, ``royal``, ``us-trade`` …) or by dimensions (``6x9in``,
  ``156 x 234 mm``, ``5.5in x 8.5in``);
- *margins*: ``inner`` (at the binding), ``outer``, ``top``, ``bottom``; by
  default the text block holds :data:`TARGET_MEASURE` characters a line (a
  book's measure is 55–70) and the inner margin is the larger, for the binding;
- *bleed*: how far pictures run past the trim (3 mm or 0.125 in for most
  printers); with a bleed the PDF's page is the trim plus the bleed (plus room
  for the *crop marks* that show the printer where to cut), and the PDF's
  TrimBox and BleedBox say where each lies;
- *PDF standard*: ``pdf/a-2b`` (archives), ``pdf/ua-1`` (tagged, accessible),
  or both, made by Typst itself.

:func:`parse_layout` reads book.yaml's ``output`` settings into a
:class:`PageLayout`; every mistake is an error at its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import QuireError, SourceLocation

MM_PER = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72}

#: Trim sizes by name: (width, height) in mm.
PAPER_SIZES: dict[str, tuple[float, float]] = {
    "a4": (210, 297), "a5": (148, 210), "a6": (105, 148), "b5": (176, 250),
    "b-format": (129, 198), "demy": (138, 216), "royal": (156, 234),
    "crown-quarto": (189, 246), "us-trade": (152.4, 228.6), "us-digest": (139.7, 215.9),
    "us-mass-market": (106.4, 174.6), "us-royal": (155.6, 234.95),
    "us-letter": (215.9, 279.4),
}
PDF_STANDARDS = {"pdf/a-2b": ["a-2b"], "pdf/ua-1": ["ua-1"], "pdf/a-2b+ua-1": ["a-2b", "ua-1"]}
TARGET_MEASURE = 64       # characters a line the default margins aim at
MEASURE_RANGE = (45, 80)  # outside it, the margins are an error (a book's measure: 55-70)
CHAR_WIDTH_EM = 0.42      # the mean width of a character of running text, in ems
MARK_ROOM = 8.0           # room outside the bleed for the crop marks, mm
MAX_BLEED = 6.0

_LENGTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mm|cm|in|pt)\s*$")
_DIMENSIONS = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mm|cm|in)?\s*[x×]\s*(\d+(?:\.\d+)?)\s*"
                         r"(mm|cm|in)\s*$", re.I)


@dataclass(frozen=True)
class PageLayout:
    """The printed page, every length in mm."""

    width: float
    height: float
    inner: float
    outer: float
    top: float
    bottom: float
    bleed: float = 0.0
    crop_marks: bool = False
    pdf_standard: str | None = None

    @property
    def offset(self) -> float:
        """How far the trimmed page lies inside the PDF's page (bleed and marks)."""
        return self.bleed + (MARK_ROOM if self.crop_marks else 0.0)

    def measure(self, font_size: float) -> int:
        """About how many characters a line of body text holds."""
        text_pt = (self.width - self.inner - self.outer) / MM_PER["pt"]
        return round(text_pt / (CHAR_WIDTH_EM * font_size))

    def typst_standards(self) -> list[str]:
        """The ``pdf_standards`` argument for the Typst compiler."""
        return PDF_STANDARDS.get(self.pdf_standard or "", [])


def parse_length(value: object, where: SourceLocation) -> float:
    """A length such as ``3mm``, ``0.125in``, ``12pt``, ``1.5cm`` in mm."""
    match = _LENGTH.match(str(value)) if isinstance(value, str) else None
    if not match:
        raise QuireError(f"expected a length such as 3mm, 0.125in or 12pt, got {value!r}",
                         where)
    return float(match.group(1)) * MM_PER[match.group(2)]


def parse_paper(value: object, where: SourceLocation) -> tuple[float, float]:
    """A trim size by name or as ``WIDTHxHEIGHT unit``: (width, height) in mm."""
    text = str(value).strip().lower() if isinstance(value, str) else ""
    if text in PAPER_SIZES:
        return PAPER_SIZES[text]
    match = _DIMENSIONS.match(text)
    if match:
        unit = MM_PER[match.group(4).lower()]
        first = MM_PER[match.group(2).lower()] if match.group(2) else unit
        width, height = float(match.group(1)) * first, float(match.group(3)) * unit
        if not (70 <= width <= 450 and 100 <= height <= 600):
            raise QuireError(f"trim size {value!r} is not a book page (70-450 mm wide, "
                             f"100-600 mm high)", where)
        return round(width, 2), round(height, 2)
    raise QuireError(f"unknown paper size {value!r}: use a name ({', '.join(PAPER_SIZES)}) "
                     f"or dimensions such as 6x9in or 156x234mm", where)


def default_margins(width: float, height: float, font_size: float) -> dict[str, float]:
    """Margins giving a measure of :data:`TARGET_MEASURE`, the inner one larger."""
    text = min(TARGET_MEASURE * CHAR_WIDTH_EM * font_size * MM_PER["pt"], width * 0.8)
    spare = width - text
    return {"inner": round(spare * 0.54, 1), "outer": round(spare * 0.46, 1),
            "top": round(height * 0.085, 1), "bottom": round(height * 0.1, 1)}


def check_layout(layout: PageLayout, font_size: float, lines: dict[str, SourceLocation]) -> None:
    """Errors for a layout that cannot be printed: no room for the text, or for the bleed."""
    errors = []
    if layout.bleed > MAX_BLEED:
        errors.append(QuireError(f"a bleed of {layout.bleed:g} mm is more than printers use "
                                 f"(3 mm or 0.125 in; at most {MAX_BLEED:g} mm)", lines["bleed"]))
    tight = min(("inner", layout.inner), ("outer", layout.outer), ("top", layout.top),
                ("bottom", layout.bottom), key=lambda m: m[1])
    if layout.bleed and tight[1] < layout.bleed + 3:
        errors.append(QuireError(
            f"a bleed of {layout.bleed:g} mm leaves no room on this paper: the {tight[0]} "
            f"margin ({tight[1]:g} mm) must keep text at least {layout.bleed + 3:g} mm from "
            f"the trim (bleed plus 3 mm)", lines["bleed"]))
    measure = layout.measure(font_size)
    if not MEASURE_RANGE[0] <= measure <= MEASURE_RANGE[1]:
        errors.append(QuireError(
            f"the margins leave about {measure} characters a line; a book wants 55-70 "
            f"(allowed: {MEASURE_RANGE[0]}-{MEASURE_RANGE[1]})", lines["margins"]))
    if errors:
        from ..errors import raise_all

        raise_all(errors)
