"""Reminder delivery to the seller: plain SMTP and the seller's own Telegram bot (Bot API).

Both raise ``NotificationError`` (channel, problem) and never log secrets. The Telegram base
URL is a setting so tests run against a local fake Bot API server.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import httpx

from mpdesk.adapters.http_client import new_client
from mpdesk.domain.errors import NotificationError

TELEGRAM_LIMIT = 4096


class SmtpNotifier:
    channel = "email"

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        recipients: list[str],
        user: str = "",
        password: str = "",
        starttls: bool = True,
        timeout: float = 20.0,
    ) -> None:
        self.host, self.port, self.sender, self.recipients = host, port, sender, recipients
        self.user, self._password, self.starttls, self.timeout = user, password, starttls, timeout

    def send(self, subject: str, text: str) -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = ", ".join(self.recipients)
        message["Subject"] = subject.replace("\r", " ").replace("\n", " ")
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain="mpdesk.local")
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(text)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.user:
                    smtp.login(self.user, self._password)
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise NotificationError(self.channel, f"{type(exc).__name__}: {exc}") from exc


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split at line ends into parts of at most ``limit`` characters."""
    parts: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        if len(current) + len(line) > limit:
            parts.append(current)
            current = ""
        current += line
    if current or not parts:
        parts.append(current)
    return parts


class TelegramNotifier:
    channel = "telegram"

    def __init__(
        self, token: str, chat_id: str, api_url: str, client: httpx.Client | None = None
    ) -> None:
        self._token, self.chat_id = token, chat_id
        self.api_url = api_url.rstrip("/")
        self._client = client

    def send(self, subject: str, text: str) -> None:
        url = f"{self.api_url}/bot{self._token}/sendMessage"
        client = self._client or new_client(20.0)
        try:
            for part in split_message(f"{subject}\n\n{text}"):
                response = client.post(url, json={"chat_id": self.chat_id, "text": part})
                body = response.json() if response.content else {}
                if response.status_code != 200 or not body.get("ok"):
                    problem = body.get("description") or f"HTTP {response.status_code}"
                    raise NotificationError(self.channel, str(problem))
        except httpx.HTTPError as exc:
            raise NotificationError(self.channel, type(exc).__name__) from exc
        except ValueError as exc:  # not JSON
            raise NotificationError(self.channel, "bad response") from exc
        finally:
            if self._client is None:
                client.close()
