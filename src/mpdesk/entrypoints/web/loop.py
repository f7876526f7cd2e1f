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

When several clients wait at once (Linux) a worker instead takes its fair share of all the
clients, held and waiting, counted by the kernel (``worker_share.py``: established connections
per worker in ``/proc``, the accept queue from ``TCP_INFO``): holding its share, it leaves the
rest to its siblings, looking again every ``DEFER_SECONDS`` and taking one itself after
``MAX_DEFER_SECONDS`` (the siblings busy). Keep-alive clients split 14/36 between two workers
made each client of the busier one wait for 36 requests in turn instead of 25 (p99 +40 %). The
kernel's count matters: a busy worker's own bookkeeping still holds clients that already left.

Why not uvloop: under the same load it left some connections waiting for a second or more
(the journal's p99 1.1-1.2 s against 0.25-0.29 s with asyncio's loop).
"""

from __future__ import annotations

import asyncio
from typing import Any

from mpdesk.entrypoints.web import worker_share

ACCEPT_QUICK = 2
ACCEPT_SLOW = 8
#: back at the listening socket within this time: a quick turn
QUICK_TURN_SECONDS = 0.02
#: this many clients waiting at once: share them out by the kernel's count
BATCH = 2
#: a worker holding its share of the clients looks again after this long
DEFER_SECONDS = 0.002
#: and takes a waiting client itself after this long (its siblings busy)
MAX_DEFER_SECONDS = 0.05


class WorkerEventLoop(asyncio.SelectorEventLoop):
    _last_accept_turn = float("-inf")
    _deferred_since: float | None = None

    def _fair_share(self, sock: Any) -> int | None:
        """How many waiting clients this worker should take now, when several wait and it
        has siblings (None: use the turn rule)."""
        waiting = worker_share.waiting_connections(sock)
        if waiting is None or waiting < BATCH:
            return None
        counts = worker_share.live_connections(sock.getsockname()[1])
        if counts is None or not counts[1]:
            return None
        mine, siblings = counts
        workers = len(siblings) + 1
        total = mine + sum(siblings) + waiting
        # its share of all clients, and no more than its share of those waiting
        return min(-(-total // workers) - mine, -(-waiting // workers))

    def _resume_serving(
        self, protocol_factory: Any, sock: Any, sslcontext: Any, server: Any, *rest: Any
    ) -> None:
        if sock.fileno() == -1 or (server is not None and not server.is_serving()):
            return  # closed meanwhile
        self._start_serving(protocol_factory, sock, sslcontext, server, *rest)  # type: ignore[attr-defined]

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
        share = self._fair_share(sock)
        if share is not None:
            if share <= 0:
                now = self.time()
                if self._deferred_since is None:
                    self._deferred_since = now
                if now - self._deferred_since < MAX_DEFER_SECONDS:  # leave them to a sibling
                    self._remove_reader(sock.fileno())  # type: ignore[attr-defined]
                    self.call_later(
                        DEFER_SECONDS,
                        self._resume_serving,
                        protocol_factory,
                        sock,
                        sslcontext,
                        server,
                        backlog,
                        *rest,
                    )
                    return
                share = 1
            self._deferred_since = None
            super()._accept_connection(  # type: ignore[misc]
                protocol_factory, sock, sslcontext, server, min(backlog, share), *rest
            )
            return
        self._deferred_since = None
        now = self.time()
        quick = now - self._last_accept_turn <= QUICK_TURN_SECONDS
        self._last_accept_turn = now
        take = ACCEPT_QUICK if quick else ACCEPT_SLOW
        super()._accept_connection(  # type: ignore[misc]
            protocol_factory, sock, sslcontext, server, min(backlog, take), *rest
        )
