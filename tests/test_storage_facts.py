"""Storage of extracted facts: saved with the pages, replaced whole, nothing else touched."""

from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa
from conftest import document_result

from models.records import ExtractionResult, Fact, FactKind
from storage import migrate, repository
from storage.engine import make_engine

PAGES = ["Dua WNA asal Vietnam diamankan petugas di Kabupaten Sikka.", "Keduanya dideportasi."]


def facts(*values: str, version: str = "nlp-1") -> ExtractionResult:
    return ExtractionResult(
        extractor=version,
        kind="news",
        document_date="2026-03-02",
        facts=[
            Fact(
                kind=FactKind.INCIDENT,
                page=1,
                start=24,
                end=34,
                text="diamankan",
                value=value,
                sentence=PAGES[0],
                method="rule:incidents",
                confidence=0.9,
                attributes={"status": "reported", "counted": True},
            )
            for value in values
        ],
    )


def stored(session, name="berita.txt", extraction=None, run_id=None):
    run_id = run_id or repository.start_run(session, inputs=[name]).id
    sha256 = hashlib.sha256(name.encode()).hexdigest()
    document, _ = repository.claim_document(
        session,
        path=f"/arsip/{name}",
        sha256=sha256,
        size=10,
        media_type="text/plain",
        run_id=run_id,
    )
    result = document_result(document.path, sha256, PAGES)
    return repository.save_result(
        session, document_id=document.id, result=result, extraction=extraction
    )


def test_storage_facts_saved_with_the_result_and_counted_for_the_run(session) -> None:
    document = stored(session, extraction=facts("arrest", "deportation"))
    rows = repository.get_facts(session, document_id=document.id)
    assert [(r.kind, r.value, r.page, r.start, r.end) for r in rows] == [
        (FactKind.INCIDENT, "arrest", 1, 24, 34),
        (FactKind.INCIDENT, "deportation", 1, 24, 34),
    ]
    assert rows[0].attributes == {"status": "reported", "counted": True}
    assert (document.kind, document.document_date, document.extractor) == (
        "news",
        "2026-03-02",
        "nlp-1",
    )
    assert repository.get_run(session, run_id=document.run_id).facts == 2


def test_storage_extracting_again_replaces_only_that_documents_facts(session) -> None:
    first = stored(session, "a.txt", extraction=facts("arrest"))
    second = stored(session, "b.txt", extraction=facts("refugee"))
    pages_before = [p.text for p in repository.get_pages(session, document_id=first.id)]
    repository.save_extraction(
        session, document_id=first.id, extraction=facts("deportation", "blacklist", version="v2")
    )
    assert [r.value for r in repository.get_facts(session, document_id=first.id)] == [
        "deportation",
        "blacklist",
    ]
    assert [r.value for r in repository.get_facts(session, document_id=second.id)] == ["refugee"]
    assert [p.text for p in repository.get_pages(session, document_id=first.id)] == pages_before
    assert repository.get_document(session, document_id=first.id).status == "processed"


def test_storage_documents_to_extract_finds_missing_and_stale_facts(session) -> None:
    without = stored(session, "tanpa.txt")
    old = stored(session, "lama.txt", extraction=facts("arrest", version="nlp-old"))
    current = stored(session, "baru.txt", extraction=facts("arrest", version="nlp-new"))
    assert [d.id for d in repository.documents_to_extract(session)] == [without.id]
    stale = repository.documents_to_extract(session, extractor="nlp-new")
    assert [d.id for d in stale] == [without.id, old.id]
    assert repository.needs_extraction(without) and not repository.needs_extraction(current)


def test_storage_facts_filtered_by_kind_and_deleted_with_their_document(session) -> None:
    document = stored(session, extraction=facts("arrest"))
    assert repository.get_facts(session, document_id=document.id, kinds=[FactKind.LOCATION]) == []
    assert repository.delete_document(session, document_id=document.id)
    assert repository.get_facts(session, document_id=document.id) == []


def test_storage_upgrading_a_database_with_documents_keeps_their_pages(empty_db_url) -> None:
    engine = make_engine(empty_db_url)
    try:
        migrate.upgrade(engine, "0001")
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO run (id, started_at, status, inputs, documents_seen, processed, "
                    "partial, failed, duplicates, unchanged, pages, pages_ocr, pages_text_layer, "
                    "failures_by_reason, seconds) VALUES (1, CURRENT_TIMESTAMP, 'finished', '[]', "
                    "1, 1, 0, 0, 0, 0, 1, 0, 1, '{}', 1.0)"
                )
            )
            connection.execute(
                sa.text(
                    "INSERT INTO document (id, sha256, path, name, media_type, size, status, "
                    "page_count, warnings, run_id, created_at, updated_at) VALUES (1, 'ab', "
                    "'/arsip/a.txt', 'a.txt', 'text/plain', 5, 'processed', 1, '[]', 1, "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(
                sa.text(
                    "INSERT INTO page (document_id, number, text, source, rotation, skew, width, "
                    "height, words, steps) VALUES (1, 1, 'WNA asal Laos', 'text_layer', 0, 0, 0, "
                    "0, "
                    "'[]', '[]')"
                )
            )
        migrate.upgrade(engine)
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM page")).scalar_one() == 1
            row = connection.execute(
                sa.text("SELECT extracted_at, extractor FROM document WHERE id = 1")
            ).one()
            assert tuple(row) == (None, None)  # the next run extracts its facts
            assert connection.execute(sa.text("SELECT facts FROM run")).scalar_one() == 0
    finally:
        engine.dispose()


@pytest.mark.parametrize("bad", [-0.1, 1.5])
def test_storage_fact_confidence_must_be_a_probability(bad: float) -> None:
    with pytest.raises(ValueError):
        Fact(kind="date", page=1, start=0, end=1, text="x", method="rule:dates", confidence=bad)
