"""Text alternatives: every image a chapter shows should say what it shows.

An image written ``![](figure.png)`` (or with only spaces between the
brackets) has no text alternative: a reader who cannot see it learns nothing,
and the EPUB cannot claim WCAG conformance (:mod:`quire.render.epub_a11y`).
Each one is a warning at the chapter's line and column (an error under
``--strict``). Code spans and blocks are masked first: an image in code is text.
An image inside a figure div (Quarto's ``::: {#fig-x}`` … caption … ``:::``) is
described by the figure's caption, so it needs no text of its own.
"""

from __future__ import annotations

import re

from ..citations.syntax import mask
from ..errors import Reporter, SourceLocation
from ..model import Chapter

_IMAGE = re.compile(r"!\[(?P<alt>(?:[^\[\]]|\[[^\]]*\])*)\]\(")
_FENCE = re.compile(r"^:{3,}(?P<attrs>.*)$", re.M)
_FIGURE_DIV = re.compile(r"#fig[-:]")


def _in_figure_div(text: str, offset: int) -> bool:
    """Whether ``offset`` stands inside a figure div (the last fence before it opens one)."""
    fences = list(_FENCE.finditer(text, 0, offset))
    return bool(fences) and bool(_FIGURE_DIV.search(fences[-1].group("attrs")))


def report_missing_alt_text(chapters: list[Chapter], reporter: Reporter) -> None:
    """Warn at every image of the chapters that has no text alternative."""
    for chapter in chapters:
        masked = mask(chapter.body, urls=False)
        for match in _IMAGE.finditer(masked):
            if chapter.body[match.start("alt"):match.end("alt")].strip() or \
                    _in_figure_div(masked, match.start()):
                continue
            before = chapter.body[:match.start()]
            line = before.count("\n")
            column = match.start() - (before.rfind("\n") + 1) + 1
            reporter.warn("image without a text alternative: write what it shows between "
                          "the brackets, ![…](file)",
                          SourceLocation(chapter.path, chapter.body_line + line, column))
