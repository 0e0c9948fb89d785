"""The EPUB's accessibility metadata, derived from what the book holds.

:class:`ContentFacts` is what the finishing step (:mod:`quire.render.epub_semantics`)
finds in the content documents: images and their text alternatives, tables
and their header cells, mathematics, footnotes, titles. :func:`finish_package`
writes into the package document (``content.opf``):

- ``schema:accessMode`` textual, and visual when the book has images;
  ``accessModeSufficient`` textual when every image has a text alternative;
- ``schema:accessibilityFeature`` for what is there (table of contents,
  structural navigation, reading order, alternative text, MathML, …),
  ``schema:accessibilityHazard`` none;
- ``schema:accessibilitySummary``, written from those facts;
- ``dcterms:conformsTo`` "EPUB Accessibility 1.1 - WCAG 2.2 Level AA" only when
  every check behind the claim passed (:attr:`ContentFacts.failures`);
- the subtitle as a second ``dc:title``, and the copyright page in manifest and spine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .epub_semantics import EpubBook

XHTML = "http://www.w3.org/1999/xhtml"
OPF = "http://www.idpf.org/2007/opf"
DC = "http://purl.org/dc/elements/1.1/"
MATHML = "http://www.w3.org/1998/Math/MathML"
CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"


@dataclass
class ContentFacts:
    """What the content documents hold, as far as accessibility goes."""

    images: int = 0
    images_without_alt: list[str] = field(default_factory=list)
    tables: int = 0
    tables_without_headers: list[str] = field(default_factory=list)
    math: int = 0
    math_not_mathml: int = 0
    footnotes: int = 0
    untitled: list[str] = field(default_factory=list)
    page_breaks: list[tuple[str, str]] = field(default_factory=list)  # (file, folio)
    first_body: str | None = None
    bibliography: str | None = None
    nav: Any = None

    def record(self, name: str, body: Any) -> None:
        """Count the images, tables, math and notes of one content document."""
        for image in body.iter(f"{{{XHTML}}}img"):
            self.images += 1
            if not (image.get("alt") or "").strip() and image.get("role") != "presentation":
                self.images_without_alt.append(name)
        for table in body.iter(f"{{{XHTML}}}table"):
            self.tables += 1
            if next(table.iter(f"{{{XHTML}}}th"), None) is None:
                self.tables_without_headers.append(name)
        self.math += sum(1 for _ in body.iter(f"{{{MATHML}}}math"))
        self.math_not_mathml += sum(1 for span in body.iter(f"{{{XHTML}}}span")
                                    if "math" in (span.get("class") or "").split()
                                    and next(span.iter(f"{{{MATHML}}}math"), None) is None)
        self.footnotes += sum(1 for a in body.iter(f"{{{XHTML}}}aside")
                              if a.get(f"{{http://www.idpf.org/2007/ops}}type") == "footnote")

    def landmark(self, kind: str, name: str) -> None:
        """Remember the first file of the body matter and the reference list."""
        if kind in ("chapter", "part") and (self.first_body is None or name < self.first_body):
            self.first_body = name
        if kind == "bibliography":
            self.bibliography = name

    @property
    def failures(self) -> list[str]:
        """The checks behind the conformance claim that failed (none: the claim is made)."""
        failed = []
        if self.images_without_alt:
            failed.append(f"{len(self.images_without_alt)} image(s) without a text alternative")
        if self.tables_without_headers:
            failed.append(f"{len(self.tables_without_headers)} table(s) without header cells")
        if self.math_not_mathml:
            failed.append(f"{self.math_not_mathml} formula(s) not in MathML")
        return failed


def access_metadata(facts: ContentFacts) -> list[tuple[str, str]]:
    """(property, value) of every schema.org accessibility property the book earns."""
    described = facts.images and not facts.images_without_alt
    meta = [("schema:accessMode", "textual")]
    if facts.images:
        meta.append(("schema:accessMode", "visual"))
    if not facts.images or described:
        meta.append(("schema:accessModeSufficient", "textual"))
    if facts.images:
        meta.append(("schema:accessModeSufficient", "textual,visual"))
    features = ["structuralNavigation", "tableOfContents", "readingOrder",
                "displayTransformability"]
    if described:
        features.append("alternativeText")
    if facts.math and not facts.math_not_mathml:
        features.append("MathML")
    if facts.page_breaks:
        features += ["pageBreakMarkers", "pageNavigation"]
    meta += [("schema:accessibilityFeature", f) for f in features]
    meta.append(("schema:accessibilityHazard", "none"))
    meta.append(("schema:accessibilitySummary", summary(facts)))
    if not facts.failures:
        meta.append(("dcterms:conformsTo", CONFORMANCE))
    return meta


def summary(facts: ContentFacts) -> str:
    """A plain-language accessibility summary of this book."""
    parts = ["This publication has a table of contents, headings and landmarks for "
             "navigation, and a reading order that follows the print edition."]
    if facts.images:
        parts.append(f"It holds {_count(facts.images, 'image')}"
                     + ((", each with a text alternative." if facts.images > 1 else
                         " with a text alternative.") if not facts.images_without_alt
                        else f", {len(facts.images_without_alt)} of them without a text "
                             f"alternative."))
    if facts.tables:
        parts.append(f"It holds {_count(facts.tables, 'table')}"
                     + (" with header cells." if not facts.tables_without_headers else "."))
    if facts.math:
        parts.append("Mathematics is written in MathML." if not facts.math_not_mathml
                     else "Some mathematics is set as text, not MathML.")
    if facts.footnotes:
        parts.append(f"Its {_count(facts.footnotes, 'footnote')} are linked to and from "
                     f"the text.")
    if facts.page_breaks:
        parts.append("Page breaks and a page list follow the print edition (the PDF).")
    parts.append(f"It meets {CONFORMANCE}." if not facts.failures else
                 "It does not claim WCAG conformance: " + "; ".join(facts.failures) + ".")
    return " ".join(parts)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def finish_package(opf: bytes, facts: ContentFacts, book: "EpubBook",
                   copyright_file: str) -> bytes:
    """The package document with accessibility metadata, subtitle and copyright page."""
    from lxml import etree

    root = etree.fromstring(opf)
    metadata = root.find(f"{{{OPF}}}metadata")
    for meta in list(metadata.findall(f"{{{OPF}}}meta")):
        if (meta.get("property") or "").startswith("schema:access"):
            metadata.remove(meta)
    for prop, value in access_metadata(facts):
        etree.SubElement(metadata, f"{{{OPF}}}meta", {"property": prop}).text = value
    title = metadata.find(f"{{{DC}}}title")
    if book.subtitle and title is not None and title.get("id"):
        etree.SubElement(metadata, f"{{{OPF}}}meta", {"refines": "#" + title.get("id"),
                                                       "property": "title-type"}).text = "main"
        subtitle = etree.Element(f"{{{DC}}}title", {"id": "epub-subtitle"})
        subtitle.text = book.subtitle
        title.addnext(subtitle)
        etree.SubElement(metadata, f"{{{OPF}}}meta", {"refines": "#epub-subtitle",
                                                       "property": "title-type"}).text = \
            "subtitle"
    if facts.page_breaks and book.print_source:  # the print edition the page list follows
        source = etree.Element(f"{{{DC}}}source")
        source.text = book.print_source
        metadata.find(f"{{{DC}}}identifier").addnext(source)
        etree.SubElement(metadata, f"{{{OPF}}}meta",
                         {"property": "pageBreakSource"}).text = book.print_source
    item_id = copyright_file.replace(".", "_")
    manifest, spine = root.find(f"{{{OPF}}}manifest"), root.find(f"{{{OPF}}}spine")
    title_item = next(i for i in manifest if i.get("href") == "text/title_page.xhtml")
    title_item.addnext(etree.Element(f"{{{OPF}}}item", {
        "id": item_id, "href": "text/" + copyright_file,
        "media-type": "application/xhtml+xml"}))
    title_ref = next(i for i in spine if i.get("idref") == title_item.get("id"))
    title_ref.addnext(etree.Element(f"{{{OPF}}}itemref", {"idref": item_id}))
    text = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    # lxml names new elements by the metadata's "opf:" prefix; the package's default
    # namespace is the same one, so the plain name means the same element.
    return text.replace(b"<opf:meta ", b"<meta ").replace(b"</opf:meta>", b"</meta>")
