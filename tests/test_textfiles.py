"""Reading user files: encodings, binary data, empty and special files, oversized files and
control characters are located errors; line ends and byte-order marks are normalised."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from quire.errors import QuireError, SourceLocation
from quire.project.textfiles import (MAX_FILE_BYTES, location_of, normalise_text, read_bytes,
                             read_text)


def test_utf8_with_bom_and_crlf(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes(b"\xef\xbb\xbf# T\r\nx\r\n")
    assert read_text(path) == "# T\nx\n"


def test_not_utf8_gives_line_and_column(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes("# Title\nna\u00efve".encode("latin-1"))
    with pytest.raises(QuireError) as info:
        read_text(path)
    assert (info.value.location.line, info.value.location.column) == (2, 3)
    assert "not UTF-8" in info.value.message


def test_binary(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes(b"# T\n\x89PNG\x00\x00")
    with pytest.raises(QuireError, match="binary file") as info:
        read_text(path)
    assert info.value.location.line == 2


def test_missing_and_folder(tmp_path):
    with pytest.raises(QuireError, match="file not found"):
        read_text(tmp_path / "nope.md")
    with pytest.raises(QuireError, match="found a folder"):
        read_text(tmp_path)


# --- issue 10: only regular files of a bounded size, text normalised at the door ---


def test_lone_cr_and_mixed_line_ends_become_lines(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes(b"# T\rone\r\ntwo\n\rthree")
    assert read_text(path) == "# T\none\ntwo\n\nthree"
    assert normalise_text("\ufeffa\r\rb") == "a\n\nb"


def test_a_fifo_is_refused_without_blocking(tmp_path):
    path = tmp_path / "pipe.md"
    os.mkfifo(path)
    with pytest.raises(QuireError) as info:
        read_text(path)
    assert info.value.format() == f"{path}: error: expected a regular file, found a named pipe " \
                                  "(FIFO)"


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_a_device_is_refused(device):
    with pytest.raises(QuireError, match="expected a regular file, found a device"):
        read_text(Path(device))


def test_a_file_over_the_limit_is_refused_and_not_read_whole(tmp_path):
    path = tmp_path / "big.md"
    path.write_bytes(b"x" * 101)
    assert read_bytes(path, limit=101) == b"x" * 101
    with pytest.raises(QuireError, match=r"file too large \(over 0 MiB"):
        read_bytes(path, limit=100)
    assert MAX_FILE_BYTES == 64 * 1024 * 1024


@pytest.mark.parametrize("char, shown", [
    ("\x0c", "U+000C (FORM FEED)"), ("\x07", "U+0007 (BELL)"), ("\x1b", "U+001B (ESCAPE)"),
    ("\x01", "U+0001"), ("\ufffe", "U+FFFE"), ("\uffff", "U+FFFF"),
])
def test_control_characters_are_errors_at_line_and_column(tmp_path, char, shown):
    path = tmp_path / "a.md"
    path.write_text(f"# T\r\n\nab{char}c\n", encoding="utf-8", newline="")
    with pytest.raises(QuireError) as info:
        read_text(path)
    assert info.value.location == SourceLocation(path, 3, 3)
    assert info.value.message == (f"control character {shown} in the text (XML outputs cannot "
                                  "hold it): delete it")


@pytest.mark.parametrize("char", ["\t", "\u00a0", "\u200b", "\u0085", "\x7f"])
def test_tabs_and_other_characters_pass(tmp_path, char):
    path = tmp_path / "a.md"
    path.write_text(f"# T\n\na{char}b\n", encoding="utf-8")
    assert read_text(path) == f"# T\n\na{char}b\n"


def test_location_of_an_offset():
    assert location_of(Path("x"), "ab\ncd\nef", 7, first_line=10) == SourceLocation(
        Path("x"), 12, 2)
