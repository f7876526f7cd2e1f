"""Use case: the evidence bundle of a ticket — a zip with the attachments, the appeal text
and ``manifest.json`` (file names, sizes, sha256). A ticket of a case with earlier appeals (a
follow-up, a pre-trial claim) also carries, in ``case/``, each earlier appeal of the case with
its correspondence (what was sent and what support answered; internal notes stay out): the
copies a claim's «Приложения» promise. A claim's bundle holds the claim as ``claim.pdf`` too
where PDFs can be made."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path

from mpdesk.domain.accounts import Principal
from mpdesk.domain.errors import PdfUnavailableError
from mpdesk.domain.filenames import clean_filename
from mpdesk.domain.tickets import Direction, Ticket
from mpdesk.services import access, documents, formatting
from mpdesk.services.context import ServiceContext
from mpdesk.services.deadlines import load_case

CHUNK = 1 << 20


def _unique_name(name: str, taken: set[str]) -> str:
    base, dot, ext = name.rpartition(".")
    if not dot:
        base, ext = name, ""
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{base} ({n}).{ext}" if ext else f"{base} ({n})"
    taken.add(candidate)
    return candidate


def build_bundle(
    ctx: ServiceContext, principal: Principal, ticket_id: int, dest: Path
) -> dict[str, object]:
    with ctx.reads() as uow:
        ticket = access.visible_ticket(uow, principal, ticket_id)
        case = load_case(uow, ticket_id)
        earlier = [t for t in case.tickets if t.id != ticket.id]
    appeal_text = ctx.message("bundle_appeal_text", subject=ticket.subject, body=ticket.body)
    texts = {"appeal.txt": (appeal_text, "appeal", ticket.id)}
    for t in sorted(earlier, key=lambda t: (t.created_at, t.id or 0)):
        texts[f"case/appeal-{t.id}.txt"] = (_case_copy(ctx, t), "case_appeal", t.id)
    if ticket_messages := _correspondence(ctx, ticket):
        texts["correspondence.txt"] = (ticket_messages, "correspondence", ticket.id)
    blobs = {name: text.encode("utf-8") for name, (text, _, _) in texts.items()}
    if case.claim is not None and case.claim.id == ticket.id and _can_pdf(ctx):
        blobs["claim.pdf"] = documents.claim_pdf(ctx, principal, ticket_id).content
        texts["claim.pdf"] = ("", "claim_pdf", ticket.id)
    taken = {*texts, "manifest.json"}
    entries: list[dict[str, object]] = []
    for name, (_, kind, tid) in texts.items():
        data = blobs[name]
        entries.append({"name": name, "size": len(data),
                        "sha256": hashlib.sha256(data).hexdigest(), "kind": kind,
                        "ticket_id": tid})  # fmt: skip
    files: list[tuple[str, str]] = []
    for att in ticket.attachments:
        name = "attachments/" + _unique_name(clean_filename(att.filename), taken)
        files.append((name, att.sha256))
        entries.append(
            {
                "name": name,
                "size": att.size,
                "sha256": att.sha256,
                "kind": "attachment",
                "media_type": att.media_type,
                "original_name": att.filename,
            }
        )
    manifest = {
        "ticket_id": ticket.id,
        "marketplace": ticket.marketplace,
        "category": ticket.category,
        "external_id": ticket.external_id or None,
        "subject": ticket.subject,
        "created_at": ctx.clock.now().isoformat(),
        "files": entries,
    }
    # the zip is closed before the temporary file replaces ``dest``
    with ctx.tables.atomic(dest) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in blobs.items():
            zf.writestr(name, data)
        stamp = ctx.clock.local(ctx.clock.now()).timetuple()[:6]
        for name, sha256 in files:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            stream = ctx.files.open(sha256)  # streamed: no whole file in memory
            try:
                with zf.open(info, "w") as out:
                    shutil.copyfileobj(stream, out, CHUNK)
            finally:
                stream.close()
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    return {"path": str(dest), **manifest}


def _correspondence(ctx: ServiceContext, ticket: Ticket) -> str:
    """What was sent and answered on the ticket after the appeal, oldest first (no internal
    notes)."""
    lines = []
    for m in sorted(ticket.messages, key=lambda m: m.at):
        if m.direction is Direction.NOTE:
            continue
        if m.direction is Direction.OUT and m.body.strip() == ticket.body.strip():
            continue  # the appeal itself, as sent: its text is already in the copy
        lines.append(
            ctx.message(
                f"bundle_message_{m.direction.value}",
                at=formatting.moment(ctx.clock.local(m.at)),
                body=m.body.strip(),
            )
        )
    return "\n".join(lines)


def _case_copy(ctx: ServiceContext, ticket: Ticket) -> str:
    """An earlier appeal of the case as sent, with its correspondence."""
    sent = ticket.submitted_at
    head = ctx.message(
        "bundle_case_appeal",
        id=ticket.id,
        sent=formatting.moment(ctx.clock.local(sent)) if sent else ctx.message("bundle_not_sent"),
        external_id=ticket.external_id or "—",
    )
    text = ctx.message("bundle_appeal_text", subject=ticket.subject, body=ticket.body)
    messages = _correspondence(ctx, ticket)
    tail = ctx.message("bundle_correspondence", messages=messages) if messages else ""
    return "\n".join(p for p in (head, text, tail) if p)


def _can_pdf(ctx: ServiceContext) -> bool:
    """The claim goes into its bundle as PDF too, where PDFs can be made here."""
    try:
        documents.pdf_writer(ctx)
    except PdfUnavailableError:
        return False
    return True
