"""Administration: users (add, change role, disable) and the audit log."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.responses import Response

from models.errors import ConfigError
from models.tables import Role
from storage import audit, users
from web import deps

router = APIRouter(prefix="/admin")
NAV = (
    deps.NavItem("Users", "/admin/users", Role.ADMIN),
    deps.NavItem("Audit log", "/admin/audit", Role.ADMIN),
)


@router.get("/users")
def users_page(
    request: Request,
    user: deps.Admin,
    session: deps.DbSession,
) -> Response:
    """Every user with role and state, and a form to add one."""
    return show_users(request, session)


def show_users(
    request: Request, session: Session, *, error: str | None = None, status_code: int = 200
) -> Response:
    context = {"users": users.list_users(session), "roles": list(Role), "error": error}
    return deps.render(request, "users.html", context, status_code=status_code)


@router.post("/users")
def add_user(
    request: Request,
    name: Annotated[str, Form()],
    role: Annotated[str, Form()],
    password: Annotated[str, Form()],
    user: deps.Admin,
    session: deps.DbSession,
) -> Response:
    """Add a user; a refused name, role or password is shown on the page."""
    try:
        users.add_user(session, name=name, role=role, password=password)
    except ConfigError as e:
        return show_users(request, session, error=e.message, status_code=400)
    deps.record(
        request,
        session,
        user=user.name,
        action="add_user",
        target=f"user:{name}",
        details={"role": role},
    )
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/users/{name}/role")
def change_role(
    request: Request,
    name: str,
    role: Annotated[str, Form()],
    user: deps.Admin,
    session: deps.DbSession,
) -> Response:
    """Give a user another role."""
    try:
        users.set_role(session, name=name, role=role)
    except ConfigError as e:
        raise HTTPException(400, e.message) from e
    deps.record(
        request,
        session,
        user=user.name,
        action="set_role",
        target=f"user:{name}",
        details={"role": role},
    )
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/users/{name}/disable")
def disable(
    request: Request,
    name: str,
    user: deps.Admin,
    session: deps.DbSession,
) -> Response:
    """Stop a user from signing in; their open sessions end at their next request."""
    try:
        users.deactivate(session, name=name)
    except ConfigError as e:
        raise HTTPException(404, e.message) from e
    deps.record(request, session, user=user.name, action="disable_user", target=f"user:{name}")
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/audit")
def audit_page(
    request: Request,
    user: deps.Admin,
    session: deps.DbSession,
    who: str = "",
    action: str = "",
    since: datetime | None = None,
) -> Response:
    """The audit log, newest first, filtered by user, action and start time."""
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)  # the form's local-time field is read as UTC
    filters = audit.AuditFilters(user=who or None, action=action or None, since=since)
    context = {
        "events": audit.list_events(session, filters=filters),
        "who": who,
        "action": action,
        "since": since,
    }
    return deps.render(request, "audit.html", context)
