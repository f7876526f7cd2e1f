"""WB token expiry warnings through the reminders, end to end with the frozen clock
(``MPDESK_NOW``): nothing 15 days ahead, one e-mail 14 days ahead and never again for that
token, a new warning for a replaced token when its own time comes; Ozon shops have none."""

from __future__ import annotations

import email
import email.policy
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from mpdesk.entrypoints.cli import state
from tests.cli import run
from tests.connectors.conftest import wb_token
from tests.connectors.spec_server import SpecServer

OK = {"TS": "2026-11-20T07:00:00Z", "Status": "OK"}
#: 2026-12-10 12:00 MSK; the tests' clock starts at 2026-11-20 10:00 MSK
EXPIRES = int(datetime.fromisoformat("2026-12-10T12:00:00+03:00").timestamp())


@pytest.fixture
def env(
    cli_env: Path, market: SpecServer, smtp: Any, monkeypatch: pytest.MonkeyPatch
) -> tuple[SpecServer, Any, pytest.MonkeyPatch]:
    monkeypatch.setenv("MPDESK_MARKETPLACE_API_URL", market.url)
    monkeypatch.setenv("MPDESK_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("MPDESK_SMTP_PORT", str(smtp.port))
    monkeypatch.setenv("MPDESK_SMTP_STARTTLS", "false")
    monkeypatch.setenv("MPDESK_REMIND_EMAIL_TO", "seller@example.org")
    state.reset()
    return market, smtp, monkeypatch


def connect_wb(market: SpecServer, token: str) -> None:
    for _ in range(3):
        market.answer("GET", "/ping", 200, OK)
    done = run("shop", "connect", "Мой ВБ", "-m", "wb", stdin=token + "\n")
    assert done.code == 0, done.stderr


def at(monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    monkeypatch.setenv("MPDESK_NOW", moment)
    state.reset()


def bodies(smtp: Any) -> list[tuple[str, str]]:
    found = []
    for _, _, raw in smtp.messages:
        mail = email.message_from_bytes(raw, policy=email.policy.default)
        found.append((str(mail["Subject"]), mail.get_body().get_content()))
    return found


def test_a_wb_token_is_warned_about_once_fourteen_days_ahead(
    env: tuple[SpecServer, Any, pytest.MonkeyPatch],
) -> None:
    market, smtp, monkeypatch = env
    connect_wb(market, wb_token(EXPIRES))

    at(monkeypatch, "2026-11-25T10:00:00+03:00")  # 15 days left
    early = run("remind", "--json")
    assert early.code == 0, early.stderr
    assert early.json()["events"] == 0 and smtp.messages == []

    at(monkeypatch, "2026-11-26T13:00:00+03:00")  # 13 days 23 hours left
    first = run("remind", "--json")
    assert first.code == 0 and first.json()["sent"] == {"email": 1}
    ((subject, text),) = bodies(smtp)
    assert "истекают токены API: 1" in subject
    assert "Магазин «Мой ВБ»: токен API истекает 10.12.2026 (осталось дней: 13)" in text
    assert wb_token(EXPIRES) not in text

    at(monkeypatch, "2026-12-11T10:00:00+03:00")  # expired since: still the same token
    assert run("remind", "--json").json()["sent"] == {"email": 0}
    assert len(smtp.messages) == 1
    preview = run("remind", "--dry-run", "--json").json()["preview"]["text"]
    assert "Магазин «Мой ВБ»: токен API истёк 10.12.2026, синхронизация с WB не работает" in preview


def test_a_replaced_token_is_warned_about_when_its_own_time_comes(
    env: tuple[SpecServer, Any, pytest.MonkeyPatch],
) -> None:
    market, smtp, monkeypatch = env
    connect_wb(market, wb_token(EXPIRES))
    at(monkeypatch, "2026-12-01T10:00:00+03:00")
    assert run("remind", "--json").json()["sent"] == {"email": 1}

    later = EXPIRES + 180 * 86400
    connect_wb(market, wb_token(later))
    assert run("remind", "--json").json()["sent"] == {"email": 0}  # 189 days left

    at(monkeypatch, "2027-06-01T10:00:00+03:00")  # 7 days left of the new token
    assert run("remind", "--json").json()["sent"] == {"email": 1}
    assert "истекает 08.06.2027 (осталось дней: 7)" in bodies(smtp)[-1][1]
    preview = run("remind", "--dry-run", "--json").json()["preview"]
    assert "Токены API Wildberries:" in preview["text"]
