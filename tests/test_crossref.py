"""quire.crossref: labels found, numbers given, references resolved, mistakes located.

The end-to-end builds are in ``test_crossref_books.py``; here each piece is
driven directly, and the user's mistakes through ``check`` as a user runs it.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import BOOKS, run_cli
from quire.crossref import check_crossrefs, resolve_crossrefs
from quire.crossref.captions import number_blocks
from quire.crossref.index import chapter_heading, index_book
from quire.crossref.labels import auto_identifier, scan_chapter
from quire.crossref.references import is_crossref_key
from quire.crossref.settings import CrossrefConfig
from quire.errors import QuireError, SourceLocation
from quire.project.manuscript import read_chapter
from quire.model import Bibliography


CONFIG = SimpleNamespace(crossref=CrossrefConfig(), parts=())  # what the checks read of it


def chapters_from(tmp_path: Path, files: dict[str, str]):
    paths = []
    for name, text in files.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return [read_chapter(p) for p in paths]


BOOK = {
    "00-preface.md": "# Preface {-}\n\nSee @fig-one and [-@tbl:two].\n",
    "01-a.md": "# Alpha {#sec-alpha}\n\n![One](x.png){#fig-one}\n\n$$ e = m c^2 $$ {#eq-e}\n\n"
               ": Two {#tbl:two}\n\n## Parts and Wholes\n\n## Parts and Wholes\n",
    "02-b.md": "# Beta\n\n![Three](x.png){#fig:three}\n\n@Fig:three, [@fig-one; @fig:three], "
               "[see @eq-e, above] and @sec-alpha; [Parts and Wholes] and [here][Alpha].\n\n"
               "(Figure @fig:three), Tables @tbl:two and eq.\u00a0@eq-e, chapter @sec-alpha.\n",
    "03-c.md": "# Measures {.appendix}\n\n![Four](x.png){#fig-four}\n",
}


def test_scan_finds_labels_headings_and_links(tmp_path):
    chapter = chapters_from(tmp_path, {"01-a.md": BOOK["01-a.md"] + "\n```\n{#fig-code}\n```\n"
                                       "`{#fig-span}` [x](#sec-alpha)\n"})[0]
    scan = scan_chapter(chapter)
    assert [(label.ident, label.kind) for label in scan.labels] == [
        ("fig-one", "figure"), ("eq-e", "equation"), ("tbl:two", "table")]  # code is not text
    equation = scan.labels[1]
    assert chapter.body[equation.math_start:equation.start].strip() == "$$ e = m c^2 $$"
    assert [(h.level, h.text) for h in scan.headings] == [(2, "Parts and Wholes")] * 2
    assert [(link.target, link.location.line, link.location.column) for link in scan.links] == [
        ("sec-alpha", 16, 19)]


def test_an_equation_label_on_the_line_after_its_formula(tmp_path):
    chapters = chapters_from(tmp_path, {"01-a.md": "# A\n\n$$\nx = 1\n$$\n{#eq:one}\n\nSee @eq:one.\n"})
    index = index_book(chapters, CrossrefConfig())
    body = resolve_crossrefs(chapters, {chapters[0].path: []}, index)[0][0].body
    assert '[$$\nx = 1\n$$]{#eq:one quire-label="(1.1)"}' in body
    assert "See [Equation\u00a01.1](#eq:one)." in body


def test_numbers_by_chapter_and_through_the_book(tmp_path):
    chapters = chapters_from(tmp_path, BOOK)
    by_chapter = index_book(chapters, CrossrefConfig()).targets
    assert [by_chapter[k].text for k in ("fig-one", "eq-e", "tbl:two", "fig:three", "fig-four")] \
        == ["Figure\u00a01.1", "Equation\u00a01.1", "Table\u00a01.1", "Figure\u00a02.1",
            "Figure\u00a0A.1"]
    through = index_book(chapters, CrossrefConfig(numbering="book")).targets
    assert [through[k].number for k in ("fig-one", "fig:three", "fig-four", "tbl:two")] \
        == ["1", "2", "3", "1"]
    assert by_chapter["sec-alpha"].text == "Chapter\u00a01"
    assert by_chapter["measures"].text == "Appendix\u00a0A"  # without an id: pandoc's own
    assert "chapter-3" not in by_chapter and "chapter-0" not in by_chapter  # (unnumbered)
    assert by_chapter["chapter-2"].text == by_chapter["beta"].text == "Chapter\u00a02"
    assert by_chapter["preface"].kind == "chapter" and by_chapter["preface"].text == "Preface"
    assert by_chapter["parts-and-wholes"].text == "Parts and Wholes"
    assert "parts-and-wholes-1" in by_chapter  # the second such heading, as pandoc names it


def test_references_resolve_to_links(tmp_path):
    chapters = chapters_from(tmp_path, BOOK)
    index = index_book(chapters, CrossrefConfig())
    resolved, _ = resolve_crossrefs(chapters, {ch.path: [] for ch in chapters}, index)
    preface, alpha, beta = resolved[0].body, resolved[1].body, resolved[2].body
    assert "See [Figure\u00a01.1](#fig-one) and [1.1](#tbl:two)." in preface
    assert ("[Figure\u00a02.1](#fig:three), Figures\u00a0[1.1](#fig-one) and [2.1](#fig:three), "
            "see [Equation\u00a01.1](#eq-e), above and [Chapter\u00a01](#sec-alpha); "
            "[Parts and Wholes](#parts-and-wholes) and [here](#sec-alpha).") in beta
    assert ("(Figure [2.1](#fig:three)), Tables [1.1](#tbl:two) and eq.\u00a0[1.1](#eq-e), "
            "chapter [1](#sec-alpha).") in beta  # the name written before: the number alone
    assert '![One](x.png){#fig-one quire-label="Figure\u00a01.1"}' in alpha
    assert '[$$ e = m c^2 $$]{#eq-e quire-label="(1.1)"}' in alpha
    assert ': Two {#tbl:two quire-label="Table\u00a01.1"}' in alpha
    assert alpha.endswith("## Parts and Wholes\n\n## Parts and Wholes {#parts-and-wholes-1}\n")


def test_a_heading_never_takes_an_id_quire_gives_later(tmp_path):
    chapters = chapters_from(tmp_path, {"01-a.md": "# A\n\n## References {.page_break_before}\n\n"
                                                   "## Refs\n"})
    index = index_book(chapters, CrossrefConfig(), frozenset({"references", "refs"}))
    resolved, _ = resolve_crossrefs(chapters, {chapters[0].path: []}, index)
    assert resolved[0].body.split("\n")[1:4] == [
        "## References {#references-1 .page_break_before}", "", "## Refs {#refs-1}"]


def test_citation_groups_move_with_the_edits(tmp_path):
    from quire.citations.keys import citation_groups

    chapters = chapters_from(tmp_path, {"01-a.md": "# A\n\n@fig-x and [@smith2020] then "
                                        "[-@fig-x] @jones2019.\n\n![X](x.png){#fig-x}\n"})
    groups = citation_groups(chapters)
    assert [g.items[0].key for g in groups[chapters[0].path]] == ["smith2020", "jones2019"]
    index = index_book(chapters, CrossrefConfig())
    resolved, moved = resolve_crossrefs(chapters, groups, index)
    body = resolved[0].body
    assert [body[g.start:g.end] for g in moved[chapters[0].path]] == ["[@smith2020]",
                                                                       "@jones2019"]


def test_unknown_labels_and_broken_links_are_located(tmp_path):
    chapters = chapters_from(tmp_path, {
        "01-a.md": "# A {#sec-a}\n\n![X](x.png){#fig-tdist}\n\nAs @fig-tdistr shows, and "
                   "[@tbl:nope].\n\nSee [there](#sec-b) and [here][Nowhere].\n",
        "02-b.md": "# B {#sec-bee}\n\n![Y](y.png){#fig-tdist}\n"})
    errors = check_crossrefs(chapters, Bibliography(), CONFIG)
    path_a, path_b = chapters[0].path, chapters[1].path
    assert [(e.location.path, e.location.line, e.location.column, e.message) for e in errors] == [
        (path_b, 3, 13, f"duplicate label 'fig-tdist' (also given at "
                        f"{SourceLocation(path_a, 3, 13)})"),
        (path_a, 5, 4, "unknown cross-reference label 'fig-tdistr' (did you mean 'fig-tdist'?)"),
        (path_a, 5, 28, "unknown cross-reference label 'tbl:nope'"),
        (path_a, 7, 13, "broken link: the book has no heading or label '#sec-b' "
                        "(did you mean '#sec-bee'?)"),
        (path_a, 7, 25, "unknown link reference 'Nowhere': no heading and no definition "
                        "'[Nowhere]: …' of that name"),
    ]
    assert not any("citation key" in e.message for e in errors)


def test_link_definitions_and_citation_targets_are_not_broken(tmp_path):
    chapters = chapters_from(tmp_path, {
        "01-a.md": "# A\n\n[site][Home] and [the study](#ref-smith2020), [old](#chapter-1), "
                   "[video](#vid:1).\n\n[S1]{#vid:1}\n\n"
                   "[Home]: https://example.org\n"})
    bibliography = Bibliography(references={"smith2020": {"id": "smith2020"}})
    assert check_crossrefs(chapters, bibliography, CONFIG) == []


def test_an_id_given_only_in_raw_html_is_no_target(tmp_path):
    chapters = chapters_from(tmp_path, {"01-a.md": "# A\n\nSee [S1](#vid:usage).\n\n"
                                                   "<p id=\"vid:usage\">S1 Video</p>\n"})
    errors = check_crossrefs(chapters, Bibliography(), CONFIG)
    assert [(e.location.line, e.message) for e in errors] == [
        (3, "link to '#vid:usage', an id given only in raw HTML: the PDF and the DOCX do not "
            "have it (give it with Pandoc's syntax: [text]{#vid:usage} or ::: {#vid:usage})")]


def test_check_reports_a_located_error_not_a_citation_key(tmp_path):
    root = tmp_path / "book"
    shutil.copytree(BOOKS / "quarto-style", root)
    chapter = root / "manuscript" / "chapters" / "01-introduction.md"
    chapter.write_text(chapter.read_text().replace("@tbl-scores\n", "@tbl-score\n"))
    result = run_cli("--project", root, "check")
    assert result.code == 1 and "Traceback" not in result.err
    errors = [line for line in result.err.splitlines() if ": error: " in line]
    assert len(errors) == 1 and errors[0].endswith(
        "manuscript/chapters/01-introduction.md:3:65: error: unknown cross-reference label "
        "'tbl-score' (did you mean 'tbl-scores'?)")


@pytest.mark.parametrize("text, ident", [
    ("Parts and *Wholes*", "parts-and-wholes"), ("1. Introduction", "introduction"),
    ("What's `new`?", "whats-new"), ("Über Maß", "über-maß"), ("!!!", "section"),
    ("A [link](http://x.org) here", "a-link-here"),
])
def test_automatic_ids_follow_pandoc(text, ident):
    assert auto_identifier(text) == ident


def test_crossref_keys_are_not_citation_keys():
    assert all(is_crossref_key(k) for k in ("fig-x", "Fig:x", "tbl:a", "eq-b", "sec-intro"))
    assert not any(is_crossref_key(k) for k in ("smith2020", "figueroa2001", "eqbal2010"))


def test_chapter_headings_follow_the_setting(tmp_path):
    chapters = chapters_from(tmp_path, BOOK)
    roles = index_book(chapters, CrossrefConfig()).roles
    headings = {label: [chapter_heading(ch, roles[ch.path], CrossrefConfig(chapter_label=label))
                        for ch in chapters] for label in ("chapter", "number", "none")}
    assert headings == {
        "chapter": ["Preface", "Chapter 1: Alpha", "Chapter 2: Beta", "Appendix A: Measures"],
        "number": ["Preface", "1 Alpha", "2 Beta", "Appendix A: Measures"],
        "none": ["Preface", "Alpha", "Beta", "Measures"]}


def test_unnumbered_chapters_may_share_a_file_number(tmp_path):
    from quire.project.config import load_config
    from quire.project.manuscript import read_chapters

    root = tmp_path / "book"
    shutil.copytree(BOOKS / "minimal", root)
    folder = root / "manuscript" / "chapters"
    (folder / "00-dedication.md").write_text("# For Ada {.unnumbered}\n")
    (folder / "00-preface.md").write_text("# Preface {-}\n")
    chapters = read_chapters(load_config(root))
    assert [(c.title, c.numbered) for c in chapters][:2] == [("For Ada", False), ("Preface", False)]
    (folder / "01-again.md").write_text("# Again\n")
    with pytest.raises(QuireError, match="chapter number 1 is also used"):
        read_chapters(load_config(root))


def test_captions_in_the_tree():
    label = [["fig-x", [], [["quire-label", "Figure\u00a01.2"]]]]
    figure = {"t": "Figure", "c": [label[0], [None, [{"t": "Plain", "c": [
        {"t": "Str", "c": "Title"}]}]], [{"t": "Plain", "c": []}]]}
    div = number_blocks([figure], "apa")[0]
    assert div["t"] == "Div" and div["c"][0] == ["fig-x", [], []]
    inner = div["c"][1][0]
    assert inner["c"][0] == ["", [], []]  # the id moved to the div, the label is gone
    assert inner["c"][1][1] == [{"t": "Plain", "c": [
        {"t": "Strong", "c": [{"t": "Str", "c": "Figure\u00a01.2"}]}, {"t": "LineBreak"},
        {"t": "Emph", "c": [{"t": "Str", "c": "Title"}]}]}]
    span = {"t": "Span", "c": [["eq-x", [], [["quire-label", "(2)"]]],
                               [{"t": "Math", "c": [{"t": "DisplayMath"}, "x = 1 "]}]]}
    assert number_blocks([{"t": "Para", "c": [span]}], "apa")[0]["c"][0]["c"][1][0]["c"][1] \
        == "x = 1 \\qquad (2)"


def test_links_out_of_the_book_must_go_somewhere(tmp_path):
    chapters = chapters_from(tmp_path, {
        "01-a.md": "# A\n\nSee [blogs](www.example.org), [x](http://), <https://_>, "
                   "[file](notes/a.pdf \"Notes\"), ![ok](img/a.png) and [fine](https://example.org/a "
                   "\"Title\"), <mailto:a@example.org>, [y](http://localhost:8000/).\n"})
    errors = check_crossrefs(chapters, Bibliography(), CONFIG)
    assert [(e.location.line, e.location.column, e.message) for e in errors] == [
        (3, 13, "link to 'www.example.org' goes nowhere in the book: a link needs a web address "
                "(https://…) or a label of the book (#id) (did you mean 'https://www.example.org'?)"),
        (3, 35, "link to 'http://' is not a web address: it names no host"),
        (3, 46, "link to 'https://_' is not a web address: it names no host"),
        (3, 65, "link to 'notes/a.pdf' goes nowhere in the book: a link needs a web address "
                "(https://…) or a label of the book (#id)"),
    ]


@pytest.mark.parametrize("settings, message", [
    ("crossref:\n  numbering: chapters\n", "book.yaml:7: error: expected one of chapter, book, "
                                            "got 'chapters'"),
    ("crossref:\n  chapter_lable: none\n", "book.yaml:7: error: unknown key 'chapter_lable' in "
                                            "crossref (did you mean 'chapter_label'?)"),
    ("parts:\n  - title: B\n    from: 2\n  - title: A\n    from: 1\n",
     "book.yaml:9: error: parts must be listed in the order of their chapters"),
    ("parts:\n  - title: Late\n    from: 7\n", "book.yaml:6: error: part 'Late' opens with "
                                                 "chapter 7, which the book does not have "
                                                 "(chapters: 1, 2)"),
])
def test_settings_mistakes_are_located(tmp_path, settings, message):
    root = tmp_path / "book"
    shutil.copytree(BOOKS / "minimal", root)
    with open(root / "book.yaml", "a", encoding="utf-8") as f:
        f.write(settings)
    result = run_cli("--project", root, "check")
    assert result.code == 1 and "Traceback" not in result.err
    assert result.err.splitlines()[0].endswith(message)
