"""Storage: engine, migrations, claims, results and run counts on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
from datetime import UTC
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import document_result

from models.errors import StorageError
from models.records import DocumentStatus, RunStatus
from models.tables import Page
from storage import migrate, repository
from storage.engine import make_engine, parse_url, session_for
from storage.repository import Claim

SHA_A = hashlib.sha256(b"surat a").hexdigest()
SHA_B = hashlib.sha256(b"surat b").hexdigest()
PAGES = [
    "Kantor Imigrasi menerima laporan tentang orang asing yang menginap di vila.",
    "Tim gabungan memeriksa paspor dan izin tinggal para tamu pada hari Kamis.",
    "Hasil pemeriksaan dicatat dalam berita acara dan dikirim ke Kanwil.",
]


def claim(session, path="/arsip/masuk/surat-a.pdf", sha256=SHA_A, run_id=None):
    if run_id is None:
        run_id = repository.start_run(session, inputs=[path]).id
    return repository.claim_document(
        session,
        path=path,
        sha256=sha256,
        size=2048,
        media_type="application/pdf",
        run_id=run_id,
    )


def save(session, document, pages=PAGES, **options):
    result = document_result(document.path, document.sha256, pages, **options)
    return repository.save_result(session, document_id=document.id, result=result)


# --- engine -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        ("postgresql://pantau@db.example:5432/pantau", "postgresql+psycopg"),
        ("postgres://pantau@db.example/pantau", "postgresql+psycopg"),
        ("postgresql+psycopg://pantau@db.example/pantau", "postgresql+psycopg"),
        ("sqlite:///data/pantau.db", "sqlite"),
    ],
)
def test_engine_parse_url_chooses_psycopg(url, driver):
    assert parse_url(url).drivername == driver


def test_engine_sqlite_creates_folder_and_sets_pragmas(tmp_path):
    path = tmp_path / "baru" / "lagi" / "pantau.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            pragma = {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "synchronous", "busy_timeout", "foreign_keys")
            }
    finally:
        engine.dispose()
    assert path.parent.is_dir()
    assert pragma == {
        "journal_mode": "wal",
        "synchronous": 1,
        "busy_timeout": 30000,
        "foreign_keys": 1,
    }


def test_engine_unreachable_postgres_raises_storage_error():
    with pytest.raises(StorageError, match="Cannot reach the PostgreSQL database") as caught:
        make_engine("postgresql://pantau:rahasia@127.0.0.1:1/pantau?connect_timeout=2")
    assert "PANTAU_DATABASE_URL" in caught.value.message
    assert "rahasia" not in caught.value.message


@pytest.mark.parametrize("problem", ["not_a_database", "folder_is_a_file", "not_a_url"])
def test_engine_bad_sqlite_target_raises_storage_error(tmp_path, problem):
    blocker = tmp_path / "berkas.txt"
    blocker.write_text("ini bukan basis data SQLite, hanya catatan biasa. " * 100)
    url = {
        "not_a_database": f"sqlite:///{blocker}",
        "folder_is_a_file": f"sqlite:///{blocker}/pantau.db",
        "not_a_url": "pantau.db",
    }[problem]
    with pytest.raises(StorageError):
        make_engine(url)


# --- migrations -------------------------------------------------------------


def test_migrate_upgrades_empty_database_to_head(empty_db_url):
    engine = make_engine(empty_db_url)
    try:
        assert migrate.current_revision(engine) is None
        with pytest.raises(StorageError, match="alembic upgrade head"):
            migrate.require_current(engine)
        migrate.upgrade(engine)
        migrate.upgrade(engine)  # already at head: nothing to do, no error
        migrate.require_current(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
        inspector = sa.inspect(engine)
        assert {"document", "page", "run", "fact", "subject", "mention"} <= set(
            inspector.get_table_names()
        )
        if engine.dialect.name == "sqlite":
            assert "page_fts" in inspector.get_table_names()
        else:
            assert "search_vector" in {c["name"] for c in inspector.get_columns("page")}
        migrate.downgrade(engine)
        assert not {"document", "page", "run", "fact"} & set(sa.inspect(engine).get_table_names())
        assert migrate.current_revision(engine) is None
    finally:
        engine.dispose()


def test_migrate_ensure_current_migrates_only_what_is_behind(empty_db_url, monkeypatch):
    assert migrate.shipped_head() == migrate.head_revision()
    engine = make_engine(empty_db_url)
    try:
        migrate.ensure_current(engine)  # a new database: migrated to the newest schema
        assert migrate.current_revision(engine) == migrate.head_revision()
        migrate.downgrade(engine, "0006")
        migrate.ensure_current(engine)  # one migration behind: upgraded
        assert migrate.current_revision(engine) == migrate.head_revision()

        def no_upgrade(*args, **kwargs):
            raise AssertionError("a current database was migrated again")

        monkeypatch.setattr(migrate, "upgrade", no_upgrade)
        migrate.ensure_current(engine)  # current: the version row is enough
    finally:
        engine.dispose()


def test_migrate_matches_the_models(db_engine):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    with db_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    search_objects = [d for d in differences if "page_fts" in str(d) or "search_vector" in str(d)]
    assert [d for d in differences if d not in search_objects] == []


# --- claims -----------------------------------------------------------------


def test_storage_claim_new_creates_pending_document(session):
    document, outcome = claim(session)
    assert outcome is Claim.NEW
    stored = repository.get_document(session, document_id=document.id)
    assert stored.status == DocumentStatus.PENDING
    assert (stored.name, stored.size, stored.duplicate_of) == ("surat-a.pdf", 2048, None)
    assert stored.created_at.tzinfo is not None
    assert stored.created_at.utcoffset() == UTC.utcoffset(None)


@pytest.mark.parametrize("status", ["processed", "partial", "failed"])
def test_storage_claim_after_result_is_unchanged(session, status):
    document, _ = claim(session)
    save(session, document, status=status, error_code="corrupt" if status == "failed" else None)
    again, outcome = claim(session)
    assert outcome is Claim.UNCHANGED
    assert again.id == document.id


def test_storage_claim_same_content_elsewhere_is_duplicate(session):
    original, _ = claim(session)
    save(session, original)
    copy, outcome = claim(session, path="/arsip/salinan/surat-a (1).pdf")
    assert outcome is Claim.DUPLICATE
    assert copy.id != original.id
    assert (copy.status, copy.duplicate_of) == (DocumentStatus.DUPLICATE, original.id)
    # The duplicate itself is now a known input: claiming it again skips it.
    assert claim(session, path="/arsip/salinan/surat-a (1).pdf")[1] is Claim.UNCHANGED


def test_storage_claim_pending_from_crashed_run_resumes(session):
    # A worker on another machine claimed it, then stopped renewing its leases.
    gone = repository.start_run(session, inputs=["/arsip"], worker="server-b:77", lease_seconds=-1)
    document, _ = repository.claim_document(
        session,
        path="/arsip/masuk/surat-a.pdf",
        sha256=SHA_A,
        size=2048,
        media_type="application/pdf",
        run_id=gone.id,
        claimant=repository.Claimant(run_id=gone.id, worker="server-b:77", lease_seconds=-1),
    )
    crashed = repository.mark_crashed_runs(session)
    assert [(run.id, run.status) for run in crashed] == [(gone.id, RunStatus.CRASHED)]
    new_run = repository.start_run(session, inputs=["/arsip/masuk"])
    resumed, outcome = claim(session, run_id=new_run.id)
    assert outcome is Claim.RESUME
    assert (resumed.id, resumed.run_id) == (document.id, new_run.id)


@pytest.mark.parametrize(
    ("status", "code", "retried"),
    [
        ("failed", "temporary", True),  # a full TMPDIR while reading
        ("partial", "setup", True),  # a language pack went missing mid-batch
        ("failed", "corrupt", False),  # the file itself is bad: no point reading it again
        ("failed", "ocr_failed", False),
    ],
)
def test_storage_claim_retries_faults_of_the_machine_on_the_next_run(
    session, status, code, retried
):
    document, _ = claim(session)
    save(session, document, status=status, error_code=code)
    # The run that saw the fault does not read the document twice.
    assert claim(session, run_id=document.run_id)[1] is Claim.UNCHANGED

    next_run = repository.start_run(session, inputs=["/arsip/masuk"])
    again, outcome = claim(session, run_id=next_run.id)

    assert again.id == document.id
    if retried:
        assert outcome is Claim.RESUME
        assert (again.status, again.run_id) == (DocumentStatus.PENDING, next_run.id)
        assert again.error_code == code  # the reason stays until the new result replaces it
        fresh = save(session, again)
        assert (fresh.status, fresh.error_code) == (DocumentStatus.PROCESSED, None)
        run = repository.get_run(session, run_id=next_run.id)
        assert (run.documents_seen, run.processed, run.unchanged) == (1, 1, 0)
    else:
        assert outcome is Claim.UNCHANGED
        assert again.status == status


def test_storage_claim_changed_content_at_same_path_is_new(session):
    first, _ = claim(session)
    save(session, first)
    second, outcome = claim(session, sha256=SHA_B)
    assert outcome is Claim.NEW
    assert second.id != first.id


@pytest.mark.parametrize("same_path", [True, False], ids=["same-path", "other-paths"])
def test_storage_concurrent_claims_yield_one_new(db_engine, same_path):
    workers = 4
    with session_for(db_engine) as session:
        run_id = repository.start_run(session, inputs=["/arsip"]).id
    barrier = threading.Barrier(workers)
    outcomes: list[Claim] = []
    errors: list[BaseException] = []

    def work(index: int) -> None:
        path = "/arsip/sama.pdf" if same_path else f"/arsip/salinan-{index}.pdf"
        try:
            with session_for(db_engine) as session:
                barrier.wait()
                outcomes.append(claim(session, path=path, run_id=run_id)[1])
        except BaseException as e:  # surfaced by the assertion below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert outcomes.count(Claim.NEW) == 1
    others = Claim.RESUME if same_path else Claim.DUPLICATE
    assert outcomes.count(others) == workers - 1
    with session_for(db_engine) as session:
        documents = repository.list_documents(session)
        run = repository.get_run(session, run_id=run_id)
    assert len(documents) == (1 if same_path else workers)
    assert sum(d.duplicate_of is None for d in documents) == 1
    assert run.documents_seen == (1 if same_path else workers)
    assert run.duplicates == (0 if same_path else workers - 1)


# --- results ----------------------------------------------------------------


def test_storage_save_result_replaces_pages_and_is_idempotent(session):
    document, _ = claim(session)
    save(session, document)
    assert [p.text for p in repository.get_pages(session, document_id=document.id)] == PAGES

    shorter = [PAGES[0], None]
    for _ in range(2):
        saved = save(session, document, pages=shorter, status="partial")
        pages = repository.get_pages(session, document_id=document.id)
        assert [(p.number, p.text, p.error_code) for p in pages] == [
            (1, PAGES[0], None),
            (2, "", "blank_page"),
        ]
        assert (saved.status, saved.page_count) == (DocumentStatus.PARTIAL, 2)

    first = pages[0]
    assert first.source == "text_layer"
    assert first.words[0]["text"] == "Kantor"
    assert first.confidence == 90.0


def test_storage_large_document_is_written_in_bounded_transactions(session):
    """250 pages go in batches of at most 100 (no write holds the database for long); the
    document stays pending until its status, counts and last batch land together."""
    document, _ = claim(session)
    pages = [f"Halaman {n}: petugas memeriksa paspor tamu asing di vila." for n in range(250)]
    batches: list[int] = []
    pending_meanwhile: list[str] = []

    def on_flush(flushing, _context, _instances) -> None:  # noqa: ANN001
        new_pages = [o for o in flushing.new if isinstance(o, Page)]
        if new_pages:
            batches.append(len(new_pages))
            stored = flushing.execute(
                sa.text("SELECT status FROM document WHERE id = :id"), {"id": document.id}
            ).scalar()
            pending_meanwhile.append(stored)

    sa.event.listen(session, "before_flush", on_flush)
    try:
        saved = save(session, document, pages=pages)
    finally:
        sa.event.remove(session, "before_flush", on_flush)

    assert batches == [100, 100, 50]
    assert set(pending_meanwhile) == {"pending"}
    assert (saved.status, saved.page_count) == (DocumentStatus.PROCESSED, 250)
    stored = repository.get_pages(session, document_id=document.id)
    assert [p.text for p in stored] == pages
    run = repository.get_run(session, run_id=document.run_id)
    assert (run.documents_seen, run.processed) == (1, 1)
    # Saved again once it has a result: one transaction, same state.
    again = save(session, saved, pages=pages)
    assert (
        again.page_count == 250
        and len(repository.get_pages(session, document_id=document.id)) == 250
    )
    assert repository.get_run(session, run_id=document.run_id).processed == 1


def test_storage_pages_of_a_document_still_being_written_are_not_found(session):
    """Between its page batches and its last transaction (or after a kill in between) a
    large document is pending: its pages are stored but no search finds them yet."""
    from models.records import SearchQuery
    from storage import xref
    from storage.search import search_pages

    document, _ = claim(session)
    pages = [f"Halaman {n}: tamu asing menginap di penginapan Kelimutu." for n in range(120)]
    result = document_result(document.path, document.sha256, pages)
    stored = [repository.page_from_result(document.id, page) for page in result.pages]
    repository._write_pages_in_batches(session, document_id=document.id, pages=stored)

    assert len(repository.get_pages(session, document_id=document.id)) == 120
    assert search_pages(session, query="Kelimutu") == []
    assert xref.search(session, query=SearchQuery(text="Kelimutu")).total == 0

    repository.save_result(session, document_id=document.id, result=result)
    assert {hit.document_id for hit in search_pages(session, query="Kelimutu")} == {document.id}
    found = xref.search(session, query=SearchQuery(text="Kelimutu"))
    assert found.total == 1


def test_storage_save_result_rejects_pending_and_unknown(session):
    document, _ = claim(session)
    with pytest.raises(ValueError, match="processed, partial or failed"):
        save(session, document, status="pending")
    result = document_result("/x.pdf", SHA_B, PAGES)
    with pytest.raises(StorageError, match="No document"):
        repository.save_result(session, document_id=9999, result=result)


def test_storage_run_counts_follow_each_commit(session):
    run = repository.start_run(session, inputs=["/arsip/masuk"])
    paths = {f"/arsip/masuk/{n}.pdf": hashlib.sha256(n.encode()).hexdigest() for n in "abcd"}
    claimed = {
        path: claim(session, path=path, sha256=sha, run_id=run.id)[0] for path, sha in paths.items()
    }
    docs = list(claimed.values())
    save(session, docs[0], source="ocr")
    save(session, docs[1], pages=[PAGES[0], None, None], status="partial")
    save(session, docs[2], pages=[], status="failed", error_code="encrypted")
    save(session, docs[2], pages=[], status="failed", error_code="encrypted")  # counted once
    sha_a = paths["/arsip/masuk/a.pdf"]
    claim(session, path="/arsip/masuk/salinan-a.pdf", sha256=sha_a, run_id=run.id)
    claim(session, path="/arsip/masuk/a.pdf", sha256=sha_a, run_id=run.id)  # a retried task

    # docs[3] is still pending, as after a crash: seen, but no outcome yet.
    counted = repository.get_run(session, run_id=run.id)
    seen = (counted.documents_seen, counted.processed, counted.partial, counted.failed)
    assert seen == (5, 1, 1, 1)
    assert (counted.duplicates, counted.unchanged) == (1, 0)
    assert (counted.pages, counted.pages_ocr, counted.pages_text_layer) == (6, 3, 1)
    assert counted.failures_by_reason == {"blank_page": 2, "encrypted": 1}

    later = repository.start_run(session, inputs=["/arsip/masuk"])
    for path, sha in paths.items():
        claim(session, path=path, sha256=sha, run_id=later.id)
    finished = repository.finish_run(session, run=later)
    assert (finished.documents_seen, finished.unchanged) == (4, 3)
    assert finished.status == RunStatus.FINISHED
    assert finished.finished_at >= finished.started_at
    assert finished.seconds == (finished.finished_at - finished.started_at).total_seconds()


def test_storage_mark_crashed_runs_leaves_finished_runs(session):
    finished = repository.finish_run(session, run=repository.start_run(session, inputs=["/a"]))
    left_running = repository.start_run(
        session, inputs=["/b"], worker="server-b:1", lease_seconds=-1
    )
    crashed = repository.mark_crashed_runs(session)
    assert [run.id for run in crashed] == [left_running.id]
    runs = repository.list_runs(session, limit=5)
    assert [(r.id, r.status) for r in runs] == [
        (left_running.id, RunStatus.CRASHED),
        (finished.id, RunStatus.FINISHED),
    ]
    assert repository.list_runs(session, limit=1)[0].id == left_running.id


def test_storage_reset_failed_makes_documents_resumable(session):
    failed, _ = claim(session)
    save(session, failed, pages=[], status="failed", error_code="corrupt")
    processed, _ = claim(session, path="/arsip/masuk/surat-b.pdf", sha256=SHA_B)
    save(session, processed)

    reset = repository.reset_failed(session)
    assert [d.id for d in reset] == [failed.id]
    stored = repository.get_document(session, document_id=failed.id)
    assert (stored.status, stored.error, stored.error_code) == (DocumentStatus.PENDING, None, None)
    assert claim(session)[1] is Claim.RESUME

    chosen = repository.reset_failed(session, document_ids=[processed.id])
    assert [d.id for d in chosen] == [processed.id]
    assert repository.list_documents(session, status=DocumentStatus.PROCESSED) == []
    assert len(repository.list_documents(session, status=DocumentStatus.PENDING)) == 2


def test_storage_delete_document_removes_pages_and_duplicates(session):
    original, _ = claim(session)
    save(session, original)
    claim(session, path="/arsip/salinan/surat-a.pdf")
    assert repository.delete_document(session, document_id=original.id)
    assert repository.get_document(session, document_id=original.id) is None
    assert repository.get_pages(session, document_id=original.id) == []
    assert repository.list_documents(session) == []
    assert not repository.delete_document(session, document_id=original.id)


def test_migrate_command_line_uses_pantau_database_url(tmp_path):
    root = Path(__file__).resolve().parent.parent
    url = f"sqlite:///{tmp_path / 'cli' / 'pantau.db'}"
    env = {**os.environ, "PANTAU_DATABASE_URL": url}
    command = [sys.executable, "-m", "alembic", "-c", str(root / "alembic.ini")]
    subprocess.run([*command, "upgrade", "head"], cwd=tmp_path, env=env, check=True)
    engine = make_engine(url)
    try:
        assert migrate.current_revision(engine) == migrate.head_revision()
    finally:
        engine.dispose()
