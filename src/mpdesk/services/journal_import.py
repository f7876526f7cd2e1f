"""Use case: import a journal a seller keeps as a table (CSV, XLSX, XLS, ODS) — or mpdesk's own
CSV/XLSX export — into the journal, with a preview first.

Columns are found by their header names (``knowledge/journal_columns.yaml``); each row becomes
an appeal. Every row is checked before anything is written: a bad cell is reported by its row
and column in Russian and nothing is imported. The rows are written in one transaction. A row
whose stable key (``domain.journal_table.row_key``) is already in the journal — imported
before, or the same appeal entered by hand — is skipped, so importing a file twice adds it once.
A JSON file (``mpdesk export --format json``) goes to the JSON import; the content decides,
never the file's name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mpdesk.domain.accounts import Principal, Role
from mpdesk.domain.errors import ImportFormatError, UserInputError
from mpdesk.domain.journal_table import FIELDS, pick_header, row_key
from mpdesk.domain.shops import Shop
from mpdesk.domain.tickets import Event, Ticket
from mpdesk.services import access, export
from mpdesk.services.context import ServiceContext
from mpdesk.services.journal_rows import RowReader, RowValues
from mpdesk.services.ports.journal import UnitOfWork
from mpdesk.services.ports.spreadsheets import SpreadsheetPorts
from mpdesk.services.shops import resolve_shop

#: a journal longer than this is not a seller's table (and would not fit a preview)
MAX_ROWS = 20_000


@dataclass(frozen=True)
class RowProblem:
    row: int  # the row (XLSX) or line (CSV) in the file
    column: str  # the column's header in the file ("" for the row as a whole)
    code: str
    message: str  # Russian, names the row and the column
    problem: str  # Russian, what is wrong with the cell (the message without the place)


@dataclass
class ImportRow:
    row: int
    ticket: Ticket
    shop: str
    key: str
    exists: bool  # already in the journal, or earlier in the same file


@dataclass
class ImportResult:
    file: str
    format: str
    dry_run: bool
    columns: list[tuple[str, str]] = field(default_factory=list)  # (header, field label)
    ignored: list[str] = field(default_factory=list)  # headers that name no field
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    added: int = 0
    skipped: int = 0


class ImportRowsError(ImportFormatError):
    """Some rows cannot be imported; ``problems`` names each (row, column); nothing was
    written."""

    code = "journal_import_bad_rows"

    def __init__(self, result: ImportResult, details: str) -> None:
        problems = [
            {"row": p.row, "column": p.column, "code": p.code, "message": p.message}
            for p in result.problems
        ]
        super().__init__(file=result.file, count=len(problems), details=details, problems=problems)
        self.result = result


def sheet_ports(ctx: ServiceContext) -> SpreadsheetPorts:
    if ctx.sheets is None:
        raise RuntimeError("mpdesk was bootstrapped without the spreadsheet ports")
    return ctx.sheets


def import_file(
    ctx: ServiceContext,
    principal: Principal,
    source: Path,
    dry_run: bool = False,
    name: str | None = None,
) -> ImportResult:
    """Import a journal file of any supported kind (the content decides). ``name`` is how the
    file is called in messages (an upload's own name; the server's path is never shown)."""
    display = name or source.name
    fmt = sheet_ports(ctx).reader.sniff(source)
    if fmt == "json":
        if not principal.is_admin:  # a whole journal: its shops, and every ticket as it was
            raise UserInputError("journal_import_json_admin")
        counts = export.import_journal(ctx, source, dry_run=dry_run, name=name)
        return ImportResult(display, "json", dry_run, added=counts["added"],
                            skipped=counts["skipped"])  # fmt: skip
    return import_table(ctx, principal, source, dry_run, display)


def import_table(
    ctx: ServiceContext, principal: Principal, source: Path, dry_run: bool, display: str
) -> ImportResult:
    ports = sheet_ports(ctx)
    vocabulary = ports.vocabulary()
    try:
        table = ports.reader.read(source, lambda rows: pick_header(vocabulary, rows))
    except ImportFormatError as exc:
        exc.fields["file"] = display
        raise
    if len(table.rows) > MAX_ROWS:
        raise ImportFormatError("journal_import_too_long", file=display, limit=MAX_ROWS)
    if not table.rows:
        raise ImportFormatError("journal_import_empty", file=display)
    headers = table.header.headers
    found = set(headers)
    if not found & {"subject", "description"} or not found & {"marketplace", "shop"}:
        raise ImportFormatError("journal_import_missing_columns", file=display)
    result = ImportResult(
        display,
        table.format,
        dry_run,
        columns=[(headers[f], ctx.message(f"journal_field_{f}")) for f in FIELDS if f in headers],
        ignored=table.header.ignored,
    )
    with ctx.uow() as uow:
        reader = RowReader(ctx, vocabulary, headers)
        shops = _ShopFinder(ctx, uow, principal)
        known = _known_keys(ctx, uow)
        now = ctx.clock.now()
        for number, cells in table.rows:
            problems: list[RowProblem] = []
            values = reader.read(cells, _reporter(ctx, number, problems))
            market_column = headers.get("marketplace")
            shop = (
                None  # the marketplace cell is already reported
                if any(p.column == market_column for p in problems)
                else shops.resolve(values, _reporter(ctx, number, problems), headers)
            )
            if shop is not None:
                reader.read_identifiers(values, cells, _reporter(ctx, number, problems))
            if problems or shop is None:
                result.problems.extend(problems)
                continue
            ticket = reader.ticket(values, shop, now, principal.login)
            key = row_key(
                shop.id,
                ticket.marketplace,
                ticket.external_id,
                ticket.category,
                ticket.subject,
                ticket.event_date,
                ctx.clock.local(ticket.created_at).date() if "created_at" in headers else None,
            )
            ticket.events.append(Event("imported", now, principal.login, "", "", key))
            result.rows.append(ImportRow(number, ticket, shop.name, key, key in known))
            known.add(key)
        if result.problems:
            raise ImportRowsError(result, _details(ctx, result.problems))
        result.added = sum(not r.exists for r in result.rows)
        result.skipped = len(result.rows) - result.added
        if not dry_run:  # a dry run has checked every row: it writes nothing at all
            for row in result.rows:
                if not row.exists:
                    uow.tickets.add(row.ticket)
            uow.commit()
    return result


#: problems listed in the error message itself (all of them are in its fields)
LISTED_PROBLEMS = 30


def _details(ctx: ServiceContext, problems: list[RowProblem]) -> str:
    lines = [p.message for p in problems[:LISTED_PROBLEMS]]
    if len(problems) > LISTED_PROBLEMS:
        lines.append(
            ctx.message("journal_import_more_problems", count=len(problems) - LISTED_PROBLEMS)
        )
    return "\n".join(lines)


def _known_keys(ctx: ServiceContext, uow: UnitOfWork) -> set[str]:
    """Keys of the journal's appeals: those recorded by earlier imports, and the keys every
    appeal would have with and without the day it was made (in Moscow, as the export shows)."""
    keys: set[str] = set()
    for t in uow.tickets.iter_all():
        keys.update(e.detail for e in t.events if e.kind == "imported" and e.detail)
        for created in (ctx.clock.local(t.created_at).date(), None):
            keys.add(row_key(t.shop_id, t.marketplace, t.external_id, t.category, t.subject,
                             t.event_date, created))  # fmt: skip
    return keys


Report = Callable[[str, str, dict[str, Any]], None]


def _reporter(ctx: ServiceContext, row: int, problems: list[RowProblem]) -> Report:
    def report(column: str, code: str, fields: dict[str, Any]) -> None:
        text = ctx.message(code, **fields)
        message = ctx.message("journal_import_row_problem", row=row, column=column, problem=text)
        problems.append(RowProblem(row, column, code, message, text))

    return report


class _ShopFinder:
    """The shop of each row: the one named in the «Магазин» column (an administrator's import
    creates a shop the journal does not have yet), else the marketplace's default shop."""

    def __init__(self, ctx: ServiceContext, uow: UnitOfWork, principal: Principal) -> None:
        self.ctx, self.uow, self.principal = ctx, uow, principal
        self.named: dict[str, Shop | None] = {}  # every row of a file names the same few shops
        self.defaults: dict[str, Shop | None] = {}

    def resolve(self, values: RowValues, report: Report, headers: dict[str, str]) -> Shop | None:
        name, market = values.shop, values.marketplace
        column = headers.get("shop", headers.get("marketplace", ""))
        if name:
            if name not in self.named:
                self.named[name] = self.uow.shops.find(name)
            shop = self.named[name]
            if shop is None and self.principal.is_admin and market:
                shop = self.uow.shops.add(name, market, False, self.ctx.clock.now())
                self.named[name] = shop
            if shop is None:
                code = "journal_import_shop_unknown" if market else "journal_import_no_marketplace"
                report(column, code, {"value": name})
                return None
            if market and shop.marketplace != market:
                report(column, "journal_import_shop_marketplace", {"value": name})
                return None
            values.marketplace = shop.marketplace
        elif market:
            if market not in self.defaults:
                self.defaults[market] = self._default(market)
            shop = self.defaults[market]
            if shop is None:
                report(column, "journal_import_no_shop", {})
                return None
        else:
            report(
                headers.get("marketplace", column), "journal_import_no_marketplace", {"value": ""}
            )
            return None
        if not self.principal.can(shop.id, Role.MANAGER):
            report(column, "journal_import_forbidden", {"value": shop.name})
            return None
        return shop

    def _default(self, market: str) -> Shop | None:
        if self.principal.is_admin:
            return resolve_shop(self.ctx, self.uow, market, None)
        candidates = [s for s in access.editable_shops(self.uow, self.principal)
                      if s.marketplace == market]  # fmt: skip
        return next((s for s in candidates if s.is_default), candidates[0] if candidates else None)


def result_public(ctx: ServiceContext, result: ImportResult) -> dict[str, Any]:
    """The ``--json`` and page view of an import: codes in fields, Russian for people."""
    return {
        "file": result.file,
        "format": result.format,
        "dry_run": result.dry_run,
        "added": result.added,
        "skipped": result.skipped,
        "columns": [{"header": h, "field": f} for h, f in result.columns],
        "ignored": result.ignored,
        "rows": [
            {
                "row": r.row,
                "exists": r.exists,
                "key": r.key,
                "shop": r.shop,
                "marketplace": r.ticket.marketplace,
                "category": r.ticket.category,
                "status": r.ticket.status.value,
                "subject": r.ticket.subject,
                "external_id": r.ticket.external_id or None,
                "event_date": r.ticket.event_date.isoformat() if r.ticket.event_date else None,
                "amount_claimed": r.ticket.amount_claimed,
            }
            for r in result.rows
        ],
        "problems": [
            {"row": p.row, "column": p.column, "code": p.code, "message": p.message}
            for p in result.problems
        ],
    }
