"""Month words inside personal names against month words in dates in people extraction.

A month word after a capitalised name word with no number next to it is part of the name,
at its end ("Sun Mei") or inside it ("Tan Mei Ling", "Maria April Santos"), in running text
and in numbered lists alike; a month next to a number ("3 Mei 2026", "Mei 2026") is a date.
"""

from __future__ import annotations

import pytest

from extractors.facts import extract_facts
from models.records import FactKind


def people(text: str) -> dict[str, tuple[FactKind, str | None]]:
    """The named people of the text (groups aside), their kinds and nationalities."""
    facts = extract_facts([(1, text)]).facts
    return {
        f.value: (f.kind, f.attributes.get("nationality"))
        for f in facts
        if f.kind in (FactKind.FOREIGN_NATIONAL, FactKind.OTHER_PERSON)
        and f.attributes.get("name_kind") != "group"
    }


FN, OTHER = FactKind.FOREIGN_NATIONAL, FactKind.OTHER_PERSON


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Daftar WNA yang didata:\n1. Goh Kian Seng, Malaysia, paspor A2233445\n"
            "2. Lee Mei Hua, Malaysia, paspor A5566778\n3. Dewi Juni Lestari, Indonesia, sopir",
            {
                "Goh Kian Seng": (FN, "MY"),
                "Lee Mei Hua": (FN, "MY"),
                "Dewi Juni Lestari": (OTHER, None),
            },
        ),
        (
            "Hasil pemeriksaan:\na. Rosa April Villanueva, Filipina, pekerja restoran\n"
            "b. Chen Mei, Tiongkok, pekerja pabrik",
            {"Rosa April Villanueva": (FN, "PH"), "Chen Mei": (FN, "CN")},
        ),
    ],
)
def test_people_month_inside_a_listed_name_keeps_the_item(text, expected):
    assert people(text) == expected


@pytest.mark.parametrize(
    ("text", "name", "code"),
    [
        (
            "Petugas Imigrasi Tanjung Pinang memeriksa warga negara Malaysia bernama Ong Mei "
            "Lan di sebuah hotel.",
            "Ong Mei Lan",
            "MY",
        ),
        (
            "Kantor Imigrasi Manado mendeportasi WN Filipina bernama Grace April Dizon karena "
            "izin tinggalnya habis.",
            "Grace April Dizon",
            "PH",
        ),
    ],
)
def test_people_month_inside_a_name_in_running_text(text, name, code):
    assert people(text) == {name: (FN, code)}


def test_people_month_next_to_a_number_stays_a_date():
    text = (
        "Pada tanggal 14 Mei 2026 petugas memeriksa warga negara Malaysia bernama Ong Mei "
        "Lan di Kota Tanjung Pinang. Pemeriksaan lanjutan dijadwalkan Juni 2026."
    )
    facts = extract_facts([(1, text)]).facts
    assert people(text) == {"Ong Mei Lan": (FN, "MY")}
    assert "2026-05-14" in {f.value for f in facts if f.kind is FactKind.DATE}
    assert not any("2026" in f.text for f in facts if f.kind in (FN, OTHER))
