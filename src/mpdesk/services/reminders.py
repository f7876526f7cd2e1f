"""Use case: send the seller a digest of what is due, once per event and channel — deadlines
and the WB API tokens that expire within 14 days (``services/token_expiry.py``).

``send_reminders`` is idempotent: each reminder event (a deadline in its "due" or "overdue"
state, ``mpdesk.domain.sla.reminder_key``) is claimed in the sent-reminders ledger before the
digest goes out, released again if delivery fails. Run it from cron (``mpdesk remind``) or let
the background jobs run it (the ``remind`` kind of ``services/jobs.py``, scheduled from the
shared job log); a job lock lets only one process work at a time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from mpdesk.domain.errors import NotificationError
from mpdesk.domain.sla import Bucket, DeadlineKind, reminder_key
from mpdesk.services import formatting
from mpdesk.services.context import ServiceContext
from mpdesk.services.deadlines import DueItem, deadline_ports, due_board
from mpdesk.services.token_expiry import TokenExpiry, expiring_tokens, token_line

log = logging.getLogger(__name__)
JOB = "remind"


def digest_line(ctx: ServiceContext, item: DueItem) -> str:
    t, d = item.ticket, item.deadline
    when = formatting.moment(ctx.clock.local(d.due_at))
    fields = {
        "id": t.id,
        "subject": t.subject,
        "external_id": t.external_id or "—",
        "label": d.label_ru,
        "due": when,
    }
    if d.kind is DeadlineKind.CLAIM_WAIT:
        return ctx.message("remind_line_court", **fields)
    if item.overdue_by is not None:
        return ctx.message("remind_line_overdue", by=formatting.duration(item.overdue_by), **fields)
    return ctx.message("remind_line_due", **fields)


def digest(
    ctx: ServiceContext, items: list[DueItem], tokens: list[TokenExpiry] | None = None
) -> tuple[str, str]:
    """Subject and plain text of a digest (Russian, from the message catalogue): deadlines,
    then the WB tokens that expire soon."""
    counts = {b: sum(1 for i in items if i.bucket is b) for b in Bucket}
    tokens = tokens or []
    subject = ctx.message(
        "remind_subject_tokens" if tokens else "remind_subject",
        overdue=counts[Bucket.OVERDUE],
        today=counts[Bucket.TODAY],
        week=counts[Bucket.WEEK],
        tokens=len(tokens),
    )
    lines: list[str] = []
    for bucket, title in (
        (Bucket.OVERDUE, "remind_section_overdue"),
        (Bucket.TODAY, "remind_section_today"),
        (Bucket.WEEK, "remind_section_week"),
    ):
        section = [i for i in items if i.bucket is bucket]
        if section:
            lines.append(ctx.message(title))
            lines.extend(f"• {digest_line(ctx, i)}" for i in section)
            lines.append("")
    if tokens:
        now = ctx.clock.now()
        lines.append(ctx.message("remind_section_tokens"))
        lines.extend(f"• {token_line(ctx, t, now)}" for t in tokens)
        lines.append("")
    lines.append(ctx.message("remind_footer"))
    return subject, "\n".join(lines).strip() + "\n"


@dataclass
class RemindResult:
    events: int = 0
    locked: bool = False
    sent: dict[str, int] = field(default_factory=dict)  # channel -> events delivered
    errors: dict[str, str] = field(default_factory=dict)  # channel -> problem
    preview: tuple[str, str] | None = None


def send_reminders(ctx: ServiceContext, dry_run: bool = False) -> RemindResult:
    ports = deadline_ports(ctx)
    started = ctx.clock.now()
    result = RemindResult()
    with ports.reminders.exclusive(JOB) as acquired:
        if not acquired:
            result.locked = True
            return result
        board = due_board(ctx, ports.remind_horizon_days)
        keyed = {reminder_key(i.deadline, board.now): i for i in board.items}
        tokens = {t.key: t for t in expiring_tokens(ctx, board.now)}
        result.events = len(keyed) + len(tokens)
        if dry_run:
            result.preview = digest(ctx, list(keyed.values()), list(tokens.values()))
            return result
        events = [(k, i.ticket.id) for k, i in keyed.items()]
        events += [(k, None) for k in tokens]
        for notifier in ports.notifiers:
            claimed = ports.reminders.claim(events, notifier.channel, started)
            if not claimed:
                result.sent[notifier.channel] = 0
                continue
            try:
                subject, text = digest(
                    ctx,
                    [keyed[k] for k in claimed if k in keyed],
                    [tokens[k] for k in claimed if k in tokens],
                )
                notifier.send(subject, text)
            except NotificationError as exc:
                ports.reminders.release(claimed, notifier.channel)
                result.errors[notifier.channel] = str(exc.fields.get("problem", ""))
                log.warning("reminder delivery failed on %s", notifier.channel)
                continue
            except BaseException:  # any failure: the events go back, the next run retries
                ports.reminders.release(claimed, notifier.channel)
                raise
            ports.reminders.mark_sent(claimed, notifier.channel, ctx.clock.now())
            result.sent[notifier.channel] = len(claimed)
            ctx.metrics.reminders_sent(notifier.channel, len(claimed))
        summary = ", ".join(f"{ch}={n}" for ch, n in sorted(result.sent.items()))
        ports.reminders.record_run(JOB, started, ctx.clock.now(), summary or "no channels")
    return result
