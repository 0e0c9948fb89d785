"""Reading the user's text files: UTF-8 only, with located errors.

Every chapter, entry and setting file goes through :func:`read_text`, so an
empty, binary or wrongly encoded file is reported the same way everywhere.
"""

from __future__ import annotations

from pathlib import Path

from .errors import QuireError, SourceLocation


def read_text(path: Path, *, allow_empty: bool = False) -> str:
    """Return the text of ``path``; a missing, binary, non-UTF-8 or empty file is an error."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise QuireError("file not found", SourceLocation(path)) from None
    except IsADirectoryError:
        raise QuireError("expected a file, found a folder", SourceLocation(path)) from None
    except OSError as exc:
        raise QuireError(f"cannot read file: {exc.strerror}", SourceLocation(path)) from None
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
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    if not allow_empty and not text.strip():
        raise QuireError("file is empty", SourceLocation(path, 1))
    return text
