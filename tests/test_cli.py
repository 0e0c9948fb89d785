"""The command line as a user meets it: exit codes, messages, no tracebacks."""

from __future__ import annotations

from conftest import run_cli


def assert_user_error(result, expected_line: str) -> None:
    assert result.code == 1, result
    assert "Traceback" not in result.err
    assert expected_line in result.err.splitlines(), result.err


def test_new_project_builds_at_once(tmp_path):
    project = tmp_path / "x"
    created = run_cli("new", project)
    assert created.code == 0, created.err
    assert (project / "book.yaml").is_file()
    built = run_cli("--project", project, "build")
    assert built.code == 0, built.err
    names = sorted(p.name for p in (project / "build").iterdir() if p.is_file()
                   and not p.name.startswith("."))
    assert names == ["x.docx", "x.epub", "x.pdf"]
    assert built.out.split() == [str(project / "build" / n) for n in ("x.epub", "x.pdf", "x.docx")]


def test_new_refuses_a_folder_with_a_book(tmp_path):
    assert run_cli("new", tmp_path / "b").code == 0
    result = run_cli("new", tmp_path / "b")
    assert result.code == 1 and "a book project exists here already" in result.err


def test_malformed_book_yaml(book_project):
    root = book_project("minimal")
    (root / "book.yaml").write_text("title: T\nauthor: [A\ndate: 2020-01-01\n")
    result = run_cli("--project", root, "check")
    assert result.err.count("error:") == 1
    assert result.code == 1 and "Traceback" not in result.err
    assert f"{root}/book.yaml:3:5: error: invalid YAML" in result.err


def test_missing_chapter_file(book_project):
    root = book_project("minimal")
    with open(root / "book.yaml", "a", encoding="utf-8") as f:
        f.write("chapters:\n  - chapters/01-beginnings.md\n  - chapters/07-gone.md\n")
    for command in ("check", "build"):
        assert_user_error(run_cli("--project", root, command),
                          f"{root}/book.yaml:8: error: chapter file not found: '07-gone.md'")


def test_unknown_citation_key_fails_check(book_project):
    root = book_project("minimal")
    chapter = root / "manuscript/chapters/02-endings.md"
    chapter.write_text(chapter.read_text().replace("@smith2020", "@smith2002"))
    assert_user_error(run_cli("--project", root, "check"),
                      f"{chapter}:3:34: error: unknown citation key 'smith2002' "
                      "(did you mean 'smith2020'?)")


def test_check_passes_on_a_good_book(book_project):
    result = run_cli("--project", book_project("minimal"), "check")
    assert (result.code, result.out.strip()) == (0, "ok")


def test_single_format(book_project):
    root = book_project("minimal")
    result = run_cli("--project", root, "build", "--format", "docx")
    assert result.code == 0, result.err
    assert [p.name for p in (root / "build").glob("*.docx")] == ["a-minimal-book.docx"]
    assert not list((root / "build").glob("*.pdf"))


def test_docx_footnotes_are_word_footnotes(book_project):
    import zipfile

    root = book_project("minimal")
    assert run_cli("--project", root, "build", "--format", "docx").code == 0
    with zipfile.ZipFile(root / "build" / "a-minimal-book.docx") as zf:
        footnotes = zf.read("word/footnotes.xml").decode()
        document = zf.read("word/document.xml").decode()
    assert "The footnote" in footnotes and "text." in footnotes
    assert "<w:footnoteReference" in document


def test_cite_parse_prints_csl_json_and_apa():
    import json

    result = run_cli("cite", "--parse", "van IJzendoorn, M. H., Schuengel, C., & "
                     "Bakermans-Kranenburg, M. J. (1999). Disorganized attachment in early "
                     "childhood. *Development and Psychopathology*, *11*(2), 225--250. "
                     "https://doi.org/10.1017/S0954579499002035")
    assert result.code == 0, result.err
    body, _, apa = result.out.rstrip("\n").rpartition("\n")
    item = json.loads(body)
    assert item["author"][0] == {"non-dropping-particle": "van", "family": "IJzendoorn",
                                 "given": "M. H."}
    assert (item["type"], item["volume"], item["issue"], item["page"], item["DOI"]) == (
        "article-journal", "11", "2", "225-250", "10.1017/S0954579499002035")
    assert apa == ("van IJzendoorn, M. H., Schuengel, C., & Bakermans-Kranenburg, M. J. (1999). "
                   "Disorganized attachment in early childhood. *Development and "
                   "Psychopathology*, *11*(2), 225–250. https://doi.org/10.1017/S0954579499002035")


def test_cite_parse_error_has_no_traceback():
    result = run_cli("cite", "--parse", "Nobody. A title without a date.")
    assert result.code == 1 and "Traceback" not in result.err
    assert result.err.startswith("<--parse>: error: cannot parse APA reference")


def test_entries_json_lists_the_sample_entry():
    import json

    result = run_cli("entries", "--json")
    assert result.code == 0, result.err
    [entry] = json.loads(result.out)
    assert entry["key"] == "rizzolatti2004"
    assert entry["reference"]["volume"] == "27"
    assert [s["title"] for s in entry["sections"]][:2] == [
        "What This Research Found", "How This Research Is Used in the Book"]
    assert entry["sections"][0]["text"].startswith("Giacomo Rizzolatti and Laila Craighero")
    assert [q["chapter"] for q in entry["quotations"]] == [9, 11, 18]
    assert entry["quotations"][1]["text"].startswith("Your mirror system was constantly")
    assert len(entry["further-reading"]) == 6


def test_every_unknown_key_is_reported_in_one_run(book_project):
    root = book_project("minimal")
    first = root / "manuscript/chapters/01-beginnings.md"
    second = root / "manuscript/chapters/02-endings.md"
    first.write_text(first.read_text().replace("[@smith2020]", "[see @smith2021; @nobody]"))
    second.write_text(second.read_text().replace("@smith2020", "@Smith2020"))
    result = run_cli("--project", root, "build")
    assert result.code == 1 and "Traceback" not in result.err
    assert result.err.splitlines() == [
        f"{first}:3:38: error: unknown citation key 'smith2021' (did you mean 'smith2020'?)",
        f"{first}:3:50: error: unknown citation key 'nobody'",
        f"{second}:3:34: error: unknown citation key 'Smith2020' (keys are case-sensitive: "
        "did you mean 'smith2020'?)",
        "3 errors"]
    assert not (root / "build").exists()


def test_project_is_accepted_after_the_command_too(book_project):
    root = book_project("minimal")
    after = run_cli("check", "--project", root, cwd=root.parent)
    assert after.code == 0 and after.out.strip() == "ok", after.err
    # After the command, it wins over the one before it.
    both = run_cli("--project", root.parent / "nowhere", "check", "-p", root)
    assert both.code == 0, both.err
    wrong = run_cli("check", "--project", root.parent / "nowhere")
    assert wrong.code == 1 and "Traceback" not in wrong.err


def test_new_prints_the_next_steps(tmp_path):
    result = run_cli("new", tmp_path / "my-book")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert f"Your book is ready in {tmp_path / 'my-book'}/. Next:" in lines
    assert f"  cd {tmp_path / 'my-book'}" in lines
    assert any(line.startswith("  quire build ") for line in lines)


def test_cite_add_writes_a_keyed_reference_once(book_project):
    import json

    root = book_project("minimal")
    reference = "Meadows, D. H. (2008). Thinking in systems: A primer. Chelsea Green Publishing."
    store = root / "bibliography" / "references.json"
    before = json.loads(store.read_text())
    added = run_cli("-p", root, "cite", "--parse", reference, "--add")
    assert added.code == 0, added.err
    assert added.out.splitlines()[-1] == ("added as 'meadows2008' to "
                                          "bibliography/references.json; cite it as [@meadows2008]")
    after = json.loads(store.read_text())
    assert [i["id"] for i in after] == sorted([i["id"] for i in before] + ["meadows2008"])
    item = next(i for i in after if i["id"] == "meadows2008")
    assert item["title"] == "Thinking in systems: A primer" and item["type"] == "book"
    written = store.read_bytes()
    again = run_cli("-p", root, "cite", "--parse", reference, "--add")
    line = next(n for n, text in enumerate(store.read_text().splitlines(), 1)
                if '"id": "meadows2008"' in text) - 1  # an item is located at its "{"
    assert_user_error(again, f"{store}:{line}: error: key 'meadows2008' is taken by this "
                             "reference; choose another with --key")
    assert store.read_bytes() == written
    other = run_cli("-p", root, "cite", "--parse", reference, "--add", "--key", "meadows2008b")
    assert other.code == 0, other.err
    chapter = root / "manuscript/chapters/02-endings.md"
    chapter.write_text(chapter.read_text() + "\nSee [@meadows2008b].\n")
    assert run_cli("-p", root, "check", "--strict").code == 0


def test_cite_without_add_writes_nothing(book_project):
    root = book_project("minimal")
    store = root / "bibliography" / "references.json"
    before = store.read_bytes()
    result = run_cli("-p", root, "cite", "--parse",
                     "Meadows, D. H. (2008). Thinking in systems: A primer. Chelsea Green.")
    assert result.code == 0 and '"id": "meadows2008"' in result.out
    assert store.read_bytes() == before


def test_build_timings_and_quiet_off_a_terminal(book_project):
    root = book_project("minimal")
    result = run_cli("-p", root, "build", "--format", "epub", "--timings")
    assert result.code == 0, result.err
    stages = [line.split("  ")[0] for line in result.err.splitlines()]
    assert stages == ["gather", "assemble", "parse", "editors' texts", "render epub", "write"] \
        or stages == ["gather", "assemble", "parse", "render epub", "editors' texts", "write"]
    assert all(line.rstrip().endswith(" s") for line in result.err.splitlines())
    plain = run_cli("-p", root, "build", "--format", "epub")
    assert plain.err == ""  # no status line, no escape codes when not on a terminal
