"""Tickets (appeals), their correspondence and their lifecycle as an explicit state machine.

    draft ⇄ ready → submitted → answered → resolved | rejected
    draft → submitted (the seller may file an incomplete appeal; the checklist warns)
    answered → submitted (the seller wrote back; the reply clock restarts)
    submitted → resolved | rejected (closed without a logged answer)
    resolved | rejected → reopened → submitted | answered | resolved | rejected
    submitted → ready only by ``mark_undelivered``: an e-mail appeal that bounced never
    reached the marketplace (no person chooses that step)

A follow-up is not a status: it is a new ticket linked by ``parent_id`` to this one. Every
ticket belongs to a case (``case_id``: the id of the case's first appeal, see ``domain/cases.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from mpdesk.domain.errors import InvalidTransitionError, UserInputError
from mpdesk.domain.identifiers import Identifier
from mpdesk.domain.image_size import is_too_large_to_preview


class Status(StrEnum):
    DRAFT = "draft"
    READY = "ready"
    SUBMITTED = "submitted"
    ANSWERED = "answered"
    RESOLVED = "resolved"
    REJECTED = "rejected"
    REOPENED = "reopened"


TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.DRAFT: frozenset({Status.READY, Status.SUBMITTED}),
    Status.READY: frozenset({Status.DRAFT, Status.SUBMITTED}),
    Status.SUBMITTED: frozenset({Status.ANSWERED, Status.RESOLVED, Status.REJECTED}),
    Status.ANSWERED: frozenset({Status.SUBMITTED, Status.RESOLVED, Status.REJECTED}),
    Status.RESOLVED: frozenset({Status.REOPENED}),
    Status.REJECTED: frozenset({Status.REOPENED}),
    Status.REOPENED: frozenset(
        {Status.SUBMITTED, Status.ANSWERED, Status.RESOLVED, Status.REJECTED}
    ),
}

OPEN_STATUSES = frozenset(
    {Status.DRAFT, Status.READY, Status.SUBMITTED, Status.ANSWERED, Status.REOPENED}
)
AWAITING_REPLY = frozenset({Status.SUBMITTED, Status.REOPENED})
CLOSED_STATUSES = frozenset({Status.RESOLVED, Status.REJECTED})


class Direction(StrEnum):
    OUT = "out"  # seller → marketplace
    IN = "in"  # marketplace → seller
    NOTE = "note"  # internal note


@dataclass
class Message:
    direction: Direction
    body: str
    at: datetime
    channel: str = ""
    author: str = ""
    id: int | None = None


@dataclass
class Attachment:
    sha256: str
    filename: str
    size: int
    media_type: str
    added_at: datetime
    id: int | None = None
    width: int | None = None  # pixels an image declares (None: not an image, or unknown)
    height: int | None = None

    @property
    def is_too_large_to_preview(self) -> bool:
        """An image past Pillow's decompression-bomb limit: a plain attachment, no preview."""
        if self.width is None or self.height is None:
            return False
        return is_too_large_to_preview((self.width, self.height))


@dataclass
class Event:
    """One change of a ticket: who, when, what, from → to."""

    kind: str
    at: datetime
    actor: str = ""
    from_value: str = ""
    to_value: str = ""
    detail: str = ""
    id: int | None = None


@dataclass
class Ticket:
    shop_id: int
    marketplace: str
    category: str
    subject: str
    body: str
    description: str
    created_at: datetime
    updated_at: datetime
    event_date: date | None = None
    status: Status = Status.DRAFT
    channel_id: str = ""
    external_id: str = ""
    submitted_at: datetime | None = None
    reply_due_at: datetime | None = None
    first_answer_at: datetime | None = None
    closed_at: datetime | None = None
    #: the kind of urgent problem triage read in the description (``cabinet_blocked``, …);
    #: "" none, ``None`` not read. Urgency itself is derived when shown (domain/urgency.py)
    urgent_sign: str | None = None
    parent_id: int | None = None
    #: the case (the first appeal's id); None only before the first save of a first appeal
    case_id: int | None = None
    amount_claimed: str | None = None
    amount_recovered: str | None = None
    identifiers: list[Identifier] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    version: int = 1
    id: int | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def can_transition(self, target: Status) -> bool:
        return target in TRANSITIONS[self.status]

    def transition(self, target: Status, now: datetime, actor: str = "", detail: str = "") -> None:
        if not self.can_transition(target):
            raise InvalidTransitionError(
                self.id or "?",
                self.status.value,
                target.value,
                sorted(s.value for s in TRANSITIONS[self.status]),
            )
        self.events.append(Event("status", now, actor, self.status.value, target.value, detail))
        self.status = target
        self.updated_at = now
        if target in CLOSED_STATUSES:
            self.closed_at = now
        elif target is Status.REOPENED:
            self.closed_at = None

    def submit(
        self,
        external_id: str,
        channel_id: str,
        now: datetime,
        reply_hours: int,
        actor: str = "",
        channel_name: str | None = None,
    ) -> None:
        """Record that the appeal was filed in the marketplace's channel. A channel that numbers
        its appeals (``channel_name`` given) needs that number; an e-mail channel gives none."""
        external_id = external_id.strip()
        if not external_id and channel_name is not None:
            raise UserInputError(
                "external_id_required", ticket_id=self.id or "?", channel=channel_name
            )
        self.transition(Status.SUBMITTED, now, actor, detail=external_id)
        if self.external_id != external_id:
            self.events.append(Event("external_id", now, actor, self.external_id, external_id))
        self.external_id = external_id
        if channel_id != self.channel_id:
            self.events.append(Event("channel", now, actor, self.channel_id, channel_id))
            self.channel_id = channel_id
        if self.submitted_at is None:
            self.submitted_at = now
        self.reply_due_at = reply_due_after(now, reply_hours)

    def record_answer(self, message: Message, actor: str = "") -> None:
        """Log the marketplace's reply; the ticket becomes ``answered``."""
        self.messages.append(message)
        if self.first_answer_at is None:
            self.first_answer_at = message.at
        if self.status is not Status.ANSWERED:
            self.transition(Status.ANSWERED, message.at, actor)
        self.reply_due_at = None
        self.updated_at = message.at

    def mailed_appeal(self) -> Event | None:
        """The latest sending of the appeal by e-mail (``to_value`` is its Message-ID): what
        identifies an e-mail appeal that has no marketplace number."""
        return next((e for e in reversed(self.events) if e.kind == "mailed" and e.to_value), None)

    def mark_mailed(
        self, message: Message, now: datetime, reply_hours: int, actor: str, message_id: str
    ) -> None:
        """Record an appeal sent by e-mail: the ticket becomes ``submitted`` without a
        marketplace number (an e-mail appeal has none until the answer) and the reply clock
        starts; sending again while it waits restarts the clock."""
        if self.status is not Status.SUBMITTED:
            self.transition(Status.SUBMITTED, now, actor, detail=message_id)
        self.messages.append(message)
        self.events.append(Event("mailed", now, actor, "", message_id))
        if self.submitted_at is None:
            self.submitted_at = now
        self.reply_due_at = reply_due_after(now, reply_hours)
        self.updated_at = now

    def receive(self, message: Message, counts_as_answer: bool, actor: str = "") -> None:
        """File an incoming e-mail: an answer moves the ticket to ``answered`` where the
        lifecycle allows it; an automatic reply, or mail to a closed ticket, is only logged."""
        if counts_as_answer and (
            self.status is Status.ANSWERED or self.can_transition(Status.ANSWERED)
        ):
            self.record_answer(message, actor)
            return
        self.messages.append(message)
        self.events.append(Event("mail_logged", message.at, actor))
        self.updated_at = max(self.updated_at, message.at)

    def mark_undelivered(self, message: Message, now: datetime, actor: str, detail: str) -> None:
        """A bounce of the e-mailed appeal: it is logged, and a ticket still waiting for the
        answer goes back to ``ready`` with its reply clock stopped, to be sent again."""
        self.messages.append(message)
        self.events.append(Event("undelivered", now, actor, "", detail))
        if self.status is Status.SUBMITTED:
            self.events.append(Event("status", now, actor, self.status.value, "ready", detail))
            self.status = Status.READY
            self.submitted_at = None
            self.reply_due_at = None
        self.updated_at = now

    def set_external_id(self, external_id: str, now: datetime, actor: str = "") -> bool:
        """Store the marketplace's number read from its answer when the ticket has none."""
        external_id = external_id.strip()
        if self.external_id or not external_id:
            return False
        self.events.append(Event("external_id", now, actor, "", external_id))
        self.external_id = external_id
        return True

    def add_note(self, message: Message) -> None:
        self.messages.append(message)
        self.events.append(Event("note", message.at, message.author))
        self.updated_at = message.at

    def is_overdue(self, now: datetime) -> bool:
        return (
            self.status in AWAITING_REPLY
            and self.reply_due_at is not None
            and now > self.reply_due_at
        )


def reply_due_after(sent: datetime, reply_hours: int) -> datetime:
    """When the marketplace's answer is due: the channel's reply time after sending (the one
    rule for submitting, re-sending and tickets stored without a due time)."""
    return sent + timedelta(hours=reply_hours)
