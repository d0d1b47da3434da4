"""The cross-reference summary tables (regions per subject, subjects named together) stay
exactly equal to a recount from the mentions after batches, re-extraction, corrections,
deletions, merges and "not this person", and the answers read from them match counts made
by hand."""

from __future__ import annotations

import pytest

from extractors.facts import extract_facts
from storage import corrections, identity, repository, summaries, xref
from storage.dossier import mentions_of

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
