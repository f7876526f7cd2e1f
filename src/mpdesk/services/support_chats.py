"""Use cases of Ozon's support chats: fetch a shop's chats of type ``Seller_Support`` with their
unread counts, read their history where Ozon allows it, link a chat to a ticket, and file the
support's messages under that ticket as incoming answers.

Fetching lists every chat of the shop (the buyer chats are left aside) and keeps the support
chats; a chat whose list entry names a message newer than the one read last has its history
read from there. Each message is recorded in its own unit of work in the chat ledger, keyed by
shop and message id, together with the chat's read position: fetching twice, or again after a
crash, records nothing twice. A message from support is read by the answer reader (the same as
``mpdesk answer`` and the mail fetch); when the chat has no ticket yet and the reading finds an
appeal number that is a ticket's marketplace number, the chat is linked to that ticket. Messages
of a chat without a ticket wait in the ledger and are filed when the chat is linked.

Ozon opens the history by subscription level; a refusal (403, or 402) is recorded per shop and
said once, in Russian, when it first happens; later fetches try again and stay silent.
"""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime

from mpdesk.domain.accounts import Principal
from mpdesk.domain.answers.reading import AnswerReading
from mpdesk.domain.api_errors import ApiForbiddenError, ApiPaymentRequiredError
from mpdesk.domain.credentials import OzonCredentials
from mpdesk.domain.errors import NotFoundError, UserInputError
from mpdesk.domain.shops import Shop
from mpdesk.domain.support_chats import (
    ChatMessage,
    ChatMessageRecord,
    SupportChat,
    chats_from_list,
    messages_from_history,
)
from mpdesk.domain.tickets import Direction, Message, Ticket
from mpdesk.services import access
from mpdesk.services.answer_reading import read_support_answer
from mpdesk.services.connections import shop_credentials
from mpdesk.services.context import ServiceContext
from mpdesk.services.ports.chats import ChatPorts, ChatUnitOfWork, SupportChatApi


def chat_ports(ctx: ServiceContext) -> ChatPorts:
    if ctx.chats is None:
        raise RuntimeError("support chats are not wired in this context")
    return ctx.chats


@dataclass
class ChatFetchReport:
    shop_id: int
    chats: int = 0  # support chats listed
    unread: int = 0  # unread messages in them, as the list counts
    new_messages: int = 0
    duplicates: int = 0
    filed: list[int] = field(default_factory=list)  # ticket ids, one per filed message
    linked: dict[str, int] = field(default_factory=dict)  # chat id -> ticket, linked now
    history_refused: bool = False
    notice: str = ""  # Russian, only when the refusal is new


def _ozon_shop(uow: ChatUnitOfWork, principal: Principal, shop_id: int) -> Shop:
    shop = access.editable_shop(uow, principal, shop_id)
    if shop.marketplace != "ozon":
        raise UserInputError("chats_ozon_only", shop=shop.name)
    return shop


def fetch_chats(ctx: ServiceContext, principal: Principal, shop_id: int) -> ChatFetchReport:
    """List the shop's support chats and record their new messages."""
    ports = chat_ports(ctx)
    with ports.uow() as uow:
        shop = _ozon_shop(uow, principal, shop_id)
        credentials = shop_credentials(ctx, uow, shop)
        refused_before = uow.chats.history_refused_at(shop.id) is not None
    assert isinstance(credentials, OzonCredentials)
    report = ChatFetchReport(shop.id)
    read_any = False
    with closing(ports.api(credentials)) as api:
        for chat in _refresh(ctx, ports, shop.id, api, report):
            if not chat.has_news:
                continue
            try:
                _read_history(ctx, ports, api, chat, report, principal.login)
            except (ApiForbiddenError, ApiPaymentRequiredError):
                report.history_refused = True
                break
            read_any = True
    if report.history_refused or read_any:
        with ports.uow() as uow:
            at = ctx.clock.now() if report.history_refused else None
            uow.chats.set_history_refused(shop.id, at)
            uow.commit()
    if report.history_refused and not refused_before:
        report.notice = ctx.message("chats_history_refused", shop=shop.name)
    return report


def fetch_all_chats(ctx: ServiceContext, principal: Principal) -> list[ChatFetchReport]:
    """Fetch the support chats of every connected Ozon shop the principal may change."""
    with chat_ports(ctx).uow() as uow:
        connected = {c.shop_id for c in uow.connections.list() if c.marketplace == "ozon"}
        shops = [s.id for s in access.editable_shops(uow, principal) if s.id in connected]
    if not shops:
        raise UserInputError("chats_no_ozon_shop")
    return [fetch_chats(ctx, principal, shop_id) for shop_id in shops]


def _refresh(
    ctx: ServiceContext,
    ports: ChatPorts,
    shop_id: int,
    api: SupportChatApi,
    report: ChatFetchReport,
) -> list[SupportChat]:
    """Every support chat of the list, saved (one transaction for the whole list)."""
    infos = [info for page in api.chats() for info in chats_from_list(page.data) if info.is_support]
    with ports.uow() as uow:
        chats = [uow.chats.save_chat(shop_id, info, ctx.clock.now()) for info in infos]
        uow.commit()
    report.chats = len(chats)
    report.unread = sum(c.unread_count for c in chats)
    return chats


def _read_history(
    ctx: ServiceContext,
    ports: ChatPorts,
    api: SupportChatApi,
    chat: SupportChat,
    report: ChatFetchReport,
    actor: str,
) -> None:
    found = {
        m.message_id: m
        for page in api.chat_history(chat.chat_id, chat.read_to)
        for m in messages_from_history(chat.chat_id, page.data)
    }
    for message_id in sorted(found):  # oldest first, whichever way the pages came
        if chat.read_to is not None and message_id <= chat.read_to:
            continue
        with ports.uow() as uow:
            _record(ctx, uow, chat, found[message_id], report, actor)
            uow.chats.read_to(chat.shop_id, chat.chat_id, message_id)
            uow.commit()
        chat.read_to = message_id


def _reading(ctx: ServiceContext, message: ChatMessage) -> AnswerReading | None:
    if not message.is_incoming or not message.text.strip():
        return None
    return read_support_answer(ctx, message.text, "", "ozon")


def _record(
    ctx: ServiceContext,
    uow: ChatUnitOfWork,
    chat: SupportChat,
    message: ChatMessage,
    report: ChatFetchReport,
    actor: str,
) -> None:
    """Record one message; file it when the chat has (or now gets) a ticket."""
    current = uow.chats.chat(chat.shop_id, chat.chat_id)
    ticket_id = current.ticket_id if current is not None else None
    reading = _reading(ctx, message)
    appeal = (reading.appeal_number or "") if reading else ""
    record = ChatMessageRecord(
        chat.shop_id, message, ctx.clock.now(), ticket_id,
        reading.answer_class.value if reading else "", appeal,
    )  # fmt: skip
    if not uow.chats.add_message(record):
        report.duplicates += 1
        return
    report.new_messages += 1
    if ticket_id is None and appeal:
        ticket_id = uow.chats.ticket_by_external_id(chat.shop_id, appeal)
        if ticket_id is not None:
            uow.chats.link(chat.shop_id, chat.chat_id, ticket_id, "appeal_number")
            report.linked[chat.chat_id] = ticket_id
            ticket = uow.tickets.get(ticket_id)
            assert ticket is not None
            report.filed.extend(_file_backlog(ctx, uow, chat, ticket, actor))
            return
    if ticket_id is not None and message.is_incoming:
        ticket = uow.tickets.get(ticket_id)
        if ticket is not None:
            _file_under(ctx, uow, ticket, message, reading, actor)
            report.filed.append(ticket_id)
    chat.ticket_id = ticket_id


def _file_under(
    ctx: ServiceContext,
    uow: ChatUnitOfWork,
    ticket: Ticket,
    message: ChatMessage,
    reading: AnswerReading | None,
    actor: str,
) -> None:
    """An incoming entry of the ticket's correspondence: an answer when support wrote it."""
    text = message.text.strip() or ctx.message("chat_message_image")
    if message.is_from_support:
        author = ctx.message("chat_author_support")
    else:
        author = ctx.message("chat_author_system")
    entry = Message(Direction.IN, text, message.at, ticket.channel_id, author)
    is_answer = message.is_from_support and (
        reading is None or reading.answer_class.value != "auto_reply"
    )
    ticket.receive(entry, is_answer, actor)
    if reading is not None and reading.appeal_number:
        ticket.set_external_id(reading.appeal_number, ctx.clock.now(), actor)
    uow.tickets.save(ticket)


def _file_backlog(
    ctx: ServiceContext, uow: ChatUnitOfWork, chat: SupportChat, ticket: Ticket, actor: str
) -> list[int]:
    """File the chat's recorded messages that no ticket has yet; returns a ticket id each."""
    assert ticket.id is not None
    filed: list[int] = []
    for record in uow.chats.unfiled(chat.shop_id, chat.chat_id):
        message = record.message
        if message.is_incoming:
            _file_under(ctx, uow, ticket, message, _reading(ctx, message), actor)
            filed.append(ticket.id)
        uow.chats.file(chat.shop_id, message.message_id, ticket.id)
    return filed


def link_chat(
    ctx: ServiceContext, principal: Principal, chat_id: str, ticket_id: int
) -> tuple[SupportChat, int]:
    """Link a support chat to a ticket of the same shop and file the chat's waiting messages
    under it; returns the chat and how many messages were filed."""
    with chat_ports(ctx).uow() as uow:
        chat = uow.chats.find(chat_id.strip())
        if chat is None or not principal.can_view(chat.shop_id):
            raise NotFoundError("chat_not_found", chat_id=chat_id)
        ticket = access.editable_ticket(uow, principal, ticket_id)
        if ticket.shop_id != chat.shop_id:
            raise UserInputError("chat_other_shop", chat_id=chat_id, ticket_id=ticket_id)
        uow.chats.link(chat.shop_id, chat.chat_id, ticket_id, "manual")
        filed = _file_backlog(ctx, uow, chat, ticket, principal.login)
        uow.commit()
        linked = uow.chats.chat(chat.shop_id, chat.chat_id)
    assert linked is not None
    return linked, len(filed)


@dataclass(frozen=True)
class ChatBoard:
    """The support chats the principal sees, and the shops whose history Ozon refused."""

    chats: list[SupportChat]
    refused: dict[int, datetime]


def list_support_chats(
    ctx: ServiceContext, principal: Principal, shop_id: int | None = None
) -> ChatBoard:
    """The support chats as the last fetch left them (unread counts from Ozon's list)."""
    with chat_ports(ctx).uow() as uow:
        if shop_id is not None:
            shop_ids = [access.visible_shop(uow, principal, shop_id).id]
        else:
            shop_ids = [s.id for s in access.visible_shops(uow, principal)]
        chats = uow.chats.chats(shop_ids)
        refused = {i: at for i in shop_ids if (at := uow.chats.history_refused_at(i)) is not None}
    return ChatBoard(chats, refused)


def chat_messages(
    ctx: ServiceContext, principal: Principal, chat_id: str
) -> tuple[SupportChat, list[ChatMessageRecord]]:
    with chat_ports(ctx).uow() as uow:
        chat = uow.chats.find(chat_id.strip())
        if chat is None or not principal.can_view(chat.shop_id):
            raise NotFoundError("chat_not_found", chat_id=chat_id)
        return chat, uow.chats.messages(chat.shop_id, chat.chat_id)


def ticket_chats(ctx: ServiceContext, principal: Principal, ticket_id: int) -> list[SupportChat]:
    """The support chats linked to a ticket the principal sees (none without chat ports)."""
    if ctx.chats is None:
        return []
    with chat_ports(ctx).uow() as uow:
        access.visible_ticket(uow, principal, ticket_id)
        return uow.chats.of_ticket(ticket_id)


def chat_public(chat: SupportChat) -> dict[str, object]:
    """A support chat for JSON (CLI ``--json`` and the API)."""
    return {
        "shop_id": chat.shop_id,
        "chat_id": chat.chat_id,
        "status": chat.status,
        "created_at": chat.created_at.isoformat() if chat.created_at else None,
        "unread_count": chat.unread_count,
        "messages": chat.messages,
        "ticket_id": chat.ticket_id,
        "linked_by": chat.linked_by or None,
        "updated_at": chat.updated_at.isoformat() if chat.updated_at else None,
    }


def chat_message_public(record: ChatMessageRecord) -> dict[str, object]:
    m = record.message
    return {
        "message_id": str(m.message_id),
        "chat_id": m.chat_id,
        "author_type": m.author_type,
        "at": m.at.isoformat(),
        "text": m.text,
        "is_image": m.is_image,
        "ticket_id": record.ticket_id,
        "answer_class": record.answer_class or None,
        "appeal_number": record.appeal_number or None,
    }


def report_public(report: ChatFetchReport) -> dict[str, object]:
    return {
        "shop_id": report.shop_id,
        "chats": report.chats,
        "unread": report.unread,
        "new_messages": report.new_messages,
        "duplicates": report.duplicates,
        "tickets": report.filed,
        "linked": report.linked,
        "history_refused": report.history_refused,
        "notice": report.notice or None,
    }
