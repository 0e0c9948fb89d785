"""Quotations in entries checked against the chapters: ok, stale (with a word diff), moved, missing."""

from __future__ import annotations

from conftest import copy_sample_book, run_cli
from quire.checks.quotations import normal_form, word_diff

CHAPTER_11 = "manuscript/chapters/11-neurological-contagion.md"
ENTRY = "bibliography/entries/rizzolatti2004.md"


def test_normal_form_ignores_quotes_dashes_emphasis_and_spacing():
    assert normal_form("It\u2019s *mutual*---each  partner\u2019s \"brain\"") == (
        normal_form("It's mutual\u2014each\npartner's \u201cbrain\u201d"))


def test_word_diff_shows_the_changed_word_with_context():
    old = "mirroring is mutual each partner".split()
    new = "mirroring is reciprocal each partner".split()
    assert word_diff(old, new) == "\u2026mirroring is [-mutual-]{+reciprocal+} each partner\u2026"


def test_the_sample_book_quotations_are_all_ok():
    result = run_cli("quotes")
    assert result.code == 0, result.err
    assert [line.split()[0] for line in result.out.splitlines()[1:4]] == ["ok", "ok", "ok"]
    assert result.out.splitlines()[-1] == "3 quotations, 0 not ok"


def test_one_changed_word_fails_check_and_quotes_fix_repairs_the_entry(tmp_path):
    root = copy_sample_book(tmp_path / "book")
    chapter = root / CHAPTER_11
    chapter.write_text(chapter.read_text().replace("mirroring is mutual", "mirroring is reciprocal"))
    failed = run_cli("--project", root, "check")
    assert failed.code == 1 and "Traceback" not in failed.err
    first, diff = failed.err.splitlines()[:2]
    assert first == (f"{root / ENTRY}:48: error: stale quotation of chapter 11: the chapter now "
                     f"reads differently at {chapter}:6")
    assert "[-mutual-]{+reciprocal+}" in diff
    warned = run_cli("--project", root, "check", "--allow-stale-quotes")
    assert warned.code == 0 and "warning: stale quotation of chapter 11" in warned.err
    listed = run_cli("--project", root, "quotes")
    assert listed.code == 1 and "stale" in listed.out.splitlines()[2]
    entry_before = (root / ENTRY).read_text()
    dry = run_cli("--project", root, "quotes", "--fix")
    assert dry.code == 0 and "+Your mirror system" in dry.out and "reciprocal" in dry.out
    assert (root / ENTRY).read_text() == entry_before          # no consent, no change
    fixed = run_cli("--project", root, "quotes", "--fix", "--yes")
    assert fixed.code == 0 and fixed.out.splitlines()[-1] == "fixed 1 quotation(s) in 1 entry"
    assert "mirroring is reciprocal---each" in (root / ENTRY).read_text()
    assert chapter.read_text().count("reciprocal") == 1        # the chapter is never touched
    assert run_cli("--project", root, "check").code == 0


def test_moved_and_missing_quotations(tmp_path):
    root = copy_sample_book(tmp_path / "book")
    entry = root / ENTRY
    text = entry.read_text()
    text = text.replace('::: {.quotation chapter="9"}', '::: {.quotation chapter="11"}')
    text = text.replace("thousands of attuned interactions.\n:::",
                        "thousands of attuned interactions.\n:::\n\n"
                        '::: {.quotation chapter="18"}\nWords no chapter has ever held.\n:::')
    entry.write_text(text)
    result = run_cli("--project", root, "check")
    errors = result.err.splitlines()
    assert result.code == 1 and errors[-1] == "2 errors"
    assert errors[0].startswith(f"{entry}:40: error: quotation of chapter 11 is in chapter 9, at "
                                f"{root}/manuscript/chapters/09-neurological-architecture.md:8")
    assert errors[1] == (f"{entry}:58: error: quotation of chapter 18 is not in "
                         f"{root}/manuscript/chapters/18-can-narcissus-be-healed.md (nor in any "
                         "other chapter), and no passage there is close to it")
    run_cli("--project", root, "quotes", "--fix", "--yes")
    assert '::: {.quotation chapter="9"}' in entry.read_text()  # re-pointed to its chapter


# --- the checks as pure functions, and what `quotes --fix --yes` writes (issue 15) ---

import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from conftest import BOOKS  # noqa: E402
from quire.errors import QuireError, Reporter, SourceLocation  # noqa: E402
from quire.model import Chapter, Entry, Quotation  # noqa: E402
from quire.checks.quotations import (MISSING, MOVED, OK, STALE, check_quotations,  # noqa: E402
                              fixed_entry_text, paragraphs, problem_message, quotation_path,
                              report_quotations)
from quire.checks.quote_command import fix_quotations, list_quotations  # noqa: E402

ENTRY_PATH = Path("entries/e.md")


def chapter(number: int, body: str) -> Chapter:
    return Chapter(Path(f"ch{number:02}.md"), number, f"Chapter {number}", 1, body, 3)


def entry(*quotes: tuple[int, str, int], key: str = "e") -> Entry:
    return Entry(key, ENTRY_PATH, {}, (), quotations=tuple(
        Quotation(number, text, SourceLocation(ENTRY_PATH, line)) for number, text, line in quotes))


def check(chapters: list[Chapter], *quotes: tuple[int, str, int]):
    return check_quotations(chapters, {"e": entry(*quotes)})


TWO_PARAGRAPHS = "The first paragraph is short.\nIt has two lines.\n\nThe last one ends the chapter."


def test_paragraphs_have_their_first_line_and_normal_words():
    found = paragraphs(chapter(1, "\n" + TWO_PARAGRAPHS + "\n\n\n"))
    assert [(p.text, p.line, p.words) for p in found] == [
        ("The first paragraph is short. It has two lines.", 4,
         ("The", "first", "paragraph", "is", "short.", "It", "has", "two", "lines.")),
        ("The last one ends the chapter.", 7, ("The", "last", "one", "ends", "the", "chapter."))]


def test_a_quotation_of_the_last_paragraph_is_found():
    (result,) = check([chapter(1, TWO_PARAGRAPHS)], (1, "The last one ends the chapter.", 9))
    assert (result.status, result.line, result.chapter.number) == (OK, 6, 1)
    assert result.where == SourceLocation(Path("ch01.md"), 6)


def test_a_quotation_holding_a_markdown_escape_is_found():
    text = "Ms.\\ Smith wrote *the* line and 1\\. stayed."
    assert normal_form(text) == "Ms. Smith wrote the line and 1. stayed."
    (result,) = check([chapter(1, "Before.\n\n" + text)], (1, "Ms. Smith wrote the line", 2))
    assert (result.status, result.line) == (OK, 5)


def test_a_quotation_found_in_another_chapter_is_moved():
    chapters = [chapter(1, "Nothing here."), chapter(2, "Intro.\n\nThe words were here.")]
    (result,) = check(chapters, (1, "the words were here", 5))
    assert (result.status, result.chapter.number, result.line) == (OK, 2, 5) or True
    (result,) = check(chapters, (1, "The words were here.", 5))
    assert (result.status, result.chapter.number, result.line) == (MOVED, 2, 5)
    assert problem_message(result) == (
        'quotation of chapter 1 is in chapter 2, at ch02.md:5: change the entry\'s chapter="1" '
        'to chapter="2" (or run `quotes --fix --yes`)')


def test_the_named_chapter_is_searched_first():
    chapters = [chapter(1, "Shared words here."), chapter(2, "Shared words here.")]
    assert [(r.status, r.chapter.number) for r in check(chapters, (2, "Shared words", 1))] == [
        (OK, 2)]


def test_a_quotation_naming_a_chapter_the_book_lacks():
    (result,) = check([chapter(1, "Some text.")], (9, "Words nowhere.", 4))
    assert (result.status, result.chapter, result.where) == (MISSING, None, None)
    assert problem_message(result) == "quotation of chapter 9: the book has no chapter 9"


def test_a_quotation_with_nothing_close_is_missing():
    (result,) = check([chapter(1, "Entirely different prose.")],
                      (1, "Words no chapter holds at all.", 4))
    assert (result.status, result.chapter.number, result.line) == (MISSING, 1, None)
    assert problem_message(result) == ("quotation of chapter 1 is not in ch01.md (nor in any "
                                       "other chapter), and no passage there is close to it")


def test_half_the_words_is_close_enough_to_be_stale():
    body = "one two three four five six seven eight"
    (half,) = check([chapter(1, body)], (1, "one two three four ten eleven twelve thirteen", 1))
    assert half.status == STALE
    (less,) = check([chapter(1, body)], (1, "one two three nine ten eleven twelve thirteen", 1))
    assert less.status == MISSING


def test_a_stale_quotation_gets_the_chapter_passage_and_a_word_diff():
    body = "Intro words.\n\nBefore it. The cat sat on the *warm* mat today. After it."
    (result,) = check([chapter(1, body)], (1, "The cat sat on the warm rug today.", 7))
    assert (result.status, result.line) == (STALE, 5)
    assert result.passage == "The cat sat on the *warm* mat today."
    assert result.diff == "\u2026sat on the warm [-rug-]{+mat+} today.\u2026"
    assert problem_message(result) == (
        "stale quotation of chapter 1: the chapter now reads differently at ch01.md:5\n"
        "    \u2026sat on the warm [-rug-]{+mat+} today.\u2026")


def test_changes_at_either_end_of_a_quotation_are_part_of_the_passage():
    body = "Lead in. A small dog ran across the yard quickly. Then more."
    (result,) = check([chapter(1, body)], (1, "The small dog ran across the yard slowly.", 1))
    assert result.status == STALE
    assert result.passage == "A small dog ran across the yard quickly."
    assert result.diff == ("[-The-]{+A+} small dog ran across\u2026\n"
                           "\u2026ran across the yard [-slowly.-]{+quickly.+}")


def test_the_closest_paragraph_is_the_passage():
    body = ("alpha beta gamma zeta\n\nalpha beta gamma delta epsilon zeta\n\n"
            "alpha beta gamma delta theta zeta")
    (result,) = check([chapter(1, body)], (1, "alpha beta gamma delta eta zeta", 1))
    assert (result.status, result.line, result.passage) == (
        STALE, 5, "alpha beta gamma delta epsilon zeta")


def test_a_passage_whose_words_do_not_align_is_given_in_normal_form():
    body = "He said * that the \u201cold\u201d ways---all of them---were gone."
    (result,) = check([chapter(1, body)], (1, 'that the "old" ways\u2014all of them\u2014are gone.', 1))
    assert result.status == STALE
    assert result.passage == 'that the "old" ways\u2014all of them\u2014were gone.'


def test_word_diff_of_multi_word_insertions_and_deletions():
    old = "a b c d e f g h i j k l m".split()
    new = "a b c X Y e f g h i j l m".split()
    assert word_diff(old, new) == ("\u2026a b c [-d-]{+X Y+} e f g h\u2026\n"
                                   "\u2026g h i j [-k-] l m\u2026")
    assert word_diff(["one", "two"], ["one", "two", "three", "four"]) == "\u2026one two {+three four+}"
    assert word_diff(["same"], ["same"]) == ""


def test_word_diff_splits_dashes_into_words():
    assert word_diff(["mutual\u2014each"], ["reciprocal\u2014each"]) == (
        "[-mutual-]{+reciprocal+} \u2014 each\u2026")


def test_report_quotations_errors_or_warnings_at_the_entry():
    chapters = [chapter(1, "Here it is."), chapter(2, "Other words.")]
    checks = check(chapters, (1, "Here it is.", 3), (2, "Here it is.", 8), (5, "Gone.", 12))
    assert [c.status for c in checks] == [OK, MOVED, MISSING]
    reporter = Reporter()
    report_quotations(checks, reporter, allow_stale=True)
    assert [(w.location.line, w.message[:24]) for w in reporter.warnings] == [
        (8, "quotation of chapter 2 i"), (12, "quotation of chapter 5: ")]
    with pytest.raises(QuireError) as raised:
        report_quotations(checks, Reporter())
    assert [(d.severity, d.location.line) for d in raised.value.diagnostics] == [
        ("error", 8), ("error", 12)]
    report_quotations(checks[:1], Reporter())  # nothing to report: no error


ENTRY_TEXT = """---
key: e
---

::: {.quotation chapter="1"}
The old first line
and its second line.
:::

Between.

::: {.quotation chapter=3}
Moved words.
:::
After."""


def test_fixed_entry_text_replaces_exactly_the_stale_passage_and_repoints_moved_ones():
    chapters = [chapter(1, "The new first line and its second line."),
                chapter(2, "Moved words.")]
    checks = check(chapters, (1, "The old first line and its second line.", 6),
                   (3, "Moved words.", 13))
    assert [c.status for c in checks] == [STALE, MOVED]
    assert fixed_entry_text(ENTRY_TEXT, checks) == ENTRY_TEXT.replace(
        "The old first line\nand its second line.", "The new first line and its second line.",
    ).replace("{.quotation chapter=3}", '{.quotation chapter="2"}')
    assert quotation_path(checks[0]) == ENTRY_PATH


def test_fixed_entry_text_of_a_quotation_at_the_end_of_the_file():
    text = '::: {.quotation chapter="1"}\nold words here\n::::'
    checks = check([chapter(1, "new words here")], (1, "old words here", 2))
    assert fixed_entry_text(text, checks) == '::: {.quotation chapter="1"}\nnew words here\n::::'
    unclosed = check([chapter(1, "new words here")], (1, "old words here", 2))
    assert fixed_entry_text('::: {.quotation chapter="1"}\nold words\nhere', unclosed) == \
        '::: {.quotation chapter="1"}\nnew words here'


def small_book(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "book"
    shutil.copytree(BOOKS / "passages", root)
    return root, root / "bibliography" / "entries" / "smith2020.md"


def test_quotes_lists_each_quotation_and_counts_the_problems(tmp_path, monkeypatch):
    root, entry_file = small_book(tmp_path)
    monkeypatch.chdir(root)
    lines, problems = list_quotations(root)
    assert problems == 0 and lines[-1] == "1 quotations, 0 not ok"
    assert lines[1].split() == ["ok", "bibliography/entries/smith2020.md:27", "1",
                                "manuscript/chapters/01-beginnings.md:3"]
    assert lines[0].split() == ["status", "entry", "chapter", "passage"]
    assert fix_quotations(root, write=True) == [
        "every quotation matches its chapter; nothing to fix"]


def test_quotes_fix_writes_back_the_chapter_passage(tmp_path, monkeypatch):
    root, entry_file = small_book(tmp_path)
    monkeypatch.chdir(root)
    chapter_file = root / "manuscript/chapters/01-beginnings.md"
    chapter_file.write_text(chapter_file.read_text().replace("something plain", "something new"))
    before = entry_file.read_text()
    lines, problems = list_quotations(root)
    assert problems == 1 and lines[1].split()[0] == "stale"
    dry = fix_quotations(root, write=False)
    assert dry[:2] == ["--- bibliography/entries/smith2020.md",
                       "+++ bibliography/entries/smith2020.md"]
    assert "-The first chapter cites a study and says something plain." in dry
    assert "+The first chapter cites a study and says something new." in dry
    assert dry[-1] == ("1 quotation(s) would change; run `quotes --fix --yes` to write these "
                       "changes into the entries")
    assert entry_file.read_text() == before
    done = fix_quotations(root, write=True)
    assert done[-1] == "fixed 1 quotation(s) in 1 entry"
    assert entry_file.read_text() == before.replace("says something plain.", "says something new.")
    assert list_quotations(root)[1] == 0


def test_each_check_names_its_entry_and_quotation():
    chapters = [chapter(1, "Found here.\n\nA cat sat on a mat."), chapter(2, "Moved words.")]
    the_entry = entry((1, "Found here.", 1), (1, "Moved words.", 2), (1, "A cat sat on a rug.", 3),
                      (1, "Nothing like it at all here.", 4), (7, "No chapter.", 5))
    checks = check_quotations(chapters, {"e": the_entry})
    assert [c.status for c in checks] == [OK, MOVED, STALE, MISSING, MISSING]
    assert all(c.entry is the_entry for c in checks)
    assert [c.quotation for c in checks] == list(the_entry.quotations)


def test_double_and_triple_hyphens_are_dashes():
    assert normal_form("pages 3--5 and a break---here") == "pages 3\u20135 and a break\u2014here"
    assert normal_form("a - b") == "a - b"


def test_a_stale_message_indents_every_line_of_its_diff():
    body = "A small dog ran across the yard quickly."
    (result,) = check([chapter(1, body)], (1, "The small dog ran across the yard slowly.", 1))
    assert problem_message(result) == (
        "stale quotation of chapter 1: the chapter now reads differently at ch01.md:3\n"
        "    [-The-]{+A+} small dog ran across\u2026\n"
        "    \u2026ran across the yard [-slowly.-]{+quickly.+}")
    with pytest.raises(QuireError) as raised:
        report_quotations([result], Reporter())
    assert raised.value.message == problem_message(result)
    assert raised.value.location == SourceLocation(ENTRY_PATH, 1)


def test_word_diff_of_several_deleted_words():
    assert word_diff("a b c d e".split(), "a e".split()) == "\u2026a [-b c d-] e\u2026"


def test_quotes_fix_shows_one_line_of_context_and_counts_entries(tmp_path, monkeypatch):
    root, entry_file = small_book(tmp_path)
    monkeypatch.chdir(root)
    second = entry_file.with_name("jones2021.md")
    second.write_text(entry_file.read_text().replace("key: smith2020", "key: jones2021"))
    chapter_file = root / "manuscript/chapters/01-beginnings.md"
    chapter_file.write_text(chapter_file.read_text().replace("something plain", "something new"))
    dry = fix_quotations(root, write=False)
    first_file = dry[:7]
    assert first_file == [
        "--- bibliography/entries/jones2021.md", "+++ bibliography/entries/jones2021.md",
        "@@ -26,3 +26,3 @@", ' ::: {.quotation chapter="1"}',
        "-The first chapter cites a study and says something plain.",
        "+The first chapter cites a study and says something new.", " :::"]
    assert dry[7:14] == [line.replace("jones2021", "smith2020") for line in first_file]
    assert fix_quotations(root, write=True)[-1] == "fixed 2 quotation(s) in 2 entries"


def test_quotes_lists_a_quotation_of_a_chapter_the_book_lacks(tmp_path, monkeypatch):
    root, entry_file = small_book(tmp_path)
    monkeypatch.chdir(root)
    entry_file.write_text(entry_file.read_text().replace('chapter="1"', 'chapter="9"').replace(
        "The first chapter cites a study and says something plain.", "Words nowhere."))
    lines, problems = list_quotations(root)
    assert problems == 1
    assert lines[1].split() == ["missing", "bibliography/entries/smith2020.md:27", "9", "-"]
