"""How many connections each web worker holds, shared between the workers of one server.

``mpdesk serve --workers N`` names a small file (``MPDESK_WEB_SLOTS``); every worker claims one
slot of it when it starts serving (under ``flock``) and keeps its number of open connections
there, in a shared memory map (a plain store, no system call). A worker about to accept
connections takes its fair share of all of them, those held and those waiting
(``WorkerEventLoop``). Slots of workers that are gone (a restarted worker) are ignored and
reused.
"""

from __future__ import annotations

import fcntl
import mmap
import os
import socket
import struct
from pathlib import Path

ENV = "MPDESK_WEB_SLOTS"
SLOTS = 64
_SLOT = struct.Struct("<qq")  # pid, open connections
SIZE = SLOTS * _SLOT.size
#: ``struct tcp_info`` begins with eight one-byte fields, then rto, ato, snd_mss, rcv_mss and
#: ``tcpi_unacked``, which for a listening socket is the length of its accept queue
_UNACKED = struct.Struct("=I")
_UNACKED_AT = 24


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


class WorkerSlots:
    """This worker's slot in the shared file, and a look at the others."""

    def __init__(self, path: Path) -> None:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                if os.fstat(fd).st_size < SIZE:
                    os.ftruncate(fd, SIZE)
                self._map = mmap.mmap(fd, SIZE)
                self.index = self._claim()
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
        self.pid = os.getpid()
        self.open = 0

    def _claim(self) -> int:
        pid = os.getpid()
        for index in range(SLOTS):
            owner, _ = _SLOT.unpack_from(self._map, index * _SLOT.size)
            if owner in (0, pid) or not _alive(owner):
                _SLOT.pack_into(self._map, index * _SLOT.size, pid, 0)
                return index
        raise RuntimeError(f"more than {SLOTS} web workers share {ENV}")

    def publish(self, delta: int) -> None:
        self.open += delta
        _SLOT.pack_into(self._map, self.index * _SLOT.size, self.pid, self.open)

    def siblings(self) -> list[int]:
        """How many connections each live sibling holds."""
        counts = []
        for index in range(SLOTS):
            if index == self.index:
                continue
            owner, count = _SLOT.unpack_from(self._map, index * _SLOT.size)
            if owner != 0 and _alive(owner):
                counts.append(count)
        return counts

    def release(self) -> None:
        _SLOT.pack_into(self._map, self.index * _SLOT.size, 0, 0)


def from_environment() -> WorkerSlots | None:
    path = os.environ.get(ENV)
    return WorkerSlots(Path(path)) if path else None


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
