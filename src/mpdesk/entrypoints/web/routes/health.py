"""``/healthz`` (the process answers), ``/readyz`` (database and evidence store usable) for
the load balancer, and ``/metrics`` (Prometheus; off unless ``MPDESK_METRICS``, and then only
with the bearer token ``MPDESK_METRICS_TOKEN``). No session needed; no internals in the
answers: probe names and error codes only."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.responses import Response

from mpdesk.services.health import readiness

router = APIRouter(include_in_schema=False)  # pages, not the API


@router.get("/healthz")
def healthz() -> JSONResponse:
    return JSONResponse({"status": "ok"}, headers={"cache-control": "no-store"})


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    results = readiness(request.app.state.probes)
    ready = all(r.ok for r in results)
    body = {
        "status": "ready" if ready else "unavailable",
        "checks": {r.name: ("ok" if r.ok else r.code) for r in results},
    }
    return JSONResponse(body, 200 if ready else 503, headers={"cache-control": "no-store"})


@router.get("/metrics")
def metrics(request: Request) -> Response:
    token: str = request.app.state.metrics_token
    if not token:  # off, or served only on the loopback port
        return Response(status_code=404)
    offered = request.headers.get("authorization", "")
    scheme, _, value = offered.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        value.strip().encode(), token.encode()
    ):
        return Response(status_code=401, headers={"www-authenticate": "Bearer"})
    body, content_type = request.app.state.metrics.exposition()
    return Response(body, media_type=content_type, headers={"cache-control": "no-store"})
