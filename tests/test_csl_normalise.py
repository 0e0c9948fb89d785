"""Normalising converted CSL items: particles, editions, braces, sentence case, article numbers."""

from __future__ import annotations

import pytest

from quire.entries.csl_normalise import (edition_number, normalise_item, particle_in_place,
                                         title_in_sentence_case)


@pytest.mark.parametrize("name, expected", [
    ({"family": "Aert", "given": "R. C. M. van"},
     {"family": "Aert", "given": "R. C. M.", "non-dropping-particle": "van"}),
    ({"family": "Kolk", "given": "Bessel van der"},
     {"family": "Kolk", "given": "Bessel", "non-dropping-particle": "van der"}),
    ({"family": "Waal", "given": "Frans", "dropping-particle": "de"},
     {"family": "Waal", "given": "Frans", "non-dropping-particle": "de"}),
    ({"family": "De Jong", "given": "Pieter"}, {"family": "De Jong", "given": "Pieter"}),
    ({"family": "al", "given": "De Jong", "dropping-particle": "et"},
     {"family": "al", "given": "De Jong", "dropping-particle": "et"}),
    ({"family": "Smith", "given": "van"}, {"family": "Smith", "given": "van"}),
])
def test_particles_go_where_apa_puts_them(name, expected):
    assert particle_in_place(name) == expected


@pytest.mark.parametrize("text, number", [
    ("Fourth edition", "4"), ("Third", "3"), ("4th ed.", "4"), ("2nd", "2"), ("12", "12"),
    ("twentieth Edition", "20"), ("Rev. ed.", "Rev. ed."), ("Revised", "Revised")])
def test_editions_become_numbers(text, number):
    assert edition_number(text) == number


def test_blanket_protection_is_ignored_and_real_protection_kept():
    blanket = "How Animals Do Business: The Evolution of Fairness in Primates"
    assert title_in_sentence_case(blanket, ("Animals", "Do", "Business", "The", "Evolution",
                                            "Fairness", "Primates")) == \
        "How animals do business: The evolution of fairness in primates"
    assert title_in_sentence_case("The DNA of Bayesian start-up success", ("DNA", "Bayesian")) \
        == "The DNA of Bayesian start-up success"
    assert title_in_sentence_case("Mirrors in the Brain: How Our Minds Share Actions", None) \
        == "Mirrors in the brain: How our minds share actions"
    assert title_in_sentence_case("The mirror-neuron system", None) == "The mirror-neuron system"


def test_item_normalised_as_apa_prints_it():
    item = normalise_item({
        "id": "x", "type": "article-journal", "title": "", "genre": "{SSRN Scholarly Paper}",
        "author": [{"literal": "World Health Organization"}],
        "publisher": "World Health Organization", "page": "e0175302", "edition": "Fourth edition",
        "container-title": "Journal of Things and Stuff Here", "issued": {"date-parts": [[2019]]}})
    assert item == {"id": "x", "type": "article-journal", "genre": "SSRN Scholarly Paper",
                    "author": [{"literal": "World Health Organization"}], "number": "e0175302",
                    "edition": "4", "container-title": "Journal of Things and Stuff Here",
                    "issued": {"date-parts": [[2019]]}}
    chapter = normalise_item({"type": "chapter", "container-title": "The Social Neuroscience of "
                              "Empathy", "page": "e12", "type-extra": ""})
    assert chapter == {"type": "chapter", "page": "e12",
                       "container-title": "The social neuroscience of empathy"}
    assert normalise_item({"type": "", "title": "T"}) == {"title": "T"}
