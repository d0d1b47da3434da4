"""The investigators' workbench: a server-rendered FastAPI app over Pantau's database.

Each area (sign-in, search, documents, runs, administration) is one router module in
`web/routes` with its own templates and navigation entries; `AREAS` lists them. Every
POST carries a CSRF token; pages need a signed-in user with the area's role.

To add an area: write `web/routes/<area>.py` with `router = APIRouter()` and
`NAV = (deps.NavItem(label, path, role),)`; take the user as `deps.Investigator`
(or `Analyst`, `Admin`) and the database as `deps.DbSession`; render with
`deps.render(request, "<area>.html", context)` from a template that extends
`base.html`; call `deps.record(...)` for whatever must be audited; put every form's
`csrf_token` in a hidden field; then add the module to `AREAS`.
"""

from __future__ import annotations

from types import ModuleType

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import Response

from models.i18n import _
from models.tables import utc_now
from storage import users
from storage.engine import get_engine
from storage.migrate import upgrade
from web import charts, deps
from web.routes import (
    admin,
    auth,
    batch,
    corrections,
    documents,
    exports,
    review,
    runs,
    search,
    subjects,
    watchlists,
    xref,
)
from web.security import SecurityHeaders, check_secret, verify_csrf

AREAS: tuple[ModuleType, ...] = (
    auth,
    search,
    batch,
    xref,
    documents,
    corrections,
    subjects,
    watchlists,
    review,
    exports,
    runs,
    admin,
)
STATIC_DIR = deps.TEMPLATES_DIR.with_name("static")
SESSION_COOKIE = "pantau_session"


def create_app(settings: deps.WebSettings) -> FastAPI:
    """Build the workbench for `settings`; refuses a weak secret, migrates the database,
    and sizes the process's password gate."""
    check_secret(settings.secret_key)
    engine = get_engine(settings.resolved_database_url)
    upgrade(engine)
    users.configure_password_gate(
        slots=settings.password_slots, wait_seconds=settings.password_wait_seconds
    )
    app = FastAPI(
        title="Pantau workbench",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(verify_csrf)],
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.clock = utc_now  # the time sessions and sign-in locks are measured by
    app.state.templates = deps.make_templates()
    app.state.templates.env.globals.update(charts.TEMPLATE_GLOBALS)  # the dossier's charts
    app.state.nav = [item for area in AREAS for item in getattr(area, "NAV", ())]
    for area in AREAS:
        app.include_router(area.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    add_middleware(app, settings)
    add_error_pages(app)
    return app


def add_middleware(app: FastAPI, settings: deps.WebSettings) -> None:
    """Signed session cookie (HttpOnly, SameSite=Lax, Secure behind TLS) and headers.

    The cookie holds only the session token and the CSRF token; whether the session is
    still open is decided by its `web_session` row on every request.
    """
    app.add_middleware(deps.LanguageMiddleware, settings=settings)  # inside the session
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=round(settings.session_hours * 3600),
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    app.add_middleware(SecurityHeaders)


def add_error_pages(app: FastAPI) -> None:
    """Errors become rendered pages; an anonymous visitor is sent to sign in."""

    @app.exception_handler(deps.LoginRequired)
    async def login_redirect(request: Request, error: deps.LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={error.next_path}", status_code=303)

    @app.exception_handler(deps.PasswordChangeRequired)
    async def password_redirect(request: Request, error: deps.PasswordChangeRequired) -> Response:
        return RedirectResponse(deps.PASSWORD_PAGE, status_code=303)

    @app.exception_handler(StarletteHTTPException)  # FastAPI's, and unknown addresses
    async def error_page(request: Request, error: StarletteHTTPException) -> Response:
        return render_error(request, error.status_code, str(error.detail))

    @app.exception_handler(RequestValidationError)
    async def bad_request_page(request: Request, error: RequestValidationError) -> Response:
        message = _("The address or form holds a value that is not valid.")
        return render_error(request, 400, message)


def render_error(request: Request, status_code: int, message: str) -> Response:
    """The error page for `status_code` with a message a person can act on."""
    titles = {
        403: _("Not allowed"),
        404: _("Not found"),
        400: _("Bad request"),
        429: _("Too many attempts"),
        503: _("Busy"),
    }
    if status_code == 404 and message == "Not Found":
        message = _("There is no page at this address.")
    return deps.render(
        request,
        "error.html",
        {"title": titles.get(status_code, _("Error")), "message": message, "status": status_code},
        status_code=status_code,
    )
