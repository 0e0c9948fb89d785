"""APA sentence case for Title Case titles, keeping acronyms and proper nouns."""

from quire.entries.sentence_case import is_title_case, proper_nouns, sentence_case


def test_title_case_is_recognised():
    assert is_title_case("Mirrors in the Brain: How Our Minds Share Actions and Emotions")
    assert not is_title_case("The roots of empathy: The shared manifold hypothesis")


def test_sentence_case_keeps_first_words_acronyms_and_proper_nouns():
    assert sentence_case("Mirroring People: The New Science of How We Connect with Others") == (
        "Mirroring people: The new science of how we connect with others")
    assert sentence_case("What I Learned About DNA From Freud and IJzendoorn",
                         frozenset({"Freud"})) == (
        "What I learned about DNA from Freud and IJzendoorn")
    assert sentence_case("Trauma and Recovery: The Aftermath of Violence\u2014From Abuse") == (
        "Trauma and recovery: The aftermath of violence\u2014From abuse")


def test_proper_nouns_come_from_lone_capitals_in_prose():
    prose = ("Researchers at the University of Parma studied it; later Rizzolatti's team "
             "published in Experimental Brain Research.")
    assert {"Parma", "Rizzolatti"} <= proper_nouns(prose)
    assert "Brain" not in proper_nouns(prose)  # part of a capitalised run: a title
