"""The audit log: who searched, viewed, exported or signed in, and when.

Rows are only ever added; the database refuses updates and deletes (migration 0006).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, select

from models.tables import AuditEvent, AuditEventPublic
from storage.transactions import committing

MAX_EVENTS = 1000
# PostgreSQL refuses NUL in text, and control characters only garble the log.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class AuditFilters(BaseModel):
    """Which audit rows to list; every field left None matches all."""

    user: str | None = None
    action: str | None = None
    target: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 200


def record(
    session: Session,
    *,
    user: str,
    action: str,
    target: str = "",
    details: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEventPublic:
    """Append one event to the audit log and commit it."""
    event = AuditEvent(
        user=clean(user)[:64],
        action=clean(action)[:32],
        target=clean(target),
        details=details or {},
        ip=ip,
    )
    with committing(session):
        session.add(event)
    return AuditEventPublic.model_validate(event, from_attributes=True)


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
