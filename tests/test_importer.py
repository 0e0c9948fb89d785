"""``build.py import``: lossless, refuses to overwrite, located errors, nothing written on failure."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import REPO, run_cli
from quire.entries.canonical import parse_body, seed_entry
from quire.entries.keys import citation_key
from quire.entries.seed_format import format_seed
from quire.entries.store import load_bibliography
from quire.project.frontmatter import split_front_matter

SEED = REPO / "bibliography" / "sources" / "rizzolatti2004.txt"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "book"
    assert run_cli("new", root).code == 0
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes()
            for p in sorted((root / "bibliography").rglob("*")) if p.is_file()}


def words(text: str) -> list[str]:
    """Words of a text, ignoring case, punctuation and Markdown markup."""
    return re.findall(r"[a-z0-9']+", text.lower().replace("\u2019", "'"))


def test_import_of_the_seed(project):
    result = run_cli("--project", project, "import", SEED)
    assert result.code == 0, result.err
    bib = load_bibliography(project)
    entry = bib.entries["rizzolatti2004"]
    assert [a["family"] for a in entry.csl["author"]] == ["Rizzolatti", "Craighero"]
    assert entry.csl["issued"] == {"date-parts": [[2004]]}
    assert (entry.csl["container-title"], entry.csl["volume"], entry.csl["page"]) == (
        "Annual Review of Neuroscience", "27", "169-192")
    assert len(entry.sections) == 8 and entry.sections[0].title == "What This Research Found"
    assert [q.chapter for q in entry.quotations] == [9, 11, 18]
    assert entry.further_reading == ("rizzolatti2008", "iacoboni2008", "gallese2003",
                                     "keysers2011", "decety2009", "gallese2004")
    assert set(entry.further_reading) <= set(bib.references)
    assert bib.references["iacoboni2008"]["title"] == (
        "Mirroring people: The new science of how we connect with others")  # APA sentence case


def test_import_is_lossless(project):
    assert run_cli("--project", project, "import", SEED).code == 0
    text = (project / "bibliography/entries/rizzolatti2004.md").read_text(encoding="utf-8")
    meta, _, body_line = split_front_matter(text, Path("e.md"))
    # Every word, in order: the APA line is kept as written, the body word for word.
    body = "\n".join(text.split("\n")[body_line - 1:])
    body = re.sub(r"^:::.*$", "", body, flags=re.M)  # quotation fences are markup, not words
    source = SEED.read_text(encoding="utf-8")
    assert words(source) == words("APA Citation " + meta["citation"] + " " + body)
    # And the exact text: the entry converts back into the source, character for character.
    sections = parse_body(text.split("\n")[body_line - 1:], body_line, Path("e.md"))
    assert format_seed(seed_entry(meta["citation"], meta["reference"], sections)) == (
        source.rstrip("\n") + "\n")


def test_the_sample_book_entry_is_the_import_of_the_seed(project):
    assert run_cli("--project", project, "import", SEED).code == 0
    for name in ("entries/rizzolatti2004.md", "references.json"):
        assert (project / "bibliography" / name).read_bytes() == (
            REPO / "bibliography" / name).read_bytes(), name


def test_second_import_refuses_and_changes_nothing(project):
    assert run_cli("--project", project, "import", SEED).code == 0
    before = snapshot(project)
    again = run_cli("--project", project, "import", SEED)
    assert again.code == 1 and "Traceback" not in again.err
    shown = SEED.relative_to(REPO)  # paths are shown relative to the working folder
    assert f"{shown}:2: error: entry 'rizzolatti2004' exists already" in again.err
    assert "--force" in again.err
    assert snapshot(project) == before
    forced = run_cli("--project", project, "import", SEED, "--force")
    assert forced.code == 0, forced.err
    assert snapshot(project) == before  # the same source gives the same files


def test_explicit_key(project):
    result = run_cli("--project", project, "import", SEED, "--key", "mirrors")
    assert result.code == 0, result.err
    assert (project / "bibliography/entries/mirrors.md").is_file()
    # The new project has none of the chapters the entry quotes: errors, or warnings if allowed.
    assert run_cli("--project", project, "check").code == 1
    allowed = run_cli("--project", project, "check", "--allow-stale-quotes")
    assert allowed.code == 0 and allowed.err.count("the book has no chapter") == 3


def bad(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


HEAD = "APA Citation\nDoe, J. (2020). A title. Publisher.\n"


@pytest.mark.parametrize("name, data, expected", [
    ("no-apa.txt", "What This Research Found\nText.\n",
     "{path}:1: error: a research entry starts with the line 'APA Citation', then its APA "
     "reference"),
    ("bad-ref.txt", "APA Citation\nDoe J 2020 A title\nWhat This Research Found\nText.\n",
     "{path}:2: error: cannot parse APA reference: no date in parentheses such as (2004) or "
     "(n.d.) after the authors"),
    ("layout.txt", HEAD + "Preface\nText.\n",
     "{path}:3: error: expected a section heading here, such as 'What This Research Found'; "
     "known headings: What This Research Found, How This Research Is Used in the Book, "
     "Why This Matters for Survivors, Clinical Implications, Broader Implications, "
     "Limitations and Considerations, Historical Context, Further Reading"),
    ("empty.txt", "", "{path}:1: error: file is empty"),
    ("binary.txt", b"APA Citation\n\x00\x01\x02", "{path}:2: error: binary file (contains a NUL "
     "byte), expected UTF-8 text"),
    ("latin1.txt", "APA Citation\nD\u00f6e, J. (2020). T. P.\n".encode("latin-1"),
     "{path}:2:2: error: not UTF-8 text (byte 0xf6 cannot be decoded)"),
])
def test_bad_input_is_located_and_writes_nothing(project, tmp_path, name, data, expected):
    path = bad(tmp_path, name, data)
    good = SEED
    before = snapshot(project)
    result = run_cli("--project", project, "import", good, path)
    assert result.code == 1 and "Traceback" not in result.err
    assert expected.format(path=path) in result.err.splitlines(), result.err
    assert snapshot(project) == before  # not even the good file was imported


def test_duplicate_key_in_one_import(project, tmp_path):
    first = bad(tmp_path, "a.txt", HEAD + "What This Research Found\nText.\n")
    second = bad(tmp_path, "b.txt", HEAD.replace("A title", "Another title")
                 + "What This Research Found\nText.\n")
    result = run_cli("--project", project, "import", first, second)
    assert result.code == 1
    assert (f"{second}:2: error: key 'doe2020' collides with the key of {first}:2; give one "
            "of them another key (--key)") in result.err.splitlines(), result.err
    assert not (project / "bibliography/entries/doe2020.md").exists()


def test_further_reading_collision_with_a_different_reference(project, tmp_path):
    refs = project / "bibliography/references.json"
    refs.write_text(json.dumps([{"id": "gallese2003", "type": "book", "title": "Other"}]))
    result = run_cli("--project", project, "import", SEED)
    assert result.code == 1 and "key 'gallese2003' is already a different reference" in result.err
    assert json.loads(refs.read_text()) == [{"id": "gallese2003", "type": "book", "title": "Other"}]


@pytest.mark.parametrize("item, key", [
    ({"author": [{"family": "Rizzolatti"}], "issued": {"date-parts": [[2004]]}}, "rizzolatti2004"),
    ({"author": [{"non-dropping-particle": "van", "family": "IJzendoorn"}],
      "issued": {"date-parts": [[1999]]}}, "vanijzendoorn1999"),
    ({"author": [{"family": "Koriat"}], "issued": {"date-parts": [[2008]]},
      "custom": {"year-suffix": "b"}}, "koriat2008b"),
    ({"author": [{"literal": "U.S. Census Bureau"}]}, "uscensusbureaund"),
    ({"editor": [{"family": "Décety"}], "issued": {"date-parts": [[2009]]}}, "decety2009"),
    ({"title": "Anonymous"}, ""),
])
def test_citation_keys(item, key):
    assert citation_key(item) == key


ZOTERO_BIB = REPO / "tests" / "books" / "zotero" / "bibliography" / "zotero.bib"


def test_import_of_a_bib_file_into_references_json(project):
    before = json.loads((project / "bibliography/references.json").read_text(encoding="utf-8"))
    result = run_cli("--project", project, "import", ZOTERO_BIB)
    assert result.code == 0, result.err
    assert result.out.split() == [str(project / "bibliography" / "references.json")]
    stored = json.loads((project / "bibliography/references.json").read_text(encoding="utf-8"))
    by_key = {item["id"]: item for item in stored}
    keys = re.findall(r"^@\w+\{([^,]+),", ZOTERO_BIB.read_text(encoding="utf-8"), re.M)
    assert set(keys) | {i["id"] for i in before} == set(by_key)  # the author's own keys
    assert by_key["van_aert_bayesian_2017"]["author"][0] == {
        "family": "Aert", "given": "Robbie C. M.", "non-dropping-particle": "van"}
    assert by_key["sapolsky_why_2004"]["edition"] == "3"
    assert by_key["de_waal_how_2009"]["title"] == (
        "How animals do business: The evolution of fairness in primates")
    again = run_cli("--project", project, "import", ZOTERO_BIB)
    assert again.code == 0 and again.out.strip() == ""  # nothing new, nothing written


def test_bib_import_collision_is_located_and_writes_nothing(project, tmp_path):
    assert run_cli("--project", project, "import", ZOTERO_BIB).code == 0
    changed = tmp_path / "changed.bib"
    text = ZOTERO_BIB.read_text(encoding="utf-8").replace("edition = {Third}",
                                                          "edition = {Fifth}")
    changed.write_text(text + "\n@book{nokey,\n\ttitle = {{\n", encoding="utf-8")
    before = snapshot(project)
    result = run_cli("--project", project, "import", changed)
    assert result.code == 1 and snapshot(project) == before
    changed.write_text(text, encoding="utf-8")
    result = run_cli("--project", project, "import", changed)
    line = next(n for n, l in enumerate(text.split("\n"), 1) if "{sapolsky_why_2004," in l)
    assert result.code == 1 and snapshot(project) == before
    assert f"{changed}:{line}: error: key 'sapolsky_why_2004' is already a different " \
           "reference" in result.err
    forced = run_cli("--project", project, "import", changed, "--force")
    assert forced.code == 0
    stored = json.loads((project / "bibliography/references.json").read_text(encoding="utf-8"))
    assert next(i for i in stored if i["id"] == "sapolsky_why_2004")["edition"] == "5"
    keyed = run_cli("--project", project, "import", changed, "--key", "x")
    assert keyed.code == 1 and "a .bib item keeps its own key" in keyed.err
