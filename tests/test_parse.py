"""Parsing the assembled book part by part (quire/render/parse.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quire.build.cache import ContentCache
from quire.errors import QuireError, Reporter
from quire.model import AssembledBook
from quire.render import parse
from quire.render.pandoc import run_pandoc

PARTS = (("01-one", "# One {#chapter-1}\n\nFirst *part*.[^1]\n\n[^1]: The first note.\n"),
         ("02-two", "# Two {#chapter-2}\n\nSecond part.[^1]\n\n[^1]: The second note.\n"),
         ("references", "# References {#references}\n\nA work.\n"))
META = {"title": "A Book", "quire-captions": "apa"}


def assembled(root: Path, parts=PARTS, meta=META) -> AssembledBook:
    return AssembledBook("\n".join(text for _, text in parts), dict(meta), root / "apa.csl",
                         root, tuple(parts))


@pytest.fixture
def runs(monkeypatch):
    """What each pandoc run of the parse stage made (its ``what``) and read (its input)."""
    seen: list[tuple[str, bytes]] = []

    def counting(args, stdin, **kwargs):
        seen.append((kwargs["what"], stdin))
        return run_pandoc(args, stdin, **kwargs)

    monkeypatch.setattr(parse, "run_pandoc", counting)
    return seen


def test_the_tree_is_pandocs_own_and_unchanged_parts_are_read_back(tmp_path, runs):
    cache = ContentCache(tmp_path / "cache")
    first = parse.parse_book(assembled(tmp_path), 0, cache, Reporter())
    assert [what for what, _ in runs] == ["book's metadata"] + ["book's document tree"] * 3
    tree = json.loads(first.document())
    assert tree["meta"]["title"] == {"t": "MetaInlines", "c": [{"t": "Str", "c": "A"},
                                                               {"t": "Space"},
                                                               {"t": "Str", "c": "Book"}]}
    assert "quire-captions" not in tree["meta"]
    assert [b["c"][1][0] for b in tree["blocks"] if b["t"] == "Header"] == [
        "chapter-1", "chapter-2", "references"]
    assert [name for name, _ in first.parts] == ["01-one", "02-two", "references"]
    for (name, body), (_, text) in zip(first.parts, PARTS):  # each part: pandoc's own blocks
        alone = run_pandoc(["-f", parse.INPUT_FORMAT, "-t", "json"], text.encode(), cwd=tmp_path,
                           epoch=0, what="t").output
        assert json.loads(b"[" + body + b"]") == json.loads(alone)["blocks"], name

    runs.clear()
    edited = (PARTS[0], ("02-two", PARTS[1][1].replace("Second", "Later")), PARTS[2])
    second = parse.parse_book(assembled(tmp_path, edited), 0, cache, Reporter())
    assert [what for what, _ in runs] == ["book's document tree"]  # the edited part only
    assert b"Later" in runs[0][1] and b"First" not in runs[0][1]
    assert second.head == first.head
    assert second.parts[0] == first.parts[0] and second.parts[2] == first.parts[2]
    assert b"Later" in second.parts[1][1] and b"Later" not in first.parts[1][1]


def test_each_part_keeps_its_own_footnotes(tmp_path):
    book = parse.parse_book(assembled(tmp_path), 0, ContentCache(None), Reporter())
    notes = [json.dumps(json.loads(b"[" + body + b"]")) for _, body in book.parts[:2]]
    assert "first" in notes[0] and "second" not in notes[0]
    assert "second" in notes[1] and "first" not in notes[1]


def test_pandocs_warnings_are_located_and_replayed_from_the_cache(tmp_path):
    chapter = tmp_path / "02-two.md"
    text = "# Two\n\nA note.[^1]\n\n[^1]: One.\n\n[^1]: Again.\n"
    chapter.write_text(text)
    parts = (PARTS[0], ("02-two", text))
    cache = ContentCache(tmp_path / "cache")
    found = []
    for _ in range(2):
        reporter = Reporter()
        parse.parse_book(assembled(tmp_path, parts), 0, cache, reporter,
                         chapters={"02-two": chapter})
        found.append([warning.format() for warning in reporter.warnings])
    assert found[0] == found[1] != []
    assert found[0][0].startswith(f"{chapter}:7: warning: pandoc: Duplicate note reference '1'")
    assert "at line" not in found[0][0]


def test_files_the_tree_names_are_checked_again_when_parts_come_from_the_cache(tmp_path):
    (tmp_path / "img.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    parts = (("01-one", "# One\n\n![A picture](img.png)\n"),)
    cache = ContentCache(tmp_path / "cache")
    parse.parse_book(assembled(tmp_path, parts), 0, cache, Reporter())
    outside = tmp_path.parent / f"{tmp_path.name}-outside.png"
    outside.write_bytes(b"secret")
    (tmp_path / "img.png").unlink()
    (tmp_path / "img.png").symlink_to(outside)
    with pytest.raises(QuireError) as raised:
        parse.parse_book(assembled(tmp_path, parts), 0, cache, Reporter())
    assert "img.png" in raised.value.diagnostics[0].message


def test_a_heading_id_two_parts_share_is_made_unique(tmp_path):
    parts = (("01-one", "# One {#chapter-1}\n\n## Summary\n"),
             ("02-two", "# Two {#chapter-2}\n\n## Summary\n\nSee [it](#summary).\n"))
    book = parse.parse_book(assembled(tmp_path, parts), 0, ContentCache(None), Reporter())
    tree = json.loads(book.document())
    assert [b["c"][1][0] for b in tree["blocks"] if b["t"] == "Header"] == [
        "chapter-1", "summary", "chapter-2", "summary-1"]
    assert tree["blocks"][-1]["c"][-2]["c"][2][0] == "#summary-1"


def test_captions_are_numbered_in_the_books_style(tmp_path):
    parts = (("01-one", "![Title](a.png){#fig-a quire-label=\"Figure 1\"}\n"),)
    (tmp_path / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    for style, expected in (("apa", ["Strong", "LineBreak", "Emph"]),
                            ("plain", ["Str", "Space", "Str"])):
        meta = {**META, "quire-captions": style}
        book = parse.parse_book(assembled(tmp_path, parts, meta), 0, ContentCache(None),
                                Reporter())
        text = book.document().decode()
        assert "quire-label" not in text
        figure = json.loads(book.document())["blocks"][0]["c"][1][0]
        assert [i["t"] for i in figure["c"][1][1][0]["c"]] == expected, style
