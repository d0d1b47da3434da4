"""Signing in and out; every attempt is written to the audit log.

A sign-in opens a `web_session` row and puts only its random token in the signed
cookie; signing out revokes the row. A name or address with too many recent failures
is refused (429) before its password is checked.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.responses import Response

from models import i18n
from models.errors import BusyError, ConfigError
from models.i18n import _, ngettext
from models.tables import Role, UserPublic
from storage import throttle, users, web_sessions
from web import deps

router = APIRouter()
HOME_BY_ROLE = {Role.ADMIN: "/admin/users", Role.ANALYST: "/runs", Role.INVESTIGATOR: "/search"}


@router.get("/")
def home(request: Request, session: deps.DbSession) -> Response:
    """Send a signed-in user to their role's first page, anyone else to sign in."""
    user = deps.signed_in_user(request, session)
    return RedirectResponse(HOME_BY_ROLE[user.role] if user else "/login", status_code=303)


@router.get("/login")
def login_page(request: Request, next: str = "") -> Response:
    """The sign-in form."""
    return deps.render(request, "login.html", {"next": safe_next(next), "error": None})


@router.post("/login")
def login(
    request: Request,
    name: Annotated[str, Form()],
    password: Annotated[str, Form()],
    session: deps.DbSession,
    next: Annotated[str, Form()] = "",
) -> Response:
    """Check the name and password unless the name or address is locked; on success
    start a fresh server-side session."""
    at = deps.now(request)
    address = deps.client_ip(request)
    limits = deps.login_limits(request)
    attempt = throttle.begin_attempt(session, name=name, address=address, limits=limits, now=at)
    if attempt.lock is not None:
        lock = attempt.lock
        until = lock.until.isoformat(timespec="seconds")
        details = {"locked": lock.scope, "until": until}
        locked = throttle.stored_name(name) if lock.scope == "name" else address
        if first_refusal(request, (lock.scope, locked, until)):
            deps.record(request, session, user=name[:64], action="login_locked", details=details)
        return login_form(request, next, locked_message(lock, at), 429, retry_after(lock, at))
    try:
        user = users.authenticate(session, name=name, password=password)
    except BusyError as e:
        if attempt.failure_id is not None:
            throttle.forget(session, failure_id=attempt.failure_id)  # not a failed guess
        wait = math.ceil(request.app.state.settings.password_wait_seconds)
        return login_form(request, next, e.message, 503, wait)
    deps.record(
        request,
        session,
        user=name[:64],
        action="login" if user else "login_failed",
        details={},
    )
    if user is None:  # the attempt stays counted as a failure
        return login_form(request, next, _("Wrong name or password, or disabled user."), 401)
    throttle.clear_name(session, name=user.name)  # this attempt's row and earlier ones
    start_session(request, session, user, at)
    return RedirectResponse(safe_next(next) or HOME_BY_ROLE[user.role], status_code=303)


def start_session(request: Request, session: Session, user: UserPublic, at: datetime) -> None:
    """Open a session row for `user` and put its token in a fresh cookie (no fixation).

    A session this browser had before is revoked; long-ended sessions and old
    failures are purged.
    """
    previous = deps.session_token(request)
    if previous is not None:
        web_sessions.revoke(session, token=previous, now=at)
    web_sessions.purge(session, now=at)
    throttle.purge(session, now=at, window=deps.login_limits(request).window)
    token = web_sessions.open_session(
        session,
        user_id=user.id,
        lifetime=deps.session_lifetime(request),
        now=at,
        ip=deps.client_ip(request),
        user_agent=request.headers.get("user-agent", ""),
    )
    request.session.clear()
    request.session[deps.SESSION_ID] = token
    if user.language:
        request.session[deps.LANGUAGE_KEY] = user.language


def login_form(
    request: Request, next: str, error: str, status_code: int, retry_seconds: int | None = None
) -> Response:
    """The sign-in form again with `error`; `Retry-After` when the client should wait."""
    context = {"next": safe_next(next), "error": error}
    response = deps.render(request, "login.html", context, status_code=status_code)
    if retry_seconds is not None:
        response.headers["Retry-After"] = str(retry_seconds)
    return response


def retry_after(lock: throttle.Lock, at: datetime) -> int:
    """Whole seconds until `lock` ends (at least 1)."""
    return max(1, math.ceil((lock.until - at).total_seconds()))


_refusals_lock = threading.Lock()
REFUSALS_REMEMBERED = 10_000


def first_refusal(request: Request, key: tuple[str, str | None, str]) -> bool:
    """Whether this lock (scope, name or address, until) refuses a sign-in for the first
    time in this process: a flood of attempts against one lock is audited once, not once
    per attempt (each refusal is still answered with 429)."""
    with _refusals_lock:
        seen = getattr(request.app.state, "refusals_audited", None)
        if seen is None:
            seen = request.app.state.refusals_audited = OrderedDict()
        if key in seen:
            return False
        seen[key] = True
        if len(seen) > REFUSALS_REMEMBERED:
            seen.popitem(last=False)
        return True


def locked_message(lock: throttle.Lock, at: datetime) -> str:
    """Why the sign-in was refused, when to try again, and who can lift the lock."""
    minutes = math.ceil(retry_after(lock, at) / 60)
    wait = ngettext("{count} minute", "{count} minutes", minutes).format(
        count=i18n.format_number(minutes)
    )
    if lock.scope == "name":
        message = _(
            "Too many failed sign-ins with this name. Try again after {time} (in {wait}), "
            "or ask an administrator to lift the lock."
        )
    else:
        message = _(
            "Too many failed sign-ins from this address. Try again after {time} (in {wait}), "
            "or ask an administrator to lift the lock."
        )
    return message.format(time=i18n.format_clock(lock.until), wait=wait)


@router.get(deps.PASSWORD_PAGE)
def password_page(request: Request, user: deps.SignedIn) -> Response:
    """The form to choose a new password (the only page after an administrator's reset)."""
    return password_form(request, user, None, 200)


@router.post(deps.PASSWORD_PAGE)
def change_password(
    request: Request,
    current: Annotated[str, Form()],
    new: Annotated[str, Form()],
    repeat: Annotated[str, Form()],
    user: deps.SignedIn,
    session: deps.DbSession,
) -> Response:
    """Replace the user's password after checking the current one; other sessions end and
    this browser gets a fresh one."""
    if new != repeat:
        return password_form(request, user, _("The two new passwords differ."), 400)
    if new == current:
        message = _("Choose a password other than the current one.")
        return password_form(request, user, message, 400)
    try:
        users.check_password(new)
        checked = users.authenticate(session, name=user.name, password=current)
    except (ConfigError, BusyError) as e:
        return password_form(request, user, e.message, 400)
    if checked is None:
        deps.record(request, session, user=user.name, action="change_password_refused")
        return password_form(request, user, _("The current password is wrong."), 400)
    at = deps.now(request)
    changed = users.set_password(session, name=user.name, password=new, now=at)
    deps.record(request, session, user=user.name, action="change_password")
    start_session(request, session, changed, at)
    return RedirectResponse(HOME_BY_ROLE[changed.role], status_code=303)


def password_form(
    request: Request, user: UserPublic, error: str | None, status_code: int
) -> Response:
    context = {"user": user, "error": error, "forced": user.must_change_password}
    return deps.render(request, "password.html", context, status_code=status_code)


@router.post(deps.LANGUAGE_PAGE)
def choose_language(
    request: Request,
    language: Annotated[str, Form()],
    session: deps.DbSession,
    next: Annotated[str, Form()] = "",
) -> Response:
    """Show the pages in `language` from now on: for this browser, and for a signed-in
    user at every later sign-in too."""
    if language not in i18n.LANGUAGES:
        raise HTTPException(400, _("Unknown language."))
    request.session[deps.LANGUAGE_KEY] = language
    user = deps.signed_in_user(request, session)
    if user is not None and user.language != language:
        users.set_language(session, name=user.name, language=language)
        deps.record(
            request,
            session,
            user=user.name,
            action="choose_language",
            details={"language": language},
        )
    return RedirectResponse(safe_next(next) or "/", status_code=303)


@router.post("/logout")
def logout(request: Request, session: deps.DbSession) -> Response:
    """End the session: its row is revoked, so a copy of the cookie no longer works."""
    token = deps.session_token(request)
    if token is not None:
        user = deps.signed_in_user(request, session)
        ended = web_sessions.revoke(session, token=token, now=deps.now(request))
        if ended and user is not None:
            deps.record(request, session, user=user.name, action="logout")
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


def safe_next(path: str) -> str:
    """Only local paths are followed after sign-in (no open redirect)."""
    return path if path.startswith("/") and not path.startswith("//") and "\\" not in path else ""
