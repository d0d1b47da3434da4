"""Counts are made of linked facts: each person with their own nationality, incidents,
places and months, checked against hand counts of two invented documents read by the
real extractor, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from extractors.facts import extract_facts
from extractors.identity import gather_mentions
from extractors.linked import LinkedRow, link_facts
from models.records import Fact, FactKind, SearchQuery
from storage import identity, repository, xref

# A report on three foreigners: the place and date of the first visit are stated once for
# the paragraph; one of the two Chinese workers broke no rule. The letterhead, the
# addressee, the place-and-date line and the copies name Denpasar and Jakarta, where
# nobody was found.
REPORT = """KEMENTERIAN IMIGRASI DAN PEMASYARAKATAN
KANTOR IMIGRASI KELAS I TPI DENPASAR
Jalan Panjaitan Nomor 3, Kota Denpasar

Nomor    : W20.IMI.1-GR.02-1187
Sifat    : Biasa
Hal      : Laporan hasil pengawasan orang asing

Yth. Kepala Kantor Wilayah Bali
di Kota Denpasar

Pada tanggal 14 Juli 2026 Tim Pengawasan Orang Asing memeriksa tiga orang asing di sebuah \
proyek vila di Kabupaten Badung. Warga negara Tiongkok bernama Chen Guoliang (38) bekerja \
sebagai mandor bangunan tanpa izin kerja dan langsung diamankan. Rekannya, warga negara \
Tiongkok bernama Wu Haoran (29), memegang izin tinggal terbatas yang masih berlaku dan tidak \
ditemukan pelanggaran.

Pada tanggal 2 Agustus 2026 petugas menemukan warga negara Australia bernama Bradley Ormond \
yang tinggal melebihi izin tinggal (overstay) di Kabupaten Gianyar. Yang bersangkutan telah \
dideportasi pada 9 Agustus 2026.

Demikian laporan ini disampaikan.

Denpasar, 12 Agustus 2026
Kepala Kantor,

Made Surya Wibawa
NIP 197805122001121003

Tembusan:
1. Direktur Jenderal Imigrasi di Jakarta;
2. Kepala Kepolisian Daerah Bali di Kota Denpasar."""

# Minutes held in Mataram about a group of Vietnamese fishermen (not named) and a
# Japanese guide whose deportation is only planned.
MINUTES = """NOTULEN RAPAT TIM PENGAWASAN ORANG ASING KABUPATEN LOMBOK TIMUR

Hari/Tanggal : Kamis, 10 September 2026
Tempat       : Aula Kantor Imigrasi Kelas I TPI Mataram, Kota Mataram
Pimpinan Rapat : Lalu Ahmad Fauzi

Pada tanggal 28 Agustus 2026 Satpolairud menangkap dua warga negara Vietnam yang menangkap \
ikan secara ilegal di perairan Kabupaten Lombok Timur; keduanya telah dideportasi.

Rapat juga membahas warga negara Jepang bernama Kenji Moriyama yang bekerja sebagai pemandu \
wisata di Kabupaten Lombok Utara tanpa izin kerja; yang bersangkutan akan dideportasi."""


@pytest.fixture
def stored(session, store_document):
    ids = {}
    for name, text in {"report": REPORT, "minutes": MINUTES}.items():
        document = store_document(f"/arsip/{name}.pdf", [text])
        extraction = extract_facts([(1, text)])
        repository.save_extraction(session, document_id=document.id, extraction=extraction)
        ids[name] = document.id
    return ids


def table(session, *by: str, level: str = "province", **filters: str):
    rows = xref.counts(session, by=by, level=level, query=SearchQuery(**filters))
    return {tuple(r.values.values()): (r.documents, r.people) for r in rows}


def test_counts_equal_a_hand_count(session, stored):
    # (documents, named people) per nationality × province × incident × month, by hand:
    # Chen arrested and working illegally in Badung in July (the paragraph's date), Wu
    # in no incident, Ormond overstaying and deported in Gianyar in August, the
    # Vietnamese (no names) arrested and deported in Lombok Timur in August, Moriyama
    # working illegally and to be deported in Lombok Utara (the meeting's month).
    assert table(session, "nationality", "region", "incident", "month") == {
        ("CN", "51", "arrest", "2026-07"): (1, 1),
        ("CN", "51", "illegal_work", "2026-07"): (1, 1),
        ("AU", "51", "overstay", "2026-08"): (1, 1),
        ("AU", "51", "deportation", "2026-08"): (1, 1),
        ("VN", "52", "arrest", "2026-08"): (1, 0),
        ("VN", "52", "deportation", "2026-08"): (1, 0),
        ("JP", "52", "illegal_work", "2026-09"): (1, 1),
        ("JP", "52", "deportation", "2026-09"): (1, 1),
    }
    # Wu counts as a Chinese national seen in Badung, with no incident.
    assert table(session, "nationality", "region", level="regency") == {
        ("CN", "51.03"): (1, 2),
        ("AU", "51.04"): (1, 1),
        ("VN", "52.03"): (1, 0),
        ("JP", "52.08"): (1, 1),
    }
    # Statuses stay with their incident and person: only Moriyama's deportation is planned.
    assert table(session, "nationality", "incident", "status", incident="deportation") == {
        ("AU", "deportation", "reported"): (1, 1),
        ("VN", "deportation", "reported"): (1, 0),
        ("JP", "deportation", "planned"): (1, 1),
    }
    # The document's own facets combine with linked facts.
    assert table(session, "kind", "nationality") == {
        ("letter", "CN"): (1, 2),
        ("letter", "AU"): (1, 1),
        ("minutes", "VN"): (1, 0),
        ("minutes", "JP"): (1, 1),
    }


def test_office_places_place_nobody(session, stored):
    provinces = {key[0] for key in table(session, "region")}
    regencies = {key[0] for key in table(session, "region", level="regency")}
    assert provinces == {"51", "52"}  # no DKI Jakarta (31) from the copies
    assert "51.71" not in regencies  # Denpasar: letterhead, addressee, date line, copies
    assert "52.71" not in regencies  # Mataram: the meeting's venue


def test_counts_follow_a_new_extraction_and_a_deletion(session, stored):
    only_wu = MINUTES.replace("Kenji Moriyama", "Wu Haoran").replace("Jepang", "Tiongkok")
    repository.save_extraction(
        session, document_id=stored["minutes"], extraction=extract_facts([(1, only_wu)])
    )
    # Until identity resolution runs, Wu in two documents counts as two people; then once.
    assert table(session, "nationality") == {("CN",): (2, 3), ("AU",): (1, 1), ("VN",): (1, 0)}
    identity.resolve(session)
    assert table(session, "nationality") == {("CN",): (2, 2), ("AU",): (1, 1), ("VN",): (1, 0)}
    assert repository.delete_document(session, document_id=stored["report"])
    assert table(session, "nationality") == {("CN",): (1, 1), ("VN",): (1, 0)}


def at(start: int, kind: FactKind, value: str | None, sentence: str, **attributes) -> Fact:
    return Fact(
        kind=kind,
        page=1,
        start=start,
        end=start + 5,
        text=value or "orang",
        value=value,
        sentence=sentence,
        method="rule:test",
        confidence=0.9,
        attributes=attributes,
    )


def test_an_incident_without_concerns_reaches_people_of_its_label_only():
    sentence = "Dua orang diperiksa; satu bekerja tanpa izin."
    facts = [
        at(0, FactKind.FOREIGN_NATIONAL, "Ana Silva", sentence, nationality="BR"),
        at(
            10,
            FactKind.FOREIGN_NATIONAL,
            "Ji Woo",
            sentence,
            nationality="KR",
            incidents=["illegal_work"],
        ),
        at(20, FactKind.INCIDENT, "illegal_work", sentence, status="reported"),
        at(30, FactKind.LOCATION, "51.03", sentence, level="regency"),
    ]
    rows = link_facts(facts, gather_mentions(facts), document_date="2026-01-05")
    assert rows == [
        LinkedRow(0, "BR", None, None, "51.03", "2026-01-05"),
        LinkedRow(1, "KR", "illegal_work", "reported", "51.03", "2026-01-05"),
    ]


def test_the_migration_builds_the_rows_of_stored_documents(session, stored, db_engine):
    from storage import migrate

    by = ("nationality", "region", "incident", "status", "month")
    before = table(session, *by, level="regency")
    session.close()
    migrate.downgrade(db_engine, "0014")
    migrate.upgrade(db_engine)
    assert table(session, *by, level="regency") == before
    assert before[("JP", "52.08", "deportation", "planned", "2026-09")] == (1, 1)


def test_a_dossier_holds_what_is_linked_to_that_person_only(session, stored):
    from storage import dossier

    identity.resolve(session)
    subjects = {s.name: s.id for s in dossier.list_subjects(session, limit=100)}

    wu = dossier.get_dossier(session, subject_id=subjects["Wu Haoran"])
    assert [(p.code, p.documents) for p in wu.places] == [("51.03", 1)]  # not Gianyar
    assert wu.incidents == []  # Chen's arrest and illegal work are not his
    assert [(e.kind, e.date) for e in wu.timeline] == [("document", "2026-08-12")]

    ormond = dossier.get_dossier(session, subject_id=subjects["Bradley Ormond"])
    assert [p.code for p in ormond.places] == ["51.04"]
    # Each incident on its own date, not the letter's.
    assert [(e.date, e.kind, e.label) for e in ormond.timeline] == [
        ("2026-08-02", "incident", "overstay"),
        ("2026-08-09", "incident", "deportation"),
        ("2026-08-12", "document", "letter: report.pdf"),
    ]

    chen = dossier.get_dossier(session, subject_id=subjects["Chen Guoliang"])
    assert sorted((i.label, i.status, i.date) for i in chen.incidents) == [
        ("arrest", "reported", "2026-07-14"),
        ("illegal_work", "reported", "2026-07-14"),
    ]
