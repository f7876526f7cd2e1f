"""Who is asking, and may they: session cookies, bearer tokens, CSRF tokens, security headers.

- Pages: an HttpOnly, SameSite=Lax session cookie (``Secure`` over HTTPS or with
  ``MPDESK_HTTPS_ONLY``); every unsafe request carries the session's CSRF token (form field
  ``csrf_token`` or header ``X-CSRF-Token``). Forms shown before sign-in use a token signed with
  the app secret over a random pre-session cookie.
- API: ``Authorization: Bearer mpd_…`` only (no cookies, so no CSRF surface).
- Every response: a strict Content-Security-Policy and the usual hardening headers.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from starlette.datastructures import FormData
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mpdesk.domain.accounts import Principal, WebSession
from mpdesk.domain.errors import AuthRequiredError, MpdeskError
from mpdesk.services import accounts
from mpdesk.services.accounts import WebContext

SESSION_COOKIE = "mpdesk_session"
PRE_COOKIE = "mpdesk_pre"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
#: attachments are never rendered as documents of this origin
ATTACHMENT_CSP = "default-src 'none'; img-src 'self'; sandbox"


class CsrfError(MpdeskError):
    code = "csrf_failed"


class LoginRedirect(Exception):
    """A page needs a signed-in person: send them to /login (handled in errors.py)."""


@dataclass(frozen=True)
class Visitor:
    principal: Principal
    session: WebSession


def wctx_of(request: Request) -> WebContext:
    wctx: WebContext = request.app.state.wctx
    return wctx


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def is_https(request: Request) -> bool:
    return request.url.scheme == "https" or bool(request.app.state.https_only)


# --- pages: session cookie ---------------------------------------------------------------


def current_visitor(request: Request) -> Visitor | None:
    if hasattr(request.state, "visitor"):
        cached: Visitor | None = request.state.visitor
        return cached
    token = request.cookies.get(SESSION_COOKIE, "")
    found = accounts.session_principal(wctx_of(request), token) if token else None
    visitor = Visitor(*found) if found else None
    request.state.visitor = visitor
    return visitor


def require_visitor(request: Request) -> Visitor:
    visitor = current_visitor(request)
    if visitor is None:
        raise LoginRedirect()
    return visitor


def require_admin(request: Request) -> Visitor:
    from mpdesk.domain.errors import ForbiddenError

    visitor = require_visitor(request)
    if not visitor.principal.is_admin:
        raise ForbiddenError()
    return visitor


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=wctx_of(request).policy.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=is_https(request),
        path="/",
    )


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=is_https(request)
    )


# --- CSRF --------------------------------------------------------------------------------


def _pre_token(request: Request, seed: str) -> str:
    return hmac.new(wctx_of(request).secret, f"csrf:{seed}".encode(), hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    """The token to put in forms of this page (creates the pre-session seed when needed)."""
    visitor = current_visitor(request)
    if visitor is not None:
        return visitor.session.csrf
    seed = request.cookies.get(PRE_COOKIE) or getattr(request.state, "pre_seed", None)
    if not seed:
        seed = secrets.token_urlsafe(24)
        request.state.pre_seed = seed
    return _pre_token(request, seed)


def remember_pre_seed(request: Request, response: Response) -> None:
    seed = getattr(request.state, "pre_seed", None)
    if seed:
        response.set_cookie(
            PRE_COOKIE, seed, httponly=True, samesite="lax", secure=is_https(request), path="/"
        )


async def read_form(request: Request) -> FormData:
    """The submitted form, parsed on the event loop (uploads stream into spooled files); the
    handlers and dependencies that read it are plain ``def`` and run in the threadpool."""
    if request.method in SAFE_METHODS:
        return FormData()
    return await request.form()


FormDep = Annotated[FormData, Depends(read_form)]


def verify_csrf(request: Request, form: FormDep) -> None:
    """Router dependency of the pages: unsafe methods need the right CSRF token."""
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent:
        value = form.get(CSRF_FIELD, "")
        sent = value if isinstance(value, str) else ""
    visitor = current_visitor(request)
    if visitor is not None:
        expected = visitor.session.csrf
    else:
        seed = request.cookies.get(PRE_COOKIE, "")
        expected = _pre_token(request, seed) if seed else ""
    if not expected or not sent or not hmac.compare_digest(sent, expected):
        raise CsrfError()


# --- API: bearer tokens ------------------------------------------------------------------


def api_principal(request: Request) -> Principal:
    """Dependency of every API route (plain ``def``: the look-up runs in the threadpool)."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    header = request.headers.get("authorization", "")
    scheme, _, secret = header.partition(" ")
    principal = None
    if scheme.lower() == "bearer" and secret.strip():
        principal = accounts.token_principal(wctx_of(request), secret.strip())
    if principal is None:
        raise AuthRequiredError()
    request.state.principal = principal
    return principal


def is_signed_in(request: Request) -> bool:
    """Before a body is read (``body_limit.py``): the API's bearer token or the page's
    session; what is found stays on the request for the route."""
    if request.url.path.startswith("/api/"):
        try:
            api_principal(request)
        except AuthRequiredError:
            return False
        return True
    return current_visitor(request) is not None


# --- headers -----------------------------------------------------------------------------


class SecurityHeadersMiddleware:
    """Pure ASGI middleware: hardening headers on every response."""

    def __init__(
        self,
        app: ASGIApp,
        https_only: bool = False,
    ) -> None:
        self.app = app
        self.https_only = https_only

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[Any] = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                extra = [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"same-origin"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
                ]
                if self.https_only:
                    extra.append((b"strict-transport-security", b"max-age=31536000"))
                headers += [(k, v) for k, v in extra if k not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
