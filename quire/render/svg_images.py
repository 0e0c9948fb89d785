"""SVG figures for the DOCX: each drawn to a PNG, since pandoc's Word writer drops SVG.

EPUB and PDF keep the SVG (both show vector images). For the DOCX,
:func:`svg_to_png_tree` replaces every ``.svg`` image of the document tree by a
PNG drawn with the Typst compiler quire already uses for the PDF (its SVG
renderer is resvg): the image placed alone on a page of its own size, at
:data:`PIXELS_PER_INCH`, with the project's fonts. The result is the same on
every machine, so the DOCX stays byte-identical between builds; each PNG is
cached by the SVG's content, and handed to pandoc as a ``data:`` URI, so
nothing is written beside the project's files. An image without a width of
its own is given the SVG's (pixels / :data:`PIXELS_PER_INCH` inches), so it
shows at the size it has in the PDF.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from ..build.cache import ContentCache, content_key
from ..errors import QuireError, SourceLocation
from ..checks.confine import Refused, resolve_file
from ..checks.image_paths import local_target
from .tree import Nodes, map_lists

PIXELS_PER_INCH = 192
#: An SVG larger than this is not drawn (a bound on time and memory).
MAX_SVG_BYTES = 8 * 1024 * 1024
#: A drawing wider or taller than this many inches is scaled down to it (a bound on the PNG).
MAX_INCHES = 10


def svg_to_png_tree(ast: bytes, root: Path, cache: ContentCache) -> bytes:
    """The tree with every local SVG image replaced by its PNG drawing."""
    if b".svg" not in ast.lower():  # (no SVG named anywhere: nothing to walk)
        return ast
    tree = json.loads(ast)

    def replace(inlines: Nodes) -> Nodes:
        return [_as_png(node, root, cache) if node.get("t") == "Image" else node
                for node in inlines]

    tree["blocks"] = map_lists(tree["blocks"], inlines=replace)
    return json.dumps(tree, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _as_png(image: dict[str, Any], root: Path, cache: ContentCache) -> dict[str, Any]:
    attr, alt, (src, title) = image["c"]
    target = local_target(src)
    if target is None or not target.lower().endswith(".svg"):
        return image
    try:
        path = resolve_file(root, target)
    except Refused:  # the resource checks have reported it already
        return image
    png = svg_png(path, root, cache)
    uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    ident, classes, pairs = attr
    if not any(name in ("width", "height") for name, _ in pairs):  # the SVG's own size
        width = int.from_bytes(png[16:20], "big") / PIXELS_PER_INCH
        pairs = [*pairs, ["width", f"{width:.3f}in"]]
    return {"t": "Image", "c": [[ident, classes, pairs], alt, [uri, title]]}


def svg_png(path: Path, root: Path, cache: ContentCache) -> bytes:
    """The PNG drawing of the SVG file ``path`` (cached by its content)."""
    svg = path.read_bytes()
    if len(svg) > MAX_SVG_BYTES:
        raise QuireError(f"SVG image larger than {MAX_SVG_BYTES // 2**20} MB",
                         SourceLocation(path))
    key = content_key("svg-png", str(PIXELS_PER_INCH), svg)
    cached = cache.get("svg-png", key)
    if cached is not None:
        return cached
    import typst

    inside = "/" + path.relative_to(root.resolve()).as_posix()
    name = json.dumps(inside, ensure_ascii=False)
    source = ("#set page(width: auto, height: auto, margin: 0pt, fill: none)\n"
              f"#context {{ let size = measure(image({name}))\n"
              f"  if size.width > {MAX_INCHES}in or size.height > {MAX_INCHES}in {{\n"
              f"    let scale = calc.min({MAX_INCHES}in / size.width, {MAX_INCHES}in / size.height)\n"
              f"    image({name}, width: size.width * scale)\n"
              f"  }} else {{ image({name}) }} }}\n")
    fonts = root / "fonts"
    try:
        png = typst.compile(source.encode("utf-8"), root=str(root), format="png",
                            ppi=PIXELS_PER_INCH, ignore_system_fonts=True,
                            font_paths=[str(fonts)] if fonts.is_dir() else [])
    except typst.TypstError as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else "unknown error"
        raise QuireError(f"the SVG image cannot be drawn: {message}",
                         SourceLocation(path)) from None
    cache.put("svg-png", key, png)
    return png
