"""``SmtpMailSender``: an appeal e-mail over SMTP (smtplib) with STARTTLS, implicit TLS or a
plain loopback link, and login when the mailbox has one.

The message is built with ``email.message.EmailMessage`` (policy SMTP): the letter as
``text/plain`` and, when given, ``text/html`` alternatives, then the attachments. Header values
come in on one line (``domain.mail.tagged_subject``) and the policy refuses CR/LF in any header,
so no field can inject a header. Evidence blobs are read from the file store's streams into
attachments. Every failure becomes ``MailError`` (server ``smtp``, an English reason without
the password); the caller's transaction is then rolled back.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate

from mpdesk.domain.errors import MailError
from mpdesk.domain.mail import Mailbox, MailSecurity, OutgoingMail
from mpdesk.services.ports.files import BlobStream


def _one_line(value: str) -> str:
    return " ".join(value.split())


def build_message(mail: OutgoingMail, open_blob: Callable[[str], BlobStream]) -> EmailMessage:
    message = EmailMessage(policy=SMTP)
    message["From"] = _one_line(mail.sender)
    message["To"] = _one_line(mail.recipient)
    message["Subject"] = _one_line(mail.subject)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = _one_line(mail.message_id)
    message.set_content(mail.body)
    if mail.html:  # text and HTML as alternatives; attachments make it multipart/mixed
        message.add_alternative(mail.html, subtype="html")
    for sha256, filename, media_type in mail.attachments:
        maintype, _, subtype = media_type.partition("/")
        stream = open_blob(sha256)
        try:
            data = stream.read()
        finally:
            stream.close()
        message.add_attachment(
            data,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=_one_line(filename),
        )
    return message


class SmtpMailSender:
    def __init__(self, timeout: float = 30.0) -> None:
        self.timeout = timeout

    def send(
        self,
        box: Mailbox,
        password: str,
        mail: OutgoingMail,
        open_blob: Callable[[str], BlobStream],
    ) -> None:
        message = build_message(mail, open_blob)
        try:
            smtp: smtplib.SMTP
            if box.smtp_security is MailSecurity.TLS:
                context = ssl.create_default_context()
                smtp = smtplib.SMTP_SSL(box.smtp_host, box.smtp_port, timeout=self.timeout,
                                        context=context)  # fmt: skip
            else:
                smtp = smtplib.SMTP(box.smtp_host, box.smtp_port, timeout=self.timeout)
            with smtp:
                if box.smtp_security is MailSecurity.STARTTLS:
                    smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo_or_helo_if_needed()
                if box.login and password and _offers_auth(smtp, box):
                    smtp.login(box.login, password)
                refused = smtp.send_message(message, from_addr=box.address,
                                            to_addrs=[mail.recipient])  # fmt: skip
        except smtplib.SMTPAuthenticationError as exc:
            problem = f"authentication refused ({exc.smtp_code})"
            raise MailError("mail_send_failed", "smtp", problem) from None
        except smtplib.SMTPResponseException as exc:
            problem = f"{exc.smtp_code} {_reply(exc.smtp_error)}"
            raise MailError("mail_send_failed", "smtp", problem) from None
        except smtplib.SMTPRecipientsRefused as exc:
            problem = f"recipient refused {sorted(exc.recipients)}"
            raise MailError("mail_send_failed", "smtp", problem) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError("mail_send_failed", "smtp", type(exc).__name__) from exc
        if refused:
            raise MailError("mail_send_failed", "smtp", f"recipient refused {sorted(refused)}")


def _offers_auth(smtp: smtplib.SMTP, box: Mailbox) -> bool:
    """Log in over TLS always; over a plain link (a loopback relay) only where the relay asks
    for it."""
    return box.smtp_security is not MailSecurity.PLAIN or smtp.has_extn("auth")


def _reply(raw: bytes | str) -> str:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    return _one_line(text)[:200]
