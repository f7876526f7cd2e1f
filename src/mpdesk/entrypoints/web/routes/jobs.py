"""«Фоновые задачи»: the recent runs of reminders, mail fetch and marketplace sync, failures
with their reason, and «Запустить сейчас» for the jobs the visitor may start."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, FastAPI, Query, Request
from starlette.responses import RedirectResponse, Response

from mpdesk.entrypoints.api import jobs as api_jobs
from mpdesk.entrypoints.web.navigation import NavItem
from mpdesk.entrypoints.web.rendering import render
from mpdesk.entrypoints.web.security import FormDep, require_visitor, wctx_of
from mpdesk.entrypoints.web.shared_routes import add_routes
from mpdesk.services import jobs, journal

router = APIRouter(include_in_schema=False)  # pages, not the API
Show = Literal["all", "failed"]


@router.get("/jobs")
def jobs_page(
    request: Request,
    show: Show = "all",
    done: Annotated[str, Query(max_length=32)] = "",
) -> Response:
    visitor = require_visitor(request)
    ctx = wctx_of(request).ctx
    runs = jobs.list_jobs(ctx, visitor.principal, failed_only=show == "failed", limit=200)
    kinds = jobs.job_kinds(ctx)
    return render(
        request,
        "jobs.html",
        {
            "runs": [(r, jobs.job_public(ctx, r)) for r in runs],
            "shop_names": {s.id: s.name for s in journal.list_shops(ctx, visitor.principal)},
            "show": show,
            "done": done if done.isidentifier() else "",
            "global_kinds": [
                (k, jobs.kind_label(ctx, k))
                for k, spec in kinds.items()
                if spec.shops is None and visitor.principal.is_admin
            ],
        },
    )


@router.post("/jobs/run")
def run_job(request: Request, form: FormDep) -> Response:
    visitor = require_visitor(request)
    ctx = wctx_of(request).acting(visitor.principal)
    kind = str(form.get("kind", ""))[:32]
    raw_shop = str(form.get("shop_id", "")).strip()
    shop_id = int(raw_shop) if raw_shop.isdigit() and len(raw_shop) < 10 else None
    jobs.run_now(ctx, visitor.principal, kind, shop_id)
    return RedirectResponse("/jobs?done=ran", status_code=303)


def register(api: FastAPI) -> None:
    add_routes(api, router)
    add_routes(api, api_jobs.router)
    api.state.nav.append(NavItem("/jobs", api.state.wctx.ctx.message("nav_jobs"), "jobs"))
