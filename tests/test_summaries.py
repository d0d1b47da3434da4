"""The cross-reference summary tables (regions per subject, subjects named together) stay
exactly equal to a recount from the mentions after batches, re-extraction, corrections,
deletions, merges and "not this person", and the answers read from them match counts made
by hand."""

from __future__ import annotations

import pytest

from extractors.facts import extract_facts
from storage import corrections, identity, repository, summaries, xref
from storage.dossier import mentions_of
from storage.linked import clear_linked_facts

# Own letters (invented). Zhou Peng is in Badung (Bali), Surabaya (East Java) and Sikka
# (NTT); Li Wei with him in Badung and Surabaya; Tran Van Minh with him in Sikka.
LETTERS = {
    "badung": (
        "Pada tanggal 3 Maret 2026 petugas Kantor Imigrasi Ngurah Rai memeriksa warga negara "
        "Tiongkok bernama Zhou Peng dan Li Wei di sebuah vila di Kabupaten Badung."
    ),
    "surabaya": (
        "Pada tanggal 9 April 2026 Tim Pora Kota Surabaya memeriksa warga negara Tiongkok "
        "bernama Zhou Peng dan Li Wei di sebuah gudang di Kota Surabaya."
    ),
    "sikka": (
        "Pada tanggal 20 Mei 2026 petugas memeriksa warga negara Tiongkok bernama Zhou Peng "
        "dan warga negara Vietnam bernama Tran Van Minh di pelabuhan Kabupaten Sikka."
    ),
}


@pytest.fixture
def letters(session, store_document):
    """The three letters stored, extracted and resolved as a batch does: name -> id."""
    ids = {}
    for name, text in LETTERS.items():
        document = store_document(f"/arsip/{name}.txt", [text])
        extraction = extract_facts([(1, text)])
        repository.save_extraction(session, document_id=document.id, extraction=extraction)
        ids[name] = document.id
    identity.resolve(session)
    return ids


def assert_kept_equal_to_recount(session) -> None:
    session.expire_all()
    assert summaries.stored(session) == summaries.recount(session)


def subject_of(session, name: str, document_id: int) -> int:
    (mention,) = [m for m in mentions_of(session, document_ids=[document_id]) if m.name == name]
    return mention.subject_id


def provinces(session) -> dict[str, list[str]]:
    rows = xref.subjects_in_several_regions(session, level="province", min_regions=1)
    return {row.name: row.regions for row in rows}


def pairs(session) -> dict[frozenset[str], int]:
    return {
        frozenset((p.subject_name, p.other_name)): p.documents for p in xref.co_occurring(session)
    }


def test_summaries_after_a_batch_match_the_hand_count(session, letters):
    assert_kept_equal_to_recount(session)
    assert provinces(session) == {
        "Zhou Peng": ["35", "51", "53"],
        "Li Wei": ["35", "51"],
        "Tran Van Minh": ["53"],
    }
    assert pairs(session) == {
        frozenset(("Zhou Peng", "Li Wei")): 2,
        frozenset(("Zhou Peng", "Tran Van Minh")): 1,
    }
    zhou = subject_of(session, "Zhou Peng", letters["badung"])
    (row,) = xref.co_occurring(session, subject_id=zhou, min_documents=2)
    assert row.other_name == "Li Wei"
    assert row.document_ids == [letters["badung"], letters["surabaya"]]
    several = xref.subjects_in_several_regions(session, level="regency", min_regions=3)
    assert [(r.name, r.documents) for r in several] == [("Zhou Peng", 3)]


def test_summaries_follow_a_deletion(session, letters):
    repository.delete_document(session, document_id=letters["surabaya"])
    assert_kept_equal_to_recount(session)
    assert provinces(session)["Zhou Peng"] == ["51", "53"]
    assert provinces(session)["Li Wei"] == ["51"]
    assert pairs(session)[frozenset(("Zhou Peng", "Li Wei"))] == 1


def test_summaries_follow_not_this_person_and_a_merge_back(session, letters):
    sikka = [
        m for m in mentions_of(session, document_ids=[letters["sikka"]]) if m.name == "Zhou Peng"
    ]
    badung = [
        m for m in mentions_of(session, document_ids=[letters["badung"]]) if m.name == "Zhou Peng"
    ]
    identity.decide_pair(
        session,
        mention_a_id=badung[0].id,
        mention_b_id=sikka[0].id,
        decision="different",
        user="dewi",
    )
    assert_kept_equal_to_recount(session)
    # Two subjects named Zhou Peng now: the one of Bali and Java, and the one of Sikka.
    regions = xref.subjects_in_several_regions(session, level="province", min_regions=1)
    assert sorted(r.regions for r in regions if r.name == "Zhou Peng") == [["35", "51"], ["53"]]
    assert pairs(session) == {
        frozenset(("Zhou Peng", "Li Wei")): 2,
        frozenset(("Zhou Peng", "Tran Van Minh")): 1,
    }
    identity.decide_pair(
        session,
        mention_a_id=badung[0].id,
        mention_b_id=sikka[0].id,
        decision="same",
        user="dewi",
    )
    assert_kept_equal_to_recount(session)
    assert provinces(session)["Zhou Peng"] == ["35", "51", "53"]


def test_summaries_follow_re_extraction_and_a_correction(session, letters):
    text = LETTERS["sikka"]
    repository.save_extraction(
        session, document_id=letters["sikka"], extraction=extract_facts([(1, text)])
    )
    assert_kept_equal_to_recount(session)
    start = text.index("Tran Van Minh")
    corrections.correct(
        session,
        document_id=letters["sikka"],
        action="reject",
        kind="foreign_national",
        page=1,
        start=start,
        end=start + len("Tran Van Minh"),
        reason="nama awak kapal, bukan orang yang diperiksa",
        author="dewi",
    )
    identity.resolve(session)
    assert_kept_equal_to_recount(session)
    assert frozenset(("Zhou Peng", "Tran Van Minh")) not in pairs(session)
    assert "Tran Van Minh" not in provinces(session)


def test_summaries_rebuild_equals_what_was_kept(session, letters):
    kept = summaries.stored(session)
    summaries.rebuild(session)
    session.commit()
    assert summaries.stored(session) == kept


# --- the counts' cells ----------------------------------------------------------------

# A fourth letter (invented): Zhou Peng again in Badung, deported in June for working
# without a permit.
DEPORTED = (
    "Pada tanggal 14 Juni 2026 Kantor Imigrasi Ngurah Rai mendeportasi warga negara Tiongkok "
    "bernama Zhou Peng melalui Bandara I Gusti Ngurah Rai karena bekerja tanpa izin di sebuah "
    "restoran di Kabupaten Badung. Pemeriksaan dilakukan oleh tim gabungan setelah menerima "
    "laporan dari masyarakat sekitar, dan hasilnya dituangkan dalam berita acara yang "
    "ditandatangani oleh para petugas pada hari yang sama. Surat ini disampaikan sebagai bahan "
    "pertimbangan dalam rapat koordinasi berikutnya."
)
CUBE = ("nationality", "region", "incident", "month")


@pytest.fixture
def deported(session, store_document, letters):
    """The fourth letter stored and resolved after the other three: its id."""
    document = store_document("/arsip/deportasi-badung.txt", [DEPORTED])
    repository.save_extraction(
        session, document_id=document.id, extraction=extract_facts([(1, DEPORTED)])
    )
    identity.resolve(session)
    return document.id


def counted(session, by=("nationality", "region"), level="province") -> dict[tuple, tuple]:
    """{values: (documents, people)} as the counts answer, from the kept cells."""
    rows = xref.counts(session, by=by, level=level)
    return {tuple(r.values.values()): (r.documents, r.people) for r in rows}


def assert_cells_equal_to_recount(session) -> None:
    """The kept cells equal a recount, and every kept grouping, in either region level and
    column order, answers as the scan of linked facts does."""
    session.expire_all()
    assert not session.connection().exec_driver_sql("SELECT id FROM count_dirty").all()
    assert summaries.stored_cells(session) == summaries.recount_cells(session)
    assert_read_equals_scan(session)


def assert_read_equals_scan(session) -> None:
    for by in (CUBE, ("month", "incident", "region", "nationality"), ("region", "nationality")):
        for level in ("province", "regency"):
            facets = xref.count_dimensions(by, level)
            scanned = xref.scanned_counts(session, by=by, facets=facets, query=None, limit=1000)
            assert xref.counts(session, by=by, level=level) == scanned


def test_count_cells_after_a_batch_match_the_hand_count(session, deported):
    assert_cells_equal_to_recount(session)
    # Badung: Zhou Peng and Li Wei in March, Zhou Peng again in June: two documents, and
    # Zhou Peng is one person across them.
    assert counted(session) == {
        ("CN", "51"): (2, 2),
        ("CN", "35"): (1, 2),
        ("CN", "53"): (1, 1),
        ("VN", "53"): (1, 1),
    }
    assert counted(session, by=CUBE, level="regency") == {
        ("CN", "51.03", "deportation", "2026-06"): (1, 1),
        ("CN", "51.03", "illegal_work", "2026-06"): (1, 1),
    }
    # The first rows of a limited answer are the largest.
    (first,) = xref.counts(session, by=("nationality", "region"), limit=1)
    assert first.values == {"nationality": "CN", "region": "51"}


def test_count_cells_follow_not_this_person_and_a_merge_back(session, letters, deported):
    def zhou_in(document_id: int) -> int:
        (mention,) = [
            m for m in mentions_of(session, document_ids=[document_id]) if m.name == "Zhou Peng"
        ]
        return mention.id

    decision = {"mention_a_id": zhou_in(letters["badung"]), "mention_b_id": zhou_in(deported)}
    identity.decide_pair(session, **decision, decision="different", user="dewi")
    assert_cells_equal_to_recount(session)
    # The deported Zhou Peng is now another person than the one found in March.
    assert counted(session)["CN", "51"] == (2, 3)
    identity.decide_pair(session, **decision, decision="same", user="dewi")
    assert_cells_equal_to_recount(session)
    assert counted(session)["CN", "51"] == (2, 2)


def test_count_cells_follow_a_deletion_and_re_extraction(session, letters, deported):
    repository.delete_document(session, document_id=letters["badung"])
    assert_cells_equal_to_recount(session)
    assert counted(session)["CN", "51"] == (1, 1)
    repository.save_extraction(
        session,
        document_id=letters["sikka"],
        extraction=extract_facts([(1, LETTERS["sikka"].replace("Vietnam", "Filipina"))]),
    )
    identity.resolve(session)
    assert_cells_equal_to_recount(session)
    assert ("VN", "53") not in counted(session)
    assert counted(session)["PH", "53"] == (1, 1)


def test_count_cells_count_a_copy_once_and_its_stand_in_after_a_deletion(
    session, store_document, deported
):
    # Another scan of the June letter: the same text under a stamp line.
    copy_text = "ARSIP TATA USAHA\n" + DEPORTED
    copy = store_document("/arsip/deportasi-badung-scan.txt", [copy_text])
    repository.save_extraction(
        session, document_id=copy.id, extraction=extract_facts([(1, copy_text)])
    )
    identity.resolve(session)
    session.refresh(copy)
    assert copy.copy_of == deported
    assert_cells_equal_to_recount(session)
    assert counted(session)["CN", "51"] == (2, 2)
    # The original goes: the copy stands in for it and is counted in its place.
    repository.delete_document(session, document_id=deported)
    assert_cells_equal_to_recount(session)
    assert counted(session)["CN", "51"] == (2, 2)


def test_counts_are_exact_between_a_change_and_its_fold(session, deported):
    # Linked facts removed without a fold: the read counts the marked cells live.
    clear_linked_facts(session, document_id=deported)
    session.flush()
    assert session.connection().exec_driver_sql("SELECT id FROM count_dirty").all()
    assert counted(session)["CN", "51"] == (1, 2)
    assert_read_equals_scan(session)
    summaries.fold_counts(session)
    session.commit()
    assert_cells_equal_to_recount(session)
    assert counted(session)["CN", "51"] == (1, 2)


def test_a_large_backlog_of_marks_is_counted_by_the_scan(session, deported, monkeypatch):
    clear_linked_facts(session, document_id=deported)
    session.flush()
    monkeypatch.setattr(summaries, "DIRTY_LIMIT", 0)
    assert summaries.counted_cells(session, ["nationality", "province"], limit=10) is None
    assert counted(session)["CN", "51"] == (1, 2)
