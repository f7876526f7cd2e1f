"""The journal as sheets for accountants: appeals, their correspondence and the audit findings,
with Russian headers and values and typed cells (numbers, days, times in Moscow, roubles).

The same appeals sheet is the CSV export (one table, cells written as text); its headers are
names the journal import reads back (``knowledge/journal_columns.yaml``, ``mpdesk kb check``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from mpdesk.domain.audit.findings import SavedFinding
from mpdesk.domain.identifiers import Identifier
from mpdesk.domain.tickets import Ticket
from mpdesk.services import formatting
from mpdesk.services.context import ServiceContext
from mpdesk.services.ports.spreadsheets import CellKind, Sheet, SheetColumn
from mpdesk.services.views import status_label

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: columns of the appeals sheet: key (header ``export_col_<key>``), cell kind, width
APPEAL_COLUMNS: tuple[tuple[str, CellKind, int], ...] = (
    ("id", "int", 7), ("shop", "text", 18), ("marketplace", "text", 12),
    ("category", "text", 16), ("status", "text", 18), ("channel", "text", 24),
    ("subject", "text", 40), ("external_id", "text", 16), ("event_date", "date", 12),
    ("identifiers", "text", 30), ("created_at", "datetime", 17),
    ("submitted_at", "datetime", 17), ("reply_due_at", "datetime", 17),
    ("amount_claimed", "money", 14), ("amount_recovered", "money", 14),
    ("description", "text", 50),
)  # fmt: skip
MESSAGE_COLUMNS: tuple[tuple[str, CellKind, int], ...] = (
    ("ticket", "int", 10), ("subject", "text", 36), ("at", "datetime", 17),
    ("direction", "text", 22), ("channel", "text", 24), ("author", "text", 14),
    ("body", "text", 80),
)  # fmt: skip
FINDING_COLUMNS: tuple[tuple[str, CellKind, int], ...] = (
    ("id", "text", 14), ("shop", "text", 18), ("marketplace", "text", 12),
    ("kind", "text", 26), ("title", "text", 60), ("amount", "money", 14),
    ("currency", "text", 8), ("event_date", "date", 12), ("deadline", "date", 12),
    ("status", "text", 18), ("ticket", "int", 10), ("amount_recovered", "money", 14),
    ("comment", "text", 30),
)  # fmt: skip


def neutralize_cell(value: Any) -> Any:
    """Text that a spreadsheet would read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _columns(
    ctx: ServiceContext, prefix: str, spec: tuple[tuple[str, CellKind, int], ...]
) -> list[SheetColumn]:
    return [SheetColumn(ctx.message(f"{prefix}{key}"), kind, width) for key, kind, width in spec]


def _money(value: str | Decimal | None) -> Decimal | None:
    return Decimal(value) if value not in (None, "") else None


def identifiers_text(ctx: ServiceContext, identifiers: list[Identifier]) -> str:
    """«Номер поставки: 24567891; Баркод: 2000…» (the import reads it back)."""
    return "; ".join(
        ctx.message("export_identifier", label=ctx.message(f"triage_entity_{i.type.value}"),
                    value=i.value)
        for i in identifiers
    )  # fmt: skip


def appeals_sheet(ctx: ServiceContext, tickets: list[Ticket], shops: dict[int, str]) -> Sheet:
    def local(moment: datetime | None) -> datetime | None:
        return ctx.clock.local(moment).replace(tzinfo=None) if moment else None

    rows = []
    for t in tickets:
        channel = ctx.kb.channels.get(t.channel_id)
        values: dict[str, Any] = {
            "id": t.id,
            "shop": shops.get(t.shop_id, ""),
            "marketplace": _marketplace(ctx, t.marketplace),
            "category": _category(ctx, t.category),
            "status": status_label(ctx, t.status),
            "channel": channel.name_ru if channel else "",
            "subject": t.subject,
            "external_id": t.external_id,
            "event_date": t.event_date,
            "identifiers": identifiers_text(ctx, t.identifiers),
            "created_at": local(t.created_at),
            "submitted_at": local(t.submitted_at),
            "reply_due_at": local(t.reply_due_at),
            "amount_claimed": _money(t.amount_claimed),
            "amount_recovered": _money(t.amount_recovered),
            "description": t.description,
        }
        rows.append([neutralize_cell(values[key]) for key, _, _ in APPEAL_COLUMNS])
    return Sheet(
        ctx.message("export_sheet_appeals"), _columns(ctx, "export_col_", APPEAL_COLUMNS), rows
    )


def messages_sheet(ctx: ServiceContext, tickets: list[Ticket]) -> Sheet:
    rows = []
    for t in tickets:
        for m in t.messages:
            channel = ctx.kb.channels.get(m.channel)
            rows.append(
                [
                    t.id,
                    neutralize_cell(t.subject),
                    ctx.clock.local(m.at).replace(tzinfo=None),
                    ctx.message(f"export_direction_{m.direction.value}"),
                    channel.name_ru if channel else neutralize_cell(m.channel),
                    neutralize_cell(m.author),
                    neutralize_cell(m.body),
                ]
            )
    return Sheet(
        ctx.message("export_sheet_messages"), _columns(ctx, "export_msg_", MESSAGE_COLUMNS), rows
    )


def findings_sheet(
    ctx: ServiceContext, findings: list[SavedFinding], shops: dict[int, str]
) -> Sheet:
    # audit_views imports the audit, which imports the shops and so the export: not at the top
    from mpdesk.services.audit_views import finding_title, kind_label
    from mpdesk.services.audit_views import status_label as finding_status_label

    rows = []
    for s in findings:
        f = s.finding
        rub = f.currency == "RUB"
        rows.append(
            [
                f.id,
                shops.get(s.shop_id, ""),
                _marketplace(ctx, f.marketplace),
                kind_label(ctx, f.kind),
                neutralize_cell(finding_title(ctx, f)),
                f.amount if rub else None,
                "" if rub else f.currency,
                f.event_date,
                s.deadline,
                finding_status_label(ctx, s.status),
                s.ticket_id,
                s.amount_recovered,
                neutralize_cell(s.comment),
            ]
        )
        if not rub and f.amount is not None:  # another currency: no rouble format on it
            rows[-1][4] = f"{rows[-1][4]} ({formatting.money(f.amount, currency=f.currency)})"
    return Sheet(
        ctx.message("export_sheet_findings"),
        _columns(ctx, "export_finding_", FINDING_COLUMNS),
        rows,
    )


def as_text(ctx: ServiceContext, sheet: Sheet) -> list[list[Any]]:
    """The sheet's rows as a person reads them (the CSV export): days and times in the Russian
    form, roubles as plain decimals with a comma."""
    rows = []
    for row in sheet.rows:
        cells: list[Any] = []
        for column, value in zip(sheet.columns, row, strict=True):
            if value is None:
                cells.append("")
            elif column.kind == "date":
                cells.append(formatting.day(value))
            elif column.kind == "datetime":
                cells.append(formatting.moment(value))
            elif column.kind == "money":
                cells.append(str(value).replace(".", ","))
            else:
                cells.append(value)
        rows.append(cells)
    return rows


def _marketplace(ctx: ServiceContext, mid: str) -> str:
    market = ctx.kb.marketplaces.get(mid)
    return market.name_ru if market else mid


def _category(ctx: ServiceContext, cid: str) -> str:
    category = ctx.kb.categories.get(cid)
    return category.label_ru if category else cid
