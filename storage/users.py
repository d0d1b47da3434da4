"""Workbench users: add, authenticate (argon2), change role, deactivate, list.

Password hashes never leave this module except inside `AppUser` rows; callers show
`UserPublic`. Authentication takes the same time whether or not the name exists.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col, select

from models.errors import ConfigError
from models.tables import AppUser, Role, UserPublic
from storage.transactions import committing

MIN_PASSWORD_LENGTH = 10
NAME_MAX_LENGTH = 64

_hasher = PasswordHasher()
# Verified against when the name is unknown, so a miss costs as much as a wrong password.
_DUMMY_HASH = _hasher.hash("pantau-no-such-user")


def hash_password(password: str, hasher: PasswordHasher | None = None) -> str:
    """An argon2id hash of `password` with the current parameters."""
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


def add_user(session: Session, *, name: str, role: str, password: str) -> UserPublic:
    """Create an active user; raises `ConfigError` for a taken name, bad role or weak password."""
    name = name.strip()
    if not name or len(name) > NAME_MAX_LENGTH or any(c.isspace() for c in name):
        raise ConfigError(f"invalid user name {name!r}: 1-{NAME_MAX_LENGTH} characters, no spaces.")
    parsed = parse_role(role)
    check_password(password)
    if find_user(session, name=name) is not None:
        raise ConfigError(f"a user named {name!r} exists already; `pantau users list` lists them.")
    user = AppUser(name=name, role=parsed, password_hash=hash_password(password))
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
        hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if hasher.check_needs_rehash(stored):
        with committing(session):
            user.password_hash = hasher.hash(password)
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


def set_role(session: Session, *, name: str, role: str) -> UserPublic:
    """Give the user called `name` another role."""
    user = require_user(session, name=name)
    parsed = parse_role(role)
    with committing(session):
        user.role = parsed
    return UserPublic.model_validate(user, from_attributes=True)


def deactivate(session: Session, *, name: str) -> UserPublic:
    """Stop the user called `name` from signing in (the row stays for the audit trail)."""
    user = require_user(session, name=name)
    with committing(session):
        user.active = False
    return UserPublic.model_validate(user, from_attributes=True)


def list_users(session: Session) -> list[UserPublic]:
    """Every user, by name."""
    users = session.exec(select(AppUser).order_by(col(AppUser.name))).all()
    return [UserPublic.model_validate(user, from_attributes=True) for user in users]
