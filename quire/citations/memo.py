"""The citation engine's answers, kept between builds.

Making the engine (citeproc-py loading the style, registering every work,
deciding disambiguation) is the slow part of the assembly. What it answers
depends only on the style, the works cited (their data) and quire's code, not
on the chapters' text: the answers are stored in the build cache under a hash
of exactly those, and a build that asks only questions answered before (a
chapter edited, its citations unchanged) never makes the engine. Anything new
(a citation with another locator, another work cited) makes it, once; errors
are never stored, so a work the style cannot format fails every build. A
style whose citations depend on the ones before them (``position``: ibid.,
subsequent short notes) is answered afresh in every build.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any, Callable

from ..build.cache import ContentCache, code_fingerprint, content_key
from .engine import Cite, CitationEngine


class RememberedEngine:
    """Answers :class:`~.engine.CitationEngine`'s questions from ``answers`` (question ->
    answer, JSON), making the engine with ``make`` only for a question not answered yet."""

    def __init__(self, make: Callable[[], CitationEngine], keys: list[str],
                 answers: dict[str, Any] | None = None) -> None:
        self._make = make
        self._engine: CitationEngine | None = None
        self.keys = {key.lower(): key for key in keys}
        self.answers: dict[str, Any] = dict(answers or {})
        self.changed = False

    def _ask(self, question: list[Any], compute: Callable[[CitationEngine], Any]) -> Any:
        asked = json.dumps(question, ensure_ascii=False)
        if asked not in self.answers:
            if self._engine is None:
                self._engine = self._make()
            self.answers[asked] = compute(self._engine)
            self.changed = True
        return self.answers[asked]

    def cite(self, cites: list[Cite], narrative: bool = False) -> str:
        """The citation's text (see :meth:`CitationEngine.cite`)."""
        return self._ask(["cite", [dataclasses.astuple(c) for c in cites], narrative],
                         lambda engine: engine.cite(cites, narrative))

    def short_form(self, key: str) -> str:
        """The work's author and year (see :meth:`CitationEngine.short_form`)."""
        return self._ask(["short", key], lambda engine: engine.short_form(key))

    def bibliography(self, keys: list[str]) -> list[tuple[str, str]]:
        """Reference-list entries (see :meth:`CitationEngine.bibliography`)."""
        answer = self._ask(["bibliography", keys],
                           lambda engine: [list(pair) for pair in engine.bibliography(keys)])
        return [(key, text) for key, text in answer]


class EngineStore:
    """Citation engines for one build, their answers read from and kept in ``cache``."""

    def __init__(self, cache: ContentCache | None) -> None:
        self.cache = cache
        self.made: list[tuple[str, RememberedEngine]] = []

    def engine(self, csl_path: Path, items: dict[str, dict[str, Any]],
               make: Callable[[], CitationEngine]) -> RememberedEngine:
        """An engine for the style and ``items`` (``make`` makes the real one when needed)."""
        style = csl_path.read_bytes()
        if b"position=" in style:  # notes styles: a citation's form depends on the ones before
            return RememberedEngine(make, list(items))
        key = content_key(code_fingerprint(), style,
                          json.dumps(items, sort_keys=True, ensure_ascii=False))
        stored = self.cache.get("citations", key) if self.cache is not None else None
        try:
            answers = json.loads(stored) if stored is not None else None
        except ValueError:
            answers = None
        remembered = RememberedEngine(make, list(items), answers)
        self.made.append((key, remembered))
        return remembered

    def keep(self) -> None:
        """Store the answers of every engine that learnt something in this build."""
        for key, remembered in self.made:
            if self.cache is not None and remembered.changed:
                self.cache.put("citations", key, json.dumps(
                    remembered.answers, ensure_ascii=False, sort_keys=True).encode("utf-8"))
