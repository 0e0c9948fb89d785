"""Chapters: numbering from file names, titles from headings, located errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from quire.project.config import load_config
from quire.errors import QuireError
from quire.project.manuscript import read_chapter, read_chapters


def chapter(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_number_title_and_body_lines(tmp_path):
    ch = read_chapter(chapter(tmp_path, "09-arch.md", "\n# Neural Architecture---Networks\n\nText @a.\n"))
    assert (ch.number, ch.title, ch.heading_line, ch.body_line) == (9, "Neural Architecture---Networks", 2, 3)
    assert (ch.anchor, ch.alias, ch.numbered, ch.classes) == ("chapter-9", "chapter-9", True, ())
    assert ch.body.split("\n")[1] == "Text @a."


def test_heading_attributes_and_closing_hashes_are_not_title(tmp_path):
    ch = read_chapter(chapter(tmp_path, "3-x.md", "# Title here {#own-id .appendix} #\n"))
    assert ch.title == "Title here"
    assert (ch.anchor, ch.alias, ch.classes, ch.numbered) == ("own-id", "chapter-3", ("appendix",),
                                                              False)
    for attrs in ("{-}", "{.unnumbered}", "{#p .unnumbered}"):
        assert not read_chapter(chapter(tmp_path, "0-p.md", f"# Preface {attrs}\n")).numbered


def test_raw_tex_above_the_title_stays_in_the_body_in_its_place(tmp_path):
    ch = read_chapter(chapter(tmp_path, "03-x.md", "\\setcounter{page}{1}\n\n# Title {#sec-x}\n\nText\n"))
    assert (ch.title, ch.ident, ch.heading_line, ch.body_line) == ("Title", "sec-x", 3, 1)
    assert ch.body.split("\n") == ["\\setcounter{page}{1}", "", "", "", "Text", ""]


@pytest.mark.parametrize("attrs, short", [('{short="Short One"}', "Short One"),
                                          ("{#id short='Short Two' .x}", "Short Two"),
                                          ("{short=Three}", "Three"), ("{#id}", None),
                                          ('{data-short="No"}', None)])
def test_short_title_for_the_running_heads(tmp_path, attrs, short):
    ch = read_chapter(chapter(tmp_path, "3-x.md", f"# A Long Title {attrs}\n"))
    assert (ch.title, ch.short_title) == ("A Long Title", short)


def test_front_matter_overrides_title_and_number(tmp_path):
    ch = read_chapter(chapter(tmp_path, "x.md", "---\nnumber: 4\ntitle: Other\n---\n# Heading\n"))
    assert (ch.number, ch.title, ch.heading_line) == (4, "Other", 5)


@pytest.mark.parametrize("name, text, line, message", [
    ("01-a.md", "Some text first\n# Title\n", 1, "must open with its title"),
    ("01-a.md", "## Only a section\n", 1, "must open with its title"),
    ("01-a.md", "```\n# not a heading\n```\n", 1, "must open with its title"),
    ("01-a.md", "<!-- a comment -->\n\n", 1, "no '# ' heading"),
    ("intro.md", "# Title\n", None, "must start with its number"),
    ("01-a.md", "---\ntitle: x\n# Title\n", 1, "never closed"),
    ("01-a.md", "---\nnumber: two\n---\n# T\n", 2, "whole number"),
    ("01-a.md", "   \n\n", 1, "file is empty"),
])
def test_chapter_errors(tmp_path, name, text, line, message):
    with pytest.raises(QuireError, match=message) as info:
        read_chapter(chapter(tmp_path, name, text))
    assert info.value.location.line == line


def test_missing_chapter_named_in_book_yaml(book_project):
    root = book_project("minimal")
    with open(root / "book.yaml", "a", encoding="utf-8") as f:
        f.write("chapters:\n  - chapters/01-beginnings.md\n  - chapters/03-missing.md\n")
    with pytest.raises(QuireError) as info:
        read_chapters(load_config(root))
    assert info.value.format().endswith(
        "book.yaml:8: error: chapter file not found: '03-missing.md'")


def test_duplicate_numbers(book_project):
    root = book_project("minimal")
    (root / "manuscript/chapters/01-again.md").write_text("# Again\n", encoding="utf-8")
    with pytest.raises(QuireError, match="chapter number 1 is also used"):
        read_chapters(load_config(root))


def test_order_by_file_name(book_project):
    chapters = read_chapters(load_config(book_project("minimal")))
    assert [c.number for c in chapters] == [1, 2]
