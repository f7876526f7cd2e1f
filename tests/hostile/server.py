"""A real mpdesk server for the hostile tests: stock uvicorn in its own process (as
``docs/deploy.md`` runs it), SQLite in a temp home, and a raw-socket client for bodies that a
polite client would never send (chunked, endless)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.servers import SMALL_PASSWORD_COST, free_port, wait_for_listener


@dataclass
class Server:
    url: str
    port: int
    process: subprocess.Popen[bytes]

    def is_answering(self, timeout: float = 10) -> bool:
        return httpx.get(f"{self.url}/login", timeout=timeout).status_code == 200


@contextmanager
def uvicorn_server(home: Path, workers: int = 1, **env: str) -> Iterator[Server]:
    """``uvicorn --factory mpdesk.entrypoints.web.asgi:create`` on a free port (passwords at
    ``SMALL_PASSWORD_COST``: add the users with ``tests.web_support.fast_web_context``)."""
    port = free_port()
    environment = {
        **os.environ,
        **SMALL_PASSWORD_COST,
        "MPDESK_HOME": str(home),
        "MPDESK_REMIND_IN_SERVER": "false",
        "TMPDIR": str(home),
        **env,
    }
    environment.pop("MPDESK_DATABASE_URL", None)
    environment.pop("MPDESK_NOW", None)
    command = [sys.executable, "-m", "uvicorn", "--factory", "mpdesk.entrypoints.web.asgi:create"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    command += ["--workers", str(workers)]
    process = subprocess.Popen(command, env=environment, stderr=subprocess.PIPE)
    server = Server(f"http://127.0.0.1:{port}", port, process)
    try:
        _wait_until_up(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(server: Server) -> None:
    def said() -> str:
        return server.process.stderr.read().decode() if server.process.stderr else ""

    wait_for_listener(server.port, server.process, 60, said)
    # the request waits in the listen queue until a worker has started and answers
    if not server.is_answering(timeout=60):
        raise AssertionError("the server does not answer /login with 200")


@dataclass
class RawAnswer:
    status: int
    head: str
    body: str
    sent: int  # body bytes the server took before it answered and closed


def post_chunked(
    server: Server, path: str, headers: dict[str, str], prefix: bytes, total: int
) -> RawAnswer:
    """POST a chunked body of ``total`` bytes (``prefix`` then filler) from one thread while
    another reads: the answer is seen even when the server closes before the body ends."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=60)
    lines = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{server.port}"]
    lines += [f"{k}: {v}" for k, v in {**headers, "Transfer-Encoding": "chunked"}.items()]
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    sent = [0]

    def send_body() -> None:
        chunk = b"A" * 65536
        try:
            piece = prefix
            while sent[0] < total:
                piece = piece or chunk
                sock.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                sent[0] += len(piece)
                piece = b""
            sock.sendall(b"0\r\n\r\n")
        except OSError:
            return

    sender = threading.Thread(target=send_body, daemon=True)
    sender.start()
    received = b""
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                break
            received += data
            head, sep, rest = received.partition(b"\r\n\r\n")
            if sep and b"content-length:" in head.lower():
                length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
                if len(rest) >= length:
                    break
    except OSError:
        pass
    sent_when_answered = sent[0]
    sock.close()
    sender.join(timeout=30)
    head, _, body = received.partition(b"\r\n\r\n")
    status_line = head.split(b"\r\n", 1)[0].decode() if head else ""
    status = int(status_line.split()[1]) if status_line else 0
    return RawAnswer(
        status, head.decode("latin-1"), body.decode("utf-8", "replace"), sent_when_answered
    )


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def signed_in_client(server: Server, login: str, password: str) -> httpx.Client:
    """A browser-like client (own cookie jar) signed in through the real sign-in form."""
    client = httpx.Client(base_url=server.url, follow_redirects=False, timeout=30)
    page = client.get("/login")
    answer = client.post(
        "/login",
        data={"login": login, "password": password, "next": "/", "csrf_token": csrf_of(page.text)},
    )
    assert answer.status_code == 303, answer.text[:500]
    return client


def fresh_gets(
    server: Server, path: str, tries: int, headers: dict[str, str] | None = None, session: str = ""
) -> set[int]:
    """The statuses of ``tries`` GETs, each on a new connection (the kernel may hand each to
    any worker process): one client that keeps no connection open."""
    cookies = {"mpdesk_session": session} if session else None
    with httpx.Client(
        base_url=server.url,
        follow_redirects=False,
        timeout=30,
        cookies=cookies,
        limits=httpx.Limits(max_keepalive_connections=0),
    ) as client:
        return {client.get(path, headers=headers).status_code for _ in range(tries)}
