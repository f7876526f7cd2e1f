"""The one mapping between a row of ``tickets`` and a ``Ticket`` (without its children):
the repositories and the analytics queries read tickets through it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import literal
from sqlalchemy.sql.elements import ColumnElement

from mpdesk.adapters.db import tables as t
from mpdesk.domain.tickets import Attachment, Status, Ticket

_SCALARS = (
    "shop_id",
    "marketplace",
    "category",
    "subject",
    "body",
    "description",
    "event_date",
    "channel_id",
    "external_id",
    "submitted_at",
    "reply_due_at",
    "first_answer_at",
    "closed_at",
    "urgent_sign",
    "parent_id",
    "case_id",
    "amount_claimed",
    "amount_recovered",
    "created_at",
    "updated_at",
)
#: the columns a ``Ticket`` is built from, in this order (``ticket_from_row``)
FIELDS = ("id", "status", "version", *_SCALARS)
TICKET_COLUMNS = tuple(t.tickets.c[name] for name in FIELDS)
#: texts a list of clocks does not need (the appeal's body and the seller's description)
_TEXTS = ("body", "description")
_STATUSES = {s.value: s for s in Status}


#: ``TICKET_COLUMNS`` with the long texts left empty (lists and clocks that show neither)
LIST_COLUMNS = tuple(literal("").label(c.name) if c.name in _TEXTS else c for c in TICKET_COLUMNS)


def ticket_columns(with_texts: bool = True) -> list[ColumnElement[Any]]:
    """``TICKET_COLUMNS``, the long texts left empty unless ``with_texts``."""
    return list(TICKET_COLUMNS if with_texts else LIST_COLUMNS)


def ticket_values(ticket: Ticket) -> dict[str, Any]:
    values = {name: getattr(ticket, name) for name in _SCALARS}
    values["status"] = ticket.status.value
    return values


def ticket_from_row(row: Any) -> Ticket:
    """A ticket from a row of ``TICKET_COLUMNS`` (children are read separately)."""
    values = dict(zip(FIELDS, row, strict=True))
    status = values["status"]
    values["status"] = _STATUSES.get(status) or Status(status)
    return Ticket(**values)


def attachment_values(a: Attachment) -> dict[str, Any]:
    """The columns of a new attachment row (without its ticket)."""
    names = ("sha256", "filename", "size", "media_type", "added_at", "width", "height")
    return {name: getattr(a, name) for name in names}


def attachment_from_row(r: Any) -> Attachment:
    return Attachment(
        r.sha256, r.filename, r.size, r.media_type, r.added_at, r.id, r.width, r.height
    )
