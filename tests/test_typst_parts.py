"""The PDF's Typst source part by part (quire/render/typst_parts.py)."""

from __future__ import annotations

from pathlib import Path

from quire.build.cache import ContentCache
from quire.errors import Reporter
from quire.model import AssembledBook
from quire.render.ast_markup import prepare_part
from quire.render.pandoc import run_pandoc
from quire.render.parse import parse_book
from quire.render.typst_parts import typst_source

#: Blocks of every kind, at the ends of parts too (where pandoc's blank lines differ).
PARTS = {
    "01-a": "# Alpha {#chapter-1}\n\nA paragraph.[^1]\n\n[^1]: A note.\n\n- one\n- two\n",
    "02-b": "# Beta {#chapter-2}\n\n::: {#box}\nIn a div.\n:::\n",
    "03-c": "# Gamma\n\n> Quoted.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode\n```\n",
    "04-d": "```{=typst}\n#pagebreak()\n```\n\n# Delta\n\nText *emphasised*.\n\n## Section\n",
    "references": "# References {#refs}\n\n::: {#ref-x .csl-entry}\nA work.\n:::\n",
}
ARGS = ["-t", "typst-citations", "-V", "fontsize=11pt"]


def whole(root: Path, template: Path, parts: dict[str, str], calls: list) -> tuple[bytes, bytes]:
    """(the source put together part by part, pandoc's own source of the whole book)."""
    book = AssembledBook("", {"title": "T"}, root / "apa.csl", root, tuple(parts.items()))
    parsed = parse_book(book, 0, ContentCache(None), Reporter())
    bodies = tuple(prepare_part("pdf", body) for _, body in parsed.parts)

    def run(args, stdin):
        calls.append(stdin)
        return run_pandoc(["-f", "json", *args, "-o", "-"], stdin, cwd=root, epoch=0, what="t")

    cache = ContentCache(root / "cache")
    made, warnings = typst_source(parsed, bodies, [f"--template={template}", *ARGS], template,
                                  cache, run)
    assert warnings == []
    own = run_pandoc(["-f", "json", f"--template={template}", *ARGS, "-o", "-"],
                     parsed.document(bodies), cwd=root, epoch=0, what="t").output
    return made, own


def test_the_source_is_pandocs_own_and_an_edit_writes_one_part_again(tmp_path):
    template = tmp_path / "book.typ"
    template.write_text("#set page(width: 10cm)\n$if(title)$// $title$$endif$\n$body$\nend\n")
    calls: list[bytes] = []
    made, own = whole(tmp_path, template, PARTS, calls)
    assert made == own and b"#block[" in made and b"#footnote[" in made
    assert len(calls) == 1  # every part and the frame in one run
    calls.clear()
    edited = {**PARTS, "03-c": PARTS["03-c"].replace("Quoted.", "Said again.")}
    made, own = whole(tmp_path, template, edited, calls)
    assert made == own and b"Said again." in made and b"Quoted." not in made
    assert len(calls) == 1 and b"again." in calls[0] and b"Alpha" not in calls[0]
    calls.clear()
    assert whole(tmp_path, template, edited, calls)[0] == own and calls == []
    template.write_text("// another frame\n$body$\n")  # the frame is made again
    made, own = whole(tmp_path, template, edited, calls)
    assert made == own and made.startswith(b"// another frame\n")
    assert len(calls) == 1 and b"Alpha" not in calls[0]
