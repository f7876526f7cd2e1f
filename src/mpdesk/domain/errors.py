"""The mpdesk error tree. Every error has a stable ``code`` and typed ``fields``.

The Russian text for each code lives in ``knowledge/messages.ru.yaml``; ``str()`` is English,
for logs. Surfaces (CLI, JSONL, web, API) translate errors in one place each.

MpdeskError
 ├── UserInputError                 bad input from the user; CLI exit code 2
 │    ├── UnknownValueError         unknown marketplace / category / channel / status / shop
 │    ├── IdentifierFormatError     identifier does not fit the expected format
 │    ├── InvalidDateError          a date that cannot be read or lies in the future
 │    ├── AttachmentError           missing, unreadable, too large or unconfirmed file
 │    ├── InvalidTransitionError    status change not allowed by the lifecycle
 │    ├── StateConflictError        well-formed, but stored data does not allow it (web 409)
 │    ├── ImportFormatError         a journal import file is malformed
 │    ├── ReportFormatError         a marketplace report cannot be used
 │    └── SettingError              a setting (MPDESK_… variable) has an unusable value
 ├── NotFoundError                  ticket / shop / finding does not exist (exit 2 as well)
 ├── ConcurrentEditError            the record changed since it was read
 ├── AuthRequiredError              not signed in / unknown token (web 401)
 ├── ForbiddenError                 the role does not allow the action (web 403)
 ├── TooManyAttemptsError           login throttled (web 429)
 ├── NotificationError              a reminder digest could not be delivered (SMTP, Telegram)
 ├── MailError                      a shop's mailbox refused or failed (SMTP send, IMAP fetch)
 ├── UnconfirmedSendError           an earlier send may have reached the server (web/API 409)
 ├── StorageError                   the evidence store is unreachable or a blob fails its check
 ├── PdfUnavailableError            PDF cannot be made here: WeasyPrint's system libraries missing
 ├── BackupError                    a backup archive cannot be written, checked or restored
 ├── SchemaVersionError             the database schema is older or newer than this build
 └── KnowledgeBaseError             the knowledge base is invalid (file, key path, problem)
"""

from __future__ import annotations

from typing import Any


class MpdeskError(Exception):
    """Base of all expected errors. ``code`` keys the Russian message catalogue."""

    code = "internal_error"

    def __init__(self, code: str | None = None, **fields: Any) -> None:
        if code is not None:
            self.code = code
        self.fields: dict[str, Any] = fields
        detail = ", ".join(f"{k}={v!r}" for k, v in fields.items())
        super().__init__(f"{self.code}: {detail}" if detail else self.code)


class UserInputError(MpdeskError):
    code = "invalid_input"


class UnknownValueError(UserInputError):
    """``fields``: field, value, allowed (comma-separated list of valid values)."""

    code = "unknown_value"

    def __init__(self, field: str, value: str, allowed: list[str]) -> None:
        super().__init__(field=field, value=value, allowed=", ".join(allowed))


class IdentifierFormatError(UserInputError):
    code = "identifier_format"

    def __init__(self, field: str, value: str, expected: str) -> None:
        super().__init__(field=field, value=value, expected=expected)


class InvalidDateError(UserInputError):
    code = "invalid_date"


class AttachmentError(UserInputError):
    code = "attachment_invalid"


class InvalidTransitionError(UserInputError):
    code = "invalid_transition"

    def __init__(self, ticket_id: int | str, current: str, target: str, allowed: list[str]) -> None:
        super().__init__(
            ticket_id=ticket_id,
            current=current,
            target=target,
            allowed=", ".join(allowed) or "—",
        )


class StateConflictError(UserInputError):
    """The request is well-formed, but what is stored does not allow it now: a name already
    taken, a ticket not yet sent, no mailbox set up. Another request can make it possible."""


class ImportFormatError(UserInputError):
    code = "import_format"


class ReportFormatError(UserInputError):
    code = "report_format"


class NotFoundError(MpdeskError):
    code = "not_found"


class TicketNotFoundError(NotFoundError):
    code = "ticket_not_found"

    def __init__(self, ticket_id: int | str) -> None:
        super().__init__(ticket_id=ticket_id)


class ConcurrentEditError(MpdeskError):
    code = "concurrent_edit"

    def __init__(self, ticket_id: int | str, expected_version: int, actual_version: int) -> None:
        super().__init__(
            ticket_id=ticket_id,
            expected_version=expected_version,
            actual_version=actual_version,
        )


class KnowledgeBaseError(MpdeskError):
    code = "kb_invalid"

    def __init__(self, path: str, key: str, problem: str) -> None:
        super().__init__(path=path, key=key, problem=problem)


class AuthRequiredError(MpdeskError):
    """Not signed in, or the session / token is unknown or expired (web 401)."""

    code = "auth_required"


class ForbiddenError(MpdeskError):
    """Signed in, but the role in this shop does not allow the action (web 403)."""

    code = "forbidden"


class SettingError(UserInputError):
    """A setting (environment variable or ``.env``) has a value mpdesk cannot use;
    ``fields``: setting (the variable's name), problem."""


class TooManyAttemptsError(MpdeskError):
    """Login throttled after repeated failures (web 429); ``fields``: retry_after seconds."""

    code = "too_many_attempts"

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after=retry_after, minutes=max(1, (retry_after + 59) // 60))


class NotificationError(MpdeskError):
    """A reminder digest was not delivered; ``fields``: channel, problem."""

    code = "notification_failed"

    def __init__(self, channel: str, problem: str) -> None:
        super().__init__(channel=channel, problem=problem)


class MailError(MpdeskError):
    """The shop's mail server failed or refused; ``fields``: server (smtp | imap), problem
    (a short English reason for logs, never a password). Codes: ``mail_send_failed``,
    ``mail_fetch_failed``; the ticket is left as it was."""

    code = "mail_send_failed"

    def __init__(self, code: str, server: str, problem: str) -> None:
        super().__init__(code, server=server, problem=problem)


class UnconfirmedSendError(MpdeskError):
    """An earlier send of the ticket's appeal was interrupted after it may have reached the
    server, and the mailbox's Sent folder does not show it (or cannot be read): the person
    decides whether to send again. ``fields``: ticket_id, message_id, at, reason
    (``not_found`` | ``no_imap`` | ``imap_failed``)."""

    code = "mail_send_unconfirmed"

    def __init__(self, ticket_id: int, message_id: str, at: str, reason: str) -> None:
        super().__init__(ticket_id=ticket_id, message_id=message_id, at=at, reason=reason)


class PdfUnavailableError(MpdeskError):
    """A PDF was asked for, but WeasyPrint or the system libraries it loads (Pango, HarfBuzz,
    fontconfig) are missing; ``problem`` is the loader's English text, for logs."""

    code = "pdf_unavailable"


class StorageError(MpdeskError):
    """The evidence store failed: unreachable (``evidence_store_unavailable``: store,
    problem) or a blob whose size or hash is not what was announced (``evidence_integrity``:
    sha256)."""

    code = "evidence_store_unavailable"


class SchemaVersionError(MpdeskError):
    """The journal's schema is not the one this build serves: ``schema_older`` (run
    ``mpdesk migrate``) or ``schema_newer`` (upgrade mpdesk); fields ``found``, ``expected``."""

    code = "schema_older"


class BackupError(UserInputError):
    """A backup archive cannot be written, checked or restored; ``fields`` name the archive
    (``archive``) and, where it applies, the member (``member``) or the directory."""

    code = "backup_invalid"
