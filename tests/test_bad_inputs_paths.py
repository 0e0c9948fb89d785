"""The bad-input corpus for paths: every file a book names is confined to the project.

The same harness as :mod:`test_bad_inputs` (its built ``passages`` book, its
exact-message rule): each case changes some files, adds symbolic links, runs
one command and expects exactly one message, exit status 1, no traceback, the
previous outputs byte for byte as they were, and the folder outside the
project (``{outside}``, holding a secret) unchanged. Commands run in-process
through click's test runner (the same ``main`` the CLI runs) to keep the
corpus fast.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, CliResult
from test_bad_inputs import (CHAPTER, CHAPTER_TEXT, ENTRY, ENTRY_TEXT, GOOD_YAML,
                             chapter_with, entry_with, good_project, outputs,
                             write_case_files)

from quire.cli import main

__all__ = ["good_project"]  # the built book every case starts from (a fixture)

SECRET = "SECRET-7f3a-confine-marker"
URL_ERROR = ("is a URL: quire fetches nothing while it checks or builds; download the file "
             "into the project and name it by its path")
OUTSIDE = "lies outside the project folder"
CH = "{root}/" + CHAPTER
TAIL = "And the chapter goes on."
LINK_MSG = ("a symbolic link stands where quire keeps its build files: quire will not write or "
            "clean where a link leads; remove the link (quire makes the folder)")
FOREIGN = ("quire did not write this, and it cleans the folder it is in: move it out of the "
           "build folder (quire deletes nothing of yours)")
IMPORT_SOURCE = ("APA Citation\nDoe, J. (2021). A new study. *Journal of Tests*, 4, 1--5.\n"
                 "What This Research Found\nText.\n")


@dataclass(frozen=True)
class PathCase:
    """A bad path: files to write, links to make (``{outside}`` expands), a command, a message."""

    name: str
    files: dict[str, str | bytes | None]
    expected: str
    command: tuple[str, ...] = ("check",)
    links: dict[str, str] = field(default_factory=dict)
    setup: Callable[[Path], None] | None = None


def image(markup: str) -> dict[str, str]:
    """The chapter with ``markup`` in place of its last line (line 10)."""
    return chapter_with(TAIL, markup)


def yaml_plus(text: str) -> dict[str, str]:
    return {"book.yaml": GOOD_YAML + text}


def fifo(relative: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        os.mkfifo(root / relative)
    return make


LONG = "a" * 300
CASES = [
    # --- images in a chapter: URLs of every scheme, outside paths, impossible names ---
    PathCase("img-file-url", image("![x](file:///etc/passwd)"),
             CH + ":10:6: error: image 'file:///etc/passwd' " + URL_ERROR),
    PathCase("img-file-localhost", image("![x](file://localhost/etc/passwd)"),
             CH + ":10:6: error: image 'file://localhost/etc/passwd' " + URL_ERROR),
    PathCase("img-file-one-slash", image("![x](file:/etc/passwd)"),
             CH + ":10:6: error: image 'file:/etc/passwd' " + URL_ERROR),
    PathCase("img-http", image("![x](http://127.0.0.1:9/x.png)"),
             CH + ":10:6: error: image 'http://127.0.0.1:9/x.png' " + URL_ERROR),
    PathCase("img-https-title", image('![x](https://example.org/x.png "A title")'),
             CH + ":10:6: error: image 'https://example.org/x.png' " + URL_ERROR),
    PathCase("img-protocol-relative", image("![x](//example.org/x.png)"),
             CH + ":10:6: error: image '//example.org/x.png' " + URL_ERROR),
    PathCase("img-ftp-upper", image("![x](FTP://example.org/x.png)"),
             CH + ":10:6: error: image 'FTP://example.org/x.png' " + URL_ERROR),
    PathCase("img-absolute-outside", image("![x]({outside}/secret.png)"),
             CH + ":10:6: error: image '{outside}/secret.png' " + OUTSIDE),
    PathCase("img-percent-dotdot", image("![x](%2e%2e/%2e%2e/%2e%2e/etc/passwd)"),
             CH + ":10:6: error: image '%2e%2e/%2e%2e/%2e%2e/etc/passwd' " + OUTSIDE),
    PathCase("img-angle-brackets", image("![x](<../outside dir/x.png>)"),
             CH + ":10:7: error: image '../outside dir/x.png' " + OUTSIDE),
    PathCase("img-query-outside", image("![x](../../x.png?v=1#top)"),
             CH + ":10:6: error: image '../../x.png?v=1#top' " + OUTSIDE),
    PathCase("img-nul", image("![x](manuscript/a%00b.png)"),
             CH + ":10:6: error: image 'manuscript/a%00b.png' holds a NUL character, which no "
             "file name can hold"),
    PathCase("img-long-name", image(f"![x](manuscript/{LONG}.png)"),
             CH + f":10:6: error: image 'manuscript/{LONG}.png' is a name too long for the file "
             "system"),
    PathCase("img-link-loop", image("![x](manuscript/loop-a.png)"),
             CH + ":10:6: error: image 'manuscript/loop-a.png' is a loop of symbolic links",
             links={"manuscript/loop-a.png": "loop-b.png", "manuscript/loop-b.png": "loop-a.png"}),
    PathCase("img-link-outside", image("![x](manuscript/cover.png)"),
             CH + ":10:6: error: image 'manuscript/cover.png' " + OUTSIDE,
             links={"manuscript/cover.png": "{outside}/secret.png"}),
    PathCase("img-folder-link-outside", image("![x](manuscript/art/secret.png)"),
             CH + ":10:6: error: image 'manuscript/art/secret.png' " + OUTSIDE,
             links={"manuscript/art": "{outside}"}),
    PathCase("img-is-folder", image("![x](manuscript)"),
             CH + ":10:6: error: image 'manuscript' is a folder, not a file"),
    PathCase("img-fifo", image("![x](manuscript/pipe.png)"),
             CH + ":10:6: error: image 'manuscript/pipe.png' is not a regular file",
             setup=fifo("manuscript/pipe.png")),
    # --- reference-style images: located at the definition that names the file ---
    PathCase("img-reference-full", image("![x][pw]\n\n[pw]: /etc/passwd"),
             CH + ":12:7: error: image reference [pw] '/etc/passwd' " + OUTSIDE),
    PathCase("img-reference-collapsed", image("![PW][]\n\n[pw]: <file:///etc/passwd>"),
             CH + ":12:8: error: image reference [pw] 'file:///etc/passwd' " + URL_ERROR),
    PathCase("img-reference-shortcut", image('![Secret Art]\n\n  [secret  art]: ../x.png "t"'),
             CH + ":12:18: error: image reference [secret  art] '../x.png' " + OUTSIDE),
    PathCase("img-reference-other-chapter",
             {**image("![x][far]"), "manuscript/chapters/02-endings.md":
              "# Endings\n\nThe end.\n\n[far]: https://example.org/far.png\n"},
             "{root}/manuscript/chapters/02-endings.md:5:8: error: image reference [far] "
             "'https://example.org/far.png' " + URL_ERROR),
    # --- raw HTML: every attribute a writer fetches, entities decoded ---
    PathCase("html-img-file-url", image('<img src="file:///etc/passwd" alt="">'),
             CH + ":10:11: error: 'src' of <img> 'file:///etc/passwd' " + URL_ERROR),
    PathCase("html-srcset", image('<img src="a.png" srcset="/etc/passwd 2x">'),
             CH + ":10:11: error: 'src' of <img> 'a.png' not found (looked for from the "
             "chapter's folder up to the project folder)\n" + CH + ":10:26: error: 'srcset' of <img> '/etc/passwd' "
             + OUTSIDE),
    PathCase("html-poster-entities", image('<video poster="&#x2F;etc&#47;passwd"></video>'),
             CH + ":10:16: error: 'poster' of <video> '/etc/passwd' " + OUTSIDE),
    PathCase("html-object-data", image("<object data='http://127.0.0.1:9/a.pdf'></object>"),
             CH + ":10:15: error: 'data' of <object> 'http://127.0.0.1:9/a.pdf' " + URL_ERROR),
    PathCase("html-embed-bare", image("<embed src=/etc/passwd>"),
             CH + ":10:12: error: 'src' of <embed> '/etc/passwd' " + OUTSIDE),
    PathCase("html-source", image('<audio><source src="../../a.mp3"></audio>'),
             CH + ":10:21: error: 'src' of <source> '../../a.mp3' " + OUTSIDE),
    PathCase("html-link-href", image('<link rel="stylesheet" href="https://example.org/a.css">'),
             CH + ":10:30: error: 'href' of <link> 'https://example.org/a.css' " + URL_ERROR),
    PathCase("html-svg-image", image('<svg><image href="/etc/passwd"/></svg>'),
             CH + ":10:19: error: 'href' of <image> '/etc/passwd' " + OUTSIDE),
    PathCase("html-iframe", image('<iframe src="//example.org/"></iframe>'),
             CH + ":10:14: error: 'src' of <iframe> '//example.org/' " + URL_ERROR),
    PathCase("html-style-attribute", image('<p style="background: url(/etc/passwd)">x</p>'),
             CH + ":10:11: error: 'style' of <p> '/etc/passwd' " + OUTSIDE),
    PathCase("html-style-block", image("<style>\nbody { background: url('file:///x.png') }\n"
                                       "</style>"),
             CH + ":11:25: error: url() in <style> 'file:///x.png' " + URL_ERROR),
    PathCase("html-raw-block", image('```{=html}\n<img src="/etc/passwd">\n```'),
             CH + ":11:11: error: 'src' of <img> '/etc/passwd' " + OUTSIDE),
    # --- book.yaml: values are Markdown, and the files it names ---
    PathCase("yaml-title-image", {"book.yaml": GOOD_YAML.replace(
        "title: Quoting a Study", "title: 'Quoting ![a](/etc/passwd)'")},
             "{root}/book.yaml:1:22: error: image '/etc/passwd' " + OUTSIDE),
    PathCase("yaml-author-image", {"book.yaml": GOOD_YAML.replace(
        "author: Test Author", "author: 'A. N. ![a](/etc/passwd)'")},
             "{root}/book.yaml:2:21: error: image '/etc/passwd' " + OUTSIDE),
    PathCase("yaml-author-list-html", {"book.yaml": GOOD_YAML.replace(
        "author: Test Author", "author:\n  - A. N. Other\n  - <img src='file:///etc/passwd'>")},
             "{root}/book.yaml:4:15: error: 'src' of <img> 'file:///etc/passwd' " + URL_ERROR),
    PathCase("yaml-subtitle-url", yaml_plus("subtitle: '![s](https://example.org/s.png)'\n"),
             "{root}/book.yaml:6:17: error: image 'https://example.org/s.png' " + URL_ERROR),
    PathCase("yaml-rights-html", yaml_plus("rights: '<img src=\"{outside}/secret.png\">'\n"),
             "{root}/book.yaml:6:20: error: 'src' of <img> '{outside}/secret.png' " + OUTSIDE),
    PathCase("yaml-escaped-image", yaml_plus('publisher: "P \\x21[a](/etc/passwd)"\n'),
             "{root}/book.yaml:6: error: image '/etc/passwd' " + OUTSIDE),
    PathCase("yaml-cover-url", yaml_plus("cover: https://example.org/c.png\n"),
             "{root}/book.yaml:6: error: 'https://example.org/c.png' " + URL_ERROR),
    PathCase("yaml-cover-absolute", yaml_plus("cover: {outside}/secret.png\n"),
             "{root}/book.yaml:6: error: '{outside}/secret.png' " + OUTSIDE),
    PathCase("yaml-cover-link-outside", yaml_plus("cover: cover.png\n"),
             "{root}/book.yaml:6: error: 'cover.png' " + OUTSIDE,
             links={"cover.png": "{outside}/secret.png"}),
    PathCase("yaml-cover-loop", yaml_plus("cover: loop.png\n"),
             "{root}/book.yaml:6: error: 'loop.png' is a loop of symbolic links",
             links={"loop.png": "loop.png"}),
    PathCase("yaml-cover-folder", yaml_plus("cover: manuscript\n"),
             "{root}/book.yaml:6: error: 'manuscript' is a folder, not a file"),
    PathCase("yaml-cover-nul", yaml_plus('cover: "a\\0b.png"\n'),
             "{root}/book.yaml:6: error: control character U+0000 in the value (XML outputs "
             "cannot hold it): delete it"),  # every book.yaml text is refused one before
    PathCase("yaml-csl-outside", yaml_plus("csl: ../../style.csl\n"),
             "{root}/book.yaml:6: error: style file '../../style.csl' " + OUTSIDE),
    PathCase("yaml-csl-link-outside", yaml_plus("csl: styles/apa.csl\n"),
             "{root}/book.yaml:6: error: style file 'styles/apa.csl' " + OUTSIDE,
             links={"styles": "{outside}"}),
    PathCase("yaml-csl-loop", yaml_plus("csl: loop.csl\n"),
             "{root}/book.yaml:6: error: style file 'loop.csl' is a loop of symbolic links",
             links={"loop.csl": "loop.csl"}),
    PathCase("yaml-chapters-dotdot", yaml_plus("chapters:\n  - ../../outside/x.md\n"),
             "{root}/book.yaml:7: error: chapter '../../outside/x.md' " + OUTSIDE),
    PathCase("yaml-chapters-absolute", yaml_plus("chapters:\n  - {outside}/chapter.md\n"),
             "{root}/book.yaml:7: error: chapter '{outside}/chapter.md' " + OUTSIDE),
    PathCase("yaml-chapters-link", yaml_plus("chapters:\n  - chapters/01-beginnings.md\n"
                                             "  - extra.md\n"),
             "{root}/book.yaml:8: error: chapter 'extra.md' " + OUTSIDE,
             links={"manuscript/extra.md": "{outside}/chapter.md"}),
    # --- chapters found by name, their front matter and headings ---
    PathCase("chapter-link-outside", {}, "{root}/manuscript/chapters/03-secret.md: error: "
             "chapter file " + OUTSIDE,
             links={"manuscript/chapters/03-secret.md": "{outside}/chapter.md"}),
    PathCase("chapter-link-loop", {}, "{root}/manuscript/chapters/03-loop.md: error: chapter "
             "file is a loop of symbolic links",
             links={"manuscript/chapters/03-loop.md": "03-loop.md"}),
    PathCase("chapter-folder-link", {CHAPTER: None, "manuscript/chapters/02-endings.md": None},
             "{root}/manuscript/chapters/03-secret.md: error: chapter file " + OUTSIDE,
             setup=lambda root: (os.rmdir(root / "manuscript/chapters"), os.symlink(
                 OUTSIDE_DIR[0] / "chapters", root / "manuscript/chapters"))),
    PathCase("chapter-front-matter-title",
             {CHAPTER: "---\ntitle: 'Begin ![x](file:///etc/passwd)'\n---\n" + CHAPTER_TEXT},
             CH + ":2:20: error: image 'file:///etc/passwd' " + URL_ERROR),
    PathCase("chapter-title-escaped",
             {CHAPTER: '---\ntitle: "\\x21[x](file:///etc/passwd)"\n---\n' + CHAPTER_TEXT},
             CH + ":4: error: image 'file:///etc/passwd' " + URL_ERROR),
    PathCase("chapter-heading-image", {CHAPTER: CHAPTER_TEXT.replace(
        "# Beginnings", "# Beginnings ![x](../../x.png)")},
             CH + ":1:19: error: image '../../x.png' " + OUTSIDE),
    # --- research entries and the passages they hold ---
    PathCase("entry-section-image", entry_with("It found that", "![f](/etc/passwd) It found that"),
             "{root}/" + ENTRY + ":{entry_line}:6: error: image '/etc/passwd' " + OUTSIDE),
    PathCase("entry-passage-html", entry_with("::: {.passage #beginnings",
                                              "<img src='file:///etc/passwd'>\n\n"
                                              "::: {.passage #beginnings"),
             "{root}/" + ENTRY + ":{passage_line}:11: error: 'src' of <img> 'file:///etc/passwd' "
             + URL_ERROR),
    PathCase("entry-link-outside", {}, "{root}/bibliography/entries/doe2021.md: error: research "
             "entry " + OUTSIDE,
             links={"bibliography/entries/doe2021.md": "{outside}/entry.md"}),
    PathCase("entry-link-loop", {}, "{root}/bibliography/entries/loop.md: error: research entry "
             "is a loop of symbolic links", links={"bibliography/entries/loop.md": "loop.md"}),
    PathCase("references-link-outside", {}, "{root}/bibliography/references.json: error: the "
             "reference store " + OUTSIDE,
             links={"bibliography/references.json": "{outside}/references.json"}),
    # --- templates, their includes, the stylesheet and its url() ---
    PathCase("css-link-outside", {}, "{root}/templates/epub.css: error: template " + OUTSIDE,
             links={"templates/epub.css": "{outside}/secret.png"}),
    PathCase("templates-folder-link", {}, "{root}/templates/book.typ: error: template " + OUTSIDE,
             links={"templates": "{outside}/templates"}),
    PathCase("book-typ-loop", {}, "{root}/templates/book.typ: error: template is a loop of "
             "symbolic links", links={"templates/book.typ": "book.typ"}),
    PathCase("reference-docx-link", {}, "{root}/templates/reference.docx: error: template "
             + OUTSIDE, links={"templates/reference.docx": "/etc/passwd"}),
    PathCase("appendix-template-link", {}, "{root}/templates/appendix.md.j2: error: template "
             + OUTSIDE, links={"templates/appendix.md.j2": "{outside}/appendix.md.j2"}),
    PathCase("css-url-remote", {"templates/epub.css": "body {\n  background: "
                                                      "url(\"https://example.org/a.png\");\n}\n"},
             "{root}/templates/epub.css:2:20: error: url() of the stylesheet "
             "'https://example.org/a.png' " + URL_ERROR),
    PathCase("css-url-outside", {"templates/epub.css": "@font-face { src: url(../../f.woff) }\n"},
             "{root}/templates/epub.css:1:23: error: url() of the stylesheet '../../f.woff' "
             + OUTSIDE),
    PathCase("css-import", {"templates/epub.css": "@import 'file:///etc/x.css';\n"},
             "{root}/templates/epub.css:1:10: error: url() of the stylesheet 'file:///etc/x.css' "
             + URL_ERROR),
    PathCase("template-image", {"templates/appendix.md.j2": "# {{ appendix.title }}\n\n"
                                                            "![seal](/etc/passwd)\n"},
             "{root}/templates/appendix.md.j2:3:9: error: image '/etc/passwd' " + OUTSIDE),
    PathCase("template-include-link", {"templates/appendix.md.j2": "# {{ appendix.title }}\n\n"
                                                                   "{% include 'x.txt' %}\n"},
             "{root}/templates/appendix.md.j2:3: error: template error: template 'x.txt' "
             + OUTSIDE, ("build",), links={"templates/x.txt": "{outside}/secret.png"}),
    PathCase("fonts-folder-link", {}, "{root}/fonts: error: fonts are read from the project "
             "only, and this symbolic link leads outside the project folder",
             links={"fonts": "{outside}"}),
    PathCase("fonts-file-link", {"fonts/ok.txt": "x"}, "{root}/fonts/book.ttf: error: fonts are "
             "read from the project only, and this symbolic link leads outside the project folder",
             links={"fonts/book.ttf": "{outside}/secret.png"}),
    PathCase("raw-typst-through-link", image('```{=typst}\n#read("manuscript/notes.txt")\n```'),
             "{root}/manuscript/notes.txt: error: the book holds raw Typst, which may read any "
             "file of the project, and this symbolic link leads outside the project folder: "
             "remove the link (or the raw Typst)", ("build",),
             links={"manuscript/notes.txt": "{outside}/secret.png"}),
    # --- the build folder and the folders quire cleans are quire's own ---
    PathCase("build-cache-link", {}, "{root}/build/.cache: error: " + LINK_MSG, ("build",),
             setup=lambda root: _move_to_outside(root, "build/.cache", "cache")),
    PathCase("build-texts-link", {}, "{root}/build/chapters: error: " + LINK_MSG, ("build",),
             setup=lambda root: _move_to_outside(root, "build/chapters", "texts")),
    PathCase("build-cache-foreign", {"build/.cache/notes.txt": "mine"},
             "{root}/build/.cache/notes.txt: error: " + FOREIGN, ("build",)),
    PathCase("build-cache-subfolder", {"build/.cache/keep/a.txt": "mine"},
             "{root}/build/.cache/keep: error: " + FOREIGN, ("build",)),
    PathCase("build-texts-foreign", {"build/chapters/notes.docx": "mine"},
             "{root}/build/chapters/notes.docx: error: " + FOREIGN, ("build",)),
    PathCase("diff-report-in-linked-build", {}, "{root}/build: error: " + LINK_MSG,
             ("diff", "--format", "html", "WORKTREE"),
             setup=lambda root: _move_to_outside(root, "build", "build")),
    # --- import: every name that becomes a file name, every target ---
    PathCase("import-key-traversal", {"in.txt": IMPORT_SOURCE},
             "error: key 'x/../../../victim' cannot be a file name: it holds a path separator "
             "('/' or '\\')", ("import", "{root}/in.txt", "--key", "x/../../../victim",
                               "--force")),
    PathCase("import-key-folder", {"in.txt": IMPORT_SOURCE},
             "error: key 'notes/doe2021' cannot be a file name: it holds a path separator "
             "('/' or '\\')", ("import", "{root}/in.txt", "--key", "notes/doe2021")),
    PathCase("import-key-long", {"in.txt": IMPORT_SOURCE},
             "error: key '" + "k" * 201 + "' cannot be a file name: it is longer than 200 bytes",
             ("import", "{root}/in.txt", "--key", "k" * 201)),
    PathCase("import-entries-link", {"in.txt": IMPORT_SOURCE},
             "{root}/bibliography/entries/doe2021.md: error: the entry file " + OUTSIDE
             + " (a link leads out); quire will not write there", ("import", "{root}/in.txt"),
             setup=lambda root: _move_to_outside(root, "bibliography/entries", "entries")),
    # --- diff arguments ---
    PathCase("diff-empty", {}, "error: '' names no draft: give a git revision, a build folder "
             "or WORKTREE", ("diff", "")),
    PathCase("diff-blank", {}, "error: '  ' names no draft: give a git revision, a build folder "
             "or WORKTREE", ("diff", "  ", "WORKTREE")),
]

OUTSIDE_DIR: list[Path] = []  # the outside folder of the running test (for setups)


def _move_to_outside(root: Path, relative: str, name: str) -> None:
    """Move a folder of the project out and leave a link to it in its place."""
    target = OUTSIDE_DIR[0] / name
    shutil.move(root / relative, target)
    os.symlink(target, root / relative)


def make_outside(folder: Path) -> Path:
    """A folder beside the project holding secrets the book must never read."""
    folder.mkdir()
    (folder / "secret.png").write_text(SECRET + "\n")
    (folder / "chapter.md").write_text(f"# Secret\n\n{SECRET}\n")
    (folder / "entry.md").write_text(ENTRY_TEXT.replace("smith2020", "doe2021") + SECRET)
    (folder / "references.json").write_text(f'[{{"id": "{SECRET}", "type": "book"}}]\n')
    (folder / "appendix.md.j2").write_text(SECRET + "\n")
    (folder / "chapters").mkdir()
    (folder / "chapters/03-secret.md").write_text(f"# Secret\n\n{SECRET}\n")
    (folder / "templates").mkdir()
    (folder / "templates/book.typ").write_text(SECRET + "\n")
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.is_symlink()}


def run_in_process(*args: str) -> CliResult:
    """Run the command line in this interpreter; an exception other than exit is a traceback."""
    cwd = os.getcwd()
    os.chdir(REPO)  # messages show paths as run_cli's do
    try:
        result = CliRunner().invoke(main, list(args), catch_exceptions=True)
    finally:
        os.chdir(cwd)
    err = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        err += "\nTraceback: " + repr(result.exception)
    return CliResult(result.exit_code, result.stdout, err)


def _line_of(text: str, marker: str) -> int:
    """The 1-based line of ``text`` holding ``marker`` (0 when none does)."""
    return next((n for n, line in enumerate(text.split("\n"), 1) if marker in line), 0)


def test_the_path_corpus_is_large_enough():
    assert len(CASES) >= 70 and len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_path(case: PathCase, good_project: Path, tmp_path: Path):
    root = tmp_path / "book"
    shutil.copytree(good_project, root, symlinks=True)
    outside = make_outside(tmp_path / "outside")
    OUTSIDE_DIR[:] = [outside]
    expand = {"{root}": str(root), "{outside}": str(outside)}

    def fill(text: str) -> str:
        for key, value in expand.items():
            text = text.replace(key, value)
        return text

    written = write_case_files(root, case.files, fill)
    for name, target in case.links.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(fill(target), root / name)
    if case.setup is not None:
        case.setup(root)
    before, before_outside = outputs(root), snapshot(outside)  # the case's files in place
    result = run_in_process("--project", str(root), *(fill(c) for c in case.command))
    assert result.code == 1, (result.out, result.err)
    assert "Traceback" not in result.err
    expected = fill(case.expected)
    if ENTRY in written:
        expected = expected.replace("{entry_line}", str(_line_of(written[ENTRY], "![f]")))
        expected = expected.replace("{passage_line}", str(_line_of(written[ENTRY], "<img")))
    lines = result.err.splitlines()
    count = len(re.findall(r"^(?:\S.*: )?error: ", expected, re.M))
    assert lines[-1] == f"{count} error{'s' if count > 1 else ''}", result.err
    assert "\n".join(lines[:-1]) == expected, result.err
    after = outputs(root)
    assert after == before
    assert snapshot(outside) == before_outside
    assert SECRET not in result.out
