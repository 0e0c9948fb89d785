"""Book identifiers: ISBNs checked, normalised and printed; other URNs kept as written.

An *identifier* is what book.yaml's ``identifier`` holds for one format. An ISBN
may be written ``978-0-00-000002-6``, ``ISBN 978-0-00-000002-6`` or
``urn:isbn:9780000000026`` (ISBN-10 or ISBN-13): its check digit is verified
and it is stored in its *normal form* ``urn:isbn:<digits>`` (what the EPUB's
``dc:identifier`` holds). Its *printed form*, for the copyright page, is
hyphenated by the ISBN agency's range rules (python-stdnum ships them):
``ISBN 978-0-00-000002-6``. Anything else that is a URN (``urn:uuid:…``,
``urn:doi:…``) or a DOI is kept as written and never printed.
"""

from __future__ import annotations

import re

ISBN_URN = "urn:isbn:"
_ISBN_PREFIX = re.compile(r"^(?:urn:isbn:|isbn(?:-1[03])?:?\s*)", re.I)
_ISBN_LIKE = re.compile(r"^[0-9][0-9\s-]{8,}[0-9Xx]$")


class IdentifierError(ValueError):
    """An identifier that looks like an ISBN but is not a valid one."""


def normalise_identifier(text: str) -> str:
    """The normal form of an identifier; an invalid ISBN raises :class:`IdentifierError`."""
    text = text.strip()
    prefixed = _ISBN_PREFIX.match(text)
    if not prefixed and not _ISBN_LIKE.match(text):
        return text
    from stdnum import isbn
    from stdnum.exceptions import InvalidChecksum, ValidationError

    digits = text[prefixed.end():] if prefixed else text
    try:
        return ISBN_URN + isbn.validate(digits)
    except InvalidChecksum:
        raise IdentifierError(f"'{text}' is not a valid ISBN: its check digit should be "
                              f"{_expected_check_digit(digits)}") from None
    except ValidationError:
        raise IdentifierError(f"'{text}' is not a valid ISBN (10 or 13 digits, "
                              f"such as 978-0-00-000002-6)") from None


def _expected_check_digit(digits: str) -> str:
    from stdnum import isbn

    number = isbn.compact(digits)
    if len(number) == 13:
        from stdnum import ean

        return ean.calc_check_digit(number[:-1])
    check = -sum((10 - i) * int(d) for i, d in enumerate(number[:-1])) % 11  # ISBN-10 rule
    return "X" if check == 10 else str(check)


def printed_isbn(identifier: str) -> str | None:
    """``ISBN 978-0-00-000002-6`` for a normalised ISBN, None for any other identifier."""
    if not identifier.startswith(ISBN_URN):
        return None
    from stdnum import isbn

    return "ISBN " + isbn.format(identifier.removeprefix(ISBN_URN))
