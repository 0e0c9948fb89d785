"""Text alternatives of images (quire/checks/alt_text.py)."""

from __future__ import annotations

from pathlib import Path

from quire.checks.alt_text import report_missing_alt_text
from quire.errors import Reporter
from quire.model import Chapter


def warnings(body: str) -> list[str]:
    reporter = Reporter()
    report_missing_alt_text([Chapter(Path("01-a.md"), 1, "A", 1, body, 3)], reporter)
    return [w.format() for w in reporter.warnings]


def test_an_image_without_text_is_a_located_warning():
    assert warnings("Text.\n\nSee ![](a.png) and ![ ](b.png).\n") == [
        "01-a.md:5:5: warning: image without a text alternative: write what it shows between "
        "the brackets, ![…](file)",
        "01-a.md:5:20: warning: image without a text alternative: write what it shows between "
        "the brackets, ![…](file)"]


def test_described_images_and_images_in_code_are_fine():
    assert warnings("![A square](a.png)\n\n`![](code.png)`\n\n```\n![](block.png)\n```\n") == []


def test_a_figure_div_caption_describes_its_image_until_the_div_closes():
    body = ("::: {#fig-flow}\n![](a.png)\n\nThe flow\n:::\n\n::: {.note}\n![](b.png)\n:::\n\n"
            "::: {#fig:two .wide}\n![](c.png)\n\nTwo\n:::\n\n![](d.png)\n")
    lines = [w.split(":")[1] for w in warnings(body)]
    assert lines == ["10", "19"]  # b.png (a plain div) and d.png (after every div)
