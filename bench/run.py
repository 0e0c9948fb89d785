#!/usr/bin/env python3
"""Benchmark: quire against bare pandoc on a generated 100,000-word book.

Run with ``make bench``. Everything is measured in this one run, on this
machine, and reported as ratios to bare pandoc; nothing here is a test.

- *bare pandoc*: the whole book as one Markdown file, with ``--citeproc``,
  converted to EPUB, to DOCX, and to Typst (then compiled by the typst
  wheel), one format after another: what an author would run by hand.
- *quire, cold*: ``build.py build --no-cache`` (every stage runs).
- *quire, warm*: ``build.py build`` again with nothing changed: the up-to-date check
  (:mod:`quire.build.uptodate`) finds nothing changed and replays the last build (the run
  says whether it took that path); then again after ``touch`` on every chapter (same bytes,
  new mtimes: the changed stats make the check hash the chapters).
- *quire, one chapter edited*: a word changed in one chapter.
- *quire, one entry edited*: a sentence changed in one research entry (cited by two
  chapters, with its research appendix).
- *watch*: ``build.py watch`` on the same book; the seconds from saving a one-sentence
  edit to the preview page being updated, and to the PDF being written.

Each build is one child process, timed with ``os.wait4``: wall-clock seconds, CPU
seconds (user + system, the process and the children it waited for: pandoc), and
peak memory (the largest resident set of one process of the run; processes that
run side by side are not added up).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from quire.render.pandoc import pandoc_binary  # noqa: E402

WORDS = 100_000
CHAPTERS = 20
VOCABULARY = ("the mirror system attunement survivor narcissist neural resonance empathy child "
              "parent relationship emotional states development research evidence brain pattern "
              "connection memory trauma recovery regulation experience world felt sense").split()


ENTRY = """---
key: study2010
citation: Study, S. (2010). A study the book draws on. *Journal*, 2, 1--9.
reference:
  type: article-journal
  author:
  - {family: Study, given: S.}
  issued:
    date-parts:
    - [2010]
  title: A study the book draws on
  container-title: Journal
  volume: '2'
  page: 1-9
---

## What This Research Found

%s
"""


ENTRY_ITEM = {"id": "study2010", "type": "article-journal", "title": "A study the book draws on",
              "author": [{"family": "Study", "given": "S."}],
              "issued": {"date-parts": [[2010]]}, "container-title": "Journal", "volume": "2",
              "page": "1-9"}


def make_book(root: Path, words: int = WORDS) -> None:
    """A deterministic book of ``words`` words in chapters of 5,000 words (20 chapters at
    least), citing 40 references and one research entry."""
    chapters = max(CHAPTERS, words // 5_000)
    rng = random.Random(7)
    (root / "manuscript" / "chapters").mkdir(parents=True)
    (root / "bibliography" / "entries").mkdir(parents=True)
    finding = " ".join(rng.choice(VOCABULARY) for _ in range(300))
    (root / "bibliography" / "entries" / "study2010.md").write_text(ENTRY % finding)
    refs = [{"id": f"author{i}2001", "type": "article-journal", "title": f"Study number {i}",
             "author": [{"family": f"Author{i}", "given": "A."}],
             "issued": {"date-parts": [[2001]]}, "container-title": "Journal", "volume": "1",
             "page": "1-10"} for i in range(40)]
    (root / "bibliography" / "references.json").write_text(json.dumps(refs))
    settings = "title: Benchmark Book\nauthor: B. Author\ndate: 2025-01-01\n"
    if words > 200_000:  # Typst needs more than the default 4 GiB and 60 s for a long book
        settings += "limits:\n  memory: 16384\n  time: 1800\n"
    (root / "book.yaml").write_text(settings)
    per_chapter = words // chapters
    for n in range(1, chapters + 1):
        paragraphs, count = [], 0
        while count < per_chapter:
            words = [rng.choice(VOCABULARY) for _ in range(rng.randint(60, 140))]
            words[0] = words[0].capitalize()
            count += len(words)
            paragraphs.append(" ".join(words) + f" [@author{rng.randrange(40)}2001].")
        if n in (3, 15):
            paragraphs.append("As a study showed [@study2010].")
        text = f"# Chapter title {n}\n\n" + "\n\n".join(paragraphs) + "\n"
        (root / "manuscript" / "chapters" / f"{n:03d}-chapter.md").write_text(text)


class Run:
    """Wall-clock seconds, CPU seconds and peak memory (MiB) of child processes."""

    def __init__(self) -> None:
        self.wall = self.cpu = self.peak = 0.0

    def run(self, command: list[str]) -> None:
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(f"failed ({proc.returncode}): {' '.join(command)}")
        self.wall += time.perf_counter() - start
        self.cpu += usage.ru_utime + usage.ru_stime
        self.peak = max(self.peak, usage.ru_maxrss / 1024)


def bare_pandoc(root: Path, out: Path) -> Run:
    """The baseline: pandoc alone, format after format."""
    run = Run()
    chapters = sorted((root / "manuscript" / "chapters").glob("*.md"))
    source = out / "book.md"
    source.write_text("\n\n".join(p.read_text() for p in chapters))
    references = json.loads((root / "bibliography" / "references.json").read_text())
    bibliography = out / "references.json"  # the plain references and the entry's work
    bibliography.write_text(json.dumps(references + [ENTRY_ITEM]))
    common = [pandoc_binary(), str(source), "--citeproc", f"--bibliography={bibliography}",
              "-M", "title=Benchmark Book", "-M", "lang=en-GB"]
    for target in ("book.epub", "book.docx"):
        run.run([*common, "-o", str(out / target)])
    run.run([*common, "-t", "typst-citations", "-s", "-o", str(out / "book.typ")])
    run.run([sys.executable, "-c", "import sys, typst; open(sys.argv[2], 'wb').write("
             "typst.compile(sys.argv[1]))", str(out / "book.typ"), str(out / "book.pdf")])
    return run


def quire_build(root: Path, *extra: str) -> Run:
    run = Run()
    run.run([sys.executable, str(REPO / "build.py"), "--project", str(root), "build", *extra])
    return run


def took_the_fast_path(root: Path) -> bool:
    """Whether an unchanged build took the up-to-date check's path (no stage ran)."""
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "--project", str(root),
                             "build", "--timings"], capture_output=True, text=True, check=False)
    return result.returncode == 0 and "up-to-date check" in result.stderr \
        and "gather" not in result.stderr


def watch_latency(root: Path) -> list[tuple[float, float]]:
    """Seconds from saving an edit to the updated preview, and to the updated PDF: for a
    word changed in a sentence (the chapter keeps its pages), then for a sentence added
    as a paragraph of its own (it may push every later page on)."""
    proc = subprocess.Popen([sys.executable, "-u", str(REPO / "build.py"), "--project",
                             str(root), "watch", "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    chapter = root / "manuscript" / "chapters" / "011-chapter.md"
    edits = (lambda text: text.replace(" the ", " a ", 1),
             lambda text: text + "\nOne more sentence for the watch.\n")
    try:
        for line in proc.stdout:  # the first build
            if line.startswith("PDF updated"):
                break
            if line.startswith("build failed"):  # (its errors were printed above it)
                return [(math.nan, math.nan)] * len(edits)
        times = []
        for edit in edits:
            time.sleep(1)
            saved = time.perf_counter()
            chapter.write_text(edit(chapter.read_text()))
            preview = 0.0
            for line in proc.stdout:
                if line.startswith("preview updated"):
                    preview = time.perf_counter() - saved
                if line.startswith("PDF updated"):
                    times.append((preview, time.perf_counter() - saved))
                    break
                if line.startswith("build failed"):
                    times.append((preview, math.nan))
                    break
        return times
    finally:
        proc.terminate()
        proc.wait()


def measure(words: int) -> dict[str, object]:
    """Every run of the benchmark on a book of ``words`` words."""
    with tempfile.TemporaryDirectory(prefix="quire-bench-") as tmp:
        root = Path(tmp) / "book"
        make_book(root, words)
        baseline_dir = Path(tmp) / "bare"
        baseline_dir.mkdir()
        bare = bare_pandoc(root, baseline_dir)
        cold = quire_build(root, "--no-cache")
        warm = quire_build(root)
        fast = took_the_fast_path(root)
        for path in (root / "manuscript" / "chapters").iterdir():
            path.touch()
        touched = quire_build(root)
        chapter = root / "manuscript" / "chapters" / "007-chapter.md"
        chapter.write_text(chapter.read_text().replace("mirror", "mirrors", 1))
        edited = quire_build(root)
        entry = root / "bibliography" / "entries" / "study2010.md"
        entry.write_text(entry.read_text().replace("## What This Research Found\n\n",
                                                   "## What This Research Found\n\nA sentence "
                                                   "added. "))
        entry_edited = quire_build(root)
        watched = watch_latency(root)
        chapters = len(list((root / "manuscript" / "chapters").iterdir()))
        shutil.rmtree(baseline_dir)
    return {"words": words, "chapters": chapters, "bare": bare, "cold": cold, "warm": warm,
            "fast": fast, "touched": touched, "edited": edited, "entry": entry_edited,
            "watch": watched}


def report(result: dict) -> None:
    bare, cold, edited, entry = result["bare"], result["cold"], result["edited"], result["entry"]
    print(f"book: {result['words']:,} words in {result['chapters']} chapters, 3 formats "
          f"(EPUB, PDF, DOCX); {os.cpu_count()} cores")
    print(f"{'run':<30}{'wall s':>8}{'ratio':>7}{'CPU s':>8}{'ratio':>7}{'peak MiB':>10}"
          f"{'ratio':>7}")
    for name, key in (("bare pandoc (sequential)", "bare"), ("quire, cold (no cache)", "cold"),
                      ("quire, warm (unchanged)", "warm"), ("quire, warm (touched)", "touched"),
                      ("quire, one chapter edited", "edited"),
                      ("quire, one entry edited", "entry")):
        run = result[key]
        print(f"{name:<30}{run.wall:>8.2f}{run.wall / bare.wall:>7.2f}{run.cpu:>8.2f}"
              f"{run.cpu / bare.cpu:>7.2f}{run.peak:>10.0f}{run.peak / bare.peak:>7.2f}")
    print(f"one chapter edited / quire cold: {edited.wall / cold.wall:.2f}; "
          f"one entry edited / quire cold: {entry.wall / cold.wall:.2f}")
    print(f"nothing changed: {result['warm'].wall:.2f} s, chapters touched: "
          f"{result['touched'].wall:.2f} s (up-to-date check's fast path taken: "
          f"{'yes' if result['fast'] else 'NO'})")
    for what, (preview, pdf) in zip(("a word changed", "a sentence added"), result["watch"]):
        print(f"watch, {what}: saved edit to preview {preview:.2f} s, to PDF {pdf:.2f} s")


def growth(small: dict, large: dict) -> None:
    """The exponent k of time = c * words^k between two book sizes (1: linear)."""
    scale = math.log(large["words"] / small["words"])
    print(f"growth from {small['words']:,} to {large['words']:,} words "
          f"(exponent: 1.00 is linear)")
    for key in ("bare", "cold", "edited", "entry"):
        a, b = small[key], large[key]
        print(f"  {key:<8} wall {math.log(b.wall / a.wall) / scale:5.2f}   CPU "
              f"{math.log(b.cpu / a.cpu) / scale:5.2f}   peak memory "
              f"{math.log(b.peak / a.peak) / scale:5.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--words", type=int, action="append",
                        help=f"book size (default {WORDS:,}); twice: the growth between them")
    sizes = parser.parse_args().words or [WORDS]
    results = [measure(words) for words in sizes]
    for result in results:
        report(result)
    for small, large in zip(results, results[1:]):
        growth(small, large)


if __name__ == "__main__":
    main()
