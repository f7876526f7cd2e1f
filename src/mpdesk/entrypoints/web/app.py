"""``create_app``: the FastAPI application with the pages, the REST API and the static files.

Each page module has its router; the audit, deadline and analytics modules also add their
navigation item and their block on «Сводка» through ``register(api)``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from mpdesk import __version__
from mpdesk.bootstrap import (
    App,
    configure_server_logs,
    enable_metrics,
    readiness_probes,
    web_context,
)
from mpdesk.entrypoints.api import shop_api
from mpdesk.entrypoints.api.openapi import declare_known_ids
from mpdesk.entrypoints.api.routes import router as api_router
from mpdesk.entrypoints.web.errors import install_error_handlers, too_large_body
from mpdesk.entrypoints.web.navigation import NavItem
from mpdesk.entrypoints.web.observability import ObservabilityMiddleware
from mpdesk.entrypoints.web.rendering import HERE, make_templates
from mpdesk.entrypoints.web.routes import (
    account,
    audit,
    auth,
    dashboard,
    deadlines,
    health,
    journal,
    kb,
    stats,
    tickets,
)
from mpdesk.entrypoints.web.security import SecurityHeadersMiddleware
from mpdesk.services import reminders
from mpdesk.services.accounts import WebContext

#: how often the reminder loop wakes up; it sends every ``MPDESK_REMIND_INTERVAL_MINUTES``
REMIND_TICK_SECONDS = 60.0


@asynccontextmanager
async def _lifespan(api: FastAPI) -> AsyncIterator[None]:
    """Background work of a server process: the reminder loop (off with
    ``MPDESK_REMIND_IN_SERVER=false`` or ``mpdesk serve --no-remind``). Every worker may run
    it: the job lock and ``job_runs`` keep the job single across processes."""
    app: App = api.state.app
    loop = reminders.server_loop(
        app.ctx, app.settings.remind_in_server, api.state.remind_tick_seconds
    )
    api.state.reminder_loop = loop
    if loop is not None:
        loop.start()
    try:
        yield
    finally:
        if loop is not None:
            loop.stop()


def create_app(app: App, wctx: WebContext | None = None) -> FastAPI:
    wctx = wctx or web_context(app)
    api = FastAPI(
        title="mpdesk API",
        version=__version__,
        description="Appeals to Wildberries and Ozon support: journal, triage, knowledge base. "
        "Authenticate with `Authorization: Bearer <token>` (`mpdesk token create`).",
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan,
    )
    api.state.app = app
    api.state.remind_tick_seconds = REMIND_TICK_SECONDS
    api.state.wctx = wctx
    api.state.https_only = app.settings.https_only
    api.state.templates = make_templates(wctx.ctx)
    api.state.nav = [
        NavItem("/", "Сводка", "dashboard"),
        NavItem("/tickets/new", "Новое обращение", "new"),
        NavItem("/journal", "Журнал", "journal"),
        NavItem("/kb", "База знаний", "kb"),
    ]
    api.state.dashboard_partials = []
    max_body = (app.settings.max_attachment_mb * 10 + 2) * 1024 * 1024
    api.add_middleware(
        SecurityHeadersMiddleware,
        https_only=app.settings.https_only,
        max_body=max_body,
        too_large=too_large_body(wctx.ctx.kb.messages, app.settings.max_attachment_mb),
    )
    metrics = enable_metrics(app)
    configure_server_logs(app.settings)
    api.state.metrics = metrics
    api.state.metrics_token = (
        app.settings.metrics_token.get_secret_value() if app.settings.metrics else ""
    )
    api.state.probes = readiness_probes(app)
    api.add_middleware(ObservabilityMiddleware, metrics=metrics)  # added last: outermost
    install_error_handlers(api)
    declare_known_ids(api, wctx.ctx.kb)
    api.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    api.include_router(api_router)
    api.include_router(shop_api.router)

    for module in (health, auth, dashboard, tickets, journal, kb, account):
        api.include_router(module.router, include_in_schema=False)
    for page in (audit, deadlines, stats):
        page.register(api)
    return api
