"""The PDF's Typst source, written by pandoc part by part, an unchanged part read back.

pandoc's Typst writer renders each block on its own: the source of a whole
book is the template's text (the *frame*) around the parts' sources, one after
another. One pandoc run writes the frame and every part not in the cache, a
marker (a raw Typst comment) after each, and the output is cut at the
markers; the pieces are cached by the part's blocks as the PDF receives them,
the frame by the book's metadata, pandoc's arguments and the template. Editing
a chapter writes that chapter's Typst again, nothing else; the source put
together is the very text pandoc writes for the whole book in one run.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable

from ..build.cache import ContentCache, code_fingerprint, content_key
from ..model import ParsedBook
from .pandoc import PandocResult, pandoc_version

#: A raw Typst comment no author writes: where a part ends in pandoc's output.
_MARK = "// \ue020quire-part {}\ue020"
_MARKS = re.compile("// \ue020quire-part (\\d+)\ue020")

#: One pandoc run: its arguments (the template given, or not) and its input, the JSON tree.
Run = Callable[[list[str], bytes], PandocResult]


def typst_source(book: ParsedBook, bodies: tuple[bytes, ...], args: list[str],
                 template: Path, cache: ContentCache, run: Run) -> tuple[bytes, list[str]]:
    """pandoc's Typst for the book whose parts' blocks (as the PDF receives them) are
    ``bodies``, written through ``template`` with ``args``; and pandoc's warnings (a part's
    warnings are kept with it and given again when it is read back)."""
    part_args = [arg for arg in args if not arg.startswith("--template")]
    keys = [content_key(pandoc_version(), code_fingerprint(), "typst", *part_args, body)
            for body in bodies]
    frame_key = content_key(pandoc_version(), code_fingerprint(), "typst-frame", book.head,
                            *args, template.read_bytes())
    pieces = {key: _unpack(cache.get("typst-part", key)) for key in set(keys)}
    frame = cache.get("typst-frame", frame_key)
    missing = list(dict.fromkeys(key for key in keys if pieces[key] is None))
    if missing or frame is None:
        order = {key: index for index, key in enumerate(keys)}
        marked = [_marker(0)] + [piece for number, key in enumerate(missing, start=1)
                                 for piece in (bodies[order[key]], _marker(number))]
        result = run([f"--template={template}", *part_args], book.document(tuple(marked)))
        cut = _MARKS.split(result.output.decode("utf-8"))
        # cut: prefix, "0", piece 1, "1", piece 2, … "n", suffix (each piece opens with the
        # line end of the marker before it)
        frame = (cut[0] + _MARK.format("body") + cut[-1]).encode("utf-8")
        cache.put("typst-frame", frame_key, frame)
        for number, key in enumerate(missing, start=1):
            warned = list(result.warnings)
            if warned and len(missing) > 1:  # whose are they? (rare: each part alone)
                warned = list(run([f"--template={template}", *part_args], book.document(
                    (bodies[order[key]],))).warnings)
            pieces[key] = (cut[2 * number].removeprefix("\n"), warned)
            cache.put("typst-part", key, _pack(*pieces[key]))
    body = "".join(pieces[key][0] for key in keys).rstrip("\n")
    before, _, after = frame.decode("utf-8").partition(_MARK.format("body"))
    warnings = [warning for key in dict.fromkeys(keys) for warning in pieces[key][1]]
    return (before + body + after).encode("utf-8"), warnings


def _marker(number: int) -> bytes:
    return json.dumps({"t": "RawBlock", "c": ["typst", _MARK.format(number)]},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _pack(text: str, warnings: list[str]) -> bytes:
    return json.dumps(warnings).encode("utf-8") + b"\n" + text.encode("utf-8")


def _unpack(stored: bytes | None) -> tuple[str, list[str]] | None:
    if stored is None:
        return None
    warnings, _, text = stored.partition(b"\n")
    return text.decode("utf-8"), json.loads(warnings)
