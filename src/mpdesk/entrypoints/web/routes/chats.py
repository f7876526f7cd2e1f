"""Ozon support chats on the web: the block «Чаты с поддержкой Ozon» of a ticket page links a
chat to the ticket (``services/support_chats.link_chat``); the API endpoints are registered
here too."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Path, Request
from starlette.responses import RedirectResponse, Response

from mpdesk.domain.errors import UserInputError
from mpdesk.entrypoints.api import chats as api_chats
from mpdesk.entrypoints.web.security import FormDep, require_visitor, verify_csrf, wctx_of
from mpdesk.entrypoints.web.shared_routes import add_routes
from mpdesk.services.support_chats import link_chat

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.post("/tickets/{ticket_id}/chats")
def link(request: Request, ticket_id: Id, form: FormDep) -> Response:
    visitor = require_visitor(request)
    chat_id = str(form.get("chat_id", "")).strip()
    if not chat_id or len(chat_id) > 64:
        raise UserInputError("chat_not_found", chat_id=chat_id[:64] or "—")
    ctx = wctx_of(request).acting(visitor.principal)
    link_chat(ctx, visitor.principal, chat_id, ticket_id)
    return RedirectResponse(f"/tickets/{ticket_id}?done=chat_linked#chats", status_code=303)


def register(api: FastAPI) -> None:
    add_routes(api, router)
    add_routes(api, api_chats.router)
