"""Real mail servers on loopback for the tests: Dovecot (IMAP) started from a generated
configuration as a non-root process, and aiosmtpd as the SMTP server.

Dovecot runs as the current user, or as ``nobody`` (``setpriv``) when the tests run as root;
it authenticates one user from a passwd file and keeps the mail in a maildir of its own
directory, with a «Sent Items» folder flagged ``\\Sent`` (RFC 6154) as real providers have.
Without Dovecot the tests skip with the reason, unless ``MPDESK_REQUIRE_IMAP=1``.
"""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from mpdesk.services.mail_send import MailboxInput
from tests.servers import free_port

USERS = 500


def _user(number: int) -> tuple[str, str]:
    return f"user{number}@example.ru", f"secret-{number}"


def dovecot_binary() -> str | None:
    return shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
    )


def require_dovecot() -> str:
    found = dovecot_binary()
    if found is not None:
        return found
    reason = "Dovecot is not installed (Debian package dovecot-imapd)"
    if os.environ.get("MPDESK_REQUIRE_IMAP") == "1":
        pytest.fail(f"MPDESK_REQUIRE_IMAP=1 but {reason}")
    pytest.skip(reason)


def _config(root: Path, port: int, user: str, group: str) -> str:
    return f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_failure_delay = 0
login_trusted_networks = 127.0.0.0/8
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%n
default_login_user = {user}
default_internal_user = {user}
default_internal_group = {group}
first_valid_uid = 1
mail_uid = {user}
mail_gid = {group}
namespace inbox {{
  inbox = yes
  mailbox "Sent Items" {{
    auto = create
    special_use = \\Sent
  }}
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = home={root}/mail/%n
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
  # no auth penalty: after a refused login Dovecot would delay the next logins from the same
  # address by 2 s and more (the tests' refused-login cases), which only makes the tests wait
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0600
  }}
  unix_listener stats-writer {{
    mode = 0600
  }}
}}
"""


@dataclass
class Dovecot:
    host: str
    port: int
    user: str
    password: str

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        """Deliver a message the way a client files one: IMAP APPEND."""
        self.append_all([raw], folder)

    def append_all(self, raws: Iterable[bytes], folder: str = "INBOX") -> None:
        """Deliver messages with IMAP APPEND, in one session."""
        with self.session() as imap:
            for raw in raws:
                when = imaplib.Time2Internaldate(time.time())
                status, data = imap.append(f'"{folder}"', "", when, raw)
                assert status == "OK", data

    def recreate(self, folder: str) -> None:
        """Delete and create a folder again: the server gives it a new UIDVALIDITY."""
        with self.session() as imap:
            imap.delete(folder)
            status, data = imap.create(folder)
            assert status == "OK", data

    @contextmanager
    def session(self) -> Iterator[imaplib.IMAP4]:
        imap = imaplib.IMAP4(self.host, self.port, timeout=10)
        try:
            imap.login(self.user, self.password)
            yield imap
        finally:
            imap.logout()


@dataclass
class DovecotService:
    """One running Dovecot; each test takes a user (and so a maildir) of its own."""

    host: str
    port: int
    root: Path
    owner: tuple[int, int] | None  # (uid, gid) the files belong to, when run as root
    users: int = 0

    def new_user(self) -> Dovecot:
        self.users += 1
        if self.users > USERS:
            raise RuntimeError(f"the test Dovecot has only {USERS} users")
        return Dovecot(self.host, self.port, *_user(self.users))


@contextmanager
def dovecot_service() -> Iterator[DovecotService]:
    """Dovecot for a whole test session (starting and stopping it takes about a second)."""
    with _dovecot() as (port, root, owner):
        yield DovecotService("127.0.0.1", port, root, owner)


@contextmanager
def dovecot_server() -> Iterator[Dovecot]:
    """Dovecot with one user, for one test."""
    with dovecot_service() as service:
        yield service.new_user()


@contextmanager
def _dovecot() -> Iterator[tuple[int, Path, tuple[int, int] | None]]:
    binary = require_dovecot()
    root = Path(tempfile.mkdtemp(prefix="mpdesk-dovecot-"))
    as_root = os.geteuid() == 0
    account = pwd.getpwnam("nobody") if as_root else pwd.getpwuid(os.geteuid())
    group = "nogroup" if as_root else _group_name(account.pw_gid)
    port = free_port()
    (root / "dovecot.conf").write_text(_config(root, port, account.pw_name, group))
    # every user is written before start: Dovecot looks at a changed passwd file at most once
    # a second, so a user added while it runs may not log in yet
    users = (f"{u}:{{PLAIN}}{p}::::::\n" for u, p in map(_user, range(1, USERS + 1)))
    (root / "passwd").write_text("".join(users))
    for sub in ("run", "state", "mail"):
        (root / sub).mkdir()
    command = [binary, "-F", "-c", str(root / "dovecot.conf")]
    if as_root:  # never run a test server as root: the whole tree belongs to nobody
        for path in (root, *root.rglob("*")):
            os.chown(path, account.pw_uid, account.pw_gid)
        command = ["setpriv", f"--reuid={account.pw_uid}", f"--regid={account.pw_gid}",
                   "--clear-groups", *command]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        _wait_for(port, proc, root)
        yield port, root, (account.pw_uid, account.pw_gid) if as_root else None
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        shutil.rmtree(root, ignore_errors=True)


def _group_name(gid: int) -> str:
    import grp

    return grp.getgrgid(gid).gr_name


def _wait_for(port: int, proc: subprocess.Popen[bytes], root: Path) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                if sock.recv(100).startswith(b"* OK"):
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
            output = proc.stdout.read().decode() if proc.stdout and proc.poll() is not None else ""
            raise RuntimeError(f"Dovecot did not start on port {port}: {output}{log}")
        time.sleep(0.1)


@dataclass
class SmtpSink:
    """aiosmtpd on loopback: every accepted message, and a switch to refuse them."""

    port: int
    messages: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    refuse: str = ""  # a reply such as "554 5.7.1 rejected" to refuse DATA with


@contextmanager
def smtp_sink() -> Iterator[SmtpSink]:
    from aiosmtpd.controller import Controller

    sink = SmtpSink(free_port())

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            if sink.refuse:
                return sink.refuse
            sink.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


def loopback_mailbox(smtp: SmtpSink, dovecot: Dovecot, password_env: str) -> MailboxInput:
    """The shop's mailbox on the loopback servers (no TLS), its password in ``password_env``."""
    return MailboxInput(
        address="shop@example.ru",
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        smtp_security="plain",
        imap_host=dovecot.host,
        imap_port=dovecot.port,
        imap_tls=False,
        login=dovecot.user,
        password_env=password_env,
    )
