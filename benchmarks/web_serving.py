"""The web server under test in ``web_bench.py``, set up one of two ways (docs/deploy.md):

- ``uvicorn``: stock uvicorn with 2 workers sharing one listening socket;
- ``nginx``: nginx (stock Debian package) in front of two single-worker uvicorn processes,
  each on its own port, balanced with ``least_conn`` over keep-alive upstream connections —
  the production set-up of docs/deploy.md section 2, without TLS.

Both expose the processes that run the app (for the connection spread) and every process of
the serving stack (for its CPU share).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

FRONTS = ("uvicorn", "nginx")
WORKERS = 2

NGINX_CONF = """\
daemon off;
worker_processes 1;
pid {run}/nginx.pid;
error_log {run}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {run}/body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    upstream mpdesk {{
        least_conn;
{servers}
        keepalive 64;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://mpdesk;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _uvicorn(port: int, workers: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "mpdesk.entrypoints.web.asgi:create",
         "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
         "--log-level", "warning"],
        env=env,
    )  # fmt: skip


class Served:
    """The serving stack on ``self.port``; ``stop()`` ends every process of it."""

    def __init__(self, front: str, env: dict[str, str]) -> None:
        if front not in FRONTS:
            raise ValueError(f"front must be one of {FRONTS}")
        self.front = front
        self.port = free_port()
        self.procs: list[subprocess.Popen[bytes]] = []
        self.app_ports: list[int] = []
        self._run = Path(tempfile.mkdtemp(prefix="mpdesk-front-"))
        if front == "uvicorn":
            self.procs.append(_uvicorn(self.port, WORKERS, env))
            self.app_ports = [self.port]
            return
        self.app_ports = [free_port() for _ in range(WORKERS)]
        self.procs += [_uvicorn(p, 1, env) for p in self.app_ports]
        servers = "\n".join(f"        server 127.0.0.1:{p};" for p in self.app_ports)
        conf = self._run / "nginx.conf"
        conf.write_text(NGINX_CONF.format(run=self._run, servers=servers, port=self.port))
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.procs.append(subprocess.Popen([nginx, "-p", str(self._run), "-c", str(conf)]))

    @staticmethod
    def describe(front: str) -> str:
        if front == "uvicorn":
            return f"stock uvicorn, {WORKERS} workers (asyncio loop, httptools), 127.0.0.1"
        return (
            f"nginx least_conn over {WORKERS} single-worker stock uvicorn processes "
            "(asyncio loop, httptools), 127.0.0.1"
        )

    def exited(self) -> bool:
        return any(p.poll() is not None for p in self.procs)

    def app_processes(self) -> list[Any]:
        """The processes that run the app: uvicorn's workers, or the single-worker servers."""
        import psutil

        if self.front == "uvicorn":
            return list(psutil.Process(self.procs[0].pid).children())
        return [psutil.Process(p.pid) for p in self.procs[: len(self.app_ports)]]

    def all_processes(self) -> list[Any]:
        import psutil

        found = []
        for proc in self.procs:
            try:
                root = psutil.Process(proc.pid)
                found += [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                continue
        return found

    def wait_settled(self, timeout: float = 60) -> None:
        """Until every app process has started: the first one answers while the others still
        load, and the connections wrk opens then would all stay with it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            procs = self.app_processes()
            # a starting worker is busy (bootstrap, dictionaries); a started one idles
            if len(procs) >= WORKERS and all(c.cpu_percent(interval=0.5) < 5 for c in procs):
                return
            time.sleep(0.5)
        raise RuntimeError("the server's workers did not settle")

    def connections_per_worker(self) -> list[int]:
        """How the client (or nginx upstream) connections are spread over the app processes
        (one holding more answers each of its clients more slowly: it shows in p90/p99)."""
        counts = []
        for proc in self.app_processes():
            try:
                established = [
                    c
                    for c in proc.net_connections("tcp")
                    if c.status == "ESTABLISHED" and c.laddr and c.laddr.port in self.app_ports
                ]
            except Exception:  # a process gone meanwhile
                continue
            if established:
                counts.append(len(established))
        return sorted(counts)

    def stop(self) -> None:
        for proc in reversed(self.procs):
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(self._run, ignore_errors=True)
