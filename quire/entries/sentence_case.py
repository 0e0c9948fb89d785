"""APA 7 sentence case for titles an author typed in Title Case.

APA 7 sets the titles of books, articles and chapters in sentence case: only
the first word, the first word after a colon, question mark or dash, and
proper nouns are capitalised. Journal names keep title case. Many authors
type "Mirrors in the Brain: How Our Minds Share Actions"; the importer turns
that into "Mirrors in the brain: How our minds share actions".

Proper nouns cannot be known from the title alone, so a word keeps its
capital when it is an acronym or has inner capitals (``DNA``, ``IJzendoorn``),
or when the entry's own prose writes it capitalised in the middle of a
sentence (``Rizzolatti``, ``Parma``): the caller passes those words in.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z\u00c0-\u024f][\w'\u2019-]*")
_BREAK = re.compile(r"[:?!.\u2014\u2013]\s*$")
_LOWER_TITLE_WORDS = {"a", "an", "the", "and", "but", "or", "nor", "for", "so", "yet", "as",
                      "at", "by", "in", "of", "off", "on", "per", "to", "up", "via", "with",
                      "from", "into", "over"}


def is_title_case(title: str) -> bool:
    """True when most words of four or more letters after the first are capitalised."""
    words = [w for w in _WORD.findall(title)[1:] if len(w) >= 4]
    capitalised = [w for w in words if w[0].isupper()]
    return len(words) >= 2 and len(capitalised) * 4 >= len(words) * 3


def sentence_case(title: str, proper: frozenset[str] = frozenset()) -> str:
    """``title`` in sentence case, keeping acronyms, inner capitals and ``proper`` words."""
    out: list[str] = []
    position = 0
    first = True
    for match in _WORD.finditer(title):
        before = title[position:match.start()]
        out.append(before)
        word = match.group(0)
        if not first and not _BREAK.search("".join(out)) and _lowerable(word, proper):
            word = word[0].lower() + word[1:]
        out.append(word)
        position = match.end()
        first = False
    out.append(title[position:])
    return "".join(out)


def _lowerable(word: str, proper: frozenset[str]) -> bool:
    if not word[0].isupper() or word in proper or word == "I":
        return False
    return not any(c.isupper() for c in word[1:])


def proper_nouns(prose: str) -> frozenset[str]:
    """Capitalised words that ``prose`` uses alone in the middle of a sentence.

    A run of capitalised words ("Experimental Brain Research") is most likely
    itself a title in title case, so only words between lower-case ones count.
    """
    found = set()
    tokens = re.findall(r"[\w'\u2019-]+|[^\w\s]", prose)
    for i in range(1, len(tokens) - 1):
        before, word, after = tokens[i - 1], tokens[i], tokens[i + 1]
        if (re.fullmatch(r"[A-Z][a-z'\u2019-]+", word) and before[:1].islower()
                and not after[:1].isupper() and word.lower() not in _LOWER_TITLE_WORDS):
            found.add(re.sub(r"['\u2019]s$", "", word))
    return frozenset(found)
