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
from mpdesk.bootstrap import App, web_context
from mpdesk.bootstrap.operations import configure_server_logs, enable_metrics, readiness_probes
from mpdesk.entrypoints.api import shop_api
from mpdesk.entrypoints.api import triage as triage_api
from mpdesk.entrypoints.api.openapi import declare_known_ids
from mpdesk.entrypoints.api.routes import router as api_router
from mpdesk.entrypoints.web.body_limit import BodyLimitMiddleware
from mpdesk.entrypoints.web.errors import install_error_handlers, plain_refusal
from mpdesk.entrypoints.web.navigation import NavItem
from mpdesk.entrypoints.web.observability import ObservabilityMiddleware
from mpdesk.entrypoints.web.rendering import HERE, make_templates
from mpdesk.entrypoints.web.routes import (
    account,
    audit,
    auth,
    cases,
    chats,
    dashboard,
    deadlines,
    health,
    journal,
    journal_import,
    kb,
    mail,
    stats,
    tickets,
)
from mpdesk.entrypoints.web.routes import jobs as jobs_page
from mpdesk.entrypoints.web.security import SecurityHeadersMiddleware, is_signed_in
from mpdesk.entrypoints.web.shared_routes import add_routes
from mpdesk.services import jobs
from mpdesk.services.accounts import WebContext

#: how often the job loop wakes up to run what is due (each kind has its own interval)
JOB_TICK_SECONDS = 60.0
#: the largest body accepted before sign-in (the sign-in form is far smaller)
ANONYMOUS_MAX_BODY = 64 * 1024


@asynccontextmanager
async def _lifespan(api: FastAPI) -> AsyncIterator[None]:
    """Background work of a server process: the job loop (reminders, mail fetch, sync), unless
    ``MPDESK_JOBS_ENGINE=worker`` leaves the jobs to ``mpdesk worker`` processes. Every server
    process may run one (see ``JobLoop``)."""
    app: App = api.state.app
    loop = None
    if app.settings.jobs_engine == "server":
        loop = jobs.JobLoop(app.ctx, api.state.job_tick_seconds)
        loop.start()
    api.state.job_loop = loop
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
    api.state.job_tick_seconds = JOB_TICK_SECONDS
    api.state.wctx = wctx
    api.state.https_only = app.settings.https_only
    api.state.templates = make_templates(wctx.ctx)
    api.state.nav = [
        NavItem("/", wctx.ctx.message("nav_dashboard"), "dashboard"),
        NavItem("/tickets/new", wctx.ctx.message("nav_new"), "new"),
        NavItem("/journal", wctx.ctx.message("nav_journal"), "journal"),
        NavItem("/kb", wctx.ctx.message("nav_kb"), "kb"),
    ]
    api.state.dashboard_partials = []
    limit_mb = app.settings.max_attachment_mb
    refusal = plain_refusal(
        wctx.ctx.kb.messages,
        {
            "request_too_large": {"limit_mb": limit_mb},
            "request_too_large_anonymous": {"limit_kb": ANONYMOUS_MAX_BODY // 1024},
        },
    )
    api.add_middleware(
        BodyLimitMiddleware,
        identify=is_signed_in,
        refusal=refusal,
        max_body=(limit_mb * 10 + 2) * 1024 * 1024,
        anonymous_max_body=ANONYMOUS_MAX_BODY,
    )
    api.add_middleware(SecurityHeadersMiddleware, https_only=app.settings.https_only)
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
    add_routes(api, api_router)
    add_routes(api, shop_api.router)
    add_routes(api, triage_api.router)

    for module in (health, auth, dashboard, tickets, journal, journal_import, kb, account):
        add_routes(api, module.router)
    for page in (audit, deadlines, cases, stats, mail, jobs_page, chats):
        page.register(api)
    return api
