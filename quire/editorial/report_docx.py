"""``diff --format docx``: one DOCX per changed part, the changes as Word tracked changes.

Insertions are ``<w:ins>`` runs and deletions ``<w:del>`` runs with
``<w:delText>``, by the author "quire": Word and LibreOffice show them as
tracked changes that an editor can accept or reject one by one. The package
is the smallest a word processor accepts (content types, relationships, the
document), zipped with fixed timestamps so the same diff gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

from .compare import PartChange, paragraph_runs

AUTHOR = "quire"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>')
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>')


def tracked_changes_docx(change: PartChange) -> bytes:
    """A DOCX of the part's new text with every change as a tracked change."""
    counter = iter(range(1, 1 << 30))
    body = "".join("<w:p>" + "".join(_run(kind, words, next(counter)) for kind, words in runs)
                   + "</w:p>" for runs in paragraph_runs(change.ops))
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<w:document xmlns:w="{W}"><w:body>{body}<w:sectPr/></w:body></w:document>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in (("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", RELS),
                           ("word/document.xml", document)):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data.encode("utf-8"))
    return buffer.getvalue()


def _run(kind: str, words: list[str], ident: int) -> str:
    text = escape(" ".join(words)) + " "
    if kind == "insert":
        return (f'<w:ins w:id="{ident}" w:author="{AUTHOR}"><w:r>'
                f'<w:t xml:space="preserve">{text}</w:t></w:r></w:ins>')
    if kind == "delete":
        return (f'<w:del w:id="{ident}" w:author="{AUTHOR}"><w:r>'
                f'<w:delText xml:space="preserve">{text}</w:delText></w:r></w:del>')
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'
