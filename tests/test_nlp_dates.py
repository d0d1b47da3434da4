"""Tests for the Indonesian date component and the document-date finder."""

from __future__ import annotations

from datetime import date

import pytest
import spacy

from extractors.nlp.dates import find_document_date, infer_year


def spans_of(nlp, text: str, document_date: str | None = None) -> list[tuple[str, str | None, str]]:
    doc = nlp.make_doc(text)
    doc._.document_date = document_date
    doc = nlp(doc)
    return [(s.text, s._.date, s._.date_precision) for s in doc.spans["date"]]


@pytest.mark.parametrize(
    ("text", "document_date", "expected"),
    [
        ("Razia digelar pada 3 Desember 2023 di Kuta.", None, [("3 Desember 2023", "2023-12-03")]),
        (
            "Operasi dilaksanakan Minggu, 3 Desember 2023 malam.",
            None,
            [("Minggu, 3 Desember 2023", "2023-12-03")],
        ),
        (
            "Petugas memeriksa penginapan itu pada Rabu (16/10/2024) siang.",
            None,
            [("Rabu (16/10/2024)", "2024-10-16")],
        ),
        (
            "Keduanya diamankan Rabu (16/10) sekitar pukul 14.00 WITA.",
            "2024-11-02",
            [("Rabu (16/10)", "2024-10-16")],
        ),
        ("Berkas diterima 16/10/2024 oleh staf.", None, [("16/10/2024", "2024-10-16")]),
        ("Berkas diterima 16-10-2024 oleh staf.", None, [("16-10-2024", "2024-10-16")]),
        ("Berkas diterima 16.10.2024 oleh staf.", None, [("16.10.2024", "2024-10-16")]),
        (
            "Pelatihan tanggal 12 s.d. 14 Oktober 2026 di Mataram.",
            None,
            [("12", "2026-10-12"), ("14 Oktober 2026", "2026-10-14")],
        ),
        (
            "Sidang digelar 3 dan 4 Maret 2025.",
            None,
            [("3", "2025-03-03"), ("4 Maret 2025", "2025-03-04")],
        ),
        (
            "Pengawasan 28 Oktober sampai dengan 2 November 2026 di pesisir.",
            None,
            [("28 Oktober", "2026-10-28"), ("2 November 2026", "2026-11-02")],
        ),
        ("Ia tiba pada 5 November lalu.", "2026-11-20", [("5 November", "2026-11-05")]),
        ("Ia tiba pada 25 November lalu.", "2026-11-20", [("25 November", "2025-11-25")]),
        (
            "Sidang lanjutan dijadwalkan 5 Desember mendatang.",
            "2026-11-20",
            [("5 Desember", "2026-12-05")],
        ),
        ("Paspornya habis pada 3 Pebruari 2025.", None, [("3 Pebruari 2025", "2025-02-03")]),
        ("SURAT TANGGAL 1 NOPEMBER 2020", None, [("1 NOPEMBER 2020", "2020-11-01")]),
        (
            "Rapat 4 Agt. 2024 dan 9 Okt 2024.",
            None,
            [("4 Agt. 2024", "2024-08-04"), ("9 Okt 2024", "2024-10-09")],
        ),
        ("Laporan 17 Des 2023.", None, [("17 Des 2023", "2023-12-17")]),
        ("Izin tinggalnya berakhir 31 Jan. 2026.", None, [("31 Jan. 2026", "2026-01-31")]),
        ("Ia ditangkap 7 Juli tanpa keterangan lain.", None, [("7 Juli", None)]),
    ],
)
def test_dates_formats(dates_nlp, text, document_date, expected):
    found = [(text_, iso) for text_, iso, _ in spans_of(dates_nlp, text, document_date)]
    assert found == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Evaluasi Oktober 2026 menunjukkan kenaikan.", ("Oktober 2026", "2026-10-01", "month")),
        ("Sejak bulan Pebruari 2025 ia bekerja.", ("bulan Pebruari 2025", "2025-02-01", "month")),
        ("Ia tinggal di Bali sejak tahun 2019.", ("tahun 2019", "2019-01-01", "year")),
        ("Rapat 3 Desember 2023.", ("3 Desember 2023", "2023-12-03", "day")),
    ],
)
def test_dates_precision(dates_nlp, text, expected):
    assert spans_of(dates_nlp, text) == [expected]


@pytest.mark.parametrize(
    ("text", "document_date", "expected"),
    [
        # 14 Oct 2026 is a Wednesday.
        ("Tim turun ke lapangan Rabu (14/10).", "2026-11-20", "2026-10-14"),
        # 11 Mar 2026 is a Wednesday (after the document date, same year); 2025 is a Tuesday.
        ("Rapat digelar Rabu (11/3).", "2026-01-10", "2026-03-11"),
        ("Rapat digelar Selasa (11/3).", "2026-01-10", "2025-03-11"),
        # 31 Dec 2025 is a Wednesday: the previous year.
        ("Mereka tiba Rabu (31/12) malam.", "2026-01-02", "2025-12-31"),
        ("Keduanya diperiksa Kamis 22 Februari di kantor.", "2024-02-27", "2024-02-22"),
        # No year matches the weekday: the latest such date not after the document date.
        ("Keduanya diperiksa Jumat (14/10).", "2026-11-20", "2026-10-14"),
    ],
)
def test_dates_weekday_year_inference(dates_nlp, text, document_date, expected):
    assert [iso for _, iso, _ in spans_of(dates_nlp, text, document_date)] == [expected]


def test_dates_mismatched_weekday_kept_as_printed(dates_nlp):
    # 21 Oct 2025 was a Tuesday; the date is kept as printed.
    found = spans_of(dates_nlp, "Mereka diamankan Senin (21/10/2025) sore.", "2025-10-22")
    assert found == [("Senin (21/10/2025)", "2025-10-21", "day")]


@pytest.mark.parametrize(
    "text",
    [
        "Petugas datang pada hari Rabu untuk memeriksa.",
        "Pelanggaran Pasal 78 UU No. 6 Tahun 2011 tentang Keimigrasian.",
        "Denda sebesar Rp 5.000.000 dan Rp 12.500.000 dibayar.",
        "Nomor: B/123/X/2026/Reskrim",
        "Hubungi 0812-3456-7890 untuk informasi.",
        "NIP 19750921 199703 1 001",
        "Skor pertandingan 3-1 dan rasio 16/10 saja.",
        "Proyek itu selesai dalam 2 minggu 3/4 bagiannya.",
    ],
)
def test_dates_no_false_positives(dates_nlp, text):
    assert spans_of(dates_nlp, text, "2026-11-20") == []


def test_dates_config_document_date_and_doc_override():
    nlp = spacy.blank("id")
    nlp.add_pipe("pantau_dates", config={"document_date": "2025-12-01"})
    text = "Ia tiba pada 5 November lalu."
    configured = nlp(text)
    assert [s._.date for s in configured.spans["date"]] == ["2025-11-05"]
    doc = nlp.make_doc(text)
    doc._.document_date = "2026-11-20"
    overridden = nlp(doc)
    assert [s._.date for s in overridden.spans["date"]] == ["2026-11-05"]


def test_dates_infers_document_date_from_text(dates_nlp):
    text = "DENPASAR, 20 November 2026\nPara WNA itu diamankan Rabu (14/10) lalu."
    assert [iso for _, iso, _ in spans_of(dates_nlp, text)] == ["2026-11-20", "2026-10-14"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "KANTOR IMIGRASI KELAS I DENPASAR\nNomor : W.20.IMI.IMI.4-GR.04.03-1234\n"
            "Hal : Undangan rapat koordinasi\nDengan hormat, rapat akan diadakan pada:\n"
            "Hari/Tanggal : Senin, 19 Oktober 2026\nTempat : Aula lantai 2\n"
            "Menindaklanjuti laporan tanggal 2 Oktober 2026, kami mengundang Bapak/Ibu.\n"
            "Denpasar, 14 Oktober 2026\nKepala Kantor",
            date(2026, 10, 14),
        ),
        (
            "Yth. Kepala Kantor Wilayah\nPada Selasa, 13 Oktober 2026 tim memeriksa vila.\n"
            "Demikian laporan kami.\nGianyar, 16 Oktober 2026\nKepala Seksi",
            date(2026, 10, 16),
        ),
        (
            "NOTULEN RAPAT TIMPORA\nHari/Tanggal : Senin, 12 Oktober 2026\n"
            "Tempat : Ruang rapat\nPeserta membahas razia tanggal 3 Oktober 2026.",
            date(2026, 10, 12),
        ),
        (
            "BULELENG, Warta Pesisir – Petugas mengamankan dua WNA pada 3 Oktober 2026.\n"
            "Diterbitkan: Kamis, 8 Oktober 2026 10:20 WITA",
            date(2026, 10, 8),
        ),
        (
            "Kamis, 8 Oktober 2026 | 10:20 WIB\nBADUNG - Razia digelar 3 Oktober 2026.",
            date(2026, 10, 8),
        ),
        (
            "MATARAM, 8 Oktober 2026 – Petugas memeriksa 12 WNA pada 3 Oktober 2026.",
            date(2026, 10, 8),
        ),
        ("Petugas memeriksa pada 3 Oktober 2026 dan 5 Oktober 2026.", date(2026, 10, 5)),
        ("Tidak ada tanggal di sini, hanya Rabu (14/10).", None),
    ],
)
def test_dates_find_document_date(text, expected):
    assert find_document_date(text) == expected


def test_dates_infer_year_leap_day():
    assert infer_year(2, 29, date(2026, 3, 1)) == 2024
