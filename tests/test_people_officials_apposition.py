"""Officers named in apposition to their group, and the foreigners they act on.

"Dua petugas Kantor Imigrasi X, A dan B, memeriksa tiga warga negara Y": the names after an
officers' group noun ("petugas", "personel", "anggota Tim Pora") or a title are officials,
and a citizenship after an active verb of which the names are the subject belongs to the
verb's object, not to them. A verb that links a name to its citizenship ("merupakan") or a
sentence whose subject is someone else ("Selain A, petugas juga mengamankan ... lainnya")
keeps the citizenship for the name.
"""

from __future__ import annotations

import pytest

from extractors.facts import extract_facts
from models.records import FactKind


def people(text: str) -> list:
    """The person and group facts of the text."""
    kinds = (FactKind.FOREIGN_NATIONAL, FactKind.OTHER_PERSON, FactKind.OFFICIAL)
    return [f for f in extract_facts([(1, text)]).facts if f.kind in kinds]


def named(text: str, kind: FactKind) -> dict[str, str | None]:
    """The named people of one kind (groups aside) and their nationalities."""
    return {
        f.value: f.attributes.get("nationality")
        for f in people(text)
        if f.kind is kind and f.attributes.get("name_kind") != "group"
    }


def groups(text: str) -> list[tuple[int | None, str | None]]:
    """Count and nationality of the counted groups of foreigners."""
    return [
        (f.attributes.get("count"), f.attributes.get("nationality"))
        for f in people(text)
        if f.kind is FactKind.FOREIGN_NATIONAL and f.attributes.get("name_kind") == "group"
    ]


@pytest.mark.parametrize(
    ("text", "officials", "group"),
    [
        (
            "Dua petugas Kantor Imigrasi Kelas I Ambon, Yohanes Latuheru dan Maria Pattinama, "
            "memeriksa tiga warga negara Filipina di sebuah penginapan.",
            {"Yohanes Latuheru", "Maria Pattinama"},
            (3, "PH"),
        ),
        (
            "Personel Polres Sumbawa, Lalu Ahmad dan Baiq Nurul, mengamankan seorang WNA asal "
            "Prancis di Pantai Lakey.",
            {"Lalu Ahmad", "Baiq Nurul"},
            (1, "FR"),
        ),
        (
            "Anggota Tim Pora, Darmawan Sitorus, mendata lima turis asal Jerman di Kabupaten "
            "Samosir.",
            {"Darmawan Sitorus"},
            (5, "DE"),
        ),
        (
            "Tiga personel Satreskrim Polresta Pontianak, Rizal Effendi, Agus Salim dan Dewi "
            "Lestari, menangkap empat warga negara Tiongkok di sebuah ruko.",
            {"Rizal Effendi", "Agus Salim", "Dewi Lestari"},
            (4, "CN"),
        ),
        (
            "Petugas Rudenim Pekanbaru, Heri Gunawan dan Tono Sugiarto, mengawal tiga pengungsi "
            "asal Afghanistan ke bandara.",
            {"Heri Gunawan", "Tono Sugiarto"},
            (3, "AF"),
        ),
    ],
)
def test_people_officials_apposition_officers_are_officials_and_the_object_foreign(
    text, officials, group
):
    assert named(text, FactKind.FOREIGN_NATIONAL) == {}
    assert set(named(text, FactKind.OFFICIAL)) == officials
    assert groups(text) == [group]


def test_people_officials_apposition_officers_keep_their_group_title():
    text = (
        "Dua petugas Kantor Imigrasi Kelas I Ambon, Yohanes Latuheru dan Maria Pattinama, "
        "memeriksa tiga warga negara Filipina di sebuah penginapan."
    )
    titles = {f.value: f.attributes.get("title") for f in people(text)}
    assert titles["Maria Pattinama"] == titles["Yohanes Latuheru"]
    assert titles["Maria Pattinama"].startswith("petugas Kantor Imigrasi")


def test_people_officials_apposition_title_then_a_foreigner_named_after_the_verb():
    text = (
        "Kepala Subseksi Penindakan Keimigrasian, Ratna Sari, memeriksa seorang warga negara "
        "Thailand bernama Somsak Chaiyaporn."
    )
    assert named(text, FactKind.OFFICIAL) == {"Ratna Sari": None}
    assert named(text, FactKind.FOREIGN_NATIONAL) == {"Somsak Chaiyaporn": "TH"}


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("Hendra Saputra mengamankan seorang WN Nigeria di Kota Bekasi.", (1, "NG")),
        (
            "Yohanes Latuheru dan Maria Pattinama memeriksa tiga warga negara Filipina di "
            "sebuah penginapan di Kota Ambon.",
            (3, "PH"),
        ),
    ],
)
def test_people_officials_apposition_subject_of_an_active_verb_is_not_its_objects_citizen(
    text, group
):
    assert named(text, FactKind.FOREIGN_NATIONAL) == {}
    assert groups(text) == [group]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Yusuf Chen merupakan warga negara Singapura yang tinggal di Kota Batam.",
            {"Yusuf Chen": "SG"},
        ),
        (
            "Selain Li Qiang, petugas juga mengamankan tujuh TKA asal Tiongkok lainnya di "
            "Kabupaten Konawe.",
            {"Li Qiang": "CN"},
        ),
    ],
)
def test_people_officials_apposition_citizenship_of_the_name_itself_is_kept(text, expected):
    assert named(text, FactKind.FOREIGN_NATIONAL) == expected
    assert named(text, FactKind.OFFICIAL) == {}
