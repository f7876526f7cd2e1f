"""Use cases: documents to print or send as PDF — the pre-trial claim of a case and the monthly
report. The HTML comes from the report templates (``knowledge/reports/ru/``), the PDF from the
``PdfWriter`` port (WeasyPrint with the shipped font)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mpdesk.domain.accounts import Principal
from mpdesk.domain.errors import PdfUnavailableError, UserInputError
from mpdesk.domain.tickets import Ticket
from mpdesk.services import access, formatting, monthly_report
from mpdesk.services.context import ServiceContext
from mpdesk.services.deadlines import deadline_ports, load_case
from mpdesk.services.ports.documents import PdfWriter


@dataclass(frozen=True)
class Document:
    filename: str  # a name for the download (ASCII)
    content: bytes


def pdf_writer(ctx: ServiceContext) -> PdfWriter:
    """The PDF writer, or ``PdfUnavailableError`` saying what is missing on this machine."""
    if ctx.pdf is None:
        raise PdfUnavailableError(problem="no PDF writer wired")
    problem = ctx.pdf.unavailable_reason()
    if problem is not None:
        raise PdfUnavailableError(problem=problem)
    return ctx.pdf


def find_claim(ctx: ServiceContext, principal: Principal, ticket_id: int) -> Ticket | None:
    """The pre-trial claim of the case ``ticket_id`` belongs to (the claim itself, its first
    appeal or a follow-up), or None when the case has no claim yet."""
    with ctx.reads() as uow:
        access.visible_ticket(uow, principal, ticket_id)
        return load_case(uow, ticket_id).claim


def claim_html(ctx: ServiceContext, principal: Principal, ticket_id: int) -> tuple[Ticket, str]:
    """The printable page of the case's claim: its stored text as the seller will send it."""
    claim = find_claim(ctx, principal, ticket_id)
    if claim is None:
        raise UserInputError("claim_missing", ticket_id=ticket_id)
    with ctx.reads() as uow:
        shop = uow.shops.get(claim.shop_id)
    context = {
        "claim_id": claim.id,
        "parent_id": claim.parent_id,
        "subject": claim.subject,
        "paragraphs": [p.strip("\n") for p in claim.body.split("\n\n") if p.strip()],
        "shop": shop.name if shop else "",
        "marketplace": ctx.kb.marketplaces[claim.marketplace].name_ru,
        "generated": formatting.moment(ctx.clock.local(ctx.clock.now())),
    }
    return claim, deadline_ports(ctx).reports.render_html("claim", "ru", context)


def claim_pdf(ctx: ServiceContext, principal: Principal, ticket_id: int) -> Document:
    """The case's pre-trial claim as PDF."""
    writer = pdf_writer(ctx)
    claim, html = claim_html(ctx, principal, ticket_id)
    return Document(f"mpdesk-claim-{claim.id}.pdf", writer.html_to_pdf(html))


def monthly_report_pdf(
    ctx: ServiceContext,
    month: str,
    shop_id: int | None = None,
    shop_ids: Sequence[int] | None = None,
) -> Document:
    """The monthly report (``monthly_report.monthly_report``) as PDF."""
    writer = pdf_writer(ctx)
    html = monthly_report.monthly_report(ctx, month, shop_id, shop_ids)
    return Document(f"mpdesk-report-{month}.pdf", writer.html_to_pdf(html))


def save_document(ctx: ServiceContext, document: Document, path: Path) -> None:
    """Write the document to ``path`` through a temporary file (nothing half-written)."""
    with ctx.tables.atomic(path) as tmp:
        tmp.write_bytes(document.content)
