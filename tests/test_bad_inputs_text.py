"""The bad-input corpus, continued: text at the door, YAML bounds, limits, nesting, renderer
messages and usage errors (issue 10).

The same harness as :mod:`test_bad_inputs` (its cases, its built project, its
comparison of outputs): each case changes some files of the built ``passages``
book, runs one command, and expects exactly the message written here, exit
status 1, no traceback and the previous outputs byte for byte. Files may also be
:data:`FIFO` (a named pipe: reading one would block the build for ever).
"""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import run_cli
from test_bad_inputs import (CHAPTER, CHAPTER_TEXT, CSL_REF, ENTRY, ENTRY_TEXT, GOOD_YAML, REFS,
                             Case, assert_one_located_error, chapter_with, entry_with, good_project, outputs)

__all__ = ["good_project"]  # the fixture, shared with test_bad_inputs

#: Stands for a named pipe in a case's files.
FIFO = object()
C = "{root}/" + CHAPTER
E = "{root}/" + ENTRY
Y = "{root}/book.yaml"
LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi"))
RAW_TYPST = "\n```{=typst}\n#let broken = (\n```\n"


def limits(text: str) -> dict[str, str]:
    return {"book.yaml": GOOD_YAML + "limits:\n" + text}


def control(char: str, name: str, code: str) -> Case:
    return Case(f"chapter-control-{name}", chapter_with("says something", f"says{char} something"),
                C + f":3:41: error: control character U+{code} ({name.upper().replace('-', ' ')})"
                " in the text (XML outputs cannot hold it): delete it")


CASES = [
    # files that are not regular files
    Case("entry-fifo", {"bibliography/entries/piped.md": FIFO},
         "{root}/bibliography/entries/piped.md: error: research entry is not a regular file"),
    Case("entry-fifo-check", {"bibliography/entries/piped.md": FIFO},
         "{root}/bibliography/entries/piped.md: error: research entry is not a regular file",
         ("check",)),
    Case("import-fifo", {"in.txt": FIFO}, "{root}/in.txt: error: expected a regular file, found "
         "a named pipe (FIFO)", ("import", "{root}/in.txt")),
    Case("import-dev-zero", {}, "/dev/zero: error: expected a regular file, found a device",
         ("import", "/dev/zero")),
    Case("import-dev-null", {}, "/dev/null: error: expected a regular file, found a device",
         ("import", "/dev/null")),
    Case("import-folder", {"sources/x.txt/a": "x"}, "build.py import: error: Invalid value for "
         "'FILES...': File '{root}/sources/x.txt' is a directory. (see 'build.py import --help')",
         ("import", "{root}/sources/x.txt")),
    # control characters: an error at their line and column
    control("\x0c", "form-feed", "000C"),
    control("\x07", "bell", "0007"),
    control("\x08", "backspace", "0008"),
    control("\x1b", "escape", "001B"),
    control("\x0b", "line-tabulation", "000B"),
    Case("chapter-control-ufffe", chapter_with("says something", "says\ufffe something"),
         C + ":3:41: error: control character U+FFFE in the text (XML outputs cannot hold it): "
         "delete it"),
    Case("chapter-control-unit-separator", chapter_with("# Beginnings", "# Begin\x1fnings"),
         C + ":1:8: error: control character U+001F in the text (XML outputs cannot hold it): "
         "delete it"),
    Case("entry-control", entry_with("A study of beginnings", "A study\x0c of beginnings"),
         E + ":12:17: error: control character U+000C (FORM FEED) in the text (XML outputs "
         "cannot hold it): delete it"),
    Case("yaml-control", {"book.yaml": GOOD_YAML.replace("Test Author", "Test\x07 Author")},
         Y + ":2:13: error: control character U+0007 (BELL) in the text (XML outputs cannot "
         "hold it): delete it"),
    Case("yaml-control-escape", {"book.yaml": GOOD_YAML.replace(
        "Quoting a Study", '"Quoting \\x07 a Study"')},
         Y + ":1: error: control character U+0007 (BELL) in the value (XML outputs cannot "
         "hold it): delete it"),
    Case("front-matter-title-control-escape", {"manuscript/chapters/02-endings.md": (
        '---\ntitle: "End\\x07ings"\n---\n# Endings\n\nText.\n')},
         "{root}/manuscript/chapters/02-endings.md:2: error: control character U+0007 (BELL) "
         "in the value (XML outputs cannot hold it): delete it"),
    Case("references-control", {REFS: "[\n" + (CSL_REF % "doe2001").replace('"T"', '"T\x01"')
                                 + "\n]\n"},
         "{root}/" + REFS + ":2:46: error: control character U+0001 in the text (XML outputs "
         "cannot hold it): delete it"),
    Case("import-control", {"in.txt": "APA Citation\nSmith, A. (2020). T\x0c. P.\n"},
         "{root}/in.txt:2:20: error: control character U+000C (FORM FEED) in the text (XML "
         "outputs cannot hold it): delete it", ("import", "{root}/in.txt")),
    # line ends and byte-order marks: the text is read line by line whatever they are
    Case("chapter-lone-cr", {CHAPTER: CHAPTER_TEXT.replace("@smith2020", "@smith2021")
                             .replace("\n", "\r")},
         C + ":3:70: error: unknown citation key 'smith2021' (did you mean 'smith2020'?)"),
    Case("chapter-crlf", {CHAPTER: CHAPTER_TEXT.replace("@smith2020", "@smith2021")
                          .replace("\n", "\r\n")},
         C + ":3:70: error: unknown citation key 'smith2021' (did you mean 'smith2020'?)"),
    Case("chapter-mixed-line-ends", {CHAPTER: CHAPTER_TEXT.replace("@smith2020", "@smith2021")
                                     .replace("\n\n", "\r\n\r", 1)},
         C + ":3:70: error: unknown citation key 'smith2021' (did you mean 'smith2020'?)"),
    Case("chapter-bom", {CHAPTER: "\ufeff" + CHAPTER_TEXT.replace("@smith2020", "@smith2021")},
         C + ":3:70: error: unknown citation key 'smith2021' (did you mean 'smith2020'?)"),
    Case("entry-lone-cr", {ENTRY: ENTRY_TEXT.replace("key: smith2020", "key: smith2019")
                           .replace("\n", "\r")},
         E + ":2: error: key 'smith2019' does not match the file name 'smith2020.md'"),
    Case("yaml-lone-cr", {"book.yaml": (GOOD_YAML + "titel: x\n").replace("\n", "\r")},
         Y + ":6: error: unknown key 'titel' in book.yaml (did you mean 'title'?)"),
    # citation keys: invisible characters, decomposed accents, headings
    Case("key-zero-width-space", chapter_with("@smith2020", "@smith\u200b2020"),
         C + ":3:70: error: citation key 'smith<U+200B (ZERO WIDTH SPACE)>2020' holds an "
         "invisible character U+200B (ZERO WIDTH SPACE): delete it"),
    Case("key-zero-width-joiner", chapter_with("@smith2020", "@smith2020\u200d"),
         C + ":3:70: error: citation key 'smith2020<U+200D (ZERO WIDTH JOINER)>' holds an "
         "invisible character U+200D (ZERO WIDTH JOINER): delete it"),
    Case("key-bidi-override", chapter_with("@smith2020", "@smith\u202e0202"),
         C + ":3:70: error: citation key 'smith<U+202E (RIGHT-TO-LEFT OVERRIDE)>0202' holds an "
         "invisible character U+202E (RIGHT-TO-LEFT OVERRIDE): delete it"),
    Case("key-bidi-isolate", chapter_with("@smith2020", "@smith\u20662020"),
         C + ":3:70: error: citation key 'smith<U+2066 (LEFT-TO-RIGHT ISOLATE)>2020' holds an "
         "invisible character U+2066 (LEFT-TO-RIGHT ISOLATE): delete it"),
    Case("key-soft-hyphen", chapter_with("@smith2020", "@smi\u00adth2020"),
         C + ":3:70: error: citation key 'smi<U+00AD (SOFT HYPHEN)>th2020' holds an invisible "
         "character U+00AD (SOFT HYPHEN): delete it"),
    Case("key-word-joiner-bracketed", chapter_with("@smith2020", "[@smith2020\u2060]"),
         C + ":3:71: error: citation key 'smith2020<U+2060 (WORD JOINER)>' holds an invisible "
         "character U+2060 (WORD JOINER): delete it"),
    Case("key-decomposed-accent", chapter_with("@smith2020", "@smithe\u03012020"),
         C + ":3:70: error: unknown citation key 'smith\u00e92020' (did you mean "
         "'smith2020'?)"),
    Case("key-in-heading", chapter_with("# Beginnings", "# Beginnings after @smith2021"),
         C + ":1:20: error: unknown citation key 'smith2021' (did you mean 'smith2020'?)"),
    Case("key-in-heading-bracketed", chapter_with("# Beginnings", "# Beginnings [@jones1999]"),
         C + ":1:15: error: unknown citation key 'jones1999'"),
    Case("key-after-comment", chapter_with("@smith2020", "<!-- @smith2020 --> @smith2021"),
         C + ":3:90: error: unknown citation key 'smith2021' (did you mean 'smith2020'?)"),
    Case("key-after-unclosed-comment", chapter_with("@smith2020", "<!-- @smith2021"),
         C + ":3:75: error: unknown citation key 'smith2021' (did you mean 'smith2020'?)"),
    Case("key-after-code-spans", chapter_with("@smith2020", "`` ` `` `a` @smith2021"),
         C + ":3:82: error: unknown citation key 'smith2021' (did you mean 'smith2020'?)"),
    Case("key-after-backticks", chapter_with("@smith2020", "`" * 2000 + " @smith2021"),
         C + ":3:2071: error: unknown citation key 'smith2021' (did you mean 'smith2020'?)"),
    Case("key-after-open-bracket", chapter_with("@smith2020", "[" + "@smith2020; " * 3000
                                                + "@smith2021"),
         C + ":3:36071: error: unknown citation key 'smith2021' (did you mean 'smith2020'?)"),
    # YAML: values it cannot build, nesting, aliases
    Case("yaml-impossible-date", {"book.yaml": GOOD_YAML.replace("2025-01-15", "2026-02-30")},
         Y + ":4:7: error: invalid YAML: cannot read '2026-02-30' as a timestamp: day is out of "
         "range for month"),
    Case("yaml-month-13", {"book.yaml": GOOD_YAML.replace("2025-01-15", "2026-13-01")},
         Y + ":4:7: error: invalid YAML: cannot read '2026-13-01' as a timestamp: month must be "
         "in 1..12"),
    Case("yaml-int-tag", {"book.yaml": GOOD_YAML + "output:\n  font_size: !!int big\n"},
         Y + ":7:14: error: invalid YAML: cannot read 'big' as an int: invalid literal for int() "
         "with base 10: 'big'"),
    Case("yaml-billion-laughs", {"book.yaml": GOOD_YAML + LAUGHS},
         Y + ":1: error: invalid YAML: aliases expand to more than 100,000 values (aliases of "
         "aliases, nested): write the values out"),
    Case("yaml-deep", {"book.yaml": GOOD_YAML + "x: " + "[" * 3000 + "]" * 3000 + "\n"},
         Y + ":1: error: invalid YAML: nested too deeply (at most 100 levels)"),
    Case("yaml-deep-block", {"book.yaml": GOOD_YAML + "x:\n" + "".join(
        " " * i + "- \n" for i in range(150))},
         Y + ":1: error: invalid YAML: nested too deeply (at most 100 levels)"),
    Case("entry-billion-laughs", entry_with("page: 1-10\n", "page: 1-10\n" + LAUGHS),
         E + ":2: error: invalid YAML: aliases expand to more than 100,000 values (aliases of "
         "aliases, nested): write the values out"),
    Case("entry-impossible-date", entry_with("page: 1-10\n", "page: 1-10\nadded: 2026-02-30\n"),
         E + ":16:8: error: invalid YAML: cannot read '2026-02-30' as a timestamp: day is out "
         "of range for month"),
    Case("entry-yaml-date-in-reference", entry_with("issued:\n    date-parts: [[2020]]",
                                                    "issued: 2020-01-31"),
         E + ":3: error: CSL-JSON field 'issued' holds a date (2020-01-31): CSL-JSON takes "
         "texts, numbers, lists and mappings (a date as date-parts: [[2020, 1, 31]])"),
    Case("entry-infinite-number", entry_with("page: 1-10", "page: 1-10\n  note: .inf"),
         E + ":3: error: CSL-JSON field 'note' holds the number inf: CSL-JSON takes texts, "
         "numbers, lists and mappings (a date as date-parts: [[2020, 1, 31]])"),
    Case("entry-deep", entry_with("page: 1-10\n", "page: 1-10\nx: " + "{a: " * 500 + "1"
                                  + "}" * 500 + "\n"),
         E + ":2: error: invalid YAML: nested too deeply (at most 100 levels)"),
    Case("chapter-impossible-date", {CHAPTER: "---\nwritten: 2026-02-30\n---\n" + CHAPTER_TEXT},
         C + ":2:10: error: invalid YAML: cannot read '2026-02-30' as a timestamp: day is out "
         "of range for month"),
    Case("chapter-billion-laughs", {CHAPTER: "---\n" + LAUGHS + "---\n" + CHAPTER_TEXT},
         C + ":2: error: invalid YAML: aliases expand to more than 100,000 values (aliases of "
         "aliases, nested): write the values out"),
    Case("chapter-float-tag", {CHAPTER: "---\nnumber: !!float one\n---\n" + CHAPTER_TEXT},
         C + ":2:9: error: invalid YAML: cannot read 'one' as a float"),
    Case("references-deep", {REFS: "[" * 100_000 + "]" * 100_000 + "\n"},
         "{root}/" + REFS + ":1: error: invalid JSON: nested too deeply"),
    # limits in book.yaml
    Case("limits-time-zero", limits("  time: 0\n"),
         Y + ":7: error: expected a number from 1 to 86400, got 0"),
    Case("limits-time-text", limits("  time: long\n"),
         Y + ":7: error: expected a number from 1 to 86400, got 'long'"),
    Case("limits-memory-small", limits("  memory: 10\n"),
         Y + ":7: error: expected a whole number from 256 to 1048576, got 10"),
    Case("limits-memory-fraction", limits("  memory: 512.5\n"),
         Y + ":7: error: expected a whole number from 256 to 1048576, got 512.5"),
    Case("limits-nesting-huge", limits("  nesting: 100000\n"),
         Y + ":7: error: expected a whole number from 1 to 200, got 100000"),
    Case("limits-unknown", limits("  speed: 3\n"),
         Y + ":7: error: unknown key 'speed' in limits"),
    Case("limits-not-mapping", {"book.yaml": GOOD_YAML + "limits: 5\n"},
         Y + ":6: error: expected a mapping for 'limits', got int 5"),
    Case("limits-check", limits("  time: -1\n"),
         Y + ":7: error: expected a number from 1 to 86400, got -1", ("check",)),
    Case("font-size-huge", {"book.yaml": GOOD_YAML + "output:\n  font_size: 1e9\n"},
         Y + ":7: error: expected a number from 4 to 72, got 1000000000.0"),
    Case("font-size-text", {"book.yaml": GOOD_YAML + "output:\n  font_size: 12pt)\n"},
         Y + ":7: error: expected a number from 4 to 72, got '12pt)'"),
    # nesting
    Case("nesting-lists-one-line", chapter_with("And the chapter goes on.", "- " * 10000 + "x"),
         C + ":10: error: nested 10000 levels deep (block quotes, lists, divs); the limit is 64 "
         "(limits.nesting in book.yaml)"),
    Case("nesting-quotes", chapter_with("And the chapter goes on.", "> " * 10000 + "x"),
         C + ":10: error: nested 10000 levels deep (block quotes, lists, divs); the limit is 64 "
         "(limits.nesting in book.yaml)"),
    Case("nesting-indented-lists", chapter_with("And the chapter goes on.", "".join(
        "  " * i + "- x\n" for i in range(100))),
         C + ":74: error: nested 65 levels deep (block quotes, lists, divs); the limit is 64 "
         "(limits.nesting in book.yaml)"),
    Case("nesting-divs", chapter_with("And the chapter goes on.", "::: {.a}\n" * 70 + "x\n"),
         C + ":74: error: nested 65 levels deep (block quotes, lists, divs); the limit is 64 "
         "(limits.nesting in book.yaml)"),
    Case("nesting-own-limit", {**limits("  nesting: 3\n"), **chapter_with(
        "And the chapter goes on.", "> > > > x")},
         C + ":10: error: nested 4 levels deep (block quotes, lists, divs); the limit is 3 "
         "(limits.nesting in book.yaml)"),
    # renderer messages located in the book's files
    Case("typst-raw-block", chapter_with("And the chapter goes on.", RAW_TYPST),
         C + ":12: error: Typst could not make the PDF: unclosed delimiter"),
    Case("typst-raw-inline", chapter_with("And the chapter goes on.", "`#nope`{=typst}"),
         C + ":10: error: Typst could not make the PDF: unknown variable: nope"),
    Case("typst-raw-second-chapter", {"manuscript/chapters/02-endings.md": (
        "# Endings\n\nText.\n\n```{=typst}\n#panic(\"no\")\n```\n")},
         "{root}/manuscript/chapters/02-endings.md:6: error: Typst could not make the PDF: "
         "panicked with: no"),
    Case("typst-undecodable-image", {**chapter_with("And the chapter goes on.",
                                                    "![A figure](manuscript/images/bad.png)"),
                                     "manuscript/images/bad.png": b"\x89PNG\r\n\x1a\nbroken"},
         C + ":10: error: Typst could not make the PDF: failed to decode image (unexpected end "
         "of file)"),
    Case("pandoc-duplicate-identifier", {"manuscript/chapters/02-endings.md": (
        "# Endings\n\n## Part {#same}\n\nText.\n\n## Again {#same}\n")},
         "{root}/manuscript/chapters/02-endings.md:7:1: error: duplicate label 'same' (also "
         "given at {root}/manuscript/chapters/02-endings.md:3:1)", ("build", "--strict")),
    # usage errors: the same format, exit status 1
    Case("usage-unknown-command", {}, "build.py: error: No such command 'bild'. Did you mean "
         "'build'? (see 'build.py --help')", ("bild",)),
    Case("usage-bad-format", {}, "build.py build: error: Invalid value for '--format' / '-f': "
         "'mobi' is not one of 'epub', 'pdf', 'docx', 'all'. (see 'build.py build --help')",
         ("build", "--format", "mobi")),
    Case("usage-unknown-option", {}, "build.py check: error: No such option '--fast'. (see "
         "'build.py check --help')", ("check", "--fast")),
    Case("usage-missing-argument", {}, "build.py import: error: Missing argument 'FILES...'. "
         "(see 'build.py import --help')", ("import",)),
    Case("usage-extra-argument", {}, "build.py check: error: Got unexpected extra argument "
         "(x) (see 'build.py check --help')", ("check", "x")),
]


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 70 and len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case: Case, good_project: Path, tmp_path: Path):
    root = tmp_path / "book"
    shutil.copytree(good_project, root)
    before = outputs(root)
    for name, content in case.files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if content is FIFO:
            os.mkfifo(path)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    assert_one_located_error(root, case, before, exact=True)


# --- text that must build, and build right ---

def build_epub(root: Path, *args: str) -> dict[str, str]:
    result = run_cli("--project", root, "build", "--strict", *args)
    assert result.code == 0, result.err
    with zipfile.ZipFile(root / "build" / "quoting-a-study.epub") as epub:
        return {n: epub.read(n).decode("utf-8") for n in epub.namelist() if n.endswith(("xhtml",
                                                                                     "opf"))}


def test_citations_in_comments_are_neither_checked_nor_listed(good_project, tmp_path):
    root = tmp_path / "book"
    shutil.copytree(good_project, root)
    (root / CHAPTER).write_text(CHAPTER_TEXT.replace(
        "And the chapter goes on.", "<!-- [@nobody1999] and @smith2020 -->\n\nAnd on."))
    (root / "manuscript/chapters/02-endings.md").write_text("# Endings\n\nNo citations.\n")
    result = run_cli("--project", root, "stats")
    assert result.code == 0, result.err
    assert "nobody1999" not in result.out
    files = build_epub(root, "--format", "epub")
    text = "".join(files.values())
    assert "<!-- [@nobody1999] and @smith2020 -->" in text  # kept as a comment, not resolved


def test_a_citation_in_a_heading_is_resolved(good_project, tmp_path):
    root = tmp_path / "book"
    shutil.copytree(good_project, root)
    (root / CHAPTER).write_text(CHAPTER_TEXT.replace("# Beginnings", "# After @smith2020"))
    files = build_epub(root, "--format", "epub")
    heading = files["EPUB/text/ch001.xhtml"]
    assert '<h1 class="chapter">Chapter 1: After <a href="' in heading
    assert "@smith2020" not in "".join(files.values())


def test_a_title_holding_markup_is_text(good_project, tmp_path):
    root = tmp_path / "book"
    shutil.copytree(good_project, root)
    title = "A </dc:title><script>alert(1)</script> *Study* [x](y)"
    (root / "book.yaml").write_text(GOOD_YAML.replace("Quoting a Study", repr(title)[1:-1]
                                                      .join("''"))
                                    + "output:\n  basename: quoting-a-study\n")
    files = build_epub(root, "--format", "epub")
    everything = "".join(files.values())
    assert "<script>" not in everything
    assert "&lt;/dc:title&gt;&lt;script&gt;alert(1)&lt;/script&gt; *Study* [x](y)" in everything


def test_keys_with_label_characters_build_a_pdf_with_working_links(good_project, tmp_path):
    root = tmp_path / "book"
    shutil.copytree(good_project, root)
    keys = ["a<b", "c&d", "e?f", "g#h", "i%j", "k+l", "m_n", "m_3c_n"]
    (root / REFS).write_text("[\n" + ",\n".join(
        (CSL_REF % key).replace('"Doe"', f'"Doe{i}"').replace(
            '"type"', '"issued": {"date-parts": [[2001]]}, "type"') for i, key in enumerate(keys))
        + "\n]\n")
    (root / "manuscript/chapters/02-endings.md").write_text(
        "# Endings\n\n" + " ".join(f"[@{{{key}}}]" for key in keys) + "\n")
    result = run_cli("--project", root, "build", "--strict", "--format", "pdf")
    assert result.code == 0, result.err
    reader = PdfReader(root / "build" / "quoting-a-study.pdf")
    text = " ".join("".join(page.extract_text() for page in reader.pages).split())
    for i in range(len(keys)):
        assert f"(Doe{i}, 2001)" in text and f"Doe{i}. (2001). T." in text
    links = [a.get_object() for page in reader.pages for a in page.get("/Annots") or []]
    internal = [a for a in links if a.get("/Dest") is not None or "/A" in a and
                a["/A"].get("/S") == "/GoTo"]
    assert len(internal) >= len(keys)


def test_raw_html_in_a_title_is_text_and_an_unclosed_tag_a_located_error(good_project, tmp_path):
    root = tmp_path / "book"
    shutil.copytree(good_project, root)
    chapter = root / "manuscript/chapters/02-endings.md"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text('---\ntitle: "E </title><script>x</script>"\n---\n' + text,
                       encoding="utf-8")
    files = build_epub(root, "--format", "epub")
    assert ('<h1 class="chapter">Chapter 2: E &lt;/title&gt;&lt;script&gt;x&lt;/script&gt;'
            in files["EPUB/text/ch002.xhtml"])  # the chapter is whole, its title text
    chapter.write_text(text + "\nText <script>x\n\nMore text.\n", encoding="utf-8")
    result = run_cli("--project", root, "build", "--format", "epub")
    assert result.code == 1 and "Traceback" not in result.err
    assert result.err.startswith(f"{chapter}: error: raw HTML in this chapter does not close "
                                 "as XHTML must (such as <script> or </title>)")
