"""ASGI entry for several worker processes (``mpdesk serve --workers N``): each worker
bootstraps from the environment. Usage: ``uvicorn --factory mpdesk.entrypoints.web.asgi:create``."""

from __future__ import annotations

from fastapi import FastAPI

from mpdesk.bootstrap import bootstrap, warm_up_search
from mpdesk.entrypoints.web.app import create_app, settle_heap


def create() -> FastAPI:
    api = create_app(bootstrap())
    warm_up_search()
    settle_heap()
    return api
