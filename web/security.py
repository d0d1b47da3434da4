"""Web security pieces: the secret check, CSRF tokens, and the response headers.

The session cookie is signed with PANTAU_SECRET_KEY (Starlette's SessionMiddleware,
itsdangerous); a form POST must carry the session's CSRF token in a hidden field.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable

from fastapi import HTTPException, Request
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import Response

from models.errors import ConfigError
from models.i18n import _

MIN_SECRET_LENGTH = 32
# Values that appear in examples and templates: anyone could sign cookies with them.
KNOWN_SECRETS = frozenset(
    {
        "changeme",
        "change-me",
        "secret",
        "secret-key",
        "your-secret-key",
        "please-change-me",
        "pantau",
        "pantau-secret",
        "pantau-secret-key",
        "development",
        "dev",
        "test",
        "insecure",
        "changethis",
        "x" * MIN_SECRET_LENGTH,
        "0" * MIN_SECRET_LENGTH,
        "replace-with-32-or-more-random-characters",
    }
)
CSRF_FIELD = "csrf_token"
CSRF_SESSION_KEY = "csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
GENERATE_HINT = "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"


def check_secret(secret: str) -> None:
    """Refuse a missing, short or well-known session secret with a fix-it message."""
    if not secret:
        problem = _("PANTAU_SECRET_KEY is not set")
    elif secret.strip().lower() in KNOWN_SECRETS or len(set(secret)) < 8:
        problem = _("PANTAU_SECRET_KEY is a well-known example value")
    elif len(secret) < MIN_SECRET_LENGTH:
        problem = _("PANTAU_SECRET_KEY is only {length} characters long").format(length=len(secret))
    else:
        return
    raise ConfigError(
        _(
            "{problem}; the workbench signs its sessions with it. Set it to {length} or more "
            "random characters, e.g. {command}"
        ).format(
            problem=problem,
            length=MIN_SECRET_LENGTH,
            command=f"export PANTAU_SECRET_KEY=$({GENERATE_HINT})",
        )
    )


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get(CSRF_SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_SESSION_KEY] = token
    return str(token)


async def verify_csrf(request: Request) -> None:
    """Reject (403) any state-changing request whose form lacks the session's token."""
    if request.method in SAFE_METHODS:
        return
    expected = request.session.get(CSRF_SESSION_KEY)
    form = await request.form()  # cached by Starlette: the route can read it again
    sent = form.get(CSRF_FIELD)
    if not expected or not isinstance(sent, str) or not hmac.compare_digest(sent, expected):
        raise HTTPException(
            status_code=403,
            detail=_(
                "The form has expired or did not come from this site. Reload the page "
                "and submit it again."
            ),
        )


class SecurityHeaders(BaseHTTPMiddleware):
    """Add CSP, frame and sniffing protections to every response."""

    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.url.path.startswith("/static/") is False:
            response.headers.setdefault("Cache-Control", "no-store")
        return response
