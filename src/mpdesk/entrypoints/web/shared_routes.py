"""Routes analysed once per process and shared by every app built in it.

``FastAPI.include_router`` gives each app its own copy of a router's routes and analyses each
endpoint again for that copy (parameters, dependencies, response models) on the app's first
requests. mpdesk's routers live at module level and already carry their full paths, their
dependencies and whether they belong in the OpenAPI document, so an app takes their route
objects as they are, the way ``@app.get`` adds one: the analysis made when the module was
imported serves every app of the process (a server's, a job runner's, each test's).
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI


def add_routes(api: FastAPI, router: APIRouter) -> None:
    """Add ``router``'s routes to ``api`` as they are (no prefix, tags or dependencies are
    added here: the router was built with them)."""
    api.router.routes.extend(router.routes)
