"""The Chinese name "Yang" against the Indonesian pronoun "yang" in people extraction.

In mixed-case text a capitalised "Yang" next to a name word is part of the name ("Liu
Yang", "bernama Yang Hua"); the lower-case pronoun still ends a name; honorifics ("Yang
Mulia", "Yang Terhormat"), headlines and text in capitals keep "Yang" out of names.
"""

from __future__ import annotations

import pytest
import spacy

import extractors.nlp.identifiers  # noqa: F401  (registers the factories)
import extractors.nlp.nationality  # noqa: F401
import extractors.nlp.organisations  # noqa: F401
import extractors.nlp.places  # noqa: F401
from extractors.facts import extract_facts
from extractors.nlp.people import COMPONENTS as PEOPLE
from models.records import FactKind

RULES = (
    "sentencizer",
    "pantau_nationality",
    "pantau_places",
    "pantau_organisations",
    "pantau_identifiers",
    *PEOPLE,
)


@pytest.fixture(scope="module")
def rules_nlp():
    pipeline = spacy.blank("id")
    for name in RULES:
        pipeline.add_pipe(name)
    return pipeline


def foreigners(text: str) -> dict[str, str | None]:
    """The named foreign nationals of the text (groups aside) and their nationalities."""
    facts = extract_facts([(1, text)]).facts
    return {
        f.value: f.attributes.get("nationality")
        for f in facts
        if f.kind is FactKind.FOREIGN_NATIONAL and f.attributes.get("name_kind") != "group"
    }


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "Tim Pora Kabupaten Karimun memeriksa warga negara Tiongkok bernama Chen Yang "
            "di sebuah galangan kapal.",
            {"Chen Yang"},
        ),
        (
            "Petugas mendata Guo Yang (29), WN Tiongkok, di lokasi tambang nikel Kabupaten Konawe.",
            {"Guo Yang"},
        ),
        (
            "Dua TKA asal Tiongkok bernama Hu Jun dan Ma Yang dipulangkan ke negaranya.",
            {"Hu Jun", "Ma Yang"},
        ),
        (
            "Daftar WNA yang didata:\n1. Deng Yang, Tiongkok, paspor EH7654321;\n"
            "2. Tan Boon Hock, Malaysia, paspor A41234567.",
            {"Deng Yang", "Tan Boon Hock"},
        ),
    ],
)
def test_people_yang_capitalised_after_a_name_word_is_part_of_the_name(text, names):
    assert set(foreigners(text)) == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "Kantor Imigrasi Bitung menahan WNA Tiongkok bernama Zhou Yang yang bekerja tanpa "
            "izin di pabrik pengolahan ikan.",
            {"Zhou Yang"},
        ),
        (
            "Petugas memeriksa WN Tiongkok bernama Li Wei yang tinggal di sebuah rumah kontrakan.",
            {"Li Wei"},
        ),
    ],
)
def test_people_yang_lower_case_pronoun_still_ends_a_name(text, names):
    assert set(foreigners(text)) == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "Imigrasi Sambas mendeportasi WN Tiongkok bernama Yang Lei karena izin tinggalnya "
            "telah habis.",
            {"Yang Lei"},
        ),
        (
            "Seorang TKA asal Tiongkok, Yang Bo (52), diamankan petugas di sebuah smelter.",
            {"Yang Bo"},
        ),
    ],
)
def test_people_yang_surname_opens_a_name_after_a_cue(text, names):
    assert set(foreigners(text)) == names


@pytest.mark.parametrize(
    "text",
    [
        "Yang Mulia Duta Besar Tiongkok untuk Indonesia meninjau pelabuhan di Kota Bitung.",
        "Acara itu dihadiri Yang Mulia Duta Besar Republik Rakyat Tiongkok.",
        "Kepada Yang Terhormat Kepala Kantor Imigrasi Kelas II Sambas di Sambas.",
        "Dengan rahmat Tuhan Yang Maha Esa, rapat Timpora Kabupaten Sambas dibuka.",
    ],
)
def test_people_yang_honorifics_name_no_one(text):
    assert foreigners(text) == {}


def test_people_yang_sentence_opening_pronoun_is_not_a_name():
    text = (
        "Warga negara Tiongkok bernama Sun Hao ditahan di Rudenim. Yang Bersangkutan "
        "akan dideportasi pekan depan."
    )
    assert set(foreigners(text)) == {"Sun Hao"}


@pytest.mark.parametrize(
    "text",
    [
        # a title-case headline capitalises the pronoun too
        "Imigrasi Karimun Amankan Zhou Yang Yang Bekerja Tanpa Izin\n"
        "Petugas memeriksa WN Tiongkok bernama Zhou Yang di Kabupaten Karimun.",
        # so does text in capitals: there "Yang" is left out of names, as before
        "PETUGAS MENDATA WNA TIONGKOK AN. ZHOU YANG YANG BEKERJA DI PABRIK PENGOLAHAN IKAN.",
    ],
)
def test_people_yang_headlines_and_capitals_never_join_the_pronoun(text):
    names = foreigners(text)
    assert not any("yang yang" in n.lower() or "bekerja" in n.lower() for n in names), names


def test_people_yang_ner_span_grows_over_the_given_name(rules_nlp):
    text = "Petugas memeriksa warga negara Tiongkok bernama Liu Yang di sebuah hotel."
    doc = rules_nlp.make_doc(text)
    start = text.index("Liu")
    doc.ents = [doc.char_span(start, start + len("Liu"), label="PERSON")]  # as the NER cuts it
    for _, component in rules_nlp.pipeline:
        doc = component(doc)
    found = {s.text: s for s in doc.spans["person"]}
    assert set(found) == {"Liu Yang"}
    assert (found["Liu Yang"]._.person_role, found["Liu Yang"]._.nationality) == (
        "foreign_national",
        "CN",
    )
