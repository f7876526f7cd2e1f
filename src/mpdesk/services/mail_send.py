"""Use cases of a shop's mailbox settings and of sending an appeal by e-mail.

``send_appeal`` composes the e-mail from the ticket's appeal text (subject tagged
«[MPD-000123]», evidence files attached from the file store), records it in the correspondence
and the mail ledger, moves the ticket to ``submitted`` and sends it over SMTP, all inside one
unit of work that commits only after the server accepted the message: a refused or failed
send leaves the ticket as it was (``MailError``, message in Russian).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from mpdesk.domain.accounts import Principal
from mpdesk.domain.errors import StateConflictError, UserInputError
from mpdesk.domain.knowledge import Channel, ChannelKind
from mpdesk.domain.mail import (
    Mailbox,
    MailDirection,
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
    folder: str = "INBOX"
    forwarders: tuple[str, ...] = ()


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


def configure_mailbox(
    ctx: ServiceContext, principal: Principal, shop_id: int, data: MailboxInput
) -> Mailbox:
    """Create or replace the shop's mailbox settings (the read cursor is kept)."""
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
        folder=" ".join(data.folder.split()) or "INBOX",
        password_env=env,
        forwarders=tuple(_check_address("forwarders", a) for a in data.forwarders if a.strip()),
    )
    with ports.uow() as uow:
        access.editable_shop(uow, principal, shop_id)
        if not env:  # sealed only once the principal may change the shop
            box.password_token = ports.secrets.seal(data.password)
        old = uow.mail.mailbox(shop_id)
        if old is not None and (old.imap_host, old.folder) == (box.imap_host, box.folder):
            box.uid_validity, box.last_uid = old.uid_validity, old.last_uid
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


def send_appeal(ctx: ServiceContext, principal: Principal, ticket_id: int) -> Ticket:
    """Send the ticket's appeal from its shop's mailbox to its e-mail channel."""
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
        fallback = box is ports.fallback
        password = ports.fallback_password if fallback else ports.secrets.password(box)
        now, actor = ctx.clock.now(), principal.login
        message_id = _message_id(ports, ticket_id, box.address)
        subject = tagged_subject(ticket.subject, ticket_id)
        outgoing = OutgoingMail(
            sender=box.address,
            recipient=channel.address,
            subject=subject,
            body=ticket.body,
            message_id=message_id,
            attachments=tuple((a.sha256, a.filename, a.media_type) for a in ticket.attachments),
        )
        sent = Message(Direction.OUT, ticket.body, now, channel.id, actor)
        ticket.mark_mailed(sent, now, channel.reply_hours, actor, message_id)
        uow.tickets.save(ticket)
        uow.mail.add(
            MailRecord(ticket.shop_id, MailDirection.OUT, message_id, subject, box.address, now,
                       ticket.body, ticket_id=ticket_id, message_id=message_id)
        )  # fmt: skip
        ports.sender.send(box, password, outgoing, ctx.files.open)
        uow.commit()
        return ticket
