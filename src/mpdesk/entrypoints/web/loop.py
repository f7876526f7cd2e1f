"""The event loop of a web worker: ``uvicorn --loop mpdesk.entrypoints.web.loop:WorkerEventLoop``
(``mpdesk serve`` uses it).

It is asyncio's own selector loop with one change: how many waiting connections a worker takes
when the listening socket is readable. asyncio takes every waiting connection at once, so with
several workers sharing one listening socket the first one awake often took them all: under
``wrk -c50`` one worker held all 50 connections in 3 runs of 10 while the other idled, halving
the throughput. Here a worker takes at most ``ACCEPT_QUICK`` per turn while its loop comes
back to the socket quickly (it is idle, and so probably is its sibling: the rest is left to
the others), and up to ``ACCEPT_SLOW`` on the first turn after a pause or a long turn (busy with
requests), so that a burst of new connections is not left waiting a dozen long turns while its
sibling, just as busy, takes its own share.

Why not uvloop: under the same load it left some connections waiting for a second or more
(the journal's p99 1.1-1.2 s against 0.25-0.29 s with asyncio's loop).
"""

from __future__ import annotations

import asyncio
from typing import Any

ACCEPT_QUICK = 2
ACCEPT_SLOW = 8
#: back at the listening socket within this time: a quick turn
QUICK_TURN_SECONDS = 0.02


class WorkerEventLoop(asyncio.SelectorEventLoop):
    _last_accept_turn = float("-inf")

    def _accept_connection(
        self,
        protocol_factory: Any,
        sock: Any,
        sslcontext: Any = None,
        server: Any = None,
        backlog: int = 100,
        *rest: Any,
    ) -> None:
        # asyncio calls this once per turn while the listening socket is readable and accepts
        # up to ``backlog`` connections in a row (``listen()`` keeps the full backlog)
        now = self.time()
        quick = now - self._last_accept_turn <= QUICK_TURN_SECONDS
        self._last_accept_turn = now
        take = ACCEPT_QUICK if quick else ACCEPT_SLOW
        super()._accept_connection(  # type: ignore[misc]
            protocol_factory, sock, sslcontext, server, min(backlog, take), *rest
        )
