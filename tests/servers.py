"""Real ``mpdesk serve`` processes for the tests and benchmarks of several servers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

#: argon2id at the cost of ``tests/web_support.fast_web_context``, for the servers the tests
#: start (``MPDESK_PASSWORD_*``, docs/configuration.md): each sign-in would otherwise cost
#: 0.3 CPU-s, and users added in-process at that cost sign in without being hashed again.
#: ``tests/integration/test_password_cost.py`` checks the production default.
SMALL_PASSWORD_COST = {"MPDESK_PASSWORD_TIME_COST": "1", "MPDESK_PASSWORD_MEMORY_KIB": "1024"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Served:
    url: str
    process: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path

    def log_lines(self) -> list[str]:
        return self.stderr.read_text(encoding="utf-8").splitlines()


def wait_for_listener(
    port: int, process: subprocess.Popen[bytes], wait: float, said: Callable[[], str]
) -> None:
    """Wait until something listens on ``port`` while ``process`` runs: a bare connect every
    50 ms (an HTTP client per try costs more CPU than the server's own start). ``said`` is
    what the process wrote, for the error."""
    deadline = time.monotonic() + wait
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}): {said()[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"nothing listens on port {port} after {wait} s")
        time.sleep(0.05)


@contextmanager
def mpdesk_serve(
    env: dict[str, str], logs: Path, *args: str, port: int | None = None, wait: float = 60
) -> Iterator[Served]:
    """Start ``mpdesk serve`` (``args`` added) with ``env`` over this environment (passwords
    at ``SMALL_PASSWORD_COST`` unless ``env`` says otherwise); yield once
    ``/healthz`` answers; stop it (SIGTERM, then SIGKILL) afterwards."""
    port = port or free_port()
    logs.mkdir(parents=True, exist_ok=True)
    out, err = logs / f"serve-{port}.out", logs / f"serve-{port}.err"
    command = [sys.executable, "-m", "mpdesk", "serve", "--port", str(port), *args]
    with out.open("wb") as fout, err.open("wb") as ferr:
        process = subprocess.Popen(
            command,
            env={**os.environ, **SMALL_PASSWORD_COST, **env},
            stdout=fout,
            stderr=ferr,
            stdin=subprocess.DEVNULL,
        )
    url = f"http://127.0.0.1:{port}"
    served = Served(url, process, out, err)
    try:
        wait_for_listener(port, process, wait, lambda: err.read_text(encoding="utf-8"))
        # the request waits in the listen queue until a worker has started and answers
        with httpx.Client(timeout=wait) as client:
            answer = client.get(f"{url}/healthz")
        if answer.status_code != 200:
            raise RuntimeError(f"mpdesk serve answered /healthz with {answer.status_code}")
        yield served
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
