"""Heading ids across parts parsed one by one (quire/render/part_ids.py)."""

from __future__ import annotations

import json

from quire.render.part_ids import header_ids, unique_part_ids


def header(ident: str, level: int = 2) -> dict:
    return {"t": "Header", "c": [level, [ident, [], []], [{"t": "Str", "c": ident}]]}


def link(target: str) -> dict:
    return {"t": "Link", "c": [["", [], []], [{"t": "Str", "c": "see"}], [target, ""]]}


def body(*blocks: dict) -> bytes:
    return json.dumps(list(blocks), separators=(",", ":")).encode()[1:-1]


def blocks_of(data: bytes) -> list:
    return json.loads(b"[" + data + b"]")


def test_header_ids_in_reading_order_nested_ones_too():
    blocks = [header("top", 1), {"t": "Para", "c": [link("#x")]},
              {"t": "Div", "c": [["d", [], []], [header("in-div")]]},
              {"t": "BlockQuote", "c": [header("quoted")]},
              {"t": "BulletList", "c": [[header("listed")]]},
              header("", 3), header("last")]
    assert header_ids(blocks) == ["top", "in-div", "quoted", "listed", "last"]


def test_a_later_part_takes_the_next_free_number_and_its_links_follow():
    first = body(header("summary"), header("summary-1"), {"t": "Para", "c": [link("#summary")]})
    second = body(header("summary"), {"t": "Para", "c": [link("#summary"), link("#other"),
                                                          link("https://x.org/#summary")]})
    third = body(header("summary"), header("methods"))
    ids = [header_ids(blocks_of(part)) for part in (first, second, third)]
    out = unique_part_ids(ids, [first, second, third])
    assert out[0] is first  # nothing to change: the very same bytes
    assert header_ids(blocks_of(out[1])) == ["summary-2"]
    targets = [i["c"][2][0] for i in blocks_of(out[1])[1]["c"]]
    assert targets == ["#summary-2", "#other", "https://x.org/#summary"]
    assert header_ids(blocks_of(out[2])) == ["summary-3", "methods"]


def test_the_new_number_skips_ids_the_part_holds_itself():
    first = body(header("a"))
    second = body(header("a"), header("a-1"), {"t": "Para", "c": [link("#a-1"), link("#a")]})
    ids = [header_ids(blocks_of(part)) for part in (first, second)]
    out = unique_part_ids(ids, [first, second])
    assert header_ids(blocks_of(out[1])) == ["a-2", "a-1"]
    assert [i["c"][2][0] for i in blocks_of(out[1])[2]["c"]] == ["#a-1", "#a-2"]


def test_unique_ids_are_left_alone():
    parts = [body(header("a")), body(header("b")), body()]
    ids = [header_ids(blocks_of(part)) for part in parts]
    assert [out is part for out, part in zip(unique_part_ids(ids, parts), parts)] == [True] * 3
