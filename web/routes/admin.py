"""Administration: users (add, change role, disable, end sessions, lift sign-in locks)
and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.responses import Response

from models import i18n
from models.errors import ConfigError
from models.i18n import N_, _
from models.tables import Role
from storage import audit, throttle, users, web_sessions
from web import deps

router = APIRouter(prefix="/admin")
NAV = (
    deps.NavItem(N_("Users"), "/admin/users", Role.ADMIN),
    deps.NavItem(N_("Audit log"), "/admin/audit", Role.ADMIN),
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
    """The users page: each user's open sessions and sign-in lock, and the other locks."""
    at = deps.now(request)
    listed = users.list_users(session)
    locked_names, locked_addresses = throttle.locked(
        session, limits=deps.login_limits(request), now=at
    )
    known = {u.name for u in listed}
    other_locks = [("name", key, until) for key, until in locked_names.items() if key not in known]
    other_locks += [("address", key, until) for key, until in locked_addresses.items()]
    context = {
        "users": listed,
        "roles": list(Role),
        "error": error,
        "open_sessions": web_sessions.open_counts(session, now=at),
        "locked_names": locked_names,
        "other_locks": sorted(other_locks),
    }
    return deps.render(request, "users.html", context, status_code=status_code)


def open_sessions(request: Request, session: Session, name: str) -> int:
    """How many open sessions the user called `name` has (0 for an unknown name)."""
    found = users.get_user(session, name=name)
    if found is None:
        return 0
    return web_sessions.open_counts(session, now=deps.now(request)).get(found.id, 0)


@router.post("/users")
def add_user(
    request: Request,
    name: Annotated[str, Form()],
    role: Annotated[str, Form()],
    password: Annotated[str, Form()],
    user: deps.Admin,
    session: deps.DbSession,
    also: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Add a user with a first role and, optionally, further ones (`also`); a refused
    name, role or password is shown on the page."""
    roles = [role, *(also or [])]
    try:
        added = users.add_user(session, name=name, role=roles, password=password)
    except ConfigError as e:
        return show_users(request, session, error=e.message, status_code=400)
    deps.record(
        request,
        session,
        user=user.name,
        action="add_user",
        target=f"user:{name}",
        details={"role": added.role.value, "roles": [r.value for r in added.roles]},
    )
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/users/{name}/role")
def change_role(
    request: Request,
    name: str,
    role: Annotated[str, Form()],
    user: deps.Admin,
    session: deps.DbSession,
    also: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Give a user other roles (a first one, and optionally more); a change ends their open
    sessions."""
    roles = [role, *(also or [])]
    before = users.get_user(session, name=name)
    try:
        wanted = users.parse_roles(roles)
    except ConfigError as e:
        raise HTTPException(400, e.message) from e
    changed = before is not None and before.roles != wanted
    ended = open_sessions(request, session, name) if changed else 0
    try:
        users.set_role(session, name=name, role=roles, now=deps.now(request))
    except ConfigError as e:
        raise HTTPException(400, e.message) from e
    deps.record(
        request,
        session,
        user=user.name,
        action="set_role",
        target=f"user:{name}",
        details={"role": wanted[0].value, "roles": [r.value for r in wanted],
                 "sessions_ended": ended},
    )  # fmt: skip
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/users/{name}/disable")
def disable(
    request: Request,
    name: str,
    user: deps.Admin,
    session: deps.DbSession,
) -> Response:
    """Stop a user from signing in; their open sessions end at once."""
    ended = open_sessions(request, session, name)
    try:
        users.deactivate(session, name=name, now=deps.now(request))
    except ConfigError as e:
        raise HTTPException(404, e.message) from e
    deps.record(
        request,
        session,
        user=user.name,
        action="disable_user",
        target=f"user:{name}",
        details={"sessions_ended": ended},
    )
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/users/{name}/enable")
def enable(
    request: Request,
    name: str,
    user: deps.Admin,
    session: deps.DbSession,
) -> Response:
    """Let a disabled user sign in again."""
    try:
        users.activate(session, name=name)
    except ConfigError as e:
        raise HTTPException(404, e.message) from e
    deps.record(request, session, user=user.name, action="enable_user", target=f"user:{name}")
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/users/{name}/password")
def reset_password(
    request: Request,
    name: str,
    password: Annotated[str, Form()],
    user: deps.Admin,
    session: deps.DbSession,
) -> Response:
    """Set a user's password (say, one they forgot); their sessions end, and at the next
    sign-in they must choose their own before anything else."""
    if users.get_user(session, name=name) is None:
        raise HTTPException(404, no_user(name))
    ended = open_sessions(request, session, name)
    try:
        users.set_password(
            session, name=name, password=password, now=deps.now(request), must_change=True
        )
    except ConfigError as e:
        return show_users(request, session, error=e.message, status_code=400)
    deps.record(
        request,
        session,
        user=user.name,
        action="reset_password",
        target=f"user:{name}",
        details={"sessions_ended": ended},
    )
    return RedirectResponse("/admin/users", status_code=303)


def no_user(name: str) -> str:
    return _("There is no user named {name}.").format(name=repr(name))


@router.post("/users/{name}/sessions/revoke")
def revoke_sessions(
    request: Request,
    name: str,
    user: deps.Admin,
    session: deps.DbSession,
) -> Response:
    """End every open session of a user: each browser must sign in again."""
    found = users.get_user(session, name=name)
    if found is None:
        raise HTTPException(404, no_user(name))
    ended = web_sessions.revoke_user(session, user_id=found.id, now=deps.now(request))
    deps.record(
        request,
        session,
        user=user.name,
        action="revoke_sessions",
        target=f"user:{name}",
        details={"sessions_ended": ended},
    )
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/unlock")
def unlock(
    request: Request,
    user: deps.Admin,
    session: deps.DbSession,
    name: Annotated[str, Form()] = "",
    address: Annotated[str, Form()] = "",
) -> Response:
    """Lift the sign-in lock of a user name or of an address (forget its failures)."""
    if bool(name) == bool(address):
        raise HTTPException(400, _("Give either a user name or an address to unlock."))
    if name:
        cleared, target = throttle.clear_name(session, name=name), f"user:{name}"
    else:
        cleared, target = throttle.clear_address(session, address=address), f"address:{address}"
    deps.record(
        request,
        session,
        user=user.name,
        action="unlock",
        target=target,
        details={"failures_cleared": cleared},
    )
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
        since = since.replace(tzinfo=i18n.current_zone())  # the form's field: the server's zone
    filters = audit.AuditFilters(user=who or None, action=action or None, since=since)
    context = {
        "events": audit.list_events(session, filters=filters),
        "who": who,
        "action": action,
        "since": f"{i18n.local_time(since):%Y-%m-%dT%H:%M}" if since else "",
    }
    return deps.render(request, "audit.html", context)
