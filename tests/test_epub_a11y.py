"""The EPUB's accessibility: Ace by DAISY on every example book, metadata true to the content."""

from __future__ import annotations

import os
import re
import shutil
import zipfile

import pytest

from conftest import BOOKS, run_cli
from outputs import ace_missing, ace_violations, epubcheck
from quire.render.epub_a11y import CONFORMANCE, ContentFacts, access_metadata

BOOK_NAMES = sorted(p.name for p in BOOKS.iterdir() if (p / "book.yaml").is_file())
#: Ace takes 15-40 s a book: the suite checks the book with figures, tables, math and
#: notes; `make a11y` (QUIRE_ACE_ALL=1) checks every example book.
ACE_BOOKS = BOOK_NAMES if os.environ.get("QUIRE_ACE_ALL") else ["accessible"]


def build_epub(name: str, tmp_path):
    project = tmp_path / name
    shutil.copytree(BOOKS / name, project)
    result = run_cli("--project", project, "build", "--format", "epub")
    assert result.code == 0, result.err
    return next((project / "build").glob("*.epub"))


def opf(epub) -> str:
    with zipfile.ZipFile(epub) as zf:
        return zf.read("EPUB/content.opf").decode()


def metadata(epub) -> list[tuple[str, str]]:
    return re.findall(r'<meta property="([^"]+)">([^<]*)</meta>', opf(epub))


def test_ace_reports_no_violation_on_the_sample_book(sample_build, tmp_path):
    if ace_missing():
        pytest.skip(ace_missing())
    assert ace_violations(sample_build["epub"], tmp_path) == []


@pytest.mark.parametrize("name", ACE_BOOKS)
def test_ace_reports_no_violation_on_each_example_book(name, tmp_path):
    if ace_missing():
        pytest.skip(ace_missing())
    epub = build_epub(name, tmp_path)
    assert ace_violations(epub, tmp_path) == []


def test_metadata_of_a_book_with_figures_tables_math_and_notes(tmp_path):
    epub = build_epub("accessible", tmp_path)
    counts = epubcheck(epub, tmp_path)
    assert (counts["FATAL"], counts["ERROR"], counts["WARNING"]) == (0, 0, 0), counts["messages"]
    meta = metadata(epub)
    assert [v for p, v in meta if p == "schema:accessMode"] == ["textual", "visual"]
    assert [v for p, v in meta if p == "schema:accessModeSufficient"] == ["textual",
                                                                          "textual,visual"]
    assert "alternativeText" in [v for p, v in meta if p == "schema:accessibilityFeature"]
    summary = dict(meta)["schema:accessibilitySummary"]
    assert "1 image with a text alternative" in summary
    assert "1 table with header cells" in summary
    assert "2 footnotes are linked" in summary
    with zipfile.ZipFile(epub) as zf:
        texts = [zf.read(n).decode() for n in zf.namelist() if n.startswith("EPUB/text/ch")]
    mathml = all("<math" in t for t in texts if 'class="math' in t)
    assert (("dcterms:conformsTo", CONFORMANCE) in meta) == mathml  # MathML or no claim
    notes = "".join(texts)
    assert 'epub:type="noteref" role="doc-noteref"' in notes
    assert 'epub:type="footnote" role="doc-footnote"' in notes


def test_the_sample_book_claims_conformance_with_no_visual_mode(sample_build):
    meta = metadata(sample_build["epub"])
    assert ("dcterms:conformsTo", CONFORMANCE) in meta
    assert [v for p, v in meta if p == "schema:accessMode"] == ["textual"]
    assert "alternativeText" not in [v for p, v in meta if p == "schema:accessibilityFeature"]
    assert dict(meta)["schema:accessibilitySummary"].endswith(f"It meets {CONFORMANCE}.")


@pytest.mark.parametrize("facts, claimed", [
    (ContentFacts(images=2), True),
    (ContentFacts(images=2, images_without_alt=["ch001.xhtml"]), False),
    (ContentFacts(tables=1, tables_without_headers=["ch002.xhtml"]), False),
    (ContentFacts(math=3, math_not_mathml=1), False),
    (ContentFacts(math=3), True),
])
def test_conformance_is_claimed_only_when_every_check_passes(facts, claimed):
    meta = access_metadata(facts)
    assert (("dcterms:conformsTo", CONFORMANCE) in meta) is claimed
    assert ("schema:accessMode", "visual") in meta if facts.images else True
    summary = dict(meta)["schema:accessibilitySummary"]
    assert ("does not claim" in summary) is not claimed
    described = facts.images and not facts.images_without_alt
    assert (("schema:accessibilityFeature", "alternativeText") in meta) == bool(described)
    assert (("schema:accessModeSufficient", "textual") in meta) == (not facts.images_without_alt)


def test_an_image_without_alt_text_is_a_warning_at_its_line(book_project):
    project = book_project("accessible")
    chapter = project / "manuscript" / "chapters" / "02-formulas.md"
    chapter.write_text(chapter.read_text() + "\nUndescribed:\n\n![](manuscript/images/bars.png)\n")
    line = chapter.read_text().splitlines().index("![](manuscript/images/bars.png)") + 1
    message = f"{chapter}:{line}:1: %s: image without a text alternative"
    result = run_cli("--project", project, "check")
    assert result.code == 0 and message % "warning" in result.err
    result = run_cli("--project", project, "check", "--strict")
    assert result.code == 1 and message % "error" in result.err
