"""Property tests: every parser, given any text at all, returns or raises a QuireError.

``make test`` runs a short campaign (the "default" profile); ``make fuzz`` runs
the long one whose figures the README reports (the "campaign" profile).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quire.citations import syntax
from quire.citations.syntax import find_citation_groups, mask
from quire.entries.apa_parser import parse_reference
from quire.entries.canonical import parse_body
from quire.entries.seed_format import parse_seed
from quire.errors import QuireError, SourceLocation
from quire.project.frontmatter import split_front_matter
from quire.checks.quotations import normal_form
from quire.project.yamlsource import load_yaml

HERE = Path("fuzz.txt")
#: Text built from the pieces the formats are made of, and any characters between them.
PIECES = st.sampled_from([
    "APA Citation", "What This Research Found", "Further Reading", "In Chapter 3: T, x:",
    '"', "- ", "(2004). ", "(n.d.)", "Smith, J., & Doe, A.", "*", "**", "---", ":::",
    '::: {.quotation chapter="2"}', "::: {.passage #p page=\"3\"}", "[@", "@", "]", ";", ", p. ",
    "-@", "{", "}", "`", "```", "\n", "\n\n", "https://doi.org/10.1/x", "<", ">", "(Eds.)",
    "In ", " (pp. 1--2). ", ". ", "\t", "\u00a0", "\u2014", "\x00", "\ufeff", "key: [",
    # issue 10's surfaces: comments, line ends, control and invisible characters, nesting,
    # YAML anchors and aliases, impossible dates
    "<!--", "-->", "\r", "\r\n", "\x0c", "\x07", "\u200b", "\u202e", "e\u0301", "> ", "- ",
    "::: {.a}", "&a ", "*a", "[*a, *a]", "date: 2026-02-30", "!!float ",
])
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=40).map("".join)


def only_quire_errors(function, *args) -> None:
    try:
        function(*args)
    except QuireError:
        pass


@given(TEXT)
def test_seed_format(text):
    only_quire_errors(parse_seed, text, HERE)


@given(TEXT)
def test_apa_reference(text):
    only_quire_errors(parse_reference, text, SourceLocation(HERE, 1))


@given(TEXT)
def test_citation_syntax(text):
    for group in find_citation_groups(text, HERE):
        assert 0 <= group.start < group.end <= len(text)
        assert all(item.key for item in group.items)


@given(TEXT)
def test_front_matter(text):
    only_quire_errors(split_front_matter, text, HERE)


@given(TEXT)
def test_entry_body(text):
    only_quire_errors(parse_body, text.split("\n"), 1, HERE)


@given(TEXT)
def test_yaml(text):
    only_quire_errors(load_yaml, text, HERE)


@given(TEXT)
def test_quotation_normal_form_is_idempotent(text):
    assert normal_form(normal_form(text)) == normal_form(text)


# --- performance bounds: doubling an input at most a little more than doubles the time ---

#: The smallest input measured is grown until one run takes this much CPU time (so that
#: timer noise does not count), up to MAX_CHARS characters; then it is compared with the
#: input twice as long.
MIN_SECONDS, MAX_CHARS = 0.06, 400_000
#: A linear parser's ratio is about 2; a quadratic one's 4 (at these sizes, over 3). Noise on a loaded machine is
#: absorbed by measuring CPU time (not wall-clock time), taking the median of several runs,
#: and measuring again before failing.
MAX_RATIO = 2.8
UNITS = st.lists(PIECES, min_size=1, max_size=6).map("".join).filter(lambda u: u.strip())


def _median_seconds(function, text: str, runs: int = 5) -> float:
    import gc
    import statistics
    import time

    times = []
    for _ in range(runs):
        gc.collect()
        gc.disable()  # a collection falling in one run and not the other is not the parser's cost
        try:
            start = time.process_time()
            try:
                function(text)
            except QuireError:
                pass
            times.append(time.process_time() - start)
        finally:
            gc.enable()
    return statistics.median(times)


def doubling_ratio(function, unit: str, prefix: str = "") -> float:
    """CPU time of ``prefix`` and ``unit`` repeated 2n times over n times, n large enough to
    measure."""
    times = max(1, 2_000 // len(unit))
    while _median_seconds(function, prefix + unit * times, runs=1) < MIN_SECONDS \
            and len(unit) * times * 2 <= MAX_CHARS:
        times *= 2
    small, large = prefix + unit * times, prefix + unit * (2 * times)
    ratios = []
    for _ in range(5):  # a ratio over the bound is measured again before it counts
        base = max(_median_seconds(function, small), MIN_SECONDS / 10)
        ratios.append(_median_seconds(function, large) / base)
        if ratios[-1] <= MAX_RATIO:
            break
    return min(ratios)


SCALED_PARSERS = {
    "citation syntax": lambda text: find_citation_groups(text, HERE),
    "seed format": lambda text: parse_seed(text, HERE),
    "APA parser": lambda text: parse_reference(text.replace("\n", " "), SourceLocation(HERE, 1)),
    "front matter": lambda text: split_front_matter("---\n" + text + "\n---\n", HERE),
    "entry body": lambda text: parse_body(text.split("\n"), 1, HERE),
}
#: The patterns inside the citation syntax, alone: their cost is not hidden by the rest.
PATTERNS = {
    "code, comments, URLs": mask,
    "bracketed groups": lambda text: list(syntax._GROUP.finditer(text)),
    "locator": syntax.parse_locator,
    **SCALED_PARSERS,
}


@pytest.mark.parametrize("parser", SCALED_PARSERS)
@settings(max_examples=8, deadline=None)
@given(unit=UNITS)
def test_doubling_the_input_at_most_doubles_the_time(parser, unit):
    assert doubling_ratio(SCALED_PARSERS[parser], unit) <= MAX_RATIO


@pytest.mark.parametrize("parser, prefix, unit", [
    ("code, comments, URLs", "", "`"), ("code, comments, URLs", "", "` "),
    ("bracketed groups", "[", "@k; "), ("code, comments, URLs", "", "[a]("),
    ("code, comments, URLs", "", "<!--"), ("citation syntax", "", "@a "),
    ("locator", "", " "), ("seed format", "", "In Chapter 1: x:\n"),
    ("APA parser", "", "Smith, J., & "), ("front matter", "", "a: [x]\n"),
    ("entry body", "", ":::\n"),
])
def test_known_worst_cases_scale_linearly(parser, prefix, unit):
    """Issue 10's inputs: a line of backticks, '[' before thousands of keys, and the like."""
    assert doubling_ratio(PATTERNS[parser], unit, prefix) <= MAX_RATIO


@given(st.binary(max_size=200) | TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_read_text_normalises_or_reports(data):
    import tempfile

    from quire.project.textfiles import read_text

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.md"
        path.write_bytes(data)
        try:
            text = read_text(path, allow_empty=True)
        except QuireError:
            return
    assert "\r" not in text and not text.startswith("\ufeff")
    assert not any(ord(c) < 32 and c not in "\t\n" for c in text)


@given(TEXT)
def test_nesting_check(text):
    from quire.project.limits import check_nesting
    from quire.model import Chapter

    only_quire_errors(check_nesting, [Chapter(HERE, 1, "T", 1, text, 2)], 8)


@given(TEXT)
def test_mask_keeps_every_line_and_length(text):
    masked = mask(text)
    assert len(masked) == len(text) and masked.count("\n") == text.count("\n")
