"""``MailRepository`` in SQL (mailboxes and the mail ledger) and the unit of work that holds it
beside tickets and shops, so a message and its ticket are written in one transaction."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any, Self

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from mpdesk.adapters.db import tables as t
from mpdesk.adapters.db import tables_mail as tm
from mpdesk.adapters.db.uow import SqlUnitOfWork
from mpdesk.domain.mail import Mailbox, MailDirection, MailFolder, MailRecord, MailSecurity

_BOX = tm.mailboxes.c
_MAIL = tm.mail_messages.c
_FOLDER = tm.mail_folders.c


def _box_values(box: Mailbox) -> dict[str, Any]:
    return {
        "shop_id": box.shop_id,
        "address": box.address,
        "login": box.login,
        "smtp_host": box.smtp_host,
        "smtp_port": box.smtp_port,
        "smtp_security": box.smtp_security.value,
        "imap_host": box.imap_host,
        "imap_port": box.imap_port,
        "imap_tls": box.imap_tls,
        "sent_folder": box.sent_folder,
        "password_env": box.password_env,
        "password_token": box.password_token,
        "forwarders": "\n".join(box.forwarders),
    }


def _box(row: Any, folders: tuple[MailFolder, ...]) -> Mailbox:
    return Mailbox(
        shop_id=row.shop_id,
        address=row.address,
        login=row.login,
        smtp_host=row.smtp_host,
        smtp_port=row.smtp_port,
        smtp_security=MailSecurity(row.smtp_security),
        imap_host=row.imap_host,
        imap_port=row.imap_port,
        imap_tls=row.imap_tls,
        folders=folders or (MailFolder("INBOX"),),
        sent_folder=row.sent_folder,
        password_env=row.password_env,
        password_token=row.password_token,
        forwarders=tuple(a for a in row.forwarders.split("\n") if a),
    )


def _record(row: Any) -> MailRecord:
    return MailRecord(
        shop_id=row.shop_id,
        direction=MailDirection(row.direction),
        key=row.mail_key,
        subject=row.subject,
        sender=row.sender,
        at=row.at,
        text=row.body,
        ticket_id=row.ticket_id,
        message_id=row.message_id,
        in_reply_to=row.in_reply_to,
        raw_sha256=row.raw_sha256,
        answer_class=row.answer_class,
        appeal_number=row.appeal_number,
        auto_reply=row.auto_reply,
        problems=tuple(p for p in row.problems.split(" ") if p),
        id=row.id,
    )


class SqlMailRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def mailbox(self, shop_id: int) -> Mailbox | None:
        row = self.conn.execute(select(tm.mailboxes).where(_BOX.shop_id == shop_id)).first()
        if row is None:
            return None
        query = select(tm.mail_folders).where(_FOLDER.shop_id == shop_id)
        folders = tuple(
            MailFolder(f.name, f.uid_validity, f.last_uid)
            for f in self.conn.execute(query.order_by(_FOLDER.position))
        )
        return _box(row, folders)

    def save_mailbox(self, box: Mailbox) -> None:
        self.conn.execute(delete(tm.mailboxes).where(_BOX.shop_id == box.shop_id))
        self.conn.execute(delete(tm.mail_folders).where(_FOLDER.shop_id == box.shop_id))
        self.conn.execute(insert(tm.mailboxes).values(_box_values(box)))
        for position, folder in enumerate(box.folders):
            self.conn.execute(
                insert(tm.mail_folders).values(
                    shop_id=box.shop_id, name=folder.name, position=position,
                    uid_validity=folder.uid_validity, last_uid=folder.last_uid,
                )
            )  # fmt: skip

    def move_cursor(self, shop_id: int, folder: str, uid_validity: int, last_uid: int) -> None:
        self.conn.execute(
            update(tm.mail_folders)
            .where(_FOLDER.shop_id == shop_id, _FOLDER.name == folder)
            .values(uid_validity=uid_validity, last_uid=last_uid)
        )

    def add(self, record: MailRecord) -> MailRecord | None:
        values = {
            "shop_id": record.shop_id,
            "ticket_id": record.ticket_id,
            "direction": record.direction.value,
            "mail_key": record.key[:500],
            "message_id": record.message_id[:500],
            "in_reply_to": record.in_reply_to[:500],
            "subject": record.subject,
            "sender": record.sender[:320],
            "at": record.at,
            "body": record.text,
            "raw_sha256": record.raw_sha256,
            "answer_class": record.answer_class,
            "appeal_number": record.appeal_number[:64],
            "auto_reply": record.auto_reply,
            "problems": " ".join(record.problems),
        }
        dialect = postgresql if self.conn.dialect.name == "postgresql" else sqlite
        statement = (
            dialect.insert(tm.mail_messages)
            .values(values)
            .on_conflict_do_nothing(index_elements=["shop_id", "mail_key"])
            .returning(_MAIL.id)
        )
        new_id = self.conn.execute(statement).scalar()
        if new_id is None:
            return None
        record.id = new_id
        return record

    def pending(self, shop_id: int, ticket_id: int | None = None) -> builtins.list[MailRecord]:
        query = select(tm.mail_messages).where(
            _MAIL.shop_id == shop_id, _MAIL.direction == MailDirection.PENDING.value
        )
        if ticket_id is not None:
            query = query.where(_MAIL.ticket_id == ticket_id)
        return [_record(r) for r in self.conn.execute(query.order_by(_MAIL.id))]

    def settle(self, mail_id: int) -> None:
        self.conn.execute(
            update(tm.mail_messages)
            .where(_MAIL.id == mail_id, _MAIL.direction == MailDirection.PENDING.value)
            .values(direction=MailDirection.OUT.value)
        )

    def discard(self, mail_id: int) -> None:
        self.conn.execute(
            delete(tm.mail_messages).where(
                _MAIL.id == mail_id, _MAIL.direction == MailDirection.PENDING.value
            )
        )

    def get(self, mail_id: int) -> MailRecord | None:
        row = self.conn.execute(select(tm.mail_messages).where(_MAIL.id == mail_id)).first()
        return _record(row) if row is not None else None

    def has(self, shop_id: int, key: str) -> bool:
        found = self.conn.execute(
            select(_MAIL.id).where(_MAIL.shop_id == shop_id, _MAIL.mail_key == key[:500])
        ).first()
        return found is not None

    def assign(self, mail_id: int, ticket_id: int, answer_class: str, appeal_number: str) -> None:
        self.conn.execute(
            update(tm.mail_messages)
            .where(_MAIL.id == mail_id)
            .values(ticket_id=ticket_id, answer_class=answer_class,
                    appeal_number=appeal_number[:64])
        )  # fmt: skip

    def ticket_by_message_ids(self, shop_id: int, message_ids: Sequence[str]) -> int | None:
        wanted = [m[:500] for m in message_ids if m]
        if not wanted:
            return None
        return self.conn.execute(
            select(_MAIL.ticket_id)
            .where(_MAIL.shop_id == shop_id, _MAIL.message_id.in_(wanted))
            .where(_MAIL.ticket_id.is_not(None))
            .order_by(_MAIL.id.desc())
            .limit(1)
        ).scalar()

    def ticket_by_external_id(self, shop_id: int, external_id: str) -> int | None:
        c = t.tickets.c
        return self.conn.execute(
            select(c.id)
            .where(c.shop_id == shop_id, c.external_id == external_id.strip())
            .order_by(c.id.desc())
            .limit(1)
        ).scalar()

    def unmatched(self, shop_ids: Sequence[int] | None, limit: int) -> builtins.list[MailRecord]:
        query = (
            select(tm.mail_messages)
            .where(_MAIL.ticket_id.is_(None), _MAIL.direction == MailDirection.IN.value)
            .order_by(_MAIL.at.desc(), _MAIL.id.desc())
            .limit(limit)
        )
        if shop_ids is not None:
            query = query.where(_MAIL.shop_id.in_(list(shop_ids)))
        return [_record(r) for r in self.conn.execute(query)]

    def for_ticket(self, ticket_id: int) -> builtins.list[MailRecord]:
        query = select(tm.mail_messages).where(_MAIL.ticket_id == ticket_id).order_by(_MAIL.id)
        return [_record(r) for r in self.conn.execute(query)]


class SqlMailUnitOfWork(SqlUnitOfWork):
    mail: SqlMailRepository

    def __enter__(self) -> Self:
        super().__enter__()
        assert self.conn is not None
        self.mail = SqlMailRepository(self.conn)
        return self
