"""Use cases: read a support answer (class, appeal number, requested items, credited amount,
next step), one JSON line of ``mpdesk answer --jsonl`` at a time or one text at a time, and the
next steps of the answered tickets for the due list (``mpdesk due``, «Сроки»)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from mpdesk.domain.accounts import Principal
from mpdesk.domain.answers.lexicon import AnswerLexicon
from mpdesk.domain.answers.next_step import NextStep, propose_next_step
from mpdesk.domain.answers.reading import AnswerReading, read_answer
from mpdesk.domain.errors import UserInputError
from mpdesk.domain.mail import ParsedMail
from mpdesk.domain.tickets import Direction, Status, Ticket
from mpdesk.services import access, formatting
from mpdesk.services.context import ServiceContext
from mpdesk.services.ports.answers import AnswerResources
from mpdesk.services.ports.journal import TicketFilter

#: answers above this size (UTF-8 bytes) are refused
MAX_ANSWER_BYTES = 1_000_000


def _resources(ctx: ServiceContext) -> AnswerResources:
    if ctx.answers is None:
        raise RuntimeError("this context was built without the answer lexicon")
    return ctx.answers


def answer_lexicon(ctx: ServiceContext) -> AnswerLexicon:
    return _resources(ctx).lexicon()


def read_support_answer(
    ctx: ServiceContext, text: str, subject: str = "", marketplace: str | None = None
) -> AnswerReading:
    if not text.strip():
        raise UserInputError("answer_text_empty")
    return read_answer(text, answer_lexicon(ctx), subject, marketplace)


def next_step_for(
    ctx: ServiceContext, reading: AnswerReading, answered_on: date, reply_due: date | None = None
) -> NextStep:
    """The next step for an answer read outside a ticket (no follow-ups sent yet)."""
    return propose_next_step(
        reading,
        answered_on=answered_on,
        today=ctx.clock.today(),
        calendar=_resources(ctx).calendar(),
        reply_due=reply_due,
    )


def read_mail_answer(ctx: ServiceContext, mail: ParsedMail) -> AnswerReading:
    """Read a parsed incoming message: its new part, with the quoted or forwarded history
    (which decides nothing unless it is a forwarded answer), its subject and whether the
    transport marked it automatic."""
    body = mail.text + ("\n\n" + mail.quoted if mail.quoted else "")
    return read_answer(body, answer_lexicon(ctx), mail.subject, auto_submitted=mail.auto_reply)


def reading_lines(ctx: ServiceContext, reading: AnswerReading, step: NextStep) -> list[str]:
    """The reading and the next step as Russian lines (CLI output and the ticket page)."""
    from mpdesk.services.audit_views import money_text

    m = ctx.message
    labels = {i.id: i.label_ru for i in answer_lexicon(ctx).items}
    lines = [m("answer_class", value=m(f"answer_class_{reading.answer_class.value}"))]
    if reading.appeal_number:
        lines.append(m("answer_appeal_number", value=reading.appeal_number))
    if reading.amount is not None:
        lines.append(m("answer_amount", value=money_text(reading.amount)))
    if reading.details:
        lines.append(
            m("answer_requested", value=", ".join(labels.get(d, d) for d in reading.details))
        )
    if reading.reason:
        lines.append(m("answer_reason", value=reading.reason))
    if reading.has_quote:
        lines.append(m("answer_quote_skipped"))
    items = ", ".join(labels.get(d, d) for d in step.items)
    until = formatting.day(step.until)
    lines.append(m(f"answer_step_{step.kind.value}", until=until, items=items))
    return lines


@dataclass(frozen=True)
class TicketAnswer:
    """The ticket's latest answer from the marketplace, read, with the next step."""

    at: datetime
    reading: AnswerReading
    step: NextStep
    lines: list[str]


def read_ticket_answer(ctx: ServiceContext, ticket: Ticket) -> TicketAnswer | None:
    """Read the latest incoming message of a ticket (by mail, typed into «Записать ответ» or
    ``mpdesk reply``); None when there is none."""
    latest = next((m for m in reversed(ticket.messages) if m.direction is Direction.IN), None)
    if latest is None or not latest.body.strip():
        return None
    reading = read_answer(latest.body, answer_lexicon(ctx), "", ticket.marketplace)
    due = ctx.clock.local(ticket.reply_due_at).date() if ticket.reply_due_at else None
    step = next_step_for(ctx, reading, ctx.clock.local(latest.at).date(), due)
    return TicketAnswer(latest.at, reading, step, reading_lines(ctx, reading, step))


@dataclass(frozen=True)
class AnsweredStep:
    """An answered ticket of the due list with what its answer asks for next."""

    ticket: Ticket
    answer: TicketAnswer

    @property
    def step_text(self) -> str:
        return self.answer.lines[-1]

    def public(self) -> dict[str, Any]:
        step = self.answer.step
        return {
            "ticket_id": self.ticket.id,
            "answer_class": self.answer.reading.answer_class.value,
            "answered_at": self.answer.at.isoformat(),
            "next_step": {"kind": step.kind.value, "items": list(step.items),
                          "until": step.until.isoformat() if step.until else None},
            "text": self.step_text,
        }  # fmt: skip


#: answered tickets listed in the due list at most
ANSWERED_LIMIT = 200


def answered_next_steps(
    ctx: ServiceContext, principal: Principal, limit: int = ANSWERED_LIMIT
) -> list[AnsweredStep]:
    """The answered tickets of the principal's shops, each with the next step its latest
    answer proposes, those with a date first (soonest first), then the newest answers."""
    with ctx.reads() as uow:
        flt = TicketFilter(status=[Status.ANSWERED], limit=limit, identifiers=False)
        listed = uow.tickets.list(access.scoped(principal, flt))
        tickets = [t for t in (uow.tickets.get(s.id) for s in listed if s.id) if t is not None]
    steps = []
    for ticket in tickets:
        found = read_ticket_answer(ctx, ticket)
        if found is not None:
            steps.append(AnsweredStep(ticket, found))
    steps.sort(key=lambda s: (s.answer.step.until is None, s.answer.step.until or date.min,
                              -s.answer.at.timestamp()))  # fmt: skip
    return steps


# --- JSON Lines (``mpdesk answer --jsonl``) --------------------------------------------------


@dataclass
class AnswerLineError(Exception):
    """A malformed input line: ``code`` keys the message catalogue."""

    code: str
    line_id: Any = None


@dataclass(frozen=True)
class AnswerInput:
    id: Any
    text: str
    subject: str
    marketplace: str | None


def _looks_binary(text: str) -> bool:
    odd = sum(1 for ch in text if not ch.isprintable() and ch not in "\n\r\t")
    return "\x00" in text or odd > max(2, len(text) // 20)


def _field(data: dict[str, Any], name: str, line_id: Any) -> str | None:
    value = data.get(name)
    if value is not None and not isinstance(value, str):
        raise AnswerLineError(f"answer_{name}_not_string", line_id)
    return value


def parse_answer_line(raw: bytes, marketplaces: dict[str, str]) -> AnswerInput:
    """One input line of the answer contract; ``marketplaces``: name or synonym → id."""
    try:
        decoded = raw.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        raise AnswerLineError("answer_line_invalid_utf8") from exc
    try:
        data = json.loads(decoded)
    except (ValueError, RecursionError) as exc:
        raise AnswerLineError("answer_line_not_json") from exc
    if not isinstance(data, dict):
        raise AnswerLineError("answer_line_not_object")
    line_id = data.get("id")
    if isinstance(line_id, dict | list):
        line_id = None
    text = _field(data, "text", line_id)
    if text is None:
        raise AnswerLineError("answer_text_missing", line_id)
    if len(text.encode("utf-8", errors="replace")) > MAX_ANSWER_BYTES:
        raise AnswerLineError("answer_text_too_large", line_id)
    if not text.strip():
        raise AnswerLineError("answer_text_empty", line_id)
    if _looks_binary(text):
        raise AnswerLineError("answer_text_binary", line_id)
    subject = _field(data, "subject", line_id) or ""
    hint = _field(data, "marketplace", line_id)
    market = None
    if hint is not None and hint.strip():
        market = marketplaces.get(hint.strip().lower())
        if market is None:
            raise AnswerLineError("answer_marketplace_invalid", line_id)
    return AnswerInput(line_id, text, subject, market)


def answer_line(ctx: ServiceContext, raw: bytes, names: dict[str, str]) -> dict[str, Any]:
    """The reading line for one input line, or ``{"id": …, "error": "…", "code": …}``.
    Never raises for bad input."""
    try:
        item = parse_answer_line(raw, names)
    except AnswerLineError as exc:
        return {"id": exc.line_id, "error": ctx.message(exc.code), "code": exc.code}
    reading = read_answer(item.text, answer_lexicon(ctx), item.subject, item.marketplace)
    return {"id": item.id, **reading.contract()}
