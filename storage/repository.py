"""Data access for runs, documents, pages and facts.

Every function takes the session first and keyword-only arguments, and commits
its own work in one transaction. Run counts are updated inside the same
transaction as the document change they describe, so a crash mid-batch leaves
counts that match exactly what was stored:

- `claim_document` counts the document as seen (and as unchanged or duplicate,
  which are final);
- `save_result` counts its outcome (processed, partial or failed, its pages and
  failure reasons) the first time a pending document gets a result;
- `save_extraction` replaces a document's facts and counts them for the run that made them.

A pending document is read by one worker at a time: the claim (`storage.claims`) names
the worker and lasts as long as it renews its lease.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from pathlib import PurePath
from typing import NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, col, select

from extractors.roots import roots_of
from models.errors import StorageError
from models.records import (
    DocumentResult,
    DocumentStatus,
    ExtractionResult,
    FactKind,
    PageResult,
    PageSource,
    RunStatus,
)
from models.tables import Document, FactRow, Mention, Page, Run, utc_now
from storage import claims, corrections, identity
from storage.copies import hand_over_copies, link_copies
from storage.facets import document_facets, replace_document_facets
from storage.transactions import committing

CLAIM_ATTEMPTS = 5
RESULT_STATUSES = (DocumentStatus.PROCESSED, DocumentStatus.PARTIAL, DocumentStatus.FAILED)
FALLBACK_FAILURE_CODE = "error"


class Claim(StrEnum):
    """What a worker should do with a document it has just claimed."""

    NEW = "new"  # first time this content is seen: process it
    RESUME = "resume"  # still pending from an earlier attempt: process it again
    UNCHANGED = "unchanged"  # this path and content already has a final state: skip
    DUPLICATE = "duplicate"  # this content is stored under another path: nothing to do
    BUSY = "elsewhere"  # pending, and another worker holds a live claim on it: leave it


# Error codes of faults of the machine at the time; documents that ended with one are read
# again by the next run instead of staying failed for ever.
RETRIED_NEXT_RUN = frozenset({"setup", "temporary"})


# --- runs -------------------------------------------------------------------


def start_run(
    session: Session,
    *,
    inputs: Sequence[str],
    worker: str | None = None,
    lease_seconds: float = claims.DEFAULT_LEASE_SECONDS,
) -> Run:
    """Record the start of a batch run over `inputs` (paths as given) by `worker`.

    The run's lease must be renewed (`claims.renew`) while it runs, or it counts as crashed.
    """
    run = Run(
        inputs=list(inputs),
        worker=worker or claims.worker_id(),
        lease_expires_at=claims.expires(lease_seconds),
    )
    with committing(session):
        session.add(run)
    return run


def finish_run(session: Session, *, run: Run, status: str = RunStatus.FINISHED) -> Run:
    """Close `run` with `status`, stamping its end time and duration."""
    stored = session.get(Run, run.id, populate_existing=True)
    if stored is None:
        raise StorageError(f"No run with id {run.id}; it may belong to another database.")
    with committing(session):
        stored.status = RunStatus(status)
        stored.finished_at = utc_now()
        stored.lease_expires_at = None
        stored.seconds = (stored.finished_at - stored.started_at).total_seconds()
    return stored


def mark_crashed_runs(session: Session) -> list[Run]:
    """Turn running runs whose lease ran out (their process died) into crashed ones.

    A run of another live worker keeps renewing its lease and is left alone.
    """
    statement = select(Run).where(Run.status == RunStatus.RUNNING)
    running = session.exec(statement.execution_options(populate_existing=True)).all()
    runs = [run for run in running if claims.run_lapsed(run)]
    with committing(session):
        for run in runs:
            run.status = RunStatus.CRASHED
            run.finished_at = run.finished_at or run.lease_expires_at or utc_now()
            run.lease_expires_at = None
    return runs


def list_runs(session: Session, *, limit: int = 20) -> list[Run]:
    """The most recent runs, newest first."""
    statement = select(Run).order_by(col(Run.id).desc()).limit(limit)
    return list(session.exec(statement.execution_options(populate_existing=True)).all())


def get_run(session: Session, *, run_id: int) -> Run | None:
    """One run with its current counts, or None."""
    return session.get(Run, run_id, populate_existing=True)


def add_to_run(session: Session, *, run_id: int, failures: Counter[str], **counts: int) -> None:
    """Add to a run's counters atomically, inside the caller's transaction."""
    increments = {name: getattr(Run, name) + n for name, n in counts.items() if n}
    if increments:
        session.exec(
            sa.update(Run)
            .where(col(Run.id) == run_id)
            .values(increments)
            .execution_options(synchronize_session=False)
        )
    if failures:
        add_failures(session, run_id=run_id, failures=failures)


MAX_REFUSED = 1000  # refused inputs listed on one run; the counts go on beyond


def add_refused(session: Session, *, run_id: int, path: str, error_code: str, error: str) -> None:
    """List an input the run did not read on the run (after `add_to_run`, which locks it)."""
    current = list(session.exec(select(Run.refused).where(Run.id == run_id)).one() or [])
    if len(current) >= MAX_REFUSED:
        return
    current.append({"path": path, "error_code": error_code, "error": error})
    session.exec(
        sa.update(Run)
        .where(col(Run.id) == run_id)
        .values(refused=current)
        .execution_options(synchronize_session=False)
    )


def add_failures(session: Session, *, run_id: int, failures: Counter[str]) -> None:
    """Merge failure counts into the run's JSON tally.

    Called after the counter update, so the run row is already locked by this
    transaction (PostgreSQL) or the database is (SQLite): no lost updates.
    """
    current = session.exec(select(Run.failures_by_reason).where(Run.id == run_id)).one()
    merged = Counter(current or {})
    merged.update(failures)
    session.exec(
        sa.update(Run)
        .where(col(Run.id) == run_id)
        .values(failures_by_reason=dict(sorted(merged.items())))
        .execution_options(synchronize_session=False)
    )


# --- documents --------------------------------------------------------------


class Claimant(NamedTuple):
    """Who claims: a worker, the run it works for, how long its claims last unrenewed, and
    whether it reads failed documents again (`run --retry-failed`)."""

    run_id: int
    worker: str
    lease_seconds: float = claims.DEFAULT_LEASE_SECONDS
    retry_failed: bool = False


def claim_document(
    session: Session,
    *,
    path: str,
    sha256: str,
    size: int,
    media_type: str,
    run_id: int,
    claimant: Claimant | None = None,
) -> tuple[Document, Claim]:
    """Register an input for `run_id` and say whether it needs processing.

    Safe when several workers claim the same content at once: the unique constraints
    decide a new document, a compare-and-set decides a pending one, and the loser sees
    the winner's row (BUSY while the winner's lease holds).
    """
    claimant = claimant or Claimant(run_id=run_id, worker=claims.worker_id())
    for _ in range(CLAIM_ATTEMPTS):
        try:
            return claim_once(
                session, path=path, sha256=sha256, size=size, media_type=media_type,
                claimant=claimant,
            )
        except sa.exc.IntegrityError:
            session.rollback()
            continue
    raise StorageError(
        f"Could not claim {path}: other workers kept claiming the same content. "
        "Run the batch again; finished documents are skipped."
    )


def claim_once(
    session: Session, *, path: str, sha256: str, size: int, media_type: str, claimant: Claimant
) -> tuple[Document, Claim]:
    """One claim attempt; raises IntegrityError when another worker won a race."""
    run_id = claimant.run_id
    existing = find_document(session, sha256=sha256, path=path)
    if existing is not None:
        return reclaim(session, document=existing, claimant=claimant)
    original = find_original(session, sha256=sha256)
    document = Document(
        sha256=sha256,
        path=path,
        name=PurePath(path).name,
        size=size,
        media_type=str(media_type),
        run_id=run_id,
        claimed_by=claimant.worker,
        lease_expires_at=claims.expires(claimant.lease_seconds),
    )
    claim = Claim.NEW
    if original is not None:
        claim = Claim.DUPLICATE
        document.status = DocumentStatus.DUPLICATE
        document.duplicate_of = original.id
        document.claimed_by = document.lease_expires_at = None
    with committing(session):
        session.add(document)
        session.flush()  # a lost race fails here, before anything is counted
        add_to_run(
            session,
            run_id=run_id,
            failures=Counter(),
            documents_seen=1,
            duplicates=int(claim is Claim.DUPLICATE),
        )
    return document, claim


def reclaim(session: Session, *, document: Document, claimant: Claimant) -> tuple[Document, Claim]:
    """Claim a path and content that is already stored."""
    run_id = claimant.run_id
    # Seen again by the run that last touched it (a retried task): count nothing twice.
    counted = document.run_id == run_id
    # Failed for a fault of the machine in an earlier run (or failed, and the run retries
    # failed documents): read again, once per run.
    retried = not counted and (
        retried_next_run(document)
        or (claimant.retry_failed and document.status == DocumentStatus.FAILED)
    )
    claim = Claim.UNCHANGED
    earlier = (document.status, document.error_code, document.error)
    with committing(session):
        if retried or document.status == DocumentStatus.PENDING:
            taken = claims.take_document(
                session,
                document=document,
                worker=claimant.worker,
                lease_seconds=claimant.lease_seconds,
                run_id=run_id,
                status=DocumentStatus.PENDING,
            )
            if taken:
                claim = Claim.RESUME
            else:
                session.refresh(document)
                busy = document.status == DocumentStatus.PENDING
                claim = Claim.BUSY if busy else Claim.UNCHANGED
        if claim is Claim.RESUME and retried:
            # The reason stays in `error` until the new result replaces it, and in the history.
            claims.add_event(
                session,
                document_id=document.id or 0,
                run_id=run_id,
                event="retry",
                stage=claims.stage_of(earlier[1]),
                status=str(earlier[0]),
                error_code=earlier[1],
                error=earlier[2],
                worker=claimant.worker,
            )
        if not counted:
            add_to_run(
                session,
                run_id=run_id,
                failures=Counter(),
                documents_seen=1,
                unchanged=int(claim is Claim.UNCHANGED),
                elsewhere=int(claim is Claim.BUSY),
            )
    return document, claim


def retried_next_run(document: Document) -> bool:
    """Whether a stored result failed for a reason of the machine, not of the input (a
    missing language pack, a full temporary folder), so the next run reads it again."""
    return (
        document.status in (DocumentStatus.FAILED, DocumentStatus.PARTIAL)
        and document.error_code in RETRIED_NEXT_RUN
    )


def find_document(session: Session, *, sha256: str, path: str) -> Document | None:
    """The document stored for this content at this path, if any."""
    statement = select(Document).where(Document.sha256 == sha256, Document.path == path)
    return session.exec(statement.execution_options(populate_existing=True)).first()


def find_original(session: Session, *, sha256: str) -> Document | None:
    """The first document stored with this content (not a duplicate), if any."""
    statement = select(Document).where(
        Document.sha256 == sha256, col(Document.duplicate_of).is_(None)
    )
    return session.exec(statement).first()


def save_result(
    session: Session,
    *,
    document_id: int,
    result: DocumentResult,
    extraction: ExtractionResult | None = None,
    worker: str | None = None,
) -> Document:
    """Store a document's result (and its facts), replacing what was saved before.

    With `worker`, the result is stored only while that worker holds the document's
    claim (`LostClaim` otherwise: another worker took it over), and the claim ends with it.

    Saving the same result again leaves the same state. The run that claimed the
    document is counted only when it goes from pending to a result.

    A document's status, facts and counts change in one transaction. Its pages land in
    the same one, unless the document is still pending and large (over
    `PAGES_PER_TRANSACTION` pages or `CHARACTERS_PER_TRANSACTION` characters): then the
    pages are written first in bounded transactions, so no write holds the database for
    long (on SQLite every other writer waits meanwhile). The document stays pending until
    the last one; a crash in between leaves it pending, and the next run saves it again.
    """
    if result.status not in RESULT_STATUSES:
        raise ValueError(f"A result must be processed, partial or failed, not {result.status}")
    document = session.get(Document, document_id, populate_existing=True)
    if document is None:
        raise StorageError(f"No document with id {document_id}; claim it before saving.")
    pages = [page_from_result(document_id, page) for page in result.pages]
    written_aside = document.status == DocumentStatus.PENDING and _large(pages)
    if written_aside:
        if worker is not None and not claims.owns(session, document_id=document_id, worker=worker):
            raise LostClaim(document_id, worker)
        _write_pages_in_batches(session, document_id=document_id, pages=pages)
    with committing(session):
        # First: on PostgreSQL this locks the row, so a takeover cannot slip in before commit.
        if not claims.release(session, document_id=document_id, worker=worker):
            raise LostClaim(document_id, worker)
        first_result = leave_pending(session, document_id=document_id, status=result.status)
        if not written_aside:
            session.exec(sa.delete(Page).where(col(Page.document_id) == document_id))
            session.add_all(pages)
        document.status = result.status
        document.error = result.error
        document.error_code = result.error_code
        document.page_count = len(pages)
        document.warnings = list(result.warnings)
        document.media_type = str(result.media_type)
        document.updated_at = utc_now()
        if extraction is not None:
            replace_facts(session, document=document, extraction=extraction)
        if result.status != DocumentStatus.PROCESSED:
            claims.add_event(
                session,
                document_id=document_id,
                run_id=document.run_id,
                event=str(result.status),
                stage=claims.stage_of(result.error_code),
                status=str(result.status),
                error_code=result.error_code,
                error=result.error,
                worker=worker,
            )
        if first_result:
            count_result(session, run_id=document.run_id, result=result)
            if extraction is not None:
                add_to_run(
                    session, run_id=document.run_id, failures=Counter(), facts=len(extraction.facts)
                )
    return document


class LostClaim(StorageError):
    """A worker's claim on a document was taken over before it could save its result."""

    def __init__(self, document_id: int, worker: str | None) -> None:
        super().__init__(
            f"document {document_id}: {worker} no longer holds its claim (its lease ran out "
            "and another worker took it over); this result is dropped, the other worker's "
            "is kept."
        )
        self.document_id = document_id


def mark_partial(
    session: Session, *, document_id: int, error_code: str, error: str, run_id: int | None = None
) -> bool:
    """A stage after reading (NLP, identity) failed on a stored document: make it `partial`
    with the stage's code and reason, kept in its history. False if it is not readable."""
    document = session.get(Document, document_id, populate_existing=True)
    if document is None or document.status not in (
        DocumentStatus.PROCESSED,
        DocumentStatus.PARTIAL,
    ):
        return False
    with committing(session):
        if document.status == DocumentStatus.PROCESSED and run_id == document.run_id:
            # The run counted it processed; it counts it partial now.
            add_to_run(
                session, run_id=run_id, failures=Counter([error_code]), processed=-1, partial=1
            )
        if document.status == DocumentStatus.PROCESSED or document.error is None:
            document.status = DocumentStatus.PARTIAL
            document.error, document.error_code = error, error_code
        else:
            document.warnings = [*document.warnings, error]
        document.updated_at = utc_now()
        claims.add_event(
            session,
            document_id=document_id,
            run_id=run_id,
            event="partial",
            stage=claims.stage_of(error_code),
            status=str(DocumentStatus.PARTIAL),
            error_code=error_code,
            error=error,
        )
    return True


PAGES_PER_TRANSACTION = 100
CHARACTERS_PER_TRANSACTION = 2_000_000


def _large(pages: list[Page]) -> bool:
    return len(pages) > PAGES_PER_TRANSACTION or (
        sum(len(page.text or "") for page in pages) > CHARACTERS_PER_TRANSACTION
    )


def _write_pages_in_batches(session: Session, *, document_id: int, pages: list[Page]) -> None:
    """Replace a pending document's pages, a bounded batch per transaction."""
    with committing(session):
        session.exec(sa.delete(Page).where(col(Page.document_id) == document_id))
    batch: list[Page] = []
    characters = 0
    for page in pages:
        batch.append(page)
        characters += len(page.text or "")
        if len(batch) >= PAGES_PER_TRANSACTION or characters >= CHARACTERS_PER_TRANSACTION:
            with committing(session):
                session.add_all(batch)
            batch, characters = [], 0
    if batch:
        with committing(session):
            session.add_all(batch)


def leave_pending(session: Session, *, document_id: int, status: DocumentStatus) -> bool:
    """Move a pending document to `status`; True if it was pending (atomic test-and-set)."""
    moved = session.exec(
        sa.update(Document)
        .where(col(Document.id) == document_id, col(Document.status) == DocumentStatus.PENDING)
        .values(status=status)
        .execution_options(synchronize_session=False)
    )
    return moved.rowcount == 1


def page_from_result(document_id: int, page: PageResult) -> Page:
    """Turn one page of a result into a row."""
    stored = Page(
        document_id=document_id, number=page.number, error=page.error, error_code=page.error_code
    )
    if page.text is not None:
        stored.text = page.text.text
        stored.roots = roots_of(page.text.text)
        stored.source = page.text.source
        stored.confidence = page.text.confidence
        stored.rotation = page.text.rotation
        stored.skew = page.text.skew
        stored.width = page.text.width
        stored.height = page.text.height
        stored.words = [word.model_dump() for word in page.text.words]
        stored.steps = list(page.text.steps)
    return stored


def count_result(session: Session, *, run_id: int, result: DocumentResult) -> None:
    """Add one document's outcome and pages to its run."""
    sources = Counter(page.text.source for page in result.pages if page.text is not None)
    add_to_run(
        session,
        run_id=run_id,
        failures=failure_codes(result),
        **{str(result.status): 1},
        pages=len(result.pages),
        pages_ocr=sources[PageSource.OCR],
        pages_text_layer=sources[PageSource.TEXT_LAYER],
    )


def failure_codes(result: DocumentResult) -> Counter[str]:
    """Reasons to report: a failed document's code, or each failed page's code (and a
    partial document's own code when a later stage, not a page, made it partial)."""
    page_codes = [page.error_code or FALLBACK_FAILURE_CODE for page in result.pages if page.error]
    if result.status == DocumentStatus.FAILED:
        code = result.error_code or (page_codes[0] if page_codes else FALLBACK_FAILURE_CODE)
        return Counter([code])
    if result.status == DocumentStatus.PARTIAL and result.error_code not in (None, *page_codes):
        page_codes.append(result.error_code or FALLBACK_FAILURE_CODE)
    return Counter(page_codes)


def reset_failed(session: Session, *, document_ids: Sequence[int] | None = None) -> list[Document]:
    """Set failed documents (or the given ones) back to pending so a run retries them.

    Duplicates are left alone: their original is what gets processed.
    """
    statement = select(Document).where(col(Document.duplicate_of).is_(None))
    if document_ids is None:
        statement = statement.where(Document.status == DocumentStatus.FAILED)
    else:
        statement = statement.where(
            col(Document.id).in_(list(document_ids)), Document.status != DocumentStatus.PENDING
        )
    documents = list(session.exec(statement.execution_options(populate_existing=True)).all())
    with committing(session):
        for document in documents:
            claims.add_event(
                session,
                document_id=document.id or 0,
                event="retry",
                stage=claims.stage_of(document.error_code),
                status=str(document.status),
                error_code=document.error_code,
                error=document.error,
            )
            document.status = DocumentStatus.PENDING
            document.error = None
            document.error_code = None
            document.updated_at = utc_now()
    return documents


def delete_document(session: Session, *, document_id: int) -> bool:
    """Forget a document, its pages, mentions and duplicates; False if there was none."""
    with committing(session):
        subjects = identity.subjects_of_document(session, document_id=document_id)
        hand_over_copies(session, document_id=document_id)
        deleted = session.exec(
            sa.delete(Document)
            .where(col(Document.id) == document_id)
            .execution_options(synchronize_session=False)
        )
        identity.refresh_subjects(session, subject_ids=subjects)
    return deleted.rowcount == 1


def paths_needing_work(session: Session, *, files: Sequence[tuple[str, int]]) -> list[str]:
    """Of these (path, size) pairs, the paths a batch still has to see: not stored, stored
    with another size, or pending without a live claim. In the order given."""
    known: dict[str, list[Document]] = {}
    paths = [path for path, _ in files]
    for start in range(0, len(paths), 500):
        statement = select(Document).where(col(Document.path).in_(paths[start : start + 500]))
        for document in session.exec(statement.execution_options(populate_existing=True)):
            known.setdefault(document.path, []).append(document)
    needed = []
    for path, size in files:
        stored = [d for d in known.get(path, []) if d.size == size]
        done = any(
            d.status != DocumentStatus.PENDING
            or not claims.claim_lapsed(d.claimed_by, d.lease_expires_at, me="")
            for d in stored
        )
        if not done:
            needed.append(path)
    return needed


def documents_unresolved(session: Session, *, run_id: int) -> list[int]:
    """Ids of the documents last read by `run_id` that have mentions without a subject."""
    statement = (
        select(Mention.document_id)
        .join(Document, col(Document.id) == col(Mention.document_id))
        .where(Document.run_id == run_id, col(Mention.subject_id).is_(None))
        .distinct()
    )
    return sorted(session.exec(statement).all())


def documents_stored_before(session: Session, *, cutoff: datetime) -> list[Document]:
    """Documents first stored before `cutoff` (what a retention period removes), oldest
    first."""
    statement = (
        select(Document).where(col(Document.created_at) < cutoff).order_by(col(Document.id))
    )
    return list(session.exec(statement.execution_options(populate_existing=True)).all())


def list_documents(
    session: Session, *, status: DocumentStatus | str | None = None, run_id: int | None = None
) -> list[Document]:
    """All documents (or those with `status`, or last touched by `run_id`), oldest first."""
    statement = select(Document).order_by(col(Document.id))
    if status is not None:
        statement = statement.where(Document.status == status)
    if run_id is not None:
        statement = statement.where(Document.run_id == run_id)
    return list(session.exec(statement.execution_options(populate_existing=True)).all())


def get_document(session: Session, *, document_id: int) -> Document | None:
    """One document, or None."""
    return session.get(Document, document_id, populate_existing=True)


def get_pages(session: Session, *, document_id: int) -> list[Page]:
    """A document's pages in page order."""
    statement = select(Page).where(Page.document_id == document_id).order_by(col(Page.number))
    return list(session.exec(statement.execution_options(populate_existing=True)).all())


# --- facts ------------------------------------------------------------------


def save_extraction(
    session: Session, *, document_id: int, extraction: ExtractionResult, run_id: int | None = None
) -> Document:
    """Replace a document's facts with `extraction`; pages and status stay as they are.

    `run_id`, when given, is the run that extracted them and counts the facts.
    """
    document = session.get(Document, document_id, populate_existing=True)
    if document is None:
        raise StorageError(f"No document with id {document_id}; `pantau docs` lists them.")
    with committing(session):
        replace_facts(session, document=document, extraction=extraction)
        if run_id is not None:
            add_to_run(session, run_id=run_id, failures=Counter(), facts=len(extraction.facts))
    return document


def replace_facts(session: Session, *, document: Document, extraction: ExtractionResult) -> None:
    """Inside the caller's transaction: drop the document's facts and add the new ones.

    The document's live corrections (`storage.corrections`) are applied on top of them, and
    its search facets and mentions are rebuilt from the result in the same step.
    """
    assert document.id is not None  # callers pass a stored document
    facts = corrections.apply_stored(session, document_id=document.id, facts=extraction.facts)
    session.exec(sa.delete(FactRow).where(col(FactRow.document_id) == document.id))
    session.add_all(FactRow(document_id=document.id, **fact.model_dump()) for fact in facts)
    document.kind = extraction.kind
    document.document_date = extraction.document_date
    document.extractor = extraction.extractor
    document.extracted_at = utc_now()
    facets = document_facets(facts, kind=extraction.kind, document_date=extraction.document_date)
    replace_document_facets(session, document_id=document.id, facets=facets)
    session.flush()
    identity.rebuild_mentions(session, document_id=document.id or 0)
    link_copies(session, document=document)


def get_facts(
    session: Session, *, document_id: int, kinds: Sequence[FactKind] | None = None
) -> list[FactRow]:
    """A document's facts in reading order (page, then offset), optionally of some kinds."""
    statement = select(FactRow).where(FactRow.document_id == document_id)
    if kinds:
        statement = statement.where(col(FactRow.kind).in_([FactKind(k).value for k in kinds]))
    statement = statement.order_by(col(FactRow.page), col(FactRow.start), col(FactRow.id))
    return list(session.exec(statement).all())


def fact_pages(
    session: Session, *, fact_ids: Sequence[int], kind: FactKind | None = None
) -> dict[int, int]:
    """Fact id -> page of these facts (of `kind` only, when given), a thousand per query."""
    wanted = sorted(set(fact_ids))
    pages: dict[int, int] = {}
    for start in range(0, len(wanted), 1000):
        statement = select(FactRow.id, FactRow.page).where(
            col(FactRow.id).in_(wanted[start : start + 1000])
        )
        if kind is not None:
            statement = statement.where(FactRow.kind == kind)
        pages.update({i: page for i, page in session.exec(statement).all() if i is not None})
    return pages


def count_facts(session: Session, *, run_id: int) -> dict[str, int]:
    """Facts by kind of the documents last touched by `run_id`."""
    statement = (
        select(FactRow.kind, sa.func.count())
        .join(Document, col(Document.id) == col(FactRow.document_id))
        .where(Document.run_id == run_id)
        .group_by(FactRow.kind)
    )
    return {str(kind): count for kind, count in session.exec(statement).all()}


def documents_to_extract(
    session: Session, *, extractor: str | None = None, document_ids: Sequence[int] | None = None
) -> list[Document]:
    """Readable originals whose facts are missing (or, with `extractor`, made by another version).

    With `document_ids`, exactly those documents (when readable), whatever their facts.
    """
    statement = select(Document).where(
        col(Document.duplicate_of).is_(None),
        col(Document.status).in_([DocumentStatus.PROCESSED, DocumentStatus.PARTIAL]),
    )
    if document_ids is not None:
        statement = statement.where(col(Document.id).in_(list(document_ids)))
    elif extractor is not None:
        statement = statement.where(
            sa.or_(col(Document.extractor).is_(None), col(Document.extractor) != extractor)
        )
    else:
        statement = statement.where(col(Document.extracted_at).is_(None))
    statement = statement.order_by(col(Document.id))
    return list(session.exec(statement.execution_options(populate_existing=True)).all())


def needs_extraction(document: Document) -> bool:
    """True for a readable original that has no facts yet."""
    return (
        document.duplicate_of is None
        and document.status in (DocumentStatus.PROCESSED, DocumentStatus.PARTIAL)
        and document.extracted_at is None
    )
