"""Web workers share keep-alive clients evenly: each keeps its number of open connections in a
shared file and takes its fair share of those held and waiting (``worker_slots.py``,
``loop.py``). Real processes, a real listening socket, real client connections."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import socket
import struct
import sys
import time
from pathlib import Path

import pytest

from mpdesk.entrypoints.web import worker_slots
from mpdesk.entrypoints.web.loop import WorkerEventLoop
from mpdesk.entrypoints.web.worker_slots import WorkerSlots, waiting_connections

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="TCP_INFO and fork: Linux only")


def slot_table(path: Path) -> list[tuple[int, int]]:
    raw = path.read_bytes()
    rows = [struct.unpack_from("<qq", raw, i * 16) for i in range(worker_slots.SLOTS)]
    return [(pid, count) for pid, count in rows if pid]


def test_slots_are_claimed_published_and_freed(tmp_path: Path) -> None:
    path = tmp_path / "workers"
    gone = multiprocessing.get_context("fork").Process(target=WorkerSlots, args=(path,))
    gone.start()
    gone.join()  # claimed a slot, then exited without releasing it
    assert len(slot_table(path)) == 1
    mine = WorkerSlots(path)  # the dead worker's slot is reused
    assert mine.index == 0 and slot_table(path) == [(os.getpid(), 0)]
    mine.publish(+3)
    mine.publish(-1)
    assert slot_table(path) == [(os.getpid(), 2)] and mine.siblings() == []
    mine.release()
    assert slot_table(path) == []


def test_the_accept_queue_length_is_read_from_the_listening_socket() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(50)
        assert waiting_connections(listener) == 0
        clients = [socket.create_connection(listener.getsockname()) for _ in range(3)]
        time.sleep(0.05)
        assert waiting_connections(listener) == 3
        listener.accept()[0].close()
        assert waiting_connections(listener) == 2
        for client in clients:
            client.close()


class Busy(asyncio.Protocol):
    """Answers every line after 3 ms of blocking work, as a request handler would."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        time.sleep(0.003)
        self.transport.write(data)  # type: ignore[attr-defined]


def serve(listener: socket.socket, slots: Path | None, seconds: float) -> None:
    if slots is not None:
        os.environ[worker_slots.ENV] = str(slots)
    else:
        os.environ.pop(worker_slots.ENV, None)
    loop = WorkerEventLoop()
    server = loop.run_until_complete(loop.create_server(Busy, sock=listener))
    loop.run_until_complete(asyncio.sleep(seconds))
    server.close()
    loop.close()


def test_keep_alive_clients_are_spread_evenly_over_the_workers(tmp_path: Path) -> None:
    path = tmp_path / "workers"
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    fork = multiprocessing.get_context("fork")
    workers = [fork.Process(target=serve, args=(listener, path, 6)) for _ in range(2)]
    for worker in workers:
        worker.start()
    try:
        time.sleep(0.5)
        splits = []
        for _ in range(3):  # a burst of 40 clients, each busy at once, three times over
            clients = [socket.create_connection(listener.getsockname()) for _ in range(40)]
            for client in clients:
                client.sendall(b"ping\n")
            for client in clients:
                assert client.recv(16) == b"ping\n"
            splits.append(sorted(count for _, count in slot_table(path)))
            for client in clients:
                client.close()
            time.sleep(0.3)
            assert sum(count for _, count in slot_table(path)) == 0  # all closed, all counted
        assert all(len(split) == 2 and split[1] - split[0] <= 2 for split in splits), splits
    finally:
        for worker in workers:
            worker.join(timeout=10)
        listener.close()
    assert all(worker.exitcode == 0 for worker in workers)
    assert slot_table(path) == []  # released on close
