"""Sign-in throttling: failed sign-ins counted per name and per address over a sliding window.

Each failure is one `login_failure` row. Once a name (or an address) has as many
failures inside the window as its limit allows, it is locked: further sign-ins are
refused before the password is looked at, so no guess is tried and no argon2 work is
spent. The lock ends by itself when the oldest of those failures leaves the window,
when an administrator lifts it, or (for a name) with a successful sign-in.

An attempt is counted as a failure before its password is checked (`begin_attempt`)
and forgiven when it succeeds, so parallel attempts count each other: a burst of
simultaneous guesses gets no more tries than the limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlmodel import Session, col, func, select

from models.tables import LoginFailure
from storage.audit import clean
from storage.transactions import committing

NAME_MAX_LENGTH = 64
ADDRESS_MAX_LENGTH = 64
# Failures are kept at least this long whatever the window, so a longer window set
# later still sees them.
KEEP_FAILURES = timedelta(days=1)


@dataclass(frozen=True)
class Limits:
    """How many failures a name and an address may have inside `window` (0: no limit)."""

    per_name: int = 5
    per_address: int = 20
    window: timedelta = timedelta(minutes=15)


class LoginSettings(Protocol):
    """The settings the limits come from (pantau.settings.Settings provides them)."""

    login_user_failures: int
    login_address_failures: int
    login_window_minutes: float


def limits_of(settings: LoginSettings) -> Limits:
    """The limits set by PANTAU_LOGIN_USER_FAILURES, _ADDRESS_FAILURES and _WINDOW_MINUTES."""
    return Limits(
        per_name=settings.login_user_failures,
        per_address=settings.login_address_failures,
        window=timedelta(minutes=settings.login_window_minutes),
    )


@dataclass(frozen=True)
class Lock:
    """A refused sign-in: what is locked (the name or the address) and until when."""

    scope: Literal["name", "address"]
    until: datetime


def stored_name(name: str) -> str:
    """The tried name as counted: without control characters, at most 64 characters."""
    return clean(name)[:NAME_MAX_LENGTH]


def stored_address(address: str) -> str:
    """The client address as counted (at most 64 characters)."""
    return clean(address)[:ADDRESS_MAX_LENGTH]


@dataclass(frozen=True)
class Attempt:
    """A sign-in attempt: counted as failure `failure_id` until it succeeds, or refused
    by `lock` (then nothing was counted)."""

    failure_id: int | None = None
    lock: Lock | None = None


def begin_attempt(
    session: Session, *, name: str, address: str | None, limits: Limits, now: datetime
) -> Attempt:
    """Count a sign-in attempt as a failure before its password is checked, unless the
    name or address is locked already; then the attempt is refused and not counted.

    The row is written first and the failures counted after it, so attempts running in
    parallel see one another.
    """
    failure_id = record_failure(session, name=name, address=address, now=now)
    lock = find_lock(session, name=name, address=address, limits=limits, now=now, pending=1)
    if lock is None:
        return Attempt(failure_id=failure_id)
    forget(session, failure_id=failure_id)
    return Attempt(lock=lock)


def find_lock(
    session: Session,
    *,
    name: str,
    address: str | None,
    limits: Limits,
    now: datetime,
    pending: int = 0,
) -> Lock | None:
    """The lock that refuses a sign-in as `name` from `address` now, or None.

    `pending` is how many of the counted rows belong to the attempt being decided (1
    inside `begin_attempt`): they do not use up the limit themselves. When both the
    name and the address are locked, the lock that lasts longer is returned.
    """
    locks = []
    if limits.per_name > 0:
        until = locked_until(
            session,
            where=col(LoginFailure.name) == stored_name(name),
            limit=limits.per_name + pending,
            window=limits.window,
            now=now,
        )
        if until is not None:
            locks.append(Lock("name", until))
    if address and limits.per_address > 0:
        until = locked_until(
            session,
            where=col(LoginFailure.address) == stored_address(address),
            limit=limits.per_address + pending,
            window=limits.window,
            now=now,
        )
        if until is not None:
            locks.append(Lock("address", until))
    return max(locks, key=lambda lock: lock.until, default=None)


def locked_until(
    session: Session,
    *,
    where: sa.ColumnElement[bool],
    limit: int,
    window: timedelta,
    now: datetime,
) -> datetime | None:
    """When the `limit`-th most recent failure matching `where` leaves the window, if it
    is inside it now (then the name or address is locked until that moment)."""
    statement = (
        select(LoginFailure.at)
        .where(where, col(LoginFailure.at) > now - window)
        .order_by(col(LoginFailure.at).desc())
        .offset(limit - 1)
        .limit(1)
    )
    oldest = session.exec(statement).first()
    return None if oldest is None else oldest + window


def record_failure(session: Session, *, name: str, address: str | None, now: datetime) -> int:
    """Count one failed sign-in as `name` from `address`; returns the row's id."""
    row = LoginFailure(
        at=now, name=stored_name(name), address=stored_address(address) if address else None
    )
    with committing(session):
        session.add(row)
    assert row.id is not None  # set by the insert
    return row.id


def forget(session: Session, *, failure_id: int) -> int:
    """Take back one counted failure (an attempt that turned out not to be one)."""
    return delete_where(session, col(LoginFailure.id) == failure_id)


def clear_name(session: Session, *, name: str) -> int:
    """Forget the failures of `name` (a successful sign-in, or an administrator lifting
    the lock); returns how many there were."""
    return delete_where(session, col(LoginFailure.name) == stored_name(name))


def clear_address(session: Session, *, address: str) -> int:
    """Forget the failures from `address` (an administrator lifting its lock); how many."""
    return delete_where(session, col(LoginFailure.address) == stored_address(address))


def purge(session: Session, *, now: datetime, window: timedelta) -> int:
    """Delete failures older than the window (and than a day); returns how many."""
    return delete_where(session, col(LoginFailure.at) < now - max(window, KEEP_FAILURES))


def delete_where(session: Session, where: sa.ColumnElement[bool]) -> int:
    """Delete the failures matching `where` and commit; how many."""
    with committing(session):
        deleted = session.exec(
            sa.delete(LoginFailure).where(where).execution_options(synchronize_session=False)
        )
    return int(deleted.rowcount)


def locked(
    session: Session, *, limits: Limits, now: datetime
) -> tuple[dict[str, datetime], dict[str, datetime]]:
    """Every name and every address locked now, each with when its lock ends."""
    names = locked_keys(
        session, column=col(LoginFailure.name), limit=limits.per_name, limits=limits, now=now
    )
    addresses = locked_keys(
        session, column=col(LoginFailure.address), limit=limits.per_address, limits=limits, now=now
    )
    return names, addresses


def locked_keys(
    session: Session,
    *,
    column: Mapped[str | None],
    limit: int,
    limits: Limits,
    now: datetime,
) -> dict[str, datetime]:
    """The values of `column` (names or addresses) with `limit` or more failures inside
    the window, each with when its lock ends."""
    if limit <= 0:
        return {}
    statement = (
        select(column, func.count())
        .where(col(LoginFailure.at) > now - limits.window, column.is_not(None))
        .group_by(column)
        .having(func.count() >= limit)
    )
    found = {}
    for key, _ in session.exec(statement).all():
        until = locked_until(
            session, where=column == key, limit=limit, window=limits.window, now=now
        )
        if key is not None and until is not None:
            found[key] = until
    return found
