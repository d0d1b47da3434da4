"""Tests for the identifier component (passports, permits, letter numbers, phones, NIP, visas)."""

from __future__ import annotations

import pytest

from extractors.nlp.identifiers import normalise_nip, normalise_phone


def found(nlp, text: str) -> list[tuple[str, str, str]]:
    doc = nlp(text)
    return [(s.text, s._.id_kind, s._.value) for s in doc.spans["identifier"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Petugas mengamankan ZL (35) berpaspor Tiongkok nomor E12345678 di Kuta.",
            [("E12345678", "passport", "E12345678")],
        ),
        (
            "Pemegang paspor EK1234567 dan P1234567A diperiksa petugas.",
            [("EK1234567", "passport", "EK1234567"), ("P1234567A", "passport", "P1234567A")],
        ),
        ("No. Paspor: A 1234567 atas nama RK.", [("A 1234567", "passport", "A1234567")]),
        ("PASSPORT NO. k9876543 EXPIRED", [("k9876543", "passport", "K9876543")]),
        (
            "Ia memegang KITAS nomor 2C21JD1234-AB yang berlaku hingga 12-10-2026.",
            [("2C21JD1234-AB", "permit", "2C21JD1234-AB")],
        ),
        (
            "Pemegang ITAP No. 2D11AB0456-XY bekerja di Sanur.",
            [("2D11AB0456-XY", "permit", "2D11AB0456-XY")],
        ),
        (
            "Ia menunjukkan paspor dan KITAS nomor 2C21JD1234-AB kepada petugas.",
            [("2C21JD1234-AB", "permit", "2C21JD1234-AB")],
        ),
        (
            "Nomor : W.15.IMI.IMI.4-GR.04.03-1234\nSifat : Segera",
            [("W.15.IMI.IMI.4-GR.04.03-1234", "letter_number", "W.15.IMI.IMI.4-GR.04.03-1234")],
        ),
        (
            "Nomor: IMI.2-GR.04.03-3350    Denpasar, 14 Oktober 2026",
            [("IMI.2-GR.04.03-3350", "letter_number", "IMI.2-GR.04.03-3350")],
        ),
        (
            "KEPOLISIAN RESOR BADUNG\nNo.: B/123/X/2026/Reskrim\nLampiran : -",
            [("B/123/X/2026/Reskrim", "letter_number", "B/123/X/2026/Reskrim")],
        ),
        ("Hubungi 0812-3456-7890 bila ada WNA.", [("0812-3456-7890", "phone", "+6281234567890")]),
        ("Pengaduan: (0361) 123 456.", [("(0361) 123 456", "phone", "+62361123456")]),
        ("WA +62 812 3456 7890 siaga.", [("+62 812 3456 7890", "phone", "+6281234567890")]),
        ("Nomor pelapor 6281234567890.", [("6281234567890", "phone", "+6281234567890")]),
        ("Telp. 0361 234567 (kantor).", [("0361 234567", "phone", "+62361234567")]),
        ("Laporan ke nomor (0362) 41 510.", [("(0362) 41 510", "phone", "+6236241510")]),
        ("Sekretariat, telp. 0362 21 445.", [("0362 21 445", "phone", "+6236221445")]),
        ("Fax +62 (0361) 765432.", [("+62 (0361) 765432", "phone", "+62361765432")]),
        (
            "Kepala Seksi,\nI Made Wirawan\nNIP 19750921 199703 1 001",
            [("19750921 199703 1 001", "nip", "197509211997031001")],
        ),
        ("NIP. 198001012005011002", [("198001012005011002", "nip", "198001012005011002")]),
        (
            "Ia masuk dengan visa B211A lalu beralih ke C312 dan E33G.",
            # Spans follow token boundaries: the tokenizer keeps "G." together.
            [("B211A", "visa", "B211A"), ("C312", "visa", "C312"), ("E33G.", "visa", "E33G")],
        ),
        (
            "Turis itu datang memakai VoA, bukan visa on arrival elektronik.",
            [("VoA", "visa", "VOA"), ("visa on arrival", "visa", "VOA")],
        ),
    ],
)
def test_identifiers_kinds_and_values(identifiers_nlp, text, expected):
    assert found(identifiers_nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Ia dijerat Pasal 78 UU No. 6 Tahun 2011 tentang Keimigrasian.",
        "Sesuai Undang-Undang Nomor 6 Tahun 2011 dan PP No. 48 Tahun 2021.",
        "Denda Rp 5.000.000 atau Rp 62.812.000 dibayarkan tunai.",
        "Rapat digelar 16/10/2024 dan 16-10-2024 di aula.",
        "Paspor miliknya ditahan sejak 2019 oleh agen perjalanan.",
        "KITAS yang berlaku hingga 12-10-2026 masih disimpan.",
        "Rumahnya di Blok A123 nomor 7.",
        "Sebanyak 1.250 WNA tercatat di wilayah itu pada 2025.",
    ],
)
def test_identifiers_no_false_positives(identifiers_nlp, text):
    assert found(identifiers_nlp, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("+62 812-3456-7890", "+6281234567890"),
        ("(0361) 123456", "+62361123456"),
        ("021 5551234", "+62215551234"),
        ("12345", None),
        ("0812", None),
    ],
)
def test_identifiers_normalise_phone(text, expected):
    assert normalise_phone(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("19750921 199703 1 001", "197509211997031001"),
        ("19751341 199703 1 001", None),  # month 13 is not a birth date
        ("19750921 199713 1 001", None),  # appointment month 13
        ("1975092119970310", None),
    ],
)
def test_identifiers_normalise_nip(text, expected):
    assert normalise_nip(text) == expected
