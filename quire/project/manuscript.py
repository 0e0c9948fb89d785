"""Discovering and reading the manuscript's chapters.

A chapter is a Markdown file in ``manuscript/chapters/`` whose name starts with
its number (``09-neurological-architecture.md``) and whose first heading
(``# Title {#id .class}``) is its title (only blank lines, comments and raw TeX
commands may stand above it); the heading's id and classes are kept
(``.unnumbered`` or ``-``: front or back matter, whose file number only orders
it; ``.appendix``: one of the author's own appendices). ``book.yaml`` may list the files instead, to fix the
order. Optional YAML front matter may override ``title`` and ``number``.
"""

from __future__ import annotations

import re
from pathlib import Path

from .config import BookConfig, ChapterRef
from ..checks.confine import confine
from ..errors import QuireError, SourceLocation, raise_all
from .frontmatter import split_front_matter
from ..model import Chapter
from .textfiles import refuse_control_characters
from .yamlsource import key_line

CHAPTER_DIR = Path("manuscript") / "chapters"
_NUMBER = re.compile(r"^(\d+)(?:[-_ .]|$)")
_HEADING = re.compile(r"^#[ \t]+(?P<title>.+?)(?:[ \t]+\{(?P<attrs>[^}]*)\})?(?:[ \t]+#+)?[ \t]*$")
# A heading's short title for the running heads: # Long Title {short="Short"}
_SHORT = re.compile(r"""(?:^|\s)short=(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"']+))""")


def chapter_files(config: BookConfig) -> list[ChapterRef]:
    """The chapter files in reading order, from book.yaml or by file name."""
    if config.chapters is not None:
        return list(config.chapters)
    folder = config.root / CHAPTER_DIR
    if not folder.is_dir():
        raise QuireError(f"no chapter folder '{CHAPTER_DIR}'", SourceLocation(config.path))
    files = sorted(p for p in folder.iterdir()  # links too: confined when read
                   if p.suffix == ".md" and (p.is_file() or p.is_symlink()))
    if not files:
        raise QuireError(f"no chapters (*.md) in '{CHAPTER_DIR}'", SourceLocation(folder))
    return [ChapterRef(p, SourceLocation(p)) for p in files]


def read_chapters(config: BookConfig) -> list[Chapter]:
    """Read every chapter; all problems are reported together."""
    chapters: list[Chapter] = []
    errors: list[QuireError] = []
    for ref in chapter_files(config):
        try:
            confine(config.root, ref.path, ref.location, "chapter file",
                    missing=f"chapter file not found: '{ref.path.name}'")
            chapters.append(read_chapter(ref.path))
        except QuireError as exc:
            errors.append(exc)
    seen: dict[int, Chapter] = {}
    for chapter in chapters:
        if not chapter.numbered:  # front or back matter: its file number only orders it
            continue
        if chapter.number in seen:
            errors.append(QuireError(
                f"chapter number {chapter.number} is also used by '{seen[chapter.number].path.name}'",
                SourceLocation(chapter.path, 1)))
        seen[chapter.number] = chapter
    raise_all(errors)
    return chapters


def read_chapter(path: Path) -> Chapter:
    """Read one chapter file: its number, title and body with line offsets."""
    from .textfiles import read_text

    text = read_text(path)
    meta, meta_node, body_start = split_front_matter(text, path)
    number = _number(path, meta, meta_node)
    lines = text.split("\n")
    for index in range(body_start - 1, len(lines)):
        line = lines[index]
        match = _HEADING.match(line)
        if match:
            title = str(meta.get("title") or match.group("title")).strip()
            if meta.get("title") is not None:  # a YAML escape may spell a control character
                refuse_control_characters(title, SourceLocation(
                    path, key_line(meta_node, "title", 2)))
            ident, classes = heading_attributes(match.group("attrs") or "")
            before = lines[body_start - 1:index]
            if any(line.startswith("\\") for line in before):
                # raw TeX above the title (\pagenumbering …) stays in the body, in its place,
                # where the raw-LaTeX handling sees it; the title's line is left blank
                body, first = "\n".join(before + [""] + lines[index + 1:]), body_start
            else:
                body, first = "\n".join(lines[index + 1:]), index + 2
            short = _SHORT.search(match.group("attrs") or "")
            short_title = meta.get("short") or (short and next(
                g for g in short.group("dq", "sq", "bare") if g is not None))
            return Chapter(path, number, title, index + 1, body, first, ident, classes,
                           short_title=str(short_title).strip() if short_title else None)
        if line.strip() and not line.startswith(("<!--", "\\")):
            raise QuireError("a chapter must open with its title as a '# ' heading",
                             SourceLocation(path, index + 1))
    raise QuireError("no '# ' heading: a chapter needs its title as a level-1 heading",
                     SourceLocation(path, body_start))


def heading_attributes(attrs: str) -> tuple[str | None, tuple[str, ...]]:
    """The id and classes of a Pandoc attribute block's text (``#sec-intro .unnumbered``)."""
    ident, classes = None, []
    for word in attrs.split():
        if word.startswith("#") and len(word) > 1:
            ident = word[1:]
        elif word.startswith(".") and len(word) > 1:
            classes.append(word[1:])
        elif word == "-":
            classes.append("unnumbered")
    return ident, tuple(classes)


def _number(path: Path, meta: dict, node: object) -> int:
    if "number" in meta:
        value = meta["number"]
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        raise QuireError(f"chapter number must be a whole number, got {value!r}",
                         SourceLocation(path, key_line(node, "number", 2)))
    match = _NUMBER.match(path.name)
    if not match:
        raise QuireError("a chapter file name must start with its number "
                         "(such as 09-title.md)", SourceLocation(path))
    return int(match.group(1))
