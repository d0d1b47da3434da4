"""Signing in and out; every attempt is written to the audit log."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from models.tables import Role
from storage import users
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
    """Check the name and password; on success start a fresh session."""
    user = users.authenticate(session, name=name, password=password)
    deps.record(
        request,
        session,
        user=name[:64],
        action="login" if user else "login_failed",
        details={},
    )
    if user is None:
        context = {"next": safe_next(next), "error": "Wrong name or password, or disabled user."}
        return deps.render(request, "login.html", context, status_code=401)
    request.session.clear()  # a new session id for the new identity (no fixation)
    request.session[deps.SESSION_USER] = user.name
    request.session[deps.SESSION_LOGIN_AT] = time.time()
    return RedirectResponse(safe_next(next) or HOME_BY_ROLE[user.role], status_code=303)


@router.post("/logout")
def logout(request: Request, session: deps.DbSession) -> Response:
    """End the session."""
    name = request.session.get(deps.SESSION_USER)
    if name:
        deps.record(request, session, user=name, action="logout")
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


def safe_next(path: str) -> str:
    """Only local paths are followed after sign-in (no open redirect)."""
    return path if path.startswith("/") and not path.startswith("//") and "\\" not in path else ""
