"""Claims with leases: one worker reads a pending document, a killed worker's documents are
taken over, a run is crashed by its lease, history keeps every failure, and resolution runs
one at a time (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import threading
import time

import pytest
from conftest import document_result

from models.records import DocumentStatus, RunStatus
from models.tables import Document, Run
from storage import claims, repository
from storage.engine import session_for
from storage.repository import Claim, Claimant

SHA = hashlib.sha256(b"laporan operasi gabungan").hexdigest()
PATH = "/arsip/masuk/laporan-operasi.pdf"
PAGES = ["Tim memeriksa tiga orang asing di penginapan dekat pelabuhan."]
OTHER = "server-b:4242"  # a worker of another machine


def claim_as(session, worker, *, lease=60.0, retry_failed=False, path=PATH):
    run = repository.start_run(session, inputs=[path], worker=worker, lease_seconds=lease)
    claimant = Claimant(
        run_id=run.id, worker=worker, lease_seconds=lease, retry_failed=retry_failed
    )
    document, claim = repository.claim_document(
        session,
        path=path,
        sha256=SHA,
        size=100,
        media_type="application/pdf",
        run_id=run.id,
        claimant=claimant,
    )
    return run, document, claim


def result(**options):
    return document_result(PATH, SHA, PAGES, **options)


def test_a_live_claim_keeps_other_workers_off_and_each_run_counts_it(session):
    first_run, document, claim = claim_as(session, OTHER)
    assert claim is Claim.NEW
    assert (document.claimed_by, document.status) == (OTHER, DocumentStatus.PENDING)

    me = claims.worker_id()
    second_run, seen, claim = claim_as(session, me)
    assert claim is Claim.BUSY
    assert seen.claimed_by == OTHER
    run = repository.get_run(session, run_id=second_run.id)
    assert (run.documents_seen, run.elsewhere, run.unchanged) == (1, 1, 0)

    # The owner saves: its claim ends, the next worker finds a final state.
    repository.save_result(session, document_id=document.id, result=result(), worker=OTHER)
    _, stored, claim = claim_as(session, me)
    assert claim is Claim.UNCHANGED
    assert (stored.claimed_by, stored.lease_expires_at) == (None, None)


def test_a_lapsed_claim_is_taken_over_and_the_old_owner_cannot_save(session):
    _, document, _ = claim_as(session, OTHER, lease=-1)  # already past its lease
    me = claims.worker_id()
    run, taken, claim = claim_as(session, me)
    assert claim is Claim.RESUME
    assert (taken.claimed_by, taken.run_id) == (me, run.id)
    events = claims.history(session, document_id=document.id)
    assert [e.event for e in events] == ["taken_over"]
    assert OTHER in events[0].error and events[0].worker == me

    # The first worker comes back to life and tries to store its result: refused.
    with pytest.raises(repository.LostClaim):
        repository.save_result(session, document_id=document.id, result=result(), worker=OTHER)
    assert repository.get_document(session, document_id=document.id).status == "pending"
    assert repository.get_pages(session, document_id=document.id) == []

    repository.save_result(session, document_id=document.id, result=result(), worker=me)
    stored = repository.get_document(session, document_id=document.id)
    assert (stored.status, stored.claimed_by) == (DocumentStatus.PROCESSED, None)
    assert repository.get_run(session, run_id=run.id).processed == 1


def test_a_claim_of_an_exited_process_here_is_taken_over_at_once(session):
    exited = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = f"{claims.worker_id().rpartition(':')[0]}:{exited.stdout.strip()}"
    assert claims.is_dead_here(dead)
    claim_as(session, dead, lease=3600)
    _, _, claim = claim_as(session, claims.worker_id())
    assert claim is Claim.RESUME


def test_two_workers_racing_for_a_lapsed_claim_one_wins(db_engine):
    with session_for(db_engine) as session:
        claim_as(session, OTHER, lease=-1)
    outcomes: list[Claim] = []
    barrier = threading.Barrier(4)

    def contend(n: int) -> None:
        with session_for(db_engine) as session:
            barrier.wait()
            outcomes.append(claim_as(session, f"server-{n}:1")[2])

    threads = [threading.Thread(target=contend, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == sorted([Claim.RESUME, Claim.BUSY, Claim.BUSY, Claim.BUSY])


def test_renewing_keeps_a_claim_and_its_run_alive(session):
    me = claims.worker_id()
    run, document, _ = claim_as(session, me, lease=-1)
    assert claims.renew(session, worker=me, lease_seconds=60) == (1, 1)
    _, _, claim = claim_as(session, OTHER)
    assert claim is Claim.BUSY
    assert repository.mark_crashed_runs(session) == []
    assert repository.get_run(session, run_id=run.id).status == RunStatus.RUNNING


def test_a_run_is_crashed_by_its_lease_not_by_the_next_batch(session):
    live = repository.start_run(session, inputs=["/a"], worker=OTHER, lease_seconds=60)
    gone = repository.start_run(session, inputs=["/b"], worker="server-c:9", lease_seconds=-1)
    crashed = repository.mark_crashed_runs(session)
    assert [run.id for run in crashed] == [gone.id]
    assert repository.get_run(session, run_id=live.id).status == RunStatus.RUNNING
    assert repository.get_run(session, run_id=gone.id).status == RunStatus.CRASHED


def test_retrying_failed_documents_keeps_the_earlier_reason_and_touches_only_those_claimed(
    session,
):
    me = claims.worker_id()
    _, document, _ = claim_as(session, me)
    failed = result(status="failed", error_code="corrupt")
    repository.save_result(session, document_id=document.id, result=failed, worker=me)
    other_path = "/arsip/lain/surat.pdf"
    other = Document(
        sha256="0" * 64,
        path=other_path,
        name="surat.pdf",
        media_type="application/pdf",
        size=1,
        run_id=document.run_id,
        status=DocumentStatus.FAILED,
        error="rusak",
        error_code="corrupt",
    )
    session.add(other)
    session.commit()

    # Without --retry-failed a failed document stays failed.
    assert claim_as(session, me)[2] is Claim.UNCHANGED
    run, retried, claim = claim_as(session, me, retry_failed=True)
    assert claim is Claim.RESUME
    assert retried.status == DocumentStatus.PENDING
    assert retried.error == "cannot be read"  # until the new result replaces it
    repository.save_result(session, document_id=document.id, result=result(), worker=me)

    events = claims.history(session, document_id=document.id)
    assert [(e.event, e.error_code, e.error) for e in events] == [
        ("failed", "corrupt", "cannot be read"),
        ("retry", "corrupt", "cannot be read"),
    ]
    session.refresh(other)
    assert (other.status, other.error) == (DocumentStatus.FAILED, "rusak")
    assert repository.get_run(session, run_id=run.id).processed == 1


def test_a_stage_failure_makes_a_document_partial_and_a_later_success_recovers_it(session):
    me = claims.worker_id()
    run, document, _ = claim_as(session, me)
    repository.save_result(session, document_id=document.id, result=result(), worker=me)
    assert repository.get_run(session, run_id=run.id).processed == 1

    assert repository.mark_partial(
        session,
        document_id=document.id,
        error_code="identity_failed",
        error="identity resolution failed",
        run_id=run.id,
    )
    stored = repository.get_document(session, document_id=document.id)
    assert (stored.status, stored.error_code) == (DocumentStatus.PARTIAL, "identity_failed")
    counted = repository.get_run(session, run_id=run.id)
    assert (counted.processed, counted.partial) == (0, 1)
    assert counted.failures_by_reason == {"identity_failed": 1}
    assert claims.history(session, document_id=document.id)[-1].stage == "identity"

    assert claims.recover_stage(session, document_ids=[document.id], error_code="identity_failed")
    session.commit()
    stored = repository.get_document(session, document_id=document.id)
    assert (stored.status, stored.error) == (DocumentStatus.PROCESSED, None)
    assert [e.event for e in claims.history(session, document_id=document.id)] == [
        "partial",
        "recovered",
    ]


def test_the_identity_lock_lets_one_holder_in_at_a_time(db_engine):
    order: list[str] = []
    held = threading.Event()

    def first() -> None:
        with session_for(db_engine) as session:
            claims.exclusive(session, "identity")
            order.append("first took")
            held.set()
            time.sleep(0.5)
            order.append("first done")
            session.commit()

    def second() -> None:
        held.wait()
        with session_for(db_engine) as session:
            claims.exclusive(session, "identity")
            order.append("second took")
            session.commit()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert order == ["first took", "first done", "second took"]


def test_crashed_runs_record_when_they_stopped(session):
    gone = repository.start_run(session, inputs=["/b"], worker="server-c:9", lease_seconds=-1)
    repository.mark_crashed_runs(session)
    stored = session.get(Run, gone.id, populate_existing=True)
    assert stored.finished_at is not None and stored.lease_expires_at is None
