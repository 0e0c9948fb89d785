"""The editors' texts: each chapter, the reference list and each appendix, resolved, as files.

Every build writes ``build/chapters/<name>.md`` and ``<name>.txt``: the
Markdown with citations, inserted passages and chapter numbers resolved
(internal links unwrapped to their text, one sentence per line), and the
plain text pandoc makes of it (one sentence per line, paragraphs apart). A
*part* is one such unit: ``09-neurological-architecture``, ``references``,
``appendix-rizzolatti2004``. Both are pure functions of the assembled book,
so they are deterministic and cached like the other stages.
"""

from __future__ import annotations

import json
import re

from ..build.cache import ContentCache, code_fingerprint, content_key
from ..model import Artifact, AssembledBook, ParsedBook
from ..render.pandoc import pandoc_version, run_pandoc
from ..render.tree import LEAF_TYPES

TEXT_DIR = "chapters"
_SPLIT = "\ue020QUIRE-PART\ue020"
_INTERNAL_LINK = re.compile(r"\[((?:[^\[\]\\]|\\.)+)\]\(#[^)\s]*\)")
#: Where a sentence ends: after . ! ? (and a closing quote or bracket), before a capital,
#: a quote or a bracket; not after abbreviations, initials or "et al.".
_SENTENCE_END = re.compile(
    r"(?<=[.!?])(?<!\bet al\.)(?<!\bp\.)(?<!\bpp\.)(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bcf\.)"
    r"(?<!\bvs\.)(?<!\bDr\.)(?<!\bMr\.)(?<!\bMs\.)(?<!\bMrs\.)(?<!\bSt\.)(?<!\bNo\.)"
    r"(?<!\bVol\.)(?<!\bch\.)(?<!\bEds\.)(?<!\bEd\.)(?<!\b[A-Z]\.)"
    r"([\"\u201d\u2019)]*)\s+(?=[A-Z\"\u201c\u2018(\[*_])")
_BLOCK_START = re.compile(r"^(?:#|>|:::|```|~~~|[-*+] |\d+[.)] |\||\s{4})")


def unwrap_internal_links(markdown: str) -> str:
    """``[Rizzolatti & Craighero, 2004](#ref-rizzolatti2004)`` -> its text."""
    return _INTERNAL_LINK.sub(r"\1", markdown)


def sentence_per_line(text: str) -> str:
    """Paragraphs of prose with one sentence per line; other blocks left as they are."""
    blocks = re.split(r"\n[ \t]*\n", text.strip("\n"))
    out = []
    for block in blocks:
        lines = block.split("\n")
        if any(_BLOCK_START.match(line) for line in lines):
            out.append(block)
            continue
        joined = " ".join(line.strip() for line in lines)
        out.append(_SENTENCE_END.sub(lambda m: m.group(1) + "\n", joined))
    return "\n\n".join(out) + "\n"


def editor_markdown(part: str) -> str:
    """A part's Markdown as editors read it."""
    return sentence_per_line(unwrap_internal_links(part))


def editor_texts(book: AssembledBook, parsed: ParsedBook, epoch: int, cache: ContentCache,
                 folder: str = TEXT_DIR) -> list[Artifact]:
    """The ``.md`` and ``.txt`` file of every part of the book.

    The plain text comes from each part's parsed blocks (pandoc reads JSON far faster
    than Markdown), cached by them: the parts not in the cache are rendered by pandoc's
    plain writer in one run, a marker paragraph between parts.
    """
    keys = [content_key(pandoc_version(), code_fingerprint(), "plain", body)
            for _, body in parsed.parts]
    plain = {key: cache.get("plain", key) for key in keys}
    missing = list(dict.fromkeys(key for key in keys if plain[key] is None))
    if missing:
        marker = json.dumps({"t": "Para", "c": [{"t": "Str", "c": _SPLIT}]}).encode("utf-8")
        bodies = {key: body for key, (_, body) in zip(keys, parsed.parts)}
        together = [piece for key in missing
                    for piece in (marker, _as_text_blocks(bodies[key]))][1:]
        result = run_pandoc(["-f", "json", "-t", "plain", "--wrap=none"],
                            parsed.document(tuple(together)), cwd=book.resource_root,
                            epoch=epoch, what="plain text of the chapters")
        pieces = result.output.decode("utf-8").split(_SPLIT)
        if len(pieces) != len(missing):  # the marker in the text itself: one run per part
            pieces = [run_pandoc(["-f", "json", "-t", "plain", "--wrap=none"],
                                 parsed.document((_as_text_blocks(bodies[key]),)),
                                 cwd=book.resource_root, epoch=epoch,
                                 what="plain text of the chapters").output.decode("utf-8")
                      for key in missing]
        for key, text in zip(missing, pieces):
            plain[key] = text.strip("\n").encode("utf-8")
            cache.put("plain", key, plain[key])
    artifacts = []
    for (name, text), key in zip(book.parts, keys):
        artifacts.append(Artifact("md", f"{folder}/{name}.md",
                                  editor_markdown(text).encode("utf-8")))
        artifacts.append(Artifact("txt", f"{folder}/{name}.txt",
                                  sentence_per_line(plain[key].decode("utf-8")).encode("utf-8")))
    return artifacts


def _as_text_blocks(body: bytes) -> bytes:
    """A part's blocks as the plain text shows them: notes inline, figures as captions."""
    notes, figures = b'{"t":"Note"' in body, b'{"t":"Figure"' in body
    if not (notes or figures):  # (as it is: the tree is walked only when it must change)
        return body
    blocks = json.loads(b"[" + body + b"]")
    blocks = figures_as_captions(inline_notes(blocks) if notes else blocks)
    return json.dumps(blocks, ensure_ascii=False, separators=(",", ":")).encode("utf-8")[1:-1]


def figures_as_captions(node: object) -> object:
    """The tree with each figure replaced by its (numbered) caption: the plain writer would
    print only the image's description."""
    if isinstance(node, list):
        return [figures_as_captions(item) for item in node]
    if isinstance(node, dict):
        if node.get("t") == "Figure":
            caption = [{"t": "Para", "c": block["c"]} for block in node["c"][1][1]
                       if block.get("t") in ("Plain", "Para")]
            return {"t": "Div", "c": [["", [], []], caption]}
        if node.get("t") in LEAF_TYPES:
            return node
        return {k: figures_as_captions(v) for k, v in node.items()}
    return node


def inline_notes(node: object) -> object:
    """The tree with each footnote set inline, "[Note: ...]", so it stays in its chapter."""
    if isinstance(node, list):
        out: list[object] = []
        for item in node:
            if isinstance(item, dict) and item.get("t") == "Note":
                inlines: list[object] = [{"t": "Space"}, {"t": "Str", "c": "[Note:"}]
                for block in item["c"]:
                    if block.get("t") in ("Para", "Plain"):
                        inlines += [{"t": "Space"}] + inline_notes(block["c"])  # type: ignore
                out += inlines + [{"t": "Str", "c": "]"}]
            else:
                out.append(inline_notes(item))
        return out
    if isinstance(node, dict):
        if node.get("t") in LEAF_TYPES:
            return node
        return {k: inline_notes(v) for k, v in node.items()}
    return node
