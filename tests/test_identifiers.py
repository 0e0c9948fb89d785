"""ISBNs in book.yaml: check digits verified, three spellings normalised, printed hyphenated."""

from __future__ import annotations

import pytest

from conftest import run_cli
from quire.project.identifiers import IdentifierError, normalise_identifier, printed_isbn


@pytest.mark.parametrize("written", ["978-0-00-000002-6", "ISBN 978-0-00-000002-6",
                                     "urn:isbn:9780000000026", "isbn: 9780000000026",
                                     "ISBN-13: 978 0 00 000002 6"])
def test_every_spelling_of_an_isbn_has_one_normal_form(written):
    assert normalise_identifier(written) == "urn:isbn:9780000000026"


def test_isbn10_is_checked_and_printed_by_its_ranges():
    assert normalise_identifier("0-8044-2957-X") == "urn:isbn:080442957X"
    assert printed_isbn("urn:isbn:080442957X") == "ISBN 0-8044-2957-X"
    assert printed_isbn("urn:isbn:9781492052203") == "ISBN 978-1-4920-5220-3"
    assert printed_isbn("urn:isbn:9780000000026") == "ISBN 978-0-00-000002-6"


@pytest.mark.parametrize("written, digit", [("urn:isbn:9780000000010", "9"),
                                            ("0-306-40615-3", "2"), ("0-8044-2957-1", "X")])
def test_a_wrong_check_digit_names_the_right_one(written, digit):
    with pytest.raises(IdentifierError, match=f"check digit should be {digit}$"):
        normalise_identifier(written)


def test_other_identifiers_are_kept_and_never_printed():
    uuid = "urn:uuid:00000000-0000-4000-8000-000000000001"
    assert normalise_identifier(uuid) == uuid
    assert printed_isbn(uuid) is None
    with pytest.raises(IdentifierError, match="10 or 13 digits"):
        normalise_identifier("ISBN 978-0-00")


def test_check_reports_an_invalid_isbn_at_its_line(book_project):
    project = book_project("minimal")
    config = project / "book.yaml"
    config.write_text(config.read_text().replace(
        "identifier: urn:uuid:00000000-0000-4000-8000-000000000001",
        "identifier:\n  epub: urn:isbn:9780000000019\n  pdf: urn:isbn:9780000000010"))
    result = run_cli("--project", project, "check")
    assert result.code == 1
    line = config.read_text().splitlines().index("  pdf: urn:isbn:9780000000010") + 1
    assert result.err.splitlines()[0] == (f"{config}:{line}: error: 'urn:isbn:9780000000010' is not a "
                                  f"valid ISBN: its check digit should be 9")
