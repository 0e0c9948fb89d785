#!/usr/bin/env python3
"""Benchmark: quire against bare pandoc on a generated 100,000-word book.

Run with ``make bench``. Everything is measured in this one run, on this
machine, and reported as ratios to bare pandoc; nothing here is a test.

- *bare pandoc*: the whole book as one Markdown file, with ``--citeproc``,
  converted to EPUB, to DOCX, and to Typst (then compiled by the typst
  wheel), one format after another: what an author would run by hand.
- *quire, cold*: ``build.py build --no-cache`` (every stage runs).
- *quire, warm*: ``build.py build`` again with nothing changed (cached stages).
- *quire, one chapter edited*: a word changed in one chapter.
"""

from __future__ import annotations

import json
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


def make_book(root: Path) -> None:
    """A deterministic book of WORDS words in CHAPTERS chapters, citing 40 references."""
    rng = random.Random(7)
    (root / "manuscript" / "chapters").mkdir(parents=True)
    (root / "bibliography").mkdir()
    refs = [{"id": f"author{i}2001", "type": "article-journal", "title": f"Study number {i}",
             "author": [{"family": f"Author{i}", "given": "A."}],
             "issued": {"date-parts": [[2001]]}, "container-title": "Journal", "volume": "1",
             "page": "1-10"} for i in range(40)]
    (root / "bibliography" / "references.json").write_text(json.dumps(refs))
    (root / "book.yaml").write_text("title: Benchmark Book\nauthor: B. Author\ndate: 2025-01-01\n")
    per_chapter = WORDS // CHAPTERS
    for n in range(1, CHAPTERS + 1):
        paragraphs, count = [], 0
        while count < per_chapter:
            words = [rng.choice(VOCABULARY) for _ in range(rng.randint(60, 140))]
            words[0] = words[0].capitalize()
            count += len(words)
            paragraphs.append(" ".join(words) + f" [@author{rng.randrange(40)}2001].")
        text = f"# Chapter title {n}\n\n" + "\n\n".join(paragraphs) + "\n"
        (root / "manuscript" / "chapters" / f"{n:02d}-chapter.md").write_text(text)


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def bare_pandoc(root: Path, out: Path) -> None:
    """The baseline: pandoc alone, format after format."""
    import typst

    chapters = sorted((root / "manuscript" / "chapters").glob("*.md"))
    source = out / "book.md"
    source.write_text("\n\n".join(p.read_text() for p in chapters))
    common = [pandoc_binary(), str(source), "--citeproc",
              f"--bibliography={root / 'bibliography' / 'references.json'}",
              "-M", "title=Benchmark Book", "-M", "lang=en-GB"]
    for target in ("book.epub", "book.docx"):
        subprocess.run([*common, "-o", str(out / target)], check=True)
    subprocess.run([*common, "-t", "typst-citations", "-s", "-o", str(out / "book.typ")],
                   check=True)
    (out / "book.pdf").write_bytes(typst.compile(str(out / "book.typ")))


def quire_build(root: Path, *extra: str) -> None:
    subprocess.run([sys.executable, str(REPO / "build.py"), "--project", str(root), "build",
                    *extra], check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="quire-bench-") as tmp:
        root = Path(tmp) / "book"
        make_book(root)
        baseline_dir = Path(tmp) / "bare"
        baseline_dir.mkdir()
        bare = timed(lambda: bare_pandoc(root, baseline_dir))
        cold = timed(lambda: quire_build(root, "--no-cache"))
        warm = timed(lambda: quire_build(root))
        chapter = root / "manuscript" / "chapters" / "07-chapter.md"
        chapter.write_text(chapter.read_text().replace("mirror", "mirrors", 1))
        edited = timed(lambda: quire_build(root))
        shutil.rmtree(baseline_dir)
    print(f"book: {WORDS:,} words in {CHAPTERS} chapters, 3 formats (EPUB, PDF, DOCX)")
    print(f"{'run':<28}{'seconds':>9}{'ratio to bare pandoc':>24}")
    for name, seconds in (("bare pandoc (sequential)", bare), ("quire, cold (no cache)", cold),
                          ("quire, warm (unchanged)", warm), ("quire, one chapter edited", edited)):
        print(f"{name:<28}{seconds:>9.2f}{seconds / bare:>24.2f}")


if __name__ == "__main__":
    main()
