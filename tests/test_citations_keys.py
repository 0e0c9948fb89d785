"""Unknown citation keys: every one reported, with location and a suggestion."""

from __future__ import annotations

from pathlib import Path

import pytest

from quire.citations.keys import check_citation_keys
from quire.citations.syntax import find_citations
from quire.errors import QuireError
from quire.model import Bibliography


def test_unknown_keys_all_reported_with_suggestions():
    bib = Bibliography(references={"rizzolatti2004": {}, "felitti1998": {}})
    text = "See [@rizolatti2004].\nAnd @Felitti1998 and @nothing_like_it."
    with pytest.raises(QuireError) as info:
        check_citation_keys(find_citations(text, Path("ch.md")), bib)
    assert info.value.format().splitlines() == [
        "ch.md:1:6: error: unknown citation key 'rizolatti2004' (did you mean 'rizzolatti2004'?)",
        "ch.md:2:5: error: unknown citation key 'Felitti1998' "
        "(keys are case-sensitive: did you mean 'felitti1998'?)",
        "ch.md:2:22: error: unknown citation key 'nothing_like_it'",
    ]


def test_known_keys_pass():
    bib = Bibliography(references={"a1": {}})
    check_citation_keys(find_citations("[@a1]", Path("c.md")), bib)
