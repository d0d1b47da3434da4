"""Workbench users: add, authenticate (argon2), change role or password, deactivate, list.

Password hashes never leave this module except inside `AppUser` rows; callers show
`UserPublic`. Authentication takes the same time whether or not the name exists.
Every argon2 hash or check passes the process's `PasswordGate`, so parallel sign-ins
cannot multiply argon2's memory. Deactivating a user or changing their role or
password ends their open workbench sessions.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col, select

from models import i18n
from models.errors import BusyError, ConfigError
from models.tables import AppUser, Role, UserPublic, utc_now
from storage import web_sessions
from storage.transactions import committing

MIN_PASSWORD_LENGTH = 10
NAME_MAX_LENGTH = 64

_hasher = PasswordHasher()
# Verified against when the name is unknown, so a miss costs as much as a wrong password.
_DUMMY_HASH = _hasher.hash("pantau-no-such-user")
DEFAULT_SLOTS = 2
DEFAULT_WAIT_SECONDS = 5.0


class PasswordGate:
    """At most `slots` argon2 hashes or checks at once; a caller that finds no free slot
    within `wait_seconds` gets a `BusyError` instead of queuing for ever."""

    def __init__(
        self, slots: int = DEFAULT_SLOTS, wait_seconds: float = DEFAULT_WAIT_SECONDS
    ) -> None:
        if slots < 1:
            raise ConfigError(f"password slots must be 1 or more, not {slots}.")
        self.slots = slots
        self.wait_seconds = wait_seconds
        self.semaphore = threading.BoundedSemaphore(slots)

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one slot for the block, or raise `BusyError` after `wait_seconds`."""
        if not self.semaphore.acquire(timeout=self.wait_seconds):
            raise BusyError(
                "The server is busy checking other passwords; try again in a few seconds."
            )
        try:
            yield
        finally:
            self.semaphore.release()


_gates = {"process": PasswordGate()}


def password_gate() -> PasswordGate:
    """The gate every password hash and check of this process passes."""
    return _gates["process"]


def configure_password_gate(*, slots: int, wait_seconds: float) -> PasswordGate:
    """Size the process's gate (the workbench does this from its settings at start).

    The semaphore is kept when the number of slots does not change, so callers
    holding a slot are still counted.
    """
    gate = password_gate()
    if gate.slots == slots:
        gate.wait_seconds = wait_seconds
    else:
        gate = _gates["process"] = PasswordGate(slots, wait_seconds)
    return gate


def hash_password(password: str, hasher: PasswordHasher | None = None) -> str:
    """An argon2id hash of `password` with the current parameters (through the gate)."""
    with password_gate().slot():
        return (hasher or _hasher).hash(password)


def check_password(password: str) -> None:
    """Refuse passwords too short to resist guessing."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ConfigError(
            f"the password is too short ({len(password)} characters); use at least "
            f"{MIN_PASSWORD_LENGTH}, e.g. four unrelated words."
        )


def parse_role(role: str) -> Role:
    """The role named `role`, or a `ConfigError` listing the roles."""
    try:
        return Role(role)
    except ValueError as e:
        roles = ", ".join(r.value for r in Role)
        raise ConfigError(f"unknown role {role!r}; use one of: {roles}.") from e


def parse_roles(roles: str | Sequence[str]) -> list[Role]:
    """Roles from names (a list, or one string with commas), first one first, each once;
    a `ConfigError` for an unknown name or none at all."""
    names = roles.split(",") if isinstance(roles, str) else list(roles)
    parsed: list[Role] = []
    for name in names:
        if name.strip() and (role := parse_role(name.strip())) not in parsed:
            parsed.append(role)
    if not parsed:
        raise ConfigError(f"give at least one role: {', '.join(r.value for r in Role)}.")
    return parsed


def add_user(
    session: Session, *, name: str, role: str | Sequence[str], password: str
) -> UserPublic:
    """Create an active user with one role or several (the first is their home page);
    raises `ConfigError` for a taken name, bad role or weak password."""
    name = name.strip()
    if not name or len(name) > NAME_MAX_LENGTH or any(c.isspace() for c in name):
        raise ConfigError(f"invalid user name {name!r}: 1-{NAME_MAX_LENGTH} characters, no spaces.")
    first, *others = parse_roles(role)
    check_password(password)
    if find_user(session, name=name) is not None:
        raise ConfigError(f"a user named {name!r} exists already; `pantau users list` lists them.")
    user = AppUser(
        name=name,
        role=first,
        extra_roles=[r.value for r in others],
        password_hash=hash_password(password),
    )
    with committing(session):
        session.add(user)
    return UserPublic.model_validate(user, from_attributes=True)


def find_user(session: Session, *, name: str) -> AppUser | None:
    """The stored user called `name`, active or not, or None."""
    if "\x00" in name:  # never a valid name, and PostgreSQL refuses it in a query
        return None
    return session.exec(select(AppUser).where(AppUser.name == name)).first()


def authenticate(
    session: Session, *, name: str, password: str, hasher: PasswordHasher | None = None
) -> UserPublic | None:
    """The active user whose name and password match, or None.

    A hash made with older argon2 parameters is replaced by one with the current ones.
    """
    hasher = hasher or _hasher
    user = find_user(session, name=name)
    stored = user.password_hash if user is not None else _DUMMY_HASH
    try:
        with password_gate().slot():
            hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if hasher.check_needs_rehash(stored):
        rehashed = hash_password(password, hasher)
        with committing(session):
            user.password_hash = rehashed
    return UserPublic.model_validate(user, from_attributes=True)


def get_user(session: Session, *, name: str) -> UserPublic | None:
    """The user called `name` for display, or None."""
    user = find_user(session, name=name)
    return None if user is None else UserPublic.model_validate(user, from_attributes=True)


def require_user(session: Session, *, name: str) -> AppUser:
    """The stored user called `name`, or a `ConfigError` that says how to list users."""
    user = find_user(session, name=name)
    if user is None:
        raise ConfigError(f"no user named {name!r}; `pantau users list` lists them.")
    return user


def set_role(
    session: Session, *, name: str, role: str | Sequence[str], now: datetime | None = None
) -> UserPublic:
    """Give the user called `name` other roles (one, or several: the first is their home
    page); a change ends their sessions open `now`."""
    user = require_user(session, name=name)
    first, *others = parse_roles(role)
    extra = [r.value for r in others]
    with committing(session):
        if user.role != first or list(user.extra_roles or []) != extra:
            user.role, user.extra_roles = first, extra
            end_sessions(session, user, now)
    return UserPublic.model_validate(user, from_attributes=True)


def set_password(
    session: Session,
    *,
    name: str,
    password: str,
    now: datetime | None = None,
    must_change: bool = False,
) -> UserPublic:
    """Give the user called `name` a new password and end their sessions open `now`.

    `must_change` (an administrator's reset) makes the user choose their own password at
    the next sign-in before anything else.
    """
    user = require_user(session, name=name)
    check_password(password)
    hashed = hash_password(password)
    with committing(session):
        user.password_hash = hashed
        user.must_change_password = must_change
        end_sessions(session, user, now)
    return UserPublic.model_validate(user, from_attributes=True)


def set_language(session: Session, *, name: str, language: str | None) -> UserPublic:
    """The language the user called `name` reads the workbench in (None: the setting's)."""
    user = require_user(session, name=name)
    chosen = i18n.checked_language(language) if language else None
    with committing(session):
        user.language = chosen
    return UserPublic.model_validate(user, from_attributes=True)


def deactivate(session: Session, *, name: str, now: datetime | None = None) -> UserPublic:
    """Stop the user called `name` from signing in and end their sessions open `now`
    (the row stays for the audit trail)."""
    user = require_user(session, name=name)
    with committing(session):
        user.active = False
        end_sessions(session, user, now)
    return UserPublic.model_validate(user, from_attributes=True)


def activate(session: Session, *, name: str) -> UserPublic:
    """Let a disabled user sign in again (with the password they had)."""
    user = require_user(session, name=name)
    with committing(session):
        user.active = True
    return UserPublic.model_validate(user, from_attributes=True)


def end_sessions(session: Session, user: AppUser, now: datetime | None = None) -> int:
    """End the user's open sessions inside the caller's transaction; how many."""
    if user.id is None:
        return 0
    return web_sessions.mark_revoked(session, user_id=user.id, now=now or utc_now())


def list_users(session: Session) -> list[UserPublic]:
    """Every user, by name."""
    users = session.exec(select(AppUser).order_by(col(AppUser.name))).all()
    return [UserPublic.model_validate(user, from_attributes=True) for user in users]
