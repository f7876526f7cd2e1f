"""How many live client connections each web worker of one server holds, as the kernel sees
them (Linux ``/proc``), and how many wait in the listening socket's accept queue.

A worker's own bookkeeping lags: a busy worker still holds clients that already left until its
loop gets round to them. The kernel does not: a connection the client closed is in
``CLOSE_WAIT`` at once. ``WorkerEventLoop`` asks here, when a batch of clients is waiting, to
take its fair share of them.
"""

from __future__ import annotations

import os
import socket
import struct
from collections.abc import Iterable

#: ``struct tcp_info`` begins with eight one-byte fields, then rto, ato, snd_mss, rcv_mss and
#: ``tcpi_unacked``, which for a listening socket is the length of its accept queue
_UNACKED = struct.Struct("=I")
_UNACKED_AT = 24
_ESTABLISHED = "01"
_LISTEN = "0A"


def waiting_connections(sock: socket.socket) -> int | None:
    """Connections waiting in a listening socket's accept queue (Linux ``TCP_INFO``); None
    where the system does not tell."""
    tcp_info = getattr(socket, "TCP_INFO", None)
    if tcp_info is None:
        return None
    try:
        raw = sock.getsockopt(socket.IPPROTO_TCP, tcp_info, 32)
    except OSError:
        return None
    if len(raw) < _UNACKED_AT + _UNACKED.size:
        return None
    return int(_UNACKED.unpack_from(raw, _UNACKED_AT)[0])


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    fd_dir = f"/proc/{pid}/fd"
    for fd in os.listdir(fd_dir):
        try:
            target = os.readlink(f"{fd_dir}/{fd}")
        except OSError:  # closed meanwhile
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def _tcp_sockets(port: int) -> tuple[set[str], set[str]]:
    """Inodes of the listening and of the established sockets on local ``port``."""
    listening: set[str] = set()
    established: set[str] = set()
    hex_port = f"{port:04X}"
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table, encoding="ascii") as lines:
                next(lines, None)
                for line in lines:
                    fields = line.split()
                    if len(fields) < 10 or fields[1].rpartition(":")[2] != hex_port:
                        continue
                    if fields[3] == _ESTABLISHED:
                        established.add(fields[9])
                    elif fields[3] == _LISTEN:
                        listening.add(fields[9])
        except OSError:
            continue
    return listening, established


def _children(pid: int) -> Iterable[int]:
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as found:
            yield from (int(child) for child in found.read().split())


def live_connections(port: int) -> tuple[int, list[int]] | None:
    """Established client connections on ``port`` held by this worker, and by each sibling
    (the other processes of the same parent that share the listening socket); None where
    ``/proc`` does not tell."""
    try:
        listening, established = _tcp_sockets(port)
        mine = _socket_inodes(os.getpid())
        if not listening & mine:
            return None
        siblings = []
        for pid in _children(os.getppid()):
            if pid == os.getpid():
                continue
            try:
                theirs = _socket_inodes(pid)
            except OSError:  # gone meanwhile
                continue
            if listening & theirs:
                siblings.append(len(established & theirs))
        return len(established & mine), siblings
    except (OSError, ValueError):
        return None
