"""A real S3 API server on loopback for the tests and the benchmark: moto in server mode, in
its own process (``python -m moto.server``)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.servers import free_port

ACCESS_KEY = "mpdesk-test"
SECRET_KEY = "mpdesk-test-secret"


@contextmanager
def moto_server() -> Iterator[str]:
    """Start moto's S3 server on a free loopback port; yields its URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=2).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto server did not start on {url}") from None
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def s3_problem() -> str | None:
    try:
        import moto.server  # noqa: F401
    except ImportError as exc:
        return f"moto[server] is not installed ({exc})"
    return None


def require_s3() -> None:
    problem = s3_problem()
    if problem is None:
        return
    if os.environ.get("MPDESK_REQUIRE_S3") == "1":
        pytest.fail(f"MPDESK_REQUIRE_S3=1 but {problem}")
    pytest.skip(f"S3 tests need a local S3 API server: {problem}")
