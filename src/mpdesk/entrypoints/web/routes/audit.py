"""«Аудит»: upload report files (drag and drop), audit them into one of your shops, see every
file's verdict, the summary by kind and the findings; draft appeals from the chosen findings,
dismiss them, mark them claimed or recovered. Viewers see the findings but cannot act;
another shop's finding answers 404. The API of the same is ``entrypoints/api/audits.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Depends, FastAPI, Path, Request
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse, Response

from mpdesk.domain.accounts import Principal
from mpdesk.domain.audit.findings import FindingStatus
from mpdesk.domain.errors import MpdeskError, UserInputError
from mpdesk.entrypoints.api import audits as api_audits
from mpdesk.entrypoints.web.audit_uploads import MAX_FILES, report_limit_mb, run_uploaded_audit
from mpdesk.entrypoints.web.errors import message_for
from mpdesk.entrypoints.web.navigation import NavItem
from mpdesk.entrypoints.web.rendering import is_htmx, render
from mpdesk.entrypoints.web.security import FormDep, require_visitor, verify_csrf, wctx_of
from mpdesk.entrypoints.web.shared_routes import add_routes
from mpdesk.services import findings, journal
from mpdesk.services.audit import AuditResult
from mpdesk.services.audit_views import (
    action_labels,
    file_public,
    finding_row,
    key_labels,
    kind_label,
    money_by_currency,
    run_rows,
    status_label,
)
from mpdesk.services.context import ServiceContext
from mpdesk.services.user_input import parse_amount, parse_shop_id

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
FindingId = Annotated[str, Path(pattern=r"^[0-9a-f]{16}$")]
PAGE_SIZE = 100
#: the list's query keys that the action forms carry back
LIST_KEYS = ("kind", "status", "shop", "page")
#: created tickets listed after drafting (the rest are in the journal)
MAX_DRAFTED_SHOWN = 50


@dataclass
class AuditQuery:
    kind: str
    status: str
    shop: str
    page: int

    @classmethod
    def parse(cls, params: Any) -> AuditQuery:
        kinds = {k.value for k in findings.KIND_ORDER}
        statuses = {s.value for s in findings.STATUS_ORDER}
        page = str(params.get("page", "1"))
        return cls(
            kind=params.get("kind", "") if params.get("kind") in kinds else "",
            status=params.get("status", "") if params.get("status") in statuses else "",
            shop=str(params.get("shop", ""))[:10],
            page=min(int(page), 100_000) if page.isdigit() and int(page) > 0 else 1,
        )

    def to_query(self) -> findings.FindingQuery:
        return findings.FindingQuery(
            kinds=[self.kind] if self.kind else [],
            statuses=[self.status] if self.status else [],
            shop_id=parse_shop_id(self.shop),
            limit=PAGE_SIZE,
            offset=(self.page - 1) * PAGE_SIZE,
        )

    def params(self) -> list[tuple[str, str]]:
        values = {"kind": self.kind, "status": self.status, "shop": self.shop}
        if self.page > 1:
            values["page"] = str(self.page)
        return [(k, v) for k, v in values.items() if v]


def _back(raw: Any, **extra: str) -> str:
    """``/audit`` with the list's filters from a form's ``back`` field (nothing else kept)."""
    kept = [(k, v) for k, v in parse_qsl(str(raw or "")[:500]) if k in LIST_KEYS]
    kept += [(k, v) for k, v in extra.items() if v]
    return "/audit" + (f"?{urlencode(kept)}" if kept else "")


def _base_context(ctx: ServiceContext, principal: Principal) -> dict[str, Any]:
    return {
        "shops": findings.audit_shops(ctx, principal),
        "max_files": MAX_FILES,
        "ACTION_LABELS": action_labels(ctx),
        "KEY_LABELS": key_labels(ctx),
        "today": ctx.clock.today(),
        "run": None,
        "error": None,
    }


def _list_context(
    request: Request, ctx: ServiceContext, principal: Principal, query: AuditQuery
) -> dict[str, Any]:
    shop_id = parse_shop_id(query.shop)
    if shop_id is not None:
        journal.get_shop(ctx, principal, shop_id)  # another shop: not found
    page = findings.list_page(ctx, principal, query.to_query())
    today = ctx.clock.today()
    visible = journal.list_shops(ctx, principal)
    return {
        **_base_context(ctx, principal),
        "query": query,
        "params": query.params(),
        "back": urlencode(query.params()),
        "page": page,
        "pages": max(1, -(-page.count // PAGE_SIZE)),
        "rows": [finding_row(ctx, principal, s, today) for s in page.findings],
        "totals": [{"kind_label": kind_label(ctx, t.kind), **t.__dict__} for t in page.totals],
        "visible_shops": visible,
        "shop_names": {s.id: s.name for s in visible},
        "kinds": [(k.value, kind_label(ctx, k)) for k in findings.KIND_ORDER],
        "statuses": [(s.value, status_label(ctx, s)) for s in findings.STATUS_ORDER],
        "limit_mb": report_limit_mb(request),
    }


def _drafted(ctx: ServiceContext, principal: Principal, raw: str) -> list[Any]:
    ids = [int(i) for i in raw.split(",")[:MAX_DRAFTED_SHOWN] if i.isdigit() and len(i) < 10]
    tickets = []
    for ticket_id in ids:
        try:
            tickets.append(journal.get_ticket(ctx, principal, ticket_id))
        except MpdeskError:
            continue  # an edited URL: show only the person's own tickets
    return tickets


@router.get("/audit")
def audit_page(request: Request, drafted: str = "", late: str = "", done: str = "") -> Response:
    visitor = require_visitor(request)
    ctx = wctx_of(request).ctx
    query = AuditQuery.parse(request.query_params)
    context = _list_context(request, ctx, visitor.principal, query)
    context["drafted"] = _drafted(ctx, visitor.principal, drafted[:600])
    context["late"] = {t.id for t in _drafted(ctx, visitor.principal, late[:600])}
    context["done"] = done if done in ("status",) else ""
    if is_htmx(request) and request.headers.get("hx-target") == "findings":
        return render(request, "audit.html", context, block="findings")
    return render(request, "audit.html", context)


def _run_view(ctx: ServiceContext, principal: Principal, result: AuditResult) -> dict[str, Any]:
    files = []
    for file in result.files:
        view = file_public(ctx, file)
        kind = view["kind"]
        view.update(
            name=file.name,
            kind_label=ctx.message(f"report_kind_{kind}") if kind else "",
        )
        files.append(view)
    return {
        "files": files,
        "usable": result.usable,
        "summary": [
            {
                "kind_label": kind_label(ctx, kind),
                "count": t.count,
                "amount": t.amount,
                "amount_text": money_by_currency(t.by_currency),
            }
            for kind, t in result.by_kind.items()
        ],
        "total": result.total,
        "total_text": money_by_currency(result.by_currency),
        "count": len(result.findings),
        "saved_text": ctx.message("audit_saved", **result.saved.__dict__) if result.saved else "",
        "rows": run_rows(ctx, principal, result, ctx.clock.today()),
    }


@router.post("/audit")
def run_audit(request: Request, form: FormDep) -> Response:
    visitor = require_visitor(request)
    uploads = [u for u in form.getlist("files") if isinstance(u, UploadFile)]
    raw_shop = str(form.get("shop_id", "") or "")
    shop_id = int(raw_shop) if raw_shop.isdigit() and len(raw_shop) < 10 else None
    supply = str(form.get("supply_id", "") or "").strip()[:40] or None
    ctx = wctx_of(request).ctx
    principal = visitor.principal
    try:
        result = run_uploaded_audit(request, principal, uploads, shop_id, True, supply)
    except UserInputError as exc:
        context = _list_context(request, ctx, principal, AuditQuery.parse({}))
        context["error"] = message_for(request, exc.code, exc.fields)
        return render(request, "audit.html", context, status_code=422)
    context = {
        **_base_context(ctx, principal),
        "run": _run_view(ctx, principal, result),
        "chosen_shop": shop_id,
        "chosen_supply": supply,
        "limit_mb": report_limit_mb(request),
        "back": "",
    }
    return render(request, "audit.html", context)


def _list_with_error(
    request: Request, principal: Principal, form: Any, exc: UserInputError
) -> Response:
    """The list the form came from, with the Russian reason the action was refused."""
    query = AuditQuery.parse(dict(parse_qsl(str(form.get("back", ""))[:500])))
    context = _list_context(request, wctx_of(request).ctx, principal, query)
    context["error"] = message_for(request, exc.code, exc.fields)
    return render(request, "audit.html", context, status_code=422)


@router.post("/audit/findings/draft")
def draft(request: Request, form: FormDep) -> Response:
    visitor = require_visitor(request)
    ids = [str(i)[:16] for i in form.getlist("ids") if isinstance(i, str)][:500]
    ctx = wctx_of(request).acting(visitor.principal)
    try:
        drafted = findings.draft_appeals(ctx, visitor.principal, ids)
    except UserInputError as exc:
        return _list_with_error(request, visitor.principal, form, exc)
    tickets = ",".join(str(d.ticket.id) for d in drafted)
    late = ",".join(str(d.ticket.id) for d in drafted if d.deadline_passed)
    return RedirectResponse(_back(form.get("back"), drafted=tickets, late=late), status_code=303)


@router.post("/audit/findings/{finding_id}/status")
def change_status(request: Request, finding_id: FindingId, form: FormDep) -> Response:
    visitor = require_visitor(request)
    target = str(form.get("to", ""))
    if target not in FindingStatus._value2member_map_ or target == "drafted":
        raise UserInputError("invalid_input")
    raw_amount = str(form.get("amount", "") or "").strip()[:40]
    comment = str(form.get("comment", "") or "")[:2000].strip()
    ctx = wctx_of(request).acting(visitor.principal)
    try:
        amount = Decimal(parse_amount(raw_amount, "amount")) if raw_amount else None
        findings.change_finding_status(
            ctx,
            visitor.principal,
            finding_id,
            FindingStatus(target),
            amount,
            comment,
        )
    except UserInputError as exc:  # a transition the status does not allow, no amount
        return _list_with_error(request, visitor.principal, form, exc)
    target_url = _back(form.get("back"), done="status") + f"#finding-{finding_id}"
    return RedirectResponse(target_url, status_code=303)


def register(api: FastAPI) -> None:
    add_routes(api, router)
    add_routes(api, api_audits.router)
    nav = api.state.nav
    at = next((i for i, item in enumerate(nav) if item.key == "journal"), len(nav) - 1) + 1
    nav.insert(at, NavItem("/audit", api.state.wctx.ctx.message("nav_audit"), "audit"))
