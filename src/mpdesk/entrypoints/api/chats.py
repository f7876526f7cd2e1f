"""Ozon support chats in the API: fetch them, list them with unread counts, read one chat and
link it to a ticket. Each endpoint calls one use case of ``services/support_chats.py``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from mpdesk.domain.accounts import Principal
from mpdesk.entrypoints.api import schemas as s
from mpdesk.entrypoints.api.openapi import ERRORS
from mpdesk.entrypoints.api.routes import acting
from mpdesk.entrypoints.web.security import api_principal
from mpdesk.services.support_chats import (
    chat_message_public,
    chat_messages,
    chat_public,
    fetch_all_chats,
    fetch_chats,
    link_chat,
    list_support_chats,
    report_public,
)

CHAT_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    502: {"model": s.ErrorPublic, "description": "Ozon's seller API failed or refused"},
}
router = APIRouter(
    prefix="/api/v1", dependencies=[Depends(api_principal)], responses=CHAT_ERRORS, tags=["chats"]
)
PrincipalDep = Annotated[Principal, Depends(api_principal)]
ChatId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


class ChatPublic(BaseModel):
    shop_id: int
    chat_id: str
    status: str
    created_at: str | None
    unread_count: int
    messages: int
    ticket_id: int | None
    linked_by: str | None  # "manual" | "appeal_number"
    updated_at: str | None


class ChatBoardPublic(BaseModel):
    chats: list[ChatPublic]
    history_refused: dict[str, str]  # shop id → since when Ozon refuses the chat history


class ChatMessagePublic(BaseModel):
    message_id: str
    chat_id: str
    author_type: str
    at: str
    text: str
    is_image: bool
    ticket_id: int | None
    answer_class: str | None
    appeal_number: str | None


class ChatHistoryPublic(ChatPublic):
    items: list[ChatMessagePublic]


class ChatFetchPublic(BaseModel):
    shop_id: int
    chats: int
    unread: int
    new_messages: int
    duplicates: int
    tickets: list[int]
    linked: dict[str, int]  # chat id → ticket linked by the appeal number now
    history_refused: bool
    notice: str | None  # Russian, the first time Ozon refuses the history of the shop


class ChatLink(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ticket_id: int = Field(ge=1, le=s.INT32)


class ChatLinked(ChatPublic):
    filed: int


@router.get("/chats", response_model=ChatBoardPublic, summary="Ozon support chats, unread counts")
def board(
    request: Request,
    principal: PrincipalDep,
    shop_id: Annotated[int | None, Query(ge=1, le=s.INT32)] = None,
) -> Any:
    found = list_support_chats(acting(request, principal), principal, shop_id)
    return {
        "chats": [chat_public(c) for c in found.chats],
        "history_refused": {str(k): v.isoformat() for k, v in found.refused.items()},
    }


@router.post(
    "/chats",
    response_model=list[ChatFetchPublic],
    summary="Fetch the support chats of connected Ozon shops and file new answers",
)
def fetch(
    request: Request,
    principal: PrincipalDep,
    shop_id: Annotated[int | None, Query(ge=1, le=s.INT32)] = None,
) -> Any:
    ctx = acting(request, principal)
    if shop_id is not None:
        return [report_public(fetch_chats(ctx, principal, shop_id))]
    return [report_public(r) for r in fetch_all_chats(ctx, principal)]


@router.get("/chats/{chat_id}", response_model=ChatHistoryPublic, summary="A chat's messages")
def history(request: Request, principal: PrincipalDep, chat_id: ChatId) -> Any:
    chat, records = chat_messages(acting(request, principal), principal, chat_id)
    return {**chat_public(chat), "items": [chat_message_public(r) for r in records]}


@router.post(
    "/chats/{chat_id}/link",
    response_model=ChatLinked,
    summary="Link a chat to a ticket of its shop; its waiting support messages are filed",
)
def link(request: Request, principal: PrincipalDep, chat_id: ChatId, body: ChatLink) -> Any:
    chat, filed = link_chat(acting(request, principal), principal, chat_id, body.ticket_id)
    return {**chat_public(chat), "filed": filed}
