"""Names in capitals with the Chinese name "YANG", names listed after a name, a citizenship
or a title without commas.

- In capitals, "YANG" right after a name word is part of the name unless a relative clause
  starts after it (a verb with a verbal prefix, an auxiliary, "YANG" again): "AN. LIU YANG
  YANG BEKERJA ..." names "LIU YANG"; "WNA YANG DIAMANKAN" names no one.
- "Liu Yang dan Yang Hua": a name opening with "Yang" listed after another name.
- "Dua warga negara Tiongkok Zhang Wei dan Liu Yang diamankan ...": names right after a
  citizenship, closed by a lower-case word, are its foreign nationals.
- "Kasi Inteldakim A dan B memeriksa ...": names right after a title, and those listed after
  them, are officials.
"""

from __future__ import annotations

import pytest

from extractors.facts import extract_facts
from models.records import FactKind

PERSON_KINDS = (FactKind.FOREIGN_NATIONAL, FactKind.OTHER_PERSON, FactKind.OFFICIAL)


def facts(text: str) -> list:
    """Every fact of the text."""
    return extract_facts([(1, text)]).facts


def named(text: str, kind: FactKind | None = None) -> dict[str, str | None]:
    """The named people (groups aside), of one kind or of any, and their nationalities."""
    return {
        f.value: f.attributes.get("nationality")
        for f in facts(text)
        if (f.kind is kind if kind else f.kind in PERSON_KINDS)
        and f.attributes.get("name_kind") != "group"
    }


def foreigners(text: str) -> dict[str, str | None]:
    """The named foreign nationals of the text and their nationalities."""
    return named(text, FactKind.FOREIGN_NATIONAL)


def officials(text: str) -> set[str]:
    """The named officials of the text."""
    return set(named(text, FactKind.OFFICIAL))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "PETUGAS MEMERIKSA WNA TIONGKOK AN. LIU YANG YANG BEKERJA SEBAGAI MANDOR DI PT "
            "SINAR LOGAM.",
            {"LIU YANG": "CN"},
        ),
        (
            "TIM PORA MENGAMANKAN WARGA NEGARA TIONGKOK BERNAMA CHEN YANG YANG DIAMANKAN DI "
            "HOTEL MAWAR.",
            {"CHEN YANG": "CN"},
        ),
        ("PETUGAS MENDATA GUO YANG (29), WN TIONGKOK, DI LOKASI TAMBANG.", {"GUO YANG": "CN"}),
        (
            "PETUGAS MENDATA SEORANG WNA AN. LIU YANG, WN RRT, DI KABUPATEN MOROWALI.",
            {"LIU YANG": "CN"},
        ),
        (
            "PETUGAS MENDATA WNA BERNAMA ZHOU YANG YANG BERKEWARGANEGARAAN TIONGKOK.",
            {"ZHOU YANG": "CN"},
        ),
        (
            "PETUGAS MENDATA WNA TIONGKOK BERNAMA WANG YANG DAN LI QIANG DI KOTA BATAM.",
            {"WANG YANG": "CN", "LI QIANG": "CN"},
        ),
        (
            "PETUGAS MENDATA WNA AN. LIU WEI DAN CHEN HUA, WN RRT, DI KOTA BATAM.",
            {"LIU WEI": "CN", "CHEN HUA": "CN"},
        ),
        (
            "TIM PORA MENDATA WNA TIONGKOK AN. GAO WEI DIAMANKAN DI HOTEL MAWAR.",
            {"GAO WEI": "CN"},
        ),
        (
            "Kantor Imigrasi Kendari mendata TKA asal Tiongkok AN. HU YANG YANG TELAH BEKERJA "
            "TANPA IZIN di Kabupaten Konawe.",
            {"HU YANG": "CN"},
        ),
    ],
)
def test_people_capitals_yang_after_a_name_word_is_part_of_the_name(text, expected):
    assert foreigners(text) == expected


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Nama Lengkap : ZHANG YANG\nJenis Kelamin : Laki-laki\nPekerjaan : Mandor", "ZHANG YANG"),
        ("NAMA : HE YANG\nUMUR : 41 TAHUN\nPEKERJAAN : TEKNISI", "HE YANG"),
        ("Nama : LIU YANG\nKewarganegaraan : TIONGKOK\nPaspor : EK1234567", "LIU YANG"),
        ("NAMA : PETER MENDOZA\nKEWARGANEGARAAN : FILIPINA\nPEKERJAAN : NAKHODA", "PETER MENDOZA"),
    ],
)
def test_people_capitals_names_end_at_a_form_field_end(text, name):
    assert set(named(text)) == {name}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PETUGAS IMIGRASI MENDATA TIGA WNA YANG DIAMANKAN DI HOTEL MAWAR.", {}),
        ("ORANG ASING YANG BEKERJA DI PT MAJU JAYA DIDATA PETUGAS IMIGRASI.", {}),
        (
            "PETUGAS MENDATA WNA TIONGKOK BERNAMA SUN HAO YANG TELAH TINGGAL DI KOTA BATAM.",
            {"SUN HAO": "CN"},
        ),
        (
            "TIM PORA MEMERIKSA WN TIONGKOK BERNAMA LI WEI YANG MASIH BERADA DI KOTA BATAM.",
            {"LI WEI": "CN"},
        ),
        ("PETUGAS MEMERIKSA WNA YANG BERKEWARGANEGARAAN TIONGKOK DI KOTA BATAM.", {}),
    ],
)
def test_people_capitals_yang_pronoun_stays_out_of_names(text, expected):
    assert foreigners(text) == expected
    assert not any("YANG" in n.split() for n in named(text)), named(text)


def test_people_capitals_yang_keeps_the_date():
    text = (
        "PADA TANGGAL 12 MEI 2026 PETUGAS MENDATA WNA TIONGKOK BERNAMA LIU YANG YANG BEKERJA "
        "DI KABUPATEN MOROWALI."
    )
    found = facts(text)
    assert any(f.kind is FactKind.DATE and "2026" in f.text for f in found)
    assert foreigners(text) == {"LIU YANG": "CN"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Liu Yang dan Yang Hua, dua warga negara Tiongkok, diamankan petugas di Kota Batam.",
            {"Liu Yang": "CN", "Yang Hua": "CN"},
        ),
        (
            "Petugas mengamankan Zhou Yang dan Yang Jian, WN Tiongkok, yang bekerja tanpa izin "
            "di Kabupaten Konawe.",
            {"Zhou Yang": "CN", "Yang Jian": "CN"},
        ),
        (
            "Warga negara Tiongkok Liu Yang dan Yang Hua diamankan petugas di Kota Batam.",
            {"Liu Yang": "CN", "Yang Hua": "CN"},
        ),
        (
            "Imigrasi Batam mendeportasi Chen Bo, Yang Min dan Wu Lei, warga negara Tiongkok, "
            "pekan lalu.",
            {"Chen Bo": "CN", "Yang Min": "CN", "Wu Lei": "CN"},
        ),
        (
            "PETUGAS MENDATA DUA WNA TIONGKOK AN. LIU YANG DAN YANG HUA DI KOTA BATAM.",
            {"LIU YANG": "CN", "YANG HUA": "CN"},
        ),
    ],
)
def test_people_capitals_lists_yang_opens_the_second_name(text, expected):
    assert foreigners(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Dua warga negara Tiongkok Zhang Wei dan Liu Yang diamankan petugas di Kota Batam.",
            {"Zhang Wei": "CN", "Liu Yang": "CN"},
        ),
        (
            "Seorang warga negara Vietnam Nguyen Van Hai ditangkap petugas di Kabupaten Natuna.",
            {"Nguyen Van Hai": "VN"},
        ),
        (
            "Tiga warga negara Vietnam Nguyen Van Hai, Tran Thi Mai dan Le Van Nam ditangkap di "
            "Kabupaten Natuna.",
            {"Nguyen Van Hai": "VN", "Tran Thi Mai": "VN", "Le Van Nam": "VN"},
        ),
        (
            "Dua TKA asal India Vikram Rao dan Sunil Mehta diperiksa di Kabupaten Morowali.",
            {"Vikram Rao": "IN", "Sunil Mehta": "IN"},
        ),
        (
            "Imigrasi Jakarta Utara mendeportasi WN Bangladesh Mohammad Rahim ke negaranya.",
            {"Mohammad Rahim": "BD"},
        ),
        (
            "Petugas memeriksa warga negara Amerika Serikat John Smith dan istrinya di sebuah "
            "hotel di Kota Mataram.",
            {"John Smith": "US"},
        ),
    ],
)
def test_people_capitals_lists_names_right_after_a_citizenship_are_its_foreigners(text, expected):
    assert foreigners(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Dua warga negara Indonesia Andi Saputra dan Rudi Hartono ditangkap di Kota Batam.",
        "Seorang WNI Andi Saputra ditangkap petugas di Kota Batam.",
    ],
)
def test_people_capitals_lists_citizens_named_after_their_citizenship_stay_local(text):
    assert foreigners(text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "Dua WNA Asal Tiongkok Ditangkap Imigrasi Batam\nPetugas memeriksa dokumen mereka.",
        "Tiga WNA asal Tiongkok Senin (4/5) diamankan di Kota Batam.",
        "WNA ASAL TIONGKOK DITANGKAP DI KOTA BATAM.",
        "Sebanyak 12 WNA asal Tiongkok Selatan bekerja di smelter di Kabupaten Morowali.",
        "Imigrasi memeriksa turis asal Australia Barat di Pantai Kuta, Kabupaten Badung.",
    ],
)
def test_people_capitals_lists_headlines_and_days_after_a_citizenship_name_no_one(text):
    assert foreigners(text) == {}


def test_people_capitals_lists_day_after_a_citizenship_stays_a_date():
    text = "Tiga WNA asal Tiongkok Senin (4/5/2026) diamankan di Kota Batam."
    assert any(f.kind is FactKind.DATE for f in facts(text))
    assert named(text) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Kasi Inteldakim Theodorus Wattimena mengatakan dua WNA asal Filipina telah "
            "dideportasi.",
            {"Theodorus Wattimena"},
        ),
        (
            "Kasi Inteldakim Theodorus Wattimena dan Agustina Rumbewas memeriksa dokumen dua "
            "WNA asal Papua Nugini.",
            {"Theodorus Wattimena", "Agustina Rumbewas"},
        ),
        (
            "Kepala Seksi Inteldakim Stevanus Mandagi dan Kepala Subseksi Intelijen Yulianti "
            "Kaunang hadir dalam rapat.",
            {"Stevanus Mandagi", "Yulianti Kaunang"},
        ),
        (
            "Kepala Kantor Imigrasi Kelas I Ambon Yohanes Latuheru dan Kasi Inteldakim Maria "
            "Pattinama hadir.",
            {"Yohanes Latuheru", "Maria Pattinama"},
        ),
        (
            "Rapat dipimpin Kasi Inteldakim Theodorus Wattimena dan dihadiri perwakilan Polres "
            "Ambon.",
            {"Theodorus Wattimena"},
        ),
        (
            "Kasi Wasdakim Budi Santoso dan Hendra Gunawan memimpin operasi di Kota Batam.",
            {"Budi Santoso", "Hendra Gunawan"},
        ),
        (
            "Kasi Wasdakim Budi Santoso, Hendra Gunawan dan Rina Wati memimpin operasi di Kota "
            "Batam.",
            {"Budi Santoso", "Hendra Gunawan", "Rina Wati"},
        ),
    ],
)
def test_people_capitals_lists_names_after_a_title_are_officials(text, expected):
    assert officials(text) == expected
    assert foreigners(text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "Kepala Kantor Imigrasi Ambon mengatakan dua WNA asal Filipina telah dideportasi.",
        "Kepala Seksi Lalu Lintas Keimigrasian menjelaskan prosedur pengajuan paspor.",
        "Kasi Inteldakim dan Kasi Wasdakim memimpin operasi di Kota Batam.",
        "Kepala Seksi Tata Usaha mengatakan surat itu sudah dikirim ke Kota Ambon.",
        "Kepala Bidang Teknologi Informasi menjelaskan aplikasi paspor di Kota Ambon.",
        "PETUGAS MENDATA WNA TIONGKOK DI KOTA BATAM.",
    ],
)
def test_people_capitals_lists_titles_without_a_name_name_no_one(text):
    assert named(text) == {}


def test_people_capitals_lists_official_then_the_foreigner_they_examine():
    text = (
        "Kasi Inteldakim Theodorus Wattimena memeriksa seorang warga negara Tiongkok bernama "
        "Zhang Wei di Kota Ambon."
    )
    assert officials(text) == {"Theodorus Wattimena"}
    assert foreigners(text) == {"Zhang Wei": "CN"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Polisi mengamankan DIMITRI IVANOV (35), warga negara Rusia, di Kuta.",
            {"DIMITRI IVANOV": "RU"},
        ),
        (
            "Petugas memeriksa BERNARD SCHMIDT (41) asal Jerman di vila tersebut.",
            {"BERNARD SCHMIDT": "DE"},
        ),
        ("DIMITRI IVANOV, WN Rusia, diamankan petugas.", {"DIMITRI IVANOV": "RU"}),
        (
            "Tim Pora mendata Zhang Wei dan DIETRICH MEYER, warga negara Jerman.",
            {"Zhang Wei": "DE", "DIETRICH MEYER": "DE"},
        ),
        (
            "PETUGAS MENGAMANKAN DIMITRI IVANOV (35) WARGA NEGARA RUSIA.",
            {"DIMITRI IVANOV": "RU"},
        ),
    ],
)
def test_people_capitals_names_shaped_like_verbs_stay_names(text, expected):
    assert foreigners(text) == expected
