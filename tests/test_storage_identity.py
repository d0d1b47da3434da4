"""Identity resolution in storage: mentions, auto-merge, review band, decisions, increments."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select

from models.errors import IdentityError
from models.records import ExtractionResult, Fact, FactKind
from models.tables import Mention, PairDecision
from storage import dossier, identity, repository


def person(name: str, **attributes: Any) -> Fact:
    """A foreign-national fact as the extractor writes it."""
    return Fact(
        kind=FactKind.FOREIGN_NATIONAL,
        page=1,
        start=0,
        end=len(name),
        text=name,
        value=name,
        sentence=f"{name} diamankan petugas.",
        method="rule:people",
        confidence=0.9,
        attributes={"name_kind": "full_name", "count": 1, **attributes},
    )


def extraction(*facts: Fact, date: str = "2026-10-01") -> ExtractionResult:
    return ExtractionResult(extractor="nlp-1", kind="news", document_date=date, facts=list(facts))


@pytest.fixture
def store(session, store_document):
    """Store a document whose facts are `facts`; returns its id."""

    def make(name: str, *facts: Fact, date: str = "2026-10-01") -> int:
        document = store_document(f"/arsip/{name}", [f"Teks {name}."])
        repository.save_extraction(
            session, document_id=document.id, extraction=extraction(*facts, date=date)
        )
        return document.id

    return make


def subject_of(session, document_id: int, key: str) -> int | None:
    mention = next(
        m for m in identity.mentions_of(session, document_ids=[document_id]) if m.key == key
    )
    return mention.subject_id


def test_storage_identity_mentions_built_on_extraction_without_groups(session, store) -> None:
    group = person("tiga WNA", nationality="VN", count=3)
    group.value = None
    doc = store("a.txt", person("Nguyen Van Hai", nationality="VN", age=30), group)
    mentions = identity.mentions_of(session, document_ids=[doc])
    assert [(m.key, m.nationality, m.age, m.subject_id) for m in mentions] == [
        ("nguyen van hai", "VN", 30, None)
    ]


def test_storage_identity_auto_merges_same_passport_and_keeps_similar_names_apart(
    session, store
) -> None:
    a = store(
        "a.txt", person("Dmitry Alexandrovich Sokolov", nationality="RU", passport="751234567")
    )
    b = store(
        "b.txt", person("SOKOLOV Dmitri Aleksandrovich", nationality="RU", passport="751234567")
    )
    c = store("c.txt", person("Dmitry Sokolova", nationality="RU", passport="759876543"))
    report = identity.resolve(session)
    assert report.auto_merged == 1
    assert subject_of(session, a, "dmitry alexandrovich sokolov") == subject_of(
        session, b, "sokolov dmitri aleksandrovich"
    )
    assert subject_of(session, c, "dmitry sokolova") not in (
        None,
        subject_of(session, a, "dmitry alexandrovich sokolov"),
    )
    assert identity.list_review_items(session) == []


def test_storage_identity_review_band_opens_an_item_and_same_merges(session, store) -> None:
    a = store("a.txt", person("Dmitry Alexandrovich Sokolov", nationality="RU"))
    b = store("b.txt", person("DAS", nationality="RU", age=36, name_kind="initials"))
    report = identity.resolve(session)
    assert (report.review_items, report.new_subjects) == (1, 2)
    [item] = identity.list_review_items(session)
    assert {item.a.name, item.b.name} == {"Dmitry Alexandrovich Sokolov", "DAS"}
    assert any("initials" in reason for reason in item.reasons)
    decided = identity.decide_review(session, item_id=item.id, decision="same", user="analis")
    assert (decided.status, decided.decided_by) == ("decided", "analis")
    subject_id = subject_of(session, a, "dmitry alexandrovich sokolov")
    assert subject_id == subject_of(session, b, "DAS")
    [summary] = dossier.list_subjects(session, nationality="RU")
    assert (summary.name, summary.document_count) == ("Dmitry Alexandrovich Sokolov", 2)


def mention(session, document_id: int):
    return identity.mentions_of(session, document_ids=[document_id])[0]


def test_storage_identity_different_splits_and_holds_through_a_third_mention(
    session, store
) -> None:
    a = store("a.txt", person("Ahmad Yusuf Karim", nationality="EG"))
    b = store("b.txt", person("Ahmad Karim", nationality="EG"))
    identity.resolve(session)
    assert subject_of(session, a, "ahmad yusuf karim") == subject_of(session, b, "ahmad karim")
    identity.decide_pair(
        session,
        mention_a_id=mention(session, a).id,
        mention_b_id=mention(session, b).id,
        decision="different",
        user="analis",
    )
    assert subject_of(session, a, "ahmad yusuf karim") != subject_of(session, b, "ahmad karim")
    c = store("c.txt", person("Ahmed Yousef Karim", nationality="EG"))
    report = identity.resolve(session)
    assert report.auto_merged == 1
    assert subject_of(session, c, "ahmed yousef karim") == subject_of(
        session, a, "ahmad yusuf karim"
    )
    [item] = identity.list_review_items(session)
    assert {item.a.document_id, item.b.document_id} == {b, c}
    with pytest.raises(IdentityError, match="different people"):
        identity.decide_review(session, item_id=item.id, decision="same", user="analis")
    identity.resolve(session)
    assert subject_of(session, a, "ahmad yusuf karim") != subject_of(session, b, "ahmad karim")


def test_storage_identity_unsure_is_never_asked_again(session, store) -> None:
    store("a.txt", person("Dmitry Alexandrovich Sokolov", nationality="RU"))
    b = store("b.txt", person("DAS", nationality="RU", name_kind="initials"))
    identity.resolve(session)
    [item] = identity.list_review_items(session)
    identity.decide_review(session, item_id=item.id, decision="unsure", user="analis")
    # Re-extracting the initials document drops its link; the decision still holds.
    repository.save_extraction(
        session, document_id=b, extraction=extraction(person("Budi", nationality="RU"))
    )
    repository.save_extraction(
        session,
        document_id=b,
        extraction=extraction(person("DAS", nationality="RU", name_kind="initials")),
    )
    identity.resolve(session)
    assert identity.list_review_items(session) == []
    assert len(session.exec(select(PairDecision)).all()) == 1


def test_storage_identity_second_batch_scores_only_new_mentions(session, store) -> None:
    for i, name in enumerate(["Tran Thi Thu Ha", "Tran Thi Thu Ha", "Tran Van Nam"]):
        store(f"a{i}.txt", person(name, nationality="VN"))
    first = identity.resolve(session)
    assert first.mentions == 3
    assert first.comparisons == 3  # each later mention against the earlier ones it blocks with
    doc = store("b.txt", person("Tran Thi Thu Ha", nationality="VN"))
    second = identity.resolve(session)
    assert (second.mentions, second.comparisons, second.auto_merged) == (1, 3, 1)
    assert identity.resolve(session).comparisons == 0
    assert subject_of(session, doc, "tran thi thu ha") is not None


def test_storage_identity_reextraction_keeps_links_and_removes_vanished(session, store) -> None:
    a = store("a.txt", person("Park Seo-yeon", nationality="KR", age=31))
    b = store("b.txt", person("Park Seo-yeon", nationality="KR", age=31), person("Kim Min-jun"))
    identity.resolve(session)
    subject_id = subject_of(session, a, "park seo yeon")
    repository.save_extraction(
        session,
        document_id=b,
        extraction=extraction(
            person("Park Seo-yeon", nationality="KR", age=31, passport="M12345678")
        ),
    )
    assert subject_of(session, b, "park seo yeon") == subject_id
    assert [m.key for m in identity.mentions_of(session, document_ids=[b])] == ["park seo yeon"]
    [summary] = [s for s in dossier.list_subjects(session) if s.id == subject_id]
    assert summary.passports == ["M12345678"]
    assert len(dossier.list_subjects(session)) == 1  # the vanished mention's subject is gone


def test_storage_identity_dossier_gathers_documents_incidents_and_co_subjects(
    session, store
) -> None:
    incident = Fact(
        kind=FactKind.INCIDENT,
        page=1,
        start=0,
        end=9,
        text="diamankan",
        value="arrest",
        sentence="Ia diamankan.",
        method="rule:incidents",
        confidence=0.9,
        attributes={"status": "reported", "counted": True},
    )
    place = Fact(
        kind=FactKind.LOCATION,
        page=1,
        start=0,
        end=7,
        text="Mataram",
        value="52.71",
        method="gazetteer",
        confidence=0.9,
        attributes={"level": "city", "region_name": "Mataram"},
    )
    first = person("Ali Reza Karimi", nationality="IR", incidents=["arrest"])
    a = store(
        "a.txt", first, person("Zhang Wei", nationality="CN"), incident, place, date="2026-10-13"
    )
    store("b.txt", person("Ali Reza Karimi", nationality="IR"), place, date="2026-11-06")
    identity.resolve(session)
    subject_id = subject_of(session, a, "ali reza karimi")
    found = dossier.get_dossier(session, subject_id=subject_id)
    assert [d.date for d in found.documents] == ["2026-10-13", "2026-11-06"]
    assert [(e.date, e.kind) for e in found.timeline] == [
        ("2026-10-13", "document"),
        ("2026-10-13", "incident"),
        ("2026-11-06", "document"),
    ]
    assert [(p.code, p.documents) for p in found.places] == [("52.71", 2)]
    assert [i.label for i in found.incidents] == ["arrest"]
    assert [c.name for c in found.co_subjects] == ["Zhang Wei"]
    assert dossier.get_dossier(session, subject_id=9999) is None


def test_storage_identity_decision_keys_are_stable_mention_references(session, store) -> None:
    store("a.txt", person("Dmitry Alexandrovich Sokolov", nationality="RU"))
    store("b.txt", person("DAS", nationality="RU", name_kind="initials"))
    identity.resolve(session)
    [item] = identity.list_review_items(session)
    identity.decide_review(session, item_id=item.id, decision="same", user="analis")
    [row] = session.exec(select(PairDecision)).all()
    assert {row.key_a, row.key_b} == {"dmitry alexandrovich sokolov", "DAS"}
    with pytest.raises(IdentityError):
        identity.decide_review(session, item_id=item.id, decision="maybe", user="analis")
    assert len(session.exec(select(Mention)).all()) == 2


def test_storage_identity_deleting_a_document_refreshes_its_subjects(session, store) -> None:
    a = store("a.txt", person("Park Seo-yeon", nationality="KR", age=31))
    b = store("b.txt", person("Park Seo-yeon", nationality="KR", age=31))
    identity.resolve(session)
    repository.delete_document(session, document_id=b)
    [summary] = dossier.list_subjects(session)
    assert (summary.document_count, summary.mention_count) == (1, 1)
    assert subject_of(session, a, "park seo yeon") == summary.id


def test_storage_identity_same_decision_survives_reextraction(session, store) -> None:
    a = store("a.txt", person("Dmitry Alexandrovich Sokolov", nationality="RU"))
    b = store("b.txt", person("DAS", nationality="RU"))
    identity.resolve(session)
    [item] = identity.list_review_items(session)
    identity.decide_review(session, item_id=item.id, decision="same", user="analis")
    for facts in ([person("Budi", nationality="RU")], [person("DAS", nationality="RU")]):
        repository.save_extraction(session, document_id=b, extraction=extraction(*facts))
    assert subject_of(session, b, "DAS") is None  # a new mention, not yet resolved
    report = identity.resolve(session, document_ids=[b])
    assert (report.mentions, report.decided, report.review_items) == (1, 1, 0)
    assert subject_of(session, b, "DAS") == subject_of(session, a, "dmitry alexandrovich sokolov")


def test_storage_identity_time_limit_leaves_mentions_for_the_next_run(session, store) -> None:
    for i, name in enumerate(["Tran Thi Thu Ha", "Tran Van Nam"]):
        store(f"c{i}.txt", person(name, nationality="VN"))
    stopped = identity.resolve(session, seconds=0)
    assert (stopped.mentions, stopped.deferred) == (0, 2)
    later = identity.resolve(session, seconds=60)
    assert (later.mentions, later.deferred) == (2, 0)
