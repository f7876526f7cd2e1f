"""Who sends a body, and how much of it is read: a pure ASGI middleware in front of the app.

Before a byte of an unsafe request's body is read, the session cookie or the bearer token is
looked up (in the threadpool; the result is kept on the request, so the route does not look
it up again):

- ``/api/…`` without a valid token is answered 401 at once, the body unread;
- a page request without a session (the sign-in form, for instance) may send at most
  ``anonymous_max_body`` bytes;
- everyone else at most ``max_body`` bytes.

The bytes are counted as they arrive, whatever ``Content-Length`` says (chunked bodies have
none): past the limit the request is answered 413 and the app sees the client as gone, so
neither the form parser nor a spooled temporary file ever holds more than the limit. The
answer carries ``Connection: close``; the server then drops the rest of the body.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

#: ``(path, code) -> (content type, body)``: the Russian refusal of this surface
Refusal = Callable[[str, str], tuple[bytes, bytes]]
#: ``request -> signed in?`` (blocking: runs in the threadpool)
Identify = Callable[[Request], bool]


class BodyLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        identify: Identify,
        refusal: Refusal,
        max_body: int,
        anonymous_max_body: int,
    ) -> None:
        self.app = app
        self.identify = identify
        self.refusal = refusal
        self.max_body = max_body
        self.anonymous_max_body = anonymous_max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        signed_in = await run_in_threadpool(self.identify, Request(scope))
        if not signed_in and path.startswith("/api/"):
            bearer = [(b"www-authenticate", b"Bearer")]
            await self._refuse(send, 401, path, "auth_required", bearer)
            return
        limit = self.max_body if signed_in else self.anonymous_max_body
        declared = dict(scope.get("headers", [])).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await self._refuse_too_large(send, path, limit)
            return
        await self._counted(scope, receive, send, path, limit)

    async def _counted(
        self, scope: Scope, receive: Receive, send: Send, path: str, limit: int
    ) -> None:
        state = {"received": 0, "refused": False, "started": False}

        async def counting_receive() -> Message:
            if state["refused"]:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                if state["received"] > limit:
                    state["refused"] = True
                    if not state["started"]:
                        state["started"] = True
                        await self._refuse_too_large(send, path, limit)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if state["refused"]:
                return  # the 413 is already on its way; the app's own answer is dropped
            if message["type"] == "http.response.start":
                state["started"] = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not state["refused"]:
                raise

    async def _refuse_too_large(self, send: Send, path: str, limit: int) -> None:
        code = "request_too_large" if limit == self.max_body else "request_too_large_anonymous"
        await self._refuse(send, 413, path, code)

    async def _refuse(
        self,
        send: Send,
        status: int,
        path: str,
        code: str,
        extra: list[tuple[bytes, bytes]] | None = None,
    ) -> None:
        content_type, body = self.refusal(path, code)
        headers = [
            (b"content-type", content_type),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
            *(extra or []),
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
