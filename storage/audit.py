"""The audit log: who searched, viewed, exported or signed in, and when.

Rows are only ever added; the database refuses updates and deletes (migration 0006).
Triggers alone do not stop someone with the database in hand (SQLite's
`INSERT OR REPLACE` rewrites a row without firing a delete trigger; PostgreSQL's table
owner may disable triggers), so the rows also form a hash chain that `verify` checks:

- `seq` numbers the events 1, 2, 3, … without gaps, in the order they were appended;
- `prev_hash` is the `hash` of the event with `seq - 1` (None for the first);
- `hash` is sha256 over the event's canonical form (`chain_hash`): id, seq, time, user,
  action, target, details, ip and prev_hash.

A changed row no longer matches its hash; a deleted row leaves a gap in `seq`; a row
inserted or moved repeats a `seq` or does not point at its predecessor. Removing the
newest events leaves a shorter chain that is still whole: keep the head hash `verify`
reports somewhere else and pass it back (`anchor`) to detect that too.

Appending is serialised so that two writers never chain to the same predecessor: every
value that is hashed is fixed before the single INSERT, under a lock held until commit.
On PostgreSQL that is a transaction-level advisory lock, and the id is drawn from the
table's sequence under it; on SQLite a write statement that changes nothing takes the
database's write lock first (other writers wait for it, `busy_timeout`), and the id is
the next after the largest, which is what SQLite would choose. The unique index on `seq`
is the backstop: a writer that got round the lock fails instead of forking the chain.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, col, select

from models.tables import AuditEvent, AuditEventPublic, utc_now
from storage.transactions import committing

MAX_EVENTS = 1000
VERIFY_BATCH = 5000
# pg_advisory_xact_lock key that serialises appends ("PANTAU" in ASCII).
APPEND_LOCK_KEY = 0x50414E544155
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
# PostgreSQL refuses NUL in text, and control characters only garble the log.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
EVENTS = AuditEvent.__table__  # type: ignore[attr-defined]

BreakKind = Literal["changed", "removed", "inserted", "reordered", "unchained", "truncated"]


class AuditFilters(BaseModel):
    """Which audit rows to list; every field left None matches all."""

    user: str | None = None
    action: str | None = None
    target: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 200


class AuditBreak(BaseModel):
    """Where and how the chain is broken.

    kind: `changed` (the row no longer matches its hash), `removed` (rows before it are
    missing), `inserted` (it repeats or goes back in `seq`), `reordered` (it does not point
    at the row before it: that row was replaced, or this one moved), `unchained` (a row
    without `seq` or `hash`), `truncated` (the anchor hash given is no longer in the log).
    """

    kind: BreakKind
    event_id: int | None
    seq: int | None
    message: str


class AuditVerification(BaseModel):
    """The result of walking the whole chain."""

    intact: bool
    rows_checked: int
    head_seq: int | None
    head_hash: str | None
    first_break: AuditBreak | None = None


def record(
    session: Session,
    *,
    user: str,
    action: str,
    target: str = "",
    details: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEventPublic:
    """Append one event to the audit log, chained to the one before, and commit it."""
    with committing(session):
        last_seq, last_hash = lock_for_append(session)
        event = AuditEvent(
            id=next_event_id(session),
            at=utc_now(),
            user=clean(user)[:64],
            action=clean(action)[:32],
            target=clean(target),
            details=plain_json(details or {}),
            ip=ip,
            seq=last_seq + 1,
            prev_hash=last_hash,
        )
        event.hash = hash_event(event)
        session.add(event)
    return AuditEventPublic.model_validate(event, from_attributes=True)


def lock_for_append(session: Session) -> tuple[int, str | None]:
    """Take the append lock (held until commit); the newest event's seq and hash."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": APPEND_LOCK_KEY})
    else:
        # Changes nothing, but a write statement takes SQLite's write lock right away.
        session.execute(sa.text("DELETE FROM audit_event WHERE 0"))
    last = session.execute(
        sa.select(EVENTS.c.seq, EVENTS.c.hash)
        .where(EVENTS.c.seq.is_not(None))
        .order_by(EVENTS.c.seq.desc())
        .limit(1)
    ).first()
    return (0, None) if last is None else (last.seq, last.hash)


def next_event_id(session: Session) -> int:
    """The id the next event gets, drawn while the append lock is held."""
    if session.get_bind().dialect.name == "postgresql":
        query = "SELECT nextval(pg_get_serial_sequence('audit_event', 'id'))"
    else:
        query = "SELECT coalesce(max(id), 0) + 1 FROM audit_event"
    return int(session.execute(sa.text(query)).scalar_one())


def plain_json(details: dict[str, Any]) -> dict[str, Any]:
    """`details` as it reads back from the JSON column (string keys, lists for tuples)."""
    result: dict[str, Any] = json.loads(json.dumps(details, ensure_ascii=False, default=str))
    return result


def hash_event(event: AuditEvent) -> str:
    """The chain hash of a stored or about-to-be-stored event."""
    if event.id is None or event.seq is None:
        raise ValueError("an audit event needs its id and seq before it can be hashed")
    return chain_hash(
        event_id=event.id,
        seq=event.seq,
        at=event.at,
        user=event.user,
        action=event.action,
        target=event.target,
        details=event.details,
        ip=event.ip,
        prev_hash=event.prev_hash,
    )


def chain_hash(
    *,
    event_id: int,
    seq: int,
    at: datetime,
    user: str,
    action: str,
    target: str,
    details: Any,
    ip: str | None,
    prev_hash: str | None,
) -> str:
    """sha256 (hex) over the canonical form of one event; migration 0008 uses it too.

    The form is a compact JSON array with sorted keys and the time in UTC to the
    microsecond (what both databases store), so the same row always hashes the same.
    Changing this function breaks every stored chain.
    """
    canonical = json.dumps(
        [event_id, seq, canonical_time(at), user, action, target, details, ip, prev_hash],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def canonical_time(at: datetime) -> str:
    """`at` in UTC as 2026-12-05T08:30:00.000123Z (a time without zone is taken as UTC)."""
    utc = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return utc.strftime(TIME_FORMAT)


def clean(text: str) -> str:
    """`text` without control characters (each becomes a space)."""
    return CONTROL_CHARACTERS.sub(" ", text)


def list_events(session: Session, *, filters: AuditFilters | None = None) -> list[AuditEventPublic]:
    """Audit events matching `filters`, newest first."""
    filters = filters or AuditFilters()
    statement = select(AuditEvent)
    if filters.user:
        statement = statement.where(AuditEvent.user == filters.user)
    if filters.action:
        statement = statement.where(AuditEvent.action == filters.action)
    if filters.target:
        statement = statement.where(AuditEvent.target == filters.target)
    if filters.since:
        statement = statement.where(col(AuditEvent.at) >= filters.since)
    if filters.until:
        statement = statement.where(col(AuditEvent.at) < filters.until)
    limit = max(1, min(filters.limit, MAX_EVENTS))
    statement = statement.order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc()).limit(
        limit
    )
    return [
        AuditEventPublic.model_validate(event, from_attributes=True)
        for event in session.exec(statement).all()
    ]


# --- verification -----------------------------------------------------------


def verify(
    session: Session, *, anchor: str | None = None, batch: int = VERIFY_BATCH
) -> AuditVerification:
    """Walk the whole chain in `seq` order, `batch` rows per query; report the first break.

    `anchor` is a head hash reported earlier: if given, that event must still be in
    the log, or the newest events were removed since.
    """
    unchained = first_unchained(session)
    if unchained is not None:
        return AuditVerification(
            intact=False, rows_checked=0, head_seq=None, head_hash=None, first_break=unchained
        )
    checked, last_seq, last_hash, anchor_seen = 0, 0, None, anchor is None
    for row in chained_rows(session, batch):
        problem = check_row(row, expected_seq=last_seq + 1, prev_hash=last_hash)
        if problem is not None:
            return AuditVerification(
                intact=False,
                rows_checked=checked,
                head_seq=last_seq or None,
                head_hash=last_hash,
                first_break=problem,
            )
        checked, last_seq, last_hash = checked + 1, row.seq, row.hash
        anchor_seen = anchor_seen or row.hash == anchor
    result = AuditVerification(
        intact=True, rows_checked=checked, head_seq=last_seq or None, head_hash=last_hash
    )
    if not anchor_seen:
        result.intact = False
        result.first_break = AuditBreak(
            kind="truncated",
            event_id=None,
            seq=None,
            message=f"No event has the hash {anchor}: the newest events were removed "
            "after that hash was noted (or the hash was copied wrong).",
        )
    return result


def first_unchained(session: Session) -> AuditBreak | None:
    """The first row without a place in the chain (no `seq` or `hash`), if any."""
    row = session.execute(
        sa.select(EVENTS.c.id)
        .where(sa.or_(EVENTS.c.seq.is_(None), EVENTS.c.hash.is_(None)))
        .order_by(EVENTS.c.id)
        .limit(1)
    ).first()
    if row is None:
        return None
    return AuditBreak(
        kind="unchained",
        event_id=row.id,
        seq=None,
        message=f"Event {row.id} has no seq or hash: it was written or changed outside Pantau.",
    )


def chained_rows(session: Session, batch: int) -> Iterator[sa.Row[Any]]:
    """Every chained row in (seq, id) order, fetched `batch` at a time."""
    after_seq, after_id = 0, 0
    while True:
        rows = session.execute(
            sa.select(EVENTS)
            .where(
                EVENTS.c.seq >= after_seq,
                sa.or_(EVENTS.c.seq > after_seq, EVENTS.c.id > after_id),
            )
            .order_by(EVENTS.c.seq, EVENTS.c.id)
            .limit(batch)
        ).all()
        yield from rows
        if len(rows) < batch:
            return
        after_seq, after_id = rows[-1].seq, rows[-1].id


def check_row(row: sa.Row[Any], *, expected_seq: int, prev_hash: str | None) -> AuditBreak | None:
    """How `row` breaks the chain, or None when it follows on from `prev_hash`."""
    where = f"Event {row.id} (seq {row.seq})"
    if row.hash != hash_row(row):
        return AuditBreak(
            kind="changed",
            event_id=row.id,
            seq=row.seq,
            message=f"{where} does not match its hash: it was changed after it was written.",
        )
    if row.seq > expected_seq:
        missing = (
            f"seq {expected_seq}"
            if row.seq == expected_seq + 1
            else f"seq {expected_seq} to {row.seq - 1}"
        )
        return AuditBreak(
            kind="removed",
            event_id=row.id,
            seq=row.seq,
            message=f"The events with {missing} before event {row.id} are missing: "
            "they were deleted.",
        )
    if row.seq < expected_seq:
        return AuditBreak(
            kind="inserted",
            event_id=row.id,
            seq=row.seq,
            message=f"{where} repeats a seq already in the chain: it was inserted or moved.",
        )
    if row.prev_hash != prev_hash:
        return AuditBreak(
            kind="reordered",
            event_id=row.id,
            seq=row.seq,
            message=f"{where} does not point at the event before it: that event was "
            "replaced, or this one was inserted or moved.",
        )
    return None


def hash_row(row: sa.Row[Any]) -> str:
    """The chain hash recomputed from a row as read back."""
    return chain_hash(
        event_id=row.id,
        seq=row.seq,
        at=row.at,
        user=row.user,
        action=row.action,
        target=row.target,
        details=row.details,
        ip=row.ip,
        prev_hash=row.prev_hash,
    )
