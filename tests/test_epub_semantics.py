"""The finished EPUB: types and roles, titles, title and copyright pages, cover text, landmarks."""

from __future__ import annotations

import re
import zipfile

from lxml import etree

OPS = "{http://www.idpf.org/2007/ops}type"
X = "{http://www.w3.org/1999/xhtml}"


def documents(epub) -> dict[str, etree._Element]:
    with zipfile.ZipFile(epub) as zf:
        return {n.removeprefix("EPUB/"): etree.fromstring(zf.read(n)) for n in zf.namelist()
                if n.endswith(".xhtml")}


def spine(epub) -> list[str]:
    with zipfile.ZipFile(epub) as zf:
        opf = zf.read("EPUB/content.opf").decode()
    items = dict(re.findall(r'<item id="([^"]+)" href="([^"]+)"', opf))
    return [items[i] for i in re.findall(r'<itemref idref="([^"]+)"', opf)]


def top_section(doc):
    return doc.find(f"{X}body/{X}section")


def test_each_file_is_titled_by_its_heading_and_typed_by_what_it_is(sample_build):
    docs = documents(sample_build["epub"])
    kinds = {}
    for name, doc in docs.items():
        title = doc.find(f"{X}head/{X}title").text
        assert not re.search(r"ch\d+\.xhtml", title), name
        heading = next(doc.iter(f"{X}h1"), None)
        if name.startswith("text/ch"):
            assert title == " ".join("".join(heading.itertext()).split())
            section = top_section(doc)
            kinds[section.get("id")] = (section.get(OPS), section.get("role"),
                                        doc.find(f"{X}body").get(OPS))
    assert kinds == {
        "chapter-9": ("chapter", "doc-chapter", "bodymatter"),
        "chapter-11": ("chapter", "doc-chapter", "bodymatter"),
        "chapter-18": ("chapter", "doc-chapter", "bodymatter"),
        "references": ("bibliography", "doc-bibliography", "backmatter"),
        "appendix-rizzolatti2004": ("appendix", "doc-appendix", "backmatter")}
    further = docs["text/ch005.xhtml"].find(".//*[@id='refs-further-rizzolatti2004']")
    assert further.get("role") == "list"
    assert {e.get("role") for e in further} == {"listitem"}


def test_landmarks_point_at_the_first_chapter_and_the_references(sample_build):
    nav = documents(sample_build["epub"])["nav.xhtml"]
    landmarks = next(n for n in nav.iter(f"{X}nav") if n.get(OPS) == "landmarks")
    marks = {a.get(OPS): a.get("href") for a in landmarks.iter(f"{X}a")}
    assert marks["bodymatter"] == "text/ch001.xhtml"
    assert marks["bibliography"] == "text/ch004.xhtml"
    assert marks["copyright-page"] == "text/copyright.xhtml"
    assert nav.find(f"{X}head/{X}title").text == "Contents"
    assert all(a.get("role") is None for a in landmarks.iter(f"{X}a"))


def test_title_page_then_copyright_page(sample_build):
    docs = documents(sample_build["epub"])
    order = spine(sample_build["epub"])
    assert order[1:3] == ["text/title_page.xhtml", "text/copyright.xhtml"]
    title = top_section(docs["text/title_page.xhtml"])
    assert title.get(OPS) == "titlepage"
    assert [(e.get("class"), e.text) for e in title] == [
        ("title", "Narcissus and the Child"),
        ("subtitle", "The Neuroscience of Narcissistic Abuse and the Path to Recovery"),
        ("author", "A. N. Author"), ("publisher", "Quire Press")]
    page = top_section(docs["text/copyright.xhtml"])
    assert page.get(OPS) == "copyright-page"
    assert [p.text for p in page] == [
        "Narcissus and the Child: The Neuroscience of Narcissistic Abuse and the Path to Recovery",
        "Published by Quire Press", "First edition published 1 November 2026",
        "\u00a9 2026 A. N. Author. All rights reserved.",
        "ISBN 978-0-00-000001-9 (EPUB)", "ISBN 978-0-00-000002-6 (PDF)",
        "10 9 8 7 6 5 4 3 2 1"]


def test_cover_has_a_text_alternative_and_the_subtitle_is_a_title(sample_build):
    svg = next(documents(sample_build["epub"])["text/cover.xhtml"].iter(
        "{http://www.w3.org/2000/svg}svg"))
    assert svg.get("role") == "img"
    assert svg.get("aria-label") == "Cover: Narcissus and the Child, by A. N. Author"
    with zipfile.ZipFile(sample_build["epub"]) as zf:
        opf = zf.read("EPUB/content.opf").decode()
    assert ('<dc:title id="epub-subtitle">The Neuroscience of Narcissistic Abuse and the Path '
            'to Recovery</dc:title>') in opf
    assert '<meta refines="#epub-subtitle" property="title-type">subtitle</meta>' in opf
    assert "<dc:identifier id=\"epub-id-1\">urn:isbn:9780000000019</dc:identifier>" in opf


def test_page_list_follows_the_print_edition(sample_build):
    from pypdf import PdfReader

    from quire.render.page_list import letters

    labels = [label for label in PdfReader(sample_build["pdf"]).page_labels if label.isdigit()]
    nav = documents(sample_build["epub"])["nav.xhtml"]
    page_list = next(n for n in nav.iter(f"{X}nav") if n.get(OPS) == "page-list")
    entries = [(a.get("href"), a.text) for a in page_list.iter(f"{X}a")]
    assert [folio for _, folio in entries] == labels  # every printed page, in order
    docs = documents(sample_build["epub"])
    with zipfile.ZipFile(sample_build["epub"]) as zf:
        raw = {n.removeprefix("EPUB/"): zf.read(n).decode() for n in zf.namelist()
               if n.endswith(".xhtml")}
    reader = PdfReader(sample_build["pdf"])
    first_body = reader.page_labels.index("1")
    openers = {reader.get_destination_page_number(item) for item in reader.outline
               if not isinstance(item, list)}
    for href, folio in entries:
        name, anchor = href.split("#")
        marker = docs[name].find(f".//*[@id='{anchor}']")
        assert (marker.get(OPS), marker.get("role"), marker.get("aria-label")) == (
            "pagebreak", "doc-pagebreak", folio)
        after = letters(re.sub(r"<[^>]+>", "", raw[name].split(f'id="{anchor}"', 1)[1]))
        page_text = reader.pages[first_body + int(folio) - 1].extract_text() or ""
        index = first_body + int(folio) - 1  # an opener has no running head above its text
        lines = page_text.splitlines()[(0 if index in openers else 1):-1]
        if page_text.strip():  # a blank verso is marked where the next page begins
            assert letters(" ".join(lines))[:12] in after[:400], folio
    with zipfile.ZipFile(sample_build["epub"]) as zf:
        opf = zf.read("EPUB/content.opf").decode()
    assert "<dc:source>urn:isbn:9780000000026</dc:source>" in opf
    assert '<meta property="schema:accessibilityFeature">pageBreakMarkers</meta>' in opf
