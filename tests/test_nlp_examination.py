"""Examination records (BAP): what the answers make of the incidents asked about."""

from __future__ import annotations

import pytest

from extractors.nlp.examination import answer_polarity, exchanges
from extractors.nlp.pipeline import load_pipeline


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def bap(*exchanges_: tuple[str, str]) -> str:
    """An examination record of one Thai national with the given questions and answers."""
    head = (
        "BERITA ACARA PEMERIKSAAN\n\n"
        "Pada hari ini Rabu tanggal 11 November 2026, saya:\n"
        "Nama              : Yohana Br Tarigan\n"
        "NIP               : 19900214 201502 2 001\n"
        "telah melakukan pemeriksaan terhadap seorang laki-laki yang mengaku:\n"
        "Nama lengkap      : SOMCHAI PRASERTWONG\n"
        "Kewarganegaraan   : Thailand\n"
        "Nomor paspor      : AB4471902\n\n"
    )
    body = "\n\n".join(
        f"Pertanyaan {n} : {question}\nJawaban      : {answer}"
        for n, (question, answer) in enumerate(exchanges_, start=1)
    )
    return head + body + "\n\nYang diperiksa,                  Pemeriksa,\n"


def statuses(nlp, text: str) -> dict[str, set[str]]:
    """Statuses of each incident label in ``text``."""
    out: dict[str, set[str]] = {}
    for span in nlp(text).spans["incident"]:
        out.setdefault(span._.incident, set()).add(span._.status)
    return out


def examinee_incidents(nlp, text: str) -> list[str]:
    """The incidents tied to the examined foreigner."""
    doc = nlp(text)
    found: set[str] = set()
    for span in doc.spans["person"]:
        if span._.person_role == "foreign_national":
            found |= set(span._.incidents)
    return sorted(found)


def test_examination_answers_are_read_as_yes_or_no():
    assert answer_polarity(" Ya, pernah satu kali.") == "yes"
    assert answer_polarity(" Saya tahu, tetapi saya belum pulang.") == "yes"
    assert answer_polarity(" Tidak ada.") == "no"
    assert answer_polarity(" Saya belum pernah.") == "no"
    assert answer_polarity(" Saya lupa.") is None


def test_examination_questions_are_paired_with_their_answers():
    text = bap(
        ("Apakah Saudara sehat?", "Ya."),
        ("Di mana Saudara tinggal?", "Di Jalan Melati 4, Batam."),
        ("Apa benar Saudara pernah ditahan?", "Tidak."),
    )
    found = exchanges(text)
    assert [(e.yes_no, e.polarity) for e in found] == [
        (True, "yes"),
        (False, None),
        (True, "no"),
    ]
    assert text[slice(*found[1].answer)].strip() == "Di Jalan Melati 4, Batam."


def test_examination_a_no_negates_what_the_question_asks(nlp):
    text = bap(("Apakah Saudara pernah dideportasi dari Indonesia?", "Tidak pernah."))
    assert statuses(nlp, text)["deportation"] == {"negated"}
    assert "deportation" not in examinee_incidents(nlp, text)


def test_examination_a_yes_confirms_what_the_question_asks(nlp):
    text = bap(("Apakah Saudara pernah dideportasi dari Indonesia?", "Ya, pada tahun 2019."))
    assert statuses(nlp, text)["deportation"] == {"reported"}
    assert "deportation" in examinee_incidents(nlp, text)


def test_examination_an_answer_that_says_neither_leaves_the_question_open(nlp):
    text = bap(("Apakah Saudara pernah dideportasi dari Indonesia?", "Saya lupa."))
    assert statuses(nlp, text)["deportation"] == {"hypothetical"}


def test_examination_what_follows_bahwa_is_given_whatever_the_answer(nlp):
    text = bap(
        (
            "Apakah Saudara mengetahui bahwa izin tinggal Saudara telah berakhir?",
            "Tidak, saya tidak tahu.",
        )
    )
    assert examinee_incidents(nlp, text) == ["overstay"]


def test_examination_no_work_permit_for_someone_who_works_is_illegal_work(nlp):
    working = bap(
        ("Apa kegiatan Saudara di Batam?", "Saya bekerja sebagai juru masak di rumah makan."),
        ("Apakah Saudara memiliki izin kerja?", "Tidak ada."),
    )
    assert examinee_incidents(nlp, working) == ["illegal_work"]
    holding = bap(
        ("Apa kegiatan Saudara di Batam?", "Saya bekerja sebagai juru masak di rumah makan."),
        ("Apakah Saudara memiliki izin kerja?", "Ya, saya memiliki izin kerja."),
    )
    assert examinee_incidents(nlp, holding) == []
    idle = bap(
        ("Apa kegiatan Saudara di Batam?", "Saya berlibur bersama keluarga."),
        ("Apakah Saudara memiliki izin kerja?", "Tidak."),
    )
    assert examinee_incidents(nlp, idle) == []


def test_examination_a_visit_visa_and_work_in_the_next_answer_is_permit_misuse(nlp):
    text = bap(
        ("Dengan izin apa Saudara masuk ke Indonesia?", "Dengan visa kunjungan untuk wisata."),
        ("Apa kegiatan Saudara selama di Batam?", "Saya bekerja di bengkel las milik kenalan."),
    )
    assert "permit_misuse" in examinee_incidents(nlp, text)


def test_examination_no_to_entering_through_a_checkpoint_is_illegal_entry(nlp):
    text = bap(
        (
            "Apakah Saudara masuk ke Indonesia melalui tempat pemeriksaan imigrasi?",
            "Tidak, saya datang dengan perahu nelayan.",
        )
    )
    assert examinee_incidents(nlp, text) == ["illegal_entry"]
