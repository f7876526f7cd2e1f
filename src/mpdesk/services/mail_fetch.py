"""Use cases of incoming mail: fetch a shop's mailbox, file each message under its ticket,
keep the rest in the unmatched inbox, and let a person assign one of those to a ticket.

Matching, in order: the subject's ticket tag «[MPD-000123]» (only from the ticket's channel
address or a forwarder the mailbox lists, so a forged tag from elsewhere matches nothing), then
In-Reply-To/References against the Message-IDs mpdesk stored, then the marketplace's appeal
number read from the answer when it equals a ticket's external number. A filed message becomes
an incoming entry of the correspondence; the answer reader classifies it and the marketplace's
number is stored on a ticket that has none.

The mailbox lists its folders (INBOX by default), each with its own UIDVALIDITY/UID cursor.
Each message is filed in its own unit of work together with its folder's cursor, and the
mail ledger keys messages by Message-ID per shop, so fetching twice (or again after a crash)
files nothing twice.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field

from mpdesk.domain.accounts import Principal
from mpdesk.domain.answers.reading import AnswerReading
from mpdesk.domain.errors import MpdeskError, NotFoundError, StateConflictError, UserInputError
from mpdesk.domain.mail import (
    Mailbox,
    MailDirection,
    MailRecord,
    ParsedMail,
    mail_key,
    signed_ticket,
)
from mpdesk.domain.tickets import Attachment, Direction, Message, Ticket
from mpdesk.services import access
from mpdesk.services.answer_reading import read_mail_answer
from mpdesk.services.context import ServiceContext
from mpdesk.services.mail_notify import NewAnswer, notify_answers
from mpdesk.services.mail_send import mail_ports, recover_pending
from mpdesk.services.ports.mail import MailUnitOfWork

log = logging.getLogger(__name__)


@dataclass
class FetchReport:
    shop_id: int
    fetched: int = 0
    matched: list[int] = field(default_factory=list)  # ticket ids, one per filed message
    unmatched: int = 0
    duplicates: int = 0
    answers: list[NewAnswer] = field(default_factory=list)  # filed answers (not auto-replies)
    notified: dict[str, int] = field(default_factory=dict)  # channel → answers told about
    #: tickets whose interrupted send was found in the Sent folder and marked submitted
    recovered: list[int] = field(default_factory=list)


def _box(ctx: ServiceContext, principal: Principal, shop_id: int) -> Mailbox:
    with mail_ports(ctx).uow() as uow:
        access.editable_shop(uow, principal, shop_id)
        box = uow.mail.mailbox(shop_id)
    if box is None:
        raise UserInputError("mailbox_not_configured", shop_id=shop_id)
    if not box.imap_host:
        raise UserInputError("mailbox_no_imap", shop_id=shop_id)
    return box


def fetch_mail(ctx: ServiceContext, principal: Principal, shop_id: int) -> FetchReport:
    """Read the new messages of the shop's mailbox folders and file them."""
    ports = mail_ports(ctx)
    box = _box(ctx, principal, shop_id)
    report = FetchReport(shop_id, recovered=_recover_sends(ctx, principal, box))
    password = ports.secrets.password(box)
    for folder in box.folders:
        batch = ports.reader.fetch(box, folder, password, ports.fetch_limit)
        for uid, raw in batch.messages:
            outcome = _file_one(ctx, box, folder.name, batch.uid_validity, uid, raw, principal)
            _count(report, outcome)
        if not batch.messages and batch.uid_validity != folder.uid_validity:
            with ports.uow() as uow:
                uow.mail.move_cursor(shop_id, folder.name, batch.uid_validity, 0)
                uow.commit()
    report.notified = notify_answers(ctx, report.answers)
    return report


def _file_one(
    ctx: ServiceContext,
    box: Mailbox,
    folder: str,
    uid_validity: int,
    uid: int,
    raw: bytes,
    principal: Principal,
) -> MailRecord | None:
    """File one message together with its folder's cursor, in one unit of work."""
    ports = mail_ports(ctx)
    try:
        with ports.uow() as uow:
            outcome = _file_raw(ctx, uow, box, raw, principal.login)
            uow.mail.move_cursor(box.shop_id, folder, uid_validity, uid)
            uow.commit()
    except MpdeskError:
        raise  # the store or the journal refused: the next fetch starts at this message
    except Exception:  # a message that breaks filing must not block the ones after it
        log.exception("mail %s of shop %s could not be filed; kept raw", uid, box.shop_id)
        with ports.uow() as uow:
            outcome = _keep_raw(ctx, uow, box, raw)
            uow.mail.move_cursor(box.shop_id, folder, uid_validity, uid)
            uow.commit()
    return outcome


def _count(report: FetchReport, outcome: MailRecord | None) -> None:
    report.fetched += 1
    if outcome is None:
        report.duplicates += 1
    elif outcome.ticket_id is None:
        report.unmatched += 1
    else:
        report.matched.append(outcome.ticket_id)
        if not outcome.auto_reply and outcome.answer_class not in ("auto_reply", ""):
            report.answers.append(
                NewAnswer(report.shop_id, outcome.ticket_id, outcome.key, outcome.subject,
                          outcome.answer_class)
            )  # fmt: skip


def _recover_sends(ctx: ServiceContext, principal: Principal, box: Mailbox) -> list[int]:
    """Settle interrupted sends of the shop whose message the Sent folder holds."""
    with mail_ports(ctx).uow() as uow:
        pending = uow.mail.pending(box.shop_id)
    by_ticket: dict[int, list[MailRecord]] = {}
    for record in pending:
        if record.ticket_id is not None:
            by_ticket.setdefault(record.ticket_id, []).append(record)
    return [
        ticket_id
        for ticket_id, records in by_ticket.items()
        if recover_pending(ctx, principal, box, records, ask=False) is not None
    ]


def fetch_all_mail(ctx: ServiceContext, principal: Principal) -> list[FetchReport]:
    """Fetch every mailbox with an IMAP server among the shops the principal may change."""
    with mail_ports(ctx).uow() as uow:
        shops = [
            s.id
            for s in access.editable_shops(uow, principal)
            if (box := uow.mail.mailbox(s.id)) is not None and box.imap_host
        ]
    if not shops:
        raise StateConflictError("mailbox_none_configured")
    return [fetch_mail(ctx, principal, shop_id) for shop_id in shops]


def mail_public(record: MailRecord) -> dict[str, object]:
    """A mail ledger entry for JSON (CLI ``--json`` and the API)."""
    return {
        "id": record.id,
        "shop_id": record.shop_id,
        "ticket_id": record.ticket_id,
        "direction": record.direction.value,
        "message_id": record.message_id,
        "subject": record.subject,
        "sender": record.sender,
        "at": record.at.isoformat(),
        "text": record.text,
        "answer_class": record.answer_class or None,
        "appeal_number": record.appeal_number or None,
        "auto_reply": record.auto_reply,
        "problems": list(record.problems),
    }


def _file_raw(
    ctx: ServiceContext, uow: MailUnitOfWork, box: Mailbox, raw: bytes, actor: str
) -> MailRecord | None:
    """File one raw message: its ledger entry (``ticket_id`` None when unmatched), or None
    when it was filed before."""
    mail = mail_ports(ctx).parse(raw).storable()
    digest = hashlib.sha256(raw).hexdigest()
    key = mail_key(mail.message_id, digest)
    if uow.mail.has(box.shop_id, key):
        return None
    ctx.files.put_bytes(raw, "message.eml")  # kept whole: an unmatched one is re-read on assign
    readable = (mail.text or mail.quoted).strip() and mail.bounce is None
    reading = read_mail_answer(ctx, mail) if readable else None
    ticket = _match(ctx, uow, box, mail, reading)
    record = MailRecord(
        shop_id=box.shop_id,
        direction=MailDirection.IN,
        key=key,
        subject=mail.subject,
        sender=mail.sender,
        at=mail.sent_at or ctx.clock.now(),
        text=mail.text,
        message_id=mail.message_id or "",
        in_reply_to=mail.in_reply_to or "",
        raw_sha256=digest,
        answer_class=reading.answer_class.value if reading else "",
        appeal_number=(reading.appeal_number or "") if reading else "",
        auto_reply=mail.auto_reply,
        problems=mail.problems,
    )
    if ticket is not None:
        _file_under(ctx, uow, ticket, mail, reading, actor)
        record.ticket_id = ticket.id
    if uow.mail.add(record) is None:  # a concurrent fetch filed it first
        uow.rollback()
        return None
    return record


def _keep_raw(
    ctx: ServiceContext, uow: MailUnitOfWork, box: Mailbox, raw: bytes
) -> MailRecord | None:
    """Put a message that could not be filed into the unmatched inbox as it came."""
    digest = hashlib.sha256(raw).hexdigest()
    key = mail_key(None, digest)
    if uow.mail.has(box.shop_id, key):
        return None
    ctx.files.put_bytes(raw, "message.eml")
    record = MailRecord(box.shop_id, MailDirection.IN, key, "", "", ctx.clock.now(), "",
                        raw_sha256=digest, problems=("filing_failed",))  # fmt: skip
    return uow.mail.add(record)


def _match(
    ctx: ServiceContext,
    uow: MailUnitOfWork,
    box: Mailbox,
    mail: ParsedMail,
    reading: AnswerReading | None,
) -> Ticket | None:
    tagged = _own(uow, box, mail.ticket_number)
    if tagged is not None and _may_tag(ctx, box, tagged, mail):
        return tagged
    bounced = mail.bounce.original_message_id if mail.bounce is not None else None
    threads = [i for i in (bounced, mail.in_reply_to, *mail.references) if i]
    if threads:
        found = _own(uow, box, uow.mail.ticket_by_message_ids(box.shop_id, threads))
        # one of our signed Message-IDs that the ledger does not hold (a restored journal)
        key = mail_ports(ctx).signing_key()
        signed = next((t for t in (signed_ticket(i, key) for i in threads) if t), None)
        found = found or _own(uow, box, signed)
        if found is not None:
            return found
    if reading is not None and reading.appeal_number:
        return _own(uow, box, uow.mail.ticket_by_external_id(box.shop_id, reading.appeal_number))
    return None


def _own(uow: MailUnitOfWork, box: Mailbox, ticket_id: int | None) -> Ticket | None:
    """The ticket, when it exists and belongs to the mailbox's shop."""
    ticket = uow.tickets.get(ticket_id) if ticket_id is not None else None
    return ticket if ticket is not None and ticket.shop_id == box.shop_id else None


def _may_tag(ctx: ServiceContext, box: Mailbox, ticket: Ticket, mail: ParsedMail) -> bool:
    """A tag counts only from the ticket's channel address or a listed forwarder."""
    channel = ctx.kb.channels.get(ticket.channel_id)
    allowed = {a.lower() for a in box.forwarders}
    if channel is not None and channel.address:
        allowed.add(channel.address.lower())
    return mail.sender.lower() in allowed


def _file_under(
    ctx: ServiceContext,
    uow: MailUnitOfWork,
    ticket: Ticket,
    mail: ParsedMail,
    reading: AnswerReading | None,
    actor: str,
) -> None:
    now = ctx.clock.now()
    limit = mail_ports(ctx).max_attachment_bytes
    for item in mail.attachments:
        if item.size == 0 or item.size > limit:
            continue
        stored = ctx.files.put_bytes(item.data, item.name)
        ticket.attachments.append(
            Attachment(stored.sha256, item.name[:255], stored.size, stored.media_type, now)
        )
    text = mail.text.strip() or mail.quoted.strip() or mail.subject
    message = Message(Direction.IN, text, mail.sent_at or now, ticket.channel_id, mail.sender)
    if mail.bounce is not None and mail.bounce.is_failure:
        b = mail.bounce
        fields = {"recipient": b.recipient, "status": b.status, "diagnostic": b.diagnostic}
        message.body = ctx.message("mail_undelivered", **{k: v or "—" for k, v in fields.items()})
        ticket.mark_undelivered(message, now, actor, b.original_message_id or "")
        uow.tickets.save(ticket)
        return
    is_answer = not mail.auto_reply and mail.bounce is None
    if reading is not None and reading.answer_class.value == "auto_reply":
        is_answer = False
    ticket.receive(message, is_answer, actor)
    if reading is not None and reading.appeal_number:
        ticket.set_external_id(reading.appeal_number, now, actor)
    uow.tickets.save(ticket)


def list_unmatched(ctx: ServiceContext, principal: Principal, limit: int = 200) -> list[MailRecord]:
    """The messages no ticket claimed, of the shops the principal can see, newest first."""
    with mail_ports(ctx).uow() as uow:
        return uow.mail.unmatched(principal.shop_ids, limit)


def assign_mail(ctx: ServiceContext, principal: Principal, mail_id: int, ticket_id: int) -> Ticket:
    """File a message of the unmatched inbox under a ticket of the same shop."""
    ports = mail_ports(ctx)
    with ports.uow() as uow:
        record = uow.mail.get(mail_id)
        if record is None or not principal.can_view(record.shop_id):
            raise NotFoundError("mail_not_found", mail_id=mail_id)
        if record.ticket_id is not None:
            raise UserInputError(
                "mail_already_assigned", mail_id=mail_id, ticket_id=record.ticket_id
            )
        ticket = access.editable_ticket(uow, principal, ticket_id)
        if ticket.shop_id != record.shop_id:
            raise UserInputError("mail_other_shop", mail_id=mail_id, ticket_id=ticket_id)
        stream = ctx.files.open(record.raw_sha256)
        try:
            mail = ports.parse(stream.read()).storable()
        finally:
            stream.close()
        reading = read_mail_answer(ctx, mail) if (mail.text or mail.quoted).strip() else None
        _file_under(ctx, uow, ticket, mail, reading, principal.login)
        uow.mail.assign(
            mail_id,
            ticket_id,
            reading.answer_class.value if reading else "",
            (reading.appeal_number or "") if reading else "",
        )
        uow.commit()
        return ticket
