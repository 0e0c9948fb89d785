"""The citation engine's answers kept between builds (quire/citations/memo.py)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import BOOKS
from quire.build import pipeline
from quire.build.cache import ContentCache
from quire.citations import resolve
from quire.errors import Reporter


@pytest.fixture
def made(monkeypatch):
    """How many citation engines were made (citeproc-py: the slow part)."""
    count = []
    real = resolve.make_engine
    monkeypatch.setattr(resolve, "make_engine", lambda *a, **k: (count.append(1), real(*a, **k))[1])
    return count


def assembled(root: Path, cache: ContentCache | None) -> str:
    """The assembled book's Markdown: with ``cache``, as the build assembles it (the answers
    kept there), else made from nothing."""
    return pipeline.assemble(pipeline.gather(root, Reporter()), None, cache).markdown


def test_answers_are_reused_until_a_question_is_new(tmp_path, made):
    root = tmp_path / "book"
    shutil.copytree(BOOKS / "citations", root)
    cache = ContentCache(tmp_path / "cache")
    first = assembled(root, cache)
    assert len(made) == 2  # the book's works, and the research entries' appendices
    made.clear()
    assert assembled(root, cache) == first and made == []  # nothing made again

    chapter = root / "manuscript/chapters/02-names.md"
    chapter.write_text(chapter.read_text().replace("No date at all", "Without a date"))
    edited = assembled(root, cache)
    assert made == [] and "Without a date" in edited
    assert edited == assembled(root, None)  # as a build without the cache makes it
    made.clear()

    chapter.write_text(chapter.read_text() + "\nA new locator [@census, p. 99].\n")
    again = assembled(root, cache)
    assert len(made) == 1 and "p. 99" in again and again == assembled(root, None)
    made.clear()
    assert assembled(root, cache) == again and made == []


def test_a_changed_work_or_style_asks_afresh(tmp_path, made):
    root = tmp_path / "book"
    shutil.copytree(BOOKS / "citations", root)
    cache = ContentCache(tmp_path / "cache")
    assembled(root, cache)
    references = root / "bibliography/references.json"
    works = json.loads(references.read_text())
    census = next(work for work in works if work["id"] == "census")
    census["title"] = "A retitled census report"
    references.write_text(json.dumps(works))
    made.clear()
    changed = assembled(root, cache)
    assert len(made) >= 1 and "A retitled census report" in changed
    assert changed == assembled(root, None)


def test_a_style_citing_by_position_is_never_answered_from_memory(tmp_path):
    from quire.citations.memo import EngineStore

    style = tmp_path / "notes.csl"
    style.write_text('<style><citation><layout><choose><if position="subsequent"/></choose>'
                     '</layout></citation></style>')
    cache = ContentCache(tmp_path / "cache")
    calls = []
    engine = EngineStore(cache).engine(style, {"a": {"id": "a"}},
                                       lambda: calls.append(1) or FakeEngine())
    assert engine.short_form("a") == "A" and calls == [1]
    store = EngineStore(cache)
    store.engine(style, {"a": {"id": "a"}},
                 lambda: calls.append(1) or FakeEngine()).short_form("a")
    store.keep()
    assert calls == [1, 1] and list((tmp_path / "cache").glob("*")) == []


class FakeEngine:
    def short_form(self, key: str) -> str:
        return key.upper()
