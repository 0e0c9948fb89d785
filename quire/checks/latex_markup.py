"""LaTeX in chapter Markdown: math environments become display math; the rest is reported.

Pandoc's Markdown reader keeps ``\\begin{equation}…\\end{equation}`` and any
``\\command`` as raw LaTeX, which the EPUB, DOCX and Typst writers drop without
a word. Before citations are found, :func:`convert_latex` rewrites each chapter:

- a *math environment* (``equation``, ``align``, ``gather``, ``multline``,
  ``flalign``, ``alignat``, ``eqnarray``, starred or not, and a bare
  ``aligned``, ``gathered`` or ``split``) becomes display math ``$$…$$``, its
  rows kept in an ``aligned`` or ``gathered`` block. A ``\\label{eq:x}`` (or
  bookdown's ``(\\#eq:x)``) becomes the attribute ``{#eq:x}`` after the
  closing ``$$``, exactly as an author writes ``$$…$$ {#eq:x}``, so the
  cross-reference stage numbers it. A numbered environment without a label
  gets a generated one (``eq:quire-<chapter>-<n>``), so it is numbered like
  LaTeX numbers it, the same in every format; a starred one stays
  unnumbered. ``\\nonumber`` and ``\\notag`` are removed.
- the page breaks ``\\newpage``, ``\\clearpage`` and ``\\pagebreak`` and the
  line breaks ``\\newline`` and ``\\linebreak`` are left for
  :mod:`quire.render.ast_markup`, which makes them breaks in the outputs; index
  entries and spacing (:data:`INVISIBLE`: ``\\index{…}``, ``\\noindent``,
  ``\\vspace{…}`` …) print nothing in LaTeX either and are dropped quietly.
- any other LaTeX command or environment outside code and math is shown in no
  format: a *raw-LaTeX warning* at its line and column (an error under
  ``--strict``).

LaTeX's own math delimiters ``\\(…\\)`` and ``\\[…\\]`` (which Markdown would
read as escaped brackets) become ``$…$`` and ``$$…$$`` first. Every rewrite
keeps the chapter's line count, so later messages keep their lines. No
pattern looks past the next opening of its own kind, so the time stays
linear in the chapter's length whatever the text.
"""

from __future__ import annotations

import bisect
import dataclasses
import re

from ..citations.syntax import mask
from ..errors import Reporter, SourceLocation
from ..model import Chapter

PAGE_BREAKS = ("newpage", "clearpage", "pagebreak")
LINE_BREAKS = ("newline", "linebreak")
#: Markers and spacing that print nothing in LaTeX either: dropped without a warning.
INVISIBLE = ("index", "makeindex", "noindent", "indent", "vspace", "hspace", "smallskip",
             "medskip", "bigskip", "centering", "FloatBarrier", "phantomsection", "nopagebreak")

#: Environment -> the block that holds its rows inside ``$$…$$`` (None: the body as it is).
_ROWS = {"equation": None, "align": "aligned", "flalign": "aligned", "eqnarray": "aligned",
         "alignat": "alignedat", "gather": "gathered", "multline": "gathered",
         "aligned": "aligned", "gathered": "gathered", "split": "aligned"}
_UNNUMBERED = ("aligned", "gathered", "split")  # pieces of an equation: no number of their own
_ENVIRONMENT = re.compile(
    r"\\begin\{(?P<name>" + "|".join(_ROWS) + r")(?P<star>\*?)\}"
    r"(?P<columns>(?<=alignat\})\{\d+\}|(?<=alignat\*\})\{\d+\})?"
    r"(?P<body>(?:(?!\\begin\{(?P=name)).)*?)\\end\{(?P=name)(?P=star)\}", re.S)
_LABEL = re.compile(r"\\label\{(?P<latex>[^{}\s]+)\}|\(\\#(?P<bookdown>eq:[\w:.-]+)\)")
_NO_NUMBER = re.compile(r"\\(?:nonumber|notag)\b")
_OTHER_ENVIRONMENT = re.compile(r"\\begin\{(?P<name>[A-Za-z*]+)\}(?:(?!\\begin\{(?P=name)\}).)*?"
                                r"\\end\{(?P=name)\}", re.S)
_COMMAND = re.compile(r"(?<!\\)(?:\\\\)*\\(?P<name>[A-Za-z]+)(?P<args>(?:\[[^\]\n]*\])?"
                      r"(?:\{[^{}\n]*\})*)")
_DISPLAY_MATH = re.compile(r"\$\$.+?\$\$", re.S)
_INLINE_MATH = re.compile(r"(?<![\\$])\$(?=\S)(?:[^$\n\\]|\\.)+?(?<=\S)\$(?!\d)")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_NOT_PAST = r"(?:(?!\n[ \t]*\n|\\[\[(]).)+?"  # no blank line, no second opening
_BACKSLASH_MATH = re.compile(r"(?<!\\)\\(?:\[(?P<display>" + _NOT_PAST + r")\\\]"
                             r"|\((?P<inline>" + _NOT_PAST + r")\\\))", re.S)
_HINTS = {"ref": "write @label", "eqref": "write @label", "cite": "write [@key]",
          "textbf": "write **text**", "emph": "write *text*", "textit": "write *text*",
          "footnote": "write ^[text]", "label": "put {#label} after the element"}


def convert_latex(chapters: list[Chapter], reporter: Reporter) -> list[Chapter]:
    """The chapters with math environments as display math; other raw LaTeX warned about."""
    return [_convert_chapter(chapter, reporter) for chapter in chapters]


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def _hidden(text: str) -> str:
    """``text`` with code, URLs, HTML comments and math blanked out, every offset kept."""
    hidden = mask(text)
    for pattern in (_COMMENT, _DISPLAY_MATH, _INLINE_MATH):
        hidden = pattern.sub(_blank, hidden)
    return hidden


def _dollar_delimiters(text: str) -> str:
    """``\\[…\\]`` as ``$$…$$`` and ``\\(…\\)`` as ``$…$`` (outside code), lines kept."""
    pieces, last = [], 0
    for match in _BACKSLASH_MATH.finditer(_COMMENT.sub(_blank, mask(text))):
        display = match.group("display")
        inner = text[match.start(2 if display is None else 1):match.end(2 if display is None
                                                                           else 1)]
        pieces += [text[last:match.start()],
                   f"$${inner}$$" if display is not None else f"${inner.strip()}$"]
        last = match.end()
    return "".join(pieces) + text[last:]


def _convert_chapter(chapter: Chapter, reporter: Reporter) -> Chapter:
    text = _dollar_delimiters(chapter.body)
    hidden = _hidden(text)
    found = [(m.start(), m.end(), _environment(chapter, _ENVIRONMENT.match(text, m.start()) or m,
                                               0, reporter))
             for m in _ENVIRONMENT.finditer(hidden)]
    found += [(m.start(), m.end(), _labelled_math(chapter, text, m, reporter))
              for m in _DISPLAY_MATH.finditer(_COMMENT.sub(_blank, mask(text)))]
    pieces, last, count = [], 0, 0
    for start, end, math in sorted(found, key=lambda item: item[0]):
        if math is None:
            continue
        body, attribute = math
        if attribute is None:  # a numbered equation without a label: number it all the same
            count += 1
            attribute = f" {{#eq:quire-{chapter.number}-{count}}}"
        elif attribute:
            count += 1
        lines = body.split("\n")  # a blank line would end the display math: an empty group
        body = "\n".join(line if line.strip() or index in (0, len(lines) - 1) else "{}"
                         for index, line in enumerate(lines))
        pieces += [text[last:start], f"$${body}$${attribute}"]
        last = end
    converted = "".join(pieces) + text[last:]
    _report_raw_latex(chapter, text, _ENVIRONMENT.sub(_blank, hidden), reporter)
    return dataclasses.replace(chapter, body=converted) if converted != chapter.body else chapter


def _labelled_math(chapter: Chapter, text: str, match: re.Match[str],
                   reporter: Reporter) -> tuple[str, str | None] | None:
    """Display math written ``$$…$$`` that holds an environment or a label, or None."""
    inner = text[match.start() + 2:match.end() - 2]
    stripped = inner.strip()
    has_attribute = re.match(r"[ \t]*\{#", text[match.end():]) is not None
    environment = _ENVIRONMENT.fullmatch(stripped)
    if environment is not None:
        lead, trail = inner[:len(inner) - len(inner.lstrip())], inner[len(inner.rstrip()):]
        body, attribute = _environment(chapter, environment, match.start() + 2 + len(lead),
                                       reporter)
        return lead + body + trail, "" if has_attribute else attribute
    labels = [m.group("latex") or m.group("bookdown") for m in _LABEL.finditer(inner)]
    if not labels:
        return None
    return _LABEL.sub("", inner), "" if has_attribute else f" {{#{labels[0]}}}"


def _environment(chapter: Chapter, match: re.Match[str], offset: int,
                 reporter: Reporter) -> tuple[str, str | None]:
    """One environment as display math: its body, and the attribute (None: to be numbered).

    The body keeps the lines it had; ``offset`` is where ``match``'s text starts in the chapter.
    """
    name, starred = match.group("name"), bool(match.group("star"))
    body = match.group("body")
    labels = [m.group("latex") or m.group("bookdown") for m in _LABEL.finditer(body)]
    body = _NO_NUMBER.sub("", _LABEL.sub("", body))
    rows = _ROWS[name]
    if rows is not None:
        body = f"\\begin{{{rows}}}{match.group('columns') or ''}{body}\\end{{{rows}}}"
    if len(labels) > 1:
        reporter.warn(f"'{name}' has {len(labels)} labels; an equation block gets one number, "
                      f"so only '{labels[0]}' is kept",
                      _location(chapter, _line_starts(chapter.body), offset + match.start()))
    if labels:
        return body, f" {{#{labels[0]}}}"
    return body, "" if starred or name in _UNNUMBERED else None


def _report_raw_latex(chapter: Chapter, text: str, hidden: str, reporter: Reporter) -> None:
    """A warning for each LaTeX command or environment no output format shows, in order."""
    found = [(match.start(), f"LaTeX environment '{match.group('name')}' is shown in no format "
              "(raw LaTeX is dropped): write it in Markdown")
             for match in _OTHER_ENVIRONMENT.finditer(hidden)]
    for match in _COMMAND.finditer(_OTHER_ENVIRONMENT.sub(_blank, hidden)):
        name = match.group("name")
        if name not in PAGE_BREAKS + LINE_BREAKS + INVISIBLE:
            command = text[match.start("name") - 1:match.end()]
            found.append((match.start("name") - 1, f"raw LaTeX '{command}' is shown in no "
                          f"format: {_HINTS.get(name, 'write it in Markdown')}"))
    line_starts = _line_starts(text)
    for offset, message in sorted(found):
        reporter.warn(message, _location(chapter, line_starts, offset))


def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer("\n", text)]


def _location(chapter: Chapter, line_starts: list[int], offset: int) -> SourceLocation:
    """Where ``offset`` of the chapter's body is (``line_starts``: where each line begins)."""
    line = bisect.bisect_right(line_starts, offset) - 1
    return SourceLocation(chapter.path, chapter.body_line + line, offset - line_starts[line] + 1)
