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

With several workers (``mpdesk serve --workers N`` sets ``MPDESK_WEB_SLOTS``) the workers also
tell each other how many connections each holds (``worker_slots.py``), and on Linux that
replaces the rule above: a worker takes its fair share of all connections, those the workers
hold and those waiting in the accept queue (``TCP_INFO``), at once; holding its share, it
leaves new ones to its siblings, looking again every ``DEFER_SECONDS`` and taking one itself
after ``MAX_DEFER_SECONDS`` (the siblings busy with long requests). Keep-alive clients are then
spread evenly: split 20/30, the busier worker answered each of its clients 1.5 times slower
than the other, all of it in p90 and p99.

Why not uvloop: under the same load it left some connections waiting for a second or more
(the journal's p99 1.1-1.2 s against 0.25-0.29 s with asyncio's loop).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from mpdesk.entrypoints.web import worker_slots
from mpdesk.entrypoints.web.worker_slots import WorkerSlots

ACCEPT_QUICK = 2
ACCEPT_SLOW = 8
#: back at the listening socket within this time: a quick turn
QUICK_TURN_SECONDS = 0.02
#: a worker holding its share of the connections looks again after this long
DEFER_SECONDS = 0.002
#: and takes a waiting connection itself after this long (its siblings busy)
MAX_DEFER_SECONDS = 0.05


class WorkerEventLoop(asyncio.SelectorEventLoop):
    _last_accept_turn = float("-inf")
    _slots: WorkerSlots | None = None
    _slots_checked = False
    _deferred_since: float | None = None

    def _start_serving(self, protocol_factory: Any, sock: Any, *args: Any) -> None:
        if not self._slots_checked:  # a serving process (not uvicorn's supervisor)
            self._slots_checked = True
            self._slots = worker_slots.from_environment()
        super()._start_serving(protocol_factory, sock, *args)  # type: ignore[misc]

    def _resume_serving(
        self, protocol_factory: Any, sock: Any, sslcontext: Any, server: Any, *rest: Any
    ) -> None:
        if sock.fileno() == -1 or (server is not None and not server.is_serving()):
            return  # closed meanwhile
        self._start_serving(protocol_factory, sock, sslcontext, server, *rest)

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
        slots = self._slots
        siblings = slots.siblings() if slots is not None else []
        waiting = worker_slots.waiting_connections(sock) if siblings else None
        if slots is None or waiting is None:
            now = self.time()
            quick = now - self._last_accept_turn <= QUICK_TURN_SECONDS
            self._last_accept_turn = now
            take = ACCEPT_QUICK if quick else ACCEPT_SLOW
            if slots is not None:
                protocol_factory = _counted(protocol_factory, slots)
            super()._accept_connection(  # type: ignore[misc]
                protocol_factory, sock, sslcontext, server, min(backlog, take), *rest
            )
            return
        # this worker's fair share of every connection, held or waiting
        total = slots.open + sum(siblings) + waiting
        allowance = -(-total // (len(siblings) + 1)) - slots.open
        if allowance <= 0:
            now = self.time()
            if self._deferred_since is None:
                self._deferred_since = now
            if now - self._deferred_since < MAX_DEFER_SECONDS:  # leave it to a sibling
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
            allowance = 1
        self._deferred_since = None
        # the connections taken now are counted as their protocols are made, which asyncio
        # does before its next look at the listening socket
        super()._accept_connection(  # type: ignore[misc]
            _counted(protocol_factory, slots),
            sock,
            sslcontext,
            server,
            min(backlog, allowance),
            *rest,
        )

    def close(self) -> None:
        if self._slots is not None:
            self._slots.release()
            self._slots = None
        super().close()


def _counted(protocol_factory: Callable[[], Any], slots: WorkerSlots) -> Callable[[], Any]:
    """The protocol factory, keeping this worker's count of open connections."""

    def make() -> Any:
        protocol = protocol_factory()
        slots.publish(+1)
        lost = protocol.connection_lost

        def connection_lost(exc: BaseException | None) -> None:
            slots.publish(-1)
            lost(exc)

        protocol.connection_lost = connection_lost
        return protocol

    return make
