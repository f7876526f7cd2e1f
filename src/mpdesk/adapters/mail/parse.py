"""Parse a raw e-mail message (bytes) into ``domain.mail.ParsedMail``. Never raises.

Handles Russian mail as it comes: RFC 2047 headers in KOI8-R and Windows-1251,
quoted-printable and base64 bodies, HTML-only bodies (converted to plain text by
``html_text``, which drops scripts and styles through lxml's cleaner), quoted and forwarded
history (split off by the answer lexicon's quote markers), attachments with Cyrillic names
(RFC 2231), ``winmail.dat`` (TNEF), delivery-status notifications (RFC 3464) and automatic
replies (RFC 3834 ``Auto-Submitted``, ``X-Autoreply``, ``Precedence``, «автоответ»).
What cannot be read is kept as a raw attachment and named in ``problems``.
"""

from __future__ import annotations

import base64
import email
import email.header
import email.policy
import re
from datetime import UTC, datetime
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any

import html_text

from mpdesk.adapters.mail.tnef import TnefError, read_tnef
from mpdesk.domain.answers.extract import is_auto_subject
from mpdesk.domain.answers.lexicon import AnswerLexicon
from mpdesk.domain.answers.text import split_reply
from mpdesk.domain.mail import Bounce, MailAttachment, ParsedMail

_MSGID = re.compile(r"<[^<>\s]+>")
_FALLBACK_CHARSETS = ("utf-8", "cp1251", "koi8-r")
_AUTO_PRECEDENCE = {"auto_reply", "bulk", "junk", "list"}
_TNEF_TYPES = {"application/ms-tnef", "application/vnd.ms-tnef"}
_NOT_BASE64 = re.compile(rb"[^A-Za-z0-9+/]")
_MAX_DEPTH = 20
_HEAD_END = re.compile(rb"\r?\n\r?\n")


def _header(msg: Message, name: str, problems: list[str]) -> str:
    try:
        value = msg.get(name)
        return " ".join(str(value).split()) if value is not None else ""
    except Exception:  # a malformed encoded word or charset: decode what can be read
        problems.append(f"header_unreadable:{name.lower()}")
        return " ".join(_raw_header(msg.get_all(name, failobj=[""])[0]).split())


def _raw_header(value: Any) -> str:
    try:
        chunks = email.header.decode_header(str(value))
    except Exception:
        return str(value)
    return "".join(
        _decode(chunk, charset) if isinstance(chunk, bytes) else chunk for chunk, charset in chunks
    )


def _decode(payload: bytes, charset: str | None) -> str:
    for name in (charset, *_FALLBACK_CHARSETS):
        if not name:
            continue
        try:
            return payload.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return payload.decode("utf-8", errors="replace")


def _ids(value: str) -> tuple[str, ...]:
    return tuple(_MSGID.findall(value))


def _sent_at(value: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _filename(part: Message, index: int, problems: list[str]) -> str:
    try:
        name = part.get_filename()
    except Exception:
        problems.append("attachment_name_unreadable")
        name = None
    if name:
        return " ".join(str(name).split()).replace("/", "_").replace("\\", "_")
    subtype = part.get_content_subtype() or "bin"
    return f"part-{index}.{subtype}"


def _is_auto(msg: Message, subject: str, lex: AnswerLexicon, problems: list[str]) -> bool:
    auto = _header(msg, "Auto-Submitted", problems).lower()
    if auto and auto != "no":
        return True
    if _header(msg, "X-Autoreply", problems) or _header(msg, "X-Autorespond", problems):
        return True
    if _header(msg, "Precedence", problems).lower() in _AUTO_PRECEDENCE:
        return True
    return is_auto_subject(subject, lex)


def _delivery_status(part: Message) -> tuple[str, str, str, str]:
    """(action, status, recipient, diagnostic) of the first recipient block."""
    blocks = part.get_payload()
    fields: dict[str, str] = {}
    if isinstance(blocks, list):
        for block in blocks[1:] or blocks:
            if not isinstance(block, Message):
                continue
            for key in ("Action", "Status", "Final-Recipient", "Diagnostic-Code"):
                value = block.get(key)
                if value is not None and key not in fields:
                    fields[key] = " ".join(str(value).split())
    else:
        for line in str(blocks).splitlines():
            key, _, value = line.partition(":")
            if key.strip() in ("Action", "Status", "Final-Recipient", "Diagnostic-Code"):
                fields.setdefault(key.strip(), value.strip())
    recipient = fields.get("Final-Recipient", "").split(";")[-1].strip()
    return (
        fields.get("Action", "").lower(),
        fields.get("Status", ""),
        recipient,
        fields.get("Diagnostic-Code", ""),
    )


def _original_id(part: Message) -> str | None:
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], Message):
            found = _ids(str(inner[0].get("Message-ID", "")))
            return found[0] if found else None
    payload = part.get_payload(decode=True)
    text = _decode(payload, None) if isinstance(payload, bytes) else str(part.get_payload())
    m = re.search(r"^message-id:\s*(<[^<>\s]+>)", text, re.IGNORECASE | re.MULTILINE)
    return m.group(1) if m else None


class _Walk:
    """Collects text, HTML, attachments and bounce data from the parts of one message."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        self.plain: list[str] = []
        self.html: list[str] = []
        self.attachments: list[MailAttachment] = []
        self.dsn: tuple[str, str, str, str] | None = None
        self.original_id: str | None = None
        self.raw_body = b""

    def part(self, part: Message, index: int) -> None:
        ctype = part.get_content_type()
        disposition = (part.get_content_disposition() or "").lower()
        data = self._payload(part)
        name = _filename(part, index, self.problems)
        if ctype in _TNEF_TYPES or name.lower() == "winmail.dat":
            self._tnef(data, name)
            return
        if ctype.startswith("text/") and disposition != "attachment" and not part.get_filename():
            text = _decode(data, part.get_content_charset())
            (self.html if ctype == "text/html" else self.plain).append(text)
            return
        self.attachments.append(MailAttachment(name, ctype, data))

    def _payload(self, part: Message) -> bytes:
        """The decoded body of a part; broken base64 is repaired as far as it goes."""
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else str(part.get_payload()).encode()
        if part.get("Content-Transfer-Encoding", "").strip().lower() != "base64":
            return data
        raw = b"".join(str(part.get_payload()).encode("ascii", errors="ignore").split())
        try:
            base64.b64decode(raw, validate=True)
            return data
        except ValueError:
            pass
        clean = _NOT_BASE64.sub(b"", raw)
        clean = clean[: len(clean) - len(clean) % 4]
        try:
            repaired = base64.b64decode(clean)
        except ValueError:
            return data
        self.problems.append("base64_repaired")
        return repaired

    def _tnef(self, data: bytes, name: str) -> None:
        try:
            content = read_tnef(data)
        except TnefError:
            self.problems.append("tnef_unreadable")
            self.attachments.append(MailAttachment(name, "application/ms-tnef", data))
            return
        for i, item in enumerate(content.attachments, 1):
            label = item.name or f"winmail-{i}.bin"
            self.attachments.append(MailAttachment(label, "application/octet-stream", item.data))
        if content.body.strip():
            self.plain.append(content.body)


def _walk(msg: Message, raw: bytes, problems: list[str]) -> _Walk:
    walk = _Walk(problems)
    walk.raw_body = _HEAD_END.split(raw, maxsplit=1)[-1]
    counter = iter(range(10_000))
    _visit(msg, walk, counter, in_report=False, depth=0)
    return walk


def _visit(part: Message, walk: _Walk, counter: Any, in_report: bool, depth: int) -> None:
    index = next(counter, -1)
    ctype = part.get_content_type()
    try:
        if ctype == "message/delivery-status":
            walk.dsn = _delivery_status(part)
            return
        if in_report and ctype in ("message/rfc822", "text/rfc822-headers"):
            walk.original_id = _original_id(part)
            return
        payload = part.get_payload()
        if ctype == "message/rfc822" or (part.is_multipart() and depth >= _MAX_DEPTH):
            name = _filename(part, index, walk.problems).replace(".rfc822", ".eml")
            walk.attachments.append(MailAttachment(name, ctype, _part_bytes(payload)))
            return
        if isinstance(payload, list):
            report = in_report or ctype == "multipart/report"
            for sub in payload:
                if isinstance(sub, Message):
                    _visit(sub, walk, counter, report, depth + 1)
            return
        if ctype.startswith("multipart/"):  # no boundary: read the body as text
            walk.problems.append("multipart_without_parts")
            body = walk.raw_body if depth == 0 else str(payload).encode("utf-8", "replace")
            walk.plain.append(_decode(body, part.get_content_charset()))
            return
        walk.part(part, index)
    except Exception:  # a part that cannot be decoded: kept raw
        walk.problems.append(f"part_unreadable:{index}")
        walk.attachments.append(MailAttachment(f"part-{index}.bin", ctype, _part_bytes(part)))


def _part_bytes(value: Any) -> bytes:
    if isinstance(value, list) and value and isinstance(value[0], Message):
        value = value[0]
    try:
        return value.as_bytes() if isinstance(value, Message) else str(value).encode()
    except Exception:
        return str(value).encode("utf-8", errors="replace")


def _body(walk: _Walk, problems: list[str]) -> tuple[str, bool]:
    if any(t.strip() for t in walk.plain):
        return "\n\n".join(t.strip() for t in walk.plain if t.strip()), False
    if walk.html:
        try:
            texts = [html_text.extract_text(h, guess_layout=True) for h in walk.html]
            return "\n\n".join(texts), True
        except Exception:
            problems.append("html_unreadable")
    return "", False


def _load(raw: bytes, problems: list[str]) -> Message:
    try:
        msg: Message = email.message_from_bytes(raw, policy=email.policy.default)
        msg.walk().__next__()
        return msg
    except Exception:
        problems.append("mime_unreadable")
        return email.message_from_bytes(raw, policy=email.policy.compat32)


def parse_mail(raw: bytes, lex: AnswerLexicon) -> ParsedMail:
    problems: list[str] = []
    try:
        msg = _load(raw, problems)
        problems.extend(f"defect:{type(d).__name__}" for d in getattr(msg, "defects", []))
        return _parsed(msg, raw, lex, problems)
    except Exception:  # the last guard: nothing may crash a fetch
        problems.append("message_unreadable")
        text = raw.decode("utf-8", errors="replace")
        raw_part = MailAttachment("message.eml", "message/rfc822", raw)
        return ParsedMail(None, None, (), "", "", (), None, text, "", (raw_part,), False, None,
                          problems=tuple(problems))  # fmt: skip


def _parsed(msg: Message, raw: bytes, lex: AnswerLexicon, problems: list[str]) -> ParsedMail:
    subject = _header(msg, "Subject", problems)
    walk = _walk(msg, raw, problems)
    body, from_html = _body(walk, problems)
    split = split_reply(body, lex.quotes)
    ids = _ids(_header(msg, "Message-ID", problems))
    reply_to = _ids(_header(msg, "In-Reply-To", problems))
    bounce = None
    if walk.dsn is not None:
        action, status, recipient, diagnostic = walk.dsn
        bounce = Bounce(walk.original_id, action, status, recipient, diagnostic)
    senders = getaddresses([_header(msg, "From", problems)])
    recipients = getaddresses([_header(msg, "To", problems), _header(msg, "Cc", problems)])
    return ParsedMail(
        message_id=ids[0] if ids else None,
        in_reply_to=reply_to[0] if reply_to else None,
        references=_ids(_header(msg, "References", problems)),
        subject=subject,
        sender=senders[0][1] if senders else "",
        recipients=tuple(addr for _, addr in recipients if addr),
        sent_at=_sent_at(_header(msg, "Date", problems)),
        text=split.new,
        quoted=split.quoted,
        attachments=tuple(walk.attachments),
        auto_reply=bounce is None and _is_auto(msg, subject, lex, problems),
        bounce=bounce,
        from_html=from_html,
        problems=tuple(dict.fromkeys(problems)),
    )
