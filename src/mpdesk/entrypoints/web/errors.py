"""The one error translator of the web surface.

API paths (``/api/…``) answer with the envelope ``{"ok": false, "code", "message", "fields"}``
(message in Russian from ``messages.ru.yaml``); pages render ``error.html`` (or the
``_error.html`` fragment for HTMX requests) with the same status code.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Match

from mpdesk.domain.errors import (
    AuthRequiredError,
    ConcurrentEditError,
    ForbiddenError,
    InvalidTransitionError,
    MailError,
    MpdeskError,
    NotFoundError,
    PdfUnavailableError,
    StateConflictError,
    StorageError,
    TooManyAttemptsError,
    UnconfirmedSendError,
    UserInputError,
)
from mpdesk.entrypoints.web.rendering import is_htmx, render
from mpdesk.entrypoints.web.security import CsrfError, LoginRedirect
from mpdesk.services.context import render_message

log = logging.getLogger("mpdesk.web")


def status_for(exc: MpdeskError) -> int:
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, AuthRequiredError):
        return 401
    if isinstance(exc, ForbiddenError | CsrfError):
        return 403
    if isinstance(exc, TooManyAttemptsError):
        return 429
    if isinstance(
        exc,
        ConcurrentEditError | InvalidTransitionError | StateConflictError | UnconfirmedSendError,
    ):
        return 409
    if isinstance(exc, UserInputError):
        return 422
    if isinstance(exc, StorageError | PdfUnavailableError):
        return 503
    if isinstance(exc, MailError):
        return 502
    return 500


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def message_for(request: Request, code: str, fields: dict[str, Any]) -> str:
    messages = request.app.state.wctx.ctx.kb.messages
    if code not in messages:
        return render_message(messages, "unknown_error_code", {"code": code})
    return render_message(messages, code, fields)


def envelope(code: str, message: str, fields: dict[str, Any]) -> dict[str, Any]:
    return {"ok": False, "code": code, "message": message, "fields": jsonable_encoder(fields)}


def error_response(
    request: Request, status: int, code: str, fields: dict[str, Any] | None = None
) -> Response:
    fields = fields or {}
    text = message_for(request, code, fields)
    headers = {}
    if status == 401 and is_api(request):
        headers["www-authenticate"] = "Bearer"
    if "retry_after" in fields:
        headers["retry-after"] = str(fields["retry_after"])
    if is_api(request):
        return JSONResponse(envelope(code, text, fields), status_code=status, headers=headers)
    name = "_error.html" if is_htmx(request) else "error.html"
    response = render(
        request, name, {"code": code, "message": text, "status": status}, status_code=status
    )
    response.headers.update(headers)
    if is_htmx(request):
        # show the error where the person looks, whatever the element asked to swap
        response.headers["hx-retarget"] = "#flash"
        response.headers["hx-reswap"] = "innerHTML"
    return response


def plain_refusal(messages: dict[str, str], fields: dict[str, dict[str, Any]]) -> Any:
    """The answers the middleware gives before the app runs (``body_limit.py``): the API
    envelope or a bare page, in Russian; ``fields`` are the placeholders of each code."""

    def render(path: str, code: str) -> tuple[bytes, bytes]:
        text = render_message(messages, code, fields.get(code, {}))
        if path.startswith("/api/"):
            body = envelope(code, text, fields.get(code, {}))
            return b"application/json", json.dumps(body, ensure_ascii=False).encode()
        page = f"<!doctype html><meta charset=utf-8><title>mpdesk</title><p>{text}</p>"
        return b"text/html; charset=utf-8", page.encode()

    return render


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (RFC 9110 §15.5.6: a 405 lists them all in
    ``Allow``; Starlette names only the first matching route's, and a path may have several)."""
    return [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL
            for route in request.app.router.routes
        )
    ]


_METHODS = ("DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")


def install_error_handlers(api: FastAPI) -> None:
    @api.exception_handler(MpdeskError)
    def _mpdesk_error(request: Request, exc: MpdeskError) -> Response:
        status = status_for(exc)
        if status == 500:
            log.error("unexpected error code %s", exc.code, exc_info=exc)
        return error_response(request, status, exc.code, exc.fields)

    @api.exception_handler(LoginRedirect)
    def _login(request: Request, exc: LoginRedirect) -> Response:
        target = "/login?next=" + quote(
            request.url.path + (f"?{request.url.query}" if request.url.query else "")
        )
        if is_htmx(request):
            return Response(status_code=204, headers={"hx-redirect": target})
        return RedirectResponse(target, status_code=303)

    @api.exception_handler(RequestValidationError)
    def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))}
            for e in exc.errors()
        ]
        first = errors[0] if errors else {"loc": [], "msg": ""}
        problem = f"{'.'.join(first['loc'][1:]) or first['loc']}: {first['msg']}"
        return error_response(
            request, 422, "validation_error", {"problem": problem, "errors": errors}
        )

    @api.exception_handler(StarletteHTTPException)
    def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = {
            404: "page_not_found",
            405: "method_not_allowed",
            401: "auth_required",
            403: "forbidden",
        }.get(exc.status_code, "invalid_input")
        response = error_response(request, exc.status_code, code)
        if exc.headers:
            response.headers.update(exc.headers)
        if exc.status_code == 405:
            response.headers["allow"] = ", ".join(allowed_methods(request))
        return response

    @api.exception_handler(ClientDisconnect)
    def _gone(request: Request, exc: ClientDisconnect) -> Response:
        # the client left, or the body limit stopped reading (its 413 is already sent)
        return Response(status_code=400)

    @api.exception_handler(Exception)
    def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(request, 500, "internal_error")
