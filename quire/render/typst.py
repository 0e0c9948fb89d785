"""Compiling the book's Typst source to PDF with the ``typst`` wheel (no TeX), within limits.

The compiler sees only the project folder (its ``root``) and the fonts it
ships, never the system's: the PDF is the same on every machine, embeds every
font it uses, and a ``#read`` or ``#include`` cannot reach outside the project.

It runs in a child Python process (about 0.3 s more per PDF than in-process: the
interpreter, the module and the fonts are loaded each time)
so that raw Typst or a template that loops or allocates without bound is
stopped at ``limits.time`` seconds or ``limits.memory`` MiB (an address-space
limit the child sets on itself) instead of running until the kernel kills the
build. While ``watch`` runs, the child is kept between compilations
(:mod:`quire.render.typst_worker`), so Typst reuses what it laid out before. A compile error is mapped back to where its text came from
(:func:`locate`): the chapter file and line, the project's template, or
book.yaml when quire's own template failed (on a setting such as the paper).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import QuireError, SourceLocation
from ..build.faults import fault_point
from ..project.limits import Limits
from ..project.textfiles import first_line_holding
from .typst_worker import worker_for

#: The child: set its own memory limit, compile stdin (to the PDF standards asked for,
#: such as ``a-2b`` or ``ua-1``, checked by Typst itself), PDF on stdout, an error as JSON.
_CHILD = """
import json, resource, sys
limit = int(sys.argv[1]) * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
import typst
source = sys.stdin.buffer.read()
try:
    pdf = typst.compile(source, root=sys.argv[2], format="pdf", ignore_system_fonts=True,
                        font_paths=json.loads(sys.argv[3]),
                        pdf_standards=json.loads(sys.argv[4]))
except typst.TypstError as exc:
    sys.stderr.write(json.dumps({"message": str(exc), "hints": list(exc.hints or []),
                                 "diagnostic": str(getattr(exc, "diagnostic", "") or "")}))
    sys.exit(3)
except MemoryError:
    sys.exit(4)
sys.stdout.buffer.write(pdf)
"""
_SOURCE_LINE = re.compile(r"__typst_py_bytes__\.typ:(\d+):(\d+)")
_LABEL_MARK = re.compile(r"<([\w:.-]+)>")


@dataclass(frozen=True)
class TypstSetting:
    """Where the book's settings stand, to locate a failure of quire's own template."""

    config: SourceLocation
    template: Path
    own_template: bool
    limits: SourceLocation | None = None  # book.yaml's ``limits``, for a run stopped there


def compile_typst(source: bytes, root: Path, setting: TypstSetting,
                  chapters: dict[str, Path] | None = None, limits: Limits = Limits(),
                  standards: list[str] | None = None) -> bytes:
    """Compile Typst ``source`` to PDF bytes (to PDF ``standards``); a failure is a located
    error."""
    fonts = root / "fonts"
    font_paths = json.dumps([str(fonts)] if fonts.is_dir() else [])
    stopped_at = setting.limits or setting.config
    worker = worker_for(root, font_paths, limits.memory)  # (watch: a kept compiler)
    try:
        if worker is not None:
            status, pdf = worker.compile(source, standards or [], limits.time)
            stderr = pdf if status else b""
        else:
            status, pdf, stderr = _compile_in_child(source, root, font_paths, limits, standards)
    except subprocess.TimeoutExpired:
        raise QuireError(f"Typst took longer than {limits.time:g} s making the PDF and was "
                         f"stopped (limits.time in book.yaml)", stopped_at) from None
    if status == 0:
        fault_point("kill-after-typst")
        return pdf
    text = stderr.decode("utf-8", "replace")
    if status == 3:
        error = json.loads(text)
        message = error["message"].strip().splitlines()[0] if error["message"].strip() \
            else "unknown error"
        hints = "; ".join(error["hints"])
        raise QuireError(f"Typst could not make the PDF: {message}"
                         + (f" ({hints})" if hints else ""),
                         locate(error["diagnostic"], source, setting, chapters or {}))
    if status in (4, -6, -9) or "memory allocation" in text:
        raise QuireError(f"Typst ran out of memory making the PDF (over {limits.memory} MiB) "
                         f"and was stopped (limits.memory in book.yaml)", stopped_at)
    raise QuireError(f"Typst failed making the PDF (exit status {status}): "
                     f"{text.strip()[-300:]}", setting.config)


def _compile_in_child(source: bytes, root: Path, font_paths: str, limits: Limits,
                      standards: list[str] | None) -> tuple[int, bytes, bytes]:
    """(exit status, PDF, stderr) of a fresh child compiling ``source``."""
    proc = subprocess.Popen([sys.executable, "-I", "-c", _CHILD, str(limits.memory), str(root),
                             font_paths, json.dumps(standards or [])], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=root)
    try:
        pdf, stderr = proc.communicate(source, timeout=limits.time)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise
    return proc.returncode, pdf, stderr


def locate(diagnostic: str, source: bytes, setting: TypstSetting,
           chapters: dict[str, Path]) -> SourceLocation:
    """Where a Typst error came from: the chapter (and the line holding the same text) when the
    failing line follows a chapter's label and is not the template's, else the project's
    template, else (quire's own template failed on a setting) book.yaml."""
    found = _SOURCE_LINE.search(diagnostic)
    if found is None:
        return setting.config if setting.own_template else SourceLocation(setting.template)
    lines = source.decode("utf-8", "replace").split("\n")
    number = int(found.group(1))
    before = "\n".join(lines[:number])
    labels = [label for label in _LABEL_MARK.findall(before) if label in chapters]
    failing = lines[number - 1].strip() if 0 < number <= len(lines) else ""
    chapter = chapters.get(labels[-1]) if labels else None
    line = _line_holding(chapter, failing) if chapter else None
    if chapter is not None and (line is not None or _line_holding(setting.template, failing)
                                is None):
        return SourceLocation(chapter, line)
    return setting.config if setting.own_template else SourceLocation(setting.template)


_STRING = re.compile(r'"((?:[^"\\]|\\.){3,})"')
_LABEL = re.compile(r"<([\w:.-]{2,})>")


def _line_holding(path: Path, text: str) -> int | None:
    """The first line of ``path`` that holds ``text`` (raw Typst passes through unchanged),
    else one holding a string of it (an image's path) or, as ``#id``, one of its labels."""
    if not text:
        return None
    return first_line_holding(path, [text] + _STRING.findall(text)
                              + ["#" + label for label in _LABEL.findall(text)])
