"""SVG images drawn to PNG for the DOCX: deterministic, cached, sized, confined."""

from __future__ import annotations

import base64
import json

import pytest

from quire.build.cache import ContentCache
from quire.errors import QuireError
from quire.render.svg_images import PIXELS_PER_INCH, svg_png, svg_to_png_tree

SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="48" height="24">'
       b'<rect width="48" height="24" fill="#c33"/></svg>')


def _tree(src: str, attrs=()) -> bytes:
    image = {"t": "Image", "c": [["", [], list(attrs)], [], [src, ""]]}
    return json.dumps({"pandoc-api-version": [1, 23, 1, 1], "meta": {},
                       "blocks": [{"t": "Para", "c": [image]}]}).encode("utf-8")


def _image(ast: bytes) -> list:
    return json.loads(ast)["blocks"][0]["c"][0]["c"]


def test_svg_becomes_a_png_of_its_size(tmp_path):
    (tmp_path / "a.svg").write_bytes(SVG)
    cache = ContentCache(tmp_path / "cache")
    attr, _, (src, _) = _image(svg_to_png_tree(_tree("a.svg"), tmp_path, cache))
    png = base64.b64decode(src.removeprefix("data:image/png;base64,"))
    assert png.startswith(b"\x89PNG")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (48 * PIXELS_PER_INCH // 96, 24 * PIXELS_PER_INCH // 96)
    assert attr[2] == [["width", "0.500in"]]
    again = svg_to_png_tree(_tree("a.svg"), tmp_path, ContentCache(None))
    assert _image(again)[2][0] == src  # the same bytes without the cache


def test_cached_by_content(tmp_path, monkeypatch):
    import typst

    (tmp_path / "a.svg").write_bytes(SVG)
    cache = ContentCache(tmp_path / "cache")
    first = svg_png(tmp_path / "a.svg", tmp_path, cache)
    [stored] = list((tmp_path / "cache").iterdir())
    sealed = stored.read_bytes()
    drawn = []
    real = typst.compile
    monkeypatch.setattr(typst, "compile", lambda *a, **k: drawn.append(a) or real(*a, **k))
    assert svg_png(tmp_path / "a.svg", tmp_path, cache) == first and drawn == []  # cached
    # A damaged entry is not trusted: the drawing is made again, the same bytes, resealed.
    stored.write_bytes(b"from the cache")
    assert svg_png(tmp_path / "a.svg", tmp_path, cache) == first and len(drawn) == 1
    assert stored.read_bytes() == sealed


def test_own_width_other_images_and_outside_files_are_kept(tmp_path):
    (tmp_path / "a.svg").write_bytes(SVG)
    (tmp_path / "b.png").write_bytes(b"png")
    sized = _image(svg_to_png_tree(_tree("a.svg", [["width", "3cm"]]), tmp_path,
                                   ContentCache(None)))
    assert sized[0][2] == [["width", "3cm"]] and sized[2][0].startswith("data:image/png")
    for src in ("b.png", "../outside.svg", "https://example.org/x.svg"):
        assert _image(svg_to_png_tree(_tree(src), tmp_path, ContentCache(None)))[2][0] == src


def test_a_broken_svg_is_a_located_error(tmp_path):
    (tmp_path / "bad.svg").write_bytes(b"<svg this is not xml")
    with pytest.raises(QuireError) as error:
        svg_png(tmp_path / "bad.svg", tmp_path, ContentCache(None))
    assert error.value.location.path == tmp_path / "bad.svg"
    assert "cannot be drawn" in error.value.message


def test_a_huge_drawing_is_scaled_down(tmp_path):
    (tmp_path / "big.svg").write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg" width="96000" '
                                       b'height="9600"><rect width="96000" height="9600"/></svg>')
    png = svg_png(tmp_path / "big.svg", tmp_path, ContentCache(None))
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (10 * PIXELS_PER_INCH, PIXELS_PER_INCH)  # 1000 x 100 in -> 10 x 1
