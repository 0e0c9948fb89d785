""".bib files as Zotero and Better BibTeX export them, read directly: lines, names, titles.

The book is ``tests/books/zotero``: ``zotero.bib`` in the shape of Zotero's own
BibTeX export (tabs, ``urldate``, ``file =``, every capitalised title word in
braces, ``\\&``, ``{\\"u}``, particles after the given name) and
``betterbibtex.bib`` in the shape of Better BibTeX's BibLaTeX export
(``date = {2019-03}``, ``langid``, ``shorttitle``, ``{{…}}`` protection).
"""

from __future__ import annotations

import shutil

import pytest

from conftest import BOOKS, run_cli
from outputs import docx_paragraphs, epub_text, fold, letters, pdf_text
from quire.entries.bibtex import bib_lines, bib_reader, read_bib
from quire.errors import SourceLocation

ZOTERO = BOOKS / "zotero" / "bibliography" / "zotero.bib"
BBT = BOOKS / "zotero" / "bibliography" / "betterbibtex.bib"

IN_TEXT = [
    "Particles stay with the surname (van Aert & van Assen, 2017), and in running text "
    "van IJzendoorn et al. (1999) showed it.",
    "Editions are numbers (Meadows, 2008; Sapolsky, 2004).",
    "A chapter in an edited book (de Waal, 2009), a group author (World Health Organization, "
    "2022), a working paper (Bruns & Ioannidis, 2019), accents (Müller & Dvořák, 2015) and a "
    "blog post (Schmidt, 2021).",
]

#: As APA 7 prints them: particles first (9.8), editions as numbers (9.28), titles in sentence
#: case keeping protected words (6.17), article numbers (9.27), no publisher repeating a group
#: author (9.24), braces and LaTeX accents resolved.
REFERENCES = [
    "Bruns, S. B., & Ioannidis, J. P. A. (2019). Reproducibility and replicability in economics "
    "(SSRN Scholarly Paper No. 3312457). Social Science Research Network. "
    "https://doi.org/10.2139/ssrn.3312457",
    "de Waal, F. B. M. (2009). How animals do business: The evolution of fairness in primates. "
    "In J. Decety & W. Ickes (Eds.), The social neuroscience of empathy (pp. 77\u201392). "
    "MIT Press.",
    "Müller, J., & Dvořák, T. (2015). The DNA of Bayesian start-up success in München. Journal "
    "of Business Venturing Insights, 3, 1\u20139.",
    "Sapolsky, R. M. (2004). Why zebras don't get ulcers (3rd ed.). Henry Holt & Co.",
    "Schmidt, A. (2021, November 2). How Zotero stores your library. The Reference Blog. "
    "https://example.org/zotero-storage",
    "van Aert, R. C. M., & van Assen, M. A. L. M. (2017). Bayesian evaluation of effect size "
    "after replicating an original study. PLOS ONE, 12(4), Article e0175302. "
    "https://doi.org/10.1371/journal.pone.0175302",
    "van IJzendoorn, M. H., Schuengel, C., & Bakermans-Kranenburg, M. J. (1999). Disorganized "
    "attachment in early childhood: Meta-analysis of precursors, concomitants, and sequelae. "
    "Development and Psychopathology, 11(2), 225\u2013250. "
    "https://doi.org/10.1017/S0954579499002035",
    "World Health Organization. (2022). World mental health report: Transforming mental health "
    "for all. https://www.who.int/publications/i/item/9789240049338",
]
#: Meadows's editor is the citation engine's part (issue 12); its title and edition are ours.
MEADOWS = ["Meadows, D. H. (2008). Thinking in systems: A primer (", "4th ed.",
           "Chelsea Green Publishing."]
NOT_PRINTED = ["{", "}", "Fourth", "Aert, R. C. M. van", "Animals Do", "SSRN Scholarly Paper}",
               "World Health Organization. https", "\\"]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("zotero") / "book"
    shutil.copytree(BOOKS / "zotero", root)
    result = run_cli("--project", root, "build", "--format", "all", "--strict")
    assert result.code == 0, result.err
    return {p.suffix[1:]: p for p in (root / "build").glob("zotero.*")}


def test_epub_prints_every_reference_as_apa_does(built):
    from test_citations_book import epub_references

    listed = epub_references(built["epub"])
    assert [r for r in listed if not r.startswith("Meadows")] == [fold(r) for r in REFERENCES]
    meadows = next(r for r in listed if r.startswith("Meadows"))
    assert all(part in meadows for part in MEADOWS)
    text = epub_text(built["epub"])
    for sentence in IN_TEXT:
        assert fold(sentence) in text, sentence
    for wrong in NOT_PRINTED:
        assert all(wrong not in r for r in listed), wrong


def test_docx_and_pdf_print_the_same(built):
    docx = fold(" ".join(t for _, t in docx_paragraphs(built["docx"])))
    pdf = letters(pdf_text(built["pdf"]))
    for sentence in IN_TEXT + REFERENCES + MEADOWS:
        assert fold(sentence) in docx, sentence
        assert letters(sentence) in pdf, sentence
    assert "Aert, R. C. M. van" not in docx and "{" not in docx


def test_every_item_knows_the_line_of_its_entry():
    text = ZOTERO.read_text(encoding="utf-8")
    lines = bib_lines(text)
    expected = {line.split("{", 1)[1].rstrip(","): number
                for number, line in enumerate(text.split("\n"), 1) if line.startswith("@")}
    assert {key: at for key, (at, _) in lines.items()} == expected
    line, fields = lines["sapolsky_why_2004"]
    assert text.split("\n")[fields["edition"] - 1] == "\tedition = {Third},"


ZOTERO_PROBLEMS = """
@article{de_jong_dialogues_2020,
\ttitle = {Dialogues {Without} {End}},
\tvolume = {8},
\tjournal = {Narrative Inquiry},
\tauthor = {De Jong, Pieter and {et al}},
\tyear = {2020},
}

@book{nguyen_untitled_2018,
\ttitle = {},
\tpublisher = {Small Press},
\tauthor = {Nguyen, Lan},
}
"""
BBT_PROBLEMS = """
@article{lopez2020,
  title = {A Study of {{Sleep}}},
  author = {López, María},
  date = {2020-13-40},
  journaltitle = {Sleep Research},
  langid = {english}
}
"""


def _line(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.split("\n"), 1) if fragment in line)


def test_problems_are_reported_at_their_lines(tmp_path):
    root = tmp_path / "book"
    shutil.copytree(BOOKS / "zotero", root)
    zotero, bbt = root / "bibliography" / "zotero.bib", root / "bibliography" / "betterbibtex.bib"
    zotero.write_text(zotero.read_text(encoding="utf-8") + ZOTERO_PROBLEMS, encoding="utf-8")
    bbt.write_text(bbt.read_text(encoding="utf-8") + BBT_PROBLEMS, encoding="utf-8")
    z, b = zotero.read_text(encoding="utf-8"), bbt.read_text(encoding="utf-8")
    result = run_cli("--project", root, "check")
    assert result.code == 0, result.err
    warnings = [line for line in result.err.splitlines() if ": warning: " in line]
    assert warnings == [
        f"{bbt}:{_line(b, '2020-13-40')}: warning: reference 'lopez2020': malformed date in "
        "'issued': month 13 is not 1-12; it is ignored",
        f"{zotero}:{_line(z, '{et al}')}: warning: reference 'de_jong_dialogues_2020': 'et al' "
        "in 'author' stands for names left out: list every name (APA 7 lists up to 20)",
        f"{zotero}:{_line(z, 'title = {},')}: warning: reference 'nguyen_untitled_2018': "
        "no title",
        f"{zotero}:{_line(z, '@book{nguyen')}: warning: reference 'nguyen_untitled_2018': "
        "no date ('issued'): the reference will say (n.d.)",
    ]
    strict = run_cli("--project", root, "check", "--strict")
    assert strict.code == 1 and strict.err.count("(warning treated as error: --strict)") == 4
    assert "Traceback" not in strict.err


def test_a_bib_file_pandoc_cannot_read_is_an_error_at_the_file(tmp_path):
    root = tmp_path / "book"
    shutil.copytree(BOOKS / "zotero", root)
    (root / "bibliography" / "broken.bib").write_text("@article{x,\n title = {Open\n",
                                                      encoding="utf-8")
    result = run_cli("--project", root, "check")
    assert result.code == 1 and "Traceback" not in result.err
    assert f"{root / 'bibliography' / 'broken.bib'}:1: error: cannot read this bibtex file" \
        in result.err


def test_reader_follows_the_export_and_braced_words_are_known(tmp_path):
    assert bib_reader(ZOTERO.read_text(encoding="utf-8")) == "bibtex"
    assert bib_reader(BBT.read_text(encoding="utf-8")) == "biblatex"
    assert bib_reader("@online{a,\n title = {T},\n}") == "biblatex"
    text = ("\n@article{k1,\n  title = {The {{DNA}} of {Bayesian} Models},\n"
            "  author = {Doe, Jane},\n  date = {2019},\n  journaltitle = {J},\n}\n")
    path = tmp_path / "refs.bib"
    [item] = read_bib(path, text, tmp_path)
    assert item.location == SourceLocation(path, 2)
    assert item.protected["title"] == ("DNA", "Bayesian")
    assert item.field_lines == {"title": 3, "author": 4, "date": 5, "journaltitle": 6}
    assert item.csl["title"] == "The DNA of Bayesian models"
