"""book.yaml: the schema, its defaults, and errors reported all at once with lines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from quire.project.config import load_config, slugify
from quire.errors import QuireError


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "book.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_minimal_config_gets_defaults(tmp_path):
    config = load_config(write(tmp_path, "title: My Book\nauthor: Me\ndate: 2024-03-01\n"))
    assert config.title == "My Book"
    assert config.authors == ("Me",)
    assert config.language == "en-GB"
    assert config.date == dt.date(2024, 3, 1)
    assert config.output.formats == ("epub", "pdf", "docx")
    assert config.output.basename == "my-book"
    assert config.identifier("epub") == config.identifier("pdf")
    assert config.identifier("epub").startswith("urn:uuid:")
    assert config.source_date_epoch == 1709251200


def test_identifier_per_format(tmp_path):
    config = load_config(write(tmp_path, "title: T\nauthor: [A, B]\ndate: 2024-03-01\n"
                                         "identifier:\n  epub: ISBN 978-0-00-000001-9\n"
                                         "  pdf: urn:isbn:9780000000026\n"))
    assert config.authors == ("A", "B")
    assert config.identifier("epub") == "urn:isbn:9780000000019"
    assert config.identifier("pdf") == "urn:isbn:9780000000026"
    assert config.identifier("docx").startswith("urn:uuid:")


def test_every_unknown_key_is_reported_with_its_line(tmp_path):
    root = write(tmp_path, "title: T\nauthor: A\ndate: 2024-01-01\ntitel: x\n"
                           "output:\n  formts: [pdf]\n  paper: a4\nlanguage: en-GB\nfoo: 1\n")
    with pytest.raises(QuireError) as info:
        load_config(root)
    assert [f"{d.location.line}: {d.message}" for d in info.value.diagnostics] == [
        "4: unknown key 'titel' in book.yaml (did you mean 'title'?)",
        "6: unknown key 'formts' in output (did you mean 'formats'?)",
        "9: unknown key 'foo' in book.yaml",
    ]


def test_wrong_types_and_missing_keys(tmp_path):
    root = write(tmp_path, "title: [a, b]\ndate: 1st of May\nlanguage: english language\n")
    with pytest.raises(QuireError) as info:
        load_config(root)
    text = info.value.format()
    assert ":1: error: expected a non-empty text, got a list" in text
    assert ":2: error: expected a date as YYYY-MM-DD, got '1st of May'" in text
    assert ":3: error: 'english language' is not a BCP 47 language tag" in text
    assert "missing required key 'author'" in text


def test_malformed_yaml_names_its_line(tmp_path):
    root = write(tmp_path, "title: T\nauthor: A\ndate: 2024-01-01\noutput: [pdf\n")
    with pytest.raises(QuireError) as info:
        load_config(root)
    assert (info.value.location.line, info.value.location.column) == (5, 1)
    assert info.value.message == ("invalid YAML: expected ',' or ']', but got '<stream end>' "
                                  "(while parsing a flow sequence that starts at line 4)")


def test_cover_must_exist_inside_the_project(tmp_path):
    root = write(tmp_path, "title: T\nauthor: A\ndate: 2024-01-01\ncover: ../../etc/passwd\n")
    with pytest.raises(QuireError, match="outside the project") as info:
        load_config(root)
    assert info.value.location.line == 4


def test_missing_book_yaml(tmp_path):
    with pytest.raises(QuireError, match="no book.yaml here"):
        load_config(tmp_path)


def test_slugify():
    assert slugify("Narcissus and the Child") == "narcissus-and-the-child"
    assert slugify("???") == "book"
