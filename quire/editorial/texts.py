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

from ..build.cache import ContentCache, content_key
from ..model import Artifact, AssembledBook
from ..render.pandoc import pandoc_version, run_pandoc

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
_OPENING = re.compile(r"^# .*?\{\s*#([^\s}]+)[^}]*\}\s*$", re.M)
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


def editor_texts(book: AssembledBook, ast: bytes, epoch: int, cache: ContentCache,
                 folder: str = TEXT_DIR) -> list[Artifact]:
    """The ``.md`` and ``.txt`` file of every part of the book.

    The plain text comes from the parsed tree (pandoc reads JSON far faster than
    Markdown): its blocks are cut before each part's opening heading (found by its
    id: a part heading or a chapter's own level-1 sections do not cut it), and
    rendered by pandoc's plain writer in one run, a marker paragraph between parts.
    """
    names = [name for name, _ in book.parts]
    openers = [opening_id(text) for _, text in book.parts]
    markdown = [editor_markdown(text) for _, text in book.parts]
    key = content_key(pandoc_version(), "plain", ast)
    cached = cache.get("plain", key)
    if cached is None:
        tree = json.loads(ast)
        tree["blocks"] = figures_as_captions(inline_notes(tree["blocks"]))
        marker = {"t": "Para", "c": [{"t": "Str", "c": _SPLIT}]}
        blocks: list[object] = []
        following = 1  # the part whose opening heading comes next
        for block in tree["blocks"]:
            if (following < len(openers) and block.get("t") == "Header" and block["c"][0] == 1
                    and block["c"][1][0] == openers[following]):
                blocks.append(marker)
                following += 1
            blocks.append(block)
        tree["blocks"] = blocks
        result = run_pandoc(["-f", "json", "-t", "plain", "--wrap=none"],
                            json.dumps(tree).encode("utf-8"), cwd=book.resource_root,
                            epoch=epoch, what="plain text of the chapters")
        cached = result.output
        cache.put("plain", key, cached)
    plain = cached.decode("utf-8").split(_SPLIT)
    plain += [""] * (len(names) - len(plain))  # (a part without an opening heading)
    artifacts = []
    for name, md, txt in zip(names, markdown, plain):
        artifacts.append(Artifact("md", f"{folder}/{name}.md", md.encode("utf-8")))
        artifacts.append(Artifact("txt", f"{folder}/{name}.txt",
                                  sentence_per_line(txt).encode("utf-8")))
    return artifacts


def opening_id(markdown: str) -> str | None:
    """The id of the first level-1 heading of a part's Markdown (``# Title {#id …}``)."""
    found = _OPENING.search(markdown)
    return found.group(1) if found else None


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
        return {k: inline_notes(v) for k, v in node.items()}
    return node
