"""Letter and minutes fields (pantau_letter): numbers, subjects, signatories, lists."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

import extractors.nlp.letter  # noqa: F401  (registers the factory)
from extractors.facts import extract_facts
from models.records import FactKind

DATA = Path(__file__).parent / "data" / "paperwork"


@pytest.fixture(scope="module")
def letter_nlp():
    nlp = spacy.blank("id")
    nlp.add_pipe("pantau_letter")
    return nlp


def fields(nlp, text: str) -> list[tuple[str, str]]:
    """(field, value) of every letter field span, in text order."""
    doc = nlp(text)
    return [(s._.letter_field, s._.field_value) for s in doc.spans["letter_field"]]


def test_letter_reads_the_furniture_of_a_letter(letter_nlp):
    found = fields(letter_nlp, (DATA / "surat-deportasi-denpasar.txt").read_text())
    assert found == [
        ("number", "W.20.IMI.1-GR.02.03-1187"),
        ("nature", "Segera"),
        ("attachment", "1 (satu) berkas"),
        ("subject", "Pendeportasian WNA atas nama Lukas Brandt"),
        ("place_date", "Denpasar, 14 April 2026"),
        ("addressee", "Kepala Rumah Detensi Imigrasi Denpasar"),
        ("signatory", "Ketut Darmayasa"),
        ("signatory_nip", "197803122001121002"),
        ("cc", "Direktur Jenderal Imigrasi"),
        ("cc", "Kepala Kantor Wilayah Bali"),
    ]


def test_letter_reads_meeting_minutes(letter_nlp):
    found = fields(letter_nlp, (DATA / "notulen-timpora-badung.txt").read_text())
    assert found == [
        ("meeting_date", "Selasa, 10 Maret 2026"),
        ("meeting_time", "09.00 WITA s.d. selesai"),
        ("meeting_place", "Aula Kantor Camat Kuta Selatan"),
        ("chair", "Made Sukarta"),
        ("minute_taker", "Ni Luh Ayu Kartini"),
        ("participant", "Kantor Imigrasi Ngurah Rai"),
        ("participant", "Polres Badung"),
        ("participant", "Kodim 1611/Badung"),
        ("participant", "Kesbangpol Badung"),
        ("decision", "Operasi gabungan dilaksanakan pada minggu ketiga Maret"),
        ("decision", "Data vila yang disewakan kepada WNA dikirim ke Kantor Imigrasi"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Nama : Lukas Brandt\nTempat/Tgl Lahir : Hamburg, 14-03-1979\nNo. Paspor : C4F7K2L91",
        "Petugas menemukan nomor paspor palsu. Tempatnya di Kuta.",
        "Peserta rapat sepakat melanjutkan operasi.",
        "Senin, 16 November 2026",
        "x" * 5000 + ": " + "y" * 5000,
    ],
)
def test_letter_person_fields_and_prose_are_not_letter_fields(letter_nlp, text):
    assert fields(letter_nlp, text) == []


def test_letter_fields_become_facts_with_the_sender_agency():
    text = (DATA / "surat-deportasi-denpasar.txt").read_text()
    facts = extract_facts([(1, text)]).facts
    by_field = {
        f.attributes["field"]: f for f in facts if f.kind == FactKind.DOCUMENT_FIELD
    }
    assert by_field["number"].value == "W.20.IMI.1-GR.02.03-1187"
    assert by_field["sender"].value.lower().startswith("kantor imigrasi kelas i tpi denpasar")
    number = by_field["number"]
    assert text[number.start : number.end] == "W.20.IMI.1-GR.02.03-1187"
