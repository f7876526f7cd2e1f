"""A synchronous test client of an ASGI app: httpx's ``ASGITransport`` on one event loop per
test process, run by a daemon thread behind an ``anyio`` blocking portal.

Starlette's ``TestClient`` (not used as a context manager) starts a new event loop in a new
thread for every request and hands every ASGI message between the threads; here a request is
one hand-over to the loop, about a quarter of the CPU per request. As with that client, no
lifespan runs and an exception the app raises is raised in the test."""

from __future__ import annotations

import queue
import threading
from functools import partial, partialmethod
from typing import Any

import anyio
import httpx
from anyio.from_thread import BlockingPortal

_PORTAL: list[BlockingPortal] = []
_STARTING = threading.Lock()


def _serve(ready: queue.Queue[BlockingPortal]) -> None:
    async def serve() -> None:
        async with BlockingPortal() as portal:
            ready.put(portal)
            await portal.sleep_until_stopped()

    anyio.run(serve)


def _portal() -> BlockingPortal:
    """The loop of this test process (a daemon thread: it ends with the process)."""
    with _STARTING:
        if not _PORTAL:
            ready: queue.Queue[BlockingPortal] = queue.Queue()
            thread = threading.Thread(target=_serve, args=(ready,), name="asgi-tests", daemon=True)
            thread.start()
            _PORTAL.append(ready.get())
        return _PORTAL[0]


class AsgiClient:
    """``httpx.Client``'s request methods, cookies and headers over an ASGI app."""

    def __init__(
        self, app: Any, base_url: str = "http://testserver", follow_redirects: bool = False
    ) -> None:
        self._client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url=base_url,
            follow_redirects=follow_redirects,
        )

    @property
    def headers(self) -> httpx.Headers:
        return self._client.headers

    @property
    def cookies(self) -> httpx.Cookies:
        return self._client.cookies

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return _portal().call(partial(self._client.request, method, url, **kwargs))

    get = partialmethod(request, "GET")
    post = partialmethod(request, "POST")
    put = partialmethod(request, "PUT")
    patch = partialmethod(request, "PATCH")
    delete = partialmethod(request, "DELETE")
    options = partialmethod(request, "OPTIONS")
    head = partialmethod(request, "HEAD")

    def close(self) -> None:
        _portal().call(self._client.aclose)

    def __enter__(self) -> AsgiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
