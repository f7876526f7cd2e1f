"""Real mail servers on loopback for the tests: Dovecot (IMAP) started from a generated
configuration as a non-root process, and aiosmtpd as the SMTP server.

Dovecot runs as the current user, or as ``nobody`` (``setpriv``) when the tests run as root;
it authenticates one user from a passwd file and keeps the mail in a maildir of its own
directory. Without Dovecot the tests skip with the reason, unless ``MPDESK_REQUIRE_MAIL=1``.
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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

IMAP_USER = "shop@example.ru"
IMAP_PASSWORD = "imap-secret-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def dovecot_binary() -> str | None:
    return shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
    )


def require_dovecot() -> str:
    found = dovecot_binary()
    if found is not None:
        return found
    reason = "Dovecot is not installed (Debian package dovecot-imapd)"
    if os.environ.get("MPDESK_REQUIRE_MAIL") == "1":
        pytest.fail(f"MPDESK_REQUIRE_MAIL=1 but {reason}")
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
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%n
default_login_user = {user}
default_internal_user = {user}
default_internal_group = {group}
first_valid_uid = 1
mail_uid = {user}
mail_gid = {group}
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
    user: str = IMAP_USER
    password: str = IMAP_PASSWORD

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        """Deliver a message the way a client files one: IMAP APPEND."""
        imap = imaplib.IMAP4(self.host, self.port, timeout=10)
        try:
            imap.login(self.user, self.password)
            status, data = imap.append(folder, "", imaplib.Time2Internaldate(time.time()), raw)
            assert status == "OK", data
        finally:
            imap.logout()


@contextmanager
def dovecot_server() -> Iterator[Dovecot]:
    binary = require_dovecot()
    root = Path(tempfile.mkdtemp(prefix="mpdesk-dovecot-"))
    as_root = os.geteuid() == 0
    account = pwd.getpwnam("nobody") if as_root else pwd.getpwuid(os.geteuid())
    group = "nogroup" if as_root else _group_name(account.pw_gid)
    port = free_port()
    (root / "dovecot.conf").write_text(_config(root, port, account.pw_name, group))
    (root / "passwd").write_text(f"{IMAP_USER}:{{PLAIN}}{IMAP_PASSWORD}::::::\n")
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
        yield Dovecot("127.0.0.1", port)
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
