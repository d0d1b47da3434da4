"""Deleting documents: `pantau delete` and the retention period remove a document and
everything derived from it, are audited, and `--dry-run` deletes nothing."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from models.tables import AuditEvent, Document, FactRow, Page, utc_now
from pantau.cli import app

OLD_LETTER = (
    "Pada 3 Februari 2025 petugas Kantor Imigrasi Kelas I TPI Kupang mengamankan warga negara "
    "Timor Leste bernama Joaquim Belo di Kecamatan Kelapa Lima karena izin tinggalnya berakhir."
)
OLDER_MEMO = (
    "Rapat Timpora Kota Kupang membahas pengawasan orang asing di kawasan pelabuhan Tenau "
    "dan rencana operasi gabungan bulan depan."
)
NEW_LETTER = (
    "Pada 9 November 2026 petugas mengamankan warga negara Australia bernama Liam Carter di "
    "Kecamatan Kuta Utara karena bekerja sebagai pemandu selancar dengan visa kunjungan."
)


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout + (result.stderr or "")


@pytest.fixture
def archive(db_url, session, store_document, prefect_home):
    """Three stored documents, two of them stored long ago; a cached page image for each."""
    from extractors.facts import extract_facts
    from storage import repository

    ids = {}
    for name, text in (("lama", OLD_LETTER), ("lebih-lama", OLDER_MEMO), ("baru", NEW_LETTER)):
        document = store_document(f"/arsip/{name}.txt", [text])
        repository.save_extraction(
            session, document_id=document.id, extraction=extract_facts([(1, text)])
        )
        ids[name] = document.id
    ages = {"lama": 400, "lebih-lama": 800, "baru": 3}
    for name, days in ages.items():
        session.exec(
            sa.update(Document)
            .where(Document.id == ids[name])
            .values(created_at=utc_now() - timedelta(days=days))
        )
    session.commit()
    images = prefect_home / "page-images"
    images.mkdir(parents=True, exist_ok=True)
    for name in ids:
        document = repository.get_document(session, document_id=ids[name])
        (images / f"{document.sha256}-p1-100x100-r0-s+0.000.png").write_bytes(b"png")
    return ids


def _count(session, table, document_id: int) -> int:
    statement = (
        sa.select(sa.func.count()).select_from(table).where(table.document_id == document_id)
    )
    return session.exec(statement).one()[0]


def test_retention_dry_run_lists_the_old_documents_and_deletes_nothing(archive, db_url, session):
    code, out = _invoke("retention", "--days", "365", "--dry-run", "--json", "--db", db_url)
    assert code == 0, out
    listed = json.loads(out)
    assert listed["dry_run"] is True
    assert sorted(d["id"] for d in listed["documents"]) == sorted(
        [archive["lama"], archive["lebih-lama"]]
    )
    assert session.exec(sa.select(sa.func.count()).select_from(Document)).one()[0] == 3


def test_retention_deletes_old_documents_with_everything_derived(
    archive, db_url, session, prefect_home
):
    from storage import repository
    from storage.search import search_pages

    assert search_pages(session, query="Joaquim")  # found before
    code, out = _invoke("retention", "--days", "365", "--db", db_url)
    assert code == 0, out
    assert "deleted 2 document(s)" in out
    session.expire_all()
    remaining = [d.id for d in repository.list_documents(session)]
    assert remaining == [archive["baru"]]
    for name in ("lama", "lebih-lama"):
        assert _count(session, Page, archive[name]) == 0
        assert _count(session, FactRow, archive[name]) == 0
    assert _count(session, FactRow, archive["baru"]) > 0
    assert not search_pages(session, query="Joaquim")
    assert search_pages(session, query="Carter")
    images = sorted(p.name for p in (prefect_home / "page-images").iterdir())
    kept = repository.get_document(session, document_id=archive["baru"])
    assert images == [f"{kept.sha256}-p1-100x100-r0-s+0.000.png"]
    audited = session.exec(
        sa.select(AuditEvent.target).where(AuditEvent.action == "retention_delete")
    ).all()
    assert sorted(t[0] for t in audited) == sorted(
        [f"document:{archive['lama']}", f"document:{archive['lebih-lama']}"]
    )


def test_delete_removes_one_document_and_refuses_unknown_ids(archive, db_url, session):
    from storage import repository

    code, out = _invoke("delete", "999", "--db", db_url)
    assert code == 2
    assert "no document with id 999" in out
    code, out = _invoke("delete", str(archive["baru"]), "--db", db_url)
    assert code == 0, out
    session.expire_all()
    assert sorted(d.id for d in repository.list_documents(session)) == sorted(
        [archive["lama"], archive["lebih-lama"]]
    )
    audited = session.exec(
        sa.select(AuditEvent.target).where(AuditEvent.action == "delete_document")
    ).all()
    assert [t[0] for t in audited] == [f"document:{archive['baru']}"]


def test_retention_without_a_period_is_an_error(archive, db_url, monkeypatch):
    monkeypatch.delenv("PANTAU_RETENTION_DAYS", raising=False)
    code, out = _invoke("retention", "--db", db_url)
    assert code == 2
    assert "PANTAU_RETENTION_DAYS" in out
