"""Names listed in apposition after a counted group with a citizenship.

"Dua warga negara Tiongkok, A dan B, yang ...": a group noun phrase with a count and a
citizenship, a comma (optionally "yakni", "yaitu", "masing-masing", "bernama", ...), then
names joined by commas, "dan" or "serta", closed by a comma, "yang", a full stop or a verb:
each name is a foreign national of that country. Indonesian officials and citizens listed
the same way stay what they are.
"""

from __future__ import annotations

import pytest

from extractors.facts import extract_facts
from models.records import FactKind


def people(text: str) -> list:
    """The person and group facts of the text."""
    kinds = (FactKind.FOREIGN_NATIONAL, FactKind.OTHER_PERSON, FactKind.OFFICIAL)
    return [f for f in extract_facts([(1, text)]).facts if f.kind in kinds]


def foreigners(text: str) -> dict[str, str | None]:
    """The named foreign nationals of the text (groups aside) and their nationalities."""
    return {
        f.value: f.attributes.get("nationality")
        for f in people(text)
        if f.kind is FactKind.FOREIGN_NATIONAL and f.attributes.get("name_kind") != "group"
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Dua warga negara Thailand, Somchai Wongsa dan Niran Chaiyo, yang bekerja di sebuah "
            "rumah makan di Kota Denpasar diamankan petugas.",
            {"Somchai Wongsa": "TH", "Niran Chaiyo": "TH"},
        ),
        (
            "Tiga warga negara Filipina, Ramon Dizon, Liza Bautista serta Noel Garcia, ditahan "
            "di Kota Tomohon.",
            {"Ramon Dizon": "PH", "Liza Bautista": "PH", "Noel Garcia": "PH"},
        ),
        (
            "Dua warga negara Tiongkok, Chen Bo dan Wang Fei diamankan petugas di Kota Batam.",
            {"Chen Bo": "CN", "Wang Fei": "CN"},
        ),
        (
            "Dua warga negara Tiongkok, Zhou Ming dan Gao Yang, yang tinggal di sebuah mes "
            "perusahaan didata petugas.",
            {"Zhou Ming": "CN", "Gao Yang": "CN"},
        ),
        (
            "Dua warga negara Tiongkok, LX (41) dan WM (38), bekerja tanpa izin di Kabupaten "
            "Morowali.",
            {"LX": "CN", "WM": "CN"},
        ),
        (
            "Dua orang TKA asal India, Vikram Rao dan Sunil Mehta, diperiksa di Kabupaten "
            "Morowali.",
            {"Vikram Rao": "IN", "Sunil Mehta": "IN"},
        ),
        (
            "Petugas mengamankan empat WNA asal Vietnam, yaitu Pham Van Long, Vo Thi Lan, "
            "Dang Van Tuan dan Ho Thi Hoa, di dermaga Kabupaten Kepulauan Anambas.",
            {"Pham Van Long": "VN", "Vo Thi Lan": "VN", "Dang Van Tuan": "VN", "Ho Thi Hoa": "VN"},
        ),
        (
            "Dua warga negara Malaysia, masing-masing Ahmad Faizal dan Nur Aisyah, dideportasi "
            "dari Kota Pontianak.",
            {"Ahmad Faizal": "MY", "Nur Aisyah": "MY"},
        ),
        (
            "Dua WN Korea Selatan, berinisial KSH dan LJW, ditangkap di Kota Bekasi.",
            {"KSH": "KR", "LJW": "KR"},
        ),
        (
            "Seorang warga negara Jepang, Kenji Tanaka, dideportasi dari Kota Denpasar.",
            {"Kenji Tanaka": "JP"},
        ),
    ],
)
def test_people_apposition_names_after_a_counted_group_are_its_foreigners(text, expected):
    assert foreigners(text) == expected


def test_people_apposition_group_named_in_full_is_not_repeated():
    text = "Dua warga negara Thailand, Somchai Wongsa dan Niran Chaiyo, ditangkap di Kota Medan."
    groups = [f for f in people(text) if f.attributes.get("name_kind") == "group"]
    assert groups == []


def test_people_apposition_group_named_in_part_is_kept():
    text = "Lima warga negara Nepal, Ram Bahadur dan Sita Gurung, ditahan di Kota Denpasar."
    facts = people(text)
    groups = [
        (f.attributes.get("count"), f.attributes.get("nationality"))
        for f in facts
        if f.kind is FactKind.FOREIGN_NATIONAL and f.attributes.get("name_kind") == "group"
    ]
    assert groups == [(5, "NP")]
    assert foreigners(text) == {"Ram Bahadur": "NP", "Sita Gurung": "NP"}


@pytest.mark.parametrize(
    "text",
    [
        "Dua petugas imigrasi, Budi Santoso dan Rina Wati, memeriksa dokumen di Kota Batam.",
        "Dua warga negara Indonesia, Andi dan Rudi, ditangkap di Kota Batam.",
        "Dua warga negara Indonesia, Andi Saputra dan Rudi Hartono, ditangkap di Kota Batam.",
        "Dua pemuda asal Kota Bitung, Jefri Lumowa dan Marco Tumbel, ditangkap polisi.",
    ],
)
def test_people_apposition_officials_and_citizens_stay_what_they_are(text):
    assert foreigners(text) == {}
    named = [f for f in people(text) if f.attributes.get("name_kind") != "group"]
    assert len(named) == 2
    assert all(f.kind is not FactKind.FOREIGN_NATIONAL for f in named)
