"""Reading user files: encodings, binary data and empty files are located errors."""

from __future__ import annotations

import pytest

from quire.errors import QuireError
from quire.textfiles import read_text


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
