"""Column widths by content for tables whose widths are all equal."""

from __future__ import annotations

import json
import subprocess

from quire.render.ast_tables import fit_columns
from quire.render.pandoc import pandoc_binary


def _tables(markdown: str) -> list[dict]:
    out = subprocess.run([pandoc_binary(), "-f", "markdown", "-t", "json"], input=markdown,
                         capture_output=True, text=True, check=True).stdout
    return [b for b in json.loads(out)["blocks"] if b["t"] == "Table"]


def _widths(table: dict) -> list:
    return [spec[1].get("c") for spec in table["c"][2]]


WIDE = ("| a | b | c | d |\n|---|---|---|---|\n"
        "| x | 123456789012 | some words that run on and on to make the line long | y-z |\n")


def test_equal_widths_follow_the_content():
    [table] = _tables(WIDE)
    assert _widths(table) == [0.25] * 4  # pandoc: from the dashes
    [fitted] = fit_columns([table])
    widths = _widths(fitted)
    assert abs(sum(widths) - 1.0) < 0.001
    assert widths[1] > widths[0] and widths[2] > widths[3] and widths[1] > widths[3]
    # 1.5 x longest piece + average cell length / 4: 18 + (1 + 12) / 2 / 4 for the number;
    # 'y-z' breaks after its hyphen: 3 + (1 + 3) / 2 / 4; words count six letters at most
    assert abs(widths[1] / widths[3] - 19.625 / 3.5) < 0.01
    assert abs(widths[2] / widths[0] - (7.5 + (1 + 51) / 2 / 4) / (1.5 + 1 / 4)) < 0.01
    assert fitted["c"][3:] == table["c"][3:]  # the cells are untouched


def test_author_widths_narrow_and_auto_tables_are_kept():
    grid = ("+----+----------+---+---+\n| a  | b        | c | d |\n+====+==========+===+===+\n"
            "| 1  | 2        | 3 | 4 |\n+----+----------+---+---+\n")
    three = "| a | b | c |\n|---|---|---|\n| " + "long " * 30 + "| 2 | 3 |\n"
    short = "| a | b | c | d |\n|---|---|---|---|\n| 1 | 2 | 3 | 4 |\n"
    for markdown in (grid, three, short):
        tables = _tables(markdown)
        assert fit_columns(tables) == tables
