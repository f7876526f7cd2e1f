"""Use cases: export the journal (csv, xlsx, json) and import a json export back."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from mpdesk.domain.audit.findings import SavedFinding
from mpdesk.domain.errors import ImportFormatError, UnknownValueError
from mpdesk.domain.identifiers import Identifier, IdType
from mpdesk.domain.json_text import parse_json
from mpdesk.domain.tickets import Attachment, Direction, Event, Message, Status, Ticket
from mpdesk.services import journal_sheets
from mpdesk.services.context import ServiceContext
from mpdesk.services.ports.audit import FindingFilter
from mpdesk.services.ports.journal import TicketFilter, UnitOfWork
from mpdesk.services.triage_case import read_urgent_sign
from mpdesk.services.views import ticket_public

FORMAT_VERSION = 1


def export_journal(ctx: ServiceContext, fmt: str, dest: Path, flt: TicketFilter) -> int:
    """Write the tickets ``flt`` selects: JSON (the whole journal, for a move), CSV (the appeals
    table) or XLSX (sheets of appeals, correspondence and findings for accountants)."""
    from mpdesk.services.urgency import resolve_urgent  # urgency reads the deadlines module

    if fmt not in ("csv", "xlsx", "json"):
        raise UnknownValueError("format", fmt, ["csv", "json", "xlsx"])
    # the clocks are read before the journal's connection is taken, never while it is held
    chosen = resolve_urgent(ctx, replace(flt, identifiers=True)) if fmt != "json" else flt
    with ctx.uow() as uow:
        if fmt == "json":
            doc = journal_document(ctx, uow, flt)
        else:
            names = {s.id: s.name for s in uow.shops.list()}
            tickets = uow.tickets.list(chosen)
            if fmt == "xlsx":
                wanted = {t.id for t in tickets}
                full = {t.id: t for t in uow.tickets.iter_all() if t.id in wanted}
    if fmt == "json":
        ctx.tables.write_text(dest, json.dumps(doc, ensure_ascii=False, indent=1))
        return len(doc["tickets"])
    appeals = journal_sheets.appeals_sheet(ctx, tickets, names)
    if fmt == "csv":
        headers = [c.header for c in appeals.columns]
        ctx.tables.write(dest, "csv", headers, journal_sheets.as_text(ctx, appeals))
        return len(tickets)
    listed = [full.get(t.id, t) for t in tickets]
    sheets = [appeals, journal_sheets.messages_sheet(ctx, listed)]
    if ctx.audit is not None:
        sheets.append(journal_sheets.findings_sheet(ctx, _findings(ctx, flt), names))
    ctx.tables.write_workbook(dest, sheets)
    return len(tickets)


def _findings(ctx: ServiceContext, flt: TicketFilter) -> list[SavedFinding]:
    """The findings of the exported shops (the filter's shop and visibility scope)."""
    assert ctx.audit is not None
    shop_ids = flt.shop_ids
    if flt.shop_id is not None:
        shop_ids = [flt.shop_id] if shop_ids is None or flt.shop_id in shop_ids else []
    with ctx.audit.uow() as uow:
        return [
            s
            for s in uow.audits.list(FindingFilter(shop_ids=shop_ids))
            if flt.marketplace in (None, s.finding.marketplace)
        ]


def journal_document(ctx: ServiceContext, uow: UnitOfWork, flt: TicketFilter) -> dict[str, Any]:
    """The JSON export of the tickets ``flt`` selects, read in the caller's unit of work;
    with a shop filter only that shop is listed."""
    shops = {s.id: s for s in uow.shops.list() if flt.shop_id in (None, s.id)}
    tickets = [t for t in uow.tickets.iter_all() if _matches(t, flt)]
    return {
        "format": "mpdesk-journal",
        "version": FORMAT_VERSION,
        "exported_at": ctx.clock.now().isoformat(),
        "shops": [
            {"name": s.name, "marketplace": s.marketplace, "is_default": s.is_default}
            for s in shops.values()
        ],
        "tickets": [{**ticket_public(t), "shop": shops[t.shop_id].name} for t in tickets],
    }


def write_json(ctx: ServiceContext, dest: Path, doc: dict[str, Any]) -> None:
    """Write a document atomically (the table writer's temporary file, then renamed)."""
    ctx.tables.write_text(dest, json.dumps(doc, ensure_ascii=False, indent=1))


def _matches(ticket: Ticket, flt: TicketFilter) -> bool:
    return (
        (not flt.status or ticket.status in flt.status)
        and (flt.marketplace is None or ticket.marketplace == flt.marketplace)
        and (flt.category is None or ticket.category == flt.category)
        and (flt.shop_id is None or ticket.shop_id == flt.shop_id)
        and (flt.shop_ids is None or ticket.shop_id in flt.shop_ids)
    )


# --- import ------------------------------------------------------------------------------


def _dt(value: Any, where: str) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise ImportFormatError("import_bad_field", where=where, value=str(value)) from exc
    if moment.tzinfo is None:
        raise ImportFormatError("import_bad_field", where=where, value=str(value))
    return moment


def _ticket_from_public(data: dict[str, Any], shop_id: int, where: str) -> Ticket:
    try:
        created = _dt(data["created_at"], f"{where}.created_at")
        updated = _dt(data["updated_at"], f"{where}.updated_at")
        assert created is not None and updated is not None
        return Ticket(
            shop_id=shop_id,
            marketplace=data["marketplace"],
            category=data["category"],
            subject=data["subject"],
            body=data["body"],
            description=data["description"],
            created_at=created,
            updated_at=updated,
            event_date=date.fromisoformat(data["event_date"]) if data["event_date"] else None,
            status=Status(data["status"]),
            channel_id=data["channel"] or "",
            external_id=data["external_id"] or "",
            submitted_at=_dt(data["submitted_at"], f"{where}.submitted_at"),
            reply_due_at=_dt(data["reply_due_at"], f"{where}.reply_due_at"),
            first_answer_at=_dt(data["first_answer_at"], f"{where}.first_answer_at"),
            closed_at=_dt(data["closed_at"], f"{where}.closed_at"),
            amount_claimed=data["amount_claimed"],
            amount_recovered=data["amount_recovered"],
            identifiers=[Identifier(IdType(i["type"]), i["value"]) for i in data["identifiers"]],
            attachments=[
                Attachment(
                    a["sha256"],
                    a["filename"],
                    a["size"],
                    a["media_type"],
                    _dt(a["added_at"], f"{where}.attachments") or created,
                )
                for a in data["attachments"]
            ],
            messages=[
                Message(
                    Direction(m["direction"]),
                    m["body"],
                    _dt(m["at"], f"{where}.messages") or created,
                    m["channel"],
                    m["author"],
                )
                for m in data["messages"]
            ],
            events=[
                Event(
                    e["kind"],
                    _dt(e["at"], f"{where}.events") or created,
                    e["actor"],
                    e["from"],
                    e["to"],
                    e["detail"],
                )
                for e in data["events"]
            ],
        )
    except (KeyError, TypeError, ValueError, AssertionError) as exc:
        raise ImportFormatError("import_bad_field", where=where, value=str(exc)) from exc


def import_journal(
    ctx: ServiceContext, source: Path, dry_run: bool = False, name: str | None = None
) -> dict[str, int]:
    """All or nothing: any bad record aborts the import with its position. The file is parsed
    by ``parse_json`` (``JsonInputError`` names the line and column of what is wrong). A dry
    run checks everything and counts, then rolls back."""
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise ImportFormatError("import_unreadable", file=source.name) from exc
    shown = name or str(source)  # an upload is named by its own name, never the server's path
    doc = parse_json(data, shown)
    if not isinstance(doc, dict) or doc.get("format") != "mpdesk-journal":
        raise ImportFormatError("import_not_export", file=shown)
    added = skipped = 0
    with ctx.uow() as uow:
        for i, shop in enumerate(doc.get("shops", [])):
            if shop.get("marketplace") not in ctx.kb.marketplaces:
                raise ImportFormatError(
                    "import_bad_field",
                    where=f"shops[{i}].marketplace",
                    value=str(shop.get("marketplace")),
                )
            if uow.shops.find(shop["name"]) is None:
                is_default = (
                    bool(shop.get("is_default"))
                    and uow.shops.default_for(shop["marketplace"]) is None
                )
                uow.shops.add(shop["name"], shop["marketplace"], is_default, ctx.clock.now())
        existing = {(t.shop_id, t.created_at, t.subject) for t in uow.tickets.iter_all()}
        id_map: dict[int, int] = {}
        pending_parents: list[tuple[Ticket, int]] = []
        for i, data in enumerate(doc.get("tickets", [])):
            where = f"tickets[{i}]"
            shop = uow.shops.find(str(data.get("shop")))
            if shop is None:
                raise ImportFormatError(
                    "import_bad_field", where=f"{where}.shop", value=str(data.get("shop"))
                )
            ticket = _ticket_from_public(data, shop.id, where)
            if ticket.is_open:  # urgency is derived: the text is read, an old flag ignored
                ticket.urgent_sign = read_urgent_sign(ctx, ticket.description)
            if (shop.id, ticket.created_at, ticket.subject) in existing:
                skipped += 1
                continue
            uow.tickets.add(ticket)
            assert ticket.id is not None
            id_map[int(data["id"])] = ticket.id
            if data.get("parent_id"):
                pending_parents.append((ticket, int(data["parent_id"])))
            added += 1
        added_tickets = {t.id: t for t, _ in pending_parents}
        for ticket, old_parent in pending_parents:  # in file order: a parent comes first
            ticket.parent_id = id_map.get(old_parent)
            parent = added_tickets.get(ticket.parent_id)
            if ticket.parent_id is not None:  # the follow-up joins its parent's case
                ticket.case_id = parent.case_id if parent else ticket.parent_id
            uow.tickets.save(ticket)
        if not dry_run:
            uow.commit()
    return {"added": added, "skipped": skipped}
