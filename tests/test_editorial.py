"""For editors: per-chapter texts in every build, ``diff`` between drafts, ``stats``."""

from __future__ import annotations

import html.parser
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import BOOKS, run_cli
from quire.editorial.texts import sentence_per_line, unwrap_internal_links

EXPECTED = {"01-opening": "changed", "02-middle": "changed", "03-close": "unchanged",
            "references": "changed", "appendix-smith2020": "changed"}


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
                        "GIT_AUTHOR_DATE": "2025-01-01T00:00:00Z",
                        "GIT_COMMITTER_DATE": "2025-01-01T00:00:00Z", "HOME": str(root),
                        "PATH": "/usr/bin:/bin:/usr/local/bin"})


@pytest.fixture
def drafts(tmp_path: Path) -> Path:
    """A repository with the drafts book in a subfolder and two commits."""
    repo = tmp_path / "repo"
    root = repo / "book"
    shutil.copytree(BOOKS / "drafts", root)
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "first draft")
    middle = root / "manuscript/chapters/02-middle.md"
    middle.write_text(middle.read_text().replace("It takes its time.",
                                                 "It takes all the time it needs."))
    entry = root / "bibliography/entries/smith2020.md"
    entry.write_text(entry.read_text().replace("[[2020]]", "[[2021]]"))
    git(repo, "commit", "-qam", "second draft")
    return root


def test_diff_reports_the_edited_chapter_and_the_chapters_citing_the_entry(drafts):
    result = run_cli("--project", drafts, "diff", "HEAD~1", "HEAD")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    statuses = {line.split()[-1]: line.split()[0] for line in lines[:5]}
    assert statuses == EXPECTED
    assert lines[5] == "4 of 5 parts differ"
    text = result.out
    assert "It takes [-its time.-]{+all the time it needs.+}" in text
    assert "one study found (Smith & Jones, [-2020).-]{+2021).+}" in text


def test_diff_word_counts(drafts):
    lines = run_cli("--project", drafts, "diff", "HEAD~1", "HEAD").out.splitlines()
    middle = next(line for line in lines if line.endswith("02-middle"))
    assert middle.split()[1:3] == ["+5", "-2"]  # "all the time it needs." for "its time."


class Report(html.parser.HTMLParser):
    """The parts of the HTML report the test looks at."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.sections: list[str] = []
        self.ins: list[str] = []
        self.dels: list[str] = []
        self._cell: list[str] | None = None
        self._tag: str | None = None
        self.external: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr":
            self.rows.append([])
        if tag == "td":
            self._cell = []
        if tag == "section":
            self.sections.append(attrs["id"])
        if tag in ("ins", "del"):
            self._tag = tag
        for name in ("src", "href"):
            if attrs.get(name) and not attrs[name].startswith("#"):
                self.external.append(attrs[name])

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None
        if tag in ("ins", "del"):
            self._tag = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._tag == "ins":
            self.ins.append(data)
        if self._tag == "del":
            self.dels.append(data)


def test_html_report(drafts, tmp_path):
    target = tmp_path / "report.html"
    result = run_cli("--project", drafts, "diff", "HEAD~1", "HEAD", "--format", "html",
                     "-o", target)
    assert result.code == 0, result.err
    report = Report()
    report.feed(target.read_text(encoding="utf-8"))
    table = {row[0]: row[2] for row in report.rows if row}
    assert table == EXPECTED
    assert report.sections == [k for k, v in EXPECTED.items() if v != "unchanged"]
    assert "all the" in " ".join(report.ins) and "2021" in " ".join(report.ins)
    assert "2020" in " ".join(report.dels)
    assert report.external == []  # self-contained: no outside resources


def test_docx_reports_are_tracked_changes(drafts, tmp_path):
    folder = tmp_path / "docx"
    result = run_cli("--project", drafts, "diff", "HEAD~1", "HEAD", "-f", "docx", "-o", folder)
    assert result.code == 0, result.err
    assert sorted(p.stem for p in folder.glob("*.docx")) == sorted(
        k for k, v in EXPECTED.items() if v != "unchanged")
    with zipfile.ZipFile(folder / "02-middle.docx") as zf:
        document = zf.read("word/document.xml").decode()
    assert '<w:ins w:id=' in document and "all the" in document
    assert "<w:delText" in document
    import docx

    assert "Middle" in docx.Document(str(folder / "02-middle.docx")).paragraphs[0].text


def test_diff_between_build_folders(drafts, tmp_path):
    assert run_cli("--project", drafts, "build", "--format", "epub").code == 0
    old = tmp_path / "old-build"
    shutil.copytree(drafts / "build", old)
    chapter = drafts / "manuscript/chapters/03-close.md"
    chapter.write_text(chapter.read_text().replace("at length", "at some length"))
    assert run_cli("--project", drafts, "build", "--format", "epub").code == 0
    result = run_cli("--project", drafts, "diff", old, drafts / "build")
    assert result.code == 0, result.err
    assert "changed" in next(line for line in result.out.splitlines() if "03-close" in line)
    assert result.out.splitlines()[5] == "1 of 5 parts differ"


def test_bad_revision_is_a_clear_error(drafts):
    result = run_cli("--project", drafts, "diff", "no-such-rev", "HEAD")
    assert result.code == 1 and "Traceback" not in result.err
    assert "'no-such-rev' is neither a build folder nor a git revision" in result.err


def test_every_build_writes_the_chapter_texts(drafts):
    assert run_cli("--project", drafts, "build", "--format", "docx").code == 0
    folder = drafts / "build" / "chapters"
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(f"{n}.{ext}" for n in EXPECTED for ext in ("md", "txt"))
    opening = (folder / "01-opening.md").read_text()
    assert opening == ("# Chapter 1: Opening {#chapter-1 .chapter}\n\n"
                       "Beginnings matter, as one study found (Smith & Jones, 2021).\n"
                       "The opening is short.\n")
    assert (folder / "01-opening.txt").read_text() == (
        "Chapter 1: Opening\n\nBeginnings matter, as one study found (Smith & Jones, 2021).\n"
        "The opening is short.\n")
    first = {p.name: p.read_bytes() for p in folder.iterdir()}
    (drafts / "manuscript/chapters/03-close.md").unlink()
    assert run_cli("--project", drafts, "build", "--format", "docx", "--no-cache").code == 0
    second = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert "03-close.md" not in second                           # a removed chapter's text goes
    assert all(first[n] == data for n, data in second.items()
               if n.startswith(("01", "02")))                     # deterministic


def test_stats(drafts):
    result = run_cli("--project", drafts, "stats")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[1].split() == ["1", "11", "1", "0", "Opening"]
    assert lines[3].split() == ["3", "11", "1", "0", "Close"]
    assert next(line for line in lines if line.startswith("smith2020")).split() == [
        "smith2020", "entry", "1", "1"]


def test_sentence_per_line_keeps_abbreviations_together():
    text = ("Rizzolatti et al. (2004, p. 12) agree. G. Rizzolatti said so. See e.g. this. "
            "\u201cQuoted.\u201d Next one.")
    assert sentence_per_line(text) == ("Rizzolatti et al. (2004, p. 12) agree.\n"
                                       "G. Rizzolatti said so.\nSee e.g. this.\n"
                                       "\u201cQuoted.\u201d\nNext one.\n")
    assert unwrap_internal_links("([A, 2004](#ref-a); [B](#ref-b))") == "(A, 2004; B)"


def test_stats_columns_fit_long_keys_and_titles_read_as_printed():
    from pathlib import Path

    from quire.editorial.stats import plain_title, stats_report
    from quire.model import Bibliography, Chapter

    assert plain_title(r"Networks---and *Dys*function \*really\* -- 2") == \
        "Networks\u2014and Dysfunction *really* \u2013 2"
    key = "averyveryverylongcitationkey2024"
    chapter = Chapter(Path("01-a.md"), 1, "Mirrors---Minds", 1, "Text.", 2)
    bibliography = Bibliography(references={key: {"id": key}, "b": {"id": "b"}})
    lines = stats_report([chapter], [], bibliography).splitlines()
    assert lines[1].endswith("  Mirrors\u2014Minds")
    table = lines[lines.index("") + 1:]
    assert table[0].split() == ["work", "kind", "cited", "chapters"]
    assert {line.split()[0] for line in table[1:]} == {key, "b"}
    columns = {line.index("reference") for line in table[1:]}
    assert columns == {len(key) + 2}  # one column, two spaces after the longest key


# --- diff arguments are confined (confine) ---

def test_a_commit_holding_links_out_of_the_project_diffs(drafts, tmp_path):
    (tmp_path / "secret.txt").write_text("SECRET-diff-marker\n")
    (drafts / "notes").mkdir()
    os.symlink(tmp_path / "secret.txt", drafts / "notes/absolute.txt")
    os.symlink("../../../secret.txt", drafts / "notes/relative.txt")
    git(drafts.parent, "add", ".")
    git(drafts.parent, "commit", "-qm", "links")
    result = run_cli("--project", drafts, "diff", "HEAD~1", "HEAD")
    assert result.code == 0 and "Traceback" not in result.err, result.err
    assert "SECRET-diff-marker" not in result.out
    assert result.out.splitlines()[5] == "0 of 5 parts differ"


def test_an_empty_or_ordinary_folder_is_no_draft(drafts, tmp_path):
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "letter.txt").write_text("SECRET-paper-marker\n")
    for spec in ("", " "):
        result = run_cli("--project", drafts, "diff", spec, "HEAD")
        assert result.code == 1 and "Traceback" not in result.err
        assert result.err.splitlines()[0] == (f"error: {spec!r} names no draft: give a git "
                                              "revision, a build folder or WORKTREE")
    result = run_cli("--project", drafts, "diff", folder, "HEAD", cwd=folder)
    assert result.code == 1 and "SECRET-paper-marker" not in result.out + result.err
    assert f"'{folder}' is neither a build folder nor a git revision" in result.err


def test_plain_texts_are_made_again_only_for_the_parts_that_changed(tmp_path, monkeypatch):
    from quire.build.cache import ContentCache
    from quire.editorial import texts
    from quire.errors import Reporter
    from quire.model import AssembledBook
    from quire.render.parse import parse_book

    from conftest import record_pandoc_runs

    inputs = record_pandoc_runs(monkeypatch, texts)
    cache = ContentCache(tmp_path / "cache")

    def texts_of(parts):
        book = AssembledBook("", {"title": "T"}, tmp_path / "apa.csl", tmp_path, parts)
        made = texts.editor_texts(book, parse_book(book, 0, cache, Reporter()), 0, cache)
        return {artifact.filename: artifact.data.decode() for artifact in made}

    parts = (("01-a", "# Alpha {#chapter-1}\n\nThe first one. It has a note.[^1]\n\n"
                      "[^1]: Alpha's note.\n"),
             ("02-b", "# Beta {#chapter-2}\n\nThe second one.\n"))
    cold = texts_of(parts)
    assert len(inputs) == 1  # every part in one run
    assert cold["chapters/01-a.txt"] == ("Alpha\n\nThe first one.\nIt has a note.\n"
                                        "[Note: Alpha\u2019s note.]\n")
    assert cold["chapters/02-b.txt"] == "Beta\n\nThe second one.\n"
    assert cold["chapters/02-b.md"] == parts[1][1]
    inputs.clear()
    edited = texts_of((parts[0], ("02-b", parts[1][1].replace("second", "other"))))
    assert len(inputs) == 1 and b"other" in inputs[0] and b"Alpha" not in inputs[0]
    assert edited["chapters/01-a.txt"] == cold["chapters/01-a.txt"]
    assert edited["chapters/02-b.txt"] == "Beta\n\nThe other one.\n"
    inputs.clear()
    assert texts_of(parts) == cold and inputs == []  # both read back
