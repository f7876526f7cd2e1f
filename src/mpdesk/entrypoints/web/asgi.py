"""ASGI entry for several worker processes (``mpdesk serve --workers N``): each worker
bootstraps from the environment. Usage: ``uvicorn --factory mpdesk.entrypoints.web.asgi:create``."""

from __future__ import annotations

from fastapi import FastAPI

from mpdesk.bootstrap import bootstrap
from mpdesk.entrypoints.web.app import create_app


def create() -> FastAPI:
    return create_app(bootstrap())
