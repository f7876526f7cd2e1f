"""ASGI entry for stock servers: each worker process bootstraps from the environment.

    uvicorn --factory mpdesk.entrypoints.web.asgi:create --workers 4
    gunicorn -k uvicorn.workers.UvicornWorker --reuse-port "mpdesk.entrypoints.web.asgi:create()"

See ``docs/deploy.md`` for a production set-up behind nginx.
"""

from __future__ import annotations

from fastapi import FastAPI

from mpdesk.bootstrap import bootstrap, warm_up_search
from mpdesk.entrypoints.web.app import create_app


def create() -> FastAPI:
    api = create_app(bootstrap())
    warm_up_search()
    return api
