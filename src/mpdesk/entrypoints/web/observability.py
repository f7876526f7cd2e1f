"""Request id, latency metric and the request log line (pure ASGI, the outermost layer).

Each request gets an id (the caller's ``X-Request-ID`` when it is a short token, else a new
one), echoed in the response; its latency is observed under the route's template (``/tickets/
{ticket_id}``, never the raw path) and, with ``MPDESK_LOG_FORMAT=json``, one line is logged
with request id, method, route, status, duration, shop and user — no query strings, no bodies,
no cookies.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mpdesk.services.ports.metrics import Metrics

log = logging.getLogger("mpdesk.web.request")
_GOOD_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            candidate = bytes(value).decode("latin-1")
            if _GOOD_ID.fullmatch(candidate):
                return candidate
    return uuid.uuid4().hex


def route_of(scope: Scope) -> str:
    """The template of the route that answered; one label for everything unmatched."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    if scope.get("root_path", "").endswith("/static") or scope.get("path", "").startswith(
        "/static/"
    ):
        return "/static"
    return "unmatched"


def _who(scope: Scope) -> tuple[int | None, int | None]:
    """User and shop of the request, where the request resolved them."""
    state: dict[str, Any] = scope.get("state") or {}
    principal = state.get("principal")
    visitor = state.get("visitor")
    if principal is None and visitor is not None:
        principal = visitor.principal
    user_id = getattr(principal, "user_id", None)
    shop_id: int | None = None
    params = scope.get("path_params") or {}
    raw = params.get("shop_id")
    if raw is None:
        for part in scope.get("query_string", b"").decode("latin-1").split("&"):
            key, _, value = part.partition("=")
            if key in ("shop_id", "shop") and value.isascii() and value.isdigit():
                raw = value
    if raw is not None and str(raw).isascii() and str(raw).isdigit():  # not «²»
        shop_id = int(raw)
    elif principal is not None and not principal.is_admin and len(principal.roles) == 1:
        shop_id = next(iter(principal.roles))
    return user_id, shop_id


class ObservabilityMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode("ascii")),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            route = route_of(scope)
            method = scope.get("method", "GET")
            self.metrics.request_observed(method, route, status, seconds)
            user_id, shop_id = _who(scope)
            log.info(
                "%s %s %s",
                method,
                route,
                status,
                extra={
                    "request_id": request_id,
                    "method": method,
                    "route": route,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 1),
                    "shop_id": shop_id,
                    "user_id": user_id,
                },
            )
