"""E-mail: sending appeals (SMTP), reading a mailbox (IMAP), the mail ledger and mailbox
settings in the journal, and the mailbox passwords (environment or the credential vault)."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from mpdesk.domain.mail import Mailbox, MailFolder, MailRecord, OutgoingMail, ParsedMail
from mpdesk.services.ports.files import BlobStream
from mpdesk.services.ports.journal import UnitOfWork


class MailSender(Protocol):
    def send(
        self,
        box: Mailbox,
        password: str,
        mail: OutgoingMail,
        open_blob: Callable[[str], BlobStream],
    ) -> None:
        """Deliver to the SMTP server of ``box``; ``MailError`` when it fails or refuses."""
        ...


@dataclass(frozen=True)
class FetchedBatch:
    """New messages of the mailbox's folder, oldest first, as (UID, raw bytes)."""

    uid_validity: int
    messages: list[tuple[int, bytes]]


class MailboxReader(Protocol):
    def fetch(self, box: Mailbox, folder: MailFolder, password: str, limit: int) -> FetchedBatch:
        """Messages of ``folder`` with a UID above its cursor (all, when UIDVALIDITY changed),
        at most ``limit``; the folder is opened read-only. ``MailError`` when the server
        fails or the folder does not exist."""
        ...

    def find_sent(self, box: Mailbox, password: str, message_id: str) -> bool:
        """Whether the box's Sent folder (``box.sent_folder``, else the one flagged ``\\Sent``,
        else «Sent») holds a message with this Message-ID; False when there is no such folder.
        ``MailError`` when the server fails."""
        ...


class MailSecrets(Protocol):
    def password(self, box: Mailbox) -> str:
        """The box's password from its environment variable or decrypted from its token."""
        ...

    def seal(self, password: str) -> bytes:
        """The password encrypted for storage."""
        ...


class MailRepository(Protocol):
    def mailbox(self, shop_id: int) -> Mailbox | None: ...

    def save_mailbox(self, box: Mailbox) -> None: ...

    def move_cursor(self, shop_id: int, folder: str, uid_validity: int, last_uid: int) -> None:
        """Move the cursor of one of the shop's folders."""
        ...

    def add(self, record: MailRecord) -> MailRecord | None:
        """Insert; None when the shop already has a message with this key."""
        ...

    def pending(self, shop_id: int, ticket_id: int | None = None) -> builtins.list[MailRecord]:
        """Appeals recorded before sending whose send was never confirmed, oldest first."""
        ...

    def settle(self, mail_id: int) -> None:
        """A pending appeal was sent: it becomes an ordinary outgoing entry."""
        ...

    def discard(self, mail_id: int) -> None:
        """Forget a pending appeal that certainly was not sent (or is sent anew)."""
        ...

    def get(self, mail_id: int) -> MailRecord | None: ...

    def has(self, shop_id: int, key: str) -> bool: ...

    def assign(
        self, mail_id: int, ticket_id: int, answer_class: str, appeal_number: str
    ) -> None: ...

    def ticket_by_message_ids(self, shop_id: int, message_ids: Sequence[str]) -> int | None:
        """The ticket of a stored message whose Message-ID is one of ``message_ids``."""
        ...

    def ticket_by_external_id(self, shop_id: int, external_id: str) -> int | None: ...

    def unmatched(
        self, shop_ids: Sequence[int] | None, limit: int
    ) -> builtins.list[MailRecord]: ...

    def for_ticket(self, ticket_id: int) -> builtins.list[MailRecord]: ...


class MailUnitOfWork(UnitOfWork, Protocol):
    @property
    def mail(self) -> MailRepository: ...


@dataclass
class MailPorts:
    uow: Callable[[], MailUnitOfWork]
    sender: MailSender
    reader: MailboxReader
    secrets: MailSecrets
    parse: Callable[[bytes], ParsedMail]
    #: the key of the HMAC in the Message-IDs of sent appeals (read when first needed)
    signing_key: Callable[[], bytes] = field(default=lambda: b"", repr=False)
    fetch_limit: int = 200
    max_attachment_bytes: int = 20 * 1024 * 1024
    #: the reminders' global SMTP server (``MPDESK_SMTP_*``): sends for a shop without a box
    fallback: Mailbox | None = None
    fallback_password: str = field(default="", repr=False)
