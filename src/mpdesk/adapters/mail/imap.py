"""``ImapMailboxReader``: new messages of a shop's folder over IMAP (imaplib), TLS or plain.

The folder is opened read-only (``EXAMINE``) and bodies are fetched with ``BODY.PEEK[]``, so
reading marks nothing as seen. New means a UID above the mailbox's cursor; when the server's
UIDVALIDITY differs from the stored one every UID is new (the ledger's Message-ID keys keep
already filed messages from being filed again). ``find_sent`` looks for a Message-ID in the
Sent folder (named in the mailbox, else the one with the RFC 6154 ``\\Sent`` flag in the LIST
reply, else «Sent»). Failures become ``MailError`` (server ``imap``).
"""

from __future__ import annotations

import imaplib
import re
import ssl
from collections.abc import Iterator
from contextlib import contextmanager

from mpdesk.domain.errors import MailError
from mpdesk.domain.mail import Mailbox, MailFolder
from mpdesk.services.ports.mail import FetchedBatch

_UIDVALIDITY = re.compile(rb"UIDVALIDITY (\d+)")
#: one LIST reply line: (flags) "delimiter" name
_LIST = re.compile(rb'\((?P<flags>[^)]*)\) (?:"(?:[^"\\]|\\.)*"|NIL) (?P<name>.+)$')
_UID = re.compile(rb"UID (\d+)")


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


class ImapMailboxReader:
    def __init__(self, timeout: float = 30.0) -> None:
        self.timeout = timeout

    def _connect(self, box: Mailbox) -> imaplib.IMAP4:
        if box.imap_tls:
            context = ssl.create_default_context()
            return imaplib.IMAP4_SSL(box.imap_host, box.imap_port, ssl_context=context,
                                     timeout=self.timeout)  # fmt: skip
        return imaplib.IMAP4(box.imap_host, box.imap_port, timeout=self.timeout)

    @contextmanager
    def _session(self, box: Mailbox, password: str) -> Iterator[imaplib.IMAP4]:
        """A logged-in connection; every failure inside becomes ``MailError``."""
        try:
            imap = self._connect(box)
        except (OSError, imaplib.IMAP4.error) as exc:
            raise MailError("mail_fetch_failed", "imap", type(exc).__name__) from exc
        try:
            imap.login(box.login, password)
            yield imap
        except imaplib.IMAP4.error as exc:
            raise MailError("mail_fetch_failed", "imap", _reason(exc)) from exc
        except OSError as exc:
            raise MailError("mail_fetch_failed", "imap", type(exc).__name__) from exc
        finally:
            try:
                imap.logout()
            except (OSError, imaplib.IMAP4.error):
                pass

    def fetch(self, box: Mailbox, folder: MailFolder, password: str, limit: int) -> FetchedBatch:
        with self._session(box, password) as imap:
            status, _ = imap.select(_quoted(folder.name), readonly=True)
            if status != "OK":
                raise MailError("mail_fetch_failed", "imap", f"folder {folder.name!r} not found")
            validity = _uid_validity(imap, folder.name)
            start = folder.next_uid(validity)
            _, data = imap.uid("SEARCH", f"UID {start}:*")
            uids = sorted(int(u) for u in (data[0] or b"").split() if int(u) >= start)[:limit]
            return FetchedBatch(validity, [(uid, _body(imap, uid)) for uid in uids])

    def find_sent(self, box: Mailbox, password: str, message_id: str) -> bool:
        with self._session(box, password) as imap:
            folder = box.sent_folder or _special_sent(imap) or "Sent"
            status, _ = imap.select(_quoted(folder), readonly=True)
            if status != "OK":
                return False
            wanted = " ".join(message_id.split())
            _, data = imap.uid("SEARCH", "HEADER", "Message-ID", _quoted(wanted))
            return bool(data and (data[0] or b"").split())


def _special_sent(imap: imaplib.IMAP4) -> str:
    """The folder the server flags ``\\Sent`` (RFC 6154 SPECIAL-USE), or ""."""
    status, lines = imap.list()
    for line in lines if status == "OK" else []:
        found = _LIST.match(line) if isinstance(line, bytes) else None
        if found is None or b"\\sent" not in found.group("flags").lower().split():
            continue
        name = found.group("name").decode("ascii", "replace")
        if name.startswith('"') and name.endswith('"'):
            name = name[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        return name
    return ""


def _uid_validity(imap: imaplib.IMAP4, folder: str) -> int:
    _, values = imap.response("UIDVALIDITY")
    for value in values or []:
        if isinstance(value, bytes) and value.strip().isdigit():
            return int(value)
    _, data = imap.status(_quoted(folder), "(UIDVALIDITY)")
    found = _UIDVALIDITY.search(data[0] if data and isinstance(data[0], bytes) else b"")
    if found is None:
        raise MailError("mail_fetch_failed", "imap", "no UIDVALIDITY")
    return int(found.group(1))


def _body(imap: imaplib.IMAP4, uid: int) -> bytes:
    _, data = imap.uid("FETCH", str(uid), "(BODY.PEEK[])")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and _UID.search(item[0]):
            return bytes(item[1])
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return bytes(item[1])
    raise MailError("mail_fetch_failed", "imap", f"message {uid} has no body")


def _reason(exc: Exception) -> str:
    text = str(exc)
    return "authentication refused" if "AUTHENTICATIONFAILED" in text.upper() else text[:200]
