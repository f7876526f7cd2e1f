"""An e-mail message as mpdesk understands it (plain values, no parsing here): the new text
and the quoted history apart, attachments, threading headers, the ticket tag of the subject,
automatic replies and delivery-status notifications (bounces)."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

#: the ticket tag mpdesk puts in the subject of an appeal: «[MPD-000123]»
TICKET_TAG = re.compile(r"\[MPD-(\d{6,9})\]", re.IGNORECASE)


@dataclass(frozen=True)
class MailAttachment:
    name: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class Bounce:
    """A delivery-status notification (RFC 3464) about a message mpdesk sent."""

    original_message_id: str | None
    action: str  # failed | delayed | delivered | relayed | expanded
    status: str  # «5.1.1»
    recipient: str
    diagnostic: str

    @property
    def is_failure(self) -> bool:
        return self.action == "failed" or self.status.startswith("5")


@dataclass(frozen=True)
class ParsedMail:
    message_id: str | None
    in_reply_to: str | None
    references: tuple[str, ...]
    subject: str
    sender: str
    recipients: tuple[str, ...]
    sent_at: datetime | None  # UTC
    text: str  # the new part, first
    quoted: str  # quoted or forwarded history, kept apart
    attachments: tuple[MailAttachment, ...]
    auto_reply: bool
    bounce: Bounce | None
    #: the body came from HTML only (converted to plain text)
    from_html: bool = False
    #: codes of what could not be parsed (the raw message is kept by the caller)
    problems: tuple[str, ...] = field(default=())

    @property
    def ticket_number(self) -> int | None:
        """The ticket number of an «[MPD-000123]» tag in the subject."""
        return ticket_tag(self.subject)

    def storable(self) -> ParsedMail:
        """A copy whose texts any database stores: NUL and lone surrogates become U+FFFD."""
        names = tuple(replace(a, name=storable_text(a.name)) for a in self.attachments)
        return replace(
            self,
            message_id=storable_text(self.message_id) if self.message_id else None,
            in_reply_to=storable_text(self.in_reply_to) if self.in_reply_to else None,
            references=tuple(storable_text(r) for r in self.references),
            subject=storable_text(self.subject),
            sender=storable_text(self.sender),
            text=storable_text(self.text),
            quoted=storable_text(self.quoted),
            attachments=names,
        )


def storable_text(value: str) -> str:
    cleaned = value.replace("\x00", "\ufffd")
    return cleaned.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def ticket_tag(subject: str) -> int | None:
    m = TICKET_TAG.search(subject or "")
    return int(m.group(1)) if m else None


def ticket_tag_text(ticket_id: int) -> str:
    """The subject tag of a ticket: «[MPD-000123]»."""
    return f"[MPD-{ticket_id:06d}]"


def tagged_subject(subject: str, ticket_id: int) -> str:
    """The subject on one line (no CR/LF can reach a header) with the ticket's tag in front."""
    line = " ".join(subject.split())
    if ticket_tag(line) == ticket_id:
        return line
    return f"{ticket_tag_text(ticket_id)} {line}".strip()


_SIGNED_ID = re.compile(r"<mpd\.(\d{1,9})\.([0-9a-f]{16})\.([0-9a-f]{20})@[^<>\s]+>")


def _signature(ticket_id: int, nonce: str, key: bytes) -> str:
    digest = hmac.new(key, f"{ticket_id}.{nonce}".encode(), hashlib.sha256).hexdigest()
    return digest[:20]


def signed_message_id(ticket_id: int, nonce: str, key: bytes, domain: str) -> str:
    """«<mpd.123.<nonce>.<hmac>@domain>»: the Message-ID of an appeal names its ticket and
    carries an HMAC of it, so a reply that quotes it is matched even where the ledger has no
    copy, and a forged one is not."""
    return f"<mpd.{ticket_id}.{nonce}.{_signature(ticket_id, nonce, key)}@{domain}>"


def signed_ticket(message_id: str, key: bytes) -> int | None:
    """The ticket a Message-ID made by ``signed_message_id`` names, if its HMAC is right."""
    m = _SIGNED_ID.fullmatch(message_id.strip())
    if m is None:
        return None
    ticket_id, nonce, signature = int(m.group(1)), m.group(2), m.group(3)
    good = hmac.compare_digest(signature, _signature(ticket_id, nonce, key))
    return ticket_id if good else None


class MailSecurity(StrEnum):
    """How the SMTP link is protected."""

    STARTTLS = "starttls"  # port 587: plain, then upgraded
    TLS = "tls"  # port 465: TLS from the first byte
    PLAIN = "plain"  # loopback relays only


@dataclass
class MailFolder:
    """An IMAP folder read for answers, with its own cursor: the UIDVALIDITY seen and the last
    UID filed."""

    name: str
    uid_validity: int | None = None
    last_uid: int = 0

    def next_uid(self, uid_validity: int) -> int:
        """The first UID not yet read; a changed UIDVALIDITY makes every UID new again."""
        return self.last_uid + 1 if uid_validity == self.uid_validity else 1


@dataclass
class Mailbox:
    """A shop's mailbox: where appeals are sent from and answers read from. The password is
    never held here: ``password_env`` names an environment variable, or ``password_token`` is
    the password encrypted by the credential vault."""

    shop_id: int
    address: str
    login: str
    smtp_host: str
    smtp_port: int = 587
    smtp_security: MailSecurity = MailSecurity.STARTTLS
    imap_host: str = ""
    imap_port: int = 993
    imap_tls: bool = True
    #: the folders read for answers, in order, each with its cursor
    folders: tuple[MailFolder, ...] = (MailFolder("INBOX"),)
    #: the IMAP folder of sent mail searched after an interrupted send; "" = the folder the
    #: server flags \Sent (RFC 6154 SPECIAL-USE), else «Sent»
    sent_folder: str = ""
    password_env: str = ""
    password_token: bytes | None = field(default=None, repr=False)
    #: addresses whose mail may carry a ticket tag besides the channel's own (an agency's box)
    forwarders: tuple[str, ...] = ()

    @property
    def has_password(self) -> bool:
        return bool(self.password_env or self.password_token)


class MailDirection(StrEnum):
    OUT = "out"
    IN = "in"
    #: an appeal about to be sent: recorded and committed before the SMTP conversation, so a
    #: crash after the server accepted it cannot lead to sending it a second time unseen
    PENDING = "pending"


@dataclass
class MailRecord:
    """One e-mail in the shop's mail ledger: sent, filed under a ticket, or waiting in the
    unmatched inbox (``ticket_id`` None). ``key`` (the Message-ID, or ``sha256:`` of the raw
    message when it has none) is unique per shop, so a message is filed once."""

    shop_id: int
    direction: MailDirection
    key: str
    subject: str
    sender: str
    at: datetime
    text: str
    ticket_id: int | None = None
    message_id: str = ""
    in_reply_to: str = ""
    raw_sha256: str = ""
    answer_class: str = ""
    appeal_number: str = ""
    auto_reply: bool = False
    problems: tuple[str, ...] = ()
    id: int | None = None


def mail_key(message_id: str | None, raw_sha256: str) -> str:
    return message_id if message_id else f"sha256:{raw_sha256}"


@dataclass(frozen=True)
class OutgoingMail:
    """An appeal ready for SMTP; attachments are evidence blobs named by sha256. ``html`` is
    the same letter for the HTML part (the message is then ``multipart/alternative``)."""

    sender: str
    recipient: str
    subject: str
    body: str
    message_id: str
    attachments: tuple[tuple[str, str, str], ...] = ()  # (sha256, filename, media type)
    html: str = ""
