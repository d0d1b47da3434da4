"""What every workbench route shares: the database session, the signed-in user and
role checks, page rendering, and audit records."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Protocol

import jinja2
from fastapi import Depends, HTTPException, Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from sqlmodel import Session
from starlette.responses import Response

from models import i18n
from models.i18n import N_, _
from models.records import HIGHLIGHT_END, HIGHLIGHT_START
from models.tables import Document, Role, UserPublic
from storage import audit, repository, throttle, web_sessions
from storage.engine import session_for

TEMPLATES_DIR = Path(__file__).with_name("templates")
SESSION_ID = "sid"  # the cookie's key for the session token (the database keeps its hash)
MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL: a larger one cannot exist


class WebSettings(Protocol):
    """The settings the workbench reads (pantau.settings.Settings provides them)."""

    home: Path
    language: str
    time_zone: str
    dpi: int
    max_megapixels: int
    secret_key: str
    session_hours: float
    secure_cookies: bool
    login_user_failures: int
    login_address_failures: int
    login_window_minutes: float
    password_slots: int
    password_wait_seconds: float

    @property
    def resolved_database_url(self) -> str: ...


class LoginRequired(Exception):  # noqa: N818 - a signal, handled by a redirect
    """Raised when a page needs a signed-in user; the app redirects to the login page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class PasswordChangeRequired(Exception):  # noqa: N818 - a signal, handled by a redirect
    """Raised when the signed-in user must first replace a password an administrator set."""


# The only page a user whose password was reset may see (besides signing out).
PASSWORD_PAGE = "/account/password"
LANGUAGE_PAGE = "/account/language"
LANGUAGE_KEY = "lang"  # the session's key for the language its pages are shown in
# The names roles are shown by (the values stay in forms and the database).
ROLE_NAMES = {
    Role.ADMIN: N_("admin"),
    Role.ANALYST: N_("analyst"),
    Role.INVESTIGATOR: N_("investigator"),
}


def role_name(role: Role | str) -> str:
    """The role as the user reads it, in the current language ("admin" in English)."""
    try:
        return _(ROLE_NAMES[Role(role)])
    except ValueError:
        return str(role)


class LanguageMiddleware:
    """Every request is answered in its session's language (the user's choice, kept in the
    signed cookie at sign-in) or else PANTAU_LANGUAGE, with times in PANTAU_TIME_ZONE.

    It sits inside the session middleware; the request's context carries the language
    into the route, its templates and its messages.
    """

    def __init__(self, app: Any, settings: WebSettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            chosen = scope.get("session", {}).get(LANGUAGE_KEY)
            language = chosen if chosen in i18n.LANGUAGES else self.settings.language
            i18n.set_language(language, self.settings.time_zone)
        await self.app(scope, receive, send)


@dataclass(frozen=True)
class NavItem:
    """One entry of the navigation bar, shown to users with `role`.

    `count`, when given, is shown beside the label (e.g. how many items wait): it takes the
    session and the signed-in user (`count(session, user)`), so a count can be the user's
    own (their unseen alerts) or everyone's (open review items).
    """

    label: str
    path: str
    role: Role
    count: Callable[[Session, UserPublic], int] | None = None


def highlight(snippet: str) -> Markup:
    """Escape a search snippet, then turn its highlight markers into <mark> elements."""
    text = str(escape(snippet))
    # The markers are not HTML characters, so they survive escaping untouched.
    return Markup(text.replace(HIGHLIGHT_START, "<mark>").replace(HIGHLIGHT_END, "</mark>"))


def make_templates() -> Jinja2Templates:
    """Jinja2 templates with autoescaping for every template, whatever its extension."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["highlight"] = highlight
    environment.add_extension("jinja2.ext.i18n")
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=i18n.gettext, ngettext=i18n.ngettext, newstyle=True
    )
    environment.filters["when"] = i18n.format_datetime
    environment.filters["clock"] = i18n.format_clock
    environment.filters["day"] = i18n.format_date
    environment.filters["num"] = i18n.format_number
    environment.filters["role_name"] = role_name
    environment.globals["languages"] = i18n.LANGUAGES
    environment.globals["current_language"] = i18n.current_language
    return Jinja2Templates(env=environment)


def db_session(request: Request) -> Iterator[Session]:
    """A database session for one request."""
    with session_for(request.app.state.engine) as session:
        yield session


DbSession = Annotated[Session, Depends(db_session)]


def now(request: Request) -> datetime:
    """The current time (UTC) as the workbench sees it: `app.state.clock`, which tests set."""
    clock: Callable[[], datetime] = request.app.state.clock
    return clock()


def session_token(request: Request) -> str | None:
    """The session token in this browser's signed cookie, or None."""
    token = request.session.get(SESSION_ID)
    return token if isinstance(token, str) and token else None


def signed_in_user(request: Request, session: Session) -> UserPublic | None:
    """The active user of this browser's session, or None (no session, or it expired,
    was revoked or belongs to a disabled user)."""
    token = session_token(request)
    if token is None:
        return None
    return web_sessions.session_user(session, token=token, now=now(request))


def current_user(request: Request, session: DbSession) -> UserPublic:
    """The signed-in user; anyone else is sent to the login page."""
    user = signed_in_user(request, session)
    if user is None:
        request.session.pop(SESSION_ID, None)
        raise LoginRequired(request.url.path)
    request.state.user = user
    if user.must_change_password and request.url.path != PASSWORD_PAGE:
        raise PasswordChangeRequired()
    return user


def require_role(role: Role) -> Any:
    """A dependency that lets only users with `role` through (403 for the others)."""

    def check(user: Annotated[UserPublic, Depends(current_user)]) -> UserPublic:
        if not user.has_role(role):
            held = ", ".join(role_name(r) for r in user.roles)
            raise HTTPException(
                status_code=403,
                detail=_(
                    "This page is for users with the {role} role; you are signed in as "
                    "{name} ({held}). Ask an administrator for access."
                ).format(role=role_name(role), name=user.name, held=held),
            )
        return user

    return check


SignedIn = Annotated[UserPublic, Depends(current_user)]
Admin = Annotated[UserPublic, Depends(require_role(Role.ADMIN))]
Analyst = Annotated[UserPublic, Depends(require_role(Role.ANALYST))]
Investigator = Annotated[UserPublic, Depends(require_role(Role.INVESTIGATOR))]


def session_lifetime(request: Request) -> timedelta:
    """How long a new sign-in lasts (PANTAU_SESSION_HOURS)."""
    return timedelta(hours=request.app.state.settings.session_hours)


def login_limits(request: Request) -> throttle.Limits:
    """The sign-in throttling limits from the settings."""
    return throttle.limits_of(request.app.state.settings)


def find_document(session: Session, document_id: int) -> Document:
    """The document, or a 404 page."""
    in_range = 1 <= document_id <= MAX_ID
    document = repository.get_document(session, document_id=document_id) if in_range else None
    if document is None:
        raise HTTPException(
            404, _("There is no document with id {document_id}.").format(document_id=document_id)
        )
    return document


def client_ip(request: Request) -> str | None:
    """The address the request came from (as the server saw it)."""
    return request.client.host if request.client else None


def record(
    request: Request,
    session: Session,
    *,
    user: str,
    action: str,
    target: str = "",
    details: dict[str, Any] | None = None,
) -> None:
    """Append an audit event for this request."""
    audit.record(
        session, user=user, action=action, target=target, details=details, ip=client_ip(request)
    )


def nav_counts(request: Request, nav: list[NavItem], user: UserPublic | None) -> dict[str, int]:
    """The counts shown beside navigation entries for `user`, by path."""
    counted = [item for item in nav if item.count is not None]
    if not counted or user is None:
        return {}
    with session_for(request.app.state.engine) as session:
        return {item.path: item.count(session, user) for item in counted if item.count is not None}


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> Response:
    """Render template `name` with the user, navigation and CSRF token every page needs."""
    from web.security import csrf_token

    user = getattr(request.state, "user", None)
    nav = [item for item in request.app.state.nav if user is not None and user.has_role(item.role)]
    values = {
        "user": user,
        "nav": nav,
        "nav_counts": nav_counts(request, nav, user),
        "csrf_token": csrf_token(request),
        **(context or {}),
    }
    return request.app.state.templates.TemplateResponse(
        request, name, values, status_code=status_code
    )
