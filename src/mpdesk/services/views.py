"""Plain-dict views of domain objects, shared by the CLI ``--json``, exports and the API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from mpdesk.domain.accounts import Role
from mpdesk.domain.tickets import Status, Ticket
from mpdesk.services.compose_appeal import Appeal
from mpdesk.services.context import ServiceContext

Localize = Callable[[datetime], datetime]


def status_label(ctx: ServiceContext, status: Status | str) -> str:
    """The Russian name of a ticket status (the one place: pages, CLI, exports)."""
    return ctx.message(f"ticket_status_{Status(status).value}")


def role_label(ctx: ServiceContext, role: Role | str) -> str:
    return ctx.message(f"role_{Role(role).value}")


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def ticket_public(ticket: Ticket, full: bool = True) -> dict[str, Any]:
    """Times in UTC ISO 8601; the surfaces localise for people."""
    data: dict[str, Any] = {
        "id": ticket.id,
        "shop_id": ticket.shop_id,
        "marketplace": ticket.marketplace,
        "category": ticket.category,
        "status": ticket.status.value,
        "subject": ticket.subject,
        "event_date": ticket.event_date.isoformat() if ticket.event_date else None,
        "channel": ticket.channel_id,
        "external_id": ticket.external_id or None,
        "parent_id": ticket.parent_id,
        "case_id": ticket.case_id,
        "amount_claimed": ticket.amount_claimed,
        "amount_recovered": ticket.amount_recovered,
        "created_at": _iso(ticket.created_at),
        "updated_at": _iso(ticket.updated_at),
        "submitted_at": _iso(ticket.submitted_at),
        "reply_due_at": _iso(ticket.reply_due_at),
        "first_answer_at": _iso(ticket.first_answer_at),
        "closed_at": _iso(ticket.closed_at),
        "version": ticket.version,
        "identifiers": [{"type": i.type.value, "value": i.value} for i in ticket.identifiers],
    }
    if full:
        data["description"] = ticket.description
        data["body"] = ticket.body
        data["attachments"] = [
            {
                "id": a.id,
                "filename": a.filename,
                "size": a.size,
                "media_type": a.media_type,
                "sha256": a.sha256,
                "added_at": _iso(a.added_at),
            }
            for a in ticket.attachments
        ]
        data["messages"] = [
            {
                "id": m.id,
                "direction": m.direction.value,
                "channel": m.channel,
                "author": m.author,
                "body": m.body,
                "at": _iso(m.at),
            }
            for m in ticket.messages
        ]
        data["events"] = [
            {
                "kind": e.kind,
                "at": _iso(e.at),
                "actor": e.actor,
                "from": e.from_value,
                "to": e.to_value,
                "detail": e.detail,
            }
            for e in ticket.events
        ]
    return data


def appeal_public(appeal: Appeal, message: Callable[..., str]) -> dict[str, Any]:
    ch = appeal.channel
    return {
        "template": appeal.template_id,
        "subject": appeal.subject,
        "body": appeal.body,
        "complete": appeal.complete,
        "channel": {
            "id": ch.id,
            "name": ch.name_ru,
            "kind": ch.kind.value,
            "official": ch.official,
            "menu_path": ch.menu_path_ru,
            "url": ch.url,
            "address": ch.address,
            "reply_hours": ch.reply_hours,
            "notes": ch.notes_ru,
        },
        "checklist": [
            {
                "id": s.id,
                "label": s.label_ru,
                "done": s.done,
                "required": s.required,
                "question": None if s.done else s.question_ru,
            }
            for s in appeal.checklist
        ],
        "missing": [s.id for s in appeal.missing],
        "questions": [s.question_ru for s in appeal.missing],
        "warnings": [
            {"code": w.code, "message": message(w.code, **w.fields), **w.fields}
            for w in appeal.warnings
        ],
    }
