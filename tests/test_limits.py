"""Inputs that used to hang or exhaust memory: each now ends well within 60 s, with a message.

The renderers' limits are tried with small limits (a second, a few hundred MiB)
so that the tests stay fast; the parsers are fed the inputs of issue 10 at
full size.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import BOOKS, REPO
from quire.citations.syntax import find_citation_groups, mask
from quire.errors import QuireError, SourceLocation
from quire.project.limits import Limits, check_nesting, nesting_depth
from quire.model import Chapter
from quire.render.pandoc import run_pandoc
from quire.render.parse import strip_processing_metadata
from quire.render.typst import TypstSetting, compile_typst

CHAPTER = "manuscript/chapters/01-beginnings.md"
HERE = Path("c.md")


def run(root: Path, *args: str, budget: float = 60) -> tuple[int, str, float]:
    """Run build.py; fail (not hang) if it takes longer than ``budget`` seconds."""
    start = time.monotonic()
    proc = subprocess.run([sys.executable, str(REPO / "build.py"), "--project", str(root),
                           *args], capture_output=True, text=True, timeout=budget)
    return proc.returncode, proc.stderr, time.monotonic() - start


@pytest.fixture
def book(tmp_path: Path) -> Path:
    root = tmp_path / "book"
    shutil.copytree(BOOKS / "passages", root)
    return root


def timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


# --- parsers over chapter text, at the sizes of issue 10 ---

def test_two_thousand_backticks_on_a_line():
    text = "Text " + "`" * 2000 + " and @key."
    assert timed(find_citation_groups, text, HERE) < 1
    assert [g.items[0].key for g in find_citation_groups(text, HERE)] == ["key"]


def test_code_spans_follow_commonmark():
    masked = mask("a `` x ` @in `` and ``` @out `` and `@in`")
    assert "@in" not in masked and "@out" in masked


def test_an_open_bracket_before_fifty_thousand_keys():
    text = "[" + " ".join(f"@k{i};" for i in range(50_000))
    assert timed(find_citation_groups, text, HERE) < 5
    assert len(find_citation_groups(text, HERE)) == 50_000


def test_many_link_targets_and_image_openers():
    from quire.checks.resources import references_in

    text = "[a](" * 20_000 + "\n" + "![" * 20_000 + "\n"
    assert timed(find_citation_groups, text, HERE) < 2
    assert timed(lambda: list(references_in(text, HERE))) < 2


# --- nesting ---

def test_nesting_depth_counts_markers_indentation():
    assert nesting_depth("> > - 1. x") == 4
    assert nesting_depth("        - x") == 5
    assert nesting_depth("plain text - with dashes") == 0


def test_nesting_beyond_the_limit_is_an_error_at_its_line():
    chapter = Chapter(HERE, 1, "T", 1, "ok\n\n" + "> " * 10_000 + "deep\n", 2)
    with pytest.raises(QuireError) as info:
        check_nesting([chapter], 64)
    assert info.value.location == SourceLocation(HERE, 4)
    check_nesting([chapter], 10_001)  # within its own limit: no error


def test_nesting_in_code_does_not_count():
    chapter = Chapter(HERE, 1, "T", 1, "```\n" + "> " * 100 + "\n```\n", 2)
    check_nesting([chapter], 64)


def test_ten_thousand_nested_lists_end_quickly(book):
    path = book / CHAPTER
    path.write_text(path.read_text() + "\n" + "- " * 10_000 + "x\n")
    code, err, seconds = run(book, "build")
    assert code == 1 and "nested 10000 levels deep" in err and seconds < 30


def test_deep_inline_nesting_is_an_error_not_a_recursion_error():
    deep = "[" * 5000 + "]" * 5000
    tree = ('{"pandoc-api-version":[1,23],"meta":{},"blocks":' + deep + "}").encode()
    with pytest.raises(QuireError, match="nested too deeply"):
        strip_processing_metadata(tree)


# --- renderers within limits ---

def test_pandoc_past_its_time_limit_is_stopped(tmp_path):
    start = time.monotonic()
    with pytest.raises(QuireError, match=r"pandoc took longer than 0.01 s making the test"):
        run_pandoc(["-f", "markdown", "-t", "html"], b"x\n" * 200_000, cwd=tmp_path, epoch=0,
                   what="test", limits=Limits(time=0.01))
    assert time.monotonic() - start < 10


def test_pandoc_past_its_memory_limit_is_stopped(tmp_path):
    where = SourceLocation(tmp_path / "book.yaml", 3)
    with pytest.raises(QuireError, match=r"pandoc ran out of memory making the test \(over 1 "
                       r"MiB\)") as info:
        run_pandoc(["-f", "markdown", "-t", "html"], b"*x* " * 200_000, cwd=tmp_path, epoch=0,
                   what="test", limits=Limits(memory=1), where=where)
    assert info.value.location == where


def _typst(tmp_path: Path, source: str, limits: Limits) -> None:
    setting = TypstSetting(SourceLocation(tmp_path / "book.yaml", 5), tmp_path / "book.typ", True)
    compile_typst(source.encode(), tmp_path, setting, {}, limits)


def test_typst_past_its_time_limit_is_stopped(tmp_path):
    start = time.monotonic()
    with pytest.raises(QuireError, match=r"Typst took longer than 1 s making the PDF") as info:
        _typst(tmp_path, "#range(400000000).fold(0, (a, x) => a + x)", Limits(time=1))
    assert time.monotonic() - start < 15
    assert info.value.location == SourceLocation(tmp_path / "book.yaml", 5)


def test_typst_past_its_memory_limit_is_stopped(tmp_path):
    with pytest.raises(QuireError, match=r"Typst ran out of memory making the PDF \(over 1024 "
                       r"MiB\)"):
        _typst(tmp_path, "#let a = range(200000000).map(x => (x, x))\n#a.len()",
               Limits(time=60, memory=1024))


def test_typst_within_limits_makes_a_pdf(tmp_path):
    setting = TypstSetting(SourceLocation(tmp_path / "book.yaml"), tmp_path / "b.typ", True)
    pdf = compile_typst(b"Hello", tmp_path, setting, {}, Limits())
    assert pdf.startswith(b"%PDF")


def test_a_raw_typst_loop_in_a_chapter_stops_at_the_time_limit(book):
    (book / "book.yaml").write_text((book / "book.yaml").read_text() + "limits:\n  time: 2\n")
    path = book / CHAPTER
    # nested loops: no memory to speak of, so it is the time limit that stops them
    path.write_text(path.read_text() + "\n```{=typst}\n#for i in range(100000) { for j in "
                    "range(100000) { } }\n```\n")
    code, err, seconds = run(book, "build", "--format", "pdf")
    assert code == 1, err
    assert err.splitlines()[0] == (f"{book / 'book.yaml'}:6: error: Typst took longer than "
                                   f"2 s making the PDF and was stopped (limits.time in "
                                   f"book.yaml)")
    assert seconds < 40


# --- files that never end ---

def test_a_fifo_among_the_entries_does_not_block(book):
    os.mkfifo(book / "bibliography" / "entries" / "piped.md")
    code, err, seconds = run(book, "check", budget=30)
    assert code == 1 and "piped.md: error: research entry is not a regular file" in err


def test_dev_zero_as_an_import_is_refused(book):
    code, err, _ = run(book, "import", "/dev/zero", budget=30)
    assert code == 1 and err.startswith("/dev/zero: error: expected a regular file")


def test_aliases_nine_deep_are_refused_quickly(book):
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi"))
    entry = book / "bibliography" / "entries" / "smith2020.md"
    entry.write_text(entry.read_text().replace("---\n", "---\n" + laughs, 1))
    code, err, seconds = run(book, "check", budget=30)
    assert code == 1 and "aliases expand to more than 100,000 values" in err
    assert seconds < 20


def test_pandoc_heap_flag_is_accepted():
    """The pandoc of the wheel accepts the runtime's -M option (it is built with rtsopts)."""
    from quire.render.pandoc import pandoc_binary

    proc = subprocess.run([pandoc_binary(), "+RTS", "-M512m", "-RTS", "-t", "plain"],
                          input=b"ok", capture_output=True, timeout=30)
    assert proc.returncode == 0 and proc.stdout.strip() == b"ok"
