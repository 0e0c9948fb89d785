"""Files the book's text names: found with their locations, in-project ones accepted."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import BOOKS
from quire.project.config import load_config
from quire.entries.store import load_bibliography
from quire.errors import QuireError, SourceLocation
from quire.project.manuscript import read_chapters
from quire.checks.resources import (check_resources, check_tree_resources, css_urls, fetched_files,
                             has_raw_typst, references_in, rewritable_references, scan_texts,
                             tree_references)

CHAPTER = "manuscript/chapters/01-beginnings.md"
HERE = Path("ch.md")


@pytest.fixture
def book(tmp_path: Path) -> Path:
    root = tmp_path / "book"
    shutil.copytree(BOOKS / "minimal", root)
    (root / "manuscript/images").mkdir()
    (root / "manuscript/images/fig.png").write_bytes(b"\x89PNG")
    return root


def problems(root: Path) -> list[str]:
    config = load_config(root)
    errors = check_resources(config, read_chapters(config), load_bibliography(root))
    return [e.format().replace(str(root) + "/", "") for e in errors]


def add(root: Path, text: str, name: str = CHAPTER) -> None:
    path = root / name
    path.write_text(path.read_text() + "\n" + text + "\n")


def test_ordinary_images_anchors_and_links_pass(book):
    add(book, "![A figure](manuscript/images/fig.png){width=50%}\n\n"
              "![Spaced](<manuscript/images/fig.png> \"title\")\n\n"
              "![Ref][fig] and ![fig] and ![Fig][]\n\n[fig]: manuscript/images/fig.png\n\n"
              "[a link](https://example.org) [anchor](#chapter-1) <https://example.org>\n\n"
              "[file link](file:///etc/passwd) [ref link][far]\n\n[far]: https://example.org/x\n\n"
              '<img src="manuscript/images/fig.png" srcset="manuscript/images/fig.png 2x">\n\n'
              '<a href="https://example.org">a</a> <img src="#x"> '
              '<img src="data:image/png;base64,AA==">\n\n'
              "`![code](/etc/passwd)` and\n\n```\n<img src=\"/etc/passwd\">\n```\n")
    assert problems(book) == []


def test_every_kind_of_reference_is_found_at_its_place():
    text = ('Intro ![a](x.png) then\n<img src="y.png" srcset="s1.png 1x, s2.png 2x">\n'
            "<video poster='p.png'><source src=v.mp4></video>\n"
            '<object data="o.svg"></object><link rel=stylesheet href="l.css">\n'
            '<svg><image xlink:href="i.png"/></svg><p style="background:url(b.png)">\n'
            "<style>\nh1 { background: url('h.png') }\n</style>\n"
            '```{=html}\n<img src="raw.png">\n```\n'
            '<a href="not-fetched.html">a</a>\n')
    found = [(r.kind, r.value, r.location.line, r.location.column)
             for r in references_in(text, HERE, first_line=5)]
    assert found == [
        ("image", "x.png", 5, 12),
        ("'src' of <img>", "y.png", 6, 11),
        ("'srcset' of <img>", "s1.png", 6, 26), ("'srcset' of <img>", "s2.png", 6, 26),
        ("'poster' of <video>", "p.png", 7, 16), ("'src' of <source>", "v.mp4", 7, 35),
        ("'data' of <object>", "o.svg", 8, 15), ("'href' of <link>", "l.css", 8, 58),
        ("'xlink:href' of <image>", "i.png", 9, 25), ("'style' of <p>", "b.png", 9, 49),
        ("'src' of <img>", "raw.png", 14, 11),
        ("url() in <style>", "h.png", 11, 23)]


def test_reference_style_images_are_located_at_their_definition():
    chapters = [(Path("a.md"), "![one][x] ![Two] ![three][]\n[unused]: /etc/passwd\n", 1),
                (Path("b.md"), "text\n\n[X]: x.png\n [two]: <t.png>\n[Three]: h.png \"t\"\n", 3)]
    found = [(r.kind, r.value, str(r.location)) for r in scan_texts(chapters)]
    assert found == [("image reference [Three]", "h.png", "b.md:7:10"),
                     ("image reference [two]", "t.png", "b.md:6:10"),
                     ("image reference [X]", "x.png", "b.md:5:6")]


def test_entities_and_attribute_rules():
    assert fetched_files("img", "src", "/a.png") == ["/a.png"]
    assert fetched_files("a", "href", "/a.png") == []
    assert fetched_files("link", "href", "/a.css") == ["/a.css"]
    assert fetched_files("img", "srcset", "a.png 1x, b.png 2x,") == ["a.png", "b.png"]
    assert fetched_files("div", "style", "x: url( 'q.png' ); y: url(r.png)") == ["q.png", "r.png"]
    found = references_in('<img src="&#47;etc&#x2F;passwd">', HERE)
    assert [r.value for r in found] == ["/etc/passwd"]
    assert [v for _, v in css_urls('@import "a.css"; @import \'b.css\'; x{src:url("c")}')] == \
        ["a.css", "b.css", "c"]


def test_problems_are_located_in_every_text_that_reaches_the_book(book):
    add(book, "![x](file:///etc/passwd)")
    add(book, "![f](../outside.png)", "bibliography/entries/smith2020.md")
    add(book, "publisher: '<img src=\"https://example.org/x.png\">'", "book.yaml")
    (book / "templates").mkdir()
    (book / "templates/epub.css").write_text("p {}\nh1 { background: url(missing.png) }\n")
    found = problems(book)
    assert len(found) == 4
    assert found[0].startswith("book.yaml:7:23: error: 'src' of <img> 'https://example.org/x.png'"
                               " is a URL")
    assert found[1].startswith(CHAPTER + ":9:6: error: image 'file:///etc/passwd' is a URL")
    assert found[2] == ("bibliography/entries/smith2020.md:22:6: error: image "
                        "'../outside.png' lies outside the project folder")
    assert found[3] == ("templates/epub.css:2:22: error: url() of the stylesheet 'missing.png' "
                        "not found (paths are relative to the project folder)")


def test_a_stylesheet_url_is_relative_to_the_stylesheet(book):
    (book / "templates").mkdir()
    (book / "templates/fonts").mkdir()
    (book / "templates/fonts/a.woff").write_bytes(b"font")
    (book / "templates/epub.css").write_text("@font-face { src: url(fonts/a.woff) }\n")
    assert problems(book) == []


def tree(blocks: list, meta: dict | None = None) -> bytes:
    return json.dumps({"pandoc-api-version": [1, 23], "meta": meta or {},
                       "blocks": blocks}).encode()


def image_node(target: str) -> dict:
    return {"t": "Image", "c": [["", [], []], [], [target, ""]]}


def test_tree_check_walks_blocks_and_metadata(book):
    inside = tree([{"t": "Para", "c": [image_node("manuscript/images/fig.png"),
                                       {"t": "RawInline", "c": ["html", '<img src="#a">']}]}])
    check_tree_resources(inside, book)
    in_meta = tree([], {"author": {"t": "MetaInlines", "c": [image_node("/etc/passwd")]}})
    with pytest.raises(QuireError, match="the book refers to '/etc/passwd': it lies outside"):
        check_tree_resources(in_meta, book)
    raw = tree([{"t": "RawBlock", "c": ["html", "<style>a{b:url(file:///x)}</style>"
                                                "<img srcset='/etc/passwd 2x'>"]}])
    with pytest.raises(QuireError) as info:
        check_tree_resources(raw, book)
    assert len(info.value.diagnostics) == 2
    assert info.value.location == SourceLocation(book)
    assert list(tree_references(json.loads(raw))) == ["file:///x", "/etc/passwd"]


def test_a_chapter_linked_from_outside_is_refused_when_read(book, tmp_path):
    (tmp_path / "outside.md").write_text("# Secret\n\nsecret\n")
    os.symlink(tmp_path / "outside.md", book / "manuscript/chapters/03-x.md")
    with pytest.raises(QuireError, match="chapter file lies outside the project folder"):
        read_chapters(load_config(book))


@pytest.mark.parametrize("unit", ["![", "![a](", "![x][", "<style>", "```{=html}\n", "<img ",
                                  'url("', "[x]: "])
def test_the_scan_is_linear_on_unclosed_markup(unit):
    """Unclosed brackets, style blocks and raw fences: doubling the text about doubles the time."""
    import time

    def seconds(n: int) -> float:
        start = time.perf_counter()
        references_in(unit * n, HERE)
        return time.perf_counter() - start

    small, large = seconds(10_000), seconds(40_000)
    assert large < 0.5 or large < 8 * max(small, 0.01), (small, large)


# --- the normal path, piece by piece (make mutate) ---

def test_ordinary_references_are_read_exactly():
    text = '![a](x.png)\n![b](<y z.png> "t")\n`![c](code.png)`\n<img src="q.png">\n'
    found = [(r.kind, r.value, r.location.line, r.location.column)
             for r in references_in(text, HERE)]  # lines counted from 1
    assert found == [("image", "x.png", 1, 6), ("image", "y z.png", 2, 7),
                     ("'src' of <img>", "q.png", 4, 11)]
    rewritable = list(rewritable_references(text))
    assert rewritable == [(5, "image", "x.png"), (18, "image", "y z.png"),
                          (59, "'src' of <img>", "q.png")]
    assert all(text[at:at + len(value)] == value for at, _, value in rewritable)


def test_every_style_block_and_raw_html_fence_is_read():
    text = ("<style>url(a.png)<style>url(b.png)</style>\n<style>url(c.png)</style>\n"
            "```{=html}\n<img src=\"d.png\">\n```\n\n```{=html}\n<img src=\"e.png\">\n```\n")
    assert [r.value for r in references_in(text, HERE)] == [
        "d.png", "e.png", "a.png", "b.png", "c.png"]


def test_srcset_candidates_are_split_at_any_white_space():
    assert fetched_files("img", "srcset", "a.png\t1x,\nb.png\n2x") == ["a.png", "b.png"]


def test_image_labels_without_definitions_and_their_order():
    chapters = [(HERE, "![ab] ![a  b] ![none]\n\n[AB]: one.png\n[a b]: two.png\n", 1)]
    assert [r.value for r in scan_texts(chapters)] == ["two.png", "one.png"]  # by label


@pytest.mark.parametrize("node, expected", [
    ({"t": "RawInline", "c": ["typst", "#x"]}, True),
    ([{"t": "Para", "c": [{"t": "Str", "c": "a"}, {"t": "RawBlock", "c": ["typst", "x"]}]}],
     True),
    ({"t": "Div", "c": [["", [], []], [{"t": "RawBlock", "c": ["typst", "x"]}]]}, True),
    ([{"t": "RawBlock", "c": ["html", "typst"]}, {"t": "Str", "c": "typst"}, 3], False),
    ({"t": "Code", "c": [["", [], []], "typst"]}, False),
])
def test_raw_typst_is_found_wherever_it_stands(node, expected):
    assert has_raw_typst(node) is expected


@pytest.mark.parametrize("kind", ["RawInline", "RawBlock"])
@pytest.mark.parametrize("fmt", ["html", "html4", "html5", "epub", "epub3"])
def test_raw_html_of_every_name_is_read_in_the_tree(kind, fmt):
    raw = {"t": kind, "c": [fmt, '<link href="a.css"><img src>url(no.png)'
                                 '<style>b{c:url(/etc/passwd)}</style>']}
    assert list(tree_references([raw, {"t": kind, "c": ["latex", "url(x)"]}])) == [
        "a.css", "", "/etc/passwd"]
    text_only = {"t": kind, "c": [fmt, "url(a.png)<style>url(b.png)</style>url(&#99;.png)<b>"]}
    assert list(tree_references(text_only)) == ["b.png"]  # CSS only inside <style>


def test_raw_typst_with_a_link_leading_out_is_refused(book, tmp_path):
    os.symlink(tmp_path, book / "out")
    typst = tree([{"t": "RawBlock", "c": ["typst", "#image(\"x\")"]}])
    with pytest.raises(QuireError) as info:
        check_tree_resources(typst, book)
    assert (info.value.message, info.value.location) == (
        "the book holds raw Typst, which may read any file of the project, and this symbolic "
        "link leads outside the project folder: remove the link (or the raw Typst)",
        SourceLocation(book / "out"))
    check_tree_resources(tree([{"t": "RawBlock", "c": ["html", "<b>x</b>"]}]), book)


def test_chapter_images_are_looked_for_from_the_chapter_folder_up(book):
    (book / "manuscript/chapters/images").mkdir()
    (book / "manuscript/chapters/images/near.png").write_bytes(b"\x89PNG")
    add(book, "![near](images/near.png) ![far](images/fig.png) ![gone](gone.png) "
              "![up](manuscript/images/fig.png)")
    assert problems(book) == [
        f"{CHAPTER}:9:57: error: image 'gone.png' not found (looked for from the chapter's "
        "folder up to the project folder)"]


def test_values_yaml_escapes_spell_are_checked_at_their_key(book):
    add(book, 'subtitle: "\\x21[a](/etc/passwd)"\nrights: "\\x21[b](gone.png)"', "book.yaml")
    config = book / "book.yaml"
    config.write_text(config.read_text().replace(
        "author: Test Author", 'author: "\\x21[c](/etc/hosts)"'))
    assert problems(book) == [
        "book.yaml:7: error: image '/etc/passwd' lies outside the project folder",
        "book.yaml:8: error: image 'gone.png' not found (paths are relative to the project "
        "folder)",
        "book.yaml:2: error: image '/etc/hosts' lies outside the project folder"]


def test_the_appendix_template_and_empty_templates_are_scanned(book):
    (book / "templates").mkdir()
    (book / "templates/appendix.md.j2").write_text("x\n![a](/etc/passwd)\n")
    (book / "templates/epub.css").write_text("")
    assert problems(book) == ["templates/appendix.md.j2:2:6: error: image '/etc/passwd' lies "
                              "outside the project folder"]
    (book / "templates/appendix.md.j2").write_text("")
    assert problems(book) == []
    (book / "templates/epub.css").write_bytes(b"\xff")
    assert [p.split(": error: ")[0] for p in problems(book)] == ["templates/epub.css:1:1"]


def test_a_template_linked_from_outside_leaves_the_stylesheet_checked(book, tmp_path):
    (tmp_path / "appendix.md.j2").write_text("x\n")
    (book / "templates").mkdir()
    os.symlink(tmp_path / "appendix.md.j2", book / "templates/appendix.md.j2")
    (book / "templates/epub.css").write_text("a { b: url(gone.png) }\n")
    assert problems(book) == ["templates/epub.css:1:12: error: url() of the stylesheet "
                              "'gone.png' not found (paths are relative to the project folder)"]


def test_texts_emptied_or_damaged_after_reading_are_handled(book):
    config = load_config(book)
    chapters, entries = read_chapters(config), load_bibliography(book)
    chapters[0].path.write_text("")
    assert check_resources(config, chapters, entries) == []
    chapters[0].path.write_bytes(b"\xff")
    errors = check_resources(config, chapters, entries)
    assert [e.location.path for e in errors] == [chapters[0].path]
