"""An e-mail message as mpdesk understands it (plain values, no parsing here): the new text
and the quoted history apart, attachments, threading headers, the ticket tag of the subject,
automatic replies and delivery-status notifications (bounces)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

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


def ticket_tag(subject: str) -> int | None:
    m = TICKET_TAG.search(subject or "")
    return int(m.group(1)) if m else None
