"""Use case: triage a seller's text into a draft appeal (marketplace, category, entities,
event date, missing items), with the channel and the questions from the knowledge base."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from mpdesk.domain.knowledge import KnowledgeBase
from mpdesk.domain.triage.engine import read_urgent_kind, triage_text
from mpdesk.domain.triage.questions import questions_for
from mpdesk.domain.triage.result import TriageResult
from mpdesk.services.context import ServiceContext
from mpdesk.services.ports.triage import TriageResources


def _resources(ctx: ServiceContext) -> TriageResources:
    if ctx.triage is None:
        raise RuntimeError("this context was built without triage resources")
    return ctx.triage


def fallback_marketplace(kb: KnowledgeBase, marketplace: str | None) -> str:
    """Marketplace whose checklist and channel are used when the text names none."""
    if marketplace and marketplace in kb.marketplaces:
        return marketplace
    return next(iter(kb.marketplaces), "")


def triage_case(
    ctx: ServiceContext,
    text: str,
    received_at: date | None = None,
    attachments: Sequence[str] = (),
    marketplace_hint: str | None = None,
) -> TriageResult:
    resources = _resources(ctx)
    received = received_at or ctx.clock.today()
    result = triage_text(
        text, received, attachments, marketplace_hint, resources.lexicon(),
        resources.analyzer(), resources.model(),
    )  # fmt: skip
    mp = fallback_marketplace(ctx.kb, result.marketplace)
    channel = ctx.kb.default_channel(mp, result.category) if mp else None
    result.channel = channel.id if channel else ""
    result.questions = questions_for(result.missing, ctx.kb.checklist(mp, result.category))
    result.confirmation_question = confirmation_question(ctx, result)
    return result


def read_urgent_sign(ctx: ServiceContext, text: str) -> str | None:
    """The kind of urgent problem the seller's text names ("" none; ``None`` when this
    context has no triage resources and so cannot read it)."""
    if ctx.triage is None:
        return None
    return read_urgent_kind(text, ctx.triage.lexicon(), ctx.triage.analyzer())


def confirmation_question(ctx: ServiceContext, result: TriageResult) -> str:
    """«Это скорее про деньги или про доставку?» when the engine is unsure of the category
    (best category against the first alternative); empty when it is sure."""
    if not result.needs_confirmation or not result.category_alternatives:
        return ""
    first, second = result.category, result.category_alternatives[0]
    about_first, about_second = (
        ctx.message(f"triage_about_{first}"),
        ctx.message(f"triage_about_{second}"),
    )
    return ctx.message("triage_confirm_question", first=about_first, second=about_second)


# --- JSON Lines (``mpdesk triage --jsonl``) -------------------------------------------------

#: texts above this size (UTF-8 bytes) are refused
MAX_TEXT_BYTES = 1_000_000


class LineError(Exception):
    """A malformed input line: ``code`` keys the message catalogue."""

    def __init__(self, code: str, line_id: Any = None, **fields: Any) -> None:
        super().__init__(code)
        self.code = code
        self.line_id = line_id
        self.fields = fields


def _is_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    controls = sum(
        1 for ch in text if (ord(ch) < 32 and ch not in "\n\r\t") or 0x7F <= ord(ch) < 0xA0
    )
    return controls > max(2, len(text) // 20) or text.count("\ufffd") > max(2, len(text) // 20)


_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ][0-9:.+-]*Z?)?$")


def _parse_line(
    raw: bytes, marketplaces: dict[str, str]
) -> tuple[Any, str, date | None, list[str], str | None]:
    try:
        decoded = raw.decode("utf-8")
        bad_utf8 = False
    except UnicodeDecodeError:
        decoded, bad_utf8 = raw.decode("utf-8", errors="replace"), True
    decoded = decoded.lstrip("\ufeff")  # a byte-order mark from Windows editors
    try:
        data = json.loads(decoded)
    except (ValueError, RecursionError) as exc:
        raise LineError("triage_line_invalid_utf8" if bad_utf8 else "triage_line_not_json") from exc
    if not isinstance(data, dict):
        raise LineError("triage_line_not_object")
    line_id = data.get("id")
    if isinstance(line_id, dict | list):
        line_id = None
    if bad_utf8:
        raise LineError("triage_line_invalid_utf8", line_id)
    text = data.get("text")
    if text is None:
        raise LineError("triage_text_missing", line_id)
    if not isinstance(text, str):
        raise LineError("triage_text_not_string", line_id)
    if len(text.encode("utf-8", errors="replace")) > MAX_TEXT_BYTES:
        raise LineError("triage_text_too_large", line_id, limit_mb=MAX_TEXT_BYTES // 1_000_000)
    if not text.strip():
        raise LineError("triage_text_empty", line_id)
    if _is_binary(text):
        raise LineError("triage_text_binary", line_id)
    received: date | None = None
    raw_date = data.get("received_at")
    if raw_date is not None:
        try:
            if not isinstance(raw_date, str) or not _DAY.match(raw_date.strip()):
                raise ValueError(raw_date)
            received = date.fromisoformat(raw_date.strip()[:10])
        except ValueError as exc:
            value = str(raw_date)[:40]
            raise LineError("triage_received_at_invalid", line_id, value=value) from exc
    attachments = data.get("attachments")
    if attachments is None:
        attachments = []
    if not isinstance(attachments, list) or not all(isinstance(a, str) for a in attachments):
        raise LineError("triage_attachments_invalid", line_id)
    hint = data.get("marketplace")
    if isinstance(hint, str):
        hint = marketplaces.get(hint.strip().lower(), hint.strip().lower()) or None
    if hint is not None and hint not in marketplaces.values():
        raise LineError("triage_marketplace_invalid", line_id, value=str(hint)[:40])
    return line_id, text, received, attachments, hint


def triage_line(ctx: ServiceContext, raw: bytes) -> dict[str, Any]:
    """Answer for one input line of ``mpdesk triage --jsonl``: the contract's answer object,
    or ``{"id": …, "error": "…"}`` for a malformed line. Never raises for bad input."""
    names = {m.id: m.id for m in ctx.kb.marketplaces.values()}
    for market in ctx.kb.marketplaces.values():
        names.update({synonym.lower(): market.id for synonym in market.synonyms})
    try:
        line_id, text, received, attachments, hint = _parse_line(raw, names)
    except LineError as exc:
        return {"id": exc.line_id, "error": ctx.message(exc.code, **exc.fields),
                "code": exc.code}  # fmt: skip
    result = triage_case(ctx, text, received, attachments, hint)
    return {"id": line_id, **result.contract(), **result.details()}
