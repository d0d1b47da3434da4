"""Workbench sign-in sessions kept in the database, so that they can be ended.

The browser's signed cookie carries only a random token; `web_session` holds the
token's sha256, the user, and when the session expires or was revoked. Signing out,
an administrator, or a change to a user's state, role or password revokes sessions:
a copy of the cookie is worthless from then on. Ended rows are purged after a week.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from models.tables import AppUser, UserPublic, WebSession
from storage.audit import clean
from storage.transactions import committing

TOKEN_BYTES = 32
USER_AGENT_MAX_LENGTH = 200
# How stale `last_seen_at` may get: a write on every request would cost more than it tells.
TOUCH_EVERY = timedelta(minutes=1)
KEEP_ENDED = timedelta(days=7)


def token_hash(token: str) -> str:
    """The sha256 (hex) of a session token: what the database stores instead of it."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def open_session(
    session: Session,
    *,
    user_id: int,
    lifetime: timedelta,
    now: datetime,
    ip: str | None = None,
    user_agent: str = "",
) -> str:
    """Start a session for the user; returns the random token that goes in the cookie."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = WebSession(
        id=token_hash(token),
        user_id=user_id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetime,
        ip=clean(ip)[:64] if ip else None,
        user_agent=clean(user_agent)[:USER_AGENT_MAX_LENGTH],
    )
    with committing(session):
        session.add(row)
    return token


def session_user(session: Session, *, token: str, now: datetime) -> UserPublic | None:
    """The active user of the open session with `token`, or None (unknown, expired,
    revoked, or the user disabled).

    One lookup by primary key joined to the user's row; `last_seen_at` is written at
    most once a minute.
    """
    statement = (
        select(WebSession, AppUser)
        .join(AppUser, col(AppUser.id) == col(WebSession.user_id))
        .where(col(WebSession.id) == token_hash(token))
    )
    found = session.exec(statement).first()
    if found is None:
        return None
    row, user = found
    if row.revoked_at is not None or row.expires_at <= now or not user.active:
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        with committing(session):
            row.last_seen_at = now
    return UserPublic.model_validate(user, from_attributes=True)


def revoke(session: Session, *, token: str, now: datetime) -> bool:
    """End the session with `token` (signing out); True if it was open."""
    with committing(session):
        ended = end_open(session, now=now, where=col(WebSession.id) == token_hash(token))
    return ended == 1


def revoke_user(session: Session, *, user_id: int, now: datetime) -> int:
    """End every open session of the user; returns how many were open."""
    with committing(session):
        return mark_revoked(session, user_id=user_id, now=now)


def mark_revoked(session: Session, *, user_id: int, now: datetime) -> int:
    """End every open session of the user inside the caller's transaction; how many."""
    return end_open(session, now=now, where=col(WebSession.user_id) == user_id)


def end_open(session: Session, *, now: datetime, where: sa.ColumnElement[bool]) -> int:
    """Set `revoked_at` on the open sessions matching `where`; how many there were."""
    ended = session.exec(
        sa.update(WebSession)
        .where(where, col(WebSession.revoked_at).is_(None), col(WebSession.expires_at) > now)
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(ended.rowcount)


def open_counts(session: Session, *, now: datetime) -> dict[int, int]:
    """How many open sessions each user has, by user id (users without any are left out)."""
    statement = (
        select(WebSession.user_id, func.count())
        .where(col(WebSession.revoked_at).is_(None), col(WebSession.expires_at) > now)
        .group_by(col(WebSession.user_id))
    )
    return {user_id: count for user_id, count in session.exec(statement).all()}


def purge(session: Session, *, now: datetime, keep: timedelta = KEEP_ENDED) -> int:
    """Delete sessions that expired or were revoked more than `keep` ago; how many."""
    before = now - keep
    with committing(session):
        deleted = session.exec(
            sa.delete(WebSession)
            .where(
                sa.or_(
                    col(WebSession.expires_at) < before,
                    col(WebSession.revoked_at) < before,
                )
            )
            .execution_options(synchronize_session=False)
        )
    return int(deleted.rowcount)
