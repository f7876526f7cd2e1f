"""Use cases of a shop's mailbox settings and of sending an appeal by e-mail.

``send_appeal`` composes the e-mail from the ticket's appeal text (subject tagged
«[MPD-000123]», the letter as text and HTML alternatives, evidence files attached from the file
store) and sends it over SMTP. Never
twice: its Message-ID is first committed to the mail ledger as a pending entry; after the
server accepted the message the entry and the ticket (now ``submitted``, in the
correspondence) are committed together. A refused or failed send removes the pending entry and
leaves the ticket as it was (``MailError``, message in Russian). A pending entry that outlived
its send (a crash after the server's acceptance) is looked up in the mailbox's Sent folder by
the next send or fetch (``recover_pending``).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from mpdesk.domain.accounts import Principal
from mpdesk.domain.errors import MailError, StateConflictError, UnconfirmedSendError, UserInputError
from mpdesk.domain.knowledge import Channel, ChannelKind
from mpdesk.domain.letter_text import plain_text, to_html
from mpdesk.domain.mail import (
    Mailbox,
    MailDirection,
    MailFolder,
    MailRecord,
    MailSecurity,
    OutgoingMail,
    signed_message_id,
    tagged_subject,
)
from mpdesk.domain.tickets import Direction, Message, Ticket
from mpdesk.services import access
from mpdesk.services.context import ServiceContext
from mpdesk.services.ports.mail import MailPorts

log = logging.getLogger(__name__)


def mail_ports(ctx: ServiceContext) -> MailPorts:
    if ctx.mail is None:
        raise RuntimeError("this context was built without the mail ports")
    return ctx.mail


@dataclass
class MailboxInput:
    """What a person types to set up a shop's mailbox; the password either names an
    environment variable (``password_env``) or is given once to be stored encrypted."""

    address: str
    smtp_host: str
    smtp_port: int = 587
    smtp_security: str = "starttls"
    imap_host: str = ""
    imap_port: int = 993
    imap_tls: bool = True
    login: str = ""
    password_env: str = ""
    password: str = ""
    folders: tuple[str, ...] = ("INBOX",)
    forwarders: tuple[str, ...] = ()
    sent_folder: str = ""


def _check_address(field: str, value: str) -> str:
    value = value.strip()
    local, at, domain = value.rpartition("@")
    if not at or not local or "." not in domain or any(c.isspace() or c in "<>,;" for c in value):
        raise UserInputError("mail_address_invalid", field=field, value=value)
    return value


def _check_port(field: str, value: int) -> int:
    if not 0 < value < 65536:
        raise UserInputError("mail_port_invalid", field=field, value=value)
    return value


def _check_host(field: str, value: str, required: bool) -> str:
    value = value.strip()
    if (required and not value) or any(c.isspace() or c in "/@" for c in value):
        raise UserInputError("mail_host_invalid", field=field, value=value)
    return value


def _folders(names: tuple[str, ...]) -> tuple[MailFolder, ...]:
    """The folders to read, each once, in the order given; INBOX when none."""
    seen: dict[str, MailFolder] = {}
    for raw in names:
        name = " ".join(raw.split())
        if len(name) > 200 or any(ord(c) < 32 for c in raw.strip()):
            raise UserInputError("mail_folder_invalid", value=name[:60])
        if name and name.upper() != "INBOX":
            seen.setdefault(name, MailFolder(name))
        elif name:
            seen.setdefault("INBOX", MailFolder("INBOX"))
    return tuple(seen.values()) or (MailFolder("INBOX"),)


def configure_mailbox(
    ctx: ServiceContext, principal: Principal, shop_id: int, data: MailboxInput
) -> Mailbox:
    """Create or replace the shop's mailbox settings (a folder read before keeps its cursor
    while the IMAP server stays the same)."""
    ports = mail_ports(ctx)
    if data.smtp_security not in set(MailSecurity):
        raise UserInputError(
            "mail_security_invalid", value=data.smtp_security, allowed=", ".join(MailSecurity)
        )
    address = _check_address("address", data.address)
    env = data.password_env.strip()
    if env and not env.replace("_", "").isalnum():
        raise UserInputError("mail_password_env_invalid", value=env)
    if not env and not data.password:
        raise UserInputError("mail_password_required")
    box = Mailbox(
        shop_id=shop_id,
        address=address,
        login=data.login.strip() or address,
        smtp_host=_check_host("smtp_host", data.smtp_host, True),
        smtp_port=_check_port("smtp_port", data.smtp_port),
        smtp_security=MailSecurity(data.smtp_security),
        imap_host=_check_host("imap_host", data.imap_host, False),
        imap_port=_check_port("imap_port", data.imap_port),
        imap_tls=data.imap_tls,
        folders=_folders(data.folders),
        sent_folder=" ".join(data.sent_folder.split()),
        password_env=env,
        forwarders=tuple(_check_address("forwarders", a) for a in data.forwarders if a.strip()),
    )
    with ports.uow() as uow:
        access.editable_shop(uow, principal, shop_id)
        if not env:  # sealed only once the principal may change the shop
            box.password_token = ports.secrets.seal(data.password)
        old = uow.mail.mailbox(shop_id)
        if old is not None and old.imap_host == box.imap_host:  # a kept folder keeps its cursor
            kept = {f.name: f for f in old.folders}
            box.folders = tuple(kept.get(f.name, f) for f in box.folders)
        uow.mail.save_mailbox(box)
        uow.commit()
    return box


def get_mailbox(ctx: ServiceContext, principal: Principal, shop_id: int) -> Mailbox | None:
    with mail_ports(ctx).uow() as uow:
        access.visible_shop(uow, principal, shop_id)
        return uow.mail.mailbox(shop_id)


def email_channel(ctx: ServiceContext, ticket: Ticket) -> Channel | None:
    """The ticket's channel when appeals go there by e-mail to a known address."""
    channel = ctx.kb.channels.get(ticket.channel_id)
    if channel is None or channel.kind is not ChannelKind.EMAIL or not channel.address:
        return None
    return channel


def _message_id(ports: MailPorts, ticket_id: int, address: str) -> str:
    domain = address.rpartition("@")[2] or "mpdesk.local"
    return signed_message_id(ticket_id, secrets.token_hex(8), ports.signing_key(), domain)


def send_appeal(
    ctx: ServiceContext, principal: Principal, ticket_id: int, resend: bool = False
) -> Ticket:
    """Send the ticket's appeal from its shop's mailbox to its e-mail channel.

    The outgoing entry is committed as pending before the SMTP conversation and settled with
    the ticket's change after it. A pending entry left by an interrupted send is looked up in
    the Sent folder first: found, the ticket is marked submitted without sending again; not
    found (or no IMAP), ``UnconfirmedSendError`` unless ``resend``."""
    ports = mail_ports(ctx)
    with ports.uow() as uow:
        ticket = access.editable_ticket(uow, principal, ticket_id)
        channel = email_channel(ctx, ticket)
        if channel is None:
            raise StateConflictError(
                "mail_channel_not_email", ticket_id=ticket_id, channel=ticket.channel_id or "—"
            )
        box = uow.mail.mailbox(ticket.shop_id) or ports.fallback
        if box is None:
            raise UserInputError("mailbox_not_configured", shop_id=ticket.shop_id)
        earlier = uow.mail.pending(ticket.shop_id, ticket_id)
    if earlier:
        settled = recover_pending(ctx, principal, box, earlier, ask=not resend)
        if settled is not None:
            return settled
        _discard(ports, earlier)
    fallback = box is ports.fallback
    password = ports.fallback_password if fallback else ports.secrets.password(box)
    message_id = _message_id(ports, ticket_id, box.address)
    subject = tagged_subject(ticket.subject, ticket_id)
    text = plain_text(ticket.body)  # an appeal saved before letters were plain keeps no tables
    record = MailRecord(ticket.shop_id, MailDirection.PENDING, message_id, subject, box.address,
                        ctx.clock.now(), text, ticket_id=ticket_id,
                        message_id=message_id)  # fmt: skip
    with ports.uow() as uow:
        uow.mail.add(record)
        uow.commit()
    outgoing = OutgoingMail(
        sender=box.address,
        recipient=channel.address,
        subject=subject,
        body=text,
        html=to_html(text),
        message_id=message_id,
        attachments=tuple((a.sha256, a.filename, a.media_type) for a in ticket.attachments),
    )
    try:
        ports.sender.send(box, password, outgoing, ctx.files.open)
    except MailError:  # refused or never reached: certainly not sent
        _discard(ports, [record])
        raise
    return _settle(ctx, principal, record)


def recover_pending(
    ctx: ServiceContext, principal: Principal, box: Mailbox, pending: list[MailRecord], ask: bool
) -> Ticket | None:
    """Settle the ticket of an interrupted send whose message the Sent folder holds; else
    ``UnconfirmedSendError`` when ``ask``, or None."""
    ports = mail_ports(ctx)
    reason = "not_found"
    for record in reversed(pending):
        if not box.imap_host:
            reason = "no_imap"
            break
        try:
            found = ports.reader.find_sent(box, ports.secrets.password(box), record.message_id)
        except MailError as exc:
            log.warning("sent folder of shop %s not readable: %s", box.shop_id, exc)
            reason = "imap_failed"
            break
        if found:
            return _settle(ctx, principal, record)
    if not ask:
        return None
    last = pending[-1]
    raise UnconfirmedSendError(last.ticket_id or 0, last.message_id, last.at.isoformat(), reason)


def _settle(ctx: ServiceContext, principal: Principal, record: MailRecord) -> Ticket:
    """The ticket of a sent appeal becomes submitted and its pending entry an outgoing one."""
    assert record.ticket_id is not None and record.id is not None
    with mail_ports(ctx).uow() as uow:
        ticket = access.editable_ticket(uow, principal, record.ticket_id)
        now = uow.mail.get(record.id)
        if now is None or now.direction is not MailDirection.PENDING:
            return ticket  # settled meanwhile (a fetch found it in the Sent folder)
        channel = ctx.kb.channels.get(ticket.channel_id)
        hours = channel.reply_hours if channel is not None else 48
        sent = Message(Direction.OUT, record.text, record.at, ticket.channel_id, principal.login)
        ticket.mark_mailed(sent, record.at, hours, principal.login, record.message_id)
        uow.tickets.save(ticket)
        uow.mail.settle(record.id)
        uow.commit()
        return ticket


def _discard(ports: MailPorts, records: list[MailRecord]) -> None:
    with ports.uow() as uow:
        for record in records:
            assert record.id is not None
            uow.mail.discard(record.id)
        uow.commit()
