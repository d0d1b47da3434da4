"""Who is working on what: claims with leases, document history, named locks.

A worker that reads a pending document holds a claim on it (`claimed_by`) until
`lease_expires_at`, and renews it while it works (`renew`). Another worker takes the
document over only once the lease has run out, or at once when the claim belongs to a
process of this machine that no longer exists. Every takeover is a compare-and-set on
the claim as it was read, so two workers never both win it. A run holds a lease the
same way; a running run whose lease ran out has crashed.

`exclusive` serialises work that must not run twice at once (identity resolution,
review decisions): a PostgreSQL advisory lock held to the end of the transaction, or on
SQLite the database's write lock, taken by writing the lock's row.
"""

from __future__ import annotations

import os
import socket
import zlib
from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models.records import DocumentStatus, RunStatus
from models.tables import AppLock, Document, DocumentEvent, Run, utc_now

DEFAULT_LEASE_SECONDS = 60.0


def worker_id() -> str:
    """This process as a claim owner: `host:pid` (asked anew, so a fork is a new worker)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def is_dead_here(owner: str | None) -> bool:
    """True when `owner` is a process of this machine that has exited."""
    if not owner:
        return False
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, under another user
        return False
    return False


def expires(seconds: float) -> datetime:
    return utc_now() + timedelta(seconds=seconds)


def claim_lapsed(owner: str | None, lease_expires_at: datetime | None, *, me: str) -> bool:
    """Whether a claim held as (`owner`, `lease_expires_at`) may be taken by `me`."""
    if owner is None or owner == me:
        return True
    if lease_expires_at is None or lease_expires_at <= utc_now():
        return True
    return is_dead_here(owner)


def take_document(
    session: Session,
    *,
    document: Document,
    worker: str,
    lease_seconds: float,
    run_id: int,
    status: DocumentStatus,
) -> bool:
    """Claim `document` for `worker` (caller's transaction) if its claim has lapsed.

    A compare-and-set on the claim and status as read: False when another worker changed
    them first or holds a live claim. On success the document is pending, in `run_id`,
    and a takeover from another worker is written to its history.
    """
    owner, until, was = document.claimed_by, document.lease_expires_at, document.status
    if not claim_lapsed(owner, until, me=worker):
        return False
    claimed = col(Document.claimed_by)
    taken = session.exec(
        sa.update(Document)
        .where(
            col(Document.id) == document.id,
            col(Document.status) == was,
            claimed.is_(None) if owner is None else claimed == owner,
        )
        .values(
            claimed_by=worker,
            lease_expires_at=expires(lease_seconds),
            status=status,
            run_id=run_id,
            updated_at=utc_now(),
        )
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        return False
    if owner is not None and owner != worker:
        reason = (
            "its process has exited" if is_dead_here(owner) else f"its lease ran out at {until}"
        )
        add_event(
            session,
            document_id=document.id or 0,
            run_id=run_id,
            event="taken_over",
            worker=worker,
            error=f"claimed by {owner}; {reason}",
        )
    session.refresh(document)
    return True


def owns(session: Session, *, document_id: int, worker: str) -> bool:
    """Whether `worker` still holds the claim on a document."""
    owner = session.exec(select(Document.claimed_by).where(Document.id == document_id)).first()
    return owner == worker


def release(session: Session, *, document_id: int, worker: str | None) -> bool:
    """Drop the claim (caller's transaction); False if `worker` no longer held it.

    With `worker` None any claim is dropped (a save made without claiming).
    """
    statement = sa.update(Document).where(col(Document.id) == document_id)
    if worker is not None:
        statement = statement.where(col(Document.claimed_by) == worker)
    released = session.exec(
        statement.values(claimed_by=None, lease_expires_at=None).execution_options(
            synchronize_session=False
        )
    )
    return worker is None or released.rowcount == 1


def release_all(session: Session, *, worker: str, run_id: int | None = None) -> int:
    """Drop every claim `worker` holds (for `run_id`, when given): it is stopping. Returns
    how many. Commits."""
    statement = sa.update(Document).where(col(Document.claimed_by) == worker)
    if run_id is not None:
        statement = statement.where(col(Document.run_id) == run_id)
    released = session.exec(
        statement.values(claimed_by=None, lease_expires_at=None).execution_options(
            synchronize_session=False
        )
    )
    session.commit()
    return released.rowcount


def renew(session: Session, *, worker: str, lease_seconds: float) -> tuple[int, int]:
    """Extend the leases of `worker`'s claims and running runs; returns (documents, runs).

    Commits.
    """
    until = expires(lease_seconds)
    documents = session.exec(
        sa.update(Document)
        .where(col(Document.claimed_by) == worker)
        .values(lease_expires_at=until)
        .execution_options(synchronize_session=False)
    )
    runs = session.exec(
        sa.update(Run)
        .where(col(Run.worker) == worker, col(Run.status) == RunStatus.RUNNING)
        .values(lease_expires_at=until)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return documents.rowcount, runs.rowcount


def run_lapsed(run: Run) -> bool:
    """A running run whose process stopped renewing it (or, on this machine, has exited)."""
    if run.status != RunStatus.RUNNING:
        return False
    return claim_lapsed(run.worker or "?", run.lease_expires_at, me="")


# --- history ------------------------------------------------------------------------


def add_event(
    session: Session,
    *,
    document_id: int,
    event: str,
    run_id: int | None = None,
    stage: str | None = None,
    status: str | None = None,
    error_code: str | None = None,
    error: str | None = None,
    worker: str | None = None,
) -> None:
    """Append a step to a document's history (caller's transaction)."""
    session.add(
        DocumentEvent(
            document_id=document_id,
            run_id=run_id,
            event=event,
            stage=stage,
            status=status,
            error_code=error_code,
            error=error,
            worker=worker or worker_id(),
        )
    )


def history(session: Session, *, document_id: int) -> list[DocumentEvent]:
    """A document's history, oldest first."""
    statement = (
        select(DocumentEvent)
        .where(DocumentEvent.document_id == document_id)
        .order_by(col(DocumentEvent.id))
    )
    return list(session.exec(statement).all())


STAGE_OF_CODE = {
    "ocr_failed": "ocr",
    "blank_page": "ocr",
    "setup": "ocr",
    "nlp_timeout": "nlp",
    "nlp_failed": "nlp",
    "identity_failed": "identity",
}


def stage_of(error_code: str | None) -> str:
    """The stage an error code belongs to: read (the file), ocr, nlp or identity."""
    if error_code is None:
        return "read"
    return STAGE_OF_CODE.get(error_code, "read")


def documents_failed_at(session: Session, *, error_code: str) -> list[int]:
    """Ids of the documents left partial with `error_code` (a stage that failed)."""
    statement = select(Document.id).where(
        Document.status == DocumentStatus.PARTIAL, Document.error_code == error_code
    )
    return [i for i in session.exec(statement).all() if i is not None]


def recover_stage(session: Session, *, document_ids: Sequence[int], error_code: str) -> int:
    """Documents made partial only by a stage that has now succeeded are processed again
    (caller's transaction); returns how many."""
    if not document_ids:
        return 0
    documents = session.exec(
        select(Document).where(
            col(Document.id).in_(list(document_ids)),
            Document.status == DocumentStatus.PARTIAL,
            Document.error_code == error_code,
        )
    ).all()
    for document in documents:
        add_event(
            session,
            document_id=document.id or 0,
            event="recovered",
            stage=stage_of(error_code),
            status=str(DocumentStatus.PROCESSED),
        )
        document.status = DocumentStatus.PROCESSED
        document.error = document.error_code = None
        document.updated_at = utc_now()
        session.add(document)
    return len(documents)


# --- named locks ----------------------------------------------------------------------


def exclusive(session: Session, name: str) -> None:
    """Hold the lock `name` until the caller's transaction ends (waits for it).

    PostgreSQL: a transaction-scoped advisory lock. SQLite: writing the lock's row takes
    the database's write lock, which another writer waits for (busy_timeout).
    """
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        key = zlib.crc32(f"pantau:{name}".encode()) - 2**31
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(key)))
    values = {"name": name, "holder": worker_id(), "taken_at": utc_now()}
    update = {"holder": values["holder"], "taken_at": values["taken_at"]}
    if bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        pg_upsert = pg_insert(AppLock).values(values)
        session.exec(pg_upsert.on_conflict_do_update(index_elements=["name"], set_=update))
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        sqlite_upsert = sqlite_insert(AppLock).values(values)
        session.exec(sqlite_upsert.on_conflict_do_update(index_elements=["name"], set_=update))
