"""HTTP clients of the adapters (the seller APIs, notifications) with one TLS context per
process: ``httpx.Client`` otherwise builds a new one for each client, and loading the CA
bundle into it costs about 40 ms of CPU, paid again by every shop's sync, chat poll and
message sent. A context holds no per-connection state and is safe to share between threads.
"""

from __future__ import annotations

import ssl
from functools import cache

import httpx


@cache
def tls_context() -> ssl.SSLContext:
    """The TLS context httpx would build (certifi's CAs, or ``SSL_CERT_FILE``/``SSL_CERT_DIR``)."""
    return httpx.create_ssl_context()


def new_client(timeout: float | httpx.Timeout) -> httpx.Client:
    return httpx.Client(timeout=timeout, verify=tls_context())
