"""Mail on the web: «Отправить письмом» on a ticket page and «Нераспознанные письма», the
unmatched inbox, where a message is filed under a ticket. Each handler calls one use case of
``services/mail_send.py`` or ``services/mail_fetch.py``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Path, Request
from starlette.responses import RedirectResponse, Response

from mpdesk.domain.errors import UnconfirmedSendError, UserInputError
from mpdesk.entrypoints.api import mail as api_mail
from mpdesk.entrypoints.web.navigation import NavItem
from mpdesk.entrypoints.web.rendering import render
from mpdesk.entrypoints.web.security import FormDep, require_visitor, verify_csrf, wctx_of
from mpdesk.entrypoints.web.shared_routes import add_routes
from mpdesk.services.mail_fetch import assign_mail, fetch_all_mail, list_unmatched
from mpdesk.services.mail_send import send_appeal

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.post("/tickets/{ticket_id}/mail")
def send(request: Request, ticket_id: Id, form: FormDep) -> Response:
    visitor = require_visitor(request)
    ctx = wctx_of(request).acting(visitor.principal)
    try:
        send_appeal(ctx, visitor.principal, ticket_id, resend=form.get("resend") == "1")
    except UnconfirmedSendError:  # the person decides on the ticket page
        return RedirectResponse(f"/tickets/{ticket_id}?ask=resend#mail-form", status_code=303)
    return RedirectResponse(f"/tickets/{ticket_id}?done=mailed", status_code=303)


@router.get("/mail/inbox")
def inbox(request: Request, done: str = "") -> Response:
    visitor = require_visitor(request)
    records = list_unmatched(wctx_of(request).ctx, visitor.principal)
    return render(
        request,
        "mail_inbox.html",
        {"records": records, "done": done if done.isidentifier() else ""},
    )


@router.post("/mail/fetch")
def fetch(request: Request) -> Response:
    visitor = require_visitor(request)
    ctx = wctx_of(request).acting(visitor.principal)
    fetch_all_mail(ctx, visitor.principal)
    return RedirectResponse("/mail/inbox?done=fetched", status_code=303)


@router.post("/mail/{mail_id}/assign")
def assign(request: Request, mail_id: Id, form: FormDep) -> Response:
    visitor = require_visitor(request)
    raw = str(form.get("ticket_id", "")).strip().lstrip("№")
    if not raw.isdigit() or len(raw) > 9:
        raise UserInputError("mail_ticket_number_invalid", value=raw[:20])
    ctx = wctx_of(request).acting(visitor.principal)
    ticket = assign_mail(ctx, visitor.principal, mail_id, int(raw))
    return RedirectResponse(f"/tickets/{ticket.id}?done=reply", status_code=303)


def register(api: FastAPI) -> None:
    add_routes(api, router)
    add_routes(api, api_mail.router)
    nav = api.state.nav
    at = next((i for i, item in enumerate(nav) if item.key == "journal"), len(nav) - 1) + 1
    nav.insert(at, NavItem("/mail/inbox", api.state.wctx.ctx.message("nav_mail"), "mail"))
