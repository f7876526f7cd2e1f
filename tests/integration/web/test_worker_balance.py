"""Web workers share a batch of waiting clients by the kernel's count of the clients each
holds (``worker_share.py``, ``loop.py``). Real processes on one listening socket, real
clients, including clients that leave while their worker is still busy with them."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import socket
import sys
import time

import pytest

from mpdesk.entrypoints.web import worker_share
from mpdesk.entrypoints.web.loop import WorkerEventLoop

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="/proc and TCP_INFO: Linux only")


def held_by(pid: int, port: int) -> int:
    _listening, established = worker_share._tcp_sockets(port)
    return len(established & worker_share._socket_inodes(pid))


def test_the_accept_queue_length_is_read_from_the_listening_socket() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(50)
        assert worker_share.waiting_connections(listener) == 0
        clients = [socket.create_connection(listener.getsockname()) for _ in range(3)]
        time.sleep(0.05)
        assert worker_share.waiting_connections(listener) == 3
        listener.accept()[0].close()
        assert worker_share.waiting_connections(listener) == 2
        for client in clients:
            client.close()


def test_live_connections_count_what_the_kernel_holds() -> None:
    """The count leaves out clients that closed (CLOSE_WAIT) even before the server closes its
    end; a process whose listening socket no sibling shares has no siblings."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(50)
        port = listener.getsockname()[1]
        clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
        accepted = [listener.accept()[0] for _ in range(3)]
        assert held_by(os.getpid(), port) == 3
        clients[0].close()
        time.sleep(0.05)
        assert held_by(os.getpid(), port) == 2  # its peer left: not a live client any more
        assert worker_share.live_connections(port) == (2, [])
        for sock in [*clients[1:], *accepted]:
            sock.close()


class Busy(asyncio.Protocol):
    """Answers every line after 3 ms of blocking work, as a request handler would."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        time.sleep(0.003)
        self.transport.write(data)  # type: ignore[attr-defined]


def serve(listener: socket.socket, seconds: float) -> None:
    loop = WorkerEventLoop()
    server = loop.run_until_complete(loop.create_server(Busy, sock=listener))
    loop.run_until_complete(asyncio.sleep(seconds))
    server.close()
    loop.close()


def test_batches_of_clients_are_spread_evenly_over_the_workers() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    port = listener.getsockname()[1]
    fork = multiprocessing.get_context("fork")
    workers = [fork.Process(target=serve, args=(listener, 8)) for _ in range(2)]
    for worker in workers:
        worker.start()
    try:
        time.sleep(0.5)
        splits = []
        for _ in range(4):
            # a batch of 40 clients, each busy at once; then each leaves with a request still
            # unanswered, so the workers are busy with clients that left when the next batch
            # arrives (as between two runs of wrk)
            clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(40)]
            for client in clients:
                client.sendall(b"ping\n")
            for client in clients:
                assert client.recv(16) == b"ping\n"
            splits.append(sorted(held_by(w.pid or 0, port) for w in workers))
            for client in clients:
                client.sendall(b"bye\n")
                client.close()
        assert all(sum(split) == 40 and split[1] - split[0] <= 4 for split in splits), splits
    finally:
        for worker in workers:
            worker.join(timeout=15)
        listener.close()
    assert all(worker.exitcode == 0 for worker in workers)
