"""Rewriting a zip-based output (EPUB, DOCX) in memory, deterministically.

:func:`rewrite_zip` hands the entries (their ``ZipInfo`` and bytes, in the
archive's order) to a transform and writes what it returns in that order, each
entry with its own timestamp and compression: the ``mimetype`` entry of an
EPUB stays first and stored, and the same input gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from typing import Callable

Entries = list[tuple[zipfile.ZipInfo, bytes]]


def rewrite_zip(data: bytes, transform: Callable[[Entries], Entries]) -> bytes:
    """The archive ``data`` with its entries passed through ``transform``."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info, content in transform(entries):
            target.writestr(info, content, compress_type=info.compress_type)
    return buffer.getvalue()


def entry_like(info: zipfile.ZipInfo, name: str) -> zipfile.ZipInfo:
    """A new entry called ``name`` with ``info``'s timestamp, compression and mode."""
    new = zipfile.ZipInfo(name, date_time=info.date_time)
    new.compress_type, new.external_attr = info.compress_type, info.external_attr
    return new
