"""Quotations in entries checked against the chapters: ok, stale (with a word diff), moved, missing."""

from __future__ import annotations

from conftest import copy_sample_book, run_cli
from quire.quotations import normal_form, word_diff

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
