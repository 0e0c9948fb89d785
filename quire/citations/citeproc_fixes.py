"""Where citeproc-py departs from the CSL specification, and the fixes, in one place.

citeproc-py (0.11.1) is the citation engine of the book. Its gaps, and where
each is closed:

- ``text-case`` on a ``<label>`` is ignored (labels are rendered without a
  language, and title case is then skipped as "not English"): APA's editor
  labels come out "(eds.)" instead of "(Eds.)". Fixed here: text case falls
  back to the style's default locale.
- Variables used in a ``<substitute>`` are not suppressed in the rest of the
  entry (CSL 1.0.2, "Substitution"): an edited book repeats its editors, "Decety,
  J., & Ickes, W. (Eds.). (2009). *Title* (J. Decety & W. Ickes, Eds.)." Fixed
  here: ``<names>`` skips the roles its layout has already substituted, and
  every text and number variable a substitute rendered (through macros too)
  is suppressed with its label: a work without an author names its title once.
- CSL 1.0.2 name and date variables it does not know (``director``, ``host``,
  ``available-date``, ...) were read as strings and stopped the book.
- A ``<group>`` counts every branch of a ``<choose>``, not the one taken;
  date ranges put the differing parts first; a literal date is printed
  once (:mod:`quire.citations.citeproc_dates`); title case stops at hyphens and
  opening parentheses; a lower-case part after a hyphen becomes ". lu .";
  sort keys compare markup, "&" and name punctuation, and lose the sort's
  name options inside nested macros. Fixed here, each in its own function.
- ``is-numeric="locator"`` looks for a ``locator`` field in the reference, not
  at the citation's locator: "(…, 2004, chap. 2)" lost its label "Chapter".
  Fixed here.
- No disambiguation: :mod:`quire.citations.disambiguation` (its ``Name``
  patch is installed here).
- No author-in-text or suppress-author modes,
  no ``collapse="year"``, and punctuation doubled at affix boundaries
  ("goes?."): handled in :mod:`quire.citations.engine`, from the style's own
  attributes and the locale's terms.
- The bibliography comes out in registration order unless
  ``CitationStylesBibliography.sort`` is called: the engine calls it.

:func:`apply` installs the patches once; they change behaviour only where
citeproc-py disagrees with the specification.
"""

from __future__ import annotations

import functools
import html
import re
from typing import Any

from . import disambiguation
from .citeproc_dates import literal_dates_once


@functools.cache
def apply() -> None:
    """Patch citeproc-py where it departs from CSL 1.0.2 (the module's list)."""
    import citeproc
    from citeproc import model

    # CSL 1.0.2 name and date variables citeproc-py 0.11 does not know: their values were
    # read as strings, and rendering them stopped at "'String' object has no attribute 'parts'".
    citeproc.NAMES.extend(name for name in NAME_VARIABLES if name not in citeproc.NAMES)
    citeproc.DATES.extend(date for date in DATE_VARIABLES if date not in citeproc.DATES)

    original_case = model.TextCased.case

    def case(self, text, language=None):  # type: ignore[no-untyped-def]
        if language is None:
            language = (self.get_root().get("default-locale") or "en")[:2]
        return original_case(self, text, language)

    def title_case(self, text, language=None):  # type: ignore[no-untyped-def]
        cased = case(self, text, language)
        if self.get("text-case") != "title" or cased is text:
            return cased
        return " ".join(_title_case_parts(word, self._stop_words) for word in str(cased).split(" "))

    model.TextCased.case = title_case

    original_process = model.Names.process

    def process(self, item, names_context=None, context=None, **kwargs):  # type: ignore[no-untyped-def]
        layout = (context if context is not None else self).get_layout()
        repressed = getattr(layout, "repressed", {}).get(self.tag, [])
        variable = self.get("variable", "")
        roles = [role for role in variable.split() if role not in repressed]
        if not roles:
            raise model.VariableError
        if len(roles) == len(variable.split()):
            return original_process(self, item, names_context=names_context,
                                    context=context, **kwargs)
        self.set("variable", " ".join(roles))  # rendering is single-threaded
        try:
            return original_process(self, item, names_context=names_context,
                                    context=context, **kwargs)
        finally:
            self.set("variable", variable)

    model.Names.process = process

    original_is_numeric = model.If._is_numeric

    def is_numeric(self, item):  # type: ignore[no-untyped-def]
        results = original_is_numeric(self, item)
        variables = self.get("is-numeric").split()
        return [result or (name == "locator" and item.has_locator
                           and NUMERIC.match(str(item.locator.identifier)) is not None)
                for name, result in zip(variables, results)]

    model.If._is_numeric = is_numeric

    _suppress_substituted_text(model)
    _remember_xpath(model)
    original_initialize = model.Name.initialize

    def initialize(self, given, mark, context):  # type: ignore[no-untyped-def]
        # a lower-case part after a hyphen ("Yen-lu") is no initial: citeproc-py
        # printed "Y.-. lu ."; pandoc's citeproc prints "Y."
        return original_initialize(self, LOWER_HYPHEN_PART.sub("", given), mark, context)

    model.Name.initialize = initialize
    _groups_see_the_branch_taken(model)
    _date_ranges_in_order(model)
    literal_dates_once(model)
    _sort_on_plain_text(model)
    disambiguation.install(model)


def _remember_xpath(model) -> None:  # type: ignore[no-untyped-def]
    """Each element answers an XPath question once (the style's tree does not change).

    citeproc-py asks the same questions (the layout, the macro, the citation
    or bibliography ancestor) for every element of every item: a third of the
    time of a 500-work book went to ``xpath``. The answers are kept on the
    element, and go with it.
    """
    original = model.CitationStylesElement.xpath_search

    def xpath_search(self, expression):  # type: ignore[no-untyped-def]
        cache = self.__dict__.setdefault("xpath_answers", {})
        if expression not in cache:
            cache[expression] = original(self, expression)
        return cache[expression]

    model.CitationStylesElement.xpath_search = xpath_search


def _title_case_parts(word: str, stop_words: list[str]) -> str:
    """Title case inside a word, as citeproc-js and pandoc do: "Data-Driven", "(Volume 3".

    citeproc-py capitalises only a word's first character, so a word after a
    hyphen or an opening parenthesis or quote stayed lower case.
    """
    def capital(match: re.Match[str]) -> str:
        lead, core = match.group(1), match.group(2)
        if core.islower() and (core not in stop_words or not lead.endswith("-")):
            core = core[0].upper() + core[1:]
        return lead + core
    return WORD_PART.sub(capital, word)


def _suppress_substituted_text(model) -> None:  # type: ignore[no-untyped-def]
    """Every text and number variable a ``<substitute>`` rendered is suppressed in the rest of the item.

    citeproc-py records only the substitute's direct child: a title substituted
    through a macro (APA's ``author-title-substitute``) came out twice, in the
    author position and again in the title position.
    """
    def recorded(original):  # type: ignore[no-untyped-def]
        def render_variable(self, item, context=None, **kwargs):  # type: ignore[no-untyped-def]
            layout = (context if context is not None else self).get_layout()
            name = self.get("variable")
            if name in getattr(layout, "repressed", {}).get(self.tag, ()):
                return None
            text = original(self, item, context, **kwargs)
            if text and getattr(layout, "recording", None) is not None:
                layout.recording.append((self.tag, name))
            return text
        return render_variable

    model.Text._variable = recorded(model.Text._variable)
    model.Number.process = recorded(model.Number.process)
    original_label = model.Label.process

    def label(self, item, variable=None, plural=None, context=None, **kwargs):  # type: ignore[no-untyped-def]
        if variable is None and context is not None:  # a <label> of its own, not a role's
            name = self.get("variable")
            if any(name in names for names in getattr(context.get_layout(), "repressed",
                                                      {}).values()):
                return None  # the label of a substituted number goes with it
        return original_label(self, item, variable, plural, context, **kwargs)

    model.Label.process = label

    def render(self, item, context=None, **kwargs):  # type: ignore[no-untyped-def]
        layout = (context if context is not None else self).get_layout()
        for child in self.getchildren():
            outer, layout.recording = getattr(layout, "recording", None), []
            try:
                if isinstance(child, model.Names) and child.name is None:
                    names = self.xpath_search("./parent::cs:names[1]")[0]
                    text = child.render(item, names_context=names, context=context, **kwargs)
                else:
                    text = child.render(item, context=context, **kwargs)
            except model.VariableError:
                continue
            finally:
                recorded, layout.recording = layout.recording, outer
            if text:
                self.add_to_repressed_list(child, context)
                for tag, name in recorded:
                    layout.repressed.setdefault(tag, []).append(name)
                if outer is not None:
                    outer.extend(recorded)
                return text
        return None

    model.Substitute.render = render


def _groups_see_the_branch_taken(model) -> None:  # type: ignore[no-untyped-def]
    """A group is suppressed when the variables of the ``<choose>`` branch it took are empty.

    CSL 1.0.2 ("Group"): a group that calls variables and renders none is
    suppressed; a ``<choose>`` counts by the branch taken. citeproc-py counted
    every branch, so a term in the taken branch passed for a variable: a thesis
    with no number printed "(Publication)" (APA's ``identifier-number``).
    """
    taken: dict[int, Any] = {}

    def choose(self, item, context=None, delimiter="", **kwargs):  # type: ignore[no-untyped-def]
        taken[id(self)] = None
        for branch in self.getchildren():
            try:
                text = branch.render(item, context=context, delimiter=delimiter, **kwargs)
            except model.ConditionFailed:
                continue
            taken[id(self)] = branch
            return text
        return None

    def calls(child: Any) -> bool:
        if isinstance(child, model.Choose):
            branch = taken.get(id(child))
            return branch is not None and branch.calls_variable()
        return bool(child.calls_variable())

    def group(self, item, context=None, **kwargs):  # type: ignore[no-untyped-def]
        output, called, rendered = [], False, False
        delimiter = self.get("delimiter", "")
        for child in self.iterchildren():
            is_choose = isinstance(child, model.Choose)
            called = called or (not is_choose and child.calls_variable())
            try:
                text = (child.render(item, context=context, delimiter=delimiter, **kwargs)
                        if is_choose else child.render(item, context=context, **kwargs))
            except model.VariableError:
                continue
            finally:
                called = called or (is_choose and calls(child))
            if text is not None:
                output.append(text)
                rendered = rendered or calls(child)
        if output and (not called or rendered):
            return self.join(output)
        raise model.VariableError

    model.Choose.render = choose
    model.Group.process = group


def _date_ranges_in_order(model) -> None:  # type: ignore[no-untyped-def]
    """A date range keeps the date's own order of parts: "August 8–11, 2019".

    citeproc-py put the differing parts first and the shared ones after
    ("8,–11, August 2019"). CSL 1.0.2 ("Date Ranges"): the parts both dates
    share are rendered once, in place; the differing ones as a range, without
    the suffix of the range's first half and the prefix of its second.
    """
    original = model.Date.render_date_range

    def render_date_range(self, date_range, show_parts=None, context=None):  # type: ignore[no-untyped-def]
        begin, end = date_range.begin, date_range.end
        if end.is_nil():
            return original(self, date_range, show_parts, context)
        try:
            differs = next((i for i, part in enumerate(("year", "month", "day"))
                            if getattr(begin, part) != getattr(end, part)), 3)
        except model.VariableError:  # a part missing on one side
            return original(self, date_range, list(show_parts), context)
        varying = set(("year", "month", "day")[differs:])
        parts = [p for p in self.iterchildren() if p.get("name") in show_parts]
        pieces: list[Any] = []
        run: list[Any] = []
        for part in parts + [None]:
            if part is not None and part.get("name") in varying:
                run.append(part)
                continue
            if run:
                first = _rendered(run, begin, context, ("suffix", len(run) - 1))
                second = _rendered(run, end, context, ("prefix", 0))
                pieces.append(first + self.unicode_character("EN DASH") + second)
                run = []
            if part is not None:
                pieces.append(_rendered([part], begin, context))
        style_context = context if self.is_locale_date() else self
        return style_context.join([p for p in pieces if p]) if pieces else None

    model.Date.render_date_range = render_date_range


def _rendered(parts: list[Any], date: Any, context: Any,
              dropped: tuple[str, int] | None = None) -> Any:
    """Date parts of ``date`` joined, as citeproc-py strings, one affix ``dropped``
    (("suffix", i): part i's suffix) at the dash of a range."""
    text = None
    for index, part in enumerate(parts):
        affix = dropped[0] if dropped is not None and dropped[1] == index else None
        saved = part.attrib.pop(affix, None) if affix else None
        try:
            piece = part.render(date, context)
        finally:
            if affix and saved is not None:
                part.set(affix, saved)
        if piece is not None:
            text = piece if text is None else text + piece
    return text if text is not None else ""


def _sort_on_plain_text(model) -> None:  # type: ignore[no-untyped-def]
    """Macro sort keys compare as text, and names as names (APA 7, 9.44-9.46).

    citeproc-py compares a macro's rendered output, markup included, so an
    authorless book ("<i>Merriam-Webster's …</i>") sorted before every author;
    and names joined by ", " and "&" sorted "Badre, D., & Wagner" before
    "Badre, D., Poldrack" and "Stuss, D. T." before "Stuss, D.". In sort keys,
    names are joined by characters that sort before any letter, without "&",
    and a macro called inside a sort key's macro keeps the sort's name options
    (citeproc-py dropped them at ``<text macro>``).
    """
    original_name = model.Name.process

    def name(self, item, variable, context=None, sort_options=None, **kwargs):  # type: ignore[no-untyped-def]
        if sort_options is not None:
            sort_options = dict(sort_options, delimiter=NAME_BREAK, **{"and": None,
                                "sort-separator": PART_BREAK})
        return original_name(self, item, variable, context, sort_options, **kwargs)

    model.Name.process = name
    original_text = model.Text.process

    def text(self, item, context=None, **kwargs):  # type: ignore[no-untyped-def]
        sort_options = kwargs.get("sort_options")
        if sort_options is None or "macro" not in self.attrib:
            return original_text(self, item, context, **kwargs)
        # a macro called from a sort key's macro keeps the sort's name options
        try:
            language = item.reference.language[:2]
        except model.VariableError:
            language = self.get_root().get("default-locale", "en")[:2]
        macro = self.get_macro(self.get("macro"))
        return macro.render(item, context if context is not None else self,
                            sort_options=sort_options), language

    model.Text.process = text

    original_sort_keys = model.Key.sort_keys

    def sort_keys(self, items, context):  # type: ignore[no-untyped-def]
        keys = original_sort_keys(self, items, context)
        if "macro" not in self.attrib:
            return keys
        return [None if key is None else html.unescape(MARKUP.sub("", str(key)))
                for key in keys]

    model.Key.sort_keys = sort_keys


#: CSL 1.0.2's name variables (Appendix IV), as citeproc-py spells them.
NAME_VARIABLES = ("author", "chair", "collection_editor", "compiler", "composer",
                  "container_author", "contributor", "curator", "director", "editor",
                  "editorial_director", "editor_translator", "executive_producer", "guest",
                  "host", "illustrator", "interviewer", "narrator", "organizer",
                  "original_author", "performer", "producer", "recipient", "reviewed_author",
                  "script_writer", "series_creator", "translator")
#: CSL 1.0.2's date variables.
DATE_VARIABLES = ("accessed", "available_date", "event_date", "issued", "original_date",
                  "submitted")

#: Between two names, and between family and given name, in a sort key.
NAME_BREAK, PART_BREAK = "\x01", "\x02"

#: A given name's part after a hyphen that starts lower case.
LOWER_HYPHEN_PART = re.compile(r"-[a-z\u00df-\u00ff]\w*")

#: A part of a word after a hyphen, or after the opening punctuation that starts the word.
WORD_PART = re.compile(r"((?:^[(\[\u201c\u2018\"']+)|(?<=\w)-)([^\W\d_][\w']*)")

#: HTML markup in citeproc-py's rendered text.
MARKUP = re.compile(r"<[^>]+>")

#: CSL's "numeric" test: numbers, optionally with affixes, in ranges or lists ("3-5", "12a").
NUMERIC = re.compile(r"^\s*[A-Za-z]*\d+[A-Za-z]*(?:\s*[-\u2013,&]\s*[A-Za-z]*\d+[A-Za-z]*)*\s*$")
