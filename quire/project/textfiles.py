"""Reading the user's files: regular files of a bounded size, UTF-8 text normalised at the door.

Every chapter, entry, reference list, setting file and import source goes through
:func:`read_text`, and every template, stylesheet and style whose bytes the build
hashes through :func:`read_bytes`, so that a problem with a file is reported
the same way everywhere, with its location:

- only a *regular file* is read: a folder, a FIFO (which would block the
  build forever), a device (``/dev/zero`` never ends) or a socket is an error,
  found without opening the file for reading in a way that could block;
- a file larger than :data:`MAX_FILE_BYTES` is an error (never read whole);
- text must be UTF-8 without NUL bytes;
- *normalised*: a byte-order mark is dropped, CRLF and lone CR line ends become
  LF (a file saved with classic Mac line ends is read line by line);
- a *control character* (C0, other than tab and line ends, or U+FFFE/U+FFFF)
  is an error at its line and column: XML (EPUB, DOCX) cannot hold one, and
  removing it silently would change the author's text unseen.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from pathlib import Path

from ..errors import QuireError, SourceLocation

#: The largest file quire reads (64 MiB): ample for a book's text (a 100,000-word
#: book is under 1 MiB) and for a reference list of 100,000 works.
MAX_FILE_BYTES = 64 * 1024 * 1024
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def read_bytes(path: Path, *, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of ``path``, a regular file of at most ``limit`` bytes; anything else is an
    error located at the file."""
    where = SourceLocation(path)
    try:  # O_NONBLOCK: opening a FIFO must not wait for a writer
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise QuireError("file not found", where) from None
    except IsADirectoryError:
        raise QuireError("expected a file, found a folder", where) from None
    except OSError as exc:
        raise QuireError(f"cannot read file: {exc.strerror}", where) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise QuireError("expected a file, found a folder", where)
        raise QuireError(f"expected a regular file, found {_file_kind(mode)}", where)
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise QuireError(f"cannot read file: {exc.strerror}", where) from None
    if len(data) > limit:
        raise QuireError(f"file too large (over {limit // (1024 * 1024)} MiB; "
                         f"quire reads files up to that size)", where)
    return data


def _file_kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "a special file"


def read_text(path: Path, *, allow_empty: bool = False) -> str:
    """The normalised text of ``path``; a missing, special, huge, binary, non-UTF-8 or empty
    file, or one holding a control character, is an error."""
    data = read_bytes(path)
    if b"\0" in data:
        line = data[: data.index(b"\0")].count(b"\n") + 1
        raise QuireError("binary file (contains a NUL byte), expected UTF-8 text",
                         SourceLocation(path, line))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise QuireError(f"not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be decoded)",
                         SourceLocation(path, line, column)) from None
    text = normalise_text(text)
    control = _CONTROL.search(text)
    if control:
        raise QuireError(f"control character {describe_character(control.group())} in the "
                         f"text (XML outputs cannot hold it): delete it",
                         location_of(path, text, control.start()))
    if not allow_empty and not text.strip():
        raise QuireError("file is empty", SourceLocation(path, 1))
    return text


def refuse_control_characters(text: str, location: SourceLocation) -> str:
    """``text``, or an error at ``location`` if it holds a control character (a YAML escape
    such as ``"\\x07"`` decodes to one that the file's own text did not show)."""
    control = _CONTROL.search(text)
    if control:
        raise QuireError(f"control character {describe_character(control.group())} in the "
                         "value (XML outputs cannot hold it): delete it", location)
    return text


def normalise_text(text: str) -> str:
    """A byte-order mark dropped; CRLF and lone CR line ends as LF."""
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")  # every BOM


def describe_character(char: str) -> str:
    """``U+000C (FORM FEED)``: a character as a message shows it."""
    name = unicodedata.name(char, "") or _CONTROL_NAMES.get(char, "")
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


_CONTROL_NAMES = {"\x07": "BELL", "\x08": "BACKSPACE", "\x0b": "LINE TABULATION",
                  "\x0c": "FORM FEED", "\x1b": "ESCAPE", "\x7f": "DELETE"}


def location_of(path: Path, text: str, offset: int, first_line: int = 1) -> SourceLocation:
    """The line and column (1-based) of ``offset`` in ``text``."""
    line_start = text.rfind("\n", 0, offset) + 1
    return SourceLocation(path, first_line + text.count("\n", 0, offset),
                          offset - line_start + 1)


def first_line_holding(path: Path, pieces: list[str], *, last: bool = False) -> int | None:
    """The first (or ``last``) line of ``path`` holding the first of ``pieces`` found (to
    locate a renderer's message in the user's file); None if none is, or the file cannot be
    read."""
    try:
        lines = read_text(path).split("\n")
    except QuireError:
        return None
    for piece in pieces:
        found = [number for number, line in enumerate(lines, 1) if piece and piece in line]
        if found:
            return found[-1] if last else found[0]
    return None
