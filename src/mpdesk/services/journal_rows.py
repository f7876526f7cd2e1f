"""One row of a journal table read into an appeal: every cell through the one input parser
(``user_input``: dates, moments, amounts, identifiers, categories), Russian labels of statuses,
marketplaces and channels read back to their ids. A cell that cannot be read is reported with
its column's header and the rest of the row is still checked."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from mpdesk.domain.errors import IdentifierFormatError, MpdeskError
from mpdesk.domain.identifiers import Identifier, IdType
from mpdesk.domain.journal_table import IDENTIFIER_FIELDS, JournalVocabulary
from mpdesk.domain.shops import Shop
from mpdesk.domain.tickets import AWAITING_REPLY, CLOSED_STATUSES, Event, Status, Ticket
from mpdesk.services import user_input
from mpdesk.services.context import ServiceContext

Report = Callable[[str, str, dict[str, Any]], None]
#: a cell the export guarded against formulas (``'=…``) reads back without the apostrophe
_GUARDED = re.compile(r"^'(?=[=+\-@\t\r])")
#: a whole number a spreadsheet turned into a float («24567891.0»)
_FLOAT_INTEGER = re.compile(r"^(\d+)\.0+$")
_PAIR_SEPARATOR = re.compile(r"\s*[;\n]\s*")
#: statuses whose appeal was sent
_SENT = AWAITING_REPLY | CLOSED_STATUSES | {Status.ANSWERED}


@dataclass
class RowValues:
    shop: str = ""
    marketplace: str = ""
    category: str = "other"
    status: Status | None = None
    channel: str = ""
    subject: str = ""
    description: str = ""
    external_id: str = ""
    event_date: date | None = None
    created_at: datetime | None = None
    submitted_at: datetime | None = None
    reply_due_at: datetime | None = None
    amount_claimed: str | None = None
    amount_recovered: str | None = None
    identifiers: list[Identifier] = field(default_factory=list)


class RowReader:
    def __init__(
        self, ctx: ServiceContext, vocabulary: JournalVocabulary, headers: dict[str, str]
    ) -> None:
        self.ctx, self.vocabulary, self.headers = ctx, vocabulary, headers
        self.markets = user_input.marketplace_names(ctx)
        self.markets.update({m.name_ru.lower(): m.id for m in ctx.kb.marketplaces.values()})
        self.id_labels: dict[str, IdType] = {
            ctx.message(f"triage_entity_{t.value}").lower(): t
            for t in IdType
            if t is not IdType.AMOUNT
        }
        self.id_labels.update({t.value: t for t in IdType if t is not IdType.AMOUNT})
        for name in IDENTIFIER_FIELDS:
            for header in vocabulary.columns.get(name, ()):
                self.id_labels.setdefault(header.lower(), IdType(name))

    def read(self, cells: dict[str, str], report: Report) -> RowValues:
        values = RowValues()
        text = {f: _GUARDED.sub("", v) for f, v in cells.items()}
        values.shop = text.get("shop", "")
        values.subject = text.get("subject", "")
        values.description = text.get("description", "")
        values.external_id = _FLOAT_INTEGER.sub(r"\1", text.get("external_id", ""))
        readers: dict[str, Callable[[str, str], None]] = {
            "marketplace": lambda v, h: setattr(values, "marketplace", self._market(v)),
            "category": lambda v, h: setattr(
                values, "category", user_input.parse_category(self.ctx, v, h) or "other"
            ),
            "status": lambda v, h: setattr(values, "status", self._status(v)),
            "event_date": lambda v, h: setattr(
                values, "event_date", user_input.parse_event_date(self.ctx, _day(v), h)
            ),
            "amount_claimed": lambda v, h: setattr(
                values, "amount_claimed", user_input.parse_amount(v, h)
            ),
            "amount_recovered": lambda v, h: setattr(
                values, "amount_recovered", user_input.parse_amount(v, h)
            ),
            **{
                name: (lambda n: lambda v, h: setattr(
                    values, n, user_input.parse_moment(self.ctx, v, h)))(name)
                for name in ("created_at", "submitted_at", "reply_due_at")
            },
        }  # fmt: skip
        for name, read in readers.items():
            if text.get(name):
                self._guard(name, text[name], read, report)
        if not values.subject and not values.description:
            column = self.headers.get("subject", self.headers.get("description", ""))
            report(column, "journal_import_no_subject", {})
        if text.get("channel"):
            self._guard("channel", text["channel"], lambda v, h: self._channel(values, v), report)
        return values

    def _guard(
        self, name: str, value: str, read: Callable[[str, str], None], report: Report
    ) -> None:
        header = self.headers.get(name, name)
        try:
            read(value, header)
        except MpdeskError as exc:
            fields = {**exc.fields, "field": exc.fields.get("field", header)}
            if exc.code == "unknown_value":
                allowed = ", ".join(f"«{a}»" for a in self._allowed(name))
                report(
                    header, f"journal_import_unknown_{name}", {"value": value, "allowed": allowed}
                )
            else:
                report(str(fields["field"]), exc.code, fields)

    def _allowed(self, name: str) -> list[str]:
        if name == "category":
            return [c.label_ru for c in self.ctx.kb.categories.values()]
        if name == "status":
            return [self.ctx.message(f"ticket_status_{s.value}") for s in Status]
        return []

    def _market(self, value: str) -> str:
        market = self.markets.get(value.strip().lower())
        if market is None:
            raise MpdeskError("unknown_value", field="marketplace", value=value)
        return market

    def _status(self, value: str) -> Status:
        labels = {self.ctx.message(f"ticket_status_{s.value}").lower(): s for s in Status}
        found = labels.get(value.strip().lower()) or self.vocabulary.status_of(value)
        if found is None:
            raise MpdeskError("unknown_value", field="status", value=value)
        return Status(found)

    def _channel(self, values: RowValues, value: str) -> None:
        wanted = value.strip().lower()
        for channel in self.ctx.kb.channels.values():
            if wanted in (channel.id, channel.name_ru.lower()):
                if values.marketplace and channel.marketplace not in (values.marketplace, "*"):
                    break
                values.channel = channel.id
                return
        raise MpdeskError("unknown_value", field="channel", value=value)

    def read_identifiers(self, values: RowValues, cells: dict[str, str], report: Report) -> None:
        """Once the row's marketplace is known (its formats differ)."""
        self._guard("identifiers", "", lambda v, h: self._identifiers(values, cells), report)

    def _identifiers(self, values: RowValues, text: dict[str, str]) -> None:
        """The identifier columns, and «Номер поставки: 123; Баркод: 456» in one cell."""
        pairs: list[tuple[IdType, str]] = []
        fields: dict[IdType, str] = {}
        for name in IDENTIFIER_FIELDS:
            if text.get(name):
                id_type = IdType(name)
                pairs.append((id_type, _FLOAT_INTEGER.sub(r"\1", text[name])))
                fields[id_type] = self.headers[name]
        for part in _PAIR_SEPARATOR.split(text.get("identifiers", "")):
            label, _, raw = part.partition(":")
            if not part.strip():
                continue
            labelled = self.id_labels.get(label.strip().lower())
            if labelled is None or not raw.strip():
                raise IdentifierFormatError(
                    self.headers.get("identifiers", ""), part[:60], "labelled_identifier"
                )
            pairs.append((labelled, raw.strip()))
            fields.setdefault(labelled, self.headers.get("identifiers", ""))
        values.identifiers = user_input.parse_identifiers(values.marketplace, pairs, fields)

    def ticket(self, values: RowValues, shop: Shop, now: datetime, actor: str) -> Ticket:
        """The appeal of a checked row. A row without a status is «отправлено» when it has the
        marketplace's number, else a draft; the reply is due by the channel's time when the
        file does not say."""
        status = values.status or (Status.SUBMITTED if values.external_id else Status.DRAFT)
        market = shop.marketplace
        channel = self.ctx.kb.channels.get(values.channel) or (
            self.ctx.kb.default_channel(market, values.category) if status in _SENT else None
        )
        created = values.created_at or now
        submitted = values.submitted_at or (created if status in _SENT else None)
        due = values.reply_due_at
        if due is None and status in AWAITING_REPLY and submitted and channel is not None:
            due = submitted + timedelta(hours=channel.reply_hours)
        subject = values.subject or values.description.split("\n")[0][:120]
        description = values.description or values.subject
        return Ticket(
            shop_id=shop.id,
            marketplace=market,
            category=values.category,
            subject=subject,
            body=description,
            description=description,
            created_at=created,
            updated_at=now,
            event_date=values.event_date,
            status=status,
            channel_id=channel.id if channel else "",
            external_id=values.external_id,
            submitted_at=submitted,
            reply_due_at=due,
            closed_at=max(created, submitted or created) if status in CLOSED_STATUSES else None,
            amount_claimed=values.amount_claimed,
            amount_recovered=values.amount_recovered,
            identifiers=values.identifiers,
            events=[Event("created", created, actor, "", status.value)],
        )


def _day(value: str) -> str:
    """A day a spreadsheet wrote with a zero time («2026-11-19 00:00:00») as the day alone."""
    head, _, rest = value.partition(" ")
    return head if rest.strip() in ("00:00:00", "00:00") else value
