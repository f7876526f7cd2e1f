"""Use case: tell the seller about new support answers that ``fetch_mail`` filed, through the
reminders' channels (e-mail digest, Telegram), once per answer and channel.

Each answer is claimed in the sent-reminders ledger (key ``answer:<shop>:<Message-ID>``)
before the digest goes out and released when delivery fails, so the next fetch retries it;
a failed delivery never undoes the filing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from mpdesk.domain.errors import NotificationError
from mpdesk.services.context import ServiceContext

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NewAnswer:
    shop_id: int
    ticket_id: int
    key: str  # the message's key in the mail ledger
    subject: str
    answer_class: str


def notify_answers(ctx: ServiceContext, answers: list[NewAnswer]) -> dict[str, int]:
    """Send one digest per channel; returns how many answers each channel was told about."""
    ports = ctx.deadlines
    if ports is None or not ports.notifiers or not answers:
        return {}
    keyed = {f"answer:{a.shop_id}:{a.key}"[:200]: a for a in answers}
    told: dict[str, int] = {}
    for notifier in ports.notifiers:
        events = [(key, a.ticket_id) for key, a in keyed.items()]
        claimed = ports.reminders.claim(events, notifier.channel, ctx.clock.now())
        if not claimed:
            continue
        lines = [_line(ctx, keyed[k]) for k in claimed]
        subject = ctx.message("mail_answers_subject", count=len(claimed))
        try:
            notifier.send(subject, "\n".join(lines) + "\n")
        except NotificationError as exc:
            ports.reminders.release(claimed, notifier.channel)
            log.warning("answer notification via %s failed: %s", notifier.channel, exc)
            continue
        ports.reminders.mark_sent(claimed, notifier.channel, ctx.clock.now())
        told[notifier.channel] = len(claimed)
    return told


def _line(ctx: ServiceContext, answer: NewAnswer) -> str:
    label = ctx.message(f"answer_class_{answer.answer_class}") if answer.answer_class else "—"
    return ctx.message("mail_answers_line", id=answer.ticket_id, subject=answer.subject,
                       label=label)  # fmt: skip
